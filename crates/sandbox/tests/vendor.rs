//! The sandbox for any integration: a vendor's own (`support/vendor.rs`, served with its own
//! CA) installed through `Options::manifest_url` and `integration_ca`, as `--manifest-url` and
//! `--integration-ca` do, and the whole Channel framework against it over real HTTPS: the
//! account added through its admin UI with push credentials, pulls checked against Zendesk's
//! published limits, replies sent back through its channelback (and tried again with the same
//! `request_unique_identifier`), the push API, event callbacks, the health check, removal.

#[path = "common/mod.rs"]
mod common;
#[path = "support/vendor.rs"]
mod vendor;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sandbox::channel::{Install, InstanceId};
use sandbox::config::{Startup, StartupAccount};
use sandbox::{Config, Options, Sandbox};
use serde_json::{Value, json};
use vendor::{TestCa, Vendor, resource};

async fn start(vendor: &Vendor, ca: Option<&TestCa>) -> Sandbox {
    let config = Config {
        pull_interval_ms: 0,
        startup: Startup {
            install: true,
            accounts: vec![StartupAccount {
                name: "Vendor account".into(),
                fields: BTreeMap::from([("api_key".to_owned(), "k-123".to_owned())]),
            }],
            pull: false,
        },
        ..Config::default().on_free_ports()
    };
    Sandbox::start(Options {
        config,
        manifest_url: Some(reqwest::Url::parse(&vendor.manifest_url()).expect("url")),
        integration_ca: ca.map(|ca| ca.ca_pem.as_bytes().to_vec()),
        ..Options::default()
    })
    .await
    .expect("the sandbox starts")
}

/// Waits (at most 5 s) for `what` to hold.
async fn eventually(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ok() {
        assert!(Instant::now() < deadline, "not within 5 s: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn account(sandbox: &Sandbox) -> InstanceId {
    sandbox
        .channel
        .desk
        .instance_named("Vendor account")
        .expect("the start-up script added the account")
        .id
}

#[tokio::test]
async fn installs_with_its_own_ca_and_says_what_to_do_without() {
    let ca = TestCa::new();
    let vendor = Vendor::start(&ca).await;

    let untrusted = start(&vendor, None).await;
    let Install::Failed { error } = untrusted.channel.desk.install() else {
        panic!("installed from a CA nobody trusts");
    };
    let admin = common::http()
        .get(format!("http://{}/admin/channels", untrusted.host_addr))
        .send()
        .await
        .expect("admin")
        .text()
        .await
        .expect("html");
    assert!(admin.contains("--integration-ca"), "{error}\n{admin}");
    drop(untrusted);

    let sandbox = start(&vendor, Some(&ca)).await;
    let Install::Installed { manifest } = sandbox.channel.desk.install() else {
        panic!("not installed: {:?}", sandbox.channel.desk.install());
    };
    assert_eq!(manifest.name, "Vendor Echo");
    assert_eq!(
        sandbox.channel.health().map(|h| h.result),
        Some(Ok(200)),
        "the health check was called"
    );
    let id = account(&sandbox);
    let instance = sandbox.channel.desk.instance(id).expect("instance");
    let push = vendor.state.push.lock().expect("push").clone();
    assert_eq!(push.len(), 1, "the admin UI got the push credentials");
    assert_eq!(instance.push_id.as_deref(), Some(push[0].0.as_str()));
    eventually("create_integration_instance", || {
        vendor.state.event_types() == ["create_integration_instance"]
    })
    .await;
    let admin = common::http()
        .get(format!("http://{}/admin/channels", sandbox.host_addr))
        .send()
        .await
        .expect("admin")
        .text()
        .await
        .expect("html");
    for wanted in [
        "data-health=\"ok\"",
        "id=\"about-link\"",
        "id=\"dashboard-link\"",
        "create_integration_instance",
    ] {
        assert!(admin.contains(wanted), "{wanted} on the admin page");
    }
}

/// One resource per published limit, each just over it, and the path that must be named.
fn just_over() -> Vec<(&'static str, Value)> {
    let with = |key: &str, v: Value| {
        let mut r = resource("over", "t-over", "hello");
        r[key] = v;
        r
    };
    let without = |key: &str| {
        let mut r = resource("over", "t-over", "hello");
        r.as_object_mut().map(|o| o.remove(key));
        r
    };
    vec![
        (
            "external_resources[0].external_id",
            with("external_id", json!("x".repeat(256))),
        ),
        (
            "external_resources[0].thread_id",
            with("thread_id", json!("t".repeat(256))),
        ),
        (
            "external_resources[0].thread_id",
            with("parent_id", json!("p-1")),
        ),
        (
            "external_resources[0].message",
            with("message", json!("m".repeat(65_536))),
        ),
        ("external_resources[0].message", with("message", json!(""))),
        ("external_resources[0].created_at", without("created_at")),
        (
            "external_resources[0].created_at",
            with("created_at", json!("last Tuesday")),
        ),
        ("external_resources[0].author", without("author")),
        (
            "external_resources[0].author.external_id",
            with("author", json!({"name": "no id"})),
        ),
        (
            "external_resources[0].author.external_id",
            with("author", json!({"external_id": "a".repeat(256)})),
        ),
        (
            "external_resources[0].display_info",
            with(
                "display_info",
                json!(vec![json!({"type": "t", "data": {}}); 17]),
            ),
        ),
        (
            "external_resources[0].fields",
            with("fields", json!(vec![json!({"id": 1, "value": 1}); 65])),
        ),
        (
            "external_resources[0].file_urls",
            with("file_urls", json!(vec!["https://v.example/f"; 65])),
        ),
        (
            "external_resources[0].file_urls[0]",
            with("file_urls", json!(["http://v.example/f"])),
        ),
    ]
}

#[tokio::test]
async fn every_published_limit_is_checked_on_the_pull() {
    let ca = TestCa::new();
    let vendor = Vendor::start(&ca).await;
    let sandbox = start(&vendor, Some(&ca)).await;
    let id = account(&sandbox);
    let tickets = sandbox.channel.desk.tickets().len();
    for (path, over) in just_over() {
        vendor
            .state
            .queue_pull(json!({"external_resources": [over]}));
        let report = sandbox.channel.pull(id).await.expect("report");
        assert!(
            report.violations.iter().any(|v| v.path == path),
            "{path}: {:?}",
            report.violations
        );
        assert!(report.error.is_some() && report.tickets.is_empty());
    }
    for (path, answer) in [
        (
            "external_resources",
            json!({"external_resources": vec![resource("x", "t", "m"); 257]}),
        ),
        (
            "state",
            json!({"external_resources": [], "state": "s".repeat(5_001)}),
        ),
        (
            "metadata",
            json!({"external_resources": [], "metadata": "s".repeat(5_001)}),
        ),
    ] {
        vendor.state.queue_pull(answer);
        let report = sandbox.channel.pull(id).await.expect("report");
        assert_eq!(report.violations[0].path, path, "{:?}", report.violations);
    }
    assert_eq!(
        sandbox.channel.desk.tickets().len(),
        tickets,
        "nothing refused came in"
    );

    // Within the limits: a ticket; the same external_id again is dropped and said so.
    vendor
        .state
        .queue_pull(json!({"external_resources": [resource("r-1", "t-1", "Hi there")]}));
    let report = sandbox.channel.pull(id).await.expect("report");
    assert_eq!(report.tickets.len(), 1, "{report:?}");
    vendor
        .state
        .queue_pull(json!({"external_resources": [resource("r-1", "t-1", "Hi again")]}));
    let report = sandbox.channel.pull(id).await.expect("report");
    assert_eq!(report.seen, ["r-1"]);
    assert!(report.problems[0].contains("unique per account"));
    eventually("the duplicate's pull_request event", || {
        vendor.state.events.lock().expect("events").iter().any(|e| {
            e["type_id"] == "pull_request"
                && e["data"]["duplicate_external_ids"][0]["external_id"] == "r-1"
        })
    })
    .await;
    eventually(
        "the ticket's resources_created_from_external_ids event",
        || {
            vendor.state.events.lock().expect("events").iter().any(|e| {
                e["type_id"] == "resources_created_from_external_ids"
                    && e["data"]["resource_events"][0]["type_id"] == "comment_on_new_ticket"
            })
        },
    )
    .await;
}

#[tokio::test]
async fn a_reply_goes_back_through_the_channelback_and_a_retry_keeps_its_identifier() {
    let ca = TestCa::new();
    let vendor = Vendor::start(&ca).await;
    let sandbox = start(&vendor, Some(&ca)).await;
    let id = account(&sandbox);
    vendor
        .state
        .queue_pull(json!({"external_resources": [resource("r-1", "t-1", "Where is my order?")]}));
    let ticket = sandbox.channel.pull(id).await.expect("report").tickets[0];
    let agent = common::sign_in(&sandbox).await;
    let send = |body: Value| {
        let agent = &agent;
        async move {
            common::http()
                .post(format!("{}/api/v2/channel/replies", agent.host))
                .header("cookie", &agent.cookie)
                .header("x-csrf-token", &agent.csrf)
                .body(body.to_string())
                .send()
                .await
                .expect("reply")
        }
    };

    vendor
        .state
        .channelback_failures
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let failed = send(json!({"ticket_id": ticket, "message": "It ships today."})).await;
    assert_eq!(failed.status(), 502);
    let failed: Value = serde_json::from_str(&failed.text().await.expect("body")).expect("json");
    let request_id = failed["request_id"]
        .as_str()
        .expect("request id")
        .to_owned();
    assert!(
        failed["description"]
            .as_str()
            .unwrap_or("")
            .contains("HTTP 500"),
        "{failed}"
    );
    let page = common::http()
        .get(format!("{}/agent/tickets/{ticket}", agent.host))
        .header("cookie", &agent.cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("class=\"retry-reply\"") && page.contains("id=\"reply-form\""),
        "{page}"
    );

    let sent = send(json!({"request_id": request_id})).await;
    assert_eq!(sent.status(), 200);
    let received = vendor
        .state
        .channelbacks
        .lock()
        .expect("channelbacks")
        .clone();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0]["request_unique_identifier"], request_id);
    assert_eq!(
        received[1]["request_unique_identifier"], request_id,
        "the same on the retry"
    );
    assert_eq!(received[1]["message"], "It ships today.");
    assert_eq!(received[1]["parent_id"], "r-1");
    assert_eq!(received[1]["recipient_id"], "cust-1");
    assert_eq!(received[1]["thread_id"], "t-1");
    assert!(received[1]["metadata"].contains("k-123"));
    let t = sandbox.channel.desk.ticket(ticket).expect("ticket");
    let reply = t.comments.last().expect("the reply");
    assert!(reply.by_agent);
    assert_eq!(
        reply.external_id.as_deref(),
        Some(format!("reply-{request_id}").as_str())
    );
    eventually("the channelback's events", || {
        let types = vendor.state.event_types();
        types.contains(&"channelback".to_owned())
            && vendor.state.events.lock().expect("events").iter().any(|e| {
                e["data"]["resource_events"][0]["type_id"]
                    == "external_id_associated_with_channelback"
            })
    })
    .await;

    // An answer over Zendesk's limits is a failed reply, its field named.
    *vendor.state.channelback_answer.lock().expect("answer") =
        Some(json!({"external_id": "r".repeat(256), "allow_channelback": "sure"}));
    let refused = send(json!({"ticket_id": ticket, "message": "Another"})).await;
    assert_eq!(refused.status(), 502);
    let refused: Value = serde_json::from_str(&refused.text().await.expect("body")).expect("json");
    let paths: Vec<&str> = refused["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .filter_map(|v| v["path"].as_str())
        .collect();
    assert_eq!(paths, ["external_id", "allow_channelback"], "{refused}");
}

#[tokio::test]
async fn the_push_api_answers_as_zendesks() {
    let ca = TestCa::new();
    let vendor = Vendor::start(&ca).await;
    let sandbox = start(&vendor, Some(&ca)).await;
    let _ = account(&sandbox);
    let (push_id, token) = vendor.state.push.lock().expect("push")[0].clone();
    let host = format!("http://{}", sandbox.host_addr);
    let post = |path: &'static str, token: String, body: Value| {
        let host = host.clone();
        async move {
            let r = common::http()
                .post(format!("{host}/api/v2/any_channel/{path}"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .expect("push");
            let status = r.status().as_u16();
            let text = r.text().await.expect("body");
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            )
        }
    };
    let mut orphan = resource("p-2", "x", "An answer");
    orphan.as_object_mut().map(|o| o.remove("thread_id"));
    orphan["parent_id"] = json!("nowhere");
    let resources = vec![
        resource("p-1", "pt-1", "Pushed hello"),
        resource("p-1", "pt-1", "The same again"),
        orphan,
    ];
    let (status, answer) = post(
        "push.json",
        token.clone(),
        json!({"instance_push_id": push_id, "request_id": "req-1", "external_resources": resources}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let codes: Vec<&str> = answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["status"]["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "success",
            "already_imported",
            "could_not_locate_parent_external_resource"
        ]
    );
    assert!(
        sandbox
            .channel
            .desk
            .tickets()
            .iter()
            .any(|t| t.external_id.as_deref() == Some("p-1"))
    );

    let (status, _) = post(
        "push.json",
        "wrong".into(),
        json!({"instance_push_id": push_id, "external_resources": []}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, refused) = post(
        "push.json",
        token.clone(),
        json!({"instance_push_id": push_id, "external_resources": [resource("p-3", "t", "")]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["details"][0]["path"], "external_resources[0].message",
        "{refused}"
    );

    assert_eq!(
        post(
            "validate_token.json",
            token.clone(),
            json!({"instance_push_id": push_id})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        post(
            "validate_token.json",
            "nope".into(),
            json!({"instance_push_id": push_id})
        )
        .await
        .0,
        401
    );
    let (status, _) = post(
        "channelback/report_error.json",
        token.clone(),
        json!({"instance_push_id": push_id, "external_id": "unknown", "description": "x"}),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn removing_an_account_and_pulling_now_tell_the_integration() {
    let ca = TestCa::new();
    let vendor = Vendor::start(&ca).await;
    let sandbox = start(&vendor, Some(&ca)).await;
    let id = account(&sandbox);
    let host = format!("http://{}", sandbox.host_addr);
    // Pull now reads the manifest again: a pull_url moved to nowhere is used at once.
    *vendor.state.manifest.lock().expect("manifest") =
        json!({"urls": {"admin_ui": "./admin_ui", "pull_url": "./moved-pull"}});
    let r = common::http()
        .post(format!("{host}/admin/channels/{id}/pull"))
        .send()
        .await
        .expect("pull now");
    assert!(r.status().is_redirection());
    let last = sandbox
        .channel
        .desk
        .instance(id)
        .and_then(|i| i.last_pull)
        .expect("pulled");
    assert!(
        last.error.unwrap_or_default().contains("HTTP 404"),
        "the moved pull_url was used"
    );
    // The manifest back as it was (with its event_callback_url), installed again.
    *vendor.state.manifest.lock().expect("manifest") = json!({});
    let _ = common::http()
        .post(format!("{host}/admin/channels/install"))
        .send()
        .await;
    let r = common::http()
        .post(format!("{host}/admin/channels/{id}/remove"))
        .send()
        .await
        .expect("remove");
    assert!(r.status().is_redirection());
    assert!(sandbox.channel.desk.instance(id).is_none());
    eventually("destroy_integration_instance", || {
        vendor.state.events.lock().expect("events").iter().any(|e| {
            e["type_id"] == "destroy_integration_instance"
                && e["data"]["metadata"]
                    .as_str()
                    .unwrap_or("")
                    .contains("k-123")
        })
    })
    .await;
}
