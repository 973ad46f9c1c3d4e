//! A mounted app on the fake host: the ticket it is opened on, mounting it with or without the
//! page's own script before it, reading and clicking its panel, and the waits.

use std::time::Duration;

use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::platform::time::sleep;
use zendesk_heart::App;

use crate::fake::{
    forget_page, install_fake_zaf, page_read_settled, request_count, respond, run_page,
};

/// A mounted app with its own fake Zendesk.
pub(crate) struct Mounted {
    pub(crate) root: Element,
    pub(crate) handle: Option<yew::AppHandle<App>>,
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

pub(crate) fn channel_ticket() -> Value {
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

/// A channel ticket whose external id is `external` (`None`: Zendesk gives none).
pub(crate) fn ticket_with_external_id(external: Option<Value>) -> Value {
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

pub(crate) fn mount(config: Value) -> Mounted {
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
            "de": table(include_str!("../../src/i18n/de.json")),
            "fr": table(include_str!("../../src/i18n/fr.json")),
            "es": table(include_str!("../../src/i18n/es.json")),
            "ja": table(include_str!("../../src/i18n/ja.json")),
            "pt": table(include_str!("../../src/i18n/pt-BR.json")),
        },
    })
}

/// The app as Zendesk loads it: the page's own script (`boot.js`) has started the ZAF client,
/// asked Zendesk and, when it could, sent the first read before the app mounts.
pub(crate) async fn mount_on_page(config: Value) -> Mounted {
    install_fake_zaf(&config.to_string());
    run_page(include_str!("../../src/boot.js"), &facts().to_string());
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

pub(crate) fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

impl Mounted {
    pub(crate) fn find(&self, selector: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
    }

    pub(crate) fn get(&self, selector: &str) -> HtmlElement {
        self.find(selector)
            .unwrap_or_else(|| panic!("no {selector} in {}", self.root.inner_html()))
    }

    pub(crate) fn attr(&self, selector: &str, name: &str) -> Option<String> {
        self.find(selector)?.get_attribute(name)
    }

    pub(crate) fn state(&self) -> String {
        self.attr("#heart-app", "data-state").unwrap_or_default()
    }

    pub(crate) fn pressed(&self) -> Option<String> {
        self.attr(".heart", "aria-pressed")
    }

    pub(crate) fn status(&self) -> String {
        self.get(".status").text_content().unwrap_or_default()
    }

    pub(crate) fn click(&self, selector: &str) {
        self.get(selector).click();
    }
}

/// Polls until `cond` holds, letting promises and Yew's scheduler run; fails after 3 s.
pub(crate) async fn until(what: &str, mut cond: impl FnMut() -> bool) {
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
pub(crate) async fn settle() {
    for _ in 0..5 {
        sleep(Duration::ZERO).await;
        yew::scheduler::flush().await;
    }
}

pub(crate) async fn loaded(config: Value, liked: bool, count: u64) -> Mounted {
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

pub(crate) fn caption(app: &Mounted) -> String {
    app.get(".heart-caption").text_content().unwrap_or_default()
}

/// The app's own stylesheet on the test page, once.
pub(crate) fn load_stylesheet() {
    let document = document();
    if document.get_element_by_id("app-stylesheet").is_some() {
        return;
    }
    let style = document.create_element("style").expect("a style element");
    style.set_id("app-stylesheet");
    style.set_text_content(Some(include_str!("../../assets/style.css")));
    document
        .head()
        .expect("a head")
        .append_child(&style)
        .expect("appended");
}
