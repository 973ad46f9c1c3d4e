//! Fault injection for the integration service, per request path (`/like`, `/like_state`).
//!
//! Faults act on the real HTTP exchange between the proxy and the service, so what the app sees
//! is what the proxy really makes of a slow, failing or vanishing service.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// What happens to the next requests to one path. Several switches combine: the latency is
/// added first, then the first of `drop_connection`, `retry_after`, `status`, `malformed_json`
/// that is set decides the answer (none set: the service answers normally, only later).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fault {
    /// Added before the service answers.
    pub latency_ms: u64,
    /// Answer this HTTP status with a JSON error body.
    pub status: Option<u16>,
    /// Answer 200 with a body that is not JSON.
    pub malformed_json: bool,
    /// Answer 429 with `Retry-After: <seconds>`.
    pub retry_after: Option<u64>,
    /// Close the connection without a complete answer.
    pub drop_connection: bool,
    /// Apply to this many requests, then clear itself (`None`: until cleared).
    pub times: Option<u32>,
}

impl Fault {
    /// A short name for logs.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.latency_ms > 0 {
            parts.push(format!("latency {} ms", self.latency_ms));
        }
        if self.drop_connection {
            parts.push("dropped connection".to_owned());
        } else if let Some(s) = self.retry_after {
            parts.push(format!("429 Retry-After {s}"));
        } else if let Some(s) = self.status {
            parts.push(format!("status {s}"));
        } else if self.malformed_json {
            parts.push("malformed JSON".to_owned());
        }
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// The faults in force, by request path.
#[derive(Debug, Default)]
pub struct Faults {
    by_path: Mutex<BTreeMap<String, Fault>>,
}

impl Faults {
    pub fn set(&self, path: &str, fault: Fault) {
        if let Ok(mut map) = self.by_path.lock() {
            if fault.times == Some(0) {
                map.remove(path);
            } else {
                map.insert(path.to_owned(), fault);
            }
        }
    }

    pub fn clear(&self, path: &str) {
        if let Ok(mut map) = self.by_path.lock() {
            map.remove(path);
        }
    }

    pub fn clear_all(&self) {
        if let Ok(mut map) = self.by_path.lock() {
            map.clear();
        }
    }

    pub fn all(&self) -> BTreeMap<String, Fault> {
        self.by_path.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The fault for one request to `path`, counting it against `times`.
    pub fn take(&self, path: &str) -> Option<Fault> {
        let mut map = self.by_path.lock().ok()?;
        let fault = map.get_mut(path)?;
        let out = fault.clone();
        if let Some(n) = fault.times.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(path);
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_faults_clear_themselves() {
        let faults = Faults::default();
        faults.set(
            "/like",
            Fault {
                status: Some(500),
                times: Some(2),
                ..Fault::default()
            },
        );
        assert!(faults.take("/like_state").is_none());
        assert_eq!(faults.take("/like").and_then(|f| f.status), Some(500));
        assert_eq!(faults.take("/like").and_then(|f| f.status), Some(500));
        assert!(faults.take("/like").is_none());
        faults.set("/like", Fault::default());
        assert!(faults.take("/like").is_some() && faults.take("/like").is_some());
        faults.clear_all();
        assert!(faults.all().is_empty());
    }
}
