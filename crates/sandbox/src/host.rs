//! The Zendesk host: agent ticket pages with the app in an iframe (`host/pages.rs`), the agent's
//! session (`host/session.rs`), the proxy ([`crate::proxy`]), the agent's replies
//! (`host/replies.rs`) and the sandbox's own controls (`/sandbox/*`, `host/controls.rs`, only
//! for the agent's session). Here: what the host is made of, and its routes, each router with
//! the parts it uses.

mod controls;
mod pages;
mod replies;
mod session;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use crate::channel::Framework;
use crate::config::Config;
use crate::faults::Faults;
use crate::log::RequestLog;
pub use session::{
    Agent, MAX_NEW_SESSIONS, MAX_SESSIONS, SESSION_COOKIE, Sessions, agent_controls, bad_csrf,
    content_type_is,
};

/// What the host's routes are made of.
pub struct Host {
    pub config: Arc<Config>,
    /// Zendesk's side of the Channel framework: the tickets, the integration instances, the
    /// installed integration's manifest URL.
    pub channel: Arc<Framework>,
    pub sessions: Sessions,
    /// The app's origin, e.g. `http://127.0.0.1:4568`.
    pub app_origin: String,
    /// The unzipped app package: its name and version come from it.
    pub package_dir: Option<PathBuf>,
    /// The proxy's HTTP client (it trusts the integration's certificate only).
    pub client: reqwest::Client,
    pub faults: Arc<Faults>,
    pub log: Arc<RequestLog>,
}

pub fn router(host: Host) -> Router {
    Router::new()
        .merge(pages::router(pages::Pages {
            config: host.config.clone(),
            channel: host.channel.clone(),
            sessions: host.sessions.clone(),
            app_origin: host.app_origin,
            // One per sandbox run, as one installation has one.
            app_guid: crate::secret::uuid(),
            package_dir: host.package_dir,
        }))
        .merge(crate::proxy::router(crate::proxy::Proxy {
            sessions: host.sessions.clone(),
            channel: host.channel.clone(),
            client: host.client,
            timeout: Duration::from_millis(host.config.proxy_timeout_ms),
            faults: host.faults.clone(),
            log: host.log.clone(),
        }))
        .merge(controls::router(controls::Controls {
            sessions: host.sessions.clone(),
            log: host.log,
            faults: host.faults,
        }))
        .merge(replies::router(replies::Replies {
            sessions: host.sessions,
            channel: host.channel,
        }))
}
