//! Pulls from a vendor's integration checked against every limit Zendesk publishes, and a
//! duplicate `external_id` dropped and told to the integration.

use crate::vendor::{TestCa, Vendor, resource};
use crate::{account, eventually, start};
use serde_json::{Value, json};

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
