//! The service's router: the manifest, the health check, the heart's two endpoints at the app's
//! default `state_path` and `like_path`, the admin UI and the pull, under the request body
//! limit, the request deadline and a log line per request (method, path and status: never a
//! query string or a body).

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use heart_contract::{
    ApiError, DEFAULT_LIKE_PATH, DEFAULT_STATE_PATH, LikeAnswer, SetLike, StateQuery,
};
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;

use crate::call::{ProxiedCall, Refusal};
use crate::origin::Origin;
use crate::store::Health;
use crate::{Integration, ServiceSettings};

/// The Channel framework manifest; every URL absolute, under the public URL.
pub fn manifest(settings: &ServiceSettings) -> serde_json::Value {
    let url = |path: &str| {
        settings
            .public_url
            .join(path)
            .map(|u| u.to_string())
            .unwrap_or_default()
    };
    json!({
        "name": settings.name,
        "id": settings.manifest_id,
        "author": "zendesk-heart",
        "version": env!("CARGO_PKG_VERSION"),
        "channelback_files": false,
        "create_followup_tickets": false,
        "urls": {
            "admin_ui": url("admin_ui"),
            "pull_url": url("pull"),
            "clickthrough_url": url("clickthrough"),
            "channelback_url": url("channelback"),
            "healthcheck_url": url("healthcheck"),
        }
    })
}

/// The service's routes over any origin.
pub fn router<O: Origin>(service: Arc<Integration<O>>) -> Router {
    let max_body = service.settings.max_body;
    Router::new()
        .route("/", get(home::<O>))
        .route("/manifest.json", get(manifest_json::<O>))
        .route("/healthcheck", get(healthcheck::<O>))
        .route(DEFAULT_STATE_PATH, post(like_state::<O>))
        .route(DEFAULT_LIKE_PATH, post(like::<O>))
        .merge(crate::admin_ui::routes::<O>())
        .merge(crate::pull::routes::<O>())
        .merge(crate::channelback::routes::<O>())
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "the integration service has no such endpoint",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            service.clone(),
            deadline_and_log::<O>,
        ))
        .layer(RequestBodyLimitLayer::new(max_body))
        .with_state(service)
}

/// Every request within the deadline (a JSON 503 past it), and one log line for it.
async fn deadline_and_log<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response =
        match tokio::time::timeout(service.settings.request_timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the integration service could not answer in time",
            )
            .into_response(),
        };
    tracing::info!(
        %method,
        path = %path,
        status = response.status().as_u16(),
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

async fn home<O: Origin>(State(service): State<Arc<Integration<O>>>) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{name}</title>\
         <body style=\"font:14px system-ui,sans-serif;margin:32px\"><h1>{name}</h1>\
         <p>A Zendesk Channel framework integration service. Zendesk reads its \
         <a href=\"manifest.json\">manifest</a>; admins add accounts from Zendesk's admin center.</p></body></html>",
        name = crate::html::escape(&service.settings.name)
    ))
}

async fn manifest_json<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
) -> Json<serde_json::Value> {
    Json(manifest(&service.settings))
}

/// Cheap: the store's health (a Redis `PING` at most), never an origin call.
async fn healthcheck<O: Origin>(State(service): State<Arc<Integration<O>>>) -> Response {
    let health = service.origin.store().health().await;
    let status = match health {
        Health::RedisDown => "degraded",
        Health::Memory | Health::Redis => "ok",
    };
    Json(json!({
        "status": status,
        "store": health.name(),
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}

async fn like_state<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
    call: ProxiedCall<StateQuery>,
) -> Result<Json<LikeAnswer>, Refusal> {
    let answer = service.origin.like_state(&call.auth, &call.photo).await;
    call.answer(answer)
}

async fn like<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
    call: ProxiedCall<SetLike>,
) -> Result<Json<LikeAnswer>, Refusal> {
    let answer = service
        .origin
        .set_like(&call.auth, &call.photo, call.body.liked)
        .await;
    call.answer(answer)
}
