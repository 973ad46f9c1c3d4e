//! The Any Channel proxy over real HTTP: the agent's request in, a form POST to the reference
//! service out, and what comes back. Faults act on the real proxy ↔ service exchange.

mod common;

use std::time::{Duration, Instant};

use common::{PHOTO_62, answer, http, sign_in, start};
use reqwest::Method;
use reqwest::header::COOKIE;
use sandbox::config::OMNIWEAR_TOKEN;
use sandbox::{Config, Fault};
use serde_json::json;

fn query(ticket: &str, path: &str) -> String {
    serde_urlencoded::to_string([("ticket_id", ticket), ("post_to_path", path)]).expect("query")
}

#[tokio::test]
async fn forwards_the_body_as_client_data_with_the_instance_metadata() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let body = json!({"ticket_id": "62", "external_id": PHOTO_62});
    let a = agent.proxy(62, "/like_state", body.clone()).await;
    assert_eq!(a.status, 200, "{}", a.json);
    assert_eq!(
        a.json,
        json!({"liked": false, "like_count": 41, "account": "@omniwear"})
    );
    assert!(
        a.content_type
            .unwrap_or_default()
            .starts_with("application/json")
    );

    let proxied = sandbox.log.proxy_calls();
    assert_eq!(proxied.len(), 1);
    let call = &proxied[0];
    assert_eq!(call.ticket_id.as_deref(), Some("62"));
    assert_eq!(call.post_to_path.as_deref(), Some("/like_state"));
    let target = format!("{}/like_state", sandbox.integration_url());
    assert_eq!(call.target.as_deref(), Some(target.as_str()));
    assert_eq!(call.status, 200);

    let received = sandbox.log.service_calls();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.method, "POST");
    assert_eq!(got.path, "/like_state");
    assert_eq!(
        got.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        got.cookie, None,
        "the agent's cookie must not reach the service"
    );
    // The ticket's own instance's metadata (as its admin UI stored it) went along: the service
    // acted as its account; the log records it redacted.
    let omniwear = sandbox
        .channel
        .desk
        .instance_named("Omniwear")
        .expect("Omniwear");
    assert_eq!(call.instance, Some(omniwear.id));
    assert!(omniwear.metadata.contains(OMNIWEAR_TOKEN));
    assert_eq!(
        got.instance_metadata.as_deref(),
        Some(sandbox::redact::REDACTED)
    );
    let client_data: serde_json::Value =
        serde_json::from_str(got.client_data.as_deref().expect("client_data")).expect("json");
    assert_eq!(client_data, body);

    // A like goes through to the origin and the answer is relayed.
    let like = json!({"ticket_id": "62", "external_id": PHOTO_62, "liked": true});
    let a = agent.proxy(62, "/like", like).await;
    assert_eq!(
        (a.status, a.json),
        (
            200,
            json!({"liked": true, "like_count": 42, "account": "@omniwear"})
        )
    );
    assert!(
        sandbox
            .instagram
            .photo("omniwear", PHOTO_62)
            .expect("photo")
            .liked
    );
}

#[tokio::test]
async fn only_for_a_signed_in_agent_with_the_csrf_token() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let url = format!(
        "http://{}/api/v2/any_channel/proxy.json?{}",
        sandbox.host_addr,
        query("62", "/like_state")
    );
    let body = json!({"ticket_id": "62", "external_id": PHOTO_62}).to_string();

    let anonymous = http()
        .post(&url)
        .body(body.clone())
        .send()
        .await
        .expect("proxy");
    let a = answer(anonymous).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json["error"], "Couldn't authenticate you");

    let forged = http()
        .post(&url)
        .header(COOKIE, "_zendesk_session=0123456789abcdef")
        .header("X-CSRF-Token", &agent.csrf)
        .body(body.clone())
        .send()
        .await
        .expect("proxy");
    assert_eq!(answer(forged).await.status, 401);

    let no_csrf = http()
        .post(&url)
        .header(COOKIE, &agent.cookie)
        .body(body)
        .send()
        .await
        .expect("proxy");
    let a = answer(no_csrf).await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (403, json!("InvalidCsrfToken"))
    );
    assert!(
        sandbox.log.service_calls().is_empty(),
        "nothing reached the service"
    );
}

#[tokio::test]
async fn refuses_tickets_and_paths_as_zendesk_does() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let body = json!({"ticket_id": "62", "external_id": PHOTO_62}).to_string();
    let own = format!("{}/like_state", sandbox.integration_url());
    let plain_http = format!(
        "http://localhost:{}/like_state",
        sandbox.integration_addr.port()
    );
    let other_port = "https://localhost:1/like_state".to_owned();
    let long = format!("/{}", "a".repeat(511));
    let cases: Vec<(String, u16, &str)> = vec![
        (query("63", "/like_state"), 404, "RecordNotFound"),
        (query("999", "/like_state"), 404, "RecordNotFound"),
        (query("abc", "/like_state"), 404, "RecordNotFound"),
        ("post_to_path=%2Flike_state".into(), 400, "InvalidParameter"),
        ("ticket_id=62".into(), 400, "InvalidParameter"),
        (query("62", ""), 400, "InvalidPostToPath"),
        (query("62", &long), 400, "InvalidPostToPath"),
        (
            query("62", "//evil.example/like_state"),
            400,
            "InvalidPostToPath",
        ),
        (
            query("62", "https://evil.example/like_state"),
            400,
            "InvalidPostToPath",
        ),
        (query("62", &other_port), 400, "InvalidPostToPath"),
        (query("62", &plain_http), 400, "InvalidPostToPath"),
    ];
    for (q, status, error) in cases {
        let a = agent.proxy_raw(&q, &body).await;
        assert_eq!(a.status, status, "{q}: {}", a.json);
        assert_eq!(a.json["error"], error, "{q}");
        assert!(a.json["description"].is_string(), "{q}: {}", a.json);
    }
    assert!(
        sandbox.log.service_calls().is_empty(),
        "nothing reached the service"
    );

    // 511 characters and an absolute URL on the manifest's own host are fine.
    let at_limit = format!("/{}", "a".repeat(510));
    let a = agent.proxy_raw(&query("62", &at_limit), &body).await;
    assert_eq!(a.status, 404, "the service has no such route: {}", a.json);
    let a = agent.proxy_raw(&query("62", &own), &body).await;
    assert_eq!(a.status, 200, "{}", a.json);

    let a = agent
        .proxy_raw(&query("62", "/like_state"), "{not json")
        .await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (400, json!("InvalidJSON"))
    );
}

#[tokio::test]
async fn relays_the_services_errors_with_their_status() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    // Ticket 65's instance holds a revoked token.
    let a = agent
        .proxy(
            65,
            "/like_state",
            json!({"ticket_id": "65", "external_id": "ig:17860000000000001"}),
        )
        .await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (401, json!("unauthorized"))
    );
    // A blank body is forwarded as an empty client_data, which this service cannot use.
    let a = agent.proxy_raw(&query("62", "/like_state"), "").await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (400, json!("invalid_client_data"))
    );
    let calls = sandbox.log.service_calls();
    assert_eq!(
        calls.last().and_then(|c| c.client_data.as_deref()),
        Some("")
    );
}

#[tokio::test]
async fn injected_faults_become_what_zendesk_would_answer() {
    let config = Config {
        proxy_timeout_ms: 400,
        ..Config::default()
    };
    let sandbox = start(config).await;
    let agent = sign_in(&sandbox).await;
    let state = json!({"ticket_id": "62", "external_id": PHOTO_62});

    sandbox.faults.set(
        "/like_state",
        Fault {
            status: Some(500),
            ..Fault::default()
        },
    );
    let a = agent.proxy(62, "/like_state", state.clone()).await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (500, json!("injected_fault"))
    );

    sandbox.faults.set(
        "/like_state",
        Fault {
            retry_after: Some(30),
            ..Fault::default()
        },
    );
    let a = agent.proxy(62, "/like_state", state.clone()).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.retry_after.as_deref(), Some("30"));
    assert_eq!(
        sandbox
            .log
            .proxy_calls()
            .last()
            .and_then(|c| c.retry_after.clone())
            .as_deref(),
        Some("30")
    );

    sandbox.faults.set(
        "/like_state",
        Fault {
            malformed_json: true,
            ..Fault::default()
        },
    );
    let a = agent.proxy(62, "/like_state", state.clone()).await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (502, json!("BadGateway"))
    );

    sandbox.faults.set(
        "/like_state",
        Fault {
            drop_connection: true,
            ..Fault::default()
        },
    );
    let a = agent.proxy(62, "/like_state", state.clone()).await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (502, json!("BadGateway"))
    );
    let why = a.json["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(why.contains("closed the connection"), "{why}");

    sandbox.faults.set(
        "/like_state",
        Fault {
            latency_ms: 2_000,
            ..Fault::default()
        },
    );
    let started = Instant::now();
    let a = agent.proxy(62, "/like_state", state.clone()).await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (504, json!("GatewayTimeout"))
    );
    assert!(
        started.elapsed() < Duration::from_millis(1_500),
        "the proxy's timeout applies"
    );

    // A latency under the timeout only delays; a counted fault clears itself.
    sandbox.faults.set(
        "/like_state",
        Fault {
            latency_ms: 150,
            ..Fault::default()
        },
    );
    let started = Instant::now();
    let a = agent.proxy(62, "/like_state", state.clone()).await;
    assert_eq!(a.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    sandbox.faults.set(
        "/like_state",
        Fault {
            status: Some(503),
            times: Some(1),
            ..Fault::default()
        },
    );
    assert_eq!(
        agent.proxy(62, "/like_state", state.clone()).await.status,
        503
    );
    assert_eq!(
        agent.proxy(62, "/like_state", state.clone()).await.status,
        200
    );

    // Faults are per path.
    sandbox.faults.set(
        "/like",
        Fault {
            status: Some(500),
            ..Fault::default()
        },
    );
    assert_eq!(
        agent.proxy(62, "/like_state", state.clone()).await.status,
        200
    );
}

#[tokio::test]
async fn faults_and_the_log_are_reachable_over_http() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let set = agent
        .control(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"path": "/like", "fault": {"retry_after": 5}})),
        )
        .await;
    assert_eq!(set.status(), 200);
    let like = json!({"ticket_id": "62", "external_id": PHOTO_62, "liked": true});
    let a = agent.proxy(62, "/like", like).await;
    assert_eq!((a.status, a.retry_after.as_deref()), (429, Some("5")));

    let bad = agent
        .control(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"path": "/like", "fault": {"explode": true}})),
        )
        .await;
    assert_eq!(answer(bad).await.status, 400);

    let cleared = agent.control(Method::DELETE, "/sandbox/faults", None).await;
    assert_eq!(answer(cleared).await.json, json!({}));

    let log = answer(agent.control(Method::GET, "/sandbox/log", None).await).await;
    assert_eq!(log.json["proxy"][0]["status"], 429);
    assert_eq!(log.json["service"][0]["path"], "/like");

    // "Another agent" unlikes/likes on the origin directly.
    let other = agent
        .control(
            Method::POST,
            "/sandbox/origin/like",
            Some(json!({"account": "omniwear", "photo_id": PHOTO_62, "liked": true})),
        )
        .await;
    let a = answer(other).await;
    assert_eq!(
        (
            a.status,
            a.json["liked"].clone(),
            a.json["like_count"].clone()
        ),
        (200, json!(true), json!(42))
    );
}

#[tokio::test]
async fn a_dead_service_is_a_bad_gateway() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let body = json!({"ticket_id": "62", "external_id": PHOTO_62});
    assert_eq!(
        agent.proxy(62, "/like_state", body.clone()).await.status,
        200
    );
    // From now on nobody listens on the integration's port.
    sandbox.stop_integration();
    let port = sandbox.integration_addr.port();
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(Instant::now() < deadline, "the integration kept listening");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let a = agent.proxy(62, "/like_state", body).await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (502, json!("BadGateway"))
    );
    let call = sandbox.log.proxy_calls().pop().expect("logged");
    assert_eq!(
        call.target,
        Some(format!("https://localhost:{port}/like_state"))
    );
    assert_eq!(call.upstream_status, None);
}
