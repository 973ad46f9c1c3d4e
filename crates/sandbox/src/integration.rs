//! The vendor's party as the sandbox runs it: the reference integration (`heart-integration`) in
//! this process, with `--dev` rules (loopback `return_url`s), its manifest on
//! `https://localhost:<integration port>`, the mock Instagram's API as its origin (reached over
//! HTTP only, like any origin), memory as its store, no budget, and the config's cache TTL (none
//! by default); wrapped by the request log and the service faults ([`crate::observe`]) and
//! served over HTTPS with the sandbox's certificate ([`crate::tls`]). Nothing else of the
//! sandbox names it: Zendesk's side installs it from the package's `requirements.json`.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use heart_integration::origin::{HttpOrigin, HttpOriginOptions};
use heart_integration::store::Store;
use heart_integration::{GuardOptions, Guarded, Integration, ServiceSettings};
use reqwest::Url;

use crate::config::Config;
use crate::observe::{Observer, observe};
use crate::other;

/// The reference integration's routes, each request through the request log and the faults.
pub(crate) fn router(
    config: &Config,
    integration_addr: SocketAddr,
    instagram_url: &str,
    observer: Observer,
) -> io::Result<Router> {
    let public_url = Url::parse(&format!("https://localhost:{}/", integration_addr.port()))
        .map_err(|e| other("the integration's URL", e))?;
    let origin_url =
        Url::parse(&format!("{instagram_url}/")).map_err(|e| other("the origin's URL", e))?;
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
    let integration = heart_integration::router(Arc::new(Integration {
        origin: Guarded::new(origin, Arc::new(Store::memory()), guard),
        settings,
    }));
    Ok(integration.layer(axum::middleware::from_fn_with_state(observer, observe)))
}
