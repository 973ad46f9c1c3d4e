//! What each run stands on: the sandbox's config and package, the service's replicas' flags,
//! the constant handler, and what stands behind the manifest's port during a run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use heart_integration::testing::{Nginx, RedisServer, Replica};
use sandbox::config::{Account, CommentSeed, Config, Photo, Startup, StartupAccount};
use serde_json::json;
use tokio::sync::watch;

/// Photo `i` of the business account, with one comment: its pull makes one ticket per photo.
pub(crate) fn photo_id(i: usize) -> String {
    format!("ig:900000000{i:04}")
}

pub(crate) fn config(photos: usize, origin_latency_ms: u64, origin_port: u16) -> Config {
    let mut accounts = BTreeMap::new();
    accounts.insert(
        "omniwear".to_owned(),
        Account {
            token: "omniwear-bench-token".into(),
            other_tokens: Vec::new(),
            revoke_after_startup: false,
            handle: None,
            photos: (0..photos)
                .map(|i| Photo {
                    id: photo_id(i),
                    caption: format!("Photo {i}"),
                    like_count: 10,
                    liked: false,
                    mentions: Vec::new(),
                    comments: vec![CommentSeed {
                        id: format!("c{i}"),
                        author: "@customer".into(),
                        text: format!("A question about photo {i}"),
                    }],
                })
                .collect(),
        },
    );
    Config {
        origin_port,
        origin_latency_ms,
        pull_interval_ms: 0,
        proxy_timeout_ms: 10_000,
        tickets: Vec::new(),
        accounts,
        startup: Startup {
            install: true,
            accounts: vec![StartupAccount {
                name: "Omniwear".into(),
                fields: [("account", "omniwear"), ("token", "omniwear-bench-token")]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            }],
            pull: true,
        },
        ..Config::default().on_free_ports()
    }
}

/// A package that declares the integration at `https://localhost:<port>` (what the sandbox installs).
pub(crate) fn package(dir: &Path, port: u16) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("assets"))?;
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"name": "Integration bench", "version": "1.0.0", "frameworkVersion": "2.0"}"#,
    )?;
    std::fs::write(
        dir.join("assets/iframe.html"),
        "<!doctype html><title>bench</title>",
    )?;
    std::fs::write(
        dir.join("requirements.json"),
        json!({"channel_integrations": {"bench": {"manifest_url": format!("https://localhost:{port}/manifest.json")}}})
            .to_string(),
    )
}

/// What stands behind the manifest's port during one run.
pub(crate) enum Backend {
    Constant(watch::Sender<bool>),
    One(Replica),
    Two([Replica; 2], Nginx, RedisServer),
}

impl Backend {
    pub(crate) fn stop(self) {
        match self {
            Backend::Constant(stop) => {
                let _ = stop.send(true);
            }
            Backend::One(replica) => drop(replica),
            Backend::Two(replicas, nginx, redis) => {
                drop(nginx);
                drop(replicas);
                drop(redis);
            }
        }
    }
}

pub(crate) struct Tls {
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
    pub(crate) cert_pem: String,
    pub(crate) key_pem: String,
}

pub(crate) fn replica_args(
    instagram_url: &str,
    port: u16,
    ttl_s: u64,
    extra: &[String],
) -> Vec<String> {
    let mut args: Vec<String> = [
        "--public-url".to_owned(),
        format!("https://localhost:{port}"),
        "--origin-url".into(),
        instagram_url.to_owned(),
        "--cache-ttl".into(),
        if ttl_s == 0 {
            "0".into()
        } else {
            format!("{ttl_s}s")
        },
        "--origin-budget".into(),
        "0".into(),
        "--log".into(),
        "warn".into(),
        "--dev".into(),
    ]
    .to_vec();
    args.extend_from_slice(extra);
    args
}

/// Answers every POST with one constant like-state: the most a service could do.
pub(crate) async fn constant(port: u16, tls: &Tls) -> Result<Backend, String> {
    let config = heart_integration::server::tls_config(&tls.cert, &tls.key)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("binding {port}: {e}"))?;
    let router = Router::new().fallback(post(|| async {
        axum::Json(json!({"liked": false, "like_count": 10}))
    }));
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(heart_integration::server::serve(
        listener,
        router,
        Some(config),
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        },
        Duration::from_millis(200),
    ));
    Ok(Backend::Constant(stop))
}
