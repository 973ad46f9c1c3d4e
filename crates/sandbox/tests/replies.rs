//! The reference integration's channelback: an agent's reply on a ticket from Instagram becomes
//! a comment on the photo, as the business account, and the ticket's own comment carries the
//! external id the integration answered, so the next pull brings nothing twice. A retry after a
//! failure sends the same `request_unique_identifier`.

#[path = "common/mod.rs"]
mod common;

use common::{PHOTO_62, sign_in, start};
use sandbox::{Config, Fault};
use serde_json::{Value, json};

async fn reply(agent: &common::Agent, body: Value) -> (u16, Value) {
    let r = common::http()
        .post(format!("{}/api/v2/channel/replies", agent.host))
        .header("cookie", &agent.cookie)
        .header("x-csrf-token", &agent.csrf)
        .body(body.to_string())
        .send()
        .await
        .expect("reply");
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.text().await.expect("body")).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_reply_is_the_business_accounts_comment_on_the_photo() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let before = sandbox
        .origin
        .photo_page(PHOTO_62)
        .expect("photo")
        .comments
        .len();

    // A failure first (the integration's channelback answers 500 once), then Try again.
    sandbox.faults.set(
        "/channelback",
        Fault {
            status: Some(500),
            times: Some(1),
            ..Fault::default()
        },
    );
    let (status, failed) = reply(
        &agent,
        json!({"ticket_id": 62, "message": "Yes, we ship to Norway."}),
    )
    .await;
    assert_eq!(status, 502, "{failed}");
    let request_id = failed["request_id"]
        .as_str()
        .expect("request id")
        .to_owned();
    let (status, sent) = reply(&agent, json!({"request_id": request_id})).await;
    assert_eq!(status, 200, "{sent}");

    let calls = sandbox.log.service_calls();
    let identifiers: Vec<String> = calls
        .iter()
        .filter(|c| c.path == "/channelback")
        .filter_map(|c| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(&c.body)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == "request_unique_identifier")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(
        identifiers,
        [request_id.clone(), request_id],
        "the same on the retry"
    );

    let page = sandbox.origin.photo_page(PHOTO_62).expect("photo");
    assert_eq!(page.comments.len(), before + 1);
    let (id, author, text) = page.comments.last().expect("the reply").clone();
    assert_eq!(
        (author.as_str(), text.as_str()),
        ("@omniwear", "Yes, we ship to Norway.")
    );
    let ticket = sandbox.channel.desk.ticket(62).expect("ticket");
    let comment = ticket.comments.last().expect("the ticket's comment");
    assert!(comment.by_agent);
    assert_eq!(
        comment.external_id,
        Some(format!("{PHOTO_62}/comments/{id}"))
    );

    // The next pull moves past the account's own comment: nothing new, nothing dropped.
    let instance = sandbox
        .channel
        .desk
        .instance_of_ticket(62)
        .expect("instance")
        .id;
    let report = sandbox.channel.pull(instance).await.expect("pulled");
    assert!(
        report.tickets.is_empty() && report.comments.is_empty() && report.seen.is_empty(),
        "{report:?}"
    );

    // The email ticket allows no reply.
    let (status, _) = reply(&agent, json!({"ticket_id": 63, "message": "Hi"})).await;
    assert_eq!(status, 422);
}
