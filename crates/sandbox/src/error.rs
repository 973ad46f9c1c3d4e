//! [`ApiError`]: every JSON error answer of the sandbox, whoever makes it (the host and its
//! proxy, the integration service, the injected faults), as a status and Zendesk's error body
//! (`{"error": …, "description": …}`, the contract's [`ErrorBody`]).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use heart_contract::ErrorBody;

/// An error answer: a status and a Zendesk-style JSON body. Headers that go along (e.g.
/// `Retry-After`) are added as axum response parts: `([(RETRY_AFTER, v)], error)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    /// `error` is the machine-readable name (e.g. `RecordNotFound`, `photo_not_found`),
    /// `description` the sentence for people.
    pub fn new(status: StatusCode, error: &str, description: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody::new(error, description),
        }
    }

    /// The description, for a log line (empty when there is none).
    pub fn description(&self) -> &str {
        self.body.description.as_deref().unwrap_or_default()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status,
            self.body.error,
            self.description()
        )
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_the_status_and_zendesks_body() {
        let response =
            ApiError::new(StatusCode::NOT_FOUND, "RecordNotFound", "Not found").into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let bytes = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(
            body,
            serde_json::json!({"error": "RecordNotFound", "description": "Not found"})
        );
    }
}
