//! The fake Zendesk host (`tests/fake_zaf.js`) as the tests drive it: installing it, the
//! requests the app sent and their answers, Zendesk's events, what the app invoked, its timers
//! and handlers, and the page's own script run before the app.

use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/tests/fake_zaf.js")]
extern "C" {
    #[wasm_bindgen(js_name = installFakeZaf)]
    pub(crate) fn install_fake_zaf(config: &str);
    #[wasm_bindgen(js_name = requestCount)]
    pub(crate) fn request_count() -> u32;
    #[wasm_bindgen(js_name = requestOptions)]
    pub(crate) fn request_options(i: u32) -> String;
    pub(crate) fn respond(i: u32, status: u16, body: &str, headers: Option<String>);
    pub(crate) fn fire(event: &str, payload: Option<String>);
    pub(crate) fn invokes() -> String;
    #[wasm_bindgen(js_name = liveTimers)]
    pub(crate) fn live_timers() -> u32;
    #[wasm_bindgen(js_name = handlerCount)]
    pub(crate) fn handler_count() -> u32;
    #[wasm_bindgen(js_name = runPage)]
    pub(crate) fn run_page(script: &str, facts: &str);
    #[wasm_bindgen(js_name = pageReadSettled)]
    pub(crate) fn page_read_settled() -> js_sys::Promise;
    #[wasm_bindgen(js_name = forgetPage)]
    pub(crate) fn forget_page();
    #[wasm_bindgen(js_name = holdFetches)]
    pub(crate) fn hold_fetches();
    #[wasm_bindgen(js_name = heldFetches)]
    pub(crate) fn held_fetches() -> u32;
    #[wasm_bindgen(js_name = releaseFetch)]
    pub(crate) fn release_fetch(i: u32, ok: bool);
    #[wasm_bindgen(js_name = restoreFetch)]
    pub(crate) fn restore_fetch();
}

pub(crate) fn options(i: u32) -> Value {
    serde_json::from_str(&request_options(i)).expect("options are JSON")
}

pub(crate) fn body(i: u32) -> Value {
    let data = options(i)["data"]
        .as_str()
        .expect("data is a JSON string")
        .to_owned();
    serde_json::from_str(&data).expect("data parses")
}
