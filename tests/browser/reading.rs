//! Reading the like-state: the proxied read at start and on Zendesk's events, the tickets for
//! which the app hides, and the start-ups it cannot make (a bad setting, no settings, outside
//! Zendesk), which send nothing.

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::fake::{body, fire, invokes, options, request_count, respond};
use crate::mounted::{channel_ticket, loaded, mount, settle, until};

#[wasm_bindgen_test]
async fn reads_the_like_state_through_the_proxy() {
    let app = mount(channel_ticket());
    until("the read request", || request_count() == 1).await;
    assert_eq!(app.state(), "loading");
    assert_eq!(
        app.find("button.heart"),
        None,
        "no heart before the state is known"
    );
    assert!(
        app.find(".heart--placeholder").is_some(),
        "its footprint is kept"
    );
    let read = options(0);
    assert_eq!(
        read["url"],
        "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike_state"
    );
    assert_eq!(read["type"], "POST");
    assert_eq!(read["contentType"], "application/json");
    assert_eq!(read["httpCompleteResponse"], true);
    assert_eq!(
        body(0),
        json!({"ticket_id": "62", "external_id": "ig:17895695668004550"})
    );
    respond(0, 200, r#"{"liked": "true", "like_count": 12}"#, None);
    until("ready", || app.state() == "ready").await;
    assert_eq!(app.pressed().as_deref(), Some("true"));
    assert_eq!(
        app.attr(".heart", "aria-label").as_deref(),
        Some("Like as the business account"),
        "an answer without an account"
    );
    assert_eq!(
        app.get(".heart-caption").text_content().as_deref(),
        Some("Liked as the business account")
    );
    assert_eq!(app.get(".like-count").text_content().as_deref(), Some("12"));
    assert_eq!(
        app.get("#heart-count-text").text_content().as_deref(),
        Some("12 likes")
    );
}

#[wasm_bindgen_test]
async fn a_ticket_without_an_integration_hides_the_app() {
    let app = mount(channel_ticket());
    until("the read request", || request_count() == 1).await;
    respond(0, 404, r#"{"error": "RecordNotFound"}"#, None);
    until("hidden", || app.state() == "hidden").await;
    until("invoke('hide')", || invokes().contains(r#""name":"hide""#)).await;
    assert!(app.get("#heart-app").hidden());
}

#[wasm_bindgen_test]
async fn a_404_from_the_service_is_shown_not_taken_for_no_instance() {
    let app = mount(channel_ticket());
    until("the read request", || request_count() == 1).await;
    respond(
        0,
        404,
        r#"{"error": "photo_not_found", "description": "no photo"}"#,
        None,
    );
    until("error", || app.state() == "error").await;
    assert!(app.status().contains("(404)"), "{}", app.status());
    assert!(!invokes().contains(r#""name":"hide""#));
}

#[wasm_bindgen_test]
async fn a_numeric_via_id_asks_the_proxy() {
    let mut config = channel_ticket();
    config["context"]["ticket.via"] = json!({"channel": 46});
    let app = mount(config);
    until("the read request", || request_count() == 1).await;
    respond(0, 200, r#"{"liked": true, "like_count": 3}"#, None);
    until("ready", || app.state() == "ready").await;
}

#[wasm_bindgen_test]
async fn an_email_ticket_hides_without_calling_the_proxy() {
    let mut config = channel_ticket();
    config["context"]["ticket.via"] = json!({"channel": "email"});
    let app = mount(config);
    until("hidden", || app.state() == "hidden").await;
    until("invoke('hide')", || invokes().contains(r#""name":"hide""#)).await;
    assert_eq!(request_count(), 0);
}

#[wasm_bindgen_test]
async fn a_failed_read_shows_an_error_not_an_unliked_heart() {
    let app = mount(channel_ticket());
    until("the read request", || request_count() == 1).await;
    respond(0, 200, r#"{"like": true}"#, None);
    until("error", || app.state() == "error").await;
    assert_eq!(
        app.find(".heart"),
        None,
        "neither a heart nor a placeholder"
    );
    assert_eq!(
        app.status(),
        "Couldn't load the like: the integration service's answer could not be read."
    );
    app.click(".retry");
    until("the second read", || request_count() == 2).await;
    assert_eq!(body(1), body(0));
}

#[wasm_bindgen_test]
async fn a_later_activation_that_reads_fine_shows_the_app_again() {
    let app = mount(channel_ticket());
    until("the read request", || request_count() == 1).await;
    respond(0, 404, r#"{"error": "RecordNotFound"}"#, None);
    until("hidden", || app.state() == "hidden").await;
    fire("app.activated", Some("{}".into()));
    until("a read on activation", || request_count() == 2).await;
    respond(1, 200, r#"{"liked": false, "like_count": 1}"#, None);
    until("ready", || app.state() == "ready").await;
    until("invoke('show')", || invokes().contains(r#""name":"show""#)).await;
    assert!(!app.get("#heart-app").hidden());
}

#[wasm_bindgen_test]
async fn the_services_404_is_an_error_naming_the_setting_not_a_hidden_app() {
    let app = mount(channel_ticket());
    until("the read request", || request_count() == 1).await;
    respond(0, 404, r#"{"error": "not_found"}"#, None);
    until("error", || app.state() == "error").await;
    assert!(
        app.status()
            .ends_with("An admin should check the setting state_path."),
        "{}",
        app.status()
    );
    assert!(!invokes().contains(r#""name":"hide""#));
}

#[wasm_bindgen_test]
async fn the_first_activation_does_not_read_twice() {
    let app = mount(channel_ticket());
    until("the start-up read", || request_count() == 1).await;
    // Zendesk's activation of the freshly loaded app arrives while the start-up read is out.
    fire("app.activated", Some(r#"{"firstLoad": true}"#.into()));
    settle().await;
    respond(0, 200, r#"{"liked": true, "like_count": 5}"#, None);
    until("the start-up read's answer", || {
        app.pressed().as_deref() == Some("true")
    })
    .await;
    settle().await;
    assert_eq!(request_count(), 1, "one read per opening");
    fire("app.activated", Some(r#"{"firstLoad": false}"#.into()));
    until("a read on a later activation", || request_count() == 2).await;
}

#[wasm_bindgen_test]
async fn activation_and_ticket_updates_read_again() {
    let app = loaded(channel_ticket(), false, 0).await;
    fire("app.activated", Some("{}".into()));
    until("a read on activation", || request_count() == 2).await;
    assert_eq!(
        options(1)["url"],
        "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike_state"
    );
    respond(1, 200, r#"{"liked": true, "like_count": 1}"#, None);
    until("another agent's like", || {
        app.pressed().as_deref() == Some("true")
    })
    .await;
    fire("ticket.updated", None);
    until("a read on update", || request_count() == 3).await;
}

#[wasm_bindgen_test]
async fn a_bad_setting_shows_a_configuration_message_and_sends_nothing() {
    let mut config = channel_ticket();
    config["metadata"]["settings"]["like_path"] = json!("http://integration.example/like");
    let app = mount(config);
    until("misconfigured", || app.state() == "misconfigured").await;
    assert_eq!(
        app.status(),
        "This app is set up wrongly: The setting like_path (\"http://integration.example/like\") \
         must be a path starting with / or an https:// URL. An admin can fix it in the app's settings."
    );
    assert_eq!(app.find("button.heart"), None);
    settle().await;
    assert_eq!(request_count(), 0);
}

#[wasm_bindgen_test]
async fn a_failed_metadata_says_so_and_sends_nothing() {
    let mut config = channel_ticket();
    config["metadataFails"] = json!(true);
    let app = mount(config);
    until("error", || app.state() == "error").await;
    assert_eq!(app.status(), "Zendesk did not send the app its settings.");
    assert_eq!(app.find("button.heart"), None);
    settle().await;
    assert_eq!(request_count(), 0);
}

#[wasm_bindgen_test]
async fn outside_zendesk_the_app_says_so() {
    let app = mount(json!({"outside": true, "context": {}, "metadata": {}}));
    until("error", || app.state() == "error").await;
    assert_eq!(app.status(), "Open this app from a ticket in Zendesk.");
    assert_eq!(request_count(), 0);
}
