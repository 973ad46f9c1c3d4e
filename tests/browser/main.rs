//! The app in a real browser (headless Chromium via wasm-bindgen-test), against a fake
//! Zendesk host (`fake_zaf.js`) that the tests drive request by request: the host in `fake.rs`,
//! the mounted app and the waits in `mounted.rs`, and the tests by topic in the other modules.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod fake;
mod mounted;

mod page;
mod panel;
mod reading;
mod setting;
mod waits;
