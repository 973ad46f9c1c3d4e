//! [`ApiError`] (feature `axum`): an error answer as a status and the contract's [`ErrorBody`]
//! (`{"error": …, "description": …}`, Zendesk's shape), for a service written with axum. The
//! integration service and the sandbox's Zendesk answer every JSON error with it.

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::ErrorBody;

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
        // An `ErrorBody` is two strings: it always serialises.
        let json = serde_json::to_vec(&self.body).unwrap_or_default();
        let mut response = Response::new(Body::from(json));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
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

    #[test]
    fn answers_the_status_and_zendesks_body() {
        let response =
            ApiError::new(StatusCode::NOT_FOUND, "RecordNotFound", "Not found").into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/json"))
        );
        let error = ApiError::new(StatusCode::NOT_FOUND, "RecordNotFound", "Not found");
        assert_eq!(error.to_string(), "404 Not Found RecordNotFound: Not found");
        let json = serde_json::to_value(&error.body).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"error": "RecordNotFound", "description": "Not found"})
        );
    }
}
