//! `heart-integration`: the integration service as a process. `--help` lists every setting
//! (each also a `HEART_…` environment variable); a bad one stops the start with its name.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use heart_integration::config::Args;
use heart_integration::origin::HttpOrigin;
use heart_integration::server::{self, Stopped};
use heart_integration::store::{RedisStore, Store};
use heart_integration::{Guarded, Integration};

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM: stopping"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C: stopping"),
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; Ctrl-C still stops");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Args::parse().settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("heart-integration: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = server::init_logging(settings.log_format, &settings.log) {
        eprintln!("heart-integration: {e}");
        return ExitCode::from(2);
    }
    let tls = match &settings.tls {
        Some((cert, key)) => match server::tls_config(cert, key) {
            Ok(tls) => Some(tls),
            Err(e) => {
                eprintln!("heart-integration: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let store = match &settings.redis {
        Some(url) => match RedisStore::new(url, settings.redis_timeout) {
            Ok(redis) => Store::redis(redis),
            Err(e) => {
                eprintln!("heart-integration: {e}");
                return ExitCode::from(2);
            }
        },
        None => Store::memory(),
    };
    let origin = match HttpOrigin::new(settings.origin.clone()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("heart-integration: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(settings.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("heart-integration: --listen {}: {e}", settings.listen);
            return ExitCode::FAILURE;
        }
    };
    let service = Arc::new(Integration {
        origin: Guarded::new(origin, Arc::new(store), settings.guard),
        settings: settings.service.clone(),
    });
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    tracing::info!(
        listening = %local,
        settings = %settings.describe(),
        "heart-integration {} started",
        env!("CARGO_PKG_VERSION")
    );
    let router = heart_integration::router(service);
    match server::serve(
        listener,
        router,
        tls,
        stop_signal(),
        settings.shutdown_grace,
    )
    .await
    {
        Stopped::Drained => {
            tracing::info!("stopped: every call in flight finished");
            ExitCode::SUCCESS
        }
        Stopped::Cut(n) => {
            tracing::warn!(
                connections = n,
                "stopped: the grace period ended with calls in flight; they were cut"
            );
            ExitCode::FAILURE
        }
    }
}
