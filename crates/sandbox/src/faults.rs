//! Fault injection, per service path (`/like`, `/like_state`): in the integration service
//! ([`Fault`]) and in the proxy itself ([`ProxyFault`]).
//!
//! Service faults act on the real HTTP exchange between the proxy and the service, so what the
//! app sees is what the proxy really makes of a slow, failing or vanishing service; some fire
//! before the service handles the call, some after (the like is then applied). Proxy faults are
//! Zendesk's own: its refusals, a page instead of JSON, a request it never answers.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use heart_contract::ApiError;

/// What happens to the next requests to one path in the integration service. Several switches
/// combine: the latency is added first, then the first of `drop_connection`, `retry_after`,
/// `retry_after_date_s`, `status`, `malformed_json`, `wrong_types` that is set decides the
/// answer before the service sees the call. Otherwise the service handles it (the like is
/// applied), and then `after_drop`, `after_status` or `pad_bytes` change its answer.
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
    /// Answer 429 with `Retry-After` as an HTTP date this many seconds ahead.
    pub retry_after_date_s: Option<u64>,
    /// Answer 200 with a like-state of the wrong types (`{"liked": "yes", "like_count": -1}`).
    pub wrong_types: bool,
    /// After the service handled the call: close the connection mid-answer.
    pub after_drop: bool,
    /// After the service handled the call: answer this status with a JSON error instead.
    pub after_status: Option<u16>,
    /// After the service handled the call: pad its JSON answer with a `padding` field to this
    /// many bytes.
    pub pad_bytes: Option<usize>,
    /// Apply to this many requests, then clear itself (`None`: until cleared).
    pub times: Option<u32>,
}

/// Whether a held request waits before forwarding to the service or after its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hang {
    Before,
    After,
}

/// What the proxy itself does with the next calls for one service path, independent of the
/// service. The first switch that is set decides.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProxyFault {
    /// Hold the call open without answering until the faults change (or the sandbox stops):
    /// before forwarding it, or after the service answered (the like is then applied).
    pub hang: Option<Hang>,
    /// Close the connection to the browser mid-answer, without forwarding.
    pub drop_connection: bool,
    /// Refuse with this status and a Zendesk-style JSON error, without forwarding (401, 403,
    /// 404 `RecordNotFound`, 429, 500…).
    pub status: Option<u16>,
    /// The `Retry-After` header of that refusal (any text: seconds, a date, `0`…).
    pub retry_after: Option<String>,
    /// Answer 200 with an HTML page, without forwarding.
    pub html: bool,
    /// Answer 204 with no body, without forwarding.
    pub no_content: bool,
    /// Apply to this many calls, then clear itself (`None`: until cleared).
    pub times: Option<u32>,
}

impl ProxyFault {
    /// A short name for logs.
    pub fn describe(&self) -> String {
        if let Some(hang) = self.hang {
            format!("proxy holds the call ({hang:?})")
        } else if self.drop_connection {
            "proxy drops the connection".to_owned()
        } else if let Some(status) = self.status {
            match &self.retry_after {
                Some(r) => format!("proxy status {status}, Retry-After {r}"),
                None => format!("proxy status {status}"),
            }
        } else if self.html {
            "proxy answers an HTML page".to_owned()
        } else if self.no_content {
            "proxy answers 204".to_owned()
        } else {
            "none".to_owned()
        }
    }

    /// The proxy's answer instead of forwarding, if this fault makes one.
    pub fn response(&self) -> Option<Response> {
        if self.drop_connection {
            return Some(dropped());
        }
        if let Some(code) = self.status {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let error = match code {
                401 => "Couldn't authenticate you",
                403 => "Forbidden",
                404 => heart_contract::NO_INSTANCE_ERROR,
                429 => "TooManyRequests",
                _ => "InternalError",
            };
            let mut response =
                ApiError::new(status, error, format!("injected proxy fault: HTTP {code}"))
                    .into_response();
            if let Some(value) = self.retry_after.as_ref().and_then(|v| v.parse().ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Some(response);
        }
        if self.html {
            return Some(
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    "<!doctype html><title>Zendesk</title><p>We'll be right back.</p>",
                )
                    .into_response(),
            );
        }
        if self.no_content {
            return Some(StatusCode::NO_CONTENT.into_response());
        }
        None
    }
}

/// A response whose body fails: hyper closes the connection mid-answer.
pub fn dropped() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected fault: connection dropped",
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// The longest a held call waits for a release.
pub const MAX_HOLD: Duration = Duration::from_secs(600);

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
        } else if let Some(s) = self.retry_after_date_s {
            parts.push(format!("429 Retry-After a date {s} s ahead"));
        } else if let Some(s) = self.status {
            parts.push(format!("status {s}"));
        } else if self.malformed_json {
            parts.push("malformed JSON".to_owned());
        } else if self.wrong_types {
            parts.push("wrong types".to_owned());
        } else if self.after_drop {
            parts.push("applied, then dropped connection".to_owned());
        } else if let Some(s) = self.after_status {
            parts.push(format!("applied, then status {s}"));
        } else if let Some(n) = self.pad_bytes {
            parts.push(format!("answer padded to {n} bytes"));
        }
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// The faults in force, by request path.
#[derive(Debug)]
pub struct Faults {
    by_path: Mutex<BTreeMap<String, Fault>>,
    proxy_by_path: Mutex<BTreeMap<String, ProxyFault>>,
    /// Bumped whenever the faults change: held calls go on.
    released: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            by_path: Mutex::default(),
            proxy_by_path: Mutex::default(),
            released: watch::Sender::new(0),
        }
    }
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
        self.release();
    }

    /// Sets what the proxy itself does with calls for `path`.
    pub fn set_proxy(&self, path: &str, fault: ProxyFault) {
        if let Ok(mut map) = self.proxy_by_path.lock() {
            if fault.times == Some(0) {
                map.remove(path);
            } else {
                map.insert(path.to_owned(), fault);
            }
        }
        self.release();
    }

    pub fn clear(&self, path: &str) {
        if let Ok(mut map) = self.by_path.lock() {
            map.remove(path);
        }
        if let Ok(mut map) = self.proxy_by_path.lock() {
            map.remove(path);
        }
        self.release();
    }

    pub fn clear_all(&self) {
        if let Ok(mut map) = self.by_path.lock() {
            map.clear();
        }
        if let Ok(mut map) = self.proxy_by_path.lock() {
            map.clear();
        }
        self.release();
    }

    /// Lets every held call go on (also done whenever the faults change).
    pub fn release(&self) {
        self.released.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A hold armed now: its [`Hold::wait`] ends at the first [`Self::release`] from now on.
    pub fn arm(&self) -> Hold {
        Hold(self.released.subscribe())
    }

    /// How many calls are held now.
    pub fn held(&self) -> usize {
        self.released.receiver_count()
    }

    pub fn all_proxy(&self) -> BTreeMap<String, ProxyFault> {
        self.proxy_by_path
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }

    /// Every fault in force, for the page: service faults by path, the proxy's as `proxy <path>`.
    pub fn listing(&self) -> BTreeMap<String, serde_json::Value> {
        let mut out: BTreeMap<String, serde_json::Value> = self
            .all()
            .into_iter()
            .map(|(path, f)| (path, serde_json::to_value(f).unwrap_or_default()))
            .collect();
        for (path, f) in self.all_proxy() {
            out.insert(
                format!("proxy {path}"),
                serde_json::to_value(f).unwrap_or_default(),
            );
        }
        out
    }

    /// The proxy fault for one call for `path`, counting it against `times`.
    /// The proxy's fault for one call to `path`, counting it against `times`, with the call's
    /// hold when the fault holds it. The hold is armed here, while the faults cannot change: a
    /// change made after the call took its fault lets it go, even one made while the call was
    /// still on its way to the service (`Hang::After`) and not yet waiting.
    pub fn take_proxy(&self, path: &str) -> Option<(ProxyFault, Option<Hold>)> {
        let mut map = self.proxy_by_path.lock().ok()?;
        let fault = take_from(&mut map, path, |f| &mut f.times)?;
        let hold = fault.hang.map(|_| self.arm());
        Some((fault, hold))
    }

    pub fn all(&self) -> BTreeMap<String, Fault> {
        self.by_path.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The fault for one request to `path`, counting it against `times`.
    pub fn take(&self, path: &str) -> Option<Fault> {
        take_from(&mut *self.by_path.lock().ok()?, path, |f| &mut f.times)
    }
}

/// A held call's wait (see [`Faults::arm`]).
#[derive(Debug)]
pub struct Hold(watch::Receiver<u64>);

impl Hold {
    /// Waits until the faults change after the hold was armed (at most [`MAX_HOLD`]).
    pub async fn wait(mut self) {
        let _ = tokio::time::timeout(MAX_HOLD, self.0.changed()).await;
    }
}

/// The fault set for `path`, once: its `times` counts down, and the fault goes at zero.
fn take_from<F: Clone>(
    map: &mut BTreeMap<String, F>,
    path: &str,
    times: impl Fn(&mut F) -> &mut Option<u32>,
) -> Option<F> {
    let fault = map.get_mut(path)?;
    let out = fault.clone();
    if let Some(n) = times(fault).as_mut() {
        *n = n.saturating_sub(1);
        if *n == 0 {
            map.remove(path);
        }
    }
    Some(out)
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

    #[test]
    fn proxy_faults_are_kept_apart_and_listed() {
        let faults = Faults::default();
        faults.set_proxy(
            "/like",
            ProxyFault {
                status: Some(429),
                retry_after: Some("7".into()),
                times: Some(1),
                ..ProxyFault::default()
            },
        );
        assert!(faults.take("/like").is_none(), "not a service fault");
        let listing = faults.listing();
        assert_eq!(listing["proxy /like"]["status"], 429);
        let (fault, hold) = faults.take_proxy("/like").expect("once");
        assert!(hold.is_none(), "a refusal is not held");
        assert_eq!(fault.describe(), "proxy status 429, Retry-After 7");
        let response = fault.response().expect("a refusal");
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert!(faults.take_proxy("/like").is_none());
    }

    #[tokio::test]
    async fn a_held_call_goes_on_when_the_faults_change() {
        let faults = std::sync::Arc::new(Faults::default());
        let hold = faults.arm();
        let held = tokio::spawn(hold.wait());
        assert_eq!(faults.held(), 1);
        tokio::task::yield_now().await;
        assert!(!held.is_finished());
        faults.clear_all();
        tokio::time::timeout(Duration::from_secs(5), held)
            .await
            .expect("released")
            .expect("joined");
        assert_eq!(faults.held(), 0);
    }

    #[tokio::test]
    async fn a_change_before_the_wait_still_lets_the_call_go() {
        // The call took its fault, then the faults changed while it was still forwarding to
        // the service (`Hang::After`): when it comes to wait, it does not wait.
        let faults = Faults::default();
        let hang = ProxyFault {
            hang: Some(Hang::After),
            times: Some(1),
            ..ProxyFault::default()
        };
        faults.set_proxy("/like", hang);
        let (_, hold) = faults.take_proxy("/like").expect("the fault");
        let hold = hold.expect("a held call");
        faults.clear_all();
        tokio::time::timeout(Duration::from_secs(5), hold.wait())
            .await
            .expect("not held after the change");
        assert_eq!(faults.held(), 0);
    }
}
