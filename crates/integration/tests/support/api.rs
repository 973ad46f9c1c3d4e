//! An origin HTTP API of the test's own (the API `HttpOrigin` speaks), on a free port: one
//! photo, one token, every call counted, and a status, a delay or an oversized answer to order
//! per call. Its error answers carry the URL and the token, as a careless origin's would.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{ACCOUNT, OWN, TOKEN};

/// What the next calls get instead of the real answer.
#[derive(Clone, Debug, Default)]
pub struct Trouble {
    pub status: Option<u16>,
    pub retry_after: Option<String>,
    pub delay: Duration,
    pub oversized: bool,
}

#[derive(Default)]
pub struct ApiState {
    pub calls: AtomicU64,
    pub trouble: Mutex<Trouble>,
    pub liked: Mutex<bool>,
}

impl ApiState {
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }
    pub fn set(&self, trouble: Trouble) {
        *self.trouble.lock().expect("trouble") = trouble;
    }
}

/// The API, served on a free loopback port until the test ends.
pub struct FakeApi {
    pub url: String,
    pub state: Arc<ApiState>,
}

impl FakeApi {
    pub async fn start() -> Self {
        let state = Arc::new(ApiState::default());
        let router = Router::new()
            .route("/v1/accounts/{account}", get(call))
            .route("/v1/accounts/{account}/media/{id}/relation", get(call))
            .route(
                "/v1/accounts/{account}/media/{id}/like",
                get(call).put(call).delete(call),
            )
            .route("/v1/accounts/{account}/comments", get(call))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, state }
    }
}

async fn call(
    State(state): State<Arc<ApiState>>,
    Path(parts): Path<Vec<(String, String)>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    state.calls.fetch_add(1, Ordering::SeqCst);
    let trouble = state.trouble.lock().expect("trouble").clone();
    if !trouble.delay.is_zero() {
        tokio::time::sleep(trouble.delay).await;
    }
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let careless = format!("{{\"error\":\"{uri} refused {token}\"}}");
    if let Some(status) = trouble.status {
        let status = StatusCode::from_u16(status).expect("status");
        let mut response = (status, careless).into_response();
        if let Some(after) = trouble.retry_after {
            response
                .headers_mut()
                .insert("retry-after", after.parse().expect("header"));
        }
        return response;
    }
    if trouble.oversized {
        return format!("{{\"pad\":\"{}\"}}", "x".repeat(2 << 20)).into_response();
    }
    let account = parts
        .iter()
        .find(|(k, _)| k == "account")
        .map(|(_, v)| v.as_str());
    if account != Some(ACCOUNT) || token != format!("Bearer {TOKEN}") {
        return (StatusCode::UNAUTHORIZED, careless).into_response();
    }
    let id = parts
        .iter()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.as_str());
    if id.is_some_and(|id| id != OWN) {
        return (StatusCode::NOT_FOUND, careless).into_response();
    }
    let path = uri.path();
    let body = if path.ends_with("/relation") {
        "{\"relation\":\"own\"}".to_owned()
    } else if path.ends_with("/like") {
        let mut liked = state.liked.lock().expect("liked");
        match method {
            Method::PUT => *liked = true,
            Method::DELETE => *liked = false,
            _ => {}
        }
        format!(
            "{{\"liked\":{},\"like_count\":{}}}",
            *liked,
            41 + u64::from(*liked)
        )
    } else if path.ends_with("/comments") {
        "{\"data\":[]}".to_owned()
    } else {
        "{\"account\":\"omniwear\",\"handle\":\"@omniwear\"}".to_owned()
    };
    ([("content-type", "application/json")], body).into_response()
}
