//! Nothing secret in the log after a pull, the admin UI's save and edit, or a proxied call:
//! not in the log page, not in the log in-process, not in the log lines.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::common::{self, Agent, PHOTO_62, http, https, sign_in, start, text_of};
use reqwest::Method;
use sandbox::config::{OMNIWEAR_TOKEN, OUTDOOR_TOKEN, Startup};
use sandbox::zendesk::channel::form::forms;
use sandbox::{Config, Sandbox};
use serde_json::json;

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
