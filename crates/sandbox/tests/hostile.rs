//! Hostile input, tried from outside over real HTTP(S), as an attacker or a careless user would:
//! nothing secret in the log (after a pull, the admin UI exchange and a proxied call, in the
//! request log and in the log lines), controls only the agent's own page can use, numbers past
//! their bounds refused, bodies and answers bounded by bytes, sessions that page loads from
//! elsewhere cannot push out, requests for another host (DNS rebinding) refused on every
//! listener. (Deadlines: `tests/stalled.rs`.)

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Agent, Answer, PHOTO_62, answer, http, https, sign_in, start, text_of};
use reqwest::Method;
use reqwest::header::COOKIE;
use sandbox::config::{OMNIWEAR_TOKEN, OUTDOOR_TOKEN, Startup};
use sandbox::zendesk::channel::form::forms;
use sandbox::{Config, Fault, Sandbox};
use serde_json::{Value, json};

/// The `tracing` lines written while it lives (the test's runtime has one thread, so every
/// task of the sandbox logs here).
struct Lines(
    Arc<Mutex<Vec<u8>>>,
    #[allow(dead_code)] tracing::subscriber::DefaultGuard,
);

impl Lines {
    fn capture() -> Self {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        Self(buffer, tracing::subscriber::set_default(subscriber))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lines")).into_owned()
    }
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lines").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything a person or a test can read of what was logged: `/sandbox/log` over HTTP, the log
/// in-process, and the log lines.
async fn everything_logged(sandbox: &Sandbox, agent: &Agent, lines: &Lines) -> String {
    let served = agent
        .control(Method::GET, "/sandbox/log", None)
        .await
        .text()
        .await
        .expect("log");
    let in_process =
        serde_json::to_string(&(sandbox.log.proxy_calls(), sandbox.log.service_calls()))
            .expect("json");
    format!("{served}\n{in_process}\n{}", lines.text())
}

fn assert_no_secret(logged: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !secret.is_empty() && !logged.contains(secret),
            "{secret:?} is in the log:\n{logged}"
        );
    }
}

#[tokio::test]
async fn the_log_after_a_pull_holds_no_secret() {
    let lines = Lines::capture();
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    for account in ["Omniwear", "Omniwear Outdoor"] {
        let id = sandbox
            .channel
            .desk
            .instance_named(account)
            .expect("account")
            .id;
        let pulled = http()
            .post(format!("{}/admin/channels/{id}/pull", agent.host))
            .send()
            .await
            .expect("pull now");
        assert!(pulled.status().is_redirection());
    }
    // The periodic pull is the same call.
    sandbox.channel.pull_all().await;
    let pulls: Vec<_> = sandbox
        .log
        .service_calls()
        .into_iter()
        .filter(|c| c.path == "/pull")
        .collect();
    assert_eq!(pulls.len(), 4, "the pulls are in the log");
    assert!(
        pulls[0].body.starts_with("metadata=[redacted]&state=%7B"),
        "the state is shown: {}",
        pulls[0].body
    );
    let logged = everything_logged(&sandbox, &agent, &lines).await;
    assert!(logged.contains("\"path\":\"/pull\""), "{logged}");
    assert_no_secret(&logged, &[OMNIWEAR_TOKEN, OUTDOOR_TOKEN]);
}

#[tokio::test]
async fn the_log_after_an_admin_ui_save_and_edit_holds_no_secret() {
    let lines = Lines::capture();
    let sandbox = start(Config {
        startup: Startup {
            accounts: Vec::new(),
            ..Startup::default()
        },
        ..Config::default()
    })
    .await;
    let agent = common::sign_in_for_tools(&sandbox).await;
    let client = https(&sandbox);
    let admin_forms = || async { forms(&text_of(&format!("{}/admin/channels", agent.host)).await) };
    // Add an account, as the admin's browser does: Zendesk's form, the integration's, back.
    let save_account = |zendesk: sandbox::zendesk::channel::form::Form, token: &'static str| {
        let client = client.clone();
        async move {
            let action = zendesk.action.clone().expect("admin_ui");
            let page = client
                .post(&action)
                .form(&zendesk.pairs())
                .send()
                .await
                .expect("admin_ui")
                .text()
                .await
                .expect("html");
            let mut form = forms(&page).into_iter().next().expect("the account form");
            form.set("name", "Omniwear");
            form.set("account", "omniwear");
            form.set("token", token);
            let save = reqwest::Url::parse(&action)
                .and_then(|u| u.join(form.action.as_deref().unwrap_or("")))
                .expect("url");
            let answer = client
                .post(save)
                .form(&form.pairs())
                .send()
                .await
                .expect("save")
                .text()
                .await
                .expect("html");
            let back = forms(&answer).into_iter().next().expect("the form back");
            let stored = http()
                .post(back.action.clone().expect("return_url"))
                .form(&back.pairs())
                .send()
                .await
                .expect("return_url");
            assert_eq!(stored.status(), 200);
            zendesk.get("return_url").expect("return_url").to_owned()
        }
    };
    let add = admin_forms()
        .await
        .into_iter()
        .find(|f| f.get("metadata") == Some(""))
        .expect("Add account");
    let first_return_url = save_account(add, OMNIWEAR_TOKEN).await;
    let id = sandbox
        .channel
        .desk
        .instance_named("Omniwear")
        .expect("saved")
        .id;
    // Edit it: Zendesk's form now carries the stored metadata, token and all.
    const ROTATED: &str = "omniwear-rotated-token";
    assert!(sandbox.instagram.issue_token("omniwear", ROTATED));
    let edit = admin_forms()
        .await
        .into_iter()
        .find(|f| {
            f.get("metadata")
                .is_some_and(|m| m.contains(OMNIWEAR_TOKEN))
        })
        .expect("Edit, with the stored metadata");
    let second_return_url = save_account(edit, ROTATED).await;
    assert!(
        sandbox
            .channel
            .desk
            .instance(id)
            .expect("edited")
            .metadata
            .contains(ROTATED)
    );
    let calls = sandbox.log.service_calls();
    let to = |path: &str| calls.iter().filter(|c| c.path == path).count();
    assert_eq!((to("/admin_ui"), to("/admin_ui/save")), (2, 2), "{calls:?}");
    let logged = everything_logged(&sandbox, &agent, &lines).await;
    let key = |url: &str| url.rsplit('/').next().unwrap_or_default().to_owned();
    assert_no_secret(
        &logged,
        &[
            OMNIWEAR_TOKEN,
            ROTATED,
            &key(&first_return_url),
            &key(&second_return_url),
        ],
    );
}

#[tokio::test]
async fn the_log_after_a_proxied_call_holds_no_secret() {
    let lines = Lines::capture();
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    const APP_SECRET: &str = "a-secret-the-app-sent";
    let body = json!({"ticket_id": "62", "external_id": PHOTO_62, "token": APP_SECRET});
    assert_eq!(agent.proxy(62, "/like_state", body).await.status, 200);
    let query = "ticket_id=62&post_to_path=%2Flike_state%3Fapi_token%3Dquery-secret";
    agent.proxy_raw(query, "{}").await;
    let logged = everything_logged(&sandbox, &agent, &lines).await;
    assert!(logged.contains("\"ticket_id\":\"62\""), "{logged}");
    let session = agent.cookie.split('=').nth(1).expect("session id");
    assert_no_secret(
        &logged,
        &[
            OMNIWEAR_TOKEN,
            APP_SECRET,
            session,
            &agent.csrf,
            "query-secret",
        ],
    );
}

/// The agent's read of ticket 62's like-state, through the proxy.
async fn read_62(agent: &Agent) -> Answer {
    let body = json!({"ticket_id": "62", "external_id": PHOTO_62});
    agent.proxy(62, "/like_state", body).await
}

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

#[tokio::test]
async fn a_thousand_cookie_less_gets_do_not_sign_the_agent_out() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    // The page's own script uses the session at once.
    assert_eq!(
        agent
            .control(Method::GET, "/sandbox/faults", None)
            .await
            .status(),
        200
    );
    // Any page can load the ticket page as an image: no cookie goes along, each makes a session.
    let page = format!("{}/agent/tickets/62", agent.host);
    for _ in 0..1_000 {
        let r = http().get(&page).send().await.expect("page");
        assert!(r.headers().get("set-cookie").is_some());
    }
    let a = read_62(&agent).await;
    assert_eq!(a.status, 200, "the agent is still signed in: {}", a.json);
    assert_eq!(
        agent
            .control(Method::GET, "/sandbox/log", None)
            .await
            .status(),
        200
    );
    // Another agent signs in as before.
    let other = sign_in(&sandbox).await;
    let a = read_62(&other).await;
    assert_eq!(a.status, 200, "{}", a.json);
}

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
