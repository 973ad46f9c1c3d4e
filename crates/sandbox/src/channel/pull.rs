//! The pull: Zendesk POSTs an account's `metadata` and `state` (a form) to the integration's
//! `pull_url` and reads `{"external_resources": [...], "state", "metadata",
//! "metadata_needs_update"}`. An answer that breaks Zendesk's published limits
//! ([`limits::PULL`]) is refused whole, every violation named; resources are read from one
//! that keeps them ([`read_resources`], shared with the push).

use std::time::Duration;

use reqwest::{Url, header};
use serde::Serialize;
use serde_json::Value;

use super::limits::{self, Violation};

const MAX_SUBJECT: usize = 80;
const TIMEOUT: Duration = Duration::from_secs(10);

/// One external resource, as far as the sandbox uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub external_id: String,
    pub message: String,
    pub thread_id: Option<String>,
    pub parent_id: Option<String>,
    pub created_at: Option<String>,
    pub author_id: String,
    pub author_name: Option<String>,
    /// Whether an agent may reply to it through the integration (absent: no).
    pub allow_channelback: bool,
}

impl Resource {
    pub fn author_name(&self) -> String {
        self.author_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.author_id.clone())
    }

    /// The ticket's subject: the message's first line, shortened.
    pub fn subject(&self) -> String {
        let line = self.message.lines().next().unwrap_or("").trim();
        if line.chars().count() <= MAX_SUBJECT {
            line.to_owned()
        } else {
            let cut: String = line.chars().take(MAX_SUBJECT - 1).collect();
            format!("{}…", cut.trim_end())
        }
    }
}

/// A pull's answer, within Zendesk's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullAnswer {
    pub resources: Vec<Resource>,
    pub state: Option<String>,
    pub metadata: Option<String>,
    pub metadata_needs_update: Option<bool>,
}

/// Why a pull brought nothing in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullError {
    /// No answer, or not one that can be read: what went wrong.
    Failed(String),
    /// An answer Zendesk would refuse: every violation of its limits.
    Refused(Vec<Violation>),
}

/// What one pull did, for the admin page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PullReport {
    pub at_ms: u64,
    /// Tickets it created.
    pub tickets: Vec<u64>,
    /// Tickets it added a comment to (one entry per comment).
    pub comments: Vec<u64>,
    /// Resources already brought in for this account, dropped (an `external_id` is unique per
    /// integration instance).
    pub seen: Vec<String>,
    pub needs_update: bool,
    /// What was dropped, and why, for people.
    pub problems: Vec<String>,
    pub error: Option<String>,
    /// The answer broke Zendesk's limits: it was refused whole.
    pub violations: Vec<Violation>,
}

impl PullReport {
    pub fn ok(at_ms: u64, needs_update: bool) -> Self {
        Self {
            at_ms,
            tickets: Vec::new(),
            comments: Vec::new(),
            seen: Vec::new(),
            needs_update,
            problems: Vec::new(),
            error: None,
            violations: Vec::new(),
        }
    }

    pub fn failed(at_ms: u64, error: PullError) -> Self {
        match error {
            PullError::Failed(error) => Self {
                error: Some(error),
                ..Self::ok(at_ms, false)
            },
            PullError::Refused(violations) => Self {
                error: Some(format!(
                    "Zendesk would refuse this answer: {} field(s) break its limits; nothing was brought in",
                    violations.len()
                )),
                violations,
                ..Self::ok(at_ms, false)
            },
        }
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The resources of an answer already checked against Zendesk's limits.
pub fn read_resources(list: &[Value]) -> Vec<Resource> {
    list.iter()
        .map(|v| {
            let author = v.get("author").cloned().unwrap_or(Value::Null);
            Resource {
                external_id: text(v, "external_id").unwrap_or_default(),
                message: text(v, "message").unwrap_or_default(),
                thread_id: text(v, "thread_id"),
                parent_id: text(v, "parent_id"),
                created_at: text(v, "created_at"),
                author_id: text(&author, "external_id").unwrap_or_default(),
                author_name: text(&author, "name"),
                allow_channelback: v.get("allow_channelback") == Some(&Value::Bool(true)),
            }
        })
        .collect()
}

/// Reads a pull's JSON answer by Zendesk's limits: refused whole if it breaks any.
pub fn parse(value: &Value) -> Result<PullAnswer, PullError> {
    let violations = limits::check(value, &limits::PULL, "");
    if !violations.is_empty() {
        return Err(PullError::Refused(violations));
    }
    let list = value
        .get("external_resources")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    Ok(PullAnswer {
        resources: read_resources(list),
        state: text(value, "state"),
        metadata: text(value, "metadata"),
        metadata_needs_update: value.get("metadata_needs_update").and_then(Value::as_bool),
    })
}

/// POSTs the form and reads the answer; an error says what went wrong.
pub async fn request(
    client: &reqwest::Client,
    pull_url: &Url,
    metadata: &str,
    state: &str,
) -> Result<PullAnswer, PullError> {
    let failed = PullError::Failed;
    let response = client
        .post(pull_url.clone())
        .timeout(TIMEOUT)
        .header(header::ACCEPT, "application/json")
        .form(&[("metadata", metadata), ("state", state)])
        .send()
        .await
        .map_err(|e| {
            failed(format!(
                "cannot reach {pull_url}: {}",
                super::manifest::describe(&e)
            ))
        })?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| {
        failed(format!(
            "reading the pull answer: {}",
            super::manifest::describe(&e)
        ))
    })?;
    if !status.is_success() {
        let detail = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        return Err(failed(format!(
            "the pull answered HTTP {}{detail}",
            status.as_u16()
        )));
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| failed(format!("the pull answer is not JSON: {e}")))?;
    parse(&value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_an_answer_within_the_limits() {
        let answer = parse(&json!({
            "external_resources": [
                {"external_id": "ig:1", "message": "Hi there", "thread_id": "ig:1",
                 "created_at": "2026-05-01T10:00:00Z", "allow_channelback": true,
                 "author": {"external_id": "lena", "name": "@lena.runs"}},
                {"external_id": "ig:2", "message": "Hi", "created_at": "2026-05-01T10:00:00Z",
                 "author": {"external_id": "sam"}},
            ],
            "state": "{\"after\":\"7\"}",
            "metadata_needs_update": false
        }))
        .expect("valid");
        assert_eq!(answer.resources.len(), 2);
        assert_eq!(answer.resources[0].author_name(), "@lena.runs");
        assert!(answer.resources[0].allow_channelback);
        assert!(!answer.resources[1].allow_channelback);
        assert_eq!(answer.state.as_deref(), Some("{\"after\":\"7\"}"));
        assert_eq!(answer.metadata_needs_update, Some(false));
    }

    #[test]
    fn refuses_an_answer_zendesk_would_refuse_naming_every_field() {
        let refused = |v: Value| match parse(&v) {
            Err(PullError::Refused(found)) => found,
            other => panic!("{v}: {other:?}"),
        };
        assert_eq!(refused(json!([]))[0].path, "(the body)");
        assert_eq!(refused(json!({}))[0].path, "external_resources");
        let found = refused(json!({"external_resources": [
            {"message": "no id", "created_at": "2026-05-01T10:00:00Z", "author": {"external_id": "x"}},
            {"external_id": "ig:3", "created_at": "2026-05-01T10:00:00Z", "author": {"external_id": "x"}},
            {"external_id": "ig:5", "message": "m", "thread_id": "t", "parent_id": "p",
             "created_at": "2026-05-01T10:00:00Z", "author": {"external_id": "x"}},
        ], "metadata_needs_update": "yes"}));
        let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "external_resources[0].external_id",
                "external_resources[1].message",
                "external_resources[2].thread_id",
                "metadata_needs_update"
            ]
        );
    }

    #[test]
    fn subjects_are_the_first_line_shortened() {
        let r = |m: &str| Resource {
            external_id: "x".into(),
            message: m.into(),
            thread_id: None,
            parent_id: None,
            created_at: None,
            author_id: "a".into(),
            author_name: None,
            allow_channelback: false,
        };
        assert_eq!(r("Line one\nline two").subject(), "Line one");
        let long = r(&"word ".repeat(40)).subject();
        assert!(
            long.ends_with('…') && long.chars().count() <= MAX_SUBJECT,
            "{long}"
        );
        assert_eq!(r("x").author_name(), "a");
    }
}
