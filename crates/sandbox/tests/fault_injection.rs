//! The sandbox's own faults over real HTTP: the proxy's refusals, faults that fire after the
//! service applied the call, a call the proxy holds open, and what `/sandbox/log` may show.

mod common;

use std::time::Duration;

use common::{PHOTO_62, http, sign_in, start};
use sandbox::config::OMNIWEAR_TOKEN;
use sandbox::{Config, Fault, Hang, ProxyFault};
use serde_json::json;

fn like(liked: bool) -> serde_json::Value {
    json!({"ticket_id": "62", "external_id": PHOTO_62, "liked": liked})
}

/// Sends a proxied call and returns its status, content type and raw body.
async fn raw(agent: &common::Agent, path: &str, body: serde_json::Value) -> (u16, String, String) {
    let query =
        serde_urlencoded::to_string([("ticket_id", "62"), ("post_to_path", path)]).expect("query");
    let r = agent.proxy_response(&query, &body.to_string()).await;
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = r.text().await.unwrap_or_default();
    (status, content_type, text)
}

#[tokio::test]
async fn the_proxys_own_faults_never_reach_the_service() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    for (status, error) in [
        (401, "Couldn't authenticate you"),
        (403, "Forbidden"),
        (404, "RecordNotFound"),
        (500, "InternalError"),
    ] {
        sandbox.faults.set_proxy(
            "/like",
            ProxyFault {
                status: Some(status),
                times: Some(1),
                ..ProxyFault::default()
            },
        );
        let a = agent.proxy(62, "/like", like(true)).await;
        assert_eq!((a.status, a.json["error"].as_str()), (status, Some(error)));
    }
    sandbox.faults.set_proxy(
        "/like",
        ProxyFault {
            status: Some(429),
            retry_after: Some("Wed, 21 Oct 2026 07:28:00 GMT".into()),
            times: Some(1),
            ..ProxyFault::default()
        },
    );
    let a = agent.proxy(62, "/like", like(true)).await;
    assert_eq!(a.status, 429);
    assert_eq!(
        a.retry_after.as_deref(),
        Some("Wed, 21 Oct 2026 07:28:00 GMT")
    );
    sandbox.faults.set_proxy(
        "/like",
        ProxyFault {
            html: true,
            times: Some(1),
            ..ProxyFault::default()
        },
    );
    let (status, content_type, body) = raw(&agent, "/like", like(true)).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html") && body.contains("<title>"));
    sandbox.faults.set_proxy(
        "/like",
        ProxyFault {
            no_content: true,
            times: Some(1),
            ..ProxyFault::default()
        },
    );
    let (status, _, body) = raw(&agent, "/like", like(true)).await;
    assert_eq!((status, body.as_str()), (204, ""));
    assert!(
        sandbox.log.service_calls().is_empty(),
        "the service saw nothing"
    );
    assert!(
        !sandbox
            .origin
            .photo("omniwear", PHOTO_62)
            .expect("photo")
            .liked
    );
    // Scoped to its path: reads still work.
    sandbox.faults.set_proxy(
        "/like",
        ProxyFault {
            status: Some(500),
            ..ProxyFault::default()
        },
    );
    let a = agent
        .proxy(
            62,
            "/like_state",
            json!({"ticket_id": "62", "external_id": PHOTO_62}),
        )
        .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn faults_after_the_service_handled_the_call_leave_it_applied() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let liked = || {
        sandbox
            .origin
            .photo("omniwear", PHOTO_62)
            .expect("photo")
            .liked
    };
    sandbox.faults.set(
        "/like",
        Fault {
            after_status: Some(504),
            times: Some(1),
            ..Fault::default()
        },
    );
    let a = agent.proxy(62, "/like", like(true)).await;
    assert_eq!(a.status, 504);
    assert!(liked(), "applied before the 504");
    sandbox.faults.set(
        "/like",
        Fault {
            after_drop: true,
            times: Some(1),
            ..Fault::default()
        },
    );
    let a = agent.proxy(62, "/like", like(false)).await;
    assert_eq!(
        (a.status, a.json["error"].as_str()),
        (502, Some("BadGateway"))
    );
    assert!(!liked(), "applied before the connection dropped");
    sandbox.faults.set(
        "/like",
        Fault {
            pad_bytes: Some(10_000_000),
            times: Some(1),
            ..Fault::default()
        },
    );
    let (status, _, body) = raw(&agent, "/like", like(true)).await;
    assert_eq!(status, 200);
    assert!(body.len() >= 10_000_000, "{} bytes", body.len());
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(answer["liked"], true);
    assert!(liked());
    // Before the service: wrong types, and a Retry-After date.
    sandbox.faults.set(
        "/like",
        Fault {
            wrong_types: true,
            times: Some(1),
            ..Fault::default()
        },
    );
    let a = agent.proxy(62, "/like", like(false)).await;
    assert_eq!(
        (a.status, a.json.clone()),
        (200, json!({"liked": "yes", "like_count": -1}))
    );
    assert!(liked(), "not applied");
    sandbox.faults.set(
        "/like",
        Fault {
            retry_after_date_s: Some(30),
            times: Some(1),
            ..Fault::default()
        },
    );
    let a = agent.proxy(62, "/like", like(false)).await;
    assert_eq!(a.status, 429);
    let date = a.retry_after.expect("Retry-After");
    assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");
}

#[tokio::test]
async fn a_held_call_answers_only_when_released() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    for hang in [Hang::Before, Hang::After] {
        sandbox.faults.set_proxy(
            "/like",
            ProxyFault {
                hang: Some(hang),
                times: Some(1),
                ..ProxyFault::default()
            },
        );
        let call = tokio::spawn({
            let agent = common::Agent {
                cookie: agent.cookie.clone(),
                csrf: agent.csrf.clone(),
                host: agent.host.clone(),
            };
            async move { agent.proxy(62, "/like", like(hang == Hang::Before)).await }
        });
        while sandbox.faults.held() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(sandbox.log.proxy_pending(), 1);
        // Held before: the like (true) is not applied yet. Held after: the unlike is, once
        // the service has answered (the hold is armed when the call takes its fault, so
        // before that).
        let liked = || {
            sandbox
                .origin
                .photo("omniwear", PHOTO_62)
                .expect("photo")
                .liked
        };
        if hang == Hang::After {
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while liked() && std::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        assert!(!liked(), "{hang:?}");
        assert!(!call.is_finished());
        sandbox.faults.release();
        let a = tokio::time::timeout(Duration::from_secs(5), call)
            .await
            .expect("answered once released")
            .expect("joined");
        assert_eq!(a.status, 200);
        assert_eq!(sandbox.log.proxy_pending(), 0);
    }
}

#[tokio::test]
async fn the_served_log_shows_no_token_and_no_cookie() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    agent.proxy(62, "/like", like(true)).await;
    let log = http()
        .get(format!("{}/sandbox/log", agent.host))
        .send()
        .await
        .expect("log")
        .text()
        .await
        .expect("text");
    assert!(log.contains("/like"), "{log}");
    assert!(!log.contains(OMNIWEAR_TOKEN), "{log}");
    let session = agent.cookie.split('=').nth(1).expect("session id");
    assert!(!log.contains(session), "{log}");
    assert!(!log.contains("instance_metadata="), "{log}");
    // The faults are listed with the proxy's apart.
    sandbox.faults.set_proxy(
        "/like",
        ProxyFault {
            status: Some(403),
            ..ProxyFault::default()
        },
    );
    let listing = http()
        .get(format!("{}/sandbox/faults", agent.host))
        .send()
        .await
        .expect("faults")
        .text()
        .await
        .expect("text");
    let listing: serde_json::Value = serde_json::from_str(&listing).expect("json");
    assert_eq!(listing["proxy /like"]["status"], 403);
}
