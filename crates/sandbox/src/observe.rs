//! The sandbox's wrapper around the integration service: logs every request as it arrived
//! and applies the injected faults.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use heart_contract::ProxyForm;

use crate::faults::{Fault, Faults, dropped};
use crate::log::{RequestLog, ServiceCall};
use heart_contract::ApiError;

#[derive(Clone)]
pub struct Observer {
    pub faults: Arc<Faults>,
    pub log: Arc<RequestLog>,
}

const MAX_BODY: usize = 1 << 20;

pub async fn observe(State(obs): State<Observer>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the body is over 1 MiB",
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
    // Each proxied call has its own line at info level; what the service received is in the
    // request log, and here only at debug level unless a fault is set for it.
    if fault.is_some() {
        tracing::info!(
            method = %parts.method,
            path = %path,
            fault = fault.as_ref().map(Fault::describe),
            "integration service request"
        );
    } else {
        tracing::debug!(method = %parts.method, path = %path, "integration service request");
    }

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
    match &fault {
        Some(fault) => after_handling(fault, response).await,
        None => response,
    }
}

/// The answer a fault that fires after the service handled the call makes of the service's.
async fn after_handling(fault: &Fault, response: Response) -> Response {
    if fault.after_drop {
        return dropped();
    }
    if let Some(code) = fault.after_status {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::GATEWAY_TIMEOUT);
        return ApiError::new(
            status,
            "injected_fault",
            format!("injected fault: HTTP {code} after the call was handled"),
        )
        .into_response();
    }
    if let Some(size) = fault.pad_bytes {
        let (parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let Ok(serde_json::Value::Object(mut answer)) = serde_json::from_slice(&bytes) else {
            return Response::from_parts(parts, Body::from(bytes));
        };
        answer.insert(
            "padding".into(),
            serde_json::Value::String("x".repeat(size.saturating_sub(bytes.len()))),
        );
        let padded = serde_json::Value::Object(answer).to_string();
        let mut response = Response::from_parts(parts, Body::from(padded));
        response.headers_mut().remove(header::CONTENT_LENGTH);
        return response;
    }
    response
}

/// The answer a fault replaces the service's with before it sees the call (`None`: the
/// service handles it).
fn faulty_response(fault: &Fault) -> Option<Response> {
    if fault.drop_connection {
        // The headers may go out, but the body fails: hyper closes the connection mid-answer.
        return Some(dropped());
    }
    if let Some(seconds) = fault.retry_after {
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("the origin's rate limit was hit; retry after {seconds} seconds"),
        );
        return Some(([(header::RETRY_AFTER, seconds.to_string())], error).into_response());
    }
    if let Some(ahead) = fault.retry_after_date_s {
        let at = std::time::SystemTime::now() + Duration::from_secs(ahead);
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "the origin's rate limit was hit",
        );
        return Some(([(header::RETRY_AFTER, http_date(at))], error).into_response());
    }
    if let Some(code) = fault.status {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let error = ApiError::new(
            status,
            "injected_fault",
            format!("injected fault: HTTP {code}"),
        );
        return Some(error.into_response());
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
    if fault.wrong_types {
        return Some(Json(serde_json::json!({"liked": "yes", "like_count": -1})).into_response());
    }
    None
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), rounded up to the next whole second.
pub fn http_date(at: std::time::SystemTime) -> String {
    let since = at.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() + u64::from(since.subsec_nanos() > 0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days.rem_euclid(7)) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdates() {
        let at = std::time::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(at), "Sun, 06 Nov 1994 08:49:37 GMT");
        let at = std::time::UNIX_EPOCH + Duration::from_millis(1_795_600_800_001);
        assert_eq!(http_date(at), "Wed, 25 Nov 2026 10:00:01 GMT");
        assert_eq!(
            http_date(std::time::UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
    }
}
