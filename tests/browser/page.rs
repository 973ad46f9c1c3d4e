//! The page before the app: the skeleton in `index.html` is the app's first render, and the
//! page's own script (`boot.js`) sends the first read only when it is the app's very request,
//! refuses what the app would refuse, waits for the agent's language, and follows the
//! contract's plain-path rule.

use std::time::Duration;

use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;
use yew::platform::time::sleep;

use crate::fake::{
    held_fetches, hold_fetches, invokes, options, release_fetch, request_count, request_options,
    respond, restore_fetch,
};
use crate::mounted::{
    caption, channel_ticket, document, load_stylesheet, mount, mount_on_page, settle,
    ticket_with_external_id, until,
};

/// The panel's shape: each element with its attributes (but `lang`) and its text, the live
/// region's text left out (it is announced, not seen, and the skeleton has none yet).
fn shape(node: &web_sys::Node) -> String {
    let Some(element) = node.dyn_ref::<Element>() else {
        return node.text_content().unwrap_or_default().trim().to_owned();
    };
    let mut attributes: Vec<String> = element
        .get_attribute_names()
        .iter()
        .filter_map(|name| name.as_string())
        .filter(|name| name != "lang")
        .map(|name| {
            format!(
                "{name}={:?}",
                element.get_attribute(&name).unwrap_or_default()
            )
        })
        .collect();
    attributes.sort();
    let mut out = format!("<{} {}>", element.tag_name(), attributes.join(" "));
    if element.get_attribute("role").as_deref() != Some("status") {
        let children = element.child_nodes();
        for i in 0..children.length() {
            if let Some(child) = children.item(i) {
                out.push_str(&shape(&child));
            }
        }
    }
    out.push_str("</>");
    out
}

#[wasm_bindgen_test]
async fn the_pages_skeleton_is_the_apps_first_render() {
    let page = include_str!("../../index.html");
    let start = page.find("<main").expect("the skeleton in index.html");
    let end = page[start..].find("</main>").expect("its end") + start + "</main>".len();
    let holder = document().create_element("div").expect("a div");
    holder.set_inner_html(&page[start..end]);
    let skeleton = shape(&holder.first_child().expect("the skeleton"));
    assert!(skeleton.contains("heart--placeholder"), "{skeleton}");

    load_stylesheet();
    let app = mount(channel_ticket());
    until("the read request", || request_count() == 1).await;
    assert_eq!(app.state(), "loading");
    assert_eq!(shape(&app.get("#heart-app")), skeleton);
    // The same box: the line under the heart is laid out while loading, so the ready heart
    // takes the height the skeleton had.
    let loading = app.get("#heart-app").get_bounding_client_rect().height();
    respond(0, 200, r#"{"liked": false, "like_count": 3}"#, None);
    until("ready", || app.state() == "ready").await;
    let ready = app.get("#heart-app").get_bounding_client_rect().height();
    assert!(ready > 40.0, "{ready}");
    assert_eq!(loading, ready);
}

#[wasm_bindgen_test]
async fn the_page_sends_the_first_read_the_app_would_send_and_the_app_takes_it_over() {
    let mut slow = ticket_with_external_id(Some(json!("ig:1")));
    slow["timing"] = json!({"request_timeout_ms": 60000});
    for config in [
        channel_ticket(),
        ticket_with_external_id(Some(json!(17895))),
        ticket_with_external_id(Some(Value::Null)),
        ticket_with_external_id(None),
        slow,
    ] {
        // What the app sends by itself.
        let alone = mount(config.clone());
        until("the app's read", || request_count() == 1).await;
        let by_the_app = request_options(0);
        drop(alone);

        let app = mount_on_page(config.clone()).await;
        assert_eq!(request_count(), 1, "the page sent the read: {config}");
        assert_eq!(request_options(0), by_the_app, "the very same request");
        respond(0, 200, r#"{"liked": true, "like_count": 3}"#, None);
        until("ready", || app.state() == "ready").await;
        assert_eq!(app.pressed().as_deref(), Some("true"));
        settle().await;
        assert_eq!(request_count(), 1, "no second read: {config}");
    }
}

#[wasm_bindgen_test]
async fn what_the_page_cannot_vouch_for_is_left_to_the_app() {
    let on_the_manifests_host = {
        let mut config = channel_ticket();
        config["metadata"]["settings"]["state_path"] = json!("https://localhost:4569/like_state");
        config
    };
    let with_a_query = {
        let mut config = channel_ticket();
        config["metadata"]["settings"]["like_path"] = json!("/like?v=2");
        config
    };
    let text_id = {
        let mut config = channel_ticket();
        config["context"]["ticket.id"] = json!("62");
        config
    };
    for (config, url) in [
        (
            on_the_manifests_host,
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=https%3A%2F%2Flocalhost%3A4569%2Flike_state",
        ),
        (
            with_a_query,
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike_state",
        ),
        (
            ticket_with_external_id(Some(json!("   "))),
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike_state",
        ),
        (
            text_id,
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike_state",
        ),
    ] {
        let app = mount_on_page(config.clone()).await;
        assert_eq!(request_count(), 0, "the page sent nothing: {config}");
        until("the app's read", || request_count() == 1).await;
        assert_eq!(options(0)["url"], url);
        respond(0, 200, r#"{"liked": false}"#, None);
        until("ready", || app.state() == "ready").await;
        settle().await;
        assert_eq!(request_count(), 1, "one read: {config}");
    }
}

#[wasm_bindgen_test]
async fn an_email_ticket_is_read_by_neither_the_page_nor_the_app() {
    let mut config = channel_ticket();
    config["context"]["ticket.via"] = json!({"channel": "email"});
    let app = mount_on_page(config).await;
    until("hidden", || app.state() == "hidden").await;
    settle().await;
    assert_eq!(request_count(), 0);
    assert!(invokes().contains(r#""name":"hide""#));
}

#[wasm_bindgen_test]
async fn a_url_on_another_host_than_the_manifests_is_refused_before_sending() {
    for (locale, setting, value, said) in [
        (
            "en-US",
            "state_path",
            "https://localhost:8443/like_state",
            "The setting state_path (\"https://localhost:8443/like_state\") is not on the integration's host (https://localhost:4569)",
        ),
        (
            "fr",
            "like_path",
            "https://evil.example/like",
            "Le paramètre like_path (« https://evil.example/like ») n’est pas sur l’hôte de l’intégration (https://localhost:4569)",
        ),
    ] {
        let mut config = channel_ticket();
        config["context"]["currentUser.locale"] = json!(locale);
        config["metadata"]["settings"][setting] = json!(value);
        let app = mount_on_page(config).await;
        until("misconfigured", || app.state() == "misconfigured").await;
        assert!(app.status().contains(said), "{}", app.status());
        settle().await;
        assert_eq!(request_count(), 0, "nothing sent");
    }
}

#[wasm_bindgen_test]
async fn the_agents_language_is_shown_only_once_its_table_is_there() {
    let mut config = channel_ticket();
    config["context"]["currentUser.locale"] = json!("ja");
    hold_fetches();
    let app = mount_on_page(config.clone()).await;
    assert_eq!(held_fetches(), 1, "the page fetched the table");
    assert_eq!(request_count(), 1, "and sent the read meanwhile");
    respond(
        0,
        200,
        r#"{"liked": true, "like_count": 3, "account": "@omniwear"}"#,
        None,
    );
    for _ in 0..10 {
        settle().await;
        sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(app.state(), "loading", "no heart before its words");
    assert_eq!(app.find("button.heart"), None);
    release_fetch(0, true);
    until("ready", || app.state() == "ready").await;
    assert_eq!(caption(&app), "@omniwearとしていいね済み");
    assert_eq!(app.attr("#heart-app", "lang").as_deref(), Some("ja"));
    drop(app);

    // A table that does not come: English, once the page gives up.
    hold_fetches();
    let app = mount_on_page(config).await;
    respond(0, 200, r#"{"liked": false}"#, None);
    release_fetch(0, false);
    until("ready", || app.state() == "ready").await;
    assert_eq!(caption(&app), "Like as the business account");
    assert_eq!(app.attr("#heart-app", "lang").as_deref(), Some("en"));
    assert_eq!(request_count(), 1);
    restore_fetch();
}

#[wasm_bindgen_test]
fn the_pages_plain_path_rule_is_the_contracts() {
    let rule = js_sys::RegExp::new(heart_contract::PLAIN_PATH_PATTERN, "");
    let max = heart_contract::MAX_POST_TO_PATH;
    let mut paths: Vec<String> = [
        "",
        "/",
        "//",
        "//x",
        "/like",
        "/like_state",
        "/a/b/c",
        "/a//b",
        "/.",
        "/~x",
        "/-",
        "like",
        "https://svc.example/like",
        "/like?x=1",
        "/like#x",
        "/li ke",
        "/café",
        "/写真",
        "/like\n",
        "/like\u{200B}",
        "/%2F",
        "\\",
        "/a\\b",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for c in (0u8..=127).map(char::from) {
        paths.push(format!("/{c}"));
        paths.push(format!("/x{c}y"));
        paths.push(format!("{c}/x"));
    }
    for n in [max - 2, max - 1, max, max + 1] {
        paths.push(format!("/{}", "a".repeat(n)));
    }
    let mut plain = 0;
    for path in &paths {
        let rust = heart_contract::is_plain_path(path);
        assert_eq!(rule.test(path), rust, "{path:?}");
        plain += usize::from(rust);
    }
    assert!(plain > 100, "{plain}");
}
