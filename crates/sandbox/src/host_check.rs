//! The `Host` check of every listener: a request is served only when its `Host` names the
//! listener as the sandbox itself is reached, `localhost`, the configured `host_name` or an IP
//! address, with the listener's port. A page on another domain that re-points its name at the
//! loopback address (DNS rebinding) sends its own name and gets 421; an IP address cannot be
//! re-pointed, so any is fine (the bind address, `127.0.0.1`, a LAN address when bound to all).

use std::net::{IpAddr, Ipv6Addr};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};

/// The names one listener answers to.
#[derive(Clone, Debug)]
pub struct Served {
    /// The configured `host_name` (e.g. `localhost`).
    pub host_name: String,
    pub port: u16,
}

/// Splits a `Host` value into its host and port: `name`, `name:port`, `[v6]`, `[v6]:port`.
fn split(value: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = match value.strip_prefix('[') {
        Some(rest) => {
            let (ip, after) = rest.split_once(']')?;
            ip.parse::<Ipv6Addr>().ok()?;
            (ip, after)
        }
        // The port keeps its ':' so that "name:" is not read as no port.
        None => match value.find(':') {
            Some(at) => value.split_at(at),
            None => (value, ""),
        },
    };
    let port = match port {
        "" => None,
        p => Some(p.strip_prefix(':')?.parse().ok()?),
    };
    Some((host, port))
}

impl Served {
    /// Whether a request with this `Host` value is for this listener.
    pub fn allows(&self, host_header: &str) -> bool {
        let Some((host, port)) = split(host_header.trim()) else {
            return false;
        };
        let name_ok = host.eq_ignore_ascii_case("localhost")
            || host.eq_ignore_ascii_case(&self.host_name)
            || host.parse::<IpAddr>().is_ok();
        name_ok && port.unwrap_or(80) == self.port
    }

    /// `router` with the check in front of every route.
    pub fn guard(self, router: Router) -> Router {
        router.layer(from_fn_with_state(self, check))
    }
}

async fn check(State(served): State<Served>, request: Request, next: Next) -> Response {
    let Some(host) = request.headers().get(header::HOST) else {
        return (StatusCode::BAD_REQUEST, "a Host header is required\n").into_response();
    };
    if !host.to_str().is_ok_and(|h| served.allows(h)) {
        return (
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this sandbox serves {}:{} (or an IP address of this machine) only\n",
                served.host_name, served.port
            ),
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served() -> Served {
        Served {
            host_name: "zendesk.test".into(),
            port: 4567,
        }
    }

    #[test]
    fn the_sandbox_own_names_with_the_listeners_port_only() {
        for ok in [
            "localhost:4567",
            "LOCALHOST:4567",
            "zendesk.test:4567",
            "127.0.0.1:4567",
            "0.0.0.0:4567",
            "192.168.1.20:4567",
            "[::1]:4567",
        ] {
            assert!(served().allows(ok), "{ok}");
        }
        for refused in [
            "evil.example:4567",
            "localhost.evil.example:4567",
            "localhost:4568",
            "localhost",
            "127.0.0.1",
            "localhost:4567:80",
            "localhost:",
            "localhost:99999",
            "user@localhost:4567",
            "::1:4567",
            "[::1:4567",
            "[evil]:4567",
            "127.0.0.1.nip.io:4567",
            "",
        ] {
            assert!(!served().allows(refused), "{refused}");
        }
        let http = Served {
            host_name: "localhost".into(),
            port: 80,
        };
        assert!(http.allows("localhost"));
    }

    #[test]
    fn no_panic_on_multi_byte_text_at_every_offset() {
        for base in ["localhost:4567", "[::1]:4567"] {
            crate::text::at_every_offset(base, |host| {
                assert!(!served().allows(host), "{host}");
            });
        }
    }
}
