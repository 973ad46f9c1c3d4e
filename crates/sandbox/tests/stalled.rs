//! Deadlines: an integration host that takes connections and never answers, or an integration
//! whose admin UI and pull stall, does not hold up the sandbox's start; the admin page says so,
//! with Try again, which finishes the start-up once the integration answers. A pull answer over
//! its cap is refused as a failed pull.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use common::http;
use sandbox::zendesk::channel::Install;
use sandbox::zendesk::channel::form::escape_html as esc;
use sandbox::{Config, Options, Sandbox};
use serde_json::json;
use tokio::sync::watch;

/// The deadline of every call of Zendesk's side in these tests.
const DEADLINE_MS: u64 = 300;
/// What the tests allow `Sandbox::start` before calling it hung (the deadlines make it far less).
const HUNG: Duration = Duration::from_secs(60);

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-stalled-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// A package whose requirements name `manifest_url`.
fn package(name: &str, manifest_url: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(
        dir.join("requirements.json"),
        sandbox::zendesk::channel::requirements::json_for("stalling", manifest_url),
    )
    .expect("requirements");
    dir
}

/// Starts the sandbox (the default start-up: install, two accounts, a pull) and says how long it
/// took.
async fn start(package_dir: PathBuf, tls: Option<sandbox::tls::Identity>) -> (Sandbox, Duration) {
    let started = Instant::now();
    let sandbox = tokio::time::timeout(
        HUNG,
        Sandbox::start(Options {
            config: Config {
                integration_timeout_ms: DEADLINE_MS,
                pull_interval_ms: 0,
                ..Config::default().on_free_ports()
            },
            package_dir: Some(package_dir),
            zaf_sdk: None,
            head_script: None,
            tls,
            ..Options::default()
        }),
    )
    .await
    .expect("Sandbox::start returns")
    .expect("the sandbox starts");
    (sandbox, started.elapsed())
}

async fn admin_page(sandbox: &Sandbox) -> String {
    common::text_of(&format!("http://{}/admin/channels", sandbox.host_addr)).await
}

#[tokio::test]
async fn a_host_that_never_answers_does_not_stop_the_start() {
    // Takes every connection and says nothing, not even its half of the TLS handshake.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    let port = listener.local_addr().expect("addr").port();
    let taken = Arc::new(AtomicUsize::new(0));
    let count = taken.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    let dir = package("silent", &format!("https://localhost:{port}/manifest.json"));
    let (sandbox, took) = start(dir.clone(), None).await;
    eprintln!("started in {took:?} with a host that never answers (deadline {DEADLINE_MS} ms)");
    assert!(taken.load(Ordering::SeqCst) >= 1, "the host was reached");
    let Install::Failed { error } = sandbox.channel.desk.install() else {
        panic!("installed from a host that never answered");
    };
    assert!(error.contains("timed out"), "{error}");
    let html = admin_page(&sandbox).await;
    for expected in [
        "could not be installed",
        "timed out",
        "id=\"install\">Try again",
        "id=\"startup-retry\">Try again",
    ] {
        assert!(html.contains(expected), "{expected} in:\n{html}");
    }
    // The sandbox serves on.
    let page = http()
        .get(format!("http://{}/agent/tickets/63", sandbox.host_addr))
        .send()
        .await
        .expect("ticket page");
    assert_eq!(page.status(), 200);
    let _ = std::fs::remove_dir_all(&dir);
}

/// An integration whose admin UI and pull wait for `open`, and whose pull answer can say it is
/// `pull_pad` bytes long.
struct Stalling {
    open: watch::Sender<bool>,
    pull_pad: AtomicUsize,
}

impl Stalling {
    async fn wait(&self) {
        let mut open = self.open.subscribe();
        let _ = open.wait_for(|o| *o).await;
    }
}

fn stalling_router(state: Arc<Stalling>) -> Router {
    Router::new()
        .route(
            "/manifest.json",
            get(|| async {
                Json(json!({"name": "Stalling", "id": "com.example.stalling",
                    "urls": {"admin_ui": "/admin_ui", "pull_url": "/pull"}}))
            }),
        )
        .route(
            "/admin_ui",
            post(
                |State(s): State<Arc<Stalling>>,
                 Form(f): Form<HashMap<String, String>>| async move {
                    s.wait().await;
                    let return_url = f.get("return_url").cloned().unwrap_or_default();
                    Html(format!(
                        "<form method=\"post\" action=\"/save\">\
                         <input type=\"hidden\" name=\"return_url\" value=\"{}\">\
                         <input name=\"name\"><input name=\"account\"><input name=\"token\"></form>",
                        esc(&return_url)
                    ))
                },
            ),
        )
        .route(
            "/save",
            post(|Form(f): Form<HashMap<String, String>>| async move {
                let field = |k: &str| f.get(k).cloned().unwrap_or_default();
                let metadata = json!({"account": field("account"), "token": field("token")});
                Html(format!(
                    "<form method=\"post\" action=\"{}\">\
                     <input type=\"hidden\" name=\"name\" value=\"{}\">\
                     <input type=\"hidden\" name=\"metadata\" value=\"{}\"></form>",
                    esc(&field("return_url")),
                    esc(&field("name")),
                    esc(&metadata.to_string())
                ))
            }),
        )
        .route(
            "/pull",
            post(|State(s): State<Arc<Stalling>>| async move {
                s.wait().await;
                match s.pull_pad.load(Ordering::SeqCst) {
                    0 => Json(json!({"external_resources": []})).into_response(),
                    // Says how long it is, then never sends it.
                    long => (
                        [(header::CONTENT_LENGTH, long.to_string())],
                        Body::from_stream(futures_util::stream::pending::<
                            Result<Vec<u8>, std::io::Error>,
                        >()),
                    )
                        .into_response(),
                }
            }),
        )
        .with_state(state)
}

#[tokio::test]
async fn a_stalled_admin_ui_does_not_stop_the_start_and_try_again_finishes_it() {
    // The integration is served with the certificate the sandbox trusts.
    let tls_dir = scratch("tls");
    let identity = sandbox::tls::Identity::load_or_create(&tls_dir).expect("identity");
    let tls = heart_integration::server::tls_config(
        &tls_dir.join(sandbox::tls::CERT_FILE),
        &tls_dir.join(sandbox::tls::KEY_FILE),
    )
    .expect("TLS config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    let port = listener.local_addr().expect("addr").port();
    let stalling = Arc::new(Stalling {
        open: watch::Sender::new(false),
        pull_pad: AtomicUsize::new(0),
    });
    tokio::spawn(heart_integration::server::serve(
        listener,
        stalling_router(stalling.clone()),
        Some(tls),
        std::future::pending(),
        Duration::from_millis(100),
    ));
    let dir = package(
        "admin-ui",
        &format!("https://localhost:{port}/manifest.json"),
    );

    let (sandbox, took) = start(dir.clone(), Some(identity)).await;
    eprintln!("started in {took:?} with a stalled admin UI (deadline {DEADLINE_MS} ms)");
    let desk = &sandbox.channel.desk;
    assert!(matches!(desk.install(), Install::Installed { .. }));
    assert!(desk.instances().is_empty());
    let steps = desk.script_steps().join("\n");
    let first = format!(
        "Could not add the account \"Omniwear\": POST https://localhost:{port}/admin_ui: \
         the integration did not answer within {DEADLINE_MS} ms"
    );
    for expected in [
        first.as_str(),
        "Skipped adding the account \"Omniwear Outdoor\": the integration does not answer",
        "Skipped the pull",
    ] {
        assert!(steps.contains(expected), "{expected} in:\n{steps}");
    }
    let html = admin_page(&sandbox).await;
    assert!(html.contains("did not answer within"), "{html}");
    assert!(html.contains("id=\"startup-retry\">Try again"), "{html}");

    // The integration answers again: Try again finishes the start-up.
    stalling.open.send_replace(true);
    let again = http()
        .post(format!(
            "http://{}/admin/channels/startup",
            sandbox.host_addr
        ))
        .send()
        .await
        .expect("try again");
    assert!(again.status().is_redirection(), "{}", again.status());
    let names: Vec<String> = desk.instances().into_iter().map(|i| i.name).collect();
    assert_eq!(names, ["Omniwear", "Omniwear Outdoor"]);
    let steps = desk.script_steps().join("\n");
    assert!(
        steps.contains("Pulled account #1: new tickets []"),
        "{steps}"
    );
    assert!(!admin_page(&sandbox).await.contains("startup-retry"));

    // A pull that stalls fails at the deadline; one over the cap is refused.
    stalling.open.send_replace(false);
    let id = desk.instance_named("Omniwear").expect("account").id;
    let report = tokio::time::timeout(HUNG, sandbox.channel.pull(id))
        .await
        .expect("the pull returns")
        .expect("a report");
    let error = report.error.unwrap_or_default();
    assert!(error.contains("timed out"), "{error}");
    stalling.open.send_replace(true);
    stalling
        .pull_pad
        .store(sandbox::outbound::MAX_PULL_ANSWER + 1, Ordering::SeqCst);
    let report = sandbox.channel.pull(id).await.expect("a report");
    let error = report.error.unwrap_or_default();
    assert!(error.contains("over 16 MiB"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&tls_dir);
}
