//! The channelback: Zendesk POSTs an agent's reply (a form: `message`, `parent_id`,
//! `recipient_id`, `metadata`, `request_unique_identifier`, `thread_id`) and the service
//! comments on the photo as the business account, answering the new comment's `external_id`
//! (the one a pull would give it) and `allow_channelback`. A retry carries the same
//! `request_unique_identifier`: its first answer is kept in the store for a day and given again,
//! so a reply whose answer was lost is not posted twice.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use heart_contract::ApiError;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Integration;
use crate::call::{InstanceMetadata, Refusal, photo_not_found, refusal, valid_external_id};
use crate::origin::{Origin, OriginError, Relation};
use crate::store::Priority;

/// How long a reply's answer is kept for a retry with the same `request_unique_identifier`.
const KEEP_ANSWER: Duration = Duration::from_secs(24 * 3600);
/// The longest reply Zendesk sends (its limit on a message).
const MAX_MESSAGE: usize = 65_535;

pub(crate) fn routes<O: Origin>() -> Router<Arc<Integration<O>>> {
    Router::new().route("/channelback", post(channelback::<O>))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Fields {
    message: String,
    parent_id: String,
    thread_id: String,
    metadata: String,
    request_unique_identifier: String,
}

/// The photo a reply answers: its thread, or the photo of the resource it answers
/// (`<photo>/comments/<id>` or the photo itself).
fn photo_of(f: &Fields) -> Option<String> {
    let from_parent = f.parent_id.split("/comments/").next().unwrap_or("");
    [f.thread_id.as_str(), from_parent]
        .into_iter()
        .find(|id| valid_external_id(id))
        .map(str::to_owned)
}

async fn channelback<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, Refusal> {
    let f: Fields = serde_urlencoded::from_bytes(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected Zendesk's channelback form",
        )
    })?;
    let message = f.message.trim();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_message",
            "a reply is 1–65,535 characters",
        )
        .into());
    }
    let meta = InstanceMetadata::read(&f.metadata)?;
    let auth = meta.credentials();
    let photo = photo_of(&f).ok_or_else(photo_not_found)?;
    let store = service.origin.store();
    let kept = (!f.request_unique_identifier.is_empty()).then(|| {
        format!(
            "heart:1:reply:{}",
            crate::guard::digest_hex(&[&auth.account, &f.request_unique_identifier])
        )
    });
    if let Some(key) = &kept
        && let Some(answer) = store.get(key).await
        && let Ok(answer) = serde_json::from_str::<Value>(&answer)
    {
        tracing::info!("channelback: a retry of a reply already posted");
        return Ok(Json(answer));
    }
    match service
        .origin
        .relation_for(&auth, &photo, Priority::Write)
        .await
    {
        Ok(Relation::Own | Relation::Mentioned) => {}
        Ok(Relation::Unrelated) | Err(OriginError::NotFound) => {
            return Err(photo_not_found().into());
        }
        Err(e) => return Err(refusal(&e)),
    }
    let id = service
        .origin
        .reply(&auth, &photo, message)
        .await
        .map_err(|e| refusal(&e))?;
    let answer = json!({
        "external_id": format!("{photo}/comments/{id}"),
        "allow_channelback": true,
    });
    if let Some(key) = &kept {
        store.put(key, &answer.to_string(), KEEP_ANSWER).await;
    }
    tracing::info!(account = %auth.account, "channelback: replied on the photo");
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_answers_the_photo_of_its_thread_or_parent() {
        let f = |parent: &str, thread: &str| Fields {
            parent_id: parent.into(),
            thread_id: thread.into(),
            ..Fields::default()
        };
        assert_eq!(photo_of(&f("ig:1/comments/9", "")).as_deref(), Some("ig:1"));
        assert_eq!(photo_of(&f("ig:1", "")).as_deref(), Some("ig:1"));
        assert_eq!(photo_of(&f("x/../y", "ig:2")).as_deref(), Some("ig:2"));
        assert_eq!(photo_of(&f("", "")), None);
        assert_eq!(photo_of(&f("../etc/comments/1", "")), None);
    }
}
