//! The sandbox's wrapper around the integration service: logs every request as it arrived
//! and applies the injected faults.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use heart_contract::{ErrorBody, ProxyForm};

use crate::faults::{Fault, Faults};
use crate::log::{RequestLog, ServiceCall};

#[derive(Clone)]
pub struct Observer {
    pub faults: Arc<Faults>,
    pub log: Arc<RequestLog>,
}

const MAX_BODY: usize = 1 << 20;

pub async fn observe(State(obs): State<Observer>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(ErrorBody::new(
                "payload_too_large",
                "the body is over 1 MiB",
            )),
        )
            .into_response();
    };
    let header_str = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let form = serde_urlencoded::from_bytes::<ProxyForm>(&bytes).ok();
    let path = parts.uri.path().to_owned();
    let fault = obs.faults.take(&path);
    let index = obs.log.push_service(ServiceCall {
        at_ms: obs.log.now_ms(),
        method: parts.method.to_string(),
        path: path.clone(),
        content_type: header_str(header::CONTENT_TYPE),
        cookie: header_str(header::COOKIE),
        instance_metadata: form.as_ref().map(|f| f.instance_metadata.clone()),
        client_data: form.map(|f| f.client_data),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        fault: fault.as_ref().map(Fault::describe),
        status: 0,
    });
    tracing::info!(
        method = %parts.method,
        path = %path,
        fault = fault.as_ref().map(Fault::describe),
        "integration service request"
    );

    if let Some(fault) = &fault {
        if fault.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
        }
        if let Some(response) = faulty_response(fault) {
            let status = if fault.drop_connection {
                0
            } else {
                response.status().as_u16()
            };
            obs.log.set_service_status(index, status);
            return response;
        }
    }

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    obs.log
        .set_service_status(index, response.status().as_u16());
    response
}

/// The answer a fault replaces the service's with (`None`: answer normally).
fn faulty_response(fault: &Fault) -> Option<Response> {
    if fault.drop_connection {
        // The headers may go out, but the body fails: hyper closes the connection mid-answer.
        let stream = futures_util::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "injected fault: connection dropped",
            ))
        });
        return Some(Response::new(Body::from_stream(stream)));
    }
    if let Some(seconds) = fault.retry_after {
        let body = ErrorBody::new(
            "rate_limited",
            format!("the origin's rate limit was hit; retry after {seconds} seconds"),
        );
        return Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, seconds.to_string())],
                Json(body),
            )
                .into_response(),
        );
    }
    if let Some(code) = fault.status {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody::new("injected_fault", format!("injected fault: HTTP {code}"));
        return Some((status, Json(body)).into_response());
    }
    if fault.malformed_json {
        return Some(
            (
                [(header::CONTENT_TYPE, "application/json")],
                "{\"liked\": tru",
            )
                .into_response(),
        );
    }
    None
}
