//! The Zendesk host: agent ticket pages with the app in an iframe, the agent's session, the
//! proxy, and the sandbox's own controls (`/sandbox/*`).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use heart_contract::{ErrorBody, PROXY_PATH};
use reqwest::Url;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::channel::{Framework, Ticket};
use crate::config::Config;
use crate::faults::{Fault, Faults, ProxyFault};
use crate::log::RequestLog;
use crate::origin::MockOrigin;
use crate::package::AppInfo;

pub const SESSION_COOKIE: &str = "_zendesk_session";
/// The most agent sessions kept at once.
pub const MAX_SESSIONS: usize = 1_000;

pub struct HostState {
    pub config: Arc<Config>,
    /// The integration's Channel-framework manifest URL.
    pub manifest_url: Url,
    /// The app's origin, e.g. `http://127.0.0.1:4568`.
    pub app_origin: String,
    pub client: reqwest::Client,
    pub proxy_timeout: Duration,
    pub log: Arc<RequestLog>,
    pub faults: Arc<Faults>,
    pub origin: Arc<MockOrigin>,
    /// Zendesk's side of the Channel framework: the tickets, the integration instances.
    pub channel: Arc<Framework>,
    sessions: Sessions,
    /// The app's guid, one per sandbox run (as one installation has one).
    pub app_guid: String,
    /// The unzipped app package: its name and version come from it.
    pub package_dir: Option<PathBuf>,
}

/// 128 random bits as hex, from std's randomly keyed hasher.
pub fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::new();
    for _ in 0..2 {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

fn uuid() -> String {
    let h = random_hex();
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

impl HostState {
    /// `client` is the proxy's HTTP client (it trusts the integration's certificate only).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: Arc<Config>,
        manifest_url: Url,
        app_origin: String,
        log: Arc<RequestLog>,
        faults: Arc<Faults>,
        origin: Arc<MockOrigin>,
        channel: Arc<Framework>,
        client: reqwest::Client,
    ) -> Self {
        Self {
            proxy_timeout: Duration::from_millis(config.proxy_timeout_ms),
            config,
            manifest_url,
            app_origin,
            client,
            log,
            faults,
            origin,
            channel,
            sessions: Sessions::default(),
            app_guid: uuid(),
            package_dir: None,
        }
    }

    /// The package whose name and version the pages show.
    pub fn with_package(mut self, package_dir: Option<PathBuf>) -> Self {
        self.package_dir = package_dir;
        self
    }

    fn session_id(headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value.to_owned())
    }

    /// The CSRF token of the request's agent session, if it has one.
    fn csrf_of(&self, headers: &HeaderMap) -> Option<String> {
        self.sessions.csrf(&Self::session_id(headers)?)
    }

    pub fn is_agent(&self, headers: &HeaderMap) -> bool {
        self.csrf_of(headers).is_some()
    }

    pub fn csrf_ok(&self, headers: &HeaderMap) -> bool {
        let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        matches!((self.csrf_of(headers), sent),
            (Some(want), Some(got)) if crate::origin::same_secret(want.as_bytes(), got.as_bytes()))
    }

    /// Signs an agent in: a new session id and its CSRF token.
    pub fn sign_in(&self) -> (String, String) {
        self.sessions.sign_in()
    }
}

/// Agent sessions: session id → CSRF token, with the order they were made in (at most
/// [`MAX_SESSIONS`]; the oldest go first).
#[derive(Default)]
struct Sessions(Mutex<(HashMap<String, String>, VecDeque<String>)>);

impl Sessions {
    fn csrf(&self, id: &str) -> Option<String> {
        self.0.lock().ok()?.0.get(id).cloned()
    }

    #[cfg(test)]
    fn count(&self) -> usize {
        self.0.lock().map(|s| s.0.len()).unwrap_or(0)
    }

    fn sign_in(&self) -> (String, String) {
        let id = random_hex();
        let csrf = random_hex();
        if let Ok(mut s) = self.0.lock() {
            let (by_id, order) = &mut *s;
            while order.len() >= MAX_SESSIONS {
                if let Some(oldest) = order.pop_front() {
                    by_id.remove(&oldest);
                }
            }
            by_id.insert(id.clone(), csrf.clone());
            order.push_back(id.clone());
        }
        (id, csrf)
    }
}

pub fn router(state: Arc<HostState>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/agent/tickets/{id}", get(ticket_page))
        .route(PROXY_PATH, post(crate::proxy::proxy))
        .route("/api/v2/tickets/{file}", get(ticket_api))
        .route("/sandbox/host.js", get(host_js))
        .route("/sandbox/log", get(log_get).delete(log_clear))
        .route(
            "/sandbox/faults",
            get(faults_get).post(faults_set).delete(faults_clear),
        )
        .route("/sandbox/origin/photos", get(photos))
        .route("/sandbox/origin/like", post(origin_like))
        .with_state(state)
}

fn json_error(status: StatusCode, error: &str, description: impl Into<String>) -> Response {
    (status, Json(ErrorBody::new(error, description))).into_response()
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn index(State(host): State<Arc<HostState>>) -> Html<String> {
    let items: String = host
        .channel
        .desk
        .tickets()
        .iter()
        .map(|t| {
            format!(
                "<li><a href=\"/agent/tickets/{id}\">#{id} {subject}</a> <small>via {channel}</small></li>",
                id = t.id,
                subject = escape_html(&t.subject),
                channel = escape_html(&t.channel)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Zendesk sandbox</title>\
         <style>body{{font:14px system-ui,sans-serif;margin:32px;color:#2f3941}}a{{color:#1f73b7}}</style></head>\
         <body><h1>Zendesk sandbox</h1><p>Open a ticket as an agent:</p><ul>{items}</ul>\
         <p><a href=\"/admin/channels\">Admin: channel integrations</a> · <a href=\"/sandbox/origin\">mock Instagram</a> · \
         Integration manifest: <a href=\"{m}\">{m}</a> · <a href=\"/sandbox/log\">request log</a></p></body></html>",
        m = host.manifest_url
    ))
}

fn via(ticket: &Ticket) -> Value {
    if ticket.channel == "any_channel" {
        json!({
            "channel": "any_channel",
            "source": {
                "from": {"name": ticket.requester},
                "to": {},
                "rel": null
            }
        })
    } else {
        json!({
            "channel": ticket.channel,
            "source": {
                "from": {"address": ticket.requester, "name": ticket.requester},
                "to": {"address": "support@omniwear.example", "name": "Omniwear"},
                "rel": null
            }
        })
    }
}

fn instance_account(host: &HostState, ticket: &Ticket) -> Option<String> {
    let meta = host.channel.desk.instance_of_ticket(ticket.id)?.metadata;
    let v: Value = serde_json::from_str(&meta).ok()?;
    v.get("account")?.as_str().map(str::to_owned)
}

/// Per-page overrides: `?color_scheme=dark`, `?locale=de`, and `?controls=off`, which hides the
/// sandbox's own panel so the page shows what an agent sees (the listing screenshots).
#[derive(Deserialize)]
struct PageQuery {
    color_scheme: Option<String>,
    locale: Option<String>,
    controls: Option<String>,
}

async fn ticket_page(
    State(host): State<Arc<HostState>>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(ticket) = id
        .parse::<u64>()
        .ok()
        .and_then(|id| host.channel.desk.ticket(id))
    else {
        return (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><p>No such ticket.</p>".to_owned()),
        )
            .into_response();
    };
    let (set_cookie, csrf) = match host.csrf_of(&headers) {
        Some(csrf) => (None, csrf),
        None => {
            let (session, csrf) = host.sign_in();
            (
                Some(format!(
                    "{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"
                )),
                csrf,
            )
        }
    };
    let scheme = match q.color_scheme.as_deref() {
        Some("dark") => "dark",
        Some("light") => "light",
        _ => host.config.color_scheme.as_str(),
    };
    let locale = q
        .locale
        .filter(|l| {
            !l.is_empty()
                && l.len() <= 16
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .unwrap_or_else(|| host.config.locale.clone());
    let app = AppInfo::read(host.package_dir.as_deref(), &locale);
    let controls_hidden = q.controls.as_deref() == Some("off");
    let settings: serde_json::Map<String, Value> = host
        .config
        .settings
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let page_config = json!({
        "appOrigin": host.app_origin,
        "appGuid": host.app_guid,
        "csrfToken": csrf,
        "iframePath": "/assets/iframe.html",
        "activateOnLoad": host.config.activate_on_load,
        "metadata": {
            "appId": 1001,
            "installationId": 2002,
            "name": app.name,
            "version": app.version,
            "settings": settings,
        },
        "context": {
            "product": "support",
            "location": "ticket_sidebar",
            "instanceGuid": host.app_guid,
            "ticketId": ticket.id,
            "account": {"subdomain": "sandbox"},
        },
        "data": {
            "ticket.id": ticket.id,
            "ticket.externalId": ticket.external_id,
            "ticket.via": via(&ticket),
            "ticket.subject": ticket.subject,
            "ticket.description": ticket.description,
            "ticket.requester": {"name": ticket.requester},
            "currentUser.locale": locale,
            "currentUser": {"id": 7, "name": "Alex Agent", "locale": locale, "role": "agent"},
            "currentAccount.subdomain": "sandbox",
            "colorScheme": scheme,
        },
        "photo": {
            "account": instance_account(&host, &ticket),
            "id": ticket.external_id,
        },
    });
    // Safe inside <script>: with every "<" escaped, nothing can end the element early.
    let config_json = page_config.to_string().replace('<', "\\u003c");
    let page = format!(
        include_str!("ticket.html"),
        id = ticket.id,
        subject = escape_html(&ticket.subject),
        requester = escape_html(&ticket.requester),
        description = escape_html(&ticket.description),
        channel = escape_html(&ticket.channel),
        external_id = escape_html(ticket.external_id.as_deref().unwrap_or("—")),
        app_name = escape_html(&app.name),
        controls = if controls_hidden { " hidden" } else { "" },
        source_link = crate::channel::admin::source_link(&host.channel, &ticket),
        comments = crate::channel::admin::comments_html(&ticket),
        scheme = scheme,
        config = config_json,
    );
    let mut response = Html(page).into_response();
    if let Some(cookie) = set_cookie
        && let Ok(value) = cookie.parse()
    {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn ticket_api(
    State(host): State<Arc<HostState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !host.is_agent(&headers) {
        return json_error(
            StatusCode::UNAUTHORIZED,
            "Couldn't authenticate you",
            "sign in as an agent",
        );
    }
    let ticket = file
        .strip_suffix(".json")
        .and_then(|id| id.parse::<u64>().ok())
        .and_then(|id| host.channel.desk.ticket(id));
    match ticket {
        Some(t) => Json(json!({"ticket": {
            "id": t.id,
            "subject": t.subject,
            "description": t.description,
            "external_id": t.external_id,
            "via": via(&t),
        }}))
        .into_response(),
        None => json_error(StatusCode::NOT_FOUND, "RecordNotFound", "Not found"),
    }
}

async fn host_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        include_str!("host.js"),
    )
}

async fn log_get(State(host): State<Arc<HostState>>) -> impl IntoResponse {
    Json(host.log.snapshot())
}

async fn log_clear(State(host): State<Arc<HostState>>) -> StatusCode {
    host.log.clear();
    StatusCode::NO_CONTENT
}

async fn faults_get(State(host): State<Arc<HostState>>) -> impl IntoResponse {
    Json(host.faults.listing())
}

/// A service fault (`fault`) or one of the proxy's own (`proxy`) for `path`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFault {
    path: String,
    fault: Option<Fault>,
    proxy: Option<ProxyFault>,
}

async fn faults_set(State(host): State<Arc<HostState>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<SetFault>(&body) {
        Ok(set) if set.path.starts_with('/') => {
            if let Some(fault) = set.fault {
                host.faults.set(&set.path, fault);
            }
            if let Some(fault) = set.proxy {
                host.faults.set_proxy(&set.path, fault);
            }
            Json(host.faults.listing()).into_response()
        }
        Ok(_) => json_error(
            StatusCode::BAD_REQUEST,
            "InvalidFault",
            "path must start with /",
        ),
        Err(e) => json_error(StatusCode::BAD_REQUEST, "InvalidFault", e.to_string()),
    }
}

#[derive(Deserialize)]
struct PathQuery {
    path: Option<String>,
}

async fn faults_clear(
    State(host): State<Arc<HostState>>,
    Query(q): Query<PathQuery>,
) -> impl IntoResponse {
    match q.path {
        Some(path) => host.faults.clear(&path),
        None => host.faults.clear_all(),
    }
    Json(host.faults.listing())
}

async fn photos(State(host): State<Arc<HostState>>) -> impl IntoResponse {
    Json(host.origin.photos())
}

#[derive(Deserialize)]
struct ForceLike {
    account: String,
    photo_id: String,
    liked: bool,
}

/// "Another agent" (or the business itself, on Instagram) changes the like.
async fn origin_like(State(host): State<Arc<HostState>>, body: axum::body::Bytes) -> Response {
    let req: ForceLike = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, "InvalidRequest", e.to_string()),
    };
    match host
        .origin
        .force_like(&req.account, &req.photo_id, req.liked)
    {
        Some(view) => Json(view).into_response(),
        None => json_error(
            StatusCode::NOT_FOUND,
            "RecordNotFound",
            "no such account or photo",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_bounded_and_the_oldest_go_first() {
        let sessions = Sessions::default();
        let (first, first_csrf) = sessions.sign_in();
        assert_eq!(sessions.csrf(&first), Some(first_csrf));
        let mut last = String::new();
        for _ in 0..MAX_SESSIONS + 10 {
            last = sessions.sign_in().0;
        }
        assert_eq!(sessions.count(), MAX_SESSIONS);
        assert_eq!(sessions.csrf(&first), None, "the oldest went");
        assert!(sessions.csrf(&last).is_some());
    }
}
