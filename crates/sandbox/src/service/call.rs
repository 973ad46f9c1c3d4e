//! A proxied call, read in one piece: [`ProxiedCall`] is what Zendesk's proxy POSTs to one of
//! the heart's endpoints once it is read and checked. The form (`instance_metadata` and
//! `client_data`), the instance's credentials and display handle from `instance_metadata`, the
//! app's body from `client_data`, and the photo that body names, which the account must own or
//! have been mentioned on. Every step that fails is the answer to give, as an [`ApiError`].
//!
//! This file is the piece to lift into an integration service of your own: it needs axum, the
//! contract (`heart-contract` with feature `service`), serde, the [`Origin`] trait and
//! [`ApiError`]. Take it as an axum extractor (the router's state is the `Arc` of your origin):
//!
//! ```
//! use std::sync::Arc;
//!
//! use axum::Json;
//! use axum::extract::State;
//! use heart_contract::{LikeAnswer, SetLike};
//! use sandbox::error::ApiError;
//! use sandbox::origin::Origin;
//! use sandbox::service::ProxiedCall;
//!
//! async fn like<O: Origin>(
//!     State(origin): State<Arc<O>>,
//!     call: ProxiedCall<SetLike>,
//! ) -> Result<Json<LikeAnswer>, ApiError> {
//!     let answer = origin.set_like(&call.auth, &call.photo, call.body.liked).await;
//!     call.answer(answer)
//! }
//! # let _ = axum::routing::post(like::<sandbox::MockOrigin>);
//! ```
//!
//! or, outside axum's extractors, with [`ProxiedCall::read`] on the request's headers and body.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use heart_contract::{LikeAnswer, ProxyForm, SetLike, StateQuery};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::origin::{Credentials, Origin, OriginError, Relation};

/// A call Zendesk's proxy forwarded, read and checked: the account may act on `photo`.
#[derive(Debug)]
pub struct ProxiedCall<B> {
    /// How to act on the origin as the instance's account (from `instance_metadata`).
    pub auth: Credentials,
    /// Who likes, as the answers name it ([`account_handle`]).
    pub handle: Option<String>,
    /// The app's body, from `client_data`: a [`StateQuery`] or a [`SetLike`].
    pub body: B,
    /// The photo the body names (its `external_id`): the account's own or one it was mentioned on.
    pub photo: String,
}

/// A body of the app's that names a photo: the heart's two calls.
pub trait PhotoCall: DeserializeOwned {
    /// The ticket's `external_id`, the origin's id of the photo.
    fn external_id(&self) -> Option<&str>;
}

impl PhotoCall for StateQuery {
    fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }
}

impl PhotoCall for SetLike {
    fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }
}

impl<B: PhotoCall> ProxiedCall<B> {
    /// Reads the proxy's POST (`headers` and `body` as they came) and checks it against the
    /// origin, in this order: the form, the credentials, the handle, `client_data`, the photo,
    /// and whether the account may act on it.
    pub async fn read<O: Origin>(
        origin: &O,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, ApiError> {
        let form = read_form(headers, body)?;
        let auth = credentials(&form.instance_metadata)?;
        let handle = account_handle(&form.instance_metadata)?;
        let body: B = form.client_body().map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_client_data",
                e.to_string(),
            )
        })?;
        let photo = photo_id(body.external_id())?;
        ensure_actionable(origin, &auth, &photo).await?;
        Ok(Self {
            auth,
            handle,
            body,
            photo,
        })
    }

    /// The answer to the call from what the origin said: its like-state naming the account
    /// ([`Self::handle`]), or the origin's error as an [`ApiError`].
    pub fn answer(
        &self,
        origin: Result<LikeAnswer, OriginError>,
    ) -> Result<Json<LikeAnswer>, ApiError> {
        origin
            .map(|answer| {
                Json(LikeAnswer {
                    account: self.handle.clone(),
                    ..answer
                })
            })
            .map_err(|e| origin_error(&self.auth.account, e))
    }
}

/// The extractor: the router's state is the origin. A body axum cannot read is refused as axum
/// refuses it; everything after is [`ProxiedCall::read`].
impl<O: Origin, B: PhotoCall + Send> FromRequest<Arc<O>> for ProxiedCall<B> {
    type Rejection = Response;

    async fn from_request(req: Request, origin: &Arc<O>) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, origin)
            .await
            .map_err(IntoResponse::into_response)?;
        Self::read(&**origin, &headers, &body)
            .await
            .map_err(IntoResponse::into_response)
    }
}

/// Reads the proxy's POST: a form (what Zendesk sends) or a JSON object with the same fields.
pub fn read_form(headers: &HeaderMap, body: &[u8]) -> Result<ProxyForm, ApiError> {
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
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected an application/x-www-form-urlencoded POST from the Zendesk proxy",
        ));
    };
    parsed.map_err(|e| {
        ApiError::new(
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

fn meta(instance_metadata: &str) -> Result<Meta, ApiError> {
    serde_json::from_str(instance_metadata).map_err(|_| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "instance_metadata carries no account and token; set the integration up again",
        )
    })
}

/// The credentials the admin's setup stored in `instance_metadata`.
pub fn credentials(instance_metadata: &str) -> Result<Credentials, ApiError> {
    let meta = meta(instance_metadata)?;
    Ok(Credentials {
        account: meta.account,
        token: meta.token,
    })
}

/// Who likes, as the answers name it: the instance's account handle (`handle` in
/// `instance_metadata`, else `@<account>`; none for an empty `handle`). Sent as stored: the app
/// reads it as plain text.
pub fn account_handle(instance_metadata: &str) -> Result<Option<String>, ApiError> {
    let meta = meta(instance_metadata)?;
    Ok(match meta.handle {
        Some(handle) if handle.is_empty() => None,
        Some(handle) => Some(handle),
        None => Some(format!("@{}", meta.account)),
    })
}

fn photo_id(external_id: Option<&str>) -> Result<String, ApiError> {
    external_id
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "photo_not_found",
                "the ticket has no external_id, so there is no photo to like",
            )
        })
}

/// The account acts only on its own photos and the ones it was mentioned on: anything else is
/// "not found", whatever `external_id` the body names.
async fn ensure_actionable<O: Origin>(
    origin: &O,
    auth: &Credentials,
    photo: &str,
) -> Result<(), ApiError> {
    match origin.relation(auth, photo).await {
        Ok(Relation::Own | Relation::Mentioned) => Ok(()),
        Ok(Relation::Unrelated) => {
            tracing::info!(account = %auth.account, "refused a photo the account cannot act on");
            Err(ApiError::new(
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

/// The answer to an origin's error, for a call made as `account`.
pub fn origin_error(account: &str, e: OriginError) -> ApiError {
    match e {
        OriginError::Unauthorized => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!("the origin rejected the token of the account {account}"),
        ),
        OriginError::NotFound(id) => ApiError::new(
            StatusCode::NOT_FOUND,
            "photo_not_found",
            format!("no photo {id} on the origin"),
        ),
        OriginError::Unavailable(why) => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "origin_unavailable",
            format!("the origin failed: {why}"),
        ),
    }
}
