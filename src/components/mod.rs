//! The views: `app` lays out the panel from the view-model, `heart` is the toggle, `status` the
//! live region.
//!
//! `status` and the heart's placeholder are plain view functions, not components: they keep no
//! state, and every Yew component links a lifecycle of its own into the wasm (0.7 KB brotli
//! measured for the status line).

pub mod app;
pub mod heart;
pub mod status;
