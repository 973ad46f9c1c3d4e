//! Replies sent back through the vendor's channelback: a failed one tried again with the same
//! `request_unique_identifier`, and an answer over Zendesk's limits a failed reply.

use crate::vendor::{TestCa, Vendor, resource};
use crate::{account, common, eventually, start};
use serde_json::{Value, json};

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
