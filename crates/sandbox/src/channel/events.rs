//! The event callbacks Zendesk sends an integration whose manifest has an `event_callback_url`:
//! `POST {"events": [{type_id, timestamp, subdomain, integration_name, integration_id, error,
//! data}]}` when an account is created or destroyed, when resources become tickets or comments
//! (`resources_created_from_external_ids`), when a pull drops duplicates or fails
//! (`pull_request`), and when a reply cannot be sent back (`channelback`). Here: the events'
//! shapes and what the admin page lists of each one sent ([`Sent`]).

use serde::Serialize;
use serde_json::{Value, json};

use super::{Imported, IntegrationManifest};

/// The subdomain the sandbox's Zendesk goes by.
pub const SUBDOMAIN: &str = "sandbox";

/// An event as sent, for the admin page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sent {
    pub at_ms: u64,
    pub type_id: String,
    /// One line for people: the account, the ids, the error.
    pub summary: String,
    /// The integration's HTTP status, or why nothing was delivered.
    pub delivered: Result<u16, String>,
}

/// One event in Zendesk's shape; `at` is its RFC 3339 time.
pub fn event(
    manifest: &IntegrationManifest,
    type_id: &str,
    at: &str,
    error: Option<&str>,
    data: Value,
) -> Value {
    let mut event = json!({
        "type_id": type_id,
        "timestamp": at,
        "subdomain": SUBDOMAIN,
        "integration_name": manifest.name,
        "integration_id": manifest.id,
        "data": data,
    });
    if let Some(error) = error {
        event["error"] = Value::from(error);
    }
    event
}

/// `data` of `resources_created_from_external_ids`: what became of each resource brought in
/// (duplicates and refusals left out), or `None` when nothing was.
pub fn resources_created(request_id: &str, outcomes: &[(String, Imported)]) -> Option<Value> {
    let events: Vec<Value> = outcomes
        .iter()
        .filter_map(|(external_id, outcome)| {
            let (type_id, ticket, comment) = match outcome {
                Imported::NewTicket { ticket, comment } => {
                    ("comment_on_new_ticket", ticket, comment)
                }
                Imported::Comment { ticket, comment } => {
                    ("comment_on_existing_ticket", ticket, comment)
                }
                Imported::Duplicate | Imported::NoParent => return None,
            };
            Some(json!({
                "type_id": type_id,
                "external_id": external_id,
                "ticket_id": ticket,
                "comment_id": comment,
            }))
        })
        .collect();
    (!events.is_empty()).then(|| json!({"request_id": request_id, "resource_events": events}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::manifest;

    #[test]
    fn events_take_zendesks_shape() {
        let manifest = manifest::validate(
            &reqwest::Url::parse("https://v.example/manifest.json").expect("url"),
            &json!({"name": "Vendor", "id": "com.vendor", "urls": {"admin_ui": "./admin"}}),
        )
        .expect("manifest");
        let e = event(
            &manifest,
            "pull_request",
            "2026-12-06T10:00:00Z",
            Some("HTTP 500"),
            json!({"request_id": "r"}),
        );
        assert_eq!(
            e,
            json!({"type_id": "pull_request", "timestamp": "2026-12-06T10:00:00Z", "subdomain": "sandbox",
                   "integration_name": "Vendor", "integration_id": "com.vendor", "error": "HTTP 500",
                   "data": {"request_id": "r"}})
        );
        let data = resources_created(
            "r1",
            &[
                (
                    "a".into(),
                    Imported::NewTicket {
                        ticket: 62,
                        comment: 1001,
                    },
                ),
                ("b".into(), Imported::Duplicate),
                (
                    "c".into(),
                    Imported::Comment {
                        ticket: 62,
                        comment: 1002,
                    },
                ),
            ],
        )
        .expect("two events");
        assert_eq!(
            data["resource_events"][1],
            json!({"type_id": "comment_on_existing_ticket",
            "external_id": "c", "ticket_id": 62, "comment_id": 1002})
        );
        assert!(resources_created("r2", &[("b".into(), Imported::Duplicate)]).is_none());
    }
}
