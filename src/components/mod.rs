//! The views: `app` is the panel's one component (its hooks wire the state to Zendesk; it lays
//! out the panel from the view-model); `heart` draws the toggle and its placeholder, `status` the
//! live region.
//!
//! `heart` and `status` are plain view functions of the view-model, not components: they keep
//! no state, and every Yew component links a lifecycle of its own into the wasm (measured, brotli:
//! 1.6 KB for the heart as a component, 0.7 KB for the status line).

pub mod app;
pub mod heart;
pub mod status;
