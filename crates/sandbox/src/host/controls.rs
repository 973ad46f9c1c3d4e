//! The sandbox's own controls on the host (`/sandbox/*`), which no Zendesk has: the host-side
//! script of the ticket page, the request log, the injected faults, and the mock origin's
//! photos and likes as "another agent" changes them.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::HostState;
use crate::faults::{Fault, ProxyFault};
use crate::origin::PhotoView;
use heart_contract::ApiError;

pub(super) fn routes() -> Router<Arc<HostState>> {
    Router::new()
        .route("/sandbox/host.js", get(host_js))
        .route("/sandbox/log", get(log_get).delete(log_clear))
        .route(
            "/sandbox/faults",
            get(faults_get).post(faults_set).delete(faults_clear),
        )
        .route("/sandbox/origin/photos", get(photos))
        .route("/sandbox/origin/like", post(origin_like))
}

async fn host_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        include_str!("../host.js"),
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

async fn faults_set(
    State(host): State<Arc<HostState>>,
    body: axum::body::Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let invalid =
        |description: String| ApiError::new(StatusCode::BAD_REQUEST, "InvalidFault", description);
    let set = serde_json::from_slice::<SetFault>(&body).map_err(|e| invalid(e.to_string()))?;
    if !set.path.starts_with('/') {
        return Err(invalid("path must start with /".into()));
    }
    if let Some(fault) = set.fault {
        host.faults.set(&set.path, fault);
    }
    if let Some(fault) = set.proxy {
        host.faults.set_proxy(&set.path, fault);
    }
    Ok(Json(host.faults.listing()))
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
async fn origin_like(
    State(host): State<Arc<HostState>>,
    body: axum::body::Bytes,
) -> Result<Json<PhotoView>, ApiError> {
    let req: ForceLike = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "InvalidRequest", e.to_string()))?;
    host.origin
        .force_like(&req.account, &req.photo_id, req.liked)
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "RecordNotFound",
                "no such account or photo",
            )
        })
}
