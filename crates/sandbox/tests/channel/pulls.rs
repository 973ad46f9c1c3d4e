//! Pulls: new comments threaded on their tickets, the state handed from one pull to the next,
//! and `metadata_needs_update` shown on the admin page.

use crate::common::{PHOTO_62, http, start, text_of};
use sandbox::Config;

#[tokio::test]
async fn pulls_thread_new_comments_and_honour_metadata_needs_update() {
    let sandbox = start(Config::default()).await;
    let desk = &sandbox.channel.desk;
    let omniwear = desk.instance_named("Omniwear").expect("Omniwear");
    let outdoor = desk.instance_named("Omniwear Outdoor").expect("Outdoor");
    assert!(
        sandbox
            .instagram
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
    let html = text_of(&format!("{host}/admin/channels")).await;
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
