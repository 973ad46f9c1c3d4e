//! The sandbox's controls and the mock Instagram's forms: refused to any request a page from
//! elsewhere can send, served to the agent's own page.

use crate::common::{PHOTO_62, http, sign_in, start};
use reqwest::Method;
use reqwest::header::COOKIE;
use sandbox::config::OMNIWEAR_TOKEN;
use sandbox::zendesk::channel::form::forms;
use sandbox::{Config, Fault, Sandbox};
use serde_json::{Value, json};

/// The sandbox's controls, each with a body that would change something.
fn controls() -> Vec<(Method, &'static str, Value)> {
    vec![
        (
            Method::POST,
            "/sandbox/faults",
            json!({"path": "/like", "fault": {"status": 500}}),
        ),
        (Method::DELETE, "/sandbox/faults", Value::Null),
        (Method::DELETE, "/sandbox/log", Value::Null),
        (
            Method::POST,
            "/sandbox/origin/like",
            json!({"account": "omniwear", "photo_id": PHOTO_62, "liked": true}),
        ),
    ]
}

#[tokio::test]
async fn a_cross_site_shaped_post_to_each_control_is_refused() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    // Something to lose: a fault, a log entry.
    sandbox.faults.set(
        "/like_state",
        Fault {
            latency_ms: 1,
            ..Fault::default()
        },
    );
    agent
        .proxy(62, "/like_state", json!({"ticket_id": "62"}))
        .await;
    let state = |s: &Sandbox| {
        (
            s.faults.listing(),
            s.log.proxy_calls().len(),
            s.instagram.photo("omniwear", PHOTO_62).map(|p| p.liked),
            s.instagram.tokens(),
            s.instagram.photo_page(PHOTO_62).map(|p| p.comments.len()),
        )
    };
    let before = state(&sandbox);
    // What any page can send without a preflight: text/plain, with and without the cookie
    // (a browser sends it on a top-level form post only), and JSON without the CSRF token.
    for (method, path, body) in controls() {
        let url = format!("{}{path}", agent.host);
        let plain = |cookie: Option<&str>, csrf: Option<&str>| {
            let mut r = http()
                .request(method.clone(), &url)
                .header("Content-Type", "text/plain")
                .body(body.to_string());
            if let Some(c) = cookie {
                r = r.header(COOKIE, c);
            }
            if let Some(t) = csrf {
                r = r.header("X-CSRF-Token", t);
            }
            r.send()
        };
        let status = |r: reqwest::Result<reqwest::Response>| r.expect("answer").status().as_u16();
        assert_eq!(status(plain(None, None).await), 401, "{method} {path}");
        assert_eq!(
            status(plain(Some(&agent.cookie), None).await),
            403,
            "{method} {path}"
        );
        assert_eq!(
            status(plain(Some(&agent.cookie), Some("0123456789abcdef")).await),
            403,
            "{method} {path}"
        );
        if method == Method::POST {
            assert_eq!(
                status(plain(Some(&agent.cookie), Some(&agent.csrf)).await),
                415,
                "{method} {path}: JSON only as application/json"
            );
        }
        let json_no_csrf = http()
            .request(method.clone(), &url)
            .header(COOKIE, &agent.cookie)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await;
        assert_eq!(status(json_no_csrf), 403, "{method} {path}");
        // Reads need the session too.
        let read = http().get(&url).send().await;
        assert!(matches!(status(read), 401 | 405), "{path}");
    }
    // The mock Instagram's forms: a form post from elsewhere, with or without the cookie.
    for (path, fields) in [
        (
            "/sandbox/origin/tokens",
            vec![
                ("account", "omniwear"),
                ("token", OMNIWEAR_TOKEN),
                ("action", "revoke"),
            ],
        ),
        (
            "/sandbox/origin/comments",
            vec![("photo_id", PHOTO_62), ("author", "@x"), ("text", "spam")],
        ),
    ] {
        let url = format!("{}{path}", agent.host);
        let no_cookie = http()
            .post(&url)
            .form(&fields)
            .send()
            .await
            .expect("answer");
        assert_eq!(no_cookie.status(), 401, "{path}");
        let no_token = http()
            .post(&url)
            .header(COOKIE, &agent.cookie)
            .form(&fields)
            .send()
            .await
            .expect("answer");
        assert_eq!(no_token.status(), 403, "{path}");
        let mut with_token = fields.clone();
        with_token.push(("authenticity_token", &agent.csrf));
        let as_text = http()
            .post(&url)
            .header(COOKIE, &agent.cookie)
            .header("Content-Type", "text/plain")
            .body(serde_urlencoded::to_string(&with_token).expect("form"))
            .send()
            .await
            .expect("answer");
        assert_eq!(as_text.status(), 415, "{path}");
    }
    assert_eq!(state(&sandbox), before, "nothing changed");

    // The agent's own page can.
    for (method, path, body) in controls() {
        let body = (!body.is_null()).then_some(body);
        let r = agent.control(method.clone(), path, body).await;
        assert!(r.status().is_success(), "{method} {path}: {}", r.status());
    }
    let page = http()
        .get(format!("{}/sandbox/origin/photos/{PHOTO_62}", agent.host))
        .header(COOKIE, &agent.cookie)
        .send()
        .await
        .expect("photo page")
        .text()
        .await
        .expect("html");
    let form = forms(&page)
        .into_iter()
        .find(|f| f.get("photo_id").is_some())
        .expect("the comment form");
    assert_eq!(form.get("authenticity_token"), Some(agent.csrf.as_str()));
    let mut form = form;
    form.set("text", "Size 39 please");
    let posted = http()
        .post(format!("{}/sandbox/origin/comments", agent.host))
        .header(COOKIE, &agent.cookie)
        .form(&form.pairs())
        .send()
        .await
        .expect("comment");
    assert!(posted.status().is_redirection(), "{}", posted.status());
    let after = state(&sandbox);
    assert_eq!(after.2, Some(true), "liked by the agent's page");
    assert_eq!(after.4, before.4.map(|n| n + 1), "commented");
}
