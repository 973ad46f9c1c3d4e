//! `heart-integration`: the heart's reference Channel framework integration service, as a
//! library and the `heart-integration` binary.
//!
//! Zendesk's Any Channel proxy POSTs what the app sends (`client_data`) with the integration
//! instance's `instance_metadata` (the admin's setup: account and token); the service acts on
//! the origin (Instagram, for the seed) as that business account and answers the like-state.
//! It also serves the rest of a Channel integration: the manifest, the admin UI that makes the
//! metadata, the pull that turns comments into tickets, the clickthrough, and a health check.
//!
//! Where things are:
//! - [`config`]: the flags and `HEART_…` variables, checked into [`Settings`];
//! - [`service`]: the router (manifest, health check, the two like endpoints) over an
//!   [`Integration`]; [`call`] reads one proxied call; [`admin_ui`] and [`pull`] the rest;
//! - [`origin`]: the [`origin::Origin`] trait a vendor implements, and [`origin::HttpOrigin`],
//!   the client of an origin's HTTP API;
//! - [`guard`]: any origin behind the cache, single-flight and the per-account call budget, in
//!   a [`store::Store`] (memory, or Redis shared by every replica);
//! - [`server`]: serving plain HTTP or TLS, and stopping gracefully.
//!
//! The service keeps nothing of its own between requests beyond what the store holds, so any
//! number of replicas behind a load balancer serve the same accounts.

pub mod admin_ui;
pub mod call;
pub mod channelback;
pub mod config;
pub mod flight;
pub mod guard;
pub mod html;
pub mod origin;
pub mod pull;
pub mod server;
pub mod service;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;

use std::time::Duration;

use reqwest::Url;

pub use config::Settings;
pub use guard::{GuardOptions, Guarded};
pub use service::router;

/// The service: its origin (behind the guard) and its settings. The router's state.
pub struct Integration<O> {
    pub origin: Guarded<O>,
    pub settings: ServiceSettings,
}

/// What the routes need to know of the configuration.
#[derive(Clone, Debug)]
pub struct ServiceSettings {
    /// What the manifest advertises: the service's public base URL, ending in `/`.
    pub public_url: Url,
    /// The manifest's `name`.
    pub name: String,
    /// The manifest's `id`.
    pub manifest_id: String,
    /// Loosen the production rules for a local run (loopback `return_url`s and framing).
    pub dev: bool,
    /// Take the client's address from the last `X-Forwarded-For` entry (behind a proxy).
    pub trust_forwarded_for: bool,
    /// Refused admin UI tokens per client address.
    pub guesses: admin_ui::GuessLimit,
    /// The largest request body read.
    pub max_body: usize,
    /// The longest a request may take, origin calls included.
    pub request_timeout: Duration,
}

impl ServiceSettings {
    /// The defaults for a service reached at `public_url`.
    pub fn new(public_url: Url) -> Self {
        Self {
            public_url: with_trailing_slash(public_url),
            name: "Instagram (heart)".into(),
            manifest_id: "com.example.heart.instagram".into(),
            dev: false,
            trust_forwarded_for: false,
            guesses: admin_ui::GuessLimit::default(),
            max_body: 64 * 1024,
            request_timeout: Duration::from_secs(15),
        }
    }
}

/// `url` with a path ending in `/`, so relative joins stay under it.
pub fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    url
}
