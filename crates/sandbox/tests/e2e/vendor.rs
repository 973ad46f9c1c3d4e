//! End-to-end, the sandbox for any integration and any package: a vendor's own integration
//! (`support/vendor.rs`, its own CA) installed from the admin page as `--manifest-url` and
//! `--integration-ca` name it, an account added in its admin UI in the frame, a refused pull
//! shown field by field, a reply sent back through its channelback (failing once, then Try
//! again), a pushed resource, and the events it received listed; and Zendesk's basic scaffold,
//! a package without `requirements.json`, showing its sidebar on a ticket.

use sandbox::browser::{R, fail, in_frame};
use sandbox::config::Startup;
use sandbox::{Config, Options, Sandbox};
use serde_json::{Value, json};

use crate::ui::Ui;
use crate::vendor::{Vendor, resource};

/// What the vendor's admin UI shows in the frame: its form's fields, if it is there.
const VENDOR_FORM: &str = r#"
const f = document.getElementById('account-form');
return f ? {name: f.elements.name.value, key: f.elements.api_key.value} : null;
"#;

pub async fn any_integration_installed_replied_to_and_pushed_in_the_browser(ui: &Ui<'_>) -> R<()> {
    let vendor = Vendor::start(ui.vendor_ca).await;
    let sandbox = Sandbox::start(Options {
        config: Config {
            startup: Startup::empty(),
            pull_interval_ms: 0,
            ..Config::default().on_free_ports()
        },
        package_dir: Some(ui.package.to_path_buf()),
        zaf_sdk: Some(ui.sdk.to_path_buf()),
        tls: Some(ui.tls.clone()),
        manifest_url: Some(reqwest::Url::parse(&vendor.manifest_url())?),
        integration_ca: Some(ui.vendor_ca.ca_pem.clone().into_bytes()),
        ..Options::default()
    })
    .await?;
    let ui = ui.with(sandbox);

    // Install, as an admin: the vendor's name, its health check and links.
    ui.c.goto(&ui.sandbox.admin_url()).await?;
    ui.click_host("#install").await?;
    let admin = ui
        .wait_admin("installed", |v| v["install"] == "installed")
        .await?;
    if !admin["installText"]
        .as_str()
        .unwrap_or("")
        .contains("Vendor Echo")
    {
        return fail(format!("installed something else: {admin}"));
    }
    let links: Value = ui
        .c
        .execute(
            "return {health: document.querySelector('[data-health]').dataset.health, \
             about: !!document.getElementById('about-link'), dashboard: !!document.getElementById('dashboard-link')};",
            vec![],
        )
        .await?;
    if links != json!({"health": "ok", "about": true, "dashboard": true}) {
        return fail(format!("the integration's health and links: {links}"));
    }

    // Add the account in the vendor's own admin UI, in the frame.
    ui.click_host("#add-account button").await?;
    ui.wait_for("the vendor's form in the frame", || async {
        in_frame(ui.c, VENDOR_FORM)
            .await
            .map(|v| (!v.is_null()).then_some(v))
    })
    .await?;
    ui.submit_account_form(&[("name", "Vendor account"), ("api_key", "k-123")])
        .await?;
    let admin = ui
        .wait_admin("the saved account", |v| {
            v["accounts"].as_array().is_some_and(|a| a.len() == 1)
        })
        .await?;
    let id = admin["accounts"][0]["id"].as_u64().ok_or("account id")?;
    if vendor.state.push.lock().map(|p| p.len()).unwrap_or(0) != 1 {
        return fail("the admin UI got no push credentials");
    }

    // A pull Zendesk would refuse: shown field by field, nothing brought in.
    let mut over = resource("r-over", "t-over", "hello");
    over["author"] = json!({"external_id": "a".repeat(256)});
    vendor
        .state
        .queue_pull(json!({"external_resources": [over]}));
    ui.click_host(&format!("#pull-{id}")).await?;
    ui.wait_for("the refused pull on the admin page", || async {
        let v = ui
            .c
            .execute(
                "const r = document.querySelector('.flash tr[data-path]'); return r ? r.dataset.path : null;",
                vec![],
            )
            .await?;
        Ok((v == json!("external_resources[0].author.external_id")).then_some(()))
    })
    .await?;
    ui.screenshot("admin-refused-resource").await?;

    // A pull within the limits makes the ticket.
    vendor.state.queue_pull(
        json!({"external_resources": [resource("r-1", "t-1", "Where is my order #1042?")]}),
    );
    ui.click_host(&format!("#pull-{id}")).await?;
    ui.wait_admin("the pull's ticket", |v| {
        v["flash"].as_str().unwrap_or("").contains("1 new ticket")
    })
    .await?;
    let ticket = ui.ticket_of_photo("r-1")?;

    // The agent replies; the vendor's channelback fails once, then Try again gets it through.
    vendor
        .state
        .channelback_failures
        .store(1, std::sync::atomic::Ordering::SeqCst);
    ui.c.goto(&ui.sandbox.ticket_url(ticket)).await?;
    let reply_box =
        ui.c.find(sandbox::browser::fantoccini::Locator::Id("reply-message"))
            .await?;
    reply_box.send_keys("It ships today.").await?;
    ui.screenshot("reply-box").await?;
    ui.click_host("#send-reply").await?;
    ui.wait_for("the failed reply with Try again", || async {
        let v =
            ui.c.execute(
                "return !!document.querySelector('.reply-failed .retry-reply');",
                vec![],
            )
            .await?;
        Ok((v == json!(true)).then_some(()))
    })
    .await?;
    ui.screenshot("reply-failed").await?;
    ui.click_host(".retry-reply").await?;
    ui.wait_for("the reply on the ticket", || async {
        let v = ui
            .c
            .execute(
                "const r = document.querySelector('.comment.reply'); return r ? r.dataset.externalId : null;",
                vec![],
            )
            .await?;
        Ok(v.as_str().filter(|id| id.starts_with("reply-")).map(str::to_owned))
    })
    .await?;
    let ids: Vec<String> = vendor
        .state
        .channelbacks
        .lock()
        .map(|c| {
            c.iter()
                .filter_map(|f| f.get("request_unique_identifier").cloned())
                .collect()
        })
        .unwrap_or_default();
    if ids.len() != 2 || ids[0] != ids[1] {
        return fail(format!("the retry's request_unique_identifier: {ids:?}"));
    }

    // The vendor pushes a resource onto the ticket's thread.
    let (push_id, token) = vendor.state.push.lock().map_err(|_| "push")?[0].clone();
    let pushed = reqwest::Client::new()
        .post(format!("{}/api/v2/any_channel/push.json", ui.sandbox.host_url().replace("localhost", "127.0.0.1")))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(json!({"instance_push_id": push_id, "external_resources": [resource("r-2", "t-1", "Thanks, got it!")]}).to_string())
        .send()
        .await?
        .text()
        .await?;
    if !pushed.contains("\"success\"") {
        return fail(format!("the push: {pushed}"));
    }
    ui.c.refresh().await?;
    ui.wait_for("the pushed comment", || async {
        let v =
            ui.c.execute(
                "return !!document.querySelector('[data-external-id=\"r-2\"]');",
                vec![],
            )
            .await?;
        Ok((v == json!(true)).then_some(()))
    })
    .await?;
    ui.screenshot("ticket-with-reply-and-push").await?;

    // The events the integration received, listed on the admin page.
    ui.c.goto(&ui.sandbox.admin_url()).await?;
    let wanted = [
        "create_integration_instance",
        "pull_request",
        "resources_created_from_external_ids",
        "channelback",
    ];
    ui.wait_for("the events on the admin page", || async {
        ui.c.refresh().await?;
        let listed = ui
            .c
            .execute(
                "return [...document.querySelectorAll('#events-table tr[data-type]')].map(r => r.dataset.type);",
                vec![],
            )
            .await?;
        let listed: Vec<String> = serde_json::from_value(listed).unwrap_or_default();
        Ok(wanted
            .iter()
            .all(|w| listed.iter().any(|l| l == w))
            .then_some(()))
    })
    .await?;
    let received = vendor.state.event_types();
    if !wanted.iter().all(|w| received.iter().any(|r| r == w)) {
        return fail(format!("the vendor received {received:?}"));
    }
    ui.c.execute(
        "document.getElementById('events').scrollIntoView();",
        vec![],
    )
    .await?;
    ui.screenshot("admin-events").await
}

/// Zendesk's basic scaffold (`zcli apps:new --scaffold=basic`): no `requirements.json`, no
/// channel integration, its sidebar on the config's email ticket.
pub async fn any_zaf_package_runs_without_requirements(ui: &Ui<'_>) -> R<()> {
    let scaffold = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../zaf-validate/tests/fixtures/basic-scaffold");
    let sandbox = Sandbox::start(Options {
        config: Config {
            pull_interval_ms: 0,
            ..Config::default().on_free_ports()
        },
        package_dir: Some(scaffold),
        zaf_sdk: Some(ui.sdk.to_path_buf()),
        tls: Some(ui.tls.clone()),
        ..Options::default()
    })
    .await?;
    let ui = ui.with(sandbox);
    ui.c.goto(&ui.sandbox.ticket_url(63)).await?;
    ui.wait_for("Hello from the sidebar", || async {
        let v = in_frame(
            ui.c,
            "const h = document.querySelector('h2'); return h ? h.textContent : null;",
        )
        .await?;
        Ok((v == json!("Hello from the sidebar")).then_some(()))
    })
    .await?;
    ui.screenshot("basic-scaffold").await?;
    ui.c.goto(&ui.sandbox.admin_url()).await?;
    let status =
        ui.c.execute(
            "return document.getElementById('install-status').dataset.status;",
            vec![],
        )
        .await?;
    if status != json!("none") {
        return fail(format!(
            "the admin page for a package without requirements: {status}"
        ));
    }
    Ok(())
}
