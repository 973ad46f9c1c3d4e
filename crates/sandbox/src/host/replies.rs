//! An agent's reply on a channel ticket (`POST /api/v2/channel/replies`, the agent's session and
//! CSRF token): `{"ticket_id", "message"}` sends a new reply back through the integration's
//! `channelback_url`; `{"request_id"}` tries a failed one again, with the same
//! `request_unique_identifier`. 200 `{"comment"}` when it reached the origin; 502 with the
//! reason (and the violations of Zendesk's limits, if that was it) when not.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use heart_contract::ApiError;
use serde::Deserialize;
use serde_json::json;

use super::HostState;

/// The longest reply an agent may send (Zendesk's limit on a message).
const MAX_MESSAGE: usize = 65_535;

pub(super) fn routes() -> Router<Arc<HostState>> {
    Router::new().route("/api/v2/channel/replies", post(reply))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyRequest {
    ticket_id: Option<u64>,
    message: Option<String>,
    request_id: Option<String>,
}

async fn reply(State(host): State<Arc<HostState>>, headers: HeaderMap, body: Bytes) -> Response {
    if !host.is_agent(&headers) || !host.csrf_ok(&headers) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "InvalidCsrfToken",
            "a reply needs the agent's session and its X-CSRF-Token",
        )
        .into_response();
    }
    let bad =
        |why: &str| ApiError::new(StatusCode::BAD_REQUEST, "InvalidParameter", why).into_response();
    let Ok(request) = serde_json::from_slice::<ReplyRequest>(&body) else {
        return bad("expected {\"ticket_id\", \"message\"} or {\"request_id\"}");
    };
    let framework = &host.channel;
    let request_id = match (request.request_id, request.ticket_id, request.message) {
        (Some(id), None, None) => match framework.desk.reply(&id) {
            Some(r) if r.comment.is_none() => id,
            Some(_) => return bad("that reply was sent already"),
            None => return bad("no such reply"),
        },
        (None, Some(ticket), Some(message)) => {
            let message = message.trim();
            if message.is_empty() || message.chars().count() > MAX_MESSAGE {
                return bad("a reply is 1–65,535 characters");
            }
            let allowed = framework
                .desk
                .ticket(ticket)
                .is_some_and(|t| t.allow_channelback && t.instance.is_some());
            if !allowed {
                return ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "ChannelbackNotAllowed",
                    "this ticket's resource does not allow a reply through the integration",
                )
                .into_response();
            }
            framework.desk.start_reply(ticket, message).request_id
        }
        _ => return bad("expected {\"ticket_id\", \"message\"} or {\"request_id\"}"),
    };
    match framework.channelback(&request_id, "Alex Agent").await {
        Ok(comment) => Json(json!({"comment": comment, "request_id": request_id})).into_response(),
        Err(failed) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({
                "error": "ChannelbackFailed",
                "description": failed.error,
                "request_id": request_id,
                "violations": failed.violations,
            })),
        )
            .into_response(),
    }
}
