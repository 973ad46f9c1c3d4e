//! Zendesk's Any Channel proxy: `POST /api/v2/any_channel/proxy.json?ticket_id=&post_to_path=`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use heart_contract::{BAD_PATH_ERROR, NO_INSTANCE_ERROR, check_post_to_path};
use reqwest::Url;

use crate::faults::Hang;
use crate::host::HostState;
use crate::log::ProxyCall;
use heart_contract::ApiError;

/// Resolves `post_to_path` against the manifest URL; the result must stay on the manifest's
/// scheme, host and port.
pub fn resolve_post_to_path(manifest: &Url, raw: &str) -> Result<Url, String> {
    // The same rule the app checks its settings with: one function, one way to count.
    check_post_to_path(raw).map_err(|e| format!("post_to_path {e}"))?;
    let url = manifest
        .join(raw)
        .map_err(|e| format!("post_to_path is not a URL: {e}"))?;
    let same = url.scheme() == manifest.scheme()
        && url.host() == manifest.host()
        && url.port_or_known_default() == manifest.port_or_known_default()
        && url.username().is_empty()
        && url.password().is_none();
    if !same {
        return Err(format!(
            "post_to_path must be on the integration's own host ({}://{})",
            manifest.scheme(),
            manifest.host_str().unwrap_or("")
        ));
    }
    Ok(url)
}

pub async fn proxy(
    State(host): State<Arc<HostState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let _pending = host.log.begin_proxy();
    let params: HashMap<String, String> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let client_data = String::from_utf8_lossy(&body).into_owned();
    let mut call = ProxyCall {
        at_ms: host.log.now_ms(),
        ticket_id: params.get("ticket_id").cloned(),
        post_to_path: params.get("post_to_path").cloned(),
        target: None,
        client_data,
        instance_metadata: None,
        upstream_status: None,
        status: 0,
        error: None,
        retry_after: None,
        duration_ms: 0,
    };
    let response = match forward(&host, &headers, &params, &body, &mut call).await {
        Ok(response) => response,
        Err(refusal) => {
            call.error = Some(refusal.description().to_owned());
            refusal.into_response()
        }
    };
    call.status = response.status().as_u16();
    call.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    tracing::info!(
        ticket_id = call.ticket_id.as_deref().unwrap_or(""),
        post_to_path = call.post_to_path.as_deref().unwrap_or(""),
        target = call.target.as_deref().unwrap_or(""),
        upstream_status = call.upstream_status,
        status = call.status,
        duration_ms = call.duration_ms,
        error = call.error.as_deref(),
        "proxied call"
    );
    host.log.push_proxy(call);
    response
}

async fn forward(
    host: &HostState,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
    body: &[u8],
    call: &mut ProxyCall,
) -> Result<Response, ApiError> {
    if !host.is_agent(headers) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Couldn't authenticate you",
            "the proxy is only for a signed-in agent's session",
        ));
    }
    if !host.csrf_ok(headers) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "InvalidCsrfToken",
            "the X-CSRF-Token header does not match the agent's session",
        ));
    }
    let Some(ticket_raw) = params.get("ticket_id") else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "ticket_id is required",
        ));
    };
    let Some(path_raw) = params.get("post_to_path") else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "post_to_path is required",
        ));
    };
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            NO_INSTANCE_ERROR,
            format!("no ticket {ticket_raw} of a channel integration instance"),
        )
    };
    // The ticket's own instance: its metadata is what goes along, and nothing else.
    let instance = ticket_raw
        .parse::<u64>()
        .ok()
        .and_then(|id| host.channel.desk.instance_of_ticket(id))
        .ok_or_else(not_found)?;
    let manifest_url = host.manifest_url.as_ref().ok_or_else(not_found)?;
    let target = resolve_post_to_path(manifest_url, path_raw)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, BAD_PATH_ERROR, e))?;
    call.target = Some(target.to_string());
    // Zendesk's own faults, if the sandbox injects any for this service path.
    let (proxy_fault, mut hold) = match host.faults.take_proxy(target.path()) {
        Some((fault, hold)) => (Some(fault), hold),
        None => (None, None),
    };
    if let Some(fault) = &proxy_fault {
        call.error = Some(fault.describe());
        if fault.hang == Some(Hang::Before)
            && let Some(hold) = hold.take()
        {
            hold.wait().await;
        }
        if let Some(response) = fault.response() {
            return Ok(response);
        }
    }
    let client_data = std::str::from_utf8(body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidJSON",
            "the body is not UTF-8",
        )
    })?;
    if !client_data.trim().is_empty()
        && serde_json::from_str::<serde::de::IgnoredAny>(client_data).is_err()
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidJSON",
            "the body must be JSON (or blank)",
        ));
    }
    call.instance_metadata = Some(instance.metadata.clone());

    // A fresh request: nothing of the agent's (cookie, CSRF token, user agent) goes along.
    let sent = host
        .client
        .post(target.clone())
        .timeout(host.proxy_timeout)
        .header(header::ACCEPT, "application/json")
        .form(&[
            ("instance_metadata", instance.metadata.as_str()),
            ("client_data", client_data),
        ])
        .send()
        .await;
    let upstream = match sent {
        Ok(r) => r,
        Err(e) => return Err(upstream_failure(&e)),
    };
    let status = upstream.status();
    call.upstream_status = Some(status.as_u16());
    let retry_after = upstream.headers().get(header::RETRY_AFTER).cloned();
    let bytes = upstream.bytes().await.map_err(|e| upstream_failure(&e))?;
    if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "BadGateway",
            format!(
                "the integration service answered HTTP {} with a body that is not JSON",
                status.as_u16()
            ),
        ));
    }
    let status = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        bytes,
    )
        .into_response();
    if let Some(value) = retry_after {
        call.retry_after = value.to_str().ok().map(str::to_owned);
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    if let Some(hold) = hold {
        // Held after the service answered (`Hang::After`; a `Before` hold is spent above).
        hold.wait().await;
    }
    Ok(response)
}

fn upstream_failure(e: &reqwest::Error) -> ApiError {
    if e.is_timeout() {
        ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "GatewayTimeout",
            "the integration service did not answer in time",
        )
    } else {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "BadGateway",
            "the integration service could not be reached or closed the connection",
        )
    }
}

#[cfg(test)]
mod tests {
    use heart_contract::MAX_POST_TO_PATH;

    use super::*;

    #[test]
    fn post_to_path_stays_on_the_manifest_host() {
        let manifest = Url::parse("http://127.0.0.1:4569/manifest.json").expect("url");
        let ok = |raw| resolve_post_to_path(&manifest, raw).map(|u| u.to_string());
        assert_eq!(ok("/like").as_deref(), Ok("http://127.0.0.1:4569/like"));
        assert_eq!(
            ok("like_state").as_deref(),
            Ok("http://127.0.0.1:4569/like_state")
        );
        assert_eq!(
            ok("http://127.0.0.1:4569/like?x=1").as_deref(),
            Ok("http://127.0.0.1:4569/like?x=1")
        );
        for bad in [
            "",
            "//evil.example/like",
            "https://127.0.0.1:4569/like",
            "http://127.0.0.1:9999/like",
            "http://localhost:4569/like",
            "http://user@127.0.0.1:4569/like",
            "javascript:alert(1)",
            "/\\evil.example/like",
            "/like\u{200B}",
            "/like\u{202E}",
        ] {
            assert!(ok(bad).is_err(), "{bad:?} should be refused");
        }
        let at_limit = format!("/{}", "a".repeat(MAX_POST_TO_PATH - 1));
        assert!(ok(&at_limit).is_ok());
        let over = format!("/{}", "a".repeat(MAX_POST_TO_PATH));
        assert!(ok(&over).is_err());
    }
}
