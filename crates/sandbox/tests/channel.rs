//! Zendesk's side of the Channel framework over real HTTP(S): the package's requirements, the
//! manifest, the admin UI exchange, pulls, and what the reference integration refuses.

mod common;

use common::{PHOTO_62, PHOTO_64, http, https, sign_in, start};
use sandbox::channel::form::forms;
use sandbox::channel::{Install, requirements};
use sandbox::config::{OMNIWEAR_TOKEN, OUTDOOR_TOKEN, Startup};
use sandbox::{Config, Options, Sandbox};
use serde_json::{Value, json};

const PHOTO_65: &str = "ig:17860000000000001";
const OTHERS_PHOTO: &str = "ig:17900000000000042";
const MENTIONED_PHOTO: &str = "ig:17870000000000077";

fn scratch_package(name: &str, requirements: Option<String>) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-channel-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("assets")).expect("dir");
    if let Some(text) = requirements {
        std::fs::write(dir.join("requirements.json"), text).expect("requirements");
    }
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

async fn start_with_package(dir: &std::path::Path, config: Config) -> std::io::Result<Sandbox> {
    Sandbox::start(Options {
        config: Config {
            pull_interval_ms: 0,
            ..config
        },
        package_dir: Some(dir.to_path_buf()),
        zaf_sdk: None,
        head_script: None,
        tls: None,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn the_startup_script_makes_the_seeded_tickets_through_the_admin_ui() {
    let sandbox = start(Config::default()).await;
    let desk = &sandbox.channel.desk;
    assert!(matches!(desk.install(), Install::Installed { .. }));
    let omniwear = desk.instance_named("Omniwear").expect("Omniwear");
    let outdoor = desk.instance_named("Omniwear Outdoor").expect("Outdoor");
    let meta: Value = serde_json::from_str(&omniwear.metadata).expect("json");
    assert_eq!(
        meta,
        json!({"account": "omniwear", "token": OMNIWEAR_TOKEN, "handle": "@omniwear"})
    );
    let expect = [
        (
            62,
            "any_channel",
            Some(PHOTO_62),
            Some(omniwear.id),
            "@lena.runs",
        ),
        (63, "email", None, None, "sam@example.com"),
        (
            64,
            "any_channel",
            Some(PHOTO_64),
            Some(omniwear.id),
            "@kofi.trail",
        ),
        (
            65,
            "any_channel",
            Some(PHOTO_65),
            Some(outdoor.id),
            "@mira.outdoors",
        ),
    ];
    let tickets = desk.tickets();
    assert_eq!(tickets.len(), expect.len(), "{tickets:?}");
    for (t, (id, channel, external_id, instance, requester)) in tickets.iter().zip(expect) {
        assert_eq!(
            (
                t.id,
                t.channel.as_str(),
                t.external_id.as_deref(),
                t.instance,
                t.requester.as_str()
            ),
            (id, channel, external_id, instance, requester)
        );
    }
    assert_eq!(
        desk.ticket(62).expect("62").subject,
        "Do you ship the red runners to Norway?"
    );
    // The admin page tells how, without a token in sight.
    let steps = desk.script_steps().join("\n");
    for expected in [
        "POST https://localhost:",
        "admin_ui",
        "typed name, account, token",
        "return_url",
        "Pulled account",
    ] {
        assert!(steps.contains(expected), "{expected} in:\n{steps}");
    }
    for secret in [OMNIWEAR_TOKEN, OUTDOOR_TOKEN] {
        assert!(!steps.contains(secret), "a token in the steps:\n{steps}");
    }
    // The start-up's own calls are not in the log the tests read.
    assert!(sandbox.log.service_calls().is_empty());
    let page = http()
        .get(sandbox.admin_url().replace("localhost", "127.0.0.1"))
        .send()
        .await
        .expect("admin");
    let html = page.text().await.expect("html");
    assert!(html.contains("What the sandbox did at start") && html.contains("Omniwear Outdoor"));
}

#[tokio::test]
async fn a_package_declares_one_https_integration_or_none() {
    // Any ZAF app: no requirements.json, no channel integration, its config's tickets served.
    let none = scratch_package("none", None);
    let sandbox = start_with_package(&none, Config::default().on_free_ports())
        .await
        .expect("a package without requirements.json starts");
    assert!(sandbox.channel.requirement.is_none());
    assert_eq!(sandbox.channel.desk.install(), Install::NotInstalled);
    let tickets: Vec<u64> = sandbox
        .channel
        .desk
        .tickets()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(tickets, [63], "the config's email ticket, nothing pulled");
    let admin = http()
        .get(format!("http://{}/admin/channels", sandbox.host_addr))
        .send()
        .await
        .expect("admin")
        .text()
        .await
        .expect("html");
    assert!(
        admin.contains("data-status=\"none\"")
            && admin.contains("no channel integration is installed"),
        "{admin}"
    );
    assert!(
        sandbox
            .channel
            .desk
            .script_steps()
            .iter()
            .any(|s| s.contains("no channel integration is installed"))
    );
    drop(sandbox);
    let http_url = scratch_package(
        "http",
        Some(requirements::json_for(
            "k",
            "http://localhost:1/manifest.json",
        )),
    );
    let err = start_with_package(&http_url, Config::default().on_free_ports())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("must be https"), "{err}");
    for dir in [none, http_url] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn an_unreachable_or_invalid_manifest_is_said_on_the_admin_page() {
    let dead = free_port();
    let dir = scratch_package(
        "dead",
        Some(requirements::json_for(
            "k",
            &format!("https://localhost:{dead}/manifest.json"),
        )),
    );
    let sandbox = start_with_package(&dir, Config::default().on_free_ports())
        .await
        .expect("starts");
    let Install::Failed { error } = sandbox.channel.desk.install() else {
        panic!("installed a manifest nobody serves");
    };
    assert!(
        error.contains("cannot reach the integration manifest"),
        "{error}"
    );
    assert!(sandbox.channel.desk.instances().is_empty());
    let html = http()
        .get(format!("http://{}/admin/channels", sandbox.host_addr))
        .send()
        .await
        .expect("admin")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("role=\"alert\"") && html.contains("cannot reach"),
        "{html}"
    );
    assert!(
        html.contains("id=\"install-advice\"") && html.contains("Nothing answers at that address"),
        "{html}"
    );
    drop(sandbox);

    // A URL that answers JSON that is no manifest.
    let port = free_port();
    let dir = scratch_package(
        "invalid",
        Some(requirements::json_for(
            "k",
            &format!("https://localhost:{port}/healthcheck"),
        )),
    );
    let config = Config {
        integration_port: port,
        ..Config::default().on_free_ports()
    };
    let sandbox = start_with_package(&dir, config).await.expect("starts");
    let Install::Failed { error } = sandbox.channel.desk.install() else {
        panic!("installed an invalid manifest");
    };
    assert!(
        error.contains("name: is required") && error.contains("urls: is required"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the browser does on the admin page, by hand: Zendesk's form to `admin_ui`, the
/// integration's form back, and its post to `return_url`.
#[tokio::test]
async fn the_admin_ui_exchange_checks_the_token_and_stores_the_account() {
    let sandbox = start(Config {
        startup: Startup::empty(),
        ..Config::default()
    })
    .await;
    let host = format!("http://{}", sandbox.host_addr);
    let installed = http()
        .post(format!("{host}/admin/channels/install"))
        .send()
        .await
        .expect("install");
    assert!(installed.status().is_redirection());
    assert!(matches!(
        sandbox.channel.desk.install(),
        Install::Installed { .. }
    ));
    let admin = http()
        .get(format!("{host}/admin/channels?locale=fr"))
        .send()
        .await
        .expect("admin");
    let page = forms(&admin.text().await.expect("html"));
    let add = page
        .iter()
        .find(|f| f.get("return_url").is_some())
        .expect("the Add account form");
    assert_eq!(add.get("locale"), Some("fr"));
    assert_eq!(
        (add.get("name"), add.get("metadata"), add.get("state")),
        (Some(""), Some(""), Some(""))
    );
    let client = https(&sandbox);
    let action = add.action.clone().expect("admin_ui");
    let ui = client
        .post(&action)
        .form(&add.pairs())
        .send()
        .await
        .expect("admin_ui");
    assert_eq!(ui.status(), 200);
    let html = ui.text().await.expect("html");
    assert!(html.contains("lang=\"fr\""), "the admin's locale");
    let mut form = forms(&html).into_iter().next().expect("the account form");
    let save = reqwest::Url::parse(&action)
        .and_then(|u| u.join(form.action.as_deref().unwrap_or("")))
        .expect("url");
    form.set("name", "<Omniwear>");
    form.set("account", "omniwear");
    form.set("token", "not-the-token");
    let refused = client
        .post(save.clone())
        .form(&form.pairs())
        .send()
        .await
        .expect("save");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(
        html.contains("role=\"alert\"") && html.contains("@omniwear"),
        "{html}"
    );
    assert!(!html.contains("not-the-token"), "the token is never echoed");
    assert!(
        html.contains("&lt;Omniwear&gt;"),
        "what is echoed is escaped"
    );
    assert!(sandbox.channel.desk.instances().is_empty());

    form.set("token", OMNIWEAR_TOKEN);
    let accepted = client
        .post(save)
        .form(&form.pairs())
        .send()
        .await
        .expect("save");
    let back = forms(&accepted.text().await.expect("html"))
        .into_iter()
        .next()
        .expect("the form to Zendesk");
    let return_url = back.action.clone().expect("return_url");
    assert_eq!(Some(return_url.as_str()), add.get("return_url"));
    let stored = http()
        .post(&return_url)
        .form(&back.pairs())
        .send()
        .await
        .expect("return_url");
    assert_eq!(stored.status(), 200);
    let instance = sandbox
        .channel
        .desk
        .instance_named("<Omniwear>")
        .expect("stored");
    let meta: Value = serde_json::from_str(&instance.metadata).expect("json");
    assert_eq!(
        meta,
        json!({"account": "omniwear", "token": OMNIWEAR_TOKEN, "handle": "@omniwear"})
    );
    // A return_url works once.
    let again = http()
        .post(&return_url)
        .form(&back.pairs())
        .send()
        .await
        .expect("return_url");
    assert_eq!(again.status(), 400);
    assert_eq!(sandbox.channel.desk.instances().len(), 1);

    // Zendesk's form with a return_url elsewhere gets no form at all.
    let mut foreign = add.clone();
    foreign.set("return_url", "https://evil.example/collect");
    let r = client
        .post(&action)
        .form(&foreign.pairs())
        .send()
        .await
        .expect("admin_ui");
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn pulls_thread_new_comments_and_honour_metadata_needs_update() {
    let sandbox = start(Config::default()).await;
    let desk = &sandbox.channel.desk;
    let omniwear = desk.instance_named("Omniwear").expect("Omniwear");
    let outdoor = desk.instance_named("Omniwear Outdoor").expect("Outdoor");
    assert!(
        sandbox
            .origin
            .add_comment(PHOTO_62, "@lena.runs", "Size 39 please")
            .is_some()
    );
    let host = format!("http://{}", sandbox.host_addr);
    let r = http()
        .post(format!("{host}/admin/channels/{}/pull", omniwear.id))
        .send()
        .await
        .expect("pull");
    assert!(r.status().is_redirection());
    let t = desk.ticket(62).expect("62");
    assert_eq!(t.comments.len(), 1);
    assert_eq!(t.comments[0].body, "Size 39 please");
    assert_eq!(desk.tickets().len(), 4, "no new ticket");
    // The pull sent the state the last one stored, and the integration moved its cursor.
    let pulls: Vec<_> = sandbox
        .log
        .service_calls()
        .into_iter()
        .filter(|c| c.path == "/pull")
        .collect();
    assert_eq!(pulls.len(), 1);
    assert!(
        pulls[0].body.contains("state=%7B%22after%22%3A%222%22%7D"),
        "{}",
        pulls[0].body
    );
    assert!(
        desk.instance(omniwear.id)
            .expect("i")
            .state
            .contains("\"after\":\"4\"")
    );

    // The Outdoor account's tokens were revoked after the start-up.
    assert!(!desk.instance(outdoor.id).expect("i").needs_update);
    let report = sandbox.channel.pull(outdoor.id).await.expect("pulled");
    assert!(report.needs_update && report.error.is_none());
    let html = http()
        .get(format!("{host}/admin/channels"))
        .send()
        .await
        .expect("admin")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains(&format!(
            "data-instance-id=\"{}\" data-needs-update=\"true\"",
            outdoor.id
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "data-instance-id=\"{}\" data-needs-update=\"false\"",
        omniwear.id
    )));
}

#[tokio::test]
async fn the_service_acts_only_on_the_accounts_own_or_mentioned_photos() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let before = sandbox
        .origin
        .photo("omniwear", OTHERS_PHOTO)
        .expect("photo");
    for path in ["/like", "/like_state"] {
        let a = agent
            .proxy(
                62,
                path,
                json!({"ticket_id": "62", "external_id": OTHERS_PHOTO, "liked": true}),
            )
            .await;
        assert_eq!(
            (a.status, a.json["error"].clone()),
            (404, json!("photo_not_found")),
            "{path}: {}",
            a.json
        );
    }
    let after = sandbox
        .origin
        .photo("omniwear", OTHERS_PHOTO)
        .expect("photo");
    assert_eq!(after, before, "nothing changed on the origin");
    // The origin itself takes the like (its API lets an account like any photo): the refusal
    // is the integration's.
    let put = http()
        .put(format!(
            "{}/v1/accounts/omniwear/media/{OTHERS_PHOTO}/like",
            sandbox.origin_url()
        ))
        .bearer_auth(OMNIWEAR_TOKEN)
        .send()
        .await
        .expect("the origin's API");
    assert_eq!(put.status(), 200);
    assert!(
        sandbox
            .origin
            .photo("omniwear", OTHERS_PHOTO)
            .expect("photo")
            .liked
    );
    // A photo that mentions the account is fair game.
    let a = agent
        .proxy(
            62,
            "/like",
            json!({"ticket_id": "62", "external_id": MENTIONED_PHOTO, "liked": true}),
        )
        .await;
    assert_eq!(
        (a.status, a.json["liked"].clone()),
        (200, json!(true)),
        "{}",
        a.json
    );
}

#[tokio::test]
async fn the_proxy_sends_the_tickets_own_instance_and_nothing_for_others() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let a = agent
        .proxy(
            65,
            "/like_state",
            json!({"ticket_id": "65", "external_id": PHOTO_65}),
        )
        .await;
    assert_eq!(a.status, 401);
    let got = sandbox.log.service_calls().pop().expect("service call");
    let meta: Value =
        serde_json::from_str(got.instance_metadata.as_deref().unwrap_or("")).expect("json");
    assert_eq!(
        meta,
        json!({"account": "omniwear-outdoor", "token": OUTDOOR_TOKEN, "handle": "@omniwear-outdoor"})
    );
    let a = agent
        .proxy(63, "/like_state", json!({"ticket_id": "63"}))
        .await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (404, json!(heart_contract::NO_INSTANCE_ERROR))
    );
}

#[tokio::test]
async fn clickthrough_leads_to_the_photo_on_the_origin() {
    let sandbox = start(Config::default()).await;
    let client = https(&sandbox);
    let r = client
        .get(format!("{}/clickthrough", sandbox.integration_url()))
        .query(&[("external_id", PHOTO_62)])
        .send()
        .await
        .expect("clickthrough");
    assert!(r.status().is_redirection());
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    // Instagram's address for the photo, which leads to its page.
    assert_eq!(
        location,
        format!("{}/p/ig%3A17895695668004550/", sandbox.origin_url())
    );
    let page = reqwest::Client::new()
        .get(&location)
        .send()
        .await
        .expect("photo page");
    assert_eq!(
        page.url().as_str(),
        format!("{}/sandbox/origin/photos/{PHOTO_62}", sandbox.host_url())
    );
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("Do you ship the red runners to Norway?")
    );
    for (id, status) in [("ig:nope", 404), ("ig:1/../x", 404), ("", 404)] {
        let r = client
            .get(format!("{}/clickthrough", sandbox.integration_url()))
            .query(&[("external_id", id)])
            .send()
            .await
            .expect("clickthrough");
        let status_after = if r.status().is_redirection() {
            let to = r.headers()["location"]
                .to_str()
                .expect("location")
                .to_owned();
            http()
                .get(to)
                .send()
                .await
                .expect("follow")
                .status()
                .as_u16()
        } else {
            r.status().as_u16()
        };
        assert_eq!(status_after, status, "{id:?}");
    }
    // Nothing but the sandbox's own certificate is trusted, and its client trusts nothing else.
    let plain = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .expect("client");
    assert!(plain.get(sandbox.manifest_url()).send().await.is_err());
}
