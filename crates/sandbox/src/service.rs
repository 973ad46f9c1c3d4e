//! A reference Channel-framework integration service that serves the heart.
//!
//! [`router`] is the part to lift into a real integration: it is generic over [`Origin`], reads
//! what Zendesk's proxy POSTs (`instance_metadata` and `client_data`, form-encoded; JSON is
//! accepted too), authenticates to the origin with the token in `instance_metadata`, acts only
//! on a photo the account owns or was mentioned on, and answers a [`LikeAnswer`] (naming the
//! instance's account, which is who likes) or an [`ErrorBody`] with a fitting status. It also
//! serves the rest of a Channel integration ([`crate::integration`]: admin UI, pull,
//! clickthrough).
//!
//! A real integration implements [`Origin`] with its API client and serves the same router:
//!
//! ```
//! use std::sync::Arc;
//!
//! use heart_contract::LikeAnswer;
//! use sandbox::origin::{Comment, Credentials, Origin, OriginError, Relation};
//!
//! struct Instagram {/* an HTTP client, the API base URL, ... */}
//!
//! impl Origin for Instagram {
//!     async fn like_state(&self, auth: &Credentials, photo: &str) -> Result<LikeAnswer, OriginError> {
//!         // GET the media's like state with `auth.token`; map 401/404 to OriginError.
//!         let _ = (auth, photo);
//!         Err(OriginError::Unavailable("not wired up in this example".into()))
//!     }
//!     async fn set_like(&self, auth: &Credentials, photo: &str, liked: bool) -> Result<LikeAnswer, OriginError> {
//!         let _ = (auth, photo, liked);
//!         Err(OriginError::Unavailable("not wired up in this example".into()))
//!     }
//!     async fn verify(&self, auth: &Credentials) -> Result<String, OriginError> {
//!         let _ = auth; // e.g. GET /me with the token: the account's handle
//!         Err(OriginError::Unavailable("not wired up in this example".into()))
//!     }
//!     async fn relation(&self, auth: &Credentials, photo: &str) -> Result<Relation, OriginError> {
//!         let _ = (auth, photo); // the media's owner, and whether it mentions the account
//!         Err(OriginError::Unavailable("not wired up in this example".into()))
//!     }
//!     async fn comments(&self, auth: &Credentials, after: Option<&str>, limit: usize) -> Result<Vec<Comment>, OriginError> {
//!         let _ = (auth, after, limit); // the account's media's comments, paged by a cursor
//!         Err(OriginError::Unavailable("not wired up in this example".into()))
//!     }
//!     fn permalink(&self, photo: &str, _comment: Option<&str>) -> Option<String> {
//!         Some(format!("https://www.instagram.com/p/{photo}/"))
//!     }
//! }
//!
//! let app: axum::Router = sandbox::service::router(Arc::new(Instagram {}));
//! // axum::serve(tokio::net::TcpListener::bind("0.0.0.0:8080").await?, app).await?;
//! # drop(app);
//! ```

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use heart_contract::{ErrorBody, LikeAnswer, ProxyForm, SetLike, StateQuery};
use serde::Deserialize;

use crate::origin::{Credentials, Origin, OriginError, Relation};

/// The Channel-framework manifest; its URLs are relative to where it is served.
pub fn manifest() -> serde_json::Value {
    serde_json::json!({
        "name": "Omniwear Instagram (sandbox)",
        "id": "com.example.sandbox.instagram",
        "author": "zendesk-heart sandbox",
        "version": "1.0.0",
        "channelback_files": false,
        "create_followup_tickets": false,
        "urls": {
            "admin_ui": "./admin_ui",
            "pull_url": "./pull",
            "clickthrough_url": "./clickthrough",
            "healthcheck_url": "./healthcheck"
        }
    })
}

/// The integration service's routes, over any origin.
pub fn router<O: Origin>(origin: Arc<O>) -> Router {
    Router::new()
        .route("/manifest.json", get(|| async { Json(manifest()) }))
        .merge(crate::integration::routes::<O>())
        .route(
            "/healthcheck",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/like_state", post(like_state::<O>))
        .route("/like", post(like::<O>))
        .fallback(|| async {
            ServiceError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "the integration service has no such endpoint",
            )
        })
        .with_state(origin)
}

/// An error answer: a status and a Zendesk-style JSON body.
#[derive(Debug)]
pub struct ServiceError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ServiceError {
    pub fn new(status: StatusCode, error: &str, description: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody::new(error, description),
        }
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Reads the proxy's POST: a form (what Zendesk sends) or a JSON object with the same fields.
pub fn read_form(headers: &HeaderMap, body: &[u8]) -> Result<ProxyForm, ServiceError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let parsed = if content_type.starts_with("application/json") {
        serde_json::from_slice::<ProxyForm>(body).map_err(|e| e.to_string())
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<ProxyForm>(body).map_err(|e| e.to_string())
    } else {
        return Err(ServiceError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected an application/x-www-form-urlencoded POST from the Zendesk proxy",
        ));
    };
    parsed.map_err(|e| {
        ServiceError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("expected the fields instance_metadata and client_data: {e}"),
        )
    })
}

#[derive(Deserialize)]
struct Meta {
    account: String,
    token: String,
    /// The account's display handle, as the admin's setup stored it: `@<account>` without one,
    /// and no `account` in the answers when it is empty (a service that cannot tell).
    #[serde(default)]
    handle: Option<String>,
}

fn meta(instance_metadata: &str) -> Result<Meta, ServiceError> {
    serde_json::from_str(instance_metadata).map_err(|_| {
        ServiceError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "instance_metadata carries no account and token; set the integration up again",
        )
    })
}

/// The credentials the admin's setup stored in `instance_metadata`.
pub fn credentials(instance_metadata: &str) -> Result<Credentials, ServiceError> {
    let meta = meta(instance_metadata)?;
    Ok(Credentials {
        account: meta.account,
        token: meta.token,
    })
}

/// Who likes, as the answers name it: the instance's account handle (`handle` in
/// `instance_metadata`, else `@<account>`; none for an empty `handle`). Sent as stored: the app
/// reads it as plain text.
pub fn account_handle(instance_metadata: &str) -> Result<Option<String>, ServiceError> {
    let meta = meta(instance_metadata)?;
    Ok(match meta.handle {
        Some(handle) if handle.is_empty() => None,
        Some(handle) => Some(handle),
        None => Some(format!("@{}", meta.account)),
    })
}

fn naming(account: Option<String>) -> impl FnOnce(LikeAnswer) -> Json<LikeAnswer> {
    move |answer| Json(LikeAnswer { account, ..answer })
}

fn client_body<T: serde::de::DeserializeOwned>(form: &ProxyForm) -> Result<T, ServiceError> {
    form.client_body().map_err(|e| {
        ServiceError::new(
            StatusCode::BAD_REQUEST,
            "invalid_client_data",
            e.to_string(),
        )
    })
}

/// The account acts only on its own photos and the ones it was mentioned on: anything else is
/// "not found", whatever `external_id` the body names.
async fn ensure_actionable<O: Origin>(
    origin: &O,
    auth: &Credentials,
    photo: &str,
) -> Result<(), ServiceError> {
    match origin.relation(auth, photo).await {
        Ok(Relation::Own | Relation::Mentioned) => Ok(()),
        Ok(Relation::Unrelated) => {
            tracing::info!(account = %auth.account, "refused a photo the account cannot act on");
            Err(ServiceError::new(
                StatusCode::NOT_FOUND,
                "photo_not_found",
                format!(
                    "{photo} is neither a photo of {} nor one it was mentioned on",
                    auth.account
                ),
            ))
        }
        Err(e) => Err(origin_error(&auth.account, e)),
    }
}

fn photo_id(external_id: Option<String>) -> Result<String, ServiceError> {
    external_id.filter(|id| !id.is_empty()).ok_or_else(|| {
        ServiceError::new(
            StatusCode::NOT_FOUND,
            "photo_not_found",
            "the ticket has no external_id, so there is no photo to like",
        )
    })
}

pub fn origin_error(account: &str, e: OriginError) -> ServiceError {
    match e {
        OriginError::Unauthorized => ServiceError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!("the origin rejected the token of the account {account}"),
        ),
        OriginError::NotFound(id) => ServiceError::new(
            StatusCode::NOT_FOUND,
            "photo_not_found",
            format!("no photo {id} on the origin"),
        ),
        OriginError::Unavailable(why) => ServiceError::new(
            StatusCode::BAD_GATEWAY,
            "origin_unavailable",
            format!("the origin failed: {why}"),
        ),
    }
}

async fn like_state<O: Origin>(
    State(origin): State<Arc<O>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<LikeAnswer>, ServiceError> {
    let form = read_form(&headers, &body)?;
    let auth = credentials(&form.instance_metadata)?;
    let handle = account_handle(&form.instance_metadata)?;
    let query: StateQuery = client_body(&form)?;
    let photo = photo_id(query.external_id)?;
    ensure_actionable(&*origin, &auth, &photo).await?;
    origin
        .like_state(&auth, &photo)
        .await
        .map(naming(handle))
        .map_err(|e| origin_error(&auth.account, e))
}

async fn like<O: Origin>(
    State(origin): State<Arc<O>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<LikeAnswer>, ServiceError> {
    let form = read_form(&headers, &body)?;
    let auth = credentials(&form.instance_metadata)?;
    let handle = account_handle(&form.instance_metadata)?;
    let set: SetLike = client_body(&form)?;
    let photo = photo_id(set.external_id)?;
    ensure_actionable(&*origin, &auth, &photo).await?;
    origin
        .set_like(&auth, &photo, set.liked)
        .await
        .map(naming(handle))
        .map_err(|e| origin_error(&auth.account, e))
}
