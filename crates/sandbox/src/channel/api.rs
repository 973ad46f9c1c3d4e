//! The Channel framework's API that an integration calls, with the `zendesk_access_token` an
//! account got in its admin UI exchange as a bearer token: `POST /api/v2/any_channel/push.json`
//! (`instance_push_id`, `request_id`, `external_resources`; a status per resource: `success`,
//! `already_imported`, `could_not_locate_parent_external_resource`, `processing_error`,
//! `halted`), `validate_token.json` and `channelback/report_error.json`. A body that breaks
//! Zendesk's limits is refused with 400 and every violation named.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use heart_contract::ApiError;
use serde_json::{Value, json};

use super::limits::{self, Spec};
use super::{Framework, Imported, Instance, pull};

/// The largest body the push API reads (256 resources of long messages).
pub const MAX_PUSH_BODY: usize = 4 << 20;
/// How many resources one account may have brought in through the sandbox by push.
const MAX_TICKETS: usize = 10_000;

pub fn router(framework: Arc<Framework>) -> Router {
    Router::new()
        .route("/api/v2/any_channel/push.json", post(push))
        .route("/api/v2/any_channel/push", post(push))
        .route(
            "/api/v2/any_channel/validate_token.json",
            post(validate_token),
        )
        .route("/api/v2/any_channel/validate_token", post(validate_token))
        .route(
            "/api/v2/any_channel/channelback/report_error.json",
            post(report_error),
        )
        .route(
            "/api/v2/any_channel/channelback/report_error",
            post(report_error),
        )
        .layer(DefaultBodyLimit::max(MAX_PUSH_BODY))
        .with_state(framework)
}

fn refused(status: StatusCode, error: &str, description: impl Into<String>) -> Response {
    ApiError::new(status, error, description).into_response()
}

/// A refusal: Zendesk's error, and the violations of its limits when that was why.
struct Denied(ApiError, Vec<limits::Violation>);

impl Denied {
    fn new(status: StatusCode, error: &str, description: impl Into<String>) -> Self {
        Self(ApiError::new(status, error, description), Vec::new())
    }
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        if self.1.is_empty() {
            return self.0.into_response();
        }
        (
            self.0.status,
            Json(json!({
                "error": self.0.body.error,
                "description": self.0.body.description,
                "details": self.1,
            })),
        )
            .into_response()
    }
}

/// The body as JSON within `spec`, and the account its bearer token and `instance_push_id`
/// name; otherwise the refusal Zendesk would answer.
fn authorised(
    framework: &Framework,
    headers: &HeaderMap,
    body: &[u8],
    spec: &Spec,
) -> Result<(Value, Instance), Denied> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(Denied::new(
            StatusCode::UNAUTHORIZED,
            "Couldn't authenticate you",
            "a bearer token (the account's zendesk_access_token) is required",
        ));
    };
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        Denied::new(
            StatusCode::BAD_REQUEST,
            "InvalidJSON",
            "the body must be a JSON object",
        )
    })?;
    let violations = limits::check(&value, spec, "");
    if !violations.is_empty() {
        return Err(Denied(
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "InvalidParameters",
                format!(
                    "the body breaks Zendesk's limits: {}",
                    limits::describe(&violations)
                ),
            ),
            violations,
        ));
    }
    let push_id = value
        .get("instance_push_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let instance = framework
        .desk
        .instance_by_push_id(push_id)
        .filter(|i| {
            i.push_token
                .as_deref()
                .is_some_and(|t| crate::origin::same_secret(t.as_bytes(), token.as_bytes()))
        })
        .ok_or_else(|| {
            Denied::new(
                StatusCode::UNAUTHORIZED,
                "Couldn't authenticate you",
                "the token is not this instance_push_id's",
            )
        })?;
    Ok((value, instance))
}

/// The resources in order; after a resource that could not be processed, the rest are halted.
async fn push(
    State(framework): State<Arc<Framework>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (value, instance) = match authorised(&framework, &headers, &body, &limits::PUSH) {
        Ok(ok) => ok,
        Err(refusal) => return refusal.into_response(),
    };
    let request_id = value
        .get("request_id")
        .and_then(Value::as_str)
        .map_or_else(crate::host::random_hex, str::to_owned);
    let list = value
        .get("external_resources")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let resources = pull::read_resources(list);
    let room = MAX_TICKETS.saturating_sub(framework.desk.tickets().len());
    let (fits, over) = resources.split_at(resources.len().min(room));
    let outcomes = framework.desk.import(instance.id, fits, true);
    let mut results: Vec<Value> = outcomes
        .iter()
        .map(|(external_id, outcome)| {
            let status = match outcome {
                Imported::NewTicket { .. } | Imported::Comment { .. } => json!({"code": "success"}),
                Imported::Duplicate => json!({"code": "already_imported"}),
                Imported::NoParent => json!({
                    "code": "could_not_locate_parent_external_resource",
                    "description": list.iter()
                        .find(|v| v.get("external_id").and_then(Value::as_str) == Some(external_id))
                        .and_then(|v| v.get("parent_id"))
                        .cloned()
                        .unwrap_or(Value::Null),
                }),
            };
            json!({"external_resource_id": external_id, "status": status})
        })
        .collect();
    for (i, r) in over.iter().enumerate() {
        let status = if i == 0 {
            json!({"code": "processing_error", "description": format!("the sandbox keeps at most {MAX_TICKETS} tickets")})
        } else {
            json!({"code": "halted"})
        };
        results.push(json!({"external_resource_id": r.external_id, "status": status}));
    }
    tracing::info!(instance = instance.id, resources = list.len(), "push");
    framework.imported(&request_id, &outcomes);
    Json(json!({"results": results})).into_response()
}

const VALIDATE: Spec = Spec::Object {
    fields: &[(
        "instance_push_id",
        Spec::Text {
            min: 1,
            max: 255,
            kind: limits::TextKind::Plain,
        },
    )],
    required: &["instance_push_id"],
    exclusive: None,
};

/// 200 with no body when the token is the account's.
async fn validate_token(
    State(framework): State<Arc<Framework>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match authorised(&framework, &headers, &body, &VALIDATE) {
        Ok(_) => StatusCode::OK.into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// The integration says a reply it acknowledged did not reach the origin after all: the reply
/// is marked on its ticket, and it answers 200 with no body.
async fn report_error(
    State(framework): State<Arc<Framework>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (value, instance) = match authorised(&framework, &headers, &body, &limits::REPORT_ERROR) {
        Ok(ok) => ok,
        Err(refusal) => return refusal.into_response(),
    };
    let external_id = value
        .get("external_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let description = value
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !framework
        .desk
        .report_reply_error(instance.id, external_id, description)
    {
        return refused(
            StatusCode::NOT_FOUND,
            "RecordNotFound",
            "no reply of this account has that external_id",
        );
    }
    tracing::info!(
        instance = instance.id,
        external_id,
        "the integration reported a reply's failure"
    );
    StatusCode::OK.into_response()
}
