//! What crossed the proxy and what reached the integration service, for the page and tests.

use std::sync::Mutex;
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

#[derive(Debug)]
pub struct RequestLog {
    started: Instant,
    proxy: Mutex<Vec<ProxyCall>>,
    service: Mutex<Vec<ServiceCall>>,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            proxy: Mutex::default(),
            service: Mutex::default(),
        }
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

    pub fn push_proxy(&self, call: ProxyCall) {
        if let Ok(mut v) = self.proxy.lock() {
            v.push(call);
        }
    }

    /// Records a service call; returns its index for [`Self::set_service_status`].
    pub fn push_service(&self, call: ServiceCall) -> usize {
        match self.service.lock() {
            Ok(mut v) => {
                v.push(call);
                v.len() - 1
            }
            Err(_) => usize::MAX,
        }
    }

    pub fn set_service_status(&self, index: usize, status: u16) {
        if let Ok(mut v) = self.service.lock()
            && let Some(call) = v.get_mut(index)
        {
            call.status = status;
        }
    }

    pub fn proxy_calls(&self) -> Vec<ProxyCall> {
        self.proxy.lock().map(|v| v.clone()).unwrap_or_default()
    }

    pub fn service_calls(&self) -> Vec<ServiceCall> {
        self.service.lock().map(|v| v.clone()).unwrap_or_default()
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            proxy: self.proxy_calls(),
            service: self.service_calls(),
        }
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
