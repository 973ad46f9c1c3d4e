//! The wire contract of zendesk-heart.
//!
//! Three parties speak it:
//! - the app in the ticket sidebar, which POSTs a JSON body to Zendesk's Any Channel proxy
//!   (`POST /api/v2/any_channel/proxy.json?ticket_id=…&post_to_path=…`);
//! - Zendesk, which forwards that body as the form field `client_data`, together with the
//!   integration instance's `instance_metadata`, to the integration service;
//! - the integration service, which acts on the origin (e.g. Instagram) as the business account
//!   and answers JSON that Zendesk relays back to the app.
//!
//! This crate is free of JS and I/O, compiles for wasm and native, and is what a Rust
//! integration service depends on to serve the app.

#[cfg(feature = "axum")]
mod api_error;
mod path;
mod proxy;
mod settings;
mod wire;

#[cfg(feature = "axum")]
pub use api_error::ApiError;
pub use path::{
    MAX_POST_TO_PATH, PLAIN_PATH_PATTERN, PathError, PostToPath, check_post_to_path, is_plain_path,
    origin_of,
};
pub use proxy::{
    ANY_CHANNEL, BAD_PATH_ERROR, NO_INSTANCE_ERROR, NOT_INTEGRATIONS, PROXY_PATH, TicketId,
    decimal, proxy_url,
};
pub use settings::{DEFAULT_LIKE_PATH, DEFAULT_STATE_PATH, Setting, Settings, SettingsError};
#[cfg(feature = "service")]
pub use wire::ClientDataError;
pub use wire::{
    ErrorBody, Field, LikeAnswer, MAX_ACCOUNT_CHARS, ProxyForm, SetLike, StateQuery, clean_account,
};
