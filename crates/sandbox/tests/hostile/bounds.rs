//! Numbers and bytes past their bounds: faults with huge numbers refused while the sandbox
//! serves on, answers over the proxy's cap, and request bodies refused before they are read or
//! kept in the log only in part.

use std::io::{Read, Write};
use std::time::Duration;

use crate::common::{answer, sign_in, start};
use crate::read_62;
use reqwest::Method;
use sandbox::{Config, Fault};
use serde_json::json;

#[tokio::test]
async fn huge_numbers_are_refused_and_the_sandbox_serves_on() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    for fault in [
        json!({"pad_bytes": 1_000_000_000_000u64}),
        json!({"retry_after_date_s": u64::MAX}),
        json!({"retry_after": u64::MAX}),
        json!({"latency_ms": u64::MAX}),
        json!({"status": 0}),
        json!({"after_status": 65535}),
    ] {
        let r = agent
            .control(
                Method::POST,
                "/sandbox/faults",
                Some(json!({"path": "/like_state", "fault": fault})),
            )
            .await;
        let a = answer(r).await;
        assert_eq!(a.status, 400, "{fault}: {}", a.json);
        assert!(sandbox.faults.all().is_empty(), "{fault} was set");
        assert_eq!(read_62(&agent).await.status, 200);
    }
    let long_path = format!("/{}", "a".repeat(600));
    let r = agent
        .control(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"path": long_path, "fault": {}})),
        )
        .await;
    assert_eq!(r.status(), 400);

    // In-process callers are trusted, but the answers bound their numbers anyway.
    sandbox.faults.set(
        "/like_state",
        Fault {
            retry_after_date_s: Some(u64::MAX),
            times: Some(1),
            ..Fault::default()
        },
    );
    let a = read_62(&agent).await;
    assert_eq!(a.status, 429, "{}", a.json);
    assert!(a.retry_after.is_some_and(|d| d.ends_with(" GMT")));
    sandbox.faults.set(
        "/like_state",
        Fault {
            pad_bytes: Some(1_000_000_000_000),
            times: Some(1),
            ..Fault::default()
        },
    );
    let a = read_62(&agent).await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (502, json!("BadGateway")),
        "an answer over the proxy's cap is a bad gateway: {}",
        a.json
    );
    assert!(
        a.json["description"]
            .as_str()
            .unwrap_or("")
            .contains("over 16 MiB"),
        "{}",
        a.json
    );
    assert_eq!(read_62(&agent).await.status, 200);
}

#[tokio::test]
async fn a_2_mb_request_to_the_proxy_without_a_session_leaves_the_log_unchanged() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    agent
        .proxy(62, "/like_state", json!({"ticket_id": "62"}))
        .await;
    let bytes_before = sandbox.log.bytes();
    let calls_before = sandbox.log.proxy_total();
    // Refused before the body is read: the answer comes while the body is still unsent; the
    // body then goes to a connection that reads none of it.
    let addr = sandbox.host_addr;
    let early = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            s,
            "POST /api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike_state \
             HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: 2097152\r\n\r\n"
        )
        .expect("headers");
        let mut answer = [0u8; 12];
        s.read_exact(&mut answer)
            .expect("an answer before the body");
        let _ = s.write_all(&vec![b'x'; 2 * 1024 * 1024]);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .expect("joined");
    assert_eq!(early, "HTTP/1.1 401");
    let bytes_after = sandbox.log.bytes();
    eprintln!(
        "log bytes before {bytes_before}, after a 2 MiB call without a session {bytes_after}"
    );
    assert_eq!(bytes_after, bytes_before);
    assert_eq!(sandbox.log.proxy_total(), calls_before);
    // With the session, the body is read (and forwarded), and what the log keeps of it, of the
    // proxy's call and the service's, is bounded.
    let big = format!(
        "{{\"ticket_id\": \"62\", \"pad\": \"{}\"}}",
        "x".repeat(1_900_000)
    );
    let a = agent
        .proxy_raw("ticket_id=62&post_to_path=%2Flike_state", &big)
        .await;
    assert_eq!(a.status, 413, "the service reads at most 1 MiB: {}", a.json);
    let grown = sandbox.log.bytes() - bytes_after;
    eprintln!("a 1.9 MB call with the session adds {grown} bytes");
    assert!(grown < 4 * sandbox::log::MAX_FIELD_BYTES, "{grown}");
    let over = "x".repeat(sandbox::zendesk::proxy::MAX_REQUEST_BODY + 1);
    let a = agent
        .proxy_raw("ticket_id=62&post_to_path=%2Flike_state", &over)
        .await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (413, json!("PayloadTooLarge"))
    );
}
