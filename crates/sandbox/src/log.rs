//! What crossed the proxy and what reached the integration service, for the page and tests.
//! Every entry is recorded here, and only here, the way it may be shown: its secrets redacted
//! ([`crate::redact`]), each text cut to [`MAX_FIELD_BYTES`], the newest [`MAX_ENTRIES`] of each
//! kind kept within [`MAX_LOG_BYTES`]; and one `tracing` line per entry, from the same record.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use serde::Serialize;

use crate::redact;
use crate::text::{clip, clip_noting, clip_opt, head};

/// One call to `POST /api/v2/any_channel/proxy.json` from an agent's session, as the proxy
/// handled it.
#[derive(Clone, Debug, Serialize)]
pub struct ProxyCall {
    /// When the call arrived, in ms since the sandbox started.
    pub at_ms: u64,
    pub ticket_id: Option<String>,
    pub post_to_path: Option<String>,
    /// The resolved URL in the integration service (absent when the call was refused first).
    pub target: Option<String>,
    /// The app's body, forwarded as `client_data` (empty when the call was refused before it
    /// was read).
    pub client_data: String,
    /// The integration instance whose `metadata` went along as `instance_metadata` (never the
    /// metadata itself: it holds the integration's credentials).
    pub instance: Option<u64>,
    /// What the service answered, when it did.
    pub upstream_status: Option<u16>,
    /// What the proxy answered the app.
    pub status: u16,
    pub error: Option<String>,
    pub retry_after: Option<String>,
    pub duration_ms: u64,
}

/// One request as the integration service received it, its secrets redacted.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceCall {
    /// When the request arrived, in ms since the sandbox started.
    pub at_ms: u64,
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    /// Any `Cookie` header, its values redacted (the proxy must never forward the agent's: the
    /// names show whether one came).
    pub cookie: Option<String>,
    /// The form fields, when the body was a form: `instance_metadata` is only ever
    /// [`redact::REDACTED`] (or empty), `client_data` has any secret in its JSON redacted.
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
/// The most bytes one text of an entry keeps (a body, `client_data`, a path…).
pub const MAX_FIELD_BYTES: usize = 4 * 1024;
/// The most bytes the entries of each kind keep in all (as [`RequestLog::bytes`] counts them).
pub const MAX_LOG_BYTES: usize = 2 * 1024 * 1024;
/// What an entry counts for besides its texts.
const ENTRY_BYTES: usize = 128;
/// The most bytes of one text the redaction reads: the rest is never shown anyway. A text cut
/// there that cannot be read field by field is redacted whole if it names a secret.
const READ_BYTES: usize = 16 * MAX_FIELD_BYTES;

/// `text` redacted by `redact` (which reads at most [`READ_BYTES`] of it) and clipped.
fn redact_and_clip(text: &str, redact: impl Fn(&str) -> String) -> String {
    let (start, left_out) = head(text, READ_BYTES);
    let mut out = redact(start);
    clip_noting(&mut out, MAX_FIELD_BYTES, left_out);
    out
}

fn len(text: &Option<String>) -> usize {
    text.as_ref().map_or(0, String::len)
}

impl ProxyCall {
    /// As it may be recorded: secrets redacted, texts clipped.
    fn redacted(mut self) -> Self {
        for url in [&mut self.post_to_path, &mut self.target] {
            *url = url
                .as_deref()
                .map(|u| redact_and_clip(u, |u| redact::url(u).into_owned()));
        }
        self.client_data = redact_and_clip(&self.client_data, |t| redact::text(t).into_owned());
        for text in [&mut self.ticket_id, &mut self.error, &mut self.retry_after] {
            clip_opt(text, MAX_FIELD_BYTES);
        }
        self
    }

    fn bytes(&self) -> usize {
        ENTRY_BYTES
            + self.client_data.len()
            + [
                &self.ticket_id,
                &self.post_to_path,
                &self.target,
                &self.error,
                &self.retry_after,
            ]
            .into_iter()
            .map(len)
            .sum::<usize>()
    }
}

impl ServiceCall {
    /// As it may be recorded: secrets redacted, texts clipped.
    fn redacted(mut self) -> Self {
        self.cookie = self
            .cookie
            .map(|c| redact_and_clip(&c, |c| redact::header("cookie", c)));
        self.instance_metadata = self
            .instance_metadata
            .map(|m| redact_and_clip(&m, |m| redact::field("instance_metadata", m)));
        self.client_data = self
            .client_data
            .map(|c| redact_and_clip(&c, |c| redact::field("client_data", c)));
        self.body = redact_and_clip(&self.body, |t| redact::text(t).into_owned());
        clip(&mut self.method, 16);
        clip(&mut self.path, MAX_FIELD_BYTES);
        clip_opt(&mut self.content_type, MAX_FIELD_BYTES);
        clip_opt(&mut self.fault, MAX_FIELD_BYTES);
        self
    }

    fn bytes(&self) -> usize {
        ENTRY_BYTES
            + self.method.len()
            + self.path.len()
            + self.body.len()
            + [
                &self.content_type,
                &self.cookie,
                &self.instance_metadata,
                &self.client_data,
                &self.fault,
            ]
            .into_iter()
            .map(len)
            .sum::<usize>()
    }
}

/// The entries of one kind, oldest first, with the bytes they count for.
#[derive(Debug)]
struct Kept<T> {
    entries: VecDeque<(u64, T)>,
    bytes: usize,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Self {
            entries: VecDeque::new(),
            bytes: 0,
        }
    }
}

impl<T> Kept<T> {
    /// Adds an entry of `size` bytes, dropping the oldest until both bounds hold.
    fn push(&mut self, seq: u64, entry: T, size: usize, size_of: impl Fn(&T) -> usize) {
        while !self.entries.is_empty()
            && (self.entries.len() >= MAX_ENTRIES || self.bytes + size > MAX_LOG_BYTES)
        {
            if let Some((_, old)) = self.entries.pop_front() {
                self.bytes = self.bytes.saturating_sub(size_of(&old));
            }
        }
        self.bytes += size;
        self.entries.push_back((seq, entry));
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

/// Everything that crossed the proxy and reached the service, in memory, as it may be shown:
/// the newest entries of each kind within [`MAX_ENTRIES`] and [`MAX_LOG_BYTES`], and the totals.
#[derive(Debug)]
pub struct RequestLog {
    started: Instant,
    proxy: Mutex<Kept<ProxyCall>>,
    /// With a sequence number, so a status can be filled in after older entries went.
    service: Mutex<Kept<ServiceCall>>,
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

    /// What the kept entries count for, in bytes (both kinds).
    pub fn bytes(&self) -> usize {
        let proxy = self.proxy.lock().map_or(0, |k| k.bytes);
        let service = self.service.lock().map_or(0, |k| k.bytes);
        proxy + service
    }

    /// Records a proxied call (redacted, clipped) and logs its line.
    pub fn push_proxy(&self, call: ProxyCall) {
        let call = call.redacted();
        tracing::info!(
            ticket_id = call.ticket_id.as_deref().unwrap_or(""),
            post_to_path = call.post_to_path.as_deref().unwrap_or(""),
            target = call.target.as_deref().unwrap_or(""),
            instance = call.instance,
            upstream_status = call.upstream_status,
            status = call.status,
            duration_ms = call.duration_ms,
            error = call.error.as_deref(),
            "proxied call"
        );
        let seq = self.proxy_total.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut kept) = self.proxy.lock() {
            let size = call.bytes();
            kept.push(seq, call, size, ProxyCall::bytes);
        }
    }

    /// Records a service call (redacted, clipped) and logs its line; returns its number for
    /// [`Self::set_service_status`].
    pub fn push_service(&self, call: ServiceCall) -> u64 {
        let call = call.redacted();
        // Each proxied call has its own line at info level; what the service received is in
        // the log, and on stderr only at debug level unless a fault is set for it.
        if call.fault.is_some() {
            tracing::info!(
                method = %call.method,
                path = %call.path,
                fault = call.fault.as_deref(),
                "integration service request"
            );
        } else {
            tracing::debug!(method = %call.method, path = %call.path, "integration service request");
        }
        let seq = self.service_total.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut kept) = self.service.lock() {
            let size = call.bytes();
            kept.push(seq, call, size, ServiceCall::bytes);
        }
        seq
    }

    pub fn set_service_status(&self, seq: u64, status: u16) {
        if let Ok(mut kept) = self.service.lock()
            && let Some((_, call)) = kept.entries.iter_mut().rev().find(|(s, _)| *s == seq)
        {
            call.status = status;
        }
    }

    pub fn proxy_calls(&self) -> Vec<ProxyCall> {
        self.proxy
            .lock()
            .map(|k| k.entries.iter().map(|(_, c)| c.clone()).collect())
            .unwrap_or_default()
    }

    pub fn service_calls(&self) -> Vec<ServiceCall> {
        self.service
            .lock()
            .map(|k| k.entries.iter().map(|(_, c)| c.clone()).collect())
            .unwrap_or_default()
    }

    /// What `/sandbox/log` shows: every kept entry (recorded without secrets).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            proxy: self.proxy_calls(),
            service: self.service_calls(),
        }
    }

    pub fn clear(&self) {
        if let Ok(mut k) = self.proxy.lock() {
            k.clear();
        }
        if let Ok(mut k) = self.service.lock() {
            k.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy_call(client_data: &str) -> ProxyCall {
        ProxyCall {
            at_ms: 0,
            ticket_id: Some("62".into()),
            post_to_path: Some("/like".into()),
            target: None,
            client_data: client_data.into(),
            instance: Some(3),
            upstream_status: None,
            status: 200,
            error: None,
            retry_after: None,
            duration_ms: 0,
        }
    }

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
    fn the_log_records_no_credentials() {
        let log = RequestLog::default();
        let seq = log.push_service(service_call("secret-token"));
        log.set_service_status(seq, 200);
        let served = serde_json::to_string(&log.snapshot()).expect("json");
        assert!(!served.contains("secret-token"), "{served}");
        assert!(!served.contains("abc"), "{served}");
        // Nobody sees them, in-process readers neither; the status was filled in.
        let calls = log.service_calls();
        assert_eq!(
            calls[0].instance_metadata.as_deref(),
            Some(redact::REDACTED)
        );
        assert_eq!(
            calls[0].cookie.as_deref(),
            Some("_zendesk_session=[redacted]")
        );
        assert_eq!(
            calls[0].body,
            "instance_metadata=[redacted]&client_data=%7B%7D"
        );
        assert_eq!(calls[0].status, 200);
        log.push_proxy(proxy_call(
            "{\"ticket_id\": \"62\", \"token\": \"secret-token\"}",
        ));
        let served = serde_json::to_string(&log.snapshot()).expect("json");
        assert!(!served.contains("secret-token"), "{served}");
        assert!(served.contains("\"instance\":3"), "{served}");
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

    #[test]
    fn the_log_is_bounded_by_bytes_per_entry_and_in_all() {
        let log = RequestLog::default();
        let big = "x".repeat(64 * 1024);
        let mut call = service_call("m");
        call.body = big.clone();
        call.client_data = Some(big.clone());
        call.path = format!("/{big}");
        log.push_service(call);
        let kept = &log.service_calls()[0];
        assert!(
            kept.body.len() < MAX_FIELD_BYTES + 32,
            "{}",
            kept.body.len()
        );
        assert!(
            kept.body
                .ends_with(&format!("[{} more bytes]", big.len() - MAX_FIELD_BYTES))
        );
        assert!(kept.path.len() < MAX_FIELD_BYTES + 32);
        let one = log.bytes();
        assert!(one < 4 * MAX_FIELD_BYTES, "{one}");
        for _ in 0..MAX_ENTRIES {
            let mut call = proxy_call(&big);
            call.post_to_path = Some(big.clone());
            log.push_proxy(call);
        }
        let proxy_bytes = log.bytes() - one;
        assert!(proxy_bytes <= MAX_LOG_BYTES, "{proxy_bytes}");
        assert!(
            log.proxy_calls().len() < MAX_ENTRIES,
            "dropped by bytes before count"
        );
        assert_eq!(log.proxy_total(), MAX_ENTRIES as u64);
        log.clear();
        assert_eq!(log.bytes(), 0);
    }
}
