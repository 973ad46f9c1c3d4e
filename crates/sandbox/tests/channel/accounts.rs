//! The accounts: the start-up script adding the seeded accounts through the admin UI, and the
//! admin UI exchange done by hand, its token checked and its account stored.

use crate::PHOTO_65;
use crate::common::{PHOTO_62, PHOTO_64, http, https, start};
use sandbox::Config;
use sandbox::config::{OMNIWEAR_TOKEN, OUTDOOR_TOKEN, Startup};
use sandbox::zendesk::channel::Install;
use sandbox::zendesk::channel::form::forms;
use serde_json::{Value, json};

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
