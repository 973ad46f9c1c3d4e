//! Time: a Zendesk slow to start, the app's own deadline on a request, rate limits and
//! Retry-After, and no timer, listener or callback left behind when the app is unmounted.

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::fake::{body, fire, handler_count, live_timers, options, request_count, respond};
use crate::mounted::{Mounted, channel_ticket, loaded, mount, settle, until};

#[wasm_bindgen_test]
async fn a_slow_zendesk_at_start_is_said_then_the_heart_comes() {
    let mut config = channel_ticket();
    config["timing"] = json!({"deadline_ms": 50});
    config["contextDelayMs"] = json!(500);
    let app = mount(config);
    until("overdue", || app.state() == "error").await;
    assert_eq!(
        app.status(),
        "Zendesk has not answered yet. The heart appears as soon as it does."
    );
    assert_eq!(request_count(), 0);
    until("the read", || request_count() == 1).await;
    respond(0, 200, r#"{"liked": true, "like_count": 3}"#, None);
    until("ready", || app.state() == "ready").await;
    assert_eq!(app.status(), "");
    settle().await;
    assert_eq!(live_timers(), 0);
}

#[wasm_bindgen_test]
async fn a_request_zendesk_never_answers_ends_at_the_apps_deadline() {
    let mut config = channel_ticket();
    config["timing"] = json!({"deadline_ms": 300, "request_timeout_ms": 60000});
    let app = mount(config);
    until("the read request", || request_count() == 1).await;
    assert_eq!(options(0)["timeout"], 60000);
    until("error", || app.state() == "error").await;
    assert_eq!(
        app.status(),
        "Couldn't load the like: Zendesk did not answer in time."
    );
    assert!(app.find(".retry").is_some());
    assert_eq!(live_timers(), 0, "no timer left behind");
    // The answer that comes after all changes nothing.
    respond(0, 200, r#"{"liked": true, "like_count": 5}"#, None);
    settle().await;
    assert_eq!(app.state(), "error");
    assert_eq!(request_count(), 1);
}

/// A loaded heart, pressed, whose set Zendesk answers 429 with `headers`; waits for the error.
/// No backoff beyond Retry-After, so the wait is exactly the header's.
async fn rate_limited_set(headers: &str) -> Mounted {
    let mut config = channel_ticket();
    config["timing"] = json!({"backoff_base_ms": 0});
    let app = loaded(config, false, 0).await;
    app.click(".heart");
    until("the set request", || request_count() == 2).await;
    respond(
        1,
        429,
        r#"{"error": "TooManyRequests"}"#,
        Some(headers.into()),
    );
    until("error", || app.state() == "error").await;
    app
}

#[wasm_bindgen_test]
async fn a_rate_limit_waits_for_retry_after_then_retries() {
    let app = rate_limited_set(r#"{"Retry-After": "1"}"#).await;
    assert_eq!(
        app.status(),
        "Couldn't like the photo: too many requests (429). Trying again in 1 s."
    );
    assert_eq!(app.find(".retry"), None);
    assert_eq!(app.attr(".heart", "aria-disabled").as_deref(), Some("true"));
    app.click(".heart");
    settle().await;
    assert_eq!(request_count(), 2, "nothing is sent before Retry-After");
    until("the retry after 1 s", || request_count() == 3).await;
    assert_eq!(body(2)["liked"], true);
}

#[wasm_bindgen_test]
async fn retry_after_is_read_from_raw_header_text_and_from_numbers() {
    // The bridge hands headers over as they came (text or an object); the proxy client reads them.
    for (headers, wait) in [
        (r#""Content-Type: application/json\r\nRetry-After: 7""#, 7),
        (r#"{"RETRY-AFTER": 9}"#, 9),
    ] {
        let app = rate_limited_set(headers).await;
        assert_eq!(
            app.status(),
            format!("Couldn't like the photo: too many requests (429). Trying again in {wait} s."),
            "{headers}"
        );
        drop(app);
    }
}

#[wasm_bindgen_test]
async fn unmounting_leaves_no_timer_listener_or_callback_behind() {
    // During a rate-limit wait: a timer.
    let mut config = channel_ticket();
    config["timing"] = json!({"backoff_base_ms": 60000, "max_wait_ms": 120000});
    let mut app = mount(config);
    until("the read request", || request_count() == 1).await;
    assert!(handler_count() >= 3, "activated, updated, colour scheme");
    respond(0, 429, r#"{"error": "TooManyRequests"}"#, None);
    until("waiting", || app.status().contains("Trying again in")).await;
    assert!(live_timers() >= 1, "the wait is a timer");
    if let Some(handle) = app.handle.take() {
        handle.destroy();
    }
    settle().await;
    assert_eq!(live_timers(), 0, "the wait's timer is cleared");
    assert_eq!(handler_count(), 0, "every handler is unsubscribed");

    // During a request: its deadline's timer and the pending promise.
    let mut app = loaded(channel_ticket(), false, 0).await;
    fire("app.activated", Some("{}".into()));
    until("a read", || request_count() == 2).await;
    assert!(live_timers() >= 1, "the deadline is a timer");
    if let Some(handle) = app.handle.take() {
        handle.destroy();
    }
    settle().await;
    assert_eq!(live_timers(), 0, "the deadline's timer is cleared");
    assert_eq!(handler_count(), 0);
    // Zendesk answering late, or firing events, reaches nothing.
    respond(1, 200, r#"{"liked": true, "like_count": 1}"#, None);
    fire("app.activated", Some("{}".into()));
    settle().await;
    assert_eq!(request_count(), 2);
    assert_eq!(live_timers(), 0);
}
