//! What crossed the proxy and what reached the integration service, for the page and tests.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use serde::Serialize;

/// One call to `POST /api/v2/any_channel/proxy.json`, as the proxy handled it.
#[derive(Clone, Debug, Serialize)]
pub struct ProxyCall {
    /// When the call arrived, in ms since the sandbox started.
    pub at_ms: u64,
    pub ticket_id: Option<String>,
    pub post_to_path: Option<String>,
    /// The resolved URL in the integration service (absent when the call was refused first).
    pub target: Option<String>,
    /// The app's body, forwarded as `client_data`.
    pub client_data: String,
    /// Forwarded as `instance_metadata`.
    pub instance_metadata: Option<String>,
    /// What the service answered, when it did.
    pub upstream_status: Option<u16>,
    /// What the proxy answered the app.
    pub status: u16,
    pub error: Option<String>,
    pub retry_after: Option<String>,
    pub duration_ms: u64,
}

/// One request as the integration service received it.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceCall {
    /// When the request arrived, in ms since the sandbox started.
    pub at_ms: u64,
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    /// Any `Cookie` header (the proxy must never forward the agent's).
    pub cookie: Option<String>,
    /// The form fields, when the body was a form.
    pub instance_metadata: Option<String>,
    pub client_data: Option<String>,
    pub body: String,
    /// The fault applied, if any.
    pub fault: Option<String>,
    /// The status the service answered (0 when the connection was dropped).
    pub status: u16,
}

/// The most recent calls of each kind the log keeps; older ones are dropped (and still counted).
pub const MAX_ENTRIES: usize = 2_000;

/// Everything that crossed the proxy and reached the service, in memory: the newest
/// [`MAX_ENTRIES`] of each, and the totals. In-process readers (tests) see every field; what
/// `/sandbox/log` serves is [`RequestLog::snapshot`], without credentials.
#[derive(Debug)]
pub struct RequestLog {
    started: Instant,
    proxy: Mutex<VecDeque<ProxyCall>>,
    /// With a sequence number, so a status can be filled in after older entries went.
    service: Mutex<VecDeque<(u64, ServiceCall)>>,
    proxy_total: AtomicU64,
    service_total: AtomicU64,
    proxy_pending: AtomicUsize,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            proxy: Mutex::default(),
            service: Mutex::default(),
            proxy_total: AtomicU64::new(0),
            service_total: AtomicU64::new(0),
            proxy_pending: AtomicUsize::new(0),
        }
    }
}

/// A proxied call being handled; dropping it (answered, or abandoned by the browser) ends it.
pub struct Pending<'a>(&'a AtomicUsize);

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

const REDACTED: &str = "[redacted]";

#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    pub proxy: Vec<ProxyCall>,
    pub service: Vec<ServiceCall>,
}

impl RequestLog {
    /// Milliseconds since the log (the sandbox) started.
    pub fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A proxied call starts; it counts as pending until the guard is dropped.
    pub fn begin_proxy(&self) -> Pending<'_> {
        self.proxy_pending.fetch_add(1, Ordering::SeqCst);
        Pending(&self.proxy_pending)
    }

    /// Proxied calls being handled now (held ones included).
    pub fn proxy_pending(&self) -> usize {
        self.proxy_pending.load(Ordering::SeqCst)
    }

    /// Every proxied call so far, including those no longer kept.
    pub fn proxy_total(&self) -> u64 {
        self.proxy_total.load(Ordering::SeqCst)
    }

    /// Every service request so far, including those no longer kept.
    pub fn service_total(&self) -> u64 {
        self.service_total.load(Ordering::SeqCst)
    }

    pub fn push_proxy(&self, call: ProxyCall) {
        self.proxy_total.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut v) = self.proxy.lock() {
            if v.len() >= MAX_ENTRIES {
                v.pop_front();
            }
            v.push_back(call);
        }
    }

    /// Records a service call; returns its number for [`Self::set_service_status`].
    pub fn push_service(&self, call: ServiceCall) -> u64 {
        let seq = self.service_total.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut v) = self.service.lock() {
            if v.len() >= MAX_ENTRIES {
                v.pop_front();
            }
            v.push_back((seq, call));
        }
        seq
    }

    pub fn set_service_status(&self, seq: u64, status: u16) {
        if let Ok(mut v) = self.service.lock()
            && let Some((_, call)) = v.iter_mut().rev().find(|(s, _)| *s == seq)
        {
            call.status = status;
        }
    }

    pub fn proxy_calls(&self) -> Vec<ProxyCall> {
        self.proxy
            .lock()
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub fn service_calls(&self) -> Vec<ServiceCall> {
        self.service
            .lock()
            .map(|v| v.iter().map(|(_, c)| c.clone()).collect())
            .unwrap_or_default()
    }

    /// What `/sandbox/log` shows: the calls without the instance metadata (the integration's
    /// token), the form body that carries it, or the agent's cookie.
    pub fn snapshot(&self) -> Snapshot {
        let redact = |v: &mut Option<String>| {
            if v.is_some() {
                *v = Some(REDACTED.to_owned());
            }
        };
        let mut proxy = self.proxy_calls();
        for call in &mut proxy {
            redact(&mut call.instance_metadata);
        }
        let mut service = self.service_calls();
        for call in &mut service {
            redact(&mut call.instance_metadata);
            redact(&mut call.cookie);
            if call.instance_metadata.is_some() || call.body.contains("instance_metadata") {
                call.body = REDACTED.to_owned();
            }
        }
        Snapshot { proxy, service }
    }

    pub fn clear(&self) {
        if let Ok(mut v) = self.proxy.lock() {
            v.clear();
        }
        if let Ok(mut v) = self.service.lock() {
            v.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service_call(meta: &str) -> ServiceCall {
        ServiceCall {
            at_ms: 0,
            method: "POST".into(),
            path: "/like".into(),
            content_type: None,
            cookie: Some("_zendesk_session=abc".into()),
            instance_metadata: Some(meta.into()),
            client_data: Some("{}".into()),
            body: format!("instance_metadata={meta}&client_data=%7B%7D"),
            fault: None,
            status: 0,
        }
    }

    #[test]
    fn the_served_log_shows_no_credentials() {
        let log = RequestLog::default();
        let seq = log.push_service(service_call("secret-token"));
        log.set_service_status(seq, 200);
        let served = serde_json::to_string(&log.snapshot()).expect("json");
        assert!(!served.contains("secret-token"), "{served}");
        assert!(!served.contains("abc"), "{served}");
        // In-process readers still see everything, and the status was filled in.
        let calls = log.service_calls();
        assert_eq!(calls[0].instance_metadata.as_deref(), Some("secret-token"));
        assert_eq!(calls[0].status, 200);
    }

    #[test]
    fn the_log_keeps_the_newest_and_counts_all() {
        let log = RequestLog::default();
        let mut last = 0;
        for _ in 0..MAX_ENTRIES + 5 {
            last = log.push_service(service_call("m"));
        }
        log.set_service_status(last, 204);
        let calls = log.service_calls();
        assert_eq!(calls.len(), MAX_ENTRIES);
        assert_eq!(log.service_total(), (MAX_ENTRIES + 5) as u64);
        assert_eq!(calls.last().map(|c| c.status), Some(204));
        let pending = log.begin_proxy();
        assert_eq!(log.proxy_pending(), 1);
        drop(pending);
        assert_eq!(log.proxy_pending(), 0);
    }
}
