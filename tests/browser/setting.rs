//! A click on the heart: the set it sends, the optimistic flip, what the service answered,
//! rollback and "Try again", coalesced clicks, and a fresh read after an unsure set.

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::fake::{body, options, request_count, respond};
use crate::mounted::{channel_ticket, loaded, settle, until};

#[wasm_bindgen_test]
async fn a_click_sends_the_set_and_shows_what_the_service_returned() {
    let app = loaded(channel_ticket(), false, 4).await;
    app.click(".heart");
    until("the set request", || request_count() == 2).await;
    assert_eq!(app.pressed().as_deref(), Some("true"), "optimistic flip");
    assert_eq!(app.get(".like-count").text_content().as_deref(), Some("5"));
    assert_eq!(app.state(), "saving");
    assert_eq!(
        options(1)["url"],
        "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike"
    );
    assert_eq!(
        body(1),
        json!({"ticket_id": "62", "external_id": "ig:17895695668004550", "liked": true})
    );
    // The service did not like it after all: its answer stands.
    respond(1, 200, r#"{"liked": false, "like_count": 4}"#, None);
    until("ready", || app.state() == "ready").await;
    assert_eq!(app.pressed().as_deref(), Some("false"));
    assert_eq!(app.get(".like-count").text_content().as_deref(), Some("4"));
    settle().await;
    assert_eq!(
        request_count(),
        2,
        "no second attempt behind the agent's back"
    );
}

#[wasm_bindgen_test]
async fn a_failed_set_rolls_back_and_can_be_retried() {
    let app = loaded(channel_ticket(), false, 4).await;
    app.click(".heart");
    until("the set request", || request_count() == 2).await;
    respond(1, 500, r#"{"error": "Unavailable"}"#, None);
    until("error", || app.state() == "error").await;
    assert_eq!(app.pressed().as_deref(), Some("false"), "rolled back");
    assert_eq!(
        app.status(),
        "Couldn't like the photo: the integration service failed (500)."
    );
    settle().await;
    assert_eq!(request_count(), 2, "a refusal needs no second look");
    assert!(!app.get(".status").class_list().contains("visually-hidden"));
    app.click(".retry");
    until("the retried set", || request_count() == 3).await;
    assert_eq!(body(2)["liked"], true);
    respond(2, 200, r#"{"liked": true, "like_count": 5}"#, None);
    until("ready", || app.state() == "ready").await;
    assert_eq!(app.pressed().as_deref(), Some("true"));
    assert_eq!(app.find(".retry"), None);
}

#[wasm_bindgen_test]
async fn rapid_clicks_coalesce_into_at_most_two_sets() {
    let app = loaded(channel_ticket(), false, 0).await;
    for _ in 0..10 {
        app.click(".heart");
        yew::scheduler::flush().await;
    }
    until("the first set", || request_count() == 2).await;
    settle().await;
    assert_eq!(request_count(), 2, "one set in flight at a time");
    assert_eq!(
        app.pressed().as_deref(),
        Some("false"),
        "the tenth click's state"
    );
    respond(1, 200, r#"{"liked": true, "like_count": 1}"#, None);
    until("the second set", || request_count() == 3).await;
    assert_eq!(body(2)["liked"], false);
    respond(2, 200, r#"{"liked": false, "like_count": 0}"#, None);
    until("ready", || app.state() == "ready").await;
    settle().await;
    assert_eq!(request_count(), 3);
    assert_eq!(app.pressed().as_deref(), Some("false"));
}

#[wasm_bindgen_test]
async fn an_unsure_set_reads_again_and_shows_what_the_service_says() {
    let app = loaded(channel_ticket(), false, 4).await;
    app.click(".heart");
    until("the set request", || request_count() == 2).await;
    respond(1, 502, r#"{"error": "BadGateway"}"#, None);
    until("the check read", || request_count() == 3).await;
    assert_eq!(app.find("button.heart"), None, "no guess while checking");
    assert_eq!(app.status(), "Checking whether it went through…");
    assert_eq!(body(2), body(0));
    respond(2, 200, r#"{"liked": true, "like_count": 5}"#, None);
    until("the service's state", || {
        app.pressed().as_deref() == Some("true")
    })
    .await;
    assert_eq!(app.state(), "error");
    assert_eq!(
        app.status(),
        "Couldn't like the photo: the integration service failed (502). It may or may not have \
         gone through; the heart shows the photo's current state."
    );
    assert_eq!(app.find(".retry"), None, "it is as the agent asked");
}
