//! Zendesk's published limits on what a Channel framework integration sends it, and the check
//! of a JSON value against them: a [`Spec`] says what a value must be, [`check`] lists every
//! [`Violation`] with its JSON path, the limit and what the value is, so a person sees which
//! field to fix. The specs themselves (the manifest, a pull's answer, an external resource, a
//! push's body, a channelback's answer, what the admin UI posts back) are in
//! `limits/zendesk.rs`.

use std::fmt;

use serde_json::Value;

/// What a value must be.
#[derive(Clone, Copy, Debug)]
pub enum Spec {
    /// A string of `min`–`max` characters (Unicode scalar values, as JSON Schema counts them).
    Text {
        min: usize,
        max: usize,
        kind: TextKind,
    },
    Bool,
    /// Any JSON object.
    AnyObject,
    /// Any value at all.
    Any,
    /// An integer, or a string of `min`–`max` characters.
    IntOrText {
        min: usize,
        max: usize,
    },
    /// At most `max` items of `items`.
    List {
        max: usize,
        items: &'static Spec,
    },
    /// An object with these fields (others are allowed) and these required.
    Object {
        fields: &'static [(&'static str, Spec)],
        required: &'static [&'static str],
        /// Fields of which at most one may be present.
        exclusive: Option<(&'static str, &'static str)>,
    },
}

/// What else a string must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    Plain,
    /// An external id: ASCII, no white space at either end.
    ExternalId,
    /// An `https://` URL.
    HttpsUrl,
    /// An RFC 3339 date-time.
    DateTime,
}

/// One way a value breaks its spec.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// Where: `external_resources[3].author.external_id`.
    pub path: String,
    /// The rule: `1–255 characters`, `at most 16 items`, `is required`, `a string`…
    pub limit: String,
    /// What the value is: `256 characters`, `17 items`, `missing`, `a number`…
    pub found: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (found {})", self.path, self.limit, self.found)
    }
}

/// The violations, one per line, for a message to people.
pub fn describe(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(Violation::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

mod zendesk;

pub use zendesk::{
    CHANNELBACK, MANIFEST, MAX_RESOURCES, PULL, PUSH, REPORT_ERROR, RESOURCE, RETURN,
};

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn range(min: usize, max: usize) -> String {
    if min == 0 {
        format!("at most {max} characters")
    } else {
        format!("{min}–{max} characters")
    }
}

fn text_violation(text: &str, min: usize, max: usize, kind: TextKind) -> Option<(String, String)> {
    let chars = text.chars().count();
    if chars < min || chars > max {
        return Some((range(min, max), format!("{chars} characters")));
    }
    match kind {
        TextKind::Plain => None,
        TextKind::ExternalId => {
            if !text.is_ascii() {
                Some((
                    "ASCII characters only".into(),
                    "a character beyond ASCII".into(),
                ))
            } else if text.trim() != text {
                Some((
                    "no white space at either end".into(),
                    "white space at an end".into(),
                ))
            } else {
                None
            }
        }
        TextKind::HttpsUrl => match reqwest::Url::parse(text) {
            Ok(url) if url.scheme() == "https" && url.host_str().is_some() => None,
            Ok(url) => Some(("an https URL".into(), format!("a {} URL", url.scheme()))),
            Err(_) => Some(("an https URL".into(), "not a URL".into())),
        },
        TextKind::DateTime => {
            let parsed =
                time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339);
            parsed
                .is_err()
                .then(|| ("an RFC 3339 date-time".into(), "another text".into()))
        }
    }
}

fn push(out: &mut Vec<Violation>, path: &str, limit: impl Into<String>, found: impl Into<String>) {
    out.push(Violation {
        path: if path.is_empty() {
            "(the body)".into()
        } else {
            path.to_owned()
        },
        limit: limit.into(),
        found: found.into(),
    });
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Every way `value` breaks `spec`, under `path` (empty for the root).
pub fn check(value: &Value, spec: &Spec, path: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    walk(value, spec, path, &mut out);
    out
}

fn walk(value: &Value, spec: &Spec, path: &str, out: &mut Vec<Violation>) {
    match (spec, value) {
        (Spec::Any, _) => {}
        (Spec::Bool, Value::Bool(_)) | (Spec::AnyObject, Value::Object(_)) => {}
        (Spec::Bool, other) => push(out, path, "a boolean", kind_of(other)),
        (Spec::AnyObject, other) => push(out, path, "an object", kind_of(other)),
        (Spec::Text { min, max, kind }, Value::String(s)) => {
            if let Some((limit, found)) = text_violation(s, *min, *max, *kind) {
                push(out, path, limit, found);
            }
        }
        (Spec::Text { .. }, other) => push(out, path, "a string", kind_of(other)),
        (Spec::IntOrText { .. }, Value::Number(n)) if n.is_i64() || n.is_u64() => {}
        (Spec::IntOrText { min, max }, Value::String(s)) => {
            if let Some((limit, found)) = text_violation(s, *min, *max, TextKind::Plain) {
                push(out, path, limit, found);
            }
        }
        (Spec::IntOrText { .. }, other) => {
            push(out, path, "an integer or a string", kind_of(other))
        }
        (Spec::List { max, items }, Value::Array(list)) => {
            if list.len() > *max {
                push(
                    out,
                    path,
                    format!("at most {max} items"),
                    format!("{} items", list.len()),
                );
            }
            for (i, item) in list.iter().enumerate().take(*max + 1) {
                walk(item, items, &format!("{path}[{i}]"), out);
            }
        }
        (Spec::List { .. }, other) => push(out, path, "an array", kind_of(other)),
        (
            Spec::Object {
                fields,
                required,
                exclusive,
            },
            Value::Object(object),
        ) => {
            for key in *required {
                if object.get(*key).is_none_or(Value::is_null) {
                    push(out, &join(path, key), "is required", "missing");
                }
            }
            if let Some((a, b)) = exclusive
                && object.get(*a).is_some_and(|v| !v.is_null())
                && object.get(*b).is_some_and(|v| !v.is_null())
            {
                push(out, &join(path, b), format!("{a} or {b}, not both"), "both");
            }
            for (key, field) in *fields {
                match object.get(*key) {
                    None | Some(Value::Null) => {}
                    Some(v) => walk(v, field, &join(path, key), out),
                }
            }
        }
        (Spec::Object { .. }, other) => push(out, path, "an object", kind_of(other)),
    }
}
