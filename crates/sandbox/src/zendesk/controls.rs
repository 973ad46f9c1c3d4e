//! The sandbox's own controls on the host (`/sandbox/*`), which no Zendesk has: the host-side
//! script of the ticket page, the request log and the injected faults (the mock Instagram's
//! own, `/sandbox/origin/*`, are in `instagram/web.rs`).
//!
//! Only the agent's session may use them ([`agent_controls`]): every one needs the session cookie;
//! a write also needs the session's CSRF token (`X-CSRF-Token`) and takes JSON only as
//! `Content-Type: application/json`, so no other page can send one (a form or a `text/plain`
//! body from elsewhere is refused before it is read). `GET /sandbox/session` hands a session
//! and its token to a tool such as curl.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::session::{Sessions, agent_controls};
use crate::faults::{Fault, Faults, ProxyFault};
use crate::log::RequestLog;
use heart_contract::ApiError;

/// What the controls use.
pub(super) struct Controls {
    pub sessions: Sessions,
    pub log: Arc<RequestLog>,
    pub faults: Arc<Faults>,
}

pub(super) fn router(controls: Controls) -> Router {
    let agent_only = Router::new()
        .route("/sandbox/log", get(log_get).delete(log_clear))
        .route(
            "/sandbox/faults",
            get(faults_get).post(faults_set).delete(faults_clear),
        )
        .route_layer(from_fn_with_state(
            controls.sessions.clone(),
            agent_controls,
        ));
    Router::new()
        .route("/sandbox/host.js", get(host_js))
        .route("/sandbox/session", get(session))
        .merge(agent_only)
        .with_state(Arc::new(controls))
}

/// A session for a tool (curl): `{"csrf_token"}`, and the cookie when the request had none.
async fn session(State(host): State<Arc<Controls>>, headers: axum::http::HeaderMap) -> Response {
    let (csrf, set_cookie) = host.sessions.page_session(&headers);
    let mut response = (
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "csrf_token": csrf })),
    )
        .into_response();
    if let Some(cookie) = set_cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
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

async fn log_get(State(host): State<Arc<Controls>>) -> impl IntoResponse {
    Json(host.log.snapshot())
}

async fn log_clear(State(host): State<Arc<Controls>>) -> StatusCode {
    host.log.clear();
    StatusCode::NO_CONTENT
}

async fn faults_get(State(host): State<Arc<Controls>>) -> impl IntoResponse {
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

async fn faults_set(
    State(host): State<Arc<Controls>>,
    body: axum::body::Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let invalid =
        |description: String| ApiError::new(StatusCode::BAD_REQUEST, "InvalidFault", description);
    let set = serde_json::from_slice::<SetFault>(&body).map_err(|e| invalid(e.to_string()))?;
    crate::faults::check_path(&set.path).map_err(invalid)?;
    // Both checked before either is set: a refusal changes nothing.
    if let Some(fault) = &set.fault {
        fault.check().map_err(invalid)?;
    }
    if let Some(fault) = &set.proxy {
        fault.check().map_err(invalid)?;
    }
    if let Some(fault) = set.fault {
        host.faults.try_set(&set.path, fault).map_err(invalid)?;
    }
    if let Some(fault) = set.proxy {
        host.faults
            .try_set_proxy(&set.path, fault)
            .map_err(invalid)?;
    }
    Ok(Json(host.faults.listing()))
}

#[derive(Deserialize)]
struct PathQuery {
    path: Option<String>,
}

async fn faults_clear(
    State(host): State<Arc<Controls>>,
    Query(q): Query<PathQuery>,
) -> impl IntoResponse {
    match q.path {
        Some(path) => host.faults.clear(&path),
        None => host.faults.clear_all(),
    }
    Json(host.faults.listing())
}
