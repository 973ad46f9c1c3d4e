//! The zendesk-heart sandbox: the whole system of an Any Channel "like" app on one machine, laid
//! out by party, as a local emulator of several services is.
//!
//! One process, four listeners:
//! - **Zendesk** ([`zendesk`]), on the host's port: agent ticket pages with the app in an
//!   iframe, the host side of the ZAF postMessage protocol, the agent's session, the Any Channel
//!   proxy, Zendesk's side of the Channel framework (it installs the integration the package's
//!   `requirements.json` declares, keeps the accounts an admin adds through the integration's
//!   admin UI, pulls tickets from it), and the sandbox's own controls; and on a port of its own,
//!   the app's assets and the ZAF SDK ([`zendesk::app_assets`]), from another web origin than
//!   the pages;
//! - the **vendor's integration** ([`integration`]): the reference `heart-integration`, run in
//!   this process with `--dev` rules, served over HTTPS ([`tls`]) and wrapped by request
//!   logging and fault injection;
//! - the **mock Instagram** ([`instagram`]), the origin the integration acts on: its HTTP API on
//!   its own port, and its pages on the host.
//!
//! At the root, what serves every party: the config, the request log ([`log`], [`redact`]),
//! the faults and their wrapping of the integration ([`faults`], [`observe`]), secrets, the caps
//! on outside text and answers ([`text`], [`outbound`]), each listener's `Host` check
//! ([`host_check`]), the package's name ([`package`]) and the browser driver of the tests.
//! Whichever party answers an error with JSON, it answers the contract's
//! [`heart_contract::ApiError`].

#[cfg(feature = "browser")]
pub mod browser;
pub mod config;
pub mod faults;
pub mod host_check;
pub mod instagram;
mod integration;
pub mod log;
pub mod observe;
pub mod outbound;
pub mod package;
pub mod redact;
pub mod secret;
pub mod text;
pub mod tls;
pub mod zendesk;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use reqwest::Url;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::Config;
pub use faults::{Fault, Faults, Hang, ProxyFault};
pub use heart_contract::ApiError;
pub use instagram::MockInstagram;
pub use log::{ProxyCall, RequestLog, ServiceCall};
use zendesk::channel::{self, ChannelRequirement, Framework};

/// What to start.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub config: Config,
    /// The unzipped app package; without it the app's assets answer 404.
    pub package_dir: Option<PathBuf>,
    /// The ZAF SDK bundle.
    pub zaf_sdk: Option<PathBuf>,
    /// A script put first in the `<head>` of the app's `iframe.html` as it is served (the
    /// benchmark's timing probe); `None` serves the page as packaged.
    pub head_script: Option<String>,
    /// The integration's certificate and key; `None` makes a fresh one.
    pub tls: Option<tls::Identity>,
    /// Install the integration at this manifest URL instead of the package's (`--manifest-url`).
    pub manifest_url: Option<Url>,
    /// PEM certificates (a vendor's CA) Zendesk's client trusts besides the system's roots and
    /// the sandbox's own certificate (`--integration-ca`).
    pub integration_ca: Option<Vec<u8>>,
}

/// A running sandbox. Dropping it stops the servers.
pub struct Sandbox {
    pub host_addr: SocketAddr,
    /// The app's assets.
    pub app_addr: SocketAddr,
    pub integration_addr: SocketAddr,
    /// The mock Instagram's API.
    pub instagram_addr: SocketAddr,
    pub config: Arc<Config>,
    pub log: Arc<RequestLog>,
    pub faults: Arc<Faults>,
    pub instagram: Arc<MockInstagram>,
    /// Zendesk's side of the Channel framework: the installed integration, accounts, tickets.
    pub channel: Arc<Framework>,
    /// The integration's certificate.
    pub tls: tls::Identity,
    stop: watch::Sender<bool>,
    stop_integration: watch::Sender<bool>,
}

/// An address a browser can use: listening on 0.0.0.0 (or ::) is reached on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    }
}

async fn bind(host: &str, port: u16) -> io::Result<TcpListener> {
    TcpListener::bind((host, port))
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {host}:{port}: {e}")))
}

fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "server stopped");
        }
    });
}

fn other(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("{what}: {e}"))
}

/// The integration Zendesk's side installs: the one at `--manifest-url` (under the package's key,
/// if it declares one), else the package's; without a package (tests), the reference
/// integration, as a `requirements.json` would name it.
fn requirement(
    declared: Option<Option<ChannelRequirement>>,
    manifest_url: Option<Url>,
    integration_addr: SocketAddr,
) -> io::Result<Option<ChannelRequirement>> {
    Ok(match (declared, manifest_url) {
        (declared, Some(manifest_url)) => Some(ChannelRequirement {
            key: declared
                .flatten()
                .map_or_else(|| "heart_instagram".into(), |r| r.key),
            manifest_url,
        }),
        (Some(declared), None) => declared,
        (None, None) => Some(ChannelRequirement {
            key: "sandbox_reference".into(),
            manifest_url: Url::parse(&format!(
                "https://localhost:{}/manifest.json",
                integration_addr.port()
            ))
            .map_err(|e| other("manifest URL", e))?,
        }),
    })
}

impl Sandbox {
    /// Binds the listeners, serves them on the current tokio runtime, and runs the start-up
    /// script (`config.startup`). A package without `requirements.json` installs no channel
    /// integration (any ZAF app runs); an invalid one stops the start. Without a package (tests)
    /// the reference integration is installed; `options.manifest_url` installs another.
    pub async fn start(options: Options) -> io::Result<Self> {
        let config = Arc::new(options.config);
        config
            .validate()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let declared = match &options.package_dir {
            Some(dir) => Some(
                channel::requirements::read_optional(dir)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?,
            ),
            None => None,
        };
        let host_listener = bind(&config.bind, config.host_port).await?;
        let app_listener = bind(&config.bind, config.app_port).await?;
        let integration_listener = bind(&config.bind, config.integration_port).await?;
        let instagram_listener = bind(&config.bind, config.origin_port).await?;
        let host_addr = host_listener.local_addr()?;
        let app_addr = app_listener.local_addr()?;
        let integration_addr = integration_listener.local_addr()?;
        let instagram_addr = instagram_listener.local_addr()?;
        let host_url = format!("http://{}:{}", config.host_name, host_addr.port());

        let identity = match options.tls {
            Some(identity) => identity,
            None => tls::Identity::generate().map_err(|e| other("certificate", e))?,
        };
        let server_tls = identity
            .server_config()
            .map_err(|e| other("certificate", e))?;
        let log = Arc::new(RequestLog::default());
        let faults = Arc::new(Faults::default());
        let (stop, stop_rx) = watch::channel(false);
        let (stop_integration, stop_integration_rx) = watch::channel(false);
        // Each listener serves only requests for itself (its Host), see `host_check`.
        let served = |addr: SocketAddr| host_check::Served {
            host_name: config.host_name.clone(),
            port: addr.port(),
        };

        // The mock Instagram: its API on its own port.
        let instagram = Arc::new(MockInstagram::new(&config.accounts));
        instagram.set_web_base(&host_url);
        serve(
            instagram_listener,
            served(instagram_addr).guard(instagram::server::router(
                instagram.clone(),
                Duration::from_millis(config.origin_latency_ms),
            )),
            stop_rx.clone(),
        );

        // The vendor's integration, over HTTPS, against the mock Instagram's API.
        let observer = observe::Observer {
            faults: faults.clone(),
            log: log.clone(),
        };
        let instagram_url = format!("http://{}", reachable(instagram_addr));
        let integration = served(integration_addr).guard(integration::router(
            &config,
            integration_addr,
            &instagram_url,
            observer,
        )?);
        tokio::spawn(heart_integration::server::serve(
            integration_listener,
            integration,
            Some(server_tls),
            async move {
                let _ = stop_integration_rx.clone().wait_for(|s| *s).await;
            },
            Duration::from_secs(1),
        ));

        // Zendesk: the app's assets on their own port, then the host.
        let app_assets_url = format!("http://{}", reachable(app_addr));
        let package_dir = options.package_dir.clone();
        let files = Arc::new(zendesk::app_assets::AppFiles {
            package_dir: options.package_dir,
            zaf_sdk: options.zaf_sdk,
            head_script: options.head_script,
            wasm_octet_stream: config.wasm_octet_stream,
        });
        serve(
            app_listener,
            served(app_addr).guard(zendesk::app_assets::router(files)),
            stop_rx.clone(),
        );
        let requirement = requirement(declared, options.manifest_url, integration_addr)?;
        if requirement.is_none() {
            tracing::info!(
                "the app package has no requirements.json: no channel integration is installed"
            );
        }
        let client = identity
            .zendesk_client_builder(options.integration_ca.as_deref())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?
            .user_agent("Zendesk-Sandbox")
            .redirect(reqwest::redirect::Policy::none())
            // Every call has a deadline; the proxy sets its own on each of its calls.
            .timeout(Duration::from_millis(config.integration_timeout_ms))
            .build()
            .map_err(|e| other("HTTP client", e))?;
        let framework = Arc::new(Framework {
            desk: channel::Desk::new(config.first_ticket_id),
            requirement,
            client: client.clone(),
            config: config.clone(),
            host_url,
            log: log.clone(),
            spki_sha256: identity.spki_sha256_base64().to_owned(),
            certificate_pem: identity.certificate_pem().to_owned(),
            health: std::sync::Mutex::new(None),
        });
        // After the start-up script, the mock Instagram revokes the tokens it is told to.
        let after_startup: channel::script::AfterStartup = {
            let instagram = instagram.clone();
            Arc::new(move || instagram.after_startup())
        };
        // The agent's session, for Zendesk's pages and the mock Instagram's on the host alike.
        let sessions = zendesk::session::Sessions::default();
        let host_router = zendesk::router(zendesk::Host {
            config: config.clone(),
            channel: framework.clone(),
            sessions: sessions.clone(),
            app_assets_url,
            package_dir,
            client,
            faults: faults.clone(),
            log: log.clone(),
            after_startup: after_startup.clone(),
        })
        .merge(instagram::web::router(instagram::web::Web {
            sessions,
            instagram: instagram.clone(),
        }));
        serve(
            host_listener,
            served(host_addr).guard(host_router),
            stop_rx.clone(),
        );

        channel::script::run(&framework, &after_startup).await;
        // The log starts with what comes after the start-up (tests read it).
        log.clear();
        framework.spawn_periodic_pull(stop_rx);

        Ok(Self {
            host_addr,
            app_addr,
            integration_addr,
            instagram_addr,
            config,
            log,
            faults,
            instagram,
            channel: framework,
            tls: identity,
            stop,
            stop_integration,
        })
    }

    /// The host's web origin as the agent's browser sees it (`http://localhost:4567`).
    pub fn host_url(&self) -> String {
        format!("http://{}:{}", self.config.host_name, self.host_addr.port())
    }

    pub fn ticket_url(&self, id: u64) -> String {
        format!("{}/agent/tickets/{id}", self.host_url())
    }

    /// Where the app's assets are served (`http://127.0.0.1:4568`).
    pub fn app_assets_url(&self) -> String {
        format!("http://{}", reachable(self.app_addr))
    }

    /// The manifest URL of the package's requirements: what the proxy resolves
    /// `post_to_path` against (empty when the package declares no integration).
    pub fn manifest_url(&self) -> String {
        self.channel
            .requirement
            .as_ref()
            .map(|r| r.manifest_url.to_string())
            .unwrap_or_default()
    }

    /// The reference integration's URL (`https://localhost:4569`).
    pub fn integration_url(&self) -> String {
        format!("https://localhost:{}", self.integration_addr.port())
    }

    /// The mock Instagram's API (`http://127.0.0.1:4570`): the integration's `--origin-url`.
    pub fn instagram_url(&self) -> String {
        format!("http://{}", reachable(self.instagram_addr))
    }

    /// The admin page.
    pub fn admin_url(&self) -> String {
        format!("{}/admin/channels", self.host_url())
    }

    /// Stops the integration service alone: from now on its port refuses connections.
    pub fn stop_integration(&self) {
        let _ = self.stop_integration.send(true);
    }

    /// Stops the servers (also done on drop); held calls go on, so nothing waits forever.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
        let _ = self.stop_integration.send(true);
        self.faults.release();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}
