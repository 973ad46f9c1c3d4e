//! Requests for another host (DNS rebinding) refused on every listener, the integration's
//! included.

use std::io::{Read, Write};
use std::time::Duration;

use crate::common::{http, https, start};
use sandbox::Config;

/// A raw request with this `Host` line (or none), and the answer's status line.
fn status_line(addr: std::net::SocketAddr, host_line: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let version = if host_line.is_empty() { "1.0" } else { "1.1" };
    write!(
        s,
        "GET /sandbox/certificate.pem HTTP/{version}\r\n{host_line}Connection: close\r\n\r\n"
    )
    .expect("request");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn requests_for_another_host_are_refused_on_every_listener() {
    let sandbox = start(Config::default()).await;
    for addr in [sandbox.host_addr, sandbox.app_addr, sandbox.instagram_addr] {
        let port = addr.port();
        let line = |host: String| tokio::task::spawn_blocking(move || status_line(addr, &host));
        for refused in [
            format!("Host: attacker.example:{port}\r\n"),
            format!("Host: localhost.attacker.example:{port}\r\n"),
            format!("Host: localhost:{}\r\n", port.wrapping_add(1)),
        ] {
            let got = line(refused.clone()).await.expect("joined");
            assert!(got.starts_with("HTTP/1.1 421"), "{addr} {refused:?}: {got}");
        }
        let none = line(String::new()).await.expect("joined");
        assert!(
            none.starts_with("HTTP/1.0 400"),
            "{addr} without Host: {none}"
        );
        for served in [
            format!("Host: localhost:{port}\r\n"),
            format!("Host: 127.0.0.1:{port}\r\n"),
        ] {
            let got = line(served.clone()).await.expect("joined");
            assert!(
                got.starts_with("HTTP/1.1 ") && !got.contains("421") && !got.contains("400"),
                "{addr} {served:?}: {got}"
            );
        }
    }
    // The integration too (over HTTPS); the agent's pages as the browser reaches them.
    let integration = https(&sandbox);
    let manifest = format!("{}/manifest.json", sandbox.integration_url());
    let rebound = integration
        .get(&manifest)
        .header(
            "Host",
            format!("attacker.example:{}", sandbox.integration_addr.port()),
        )
        .send()
        .await
        .expect("integration");
    assert_eq!(rebound.status(), 421);
    assert_eq!(
        integration
            .get(&manifest)
            .send()
            .await
            .expect("manifest")
            .status(),
        200
    );
    let page = http()
        .get(sandbox.ticket_url(62))
        .send()
        .await
        .expect("ticket page");
    assert!(sandbox.ticket_url(62).starts_with("http://localhost:"));
    assert_eq!(page.status(), 200);
    assert_eq!(
        sandbox.log.service_calls().len(),
        1,
        "the refused call was not logged"
    );
}
