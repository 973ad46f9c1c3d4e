//! The pull (new comments as external resources, a cursor in `state`) and the clickthrough.
//!
//! Stateless: everything about an account is in the `metadata` and `state` Zendesk stores and
//! sends along, so any number of replicas can serve behind a load balancer. Neither the token
//! nor the metadata is ever logged.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use heart_contract::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Integration;
use crate::call::{InstanceMetadata, Refusal, refusal};
use crate::origin::{Comment, Origin, OriginError};

/// At most this many resources per pull (Zendesk's documented limit).
pub const PAGE: usize = 200;

pub(crate) fn routes<O: Origin>() -> Router<Arc<Integration<O>>> {
    Router::new()
        .route("/pull", post(pull::<O>))
        .route("/clickthrough", get(clickthrough::<O>))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PullFields {
    metadata: String,
    state: String,
}

#[derive(Deserialize, Serialize, Default)]
struct PullState {
    /// The origin's cursor after the last comment handed to Zendesk.
    #[serde(default)]
    after: Option<String>,
}

/// The external resource a comment becomes: the photo's first comment opens its ticket and
/// carries the photo's id (the heart's `external_id`); later ones thread onto it.
pub fn resource(c: &Comment) -> serde_json::Value {
    let external_id = if c.first_on_photo {
        c.photo_id.clone()
    } else {
        format!("{}/comments/{}", c.photo_id, c.id)
    };
    json!({
        "external_id": external_id,
        "thread_id": c.photo_id,
        "message": c.text,
        "created_at": c.created_at,
        "author": {"external_id": c.author_id, "name": c.author},
        "allow_channelback": true,
    })
}

async fn pull<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, Refusal> {
    let f: PullFields = serde_urlencoded::from_bytes(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected the fields metadata and state",
        )
    })?;
    let needs_update = || Json(json!({"external_resources": [], "metadata_needs_update": true}));
    let Ok(meta) = InstanceMetadata::read(&f.metadata) else {
        tracing::info!("pull: metadata without account and token");
        return Ok(needs_update());
    };
    let auth = meta.credentials();
    let state: PullState = if f.state.trim().is_empty() {
        PullState::default()
    } else {
        serde_json::from_str(&f.state).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_state",
                "state is not this integration's cursor",
            )
        })?
    };
    let comments = match service
        .origin
        .comments(&auth, state.after.as_deref(), PAGE)
        .await
    {
        Ok(c) => c,
        Err(OriginError::Unauthorized) => {
            tracing::info!(account = %auth.account, "pull: the origin refused the token");
            return Ok(needs_update());
        }
        Err(e) => return Err(refusal(&e)),
    };
    tracing::info!(account = %auth.account, resources = comments.len(), "pull");
    // The account's own comments (its replies, sent through the channelback) are on the ticket
    // already: only the cursor moves past them.
    let others: Vec<&Comment> = comments
        .iter()
        .filter(|c| c.author_id != auth.account)
        .collect();
    let mut answer = json!({
        "external_resources": others.iter().map(|c| resource(c)).collect::<Vec<_>>(),
        "metadata_needs_update": false,
    });
    if let Some(last) = comments.last() {
        let next = PullState {
            after: Some(last.cursor.clone()),
        };
        answer["state"] = json!(serde_json::to_string(&next).unwrap_or_default());
    }
    Ok(Json(answer))
}

#[derive(Deserialize)]
struct ClickthroughQuery {
    external_id: Option<String>,
}

/// Zendesk links a resource to `clickthrough_url?external_id=…`: send the agent to the photo.
async fn clickthrough<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
    Query(q): Query<ClickthroughQuery>,
) -> Response {
    let id = q.external_id.unwrap_or_default();
    let (photo, comment) = match id.split_once("/comments/") {
        Some((photo, comment)) => (photo, Some(comment)),
        None => (id.as_str(), None),
    };
    let valid =
        crate::call::valid_external_id(photo) && comment.is_none_or(crate::call::valid_external_id);
    match valid
        .then(|| service.origin.permalink(photo, comment))
        .flatten()
    {
        Some(url) => Redirect::to(&url).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "No such photo.\n",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_comment_stands_for_the_photo() {
        let c = |first| Comment {
            id: "9".into(),
            cursor: "9".into(),
            photo_id: "ig:1".into(),
            first_on_photo: first,
            author_id: "lena".into(),
            author: "@lena".into(),
            text: "hi".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
        };
        assert_eq!(resource(&c(true))["external_id"], "ig:1");
        assert_eq!(resource(&c(false))["external_id"], "ig:1/comments/9");
        assert_eq!(resource(&c(false))["thread_id"], "ig:1");
    }
}
