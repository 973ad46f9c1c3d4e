//! The app in a real browser (headless Chromium via wasm-bindgen-test), against a fake
//! Zendesk host (`fake_zaf.js`) that the tests drive request by request.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::platform::time::sleep;
use zendesk_heart::App;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/fake_zaf.js")]
extern "C" {
    #[wasm_bindgen(js_name = installFakeZaf)]
    fn install_fake_zaf(config: &str);
    #[wasm_bindgen(js_name = requestCount)]
    fn request_count() -> u32;
    #[wasm_bindgen(js_name = requestOptions)]
    fn request_options(i: u32) -> String;
    fn respond(i: u32, status: u16, body: &str, headers: Option<String>);
    fn fire(event: &str, payload: Option<String>);
    fn invokes() -> String;
    #[wasm_bindgen(js_name = liveTimers)]
    fn live_timers() -> u32;
    #[wasm_bindgen(js_name = handlerCount)]
    fn handler_count() -> u32;
    #[wasm_bindgen(js_name = runPage)]
    fn run_page(script: &str, facts: &str);
    #[wasm_bindgen(js_name = pageReadSettled)]
    fn page_read_settled() -> js_sys::Promise;
    #[wasm_bindgen(js_name = forgetPage)]
    fn forget_page();
    #[wasm_bindgen(js_name = holdFetches)]
    fn hold_fetches();
    #[wasm_bindgen(js_name = heldFetches)]
    fn held_fetches() -> u32;
    #[wasm_bindgen(js_name = releaseFetch)]
    fn release_fetch(i: u32, ok: bool);
    #[wasm_bindgen(js_name = restoreFetch)]
    fn restore_fetch();
}

/// A mounted app with its own fake Zendesk.
struct Mounted {
    root: Element,
    handle: Option<yew::AppHandle<App>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
        forget_page();
    }
}

fn channel_ticket() -> Value {
    json!({
        "context": {
            "ticket.id": 62,
            "ticket.externalId": "ig:17895695668004550",
            "ticket.via": {"channel": "any_channel", "source": {}},
            "currentUser.locale": "en-US"
        },
        "metadata": {"appId": 1, "installationId": 2, "settings": {"state_path": "/like_state", "like_path": "/like"}}
    })
}

fn mount(config: Value) -> Mounted {
    install_fake_zaf(&config.to_string());
    attach()
}

/// The integration's manifest URL, as the build writes it into the page.
const MANIFEST: &str = "https://localhost:4569/manifest.json";

/// What the build defines in the page's script (xtask/src/page.rs, `Facts`), with each
/// language's table as a `data:` URL of the file the build ships.
fn facts() -> Value {
    let table = |source: &str| {
        let encoded: String = js_sys::encode_uri_component(source).into();
        format!("data:application/json;charset=utf-8,{encoded}")
    };
    json!({
        "own": heart_contract::NOT_INTEGRATIONS,
        "plain": heart_contract::PLAIN_PATH_PATTERN,
        "proxy": heart_contract::PROXY_PATH,
        "state": heart_contract::DEFAULT_STATE_PATH,
        "manifest": MANIFEST,
        "locales": {
            "de": table(include_str!("../src/i18n/de.json")),
            "fr": table(include_str!("../src/i18n/fr.json")),
            "es": table(include_str!("../src/i18n/es.json")),
            "ja": table(include_str!("../src/i18n/ja.json")),
            "pt": table(include_str!("../src/i18n/pt-BR.json")),
        },
    })
}

/// The app as Zendesk loads it: the page's own script (`boot.js`) has started the ZAF client,
/// asked Zendesk and, when it could, sent the first read before the app mounts.
async fn mount_on_page(config: Value) -> Mounted {
    install_fake_zaf(&config.to_string());
    run_page(include_str!("../boot.js"), &facts().to_string());
    let _ = wasm_bindgen_futures::JsFuture::from(page_read_settled()).await;
    attach()
}

/// Mounts the app on the fake Zendesk installed last.
fn attach() -> Mounted {
    let document = document();
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    Mounted {
        root,
        handle: Some(handle),
    }
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

impl Mounted {
    fn find(&self, selector: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
    }

    fn get(&self, selector: &str) -> HtmlElement {
        self.find(selector)
            .unwrap_or_else(|| panic!("no {selector} in {}", self.root.inner_html()))
    }

    fn attr(&self, selector: &str, name: &str) -> Option<String> {
        self.find(selector)?.get_attribute(name)
    }

    fn state(&self) -> String {
        self.attr("#heart-app", "data-state").unwrap_or_default()
    }

    fn pressed(&self) -> Option<String> {
        self.attr(".heart", "aria-pressed")
    }

    fn status(&self) -> String {
        self.get(".status").text_content().unwrap_or_default()
    }

    fn click(&self, selector: &str) {
        self.get(selector).click();
    }
}

/// Polls until `cond` holds, letting promises and Yew's scheduler run; fails after 3 s.
async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..300 {
        yew::scheduler::flush().await;
        if cond() {
            return;
        }
        sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// Lets everything already started finish (no condition to wait for).
async fn settle() {
    for _ in 0..5 {
        sleep(Duration::ZERO).await;
        yew::scheduler::flush().await;
    }
}

fn options(i: u32) -> Value {
    serde_json::from_str(&request_options(i)).expect("options are JSON")
}

fn body(i: u32) -> Value {
    let data = options(i)["data"]
        .as_str()
        .expect("data is a JSON string")
        .to_owned();
    serde_json::from_str(&data).expect("data parses")
}

async fn loaded(config: Value, liked: bool, count: u64) -> Mounted {
    let app = mount(config);
    until("the read request", || request_count() == 1).await;
    respond(
        0,
        200,
        &json!({"liked": liked, "like_count": count}).to_string(),
        None,
    );
    until("the heart", || app.pressed().is_some()).await;
    app
}

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
async fn outside_zendesk_the_app_says_so() {
    let app = mount(json!({"outside": true, "context": {}, "metadata": {}}));
    until("error", || app.state() == "error").await;
    assert_eq!(app.status(), "Open this app from a ticket in Zendesk.");
    assert_eq!(request_count(), 0);
}

fn caption(app: &Mounted) -> String {
    app.get(".heart-caption").text_content().unwrap_or_default()
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

/// The app's own stylesheet on the test page, once.
fn load_stylesheet() {
    let document = document();
    if document.get_element_by_id("app-stylesheet").is_some() {
        return;
    }
    let style = document.create_element("style").expect("a style element");
    style.set_id("app-stylesheet");
    style.set_text_content(Some(include_str!("../assets/style.css")));
    document
        .head()
        .expect("a head")
        .append_child(&style)
        .expect("appended");
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
    let page = include_str!("../index.html");
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

/// A channel ticket whose external id is `external` (`None`: Zendesk gives none).
fn ticket_with_external_id(external: Option<Value>) -> Value {
    let mut config = channel_ticket();
    match external {
        Some(id) => config["context"]["ticket.externalId"] = id,
        None => {
            if let Some(context) = config["context"].as_object_mut() {
                context.remove("ticket.externalId");
            }
        }
    }
    config
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
