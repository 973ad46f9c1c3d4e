//! Custom hooks: where the app meets Zendesk over time (start-up, events, requests, timers,
//! hiding, the document's language, the colour scheme, resizing). The wiring only: every
//! decision is in a pure module.

mod task;
mod use_auto_resize;
mod use_like_state;

pub use use_auto_resize::use_auto_resize;
pub use use_like_state::{Timed, use_like_state};
