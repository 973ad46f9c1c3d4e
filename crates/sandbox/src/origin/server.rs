//! The mock Instagram's HTTP API, a server of its own: the integration reaches the origin only
//! through it (`heart_integration::origin::HttpOrigin` speaks it). Bearer token, JSON:
//!
//! | call | request | answer |
//! |---|---|---|
//! | verify | `GET /v1/accounts/{account}` | `{"account", "handle"}` |
//! | relation | `GET /v1/accounts/{account}/media/{id}/relation` | `{"relation"}` |
//! | like-state | `GET /v1/accounts/{account}/media/{id}/like` | `{"liked", "like_count"}` |
//! | like, unlike | `PUT`, `DELETE` on the same | the state after |
//! | comments | `GET /v1/accounts/{account}/comments?after=&limit=` | `{"data": [comment]}` |
//! | reply | `POST /v1/accounts/{account}/media/{id}/comments` `{"message"}` | `{"id"}` (the comment is the account's) |
//! | a photo's page | `GET /p/{id}/` | a redirect to its page on the sandbox host |
//!
//! 401 for a wrong token, 404 for no such photo, each with an error body that names the URL
//! and the token's start, as a careless origin would (the integration must not pass that on).
//! Every call is counted per account ([`MockOrigin::api_calls`]), and `latency_ms` delays each.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use heart_integration::origin::Credentials;
use serde::Deserialize;
use serde_json::json;

use super::{MockOrigin, OriginError};

/// The most comments one listing answers.
const MAX_LIMIT: usize = 500;

struct Api {
    origin: Arc<MockOrigin>,
    latency: Duration,
}

pub fn router(origin: Arc<MockOrigin>, latency: Duration) -> Router {
    Router::new()
        .route("/v1/accounts/{account}", get(verify))
        .route("/v1/accounts/{account}/media/{id}/relation", get(relation))
        .route(
            "/v1/accounts/{account}/media/{id}/like",
            get(like).put(like).delete(like),
        )
        .route("/v1/accounts/{account}/comments", get(comments))
        .route(
            "/v1/accounts/{account}/media/{id}/comments",
            axum::routing::post(reply),
        )
        .route("/p/{id}/", get(page))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Json(json!({"error": {"message": "Unsupported request", "code": 100}})),
            )
        })
        .with_state(Arc::new(Api { origin, latency }))
}

/// A wrong token, as a careless origin answers it: with the URL and the token's start.
fn refused(e: OriginError, uri: &Uri, auth: &Credentials) -> Response {
    let start: String = auth.token.chars().take(6).collect();
    match e {
        OriginError::Unauthorized => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {
                "type": "OAuthException",
                "code": 190,
                "message": format!("Invalid OAuth access token {start}… for {uri}"),
            }})),
        )
            .into_response(),
        OriginError::NotFound => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": {"message": format!("No such media at {uri}"), "code": 100}})),
        )
            .into_response(),
        OriginError::BadRequest(why) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": why, "code": 100}})),
        )
            .into_response(),
    }
}

/// The call's credentials: the path's account and the bearer token.
async fn begin(api: &Api, account: &str, headers: &HeaderMap, write: bool) -> Credentials {
    if !api.latency.is_zero() {
        tokio::time::sleep(api.latency).await;
    }
    api.origin.count_call(account, write);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_owned();
    Credentials {
        account: account.to_owned(),
        token,
    }
}

async fn verify(
    State(api): State<Arc<Api>>,
    Path(account): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let auth = begin(&api, &account, &headers, false).await;
    match api.origin.verify(&auth) {
        Ok(handle) => Json(json!({"account": account, "handle": handle})).into_response(),
        Err(e) => refused(e, &uri, &auth),
    }
}

async fn relation(
    State(api): State<Arc<Api>>,
    Path((account, id)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let auth = begin(&api, &account, &headers, false).await;
    match api.origin.relation(&auth, &id) {
        Ok(relation) => Json(json!({"relation": relation})).into_response(),
        Err(e) => refused(e, &uri, &auth),
    }
}

async fn like(
    State(api): State<Arc<Api>>,
    Path((account, id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let write = method != Method::GET;
    let auth = begin(&api, &account, &headers, write).await;
    let answer = match method {
        Method::PUT => api.origin.set_like(&auth, &id, true),
        Method::DELETE => api.origin.set_like(&auth, &id, false),
        _ => api.origin.like_state(&auth, &id),
    };
    match answer {
        Ok(state) => {
            Json(json!({"liked": state.liked, "like_count": state.like_count})).into_response()
        }
        Err(e) => refused(e, &uri, &auth),
    }
}

#[derive(Deserialize)]
struct Listing {
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

async fn comments(
    State(api): State<Arc<Api>>,
    Path(account): Path<String>,
    Query(q): Query<Listing>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let auth = begin(&api, &account, &headers, false).await;
    let limit = q.limit.unwrap_or(100).min(MAX_LIMIT);
    match api.origin.comments(&auth, q.after.as_deref(), limit) {
        Ok(data) => Json(json!({"data": data})).into_response(),
        Err(e) => refused(e, &uri, &auth),
    }
}

#[derive(Deserialize)]
struct NewComment {
    message: String,
}

async fn reply(
    State(api): State<Arc<Api>>,
    Path((account, id)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let auth = begin(&api, &account, &headers, true).await;
    let Ok(comment) = serde_json::from_slice::<NewComment>(&body) else {
        return refused(
            OriginError::BadRequest("expected {\"message\"}"),
            &uri,
            &auth,
        );
    };
    match api.origin.reply(&auth, &id, &comment.message) {
        Ok(id) => (StatusCode::CREATED, Json(json!({"id": id}))).into_response(),
        Err(e) => refused(e, &uri, &auth),
    }
}

/// Instagram's photo address: here a redirect to the photo's page on the sandbox host.
async fn page(State(api): State<Arc<Api>>, Path(id): Path<String>) -> Response {
    match api.origin.photo_url(&id, None) {
        Some(url) => Redirect::to(&url).into_response(),
        None => (StatusCode::NOT_FOUND, "No such photo.\n").into_response(),
    }
}
