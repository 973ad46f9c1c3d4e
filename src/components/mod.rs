//! The views: `app` lays out the panel, `heart` is the toggle, `status` the live region.

pub mod app;
pub mod heart;
pub mod status;
