//! What the panel shows and how: the agent's language, the native toggle button and the live
//! region, Zendesk's colour scheme, the iframe's height, whose like it is, and a hostile handle
//! kept as inert text within the panel.

use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::fake::{fire, invokes, request_count, respond};
use crate::mounted::{
    caption, channel_ticket, document, load_stylesheet, loaded, mount, mount_on_page, until,
};

#[wasm_bindgen_test]
async fn the_agents_locale_picks_the_language() {
    let mut config = channel_ticket();
    config["context"]["currentUser.locale"] = json!("de");
    let app = mount_on_page(config).await;
    respond(0, 200, r#"{"liked": false, "like_count": 2}"#, None);
    until("the heart", || app.pressed().is_some()).await;
    assert_eq!(
        app.attr(".heart", "aria-label").as_deref(),
        Some("„Gefällt mir“ als Unternehmenskonto")
    );
    assert_eq!(app.attr("#heart-app", "lang").as_deref(), Some("de"));
    app.click(".heart");
    until("the set request", || request_count() == 2).await;
    respond(1, 500, r#"{"error": "oops"}"#, None);
    until("error", || app.state() == "error").await;
    assert_eq!(
        app.status(),
        "„Gefällt mir“ konnte nicht gesetzt werden: der Integrationsdienst ist ausgefallen (500)."
    );
    assert_eq!(
        app.get(".retry").text_content().as_deref(),
        Some("Erneut versuchen")
    );
}

#[wasm_bindgen_test]
async fn the_heart_is_a_focusable_native_toggle_button() {
    let app = loaded(channel_ticket(), false, 0).await;
    let heart = app.get(".heart");
    // Space and Enter activate a native <button> by clicking it; real key presses are sent by
    // the sandbox's WebDriver tests.
    assert_eq!(heart.tag_name(), "BUTTON");
    assert_eq!(heart.get_attribute("type").as_deref(), Some("button"));
    heart.focus().expect("focusable");
    let active = document().active_element().expect("something has focus");
    assert!(active.is_same_node(Some(&heart)));
    heart.click();
    until("pressed", || app.pressed().as_deref() == Some("true")).await;
}

#[wasm_bindgen_test]
async fn the_status_region_is_present_from_the_start() {
    let app = mount(channel_ticket());
    yew::scheduler::flush().await;
    let status = app.get(".status");
    assert_eq!(status.get_attribute("role").as_deref(), Some("status"));
    until("the read request", || request_count() == 1).await;
    respond(0, 200, r#"{"liked": false}"#, None);
    until("ready", || app.state() == "ready").await;
    assert!(
        app.get(".status").is_same_node(Some(&status)),
        "the same live region"
    );
}

#[wasm_bindgen_test]
async fn the_colour_scheme_follows_zendesk() {
    let app = loaded(channel_ticket(), false, 0).await;
    assert_eq!(
        app.attr("#heart-app", "data-scheme").as_deref(),
        Some("light")
    );
    fire("colorScheme.changed", Some(r#""dark""#.into()));
    until("dark", || {
        app.attr("#heart-app", "data-scheme").as_deref() == Some("dark")
    })
    .await;
    fire(
        "colorScheme.changed",
        Some(r#"{"colorScheme": "light"}"#.into()),
    );
    until("light", || {
        app.attr("#heart-app", "data-scheme").as_deref() == Some("light")
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_iframe_is_resized_to_the_content_height() {
    let app = loaded(channel_ticket(), false, 0).await;
    let main = app.get("#heart-app");
    let height = || main.get_bounding_client_rect().height().ceil() as u64;
    let last_resize = || -> Option<String> {
        let all: Value = serde_json::from_str(&invokes()).ok()?;
        all.as_array()?
            .iter()
            .rev()
            .find(|i| i["name"] == "resize")
            .and_then(|i| i["arg"]["height"].as_str().map(str::to_owned))
    };
    until("a resize to the content height", || {
        last_resize() == Some(format!("{}px", height()))
    })
    .await;
    let before = height();
    app.click(".heart");
    until("the set request", || request_count() == 2).await;
    respond(1, 500, r#"{"error": "oops"}"#, None);
    until("error", || app.state() == "error").await;
    assert!(height() > before, "the error line adds height");
    until("a resize to the taller height", || {
        last_resize() == Some(format!("{}px", height()))
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_caption_and_the_buttons_name_say_who_likes() {
    let app = mount(channel_ticket());
    until("the read request", || request_count() == 1).await;
    respond(
        0,
        200,
        r#"{"liked": false, "like_count": 41, "account": "@omniwear"}"#,
        None,
    );
    until("ready", || app.state() == "ready").await;
    assert_eq!(
        app.attr(".heart", "aria-label").as_deref(),
        Some("Like as @omniwear")
    );
    assert_eq!(caption(&app), "Like as @omniwear");
    assert_eq!(
        app.get(".heart-caption bdi").text_content().as_deref(),
        Some("@omniwear"),
        "the handle is isolated for bidi"
    );
    let hint = app.get("#heart-hint");
    assert_eq!(
        hint.text_content().as_deref(),
        Some("On Instagram, the like is the business account's, not yours.")
    );
    let described = app.attr(".heart", "aria-describedby").unwrap_or_default();
    assert!(
        described.split(' ').any(|id| id == "heart-hint")
            && described.split(' ').any(|id| id == "heart-count-text"),
        "{described}"
    );
    app.click(".heart");
    until("the set request", || request_count() == 2).await;
    assert_eq!(caption(&app), "Liked as @omniwear", "optimistic");
    assert_eq!(
        app.attr(".heart", "aria-label").as_deref(),
        Some("Like as @omniwear"),
        "the name stays; aria-pressed tells the state"
    );
    respond(
        1,
        200,
        r#"{"liked": true, "like_count": 42, "account": "@omniwear"}"#,
        None,
    );
    until("ready", || app.state() == "ready").await;
    assert_eq!(app.status(), "The photo is liked as @omniwear.");
    assert!(
        app.get(".status").class_list().contains("visually-hidden"),
        "announced, not shown"
    );
    app.click(".heart");
    until("the unlike", || request_count() == 3).await;
    // This answer names no account: the one already known stays.
    respond(2, 200, r#"{"liked": false, "like_count": 41}"#, None);
    until("ready", || app.state() == "ready").await;
    assert_eq!(app.status(), "The photo is no longer liked as @omniwear.");
    assert_eq!(caption(&app), "Like as @omniwear");
}

#[wasm_bindgen_test]
async fn a_hostile_handle_is_inert_text_within_the_panel() {
    load_stylesheet();
    let app = mount(channel_ticket());
    // A narrow sidebar.
    app.root
        .set_attribute("style", "width: 240px")
        .expect("style");
    until("the read request", || request_count() == 1).await;
    let hostile = format!(
        "\u{202E}<img src=x onerror=\"window.__pwned=1\"><b>{}</b>",
        "W".repeat(1000)
    );
    let body = json!({"liked": true, "like_count": 1, "account": hostile}).to_string();
    respond(0, 200, &body, None);
    until("ready", || app.state() == "ready").await;
    let bdi = app.get(".heart-caption bdi");
    let shown = bdi.text_content().unwrap_or_default();
    assert!(
        shown.starts_with("<img src=x onerror=\"window.__pwned=1\"><b>WWW"),
        "{shown}"
    );
    assert!(!shown.contains('\u{202E}'), "the override is gone");
    assert_eq!(shown.chars().count(), 64, "cut to 64 characters: {shown}");
    assert!(shown.ends_with('…'));
    assert_eq!(
        bdi.child_element_count(),
        0,
        "no element came from the handle"
    );
    assert!(app.find("img").is_none() && app.find("b").is_none());
    // Within the panel: the caption is cut at two lines, not wider than the row.
    let row = app.get(".heart-row").get_bounding_client_rect();
    let cap = app.get(".heart-caption");
    let rect = cap.get_bounding_client_rect();
    assert!(
        rect.right() <= row.right() + 0.5,
        "{} > {}",
        rect.right(),
        row.right()
    );
    assert!(
        cap.client_height() <= 40,
        "two lines at most: {}",
        cap.client_height()
    );
    assert!(
        cap.scroll_height() > cap.client_height(),
        "long enough to be cut with the ellipsis"
    );
    let main = app.get("#heart-app");
    assert!(
        main.scroll_width() <= main.client_width(),
        "no horizontal overflow"
    );
    let label = app.attr(".heart", "aria-label").unwrap_or_default();
    assert!(label.starts_with("Like as <img"), "{label}");
}
