//! A proxied call, read in one piece: [`ProxiedCall`] is what Zendesk's proxy POSTs to one of
//! the heart's endpoints once it is read and checked. The form (`instance_metadata` and
//! `client_data`), the instance's credentials and display handle from `instance_metadata`, the
//! app's body from `client_data`, and the photo that body names: shape-checked before any
//! origin call, then one the account owns or was mentioned on. Every step that fails is the
//! answer to give, a [`Refusal`]; [`refusal`] turns an origin's error into one that says
//! nothing of the origin's own words.
//!
//! Taken as an axum extractor; the router's state is the [`crate::Integration`]:
//!
//! ```
//! use std::sync::Arc;
//!
//! use axum::Json;
//! use axum::extract::State;
//! use heart_contract::{LikeAnswer, SetLike};
//! use heart_integration::call::{ProxiedCall, Refusal};
//! use heart_integration::origin::Origin;
//! use heart_integration::Integration;
//!
//! async fn like<O: Origin>(
//!     State(service): State<Arc<Integration<O>>>,
//!     call: ProxiedCall<SetLike>,
//! ) -> Result<Json<LikeAnswer>, Refusal> {
//!     let answer = service.origin.set_like(&call.auth, &call.photo, call.body.liked).await;
//!     call.answer(answer)
//! }
//! # let _ = axum::routing::post(like::<heart_integration::origin::HttpOrigin>);
//! ```

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use heart_contract::{ApiError, LikeAnswer, ProxyForm, SetLike, StateQuery};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::Integration;
use crate::guard::Guarded;
use crate::origin::{Credentials, Origin, OriginError, Relation};
use crate::store::Priority;

/// The most characters of an `external_id` (Zendesk's limit for a resource's id).
pub const MAX_EXTERNAL_ID: usize = 255;

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
    /// Whether the call changes the photo (its check may use the budget's reserve).
    const PRIORITY: Priority;
    /// The ticket's `external_id`, the origin's id of the photo.
    fn external_id(&self) -> Option<&str>;
}

impl PhotoCall for StateQuery {
    const PRIORITY: Priority = Priority::Read;
    fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }
}

impl PhotoCall for SetLike {
    const PRIORITY: Priority = Priority::Write;
    fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }
}

/// An error answer: the contract's [`ApiError`], and for a spent budget the `Retry-After`
/// seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub error: ApiError,
    pub retry_after: Option<u64>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// The one answer for a photo the account may not act on, whether it exists or not: a forged
/// `external_id` learns nothing.
pub fn photo_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "photo_not_found",
        "no photo with this external_id that the account may act on",
    )
}

/// Whether `id` has the shape of a photo id: 1–255 characters of `A–Z a–z 0–9 : . _ -`,
/// starting with a letter or digit. Anything else never reaches the origin.
pub fn valid_external_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_EXTERNAL_ID
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '_' | '-'))
}

impl<B: PhotoCall> ProxiedCall<B> {
    /// Reads the proxy's POST (`headers` and `body` as they came) and checks it against the
    /// origin, in this order: the form, the credentials, the handle, `client_data`, the photo's
    /// shape, and whether the account may act on it.
    pub async fn read<O: Origin>(
        origin: &Guarded<O>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, Refusal> {
        let form = read_form(headers, body)?;
        let meta = InstanceMetadata::read(&form.instance_metadata)?;
        let body: B = form.client_body().map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_client_data",
                e.to_string(),
            )
        })?;
        let photo = match body.external_id() {
            Some(id) if valid_external_id(id) => id.to_owned(),
            _ => return Err(photo_not_found().into()),
        };
        let auth = meta.credentials();
        match origin.relation_for(&auth, &photo, B::PRIORITY).await {
            Ok(Relation::Own | Relation::Mentioned) => {}
            Ok(Relation::Unrelated) | Err(OriginError::NotFound) => {
                tracing::info!("refused a photo the account cannot act on");
                return Err(photo_not_found().into());
            }
            Err(e) => return Err(refusal(&e)),
        }
        Ok(Self {
            handle: meta.handle(),
            auth,
            body,
            photo,
        })
    }

    /// The answer to the call from what the origin said: its like-state naming the account
    /// ([`Self::handle`]), or the origin's error as a [`refusal`].
    pub fn answer(
        &self,
        origin: Result<LikeAnswer, OriginError>,
    ) -> Result<Json<LikeAnswer>, Refusal> {
        match origin {
            Ok(answer) => Ok(Json(LikeAnswer {
                account: self.handle.clone(),
                ..answer
            })),
            Err(e) => Err(refusal(&e)),
        }
    }
}

/// The extractor: a body axum cannot read is refused as axum refuses it; everything after is
/// [`ProxiedCall::read`] against the service's (guarded) origin.
impl<O: Origin, B: PhotoCall + Send> FromRequest<Arc<Integration<O>>> for ProxiedCall<B> {
    type Rejection = Refusal;

    async fn from_request(req: Request, service: &Arc<Integration<O>>) -> Result<Self, Refusal> {
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, service).await.map_err(|e| {
            ApiError::new(
                e.status(),
                "invalid_request",
                "the request's body could not be read",
            )
        })?;
        Self::read(&service.origin, &headers, &body).await
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
        serde_json::from_slice::<ProxyForm>(body).ok()
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<ProxyForm>(body).ok()
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected an application/x-www-form-urlencoded POST from the Zendesk proxy",
        ));
    };
    parsed.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected the fields instance_metadata and client_data",
        )
    })
}

/// What the admin UI stores as the instance's metadata: the account, its token, and how the
/// origin shows it.
#[derive(Deserialize)]
pub struct InstanceMetadata {
    pub account: String,
    pub token: String,
    /// The account's display handle, as the admin's setup stored it: `@<account>` without one,
    /// and no `account` in the answers when it is empty (a service that cannot tell).
    #[serde(default)]
    pub handle: Option<String>,
}

impl InstanceMetadata {
    /// Reads `instance_metadata`; without an account and a token the instance must be set up
    /// again (401, which the app shows as refused access).
    pub fn read(instance_metadata: &str) -> Result<Self, ApiError> {
        serde_json::from_str(instance_metadata).map_err(|_| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "instance_metadata carries no account and token; set the integration up again",
            )
        })
    }

    pub fn credentials(&self) -> Credentials {
        Credentials {
            account: self.account.clone(),
            token: self.token.clone(),
        }
    }

    /// Who likes, as the answers name it: `handle`, else `@<account>`; none for an empty
    /// `handle`. Sent as stored: the app reads it as plain text.
    pub fn handle(&self) -> Option<String> {
        match &self.handle {
            Some(handle) if handle.is_empty() => None,
            Some(handle) => Some(handle.clone()),
            None => Some(format!("@{}", self.account)),
        }
    }
}

/// `Retry-After` in whole seconds, at least 1.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_millis()
        .div_ceil(1_000)
        .max(1)
        .try_into()
        .unwrap_or(u64::MAX)
}

/// The answer to an origin's error: its kind, never its words, URL or the token.
pub fn refusal(e: &OriginError) -> Refusal {
    match e {
        OriginError::Unauthorized => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the origin refused the account's token; an admin should connect the account again",
        )
        .into(),
        OriginError::NotFound => photo_not_found().into(),
        OriginError::RateLimited(wait) => Refusal {
            error: ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "the account's calls to the origin are spent for now",
            ),
            retry_after: Some(retry_after_seconds(wait.unwrap_or(Duration::from_secs(60)))),
        },
        OriginError::Unavailable(why) => {
            tracing::warn!(why, "the origin failed");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "origin_unavailable",
                "the origin could not be reached or failed",
            )
            .into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_shape_checked() {
        for ok in ["ig:17895695668004550", "ig:1", "a", "A-b_c.d:9"] {
            assert!(valid_external_id(ok), "{ok}");
        }
        let long = "a".repeat(MAX_EXTERNAL_ID + 1);
        for bad in [
            "",
            ":x",
            "ig:1/../admin",
            "ig:1?x=1",
            "ig:1#f",
            "ig 1",
            "ig:1\n",
            "ïg:1",
            "%2e%2e",
            long.as_str(),
        ] {
            assert!(!valid_external_id(bad), "{bad:?}");
        }
        assert!(valid_external_id(&"a".repeat(MAX_EXTERNAL_ID)));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1_001)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(3_600)), 3_600);
    }

    #[test]
    fn handles_follow_the_metadata() {
        let read = |m: &str| InstanceMetadata::read(m).map(|m| m.handle());
        assert_eq!(
            read(r#"{"account":"omniwear","token":"t"}"#),
            Ok(Some("@omniwear".into()))
        );
        assert_eq!(
            read(r#"{"account":"omniwear","token":"t","handle":"Omniwear ✓"}"#),
            Ok(Some("Omniwear ✓".into()))
        );
        assert_eq!(
            read(r#"{"account":"omniwear","token":"t","handle":""}"#),
            Ok(None)
        );
        let refused = read("{}").expect_err("no account");
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
}
