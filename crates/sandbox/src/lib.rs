//! The zendesk-heart sandbox: the whole system of an Any Channel "like" app on one machine.
//!
//! One process, four roles, each on its own port:
//! - the **Zendesk host** ([`host`]): agent ticket pages with the app in an iframe, the host side
//!   of the ZAF postMessage protocol, and the Any Channel **proxy** ([`proxy`]);
//! - the **app origin** ([`app_origin`]): the app package's assets and the ZAF SDK, on another
//!   origin than the host;
//! - the reference **integration service** (the `heart-integration` crate, run in this process
//!   with `--dev` rules and no cache unless the config sets one), served over HTTPS ([`tls`])
//!   and wrapped by request logging and fault injection;
//! - the **mock Instagram** ([`origin`]): its HTTP API, which the integration calls like any
//!   origin, and its pages on the host ([`origin_web`]).
//!
//! The host also plays Zendesk's side of the Channel framework ([`channel`]): it installs the
//! integration the package's `requirements.json` declares, keeps the accounts an admin adds
//! through the integration's admin UI, and pulls tickets from it.
//!
//! Whichever role answers an error with JSON, it answers the contract's
//! [`heart_contract::ApiError`].

pub mod app_origin;
#[cfg(feature = "browser")]
pub mod browser;
pub mod channel;
pub mod config;
pub mod faults;
pub mod host;
pub mod log;
pub mod observe;
pub mod origin;
pub mod origin_web;
pub mod package;
pub mod proxy;
pub mod tls;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use heart_integration::origin::{HttpOrigin, HttpOriginOptions};
use heart_integration::store::Store;
use heart_integration::{GuardOptions, Guarded, Integration, ServiceSettings};
use reqwest::Url;
use tokio::net::TcpListener;
use tokio::sync::watch;

use channel::{ChannelRequirement, Framework};
pub use config::Config;
pub use faults::{Fault, Faults, Hang, ProxyFault};
pub use heart_contract::ApiError;
pub use log::{ProxyCall, RequestLog, ServiceCall};
pub use origin::MockOrigin;

/// What to start.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub config: Config,
    /// The unzipped app package; without it the app origin answers 404.
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
    pub app_addr: SocketAddr,
    pub integration_addr: SocketAddr,
    /// The mock Instagram's API.
    pub origin_addr: SocketAddr,
    pub config: Arc<Config>,
    pub log: Arc<RequestLog>,
    pub faults: Arc<Faults>,
    pub origin: Arc<MockOrigin>,
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

/// The reference integration as the sandbox runs it: `--dev` rules (loopback `return_url`s),
/// the manifest on `https://localhost:<integration port>`, the mock Instagram as its origin,
/// memory as its store, no budget, and the config's cache TTL (none by default).
fn reference_integration(
    config: &Config,
    integration_addr: SocketAddr,
    origin_addr: SocketAddr,
) -> io::Result<Router> {
    let public_url = Url::parse(&format!("https://localhost:{}/", integration_addr.port()))
        .map_err(|e| other("the integration's URL", e))?;
    let origin_url = Url::parse(&format!("http://{}/", reachable(origin_addr)))
        .map_err(|e| other("the origin's URL", e))?;
    let origin = HttpOrigin::new(HttpOriginOptions::new(origin_url))
        .map_err(|e| other("the origin's client", e))?;
    let mut settings = ServiceSettings::new(public_url);
    settings.name = "Omniwear Instagram (sandbox)".into();
    settings.manifest_id = "com.example.sandbox.instagram".into();
    settings.dev = true;
    let guard = GuardOptions {
        ttl: Duration::from_millis(config.integration_cache_ttl_ms),
        budget: None,
        ..GuardOptions::default()
    };
    Ok(heart_integration::router(Arc::new(Integration {
        origin: Guarded::new(origin, Arc::new(Store::memory()), guard),
        settings,
    })))
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
        let origin_listener = bind(&config.bind, config.origin_port).await?;
        let host_addr = host_listener.local_addr()?;
        let app_addr = app_listener.local_addr()?;
        let integration_addr = integration_listener.local_addr()?;
        let origin_addr = origin_listener.local_addr()?;
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
        let origin = Arc::new(MockOrigin::new(&config.accounts));
        origin.set_web_base(&host_url);
        let (stop, stop_rx) = watch::channel(false);
        let (stop_integration, stop_integration_rx) = watch::channel(false);

        serve(
            origin_listener,
            origin::server::router(
                origin.clone(),
                Duration::from_millis(config.origin_latency_ms),
            ),
            stop_rx.clone(),
        );

        let observer = observe::Observer {
            faults: faults.clone(),
            log: log.clone(),
        };
        let integration = reference_integration(&config, integration_addr, origin_addr)?.layer(
            axum::middleware::from_fn_with_state(observer, observe::observe),
        );
        tokio::spawn(heart_integration::server::serve(
            integration_listener,
            integration,
            Some(server_tls),
            async move {
                let _ = stop_integration_rx.clone().wait_for(|s| *s).await;
            },
            Duration::from_secs(1),
        ));

        let app_origin = format!("http://{}", reachable(app_addr));
        let package_dir = options.package_dir.clone();
        let files = Arc::new(app_origin::AppFiles {
            package_dir: options.package_dir,
            zaf_sdk: options.zaf_sdk,
            head_script: options.head_script,
            wasm_octet_stream: config.wasm_octet_stream,
        });
        serve(app_listener, app_origin::router(files), stop_rx.clone());

        let requirement = match (declared, options.manifest_url) {
            (declared, Some(manifest_url)) => Some(ChannelRequirement {
                key: declared
                    .flatten()
                    .map_or_else(|| "heart_instagram".into(), |r| r.key),
                manifest_url,
            }),
            (Some(declared), None) => declared,
            // No package: the reference integration, as a requirements.json would name it.
            (None, None) => Some(ChannelRequirement {
                key: "sandbox_reference".into(),
                manifest_url: Url::parse(&format!(
                    "https://localhost:{}/manifest.json",
                    integration_addr.port()
                ))
                .map_err(|e| other("manifest URL", e))?,
            }),
        };
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
            .build()
            .map_err(|e| other("HTTP client", e))?;
        let framework = Arc::new(Framework {
            desk: channel::Desk::new(config.first_ticket_id),
            requirement: requirement.clone(),
            client: client.clone(),
            config: config.clone(),
            host_url,
            log: log.clone(),
            spki_sha256: identity.spki_sha256_base64().to_owned(),
            certificate_pem: identity.certificate_pem().to_owned(),
            health: std::sync::Mutex::new(None),
        });
        let host_state = host::HostState::new(
            config.clone(),
            requirement.as_ref().map(|r| r.manifest_url.clone()),
            app_origin,
            log.clone(),
            faults.clone(),
            origin.clone(),
            framework.clone(),
            client,
        )
        .with_package(package_dir);
        let host_router = host::router(Arc::new(host_state))
            .merge(channel::admin::router(framework.clone()))
            .merge(channel::api::router(framework.clone()))
            .merge(origin_web::router(origin.clone()));
        serve(host_listener, host_router, stop_rx.clone());

        channel::script::run(&framework, &origin).await;
        // The log starts with what comes after the start-up (tests read it).
        log.clear();
        framework.spawn_periodic_pull(stop_rx);

        Ok(Self {
            host_addr,
            app_addr,
            integration_addr,
            origin_addr,
            config,
            log,
            faults,
            origin,
            channel: framework,
            tls: identity,
            stop,
            stop_integration,
        })
    }

    /// The host's origin as the agent's browser sees it (`http://localhost:4567`).
    pub fn host_url(&self) -> String {
        format!("http://{}:{}", self.config.host_name, self.host_addr.port())
    }

    pub fn ticket_url(&self, id: u64) -> String {
        format!("{}/agent/tickets/{id}", self.host_url())
    }

    pub fn app_origin(&self) -> String {
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

    /// The reference integration's origin (`https://localhost:4569`).
    pub fn integration_url(&self) -> String {
        format!("https://localhost:{}", self.integration_addr.port())
    }

    /// The mock Instagram's API (`http://127.0.0.1:4570`): the integration's `--origin-url`.
    pub fn origin_url(&self) -> String {
        format!("http://{}", reachable(self.origin_addr))
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
