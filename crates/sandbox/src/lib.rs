//! The zendesk-heart sandbox: the whole system of an Any Channel "like" app on one machine.
//!
//! One process, three roles, each on its own port:
//! - the **Zendesk host** ([`host`]): agent ticket pages with the app in an iframe, the host side
//!   of the ZAF postMessage protocol, and the Any Channel **proxy** ([`proxy`]);
//! - the **app origin** ([`app_origin`]): the app package's assets and the ZAF SDK, on another
//!   origin than the host;
//! - a reference **integration service** ([`service`]) over an [`origin::Origin`], here the
//!   in-memory [`origin::MockOrigin`], wrapped by request logging and fault injection.

pub mod app_origin;
pub mod config;
pub mod faults;
pub mod host;
pub mod log;
pub mod observe;
pub mod origin;
pub mod proxy;
pub mod service;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use reqwest::Url;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::Config;
pub use faults::{Fault, Faults, Hang, ProxyFault};
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
}

/// A running sandbox. Dropping it stops the servers.
pub struct Sandbox {
    pub host_addr: SocketAddr,
    pub app_addr: SocketAddr,
    pub integration_addr: SocketAddr,
    pub config: Arc<Config>,
    pub log: Arc<RequestLog>,
    pub faults: Arc<Faults>,
    pub origin: Arc<MockOrigin>,
    stop: watch::Sender<bool>,
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

impl Sandbox {
    /// Binds the three listeners and serves them on the current tokio runtime.
    pub async fn start(options: Options) -> io::Result<Self> {
        let config = Arc::new(options.config);
        config
            .validate()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let host_listener = bind(&config.bind, config.host_port).await?;
        let app_listener = bind(&config.bind, config.app_port).await?;
        let integration_listener = bind(&config.bind, config.integration_port).await?;
        let host_addr = host_listener.local_addr()?;
        let app_addr = app_listener.local_addr()?;
        let integration_addr = integration_listener.local_addr()?;

        let log = Arc::new(RequestLog::default());
        let faults = Arc::new(Faults::default());
        let origin = Arc::new(MockOrigin::new(&config.accounts));
        let (stop, stop_rx) = watch::channel(false);

        let observer = observe::Observer {
            faults: faults.clone(),
            log: log.clone(),
        };
        let integration = service::router(origin.clone()).layer(
            axum::middleware::from_fn_with_state(observer, observe::observe),
        );
        serve(integration_listener, integration, stop_rx.clone());

        let app_origin = format!("http://{}", reachable(app_addr));
        let files = Arc::new(app_origin::AppFiles {
            package_dir: options.package_dir,
            zaf_sdk: options.zaf_sdk,
            head_script: options.head_script,
            wasm_octet_stream: config.wasm_octet_stream,
        });
        serve(app_listener, app_origin::router(files), stop_rx.clone());

        let manifest_url = match &config.integration_manifest_url {
            Some(url) => url.clone(),
            None => format!("http://{}/manifest.json", reachable(integration_addr)),
        };
        let manifest_url = Url::parse(&manifest_url)
            .map_err(|e| io::Error::other(format!("manifest URL {manifest_url}: {e}")))?;
        let host_state = host::HostState::new(
            config.clone(),
            manifest_url,
            app_origin,
            log.clone(),
            faults.clone(),
            origin.clone(),
        )
        .map_err(|e| io::Error::other(format!("HTTP client: {e}")))?;
        serve(host_listener, host::router(Arc::new(host_state)), stop_rx);

        Ok(Self {
            host_addr,
            app_addr,
            integration_addr,
            config,
            log,
            faults,
            origin,
            stop,
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

    /// The manifest URL the proxy resolves `post_to_path` against.
    pub fn manifest_url(&self) -> String {
        self.config
            .integration_manifest_url
            .clone()
            .unwrap_or_else(|| format!("http://{}/manifest.json", reachable(self.integration_addr)))
    }

    /// Stops the servers (also done on drop); held calls go on, so nothing waits forever.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
        self.faults.release();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}
