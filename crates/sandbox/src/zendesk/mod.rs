//! Zendesk's side of the sandbox, everything a real Zendesk would be. On the host's port: the
//! agent's ticket pages with the app in an iframe (`zendesk/pages.rs`, `ticket.html`, and
//! `host.js`, the host side of the ZAF postMessage protocol), the agent's session and CSRF token
//! (`zendesk/session.rs`), the Any Channel proxy (`zendesk/proxy.rs`), the agent's replies
//! (`zendesk/replies.rs`), Zendesk's side of the Channel framework ([`channel`]: install, admin
//! page, pulls, the push API) and the sandbox's own controls (`zendesk/controls.rs`). On a port
//! of its own: the app's assets ([`app_assets`]), as Zendesk serves an app from another origin
//! than its pages.
//!
//! Here: what the host is made of ([`Host`]), and its routes, each router with the parts it
//! uses. Zendesk's side knows nothing of the mock Instagram: it meets the integration only
//! through its manifest and over HTTP.

pub mod app_assets;
pub mod channel;
mod controls;
mod pages;
pub mod proxy;
mod replies;
pub mod session;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use crate::config::Config;
use crate::faults::Faults;
use crate::log::RequestLog;
use channel::Framework;
use channel::script::AfterStartup;
use session::Sessions;

/// What the host is made of.
pub struct Host {
    pub config: Arc<Config>,
    /// Zendesk's side of the Channel framework: the tickets, the integration instances, the
    /// installed integration's manifest URL.
    pub channel: Arc<Framework>,
    /// The agent's sessions (shared with the mock Instagram's pages on the host).
    pub sessions: Sessions,
    /// Where the app's assets are served, e.g. `http://127.0.0.1:4568`.
    pub app_assets_url: String,
    /// The unzipped app package: its name and version come from it.
    pub package_dir: Option<PathBuf>,
    /// The proxy's HTTP client (it trusts the integration's certificate only).
    pub client: reqwest::Client,
    pub faults: Arc<Faults>,
    pub log: Arc<RequestLog>,
    /// What the sandbox does after the start-up script (and after its Try again).
    pub after_startup: AfterStartup,
}

pub fn router(host: Host) -> Router {
    Router::new()
        .merge(pages::router(pages::Pages {
            config: host.config.clone(),
            channel: host.channel.clone(),
            sessions: host.sessions.clone(),
            app_assets_url: host.app_assets_url,
            // One per sandbox run, as one installation has one.
            app_guid: crate::secret::uuid(),
            package_dir: host.package_dir,
        }))
        .merge(proxy::router(proxy::Proxy {
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
            channel: host.channel.clone(),
        }))
        .merge(channel::admin::router(host.channel.clone()))
        .merge(channel::api::router(host.channel.clone()))
        .merge(channel::script::router(host.channel, host.after_startup))
}
