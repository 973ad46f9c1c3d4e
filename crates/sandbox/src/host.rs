//! The Zendesk host: agent ticket pages with the app in an iframe (`host/pages.rs`), the agent's
//! session (`host/session.rs`), the proxy ([`crate::proxy`]), and the sandbox's own controls
//! (`/sandbox/*`, `host/controls.rs`). Here: the host's state and its routes.

mod controls;
mod pages;
mod replies;
mod session;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::post;
use heart_contract::PROXY_PATH;
use reqwest::Url;

use crate::channel::Framework;
use crate::config::Config;
use crate::faults::Faults;
use crate::log::RequestLog;
use crate::origin::MockOrigin;
pub use session::{MAX_SESSIONS, SESSION_COOKIE, random_hex};
use session::{Sessions, uuid};

/// What the host's handlers share.
pub struct HostState {
    pub config: Arc<Config>,
    /// The integration's Channel-framework manifest URL.
    /// None for a package that declares no channel integration.
    pub manifest_url: Option<Url>,
    /// The app's origin, e.g. `http://127.0.0.1:4568`.
    pub app_origin: String,
    pub client: reqwest::Client,
    pub proxy_timeout: Duration,
    pub log: Arc<RequestLog>,
    pub faults: Arc<Faults>,
    pub origin: Arc<MockOrigin>,
    /// Zendesk's side of the Channel framework: the tickets, the integration instances.
    pub channel: Arc<Framework>,
    sessions: Sessions,
    /// The app's guid, one per sandbox run (as one installation has one).
    pub app_guid: String,
    /// The unzipped app package: its name and version come from it.
    pub package_dir: Option<PathBuf>,
}

impl HostState {
    /// `client` is the proxy's HTTP client (it trusts the integration's certificate only).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: Arc<Config>,
        manifest_url: Option<Url>,
        app_origin: String,
        log: Arc<RequestLog>,
        faults: Arc<Faults>,
        origin: Arc<MockOrigin>,
        channel: Arc<Framework>,
        client: reqwest::Client,
    ) -> Self {
        Self {
            proxy_timeout: Duration::from_millis(config.proxy_timeout_ms),
            config,
            manifest_url,
            app_origin,
            client,
            log,
            faults,
            origin,
            channel,
            sessions: Sessions::default(),
            app_guid: uuid(),
            package_dir: None,
        }
    }

    /// The package whose name and version the pages show.
    pub fn with_package(mut self, package_dir: Option<PathBuf>) -> Self {
        self.package_dir = package_dir;
        self
    }

    /// The CSRF token of the request's agent session, if it has one.
    fn csrf_of(&self, headers: &HeaderMap) -> Option<String> {
        self.sessions.csrf(&session::session_id(headers)?)
    }

    pub fn is_agent(&self, headers: &HeaderMap) -> bool {
        self.csrf_of(headers).is_some()
    }

    pub fn csrf_ok(&self, headers: &HeaderMap) -> bool {
        let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        matches!((self.csrf_of(headers), sent),
            (Some(want), Some(got)) if crate::origin::same_secret(want.as_bytes(), got.as_bytes()))
    }

    /// Signs an agent in: a new session id and its CSRF token.
    pub fn sign_in(&self) -> (String, String) {
        self.sessions.sign_in()
    }
}

pub fn router(state: Arc<HostState>) -> Router {
    Router::new()
        .merge(pages::routes())
        .route(PROXY_PATH, post(crate::proxy::proxy))
        .merge(controls::routes())
        .merge(replies::routes())
        .with_state(state)
}
