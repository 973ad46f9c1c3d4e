//! A vendor's own Channel framework integration, written for the tests: served over HTTPS with a
//! certificate of its own CA (which the sandbox trusts only through `--integration-ca`), with
//! every part of the framework the sandbox must play against: an admin UI that keeps the push
//! credentials Zendesk hands it, a pull that answers what the test queues, a channelback that
//! fails as often as it is told and records what it got, event callbacks it records, a health
//! check, about and dashboard pages. Everything it received is in [`VendorState`].

#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// A certificate authority of the test's own, and a server certificate it signed.
pub struct TestCa {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
    /// base64 SHA-256 of the server certificate's public key (Chromium's trust flag).
    pub spki_sha256: String,
}

impl TestCa {
    pub fn new() -> Self {
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "Vendor Test CA");
        ca.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let key = rcgen::KeyPair::generate().expect("server key");
        let mut params =
            rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .expect("server params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "vendor integration");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params
            .signed_by(&key, &ca_cert, &ca_key)
            .expect("server certificate");
        let digest = ring::digest::digest(&ring::digest::SHA256, &key.public_key_der());
        Self {
            ca_pem: ca_cert.pem(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            spki_sha256: base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                digest.as_ref(),
            ),
        }
    }
}

/// Everything the vendor's integration received, and what it is told to answer.
#[derive(Default)]
pub struct VendorState {
    /// The manifest's overrides (merged over the default).
    pub manifest: Mutex<Value>,
    /// Pull answers, in order; an empty list of resources when none is queued.
    pub pulls: Mutex<VecDeque<Value>>,
    /// The pulls' forms.
    pub pulled: Mutex<Vec<BTreeMap<String, String>>>,
    /// How many of the next channelbacks answer 500.
    pub channelback_failures: AtomicU32,
    /// The channelbacks' answer (instead of a good one), once.
    pub channelback_answer: Mutex<Option<Value>>,
    /// The channelbacks' forms.
    pub channelbacks: Mutex<Vec<BTreeMap<String, String>>>,
    /// The events received, one by one.
    pub events: Mutex<Vec<Value>>,
    /// The push credentials the admin UI got: (`instance_push_id`, `zendesk_access_token`).
    pub push: Mutex<Vec<(String, String)>>,
    /// The health check's status.
    pub health: Mutex<u16>,
}

impl VendorState {
    pub fn queue_pull(&self, answer: Value) {
        self.pulls.lock().expect("pulls").push_back(answer);
    }
    pub fn event_types(&self) -> Vec<String> {
        self.events
            .lock()
            .expect("events")
            .iter()
            .filter_map(|e| e["type_id"].as_str().map(str::to_owned))
            .collect()
    }
}

/// The integration, served until the test ends.
pub struct Vendor {
    pub addr: SocketAddr,
    pub state: Arc<VendorState>,
}

impl Vendor {
    pub fn manifest_url(&self) -> String {
        format!("https://localhost:{}/manifest.json", self.addr.port())
    }

    pub async fn start(ca: &TestCa) -> Self {
        let state = Arc::new(VendorState::default());
        *state.health.lock().expect("health") = 200;
        let router = Router::new()
            .route("/manifest.json", get(manifest))
            .route("/admin_ui", post(admin_ui))
            .route("/admin_ui/save", post(admin_save))
            .route("/pull", post(pull))
            .route("/channelback", post(channelback))
            .route("/events", post(events))
            .route("/health", get(health))
            .route(
                "/about",
                get(|| async { Html("<!doctype html><title>About</title><h1>Vendor Echo</h1>") }),
            )
            .route(
                "/dashboard",
                get(|| async { Html("<!doctype html><title>Dashboard</title><h1>Dashboard</h1>") }),
            )
            .route(
                "/clickthrough",
                get(|| async {
                    Html("<!doctype html><title>Original</title><h1>The original</h1>")
                }),
            )
            .with_state(state.clone());
        let dir = std::env::temp_dir().join(format!(
            "vendor-tls-{}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&dir).expect("tls dir");
        std::fs::write(dir.join("cert.pem"), &ca.cert_pem).expect("cert");
        std::fs::write(dir.join("key.pem"), &ca.key_pem).expect("key");
        let tls =
            heart_integration::server::tls_config(&dir.join("cert.pem"), &dir.join("key.pem"))
                .expect("TLS config");
        let _ = std::fs::remove_dir_all(&dir);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(heart_integration::server::serve(
            listener,
            router,
            Some(tls),
            std::future::pending(),
            Duration::from_millis(100),
        ));
        Self { addr, state }
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}

fn form(body: &[u8]) -> BTreeMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

async fn manifest(State(state): State<Arc<VendorState>>) -> Json<Value> {
    let mut m = json!({
        "name": "Vendor Echo",
        "id": "com.vendor.echo",
        "author": "Vendor Inc.",
        "version": "2.0.0",
        "push_client_id": "vendor-echo-push",
        "channelback_files": false,
        "urls": {
            "admin_ui": "./admin_ui",
            "pull_url": "./pull",
            "channelback_url": "./channelback",
            "clickthrough_url": "./clickthrough",
            "healthcheck_url": "./health",
            "about_url": "./about",
            "dashboard_url": "./dashboard",
            "event_callback_url": "./events",
        }
    });
    if let (Some(m), Some(overrides)) = (
        m.as_object_mut(),
        state.manifest.lock().expect("manifest").as_object(),
    ) {
        for (k, v) in overrides {
            m.insert(k.clone(), v.clone());
        }
    }
    Json(m)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Zendesk's fields in, a form with an API key out; it keeps the push credentials.
async fn admin_ui(State(state): State<Arc<VendorState>>, body: Bytes) -> Html<String> {
    let f = form(&body);
    if let (Some(id), Some(token)) = (f.get("instance_push_id"), f.get("zendesk_access_token")) {
        state
            .push
            .lock()
            .expect("push")
            .push((id.clone(), token.clone()));
    }
    let hidden = |name: &str| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            esc(f.get(name).map(String::as_str).unwrap_or(""))
        )
    };
    Html(format!(
        "<!doctype html><html lang=\"en\"><title>Vendor Echo</title><h1>Connect Vendor Echo</h1>\
         <form method=\"post\" action=\"admin_ui/save\" id=\"account-form\">{}{}\
         <label for=\"name\">Name</label><input id=\"name\" name=\"name\" value=\"{}\">\
         <label for=\"api_key\">API key</label><input id=\"api_key\" name=\"api_key\">\
         <button type=\"submit\" id=\"save\">Save</button></form></html>",
        hidden("return_url"),
        hidden("instance_push_id"),
        esc(f.get("name").map(String::as_str).unwrap_or("")),
    ))
}

/// Posts the account back to Zendesk: its name and metadata.
async fn admin_save(body: Bytes) -> Html<String> {
    let f = form(&body);
    let metadata =
        json!({"api_key": f.get("api_key"), "push_id": f.get("instance_push_id")}).to_string();
    Html(format!(
        "<!doctype html><html lang=\"en\"><title>Saving</title><form method=\"post\" action=\"{}\" id=\"back\">\
         <input type=\"hidden\" name=\"name\" value=\"{}\"><input type=\"hidden\" name=\"metadata\" value=\"{}\"></form>\
         <script>document.getElementById('back').submit();</script></html>",
        esc(f.get("return_url").map(String::as_str).unwrap_or("")),
        esc(f.get("name").map(String::as_str).unwrap_or("")),
        esc(&metadata),
    ))
}

async fn pull(State(state): State<Arc<VendorState>>, body: Bytes) -> Json<Value> {
    state.pulled.lock().expect("pulled").push(form(&body));
    let next = state.pulls.lock().expect("pulls").pop_front();
    Json(next.unwrap_or_else(|| json!({"external_resources": []})))
}

async fn channelback(State(state): State<Arc<VendorState>>, body: Bytes) -> Response {
    let f = form(&body);
    let n = {
        let mut all = state.channelbacks.lock().expect("channelbacks");
        all.push(f.clone());
        all.len()
    };
    let fail = state
        .channelback_failures
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if fail {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": "origin down"})),
        )
            .into_response();
    }
    if let Some(answer) = state.channelback_answer.lock().expect("answer").take() {
        return Json(answer).into_response();
    }
    let _ = n;
    Json(json!({
        "external_id": format!("reply-{}", f.get("request_unique_identifier").map(String::as_str).unwrap_or("")),
        "allow_channelback": true,
    }))
    .into_response()
}

async fn events(State(state): State<Arc<VendorState>>, body: Bytes) -> StatusCode {
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let list = value["events"].as_array().cloned().unwrap_or_default();
    state.events.lock().expect("events").extend(list);
    StatusCode::OK
}

async fn health(State(state): State<Arc<VendorState>>) -> StatusCode {
    StatusCode::from_u16(*state.health.lock().expect("health")).unwrap_or(StatusCode::OK)
}

/// A resource within every limit.
pub fn resource(external_id: &str, thread: &str, message: &str) -> Value {
    json!({
        "external_id": external_id,
        "thread_id": thread,
        "message": message,
        "created_at": "2026-12-06T10:00:00Z",
        "author": {"external_id": "cust-1", "name": "Casey Customer"},
        "allow_channelback": true,
    })
}
