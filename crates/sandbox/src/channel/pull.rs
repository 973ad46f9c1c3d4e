//! The pull: Zendesk POSTs an account's `metadata` and `state` (a form) to the integration's
//! `pull_url` and reads `{"external_resources": [...], "state", "metadata",
//! "metadata_needs_update"}`.

use reqwest::{Url, header};
use serde::Serialize;
use serde_json::Value;

use super::{MAX_METADATA, MAX_STATE};

pub const MAX_RESOURCES: usize = 200;
pub const MAX_EXTERNAL_ID: usize = 511;
pub const MAX_MESSAGE: usize = 65_535;
const MAX_SUBJECT: usize = 80;

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

/// A pull's answer, checked. Resources that break the rules are left out and named in `problems`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullAnswer {
    pub resources: Vec<Resource>,
    pub state: Option<String>,
    pub metadata: Option<String>,
    pub metadata_needs_update: Option<bool>,
    pub problems: Vec<String>,
}

/// What one pull did, for the admin page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PullReport {
    pub at_ms: u64,
    /// Tickets it created.
    pub tickets: Vec<u64>,
    /// Tickets it added a comment to (one entry per comment).
    pub comments: Vec<u64>,
    /// Resources already seen.
    pub seen: usize,
    pub needs_update: bool,
    pub problems: Vec<String>,
    pub error: Option<String>,
}

impl PullReport {
    pub fn ok(at_ms: u64, problems: Vec<String>, needs_update: bool) -> Self {
        Self {
            at_ms,
            tickets: Vec::new(),
            comments: Vec::new(),
            seen: 0,
            needs_update,
            problems,
            error: None,
        }
    }

    pub fn failed(at_ms: u64, error: String) -> Self {
        Self {
            error: Some(error),
            ..Self::ok(at_ms, Vec::new(), false)
        }
    }
}

fn string_field(v: &Value, key: &str, max: usize) -> Result<Option<String>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > max => {
            Err(format!("{key} is over {max} characters"))
        }
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("{key} must be a string, not {other}")),
    }
}

fn resource(v: &Value) -> Result<Resource, String> {
    if !v.is_object() {
        return Err("a resource must be an object".into());
    }
    let external_id = string_field(v, "external_id", MAX_EXTERNAL_ID)?
        .filter(|s| !s.is_empty())
        .ok_or("external_id is required")?;
    let with_id = |e: String| format!("{external_id}: {e}");
    let message = string_field(v, "message", MAX_MESSAGE)
        .map_err(with_id)?
        .ok_or_else(|| with_id("message is required".into()))?;
    let author = v
        .get("author")
        .filter(|a| a.is_object())
        .ok_or_else(|| with_id("author is required".into()))?;
    let author_id = string_field(author, "external_id", MAX_EXTERNAL_ID)
        .map_err(|e| with_id(format!("author.{e}")))?
        .ok_or_else(|| with_id("author.external_id is required".into()))?;
    let thread_id = string_field(v, "thread_id", MAX_EXTERNAL_ID).map_err(with_id)?;
    let parent_id = string_field(v, "parent_id", MAX_EXTERNAL_ID).map_err(with_id)?;
    if thread_id.is_some() && parent_id.is_some() {
        return Err(with_id("has both thread_id and parent_id".into()));
    }
    Ok(Resource {
        external_id: external_id.clone(),
        message,
        thread_id,
        parent_id,
        created_at: string_field(v, "created_at", 64).map_err(with_id)?,
        author_id,
        author_name: string_field(author, "name", 255).map_err(with_id)?,
    })
}

/// Reads a pull's JSON answer by the Channel framework's rules.
pub fn parse(value: &Value) -> Result<PullAnswer, String> {
    if !value.is_object() {
        return Err("the pull answer is not a JSON object".into());
    }
    let Some(list) = value.get("external_resources").and_then(Value::as_array) else {
        return Err("the pull answer has no external_resources array".into());
    };
    if list.len() > MAX_RESOURCES {
        return Err(format!(
            "the pull answer has {} external_resources; at most {MAX_RESOURCES}",
            list.len()
        ));
    }
    let state = string_field(value, "state", MAX_STATE)?;
    let metadata = string_field(value, "metadata", MAX_METADATA)?;
    let metadata_needs_update = match value.get("metadata_needs_update") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            return Err(format!(
                "metadata_needs_update must be a boolean, not {other}"
            ));
        }
    };
    let mut resources = Vec::new();
    let mut problems = Vec::new();
    for item in list {
        match resource(item) {
            Ok(r) => resources.push(r),
            Err(e) => problems.push(e),
        }
    }
    Ok(PullAnswer {
        resources,
        state,
        metadata,
        metadata_needs_update,
        problems,
    })
}

/// POSTs the form and reads the answer; an error says what went wrong.
pub async fn request(
    client: &reqwest::Client,
    pull_url: &Url,
    metadata: &str,
    state: &str,
) -> Result<PullAnswer, String> {
    let response = client
        .post(pull_url.clone())
        .header(header::ACCEPT, "application/json")
        .form(&[("metadata", metadata), ("state", state)])
        .send()
        .await
        .map_err(|e| format!("cannot reach {pull_url}: {}", super::manifest::describe(&e)))?;
    let status = response.status();
    let bytes = crate::outbound::read_capped(response, crate::outbound::MAX_PULL_ANSWER)
        .await
        .map_err(|e| format!("reading the pull answer: {}", e.describe()))?;
    if !status.is_success() {
        let detail = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        return Err(format!(
            "the pull answered HTTP {}{detail}",
            status.as_u16()
        ));
    }
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("the pull answer is not JSON: {e}"))?;
    parse(&value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn no_panic_on_multi_byte_text_at_every_offset() {
        let text = r#"{"external_resources": [{"external_id": "ig:1", "message": "Hi\nthere",
            "thread_id": "ig:1", "author": {"external_id": "lena", "name": "@lena"}}],
            "state": "{\"after\":\"7\"}", "metadata_needs_update": false}"#;
        assert!(
            serde_json::from_str(text)
                .map_err(|e| e.to_string())
                .and_then(|v| parse(&v))
                .is_ok()
        );
        crate::text::at_every_offset(text, |text| {
            if let Ok(value) = serde_json::from_str::<Value>(text)
                && let Ok(answer) = parse(&value)
            {
                for r in answer.resources {
                    let _ = (r.subject(), r.author_name());
                }
            }
        });
    }

    #[test]
    fn reads_resources_and_leaves_out_broken_ones() {
        let answer = parse(&json!({
            "external_resources": [
                {"external_id": "ig:1", "message": "Hi there", "thread_id": "ig:1",
                 "created_at": "2026-05-01T10:00:00Z",
                 "author": {"external_id": "lena", "name": "@lena.runs"}},
                {"message": "no id", "author": {"external_id": "x"}},
                {"external_id": "ig:3", "author": {"external_id": "x"}},
                {"external_id": "ig:4", "message": "m", "author": {}},
                {"external_id": "ig:5", "message": "m", "thread_id": "t", "parent_id": "p",
                 "author": {"external_id": "x"}},
            ],
            "state": "{\"after\":\"7\"}",
            "metadata_needs_update": false
        }))
        .expect("valid");
        assert_eq!(answer.resources.len(), 1);
        assert_eq!(answer.resources[0].author_name(), "@lena.runs");
        assert_eq!(answer.state.as_deref(), Some("{\"after\":\"7\"}"));
        assert_eq!(answer.metadata_needs_update, Some(false));
        assert_eq!(answer.problems.len(), 4, "{:?}", answer.problems);
        assert!(answer.problems[0].contains("external_id is required"));
        assert!(answer.problems[1].starts_with("ig:3: message is required"));
    }

    #[test]
    fn refuses_an_answer_zendesk_would_refuse() {
        assert!(parse(&json!([])).is_err());
        assert!(parse(&json!({})).is_err());
        let many: Vec<Value> = (0..=MAX_RESOURCES)
            .map(|i| json!({"external_id": i.to_string(), "message": "m", "author": {"external_id": "a"}}))
            .collect();
        assert!(parse(&json!({"external_resources": many})).is_err());
        let long_state = "s".repeat(MAX_STATE + 1);
        assert!(parse(&json!({"external_resources": [], "state": long_state})).is_err());
        assert!(parse(&json!({"external_resources": [], "metadata_needs_update": "yes"})).is_err());
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
