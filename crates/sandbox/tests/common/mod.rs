//! Shared by the HTTP tests: a sandbox on free ports and an agent session on it.
#![allow(dead_code)]

use reqwest::header::{COOKIE, SET_COOKIE};
use sandbox::{Config, Options, Sandbox};

/// A sandbox on free ports, without a package (so with the reference integration installed),
/// after its start-up script. Periodic pulls are off: a test pulls when it means to.
pub async fn start(config: Config) -> Sandbox {
    Sandbox::start(Options {
        config: Config {
            pull_interval_ms: 0,
            ..config
        }
        .on_free_ports(),
        package_dir: None,
        zaf_sdk: None,
        head_script: None,
        tls: None,
        ..Options::default()
    })
    .await
    .expect("sandbox starts on free ports")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A client for the integration service: it trusts the sandbox's certificate, nothing else.
pub fn https(sandbox: &Sandbox) -> reqwest::Client {
    sandbox
        .tls
        .client_builder()
        .expect("TLS client")
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A signed-in agent: the session cookie and CSRF token the ticket page hands out.
pub struct Agent {
    pub cookie: String,
    pub csrf: String,
    pub host: String,
}

pub async fn sign_in(sandbox: &Sandbox) -> Agent {
    let host = format!("http://{}", sandbox.host_addr);
    let page = http()
        .get(format!("{host}/agent/tickets/62"))
        .send()
        .await
        .expect("ticket page");
    assert_eq!(page.status(), 200);
    let cookie = page
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let html = page.text().await.expect("html");
    let marker = "\"csrfToken\":\"";
    let start = html.find(marker).expect("csrf token in page") + marker.len();
    let csrf = html[start..].split('"').next().expect("token").to_owned();
    Agent { cookie, csrf, host }
}

pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub json: serde_json::Value,
}

impl Agent {
    /// What `client.request` makes the host send: a POST to the proxy with the session.
    pub async fn proxy_raw(&self, query: &str, body: &str) -> Answer {
        answer(self.proxy_response(query, body).await).await
    }

    /// The same POST, its response as it came (for answers that are not JSON).
    pub async fn proxy_response(&self, query: &str, body: &str) -> reqwest::Response {
        http()
            .post(format!(
                "{}/api/v2/any_channel/proxy.json?{query}",
                self.host
            ))
            .header(COOKIE, &self.cookie)
            .header("X-CSRF-Token", &self.csrf)
            .header("Content-Type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("proxy answers")
    }

    pub async fn proxy(&self, ticket: u64, path: &str, body: serde_json::Value) -> Answer {
        let query = serde_urlencoded::to_string([
            ("ticket_id", ticket.to_string()),
            ("post_to_path", path.to_owned()),
        ])
        .expect("query");
        self.proxy_raw(&query, &body.to_string()).await
    }
}

pub async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header("retry-after");
    let content_type = header("content-type");
    let text = r.text().await.expect("body");
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("answer is not JSON ({e}): {text:?}"));
    Answer {
        status,
        retry_after,
        content_type,
        json,
    }
}

pub const PHOTO_62: &str = "ig:17895695668004550";
pub const PHOTO_64: &str = "ig:17841400008460056";
