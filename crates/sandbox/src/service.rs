//! A reference Channel-framework integration service that serves the heart.
//!
//! [`router`] is the part to lift into a real integration: it is generic over [`Origin`], reads
//! what Zendesk's proxy POSTs (`instance_metadata` and `client_data`, form-encoded; JSON is
//! accepted too), authenticates to the origin with the token in `instance_metadata`, acts only
//! on a photo the account owns or was mentioned on, and answers a [`LikeAnswer`] (naming the
//! instance's account, which is who likes) or an [`ApiError`] with a fitting status. Reading
//! and checking a call is one piece, [`ProxiedCall`] ([`call`]), which a service with its own
//! router can take alone. The router also serves the rest of a Channel integration
//! ([`crate::integration`]: admin UI, pull, clickthrough).
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

pub mod call;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use heart_contract::{DEFAULT_LIKE_PATH, DEFAULT_STATE_PATH, LikeAnswer, SetLike, StateQuery};

pub use self::call::{
    PhotoCall, ProxiedCall, account_handle, credentials, origin_error, read_form,
};
use crate::error::ApiError;
use crate::origin::Origin;

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

/// The integration service's routes, over any origin: the heart's two at the app's default
/// `state_path` and `like_path`.
pub fn router<O: Origin>(origin: Arc<O>) -> Router {
    Router::new()
        .route("/manifest.json", get(|| async { Json(manifest()) }))
        .merge(crate::integration::routes::<O>())
        .route(
            "/healthcheck",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(DEFAULT_STATE_PATH, post(like_state::<O>))
        .route(DEFAULT_LIKE_PATH, post(like::<O>))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "the integration service has no such endpoint",
            )
        })
        .with_state(origin)
}

async fn like_state<O: Origin>(
    State(origin): State<Arc<O>>,
    call: ProxiedCall<StateQuery>,
) -> Result<Json<LikeAnswer>, ApiError> {
    let answer = origin.like_state(&call.auth, &call.photo).await;
    call.answer(answer)
}

async fn like<O: Origin>(
    State(origin): State<Arc<O>>,
    call: ProxiedCall<SetLike>,
) -> Result<Json<LikeAnswer>, ApiError> {
    let answer = origin
        .set_like(&call.auth, &call.photo, call.body.liked)
        .await;
    call.answer(answer)
}
