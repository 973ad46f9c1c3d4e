//! The host's pages and the app origin over real HTTP: escaping, the agent session, files.

mod common;

use std::io::{Read, Write};

use common::{http, sign_in, start};
use reqwest::header::{COOKIE, SET_COOKIE};
use sandbox::config::Ticket;
use sandbox::{Config, Options, Sandbox};

#[tokio::test]
async fn ticket_pages_escape_what_the_config_says() {
    let mut config = Config::default();
    config.tickets.push(Ticket {
        id: 70,
        subject: "</script><script>window.pwned=1</script>".into(),
        requester: "<b>x</b>".into(),
        description: "a & b".into(),
        channel: "email".into(),
        instance: None,
        external_id: None,
    });
    let sandbox = start(config).await;
    let html = http()
        .get(format!("http://{}/agent/tickets/70", sandbox.host_addr))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(!html.contains("<script>window.pwned"), "{html}");
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;window.pwned"));
    assert!(html.contains("&lt;b&gt;x&lt;/b&gt;") && html.contains("a &amp; b"));
    // In the JSON config too, nothing can close the <script> element early.
    let config_start = html.find("id=\"sandbox-config\">").expect("config");
    let config_end = config_start + html[config_start..].find("</script>").expect("end");
    let json = &html[config_start + "id=\"sandbox-config\">".len()..config_end];
    let parsed: serde_json::Value = serde_json::from_str(json).expect("config is JSON");
    assert_eq!(
        parsed["data"]["ticket.subject"],
        "</script><script>window.pwned=1</script>"
    );

    let missing = http()
        .get(format!("http://{}/agent/tickets/999", sandbox.host_addr))
        .send()
        .await
        .expect("page");
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn one_http_only_session_per_agent_and_the_api_needs_it() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let page = http()
        .get(format!("http://{}/agent/tickets/64", sandbox.host_addr))
        .header(COOKIE, &agent.cookie)
        .send()
        .await
        .expect("page");
    assert!(
        page.headers().get(SET_COOKIE).is_none(),
        "the session is kept"
    );
    let html = page.text().await.expect("html");
    assert!(
        html.contains(&agent.csrf),
        "same CSRF token for the same session"
    );

    let fresh = http()
        .get(format!("http://{}/agent/tickets/62", sandbox.host_addr))
        .send()
        .await
        .expect("page");
    let cookie = fresh
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Path=/"),
        "{cookie}"
    );

    let api = format!("http://{}/api/v2/tickets/64.json", sandbox.host_addr);
    assert_eq!(http().get(&api).send().await.expect("api").status(), 401);
    let ticket: serde_json::Value = http()
        .get(&api)
        .header(COOKIE, &agent.cookie)
        .send()
        .await
        .expect("api")
        .json_value()
        .await;
    assert_eq!(ticket["ticket"]["external_id"], common::PHOTO_64);
    assert_eq!(ticket["ticket"]["via"]["channel"], "any_channel");
}

trait JsonValue {
    async fn json_value(self) -> serde_json::Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> serde_json::Value {
        serde_json::from_str(&self.text().await.expect("text")).expect("json")
    }
}

/// A raw request line, so no client normalises the path first.
fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[tokio::test]
async fn the_app_origin_serves_only_the_packages_assets() {
    let dir = std::env::temp_dir().join(format!("sandbox-host-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("assets")).expect("dir");
    std::fs::write(dir.join("manifest.json"), "{\"secret\": true}").expect("manifest");
    std::fs::write(
        dir.join("requirements.json"),
        sandbox::channel::requirements::json_for("x", "https://localhost:1/manifest.json"),
    )
    .expect("requirements");
    std::fs::write(dir.join("assets/app.wasm"), b"\0asm").expect("wasm");
    let sandbox = Sandbox::start(Options {
        config: Config {
            startup: sandbox::config::Startup::empty(),
            ..Config::default()
        }
        .on_free_ports(),
        package_dir: Some(dir.clone()),
        zaf_sdk: None,
        head_script: None,
        tls: None,
        ..Options::default()
    })
    .await
    .expect("sandbox");
    let app = sandbox.app_addr;
    let wasm = tokio::task::spawn_blocking(move || raw_get(app, "/assets/app.wasm"))
        .await
        .expect("get");
    assert!(wasm.starts_with("HTTP/1.1 200"), "{wasm}");
    assert!(
        wasm.to_ascii_lowercase()
            .contains("content-type: application/wasm")
    );
    for path in [
        "/assets/../manifest.json",
        "/requirements.json",
        "/assets/%2e%2e/manifest.json",
        "/assets/..%2fmanifest.json",
        "/manifest.json",
        "/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js",
    ] {
        let answer = tokio::task::spawn_blocking(move || raw_get(app, path))
            .await
            .expect("get");
        assert!(!answer.contains("secret"), "{path}: {answer}");
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
    }
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_panel_is_titled_by_the_package_and_controls_can_be_hidden() {
    let dir = std::env::temp_dir().join(format!("sandbox-host-name-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("translations")).expect("dir");
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"name": "Manifest <Name>", "version": "1.2.3"}"#,
    )
    .expect("manifest");
    std::fs::write(
        dir.join("translations/de.json"),
        r#"{"app": {"name": "Schlichte & App"}}"#,
    )
    .expect("de");
    let integration_port =
        sandbox::channel::requirements::point_at_free_port(&dir).expect("requirements");
    let sandbox = Sandbox::start(Options {
        config: Config {
            integration_port,
            ..Config::default().on_free_ports()
        },
        package_dir: Some(dir.clone()),
        zaf_sdk: None,
        head_script: None,
        tls: None,
        ..Options::default()
    })
    .await
    .expect("sandbox");
    let page = |query: &'static str| {
        let url = format!("http://{}/agent/tickets/62{query}", sandbox.host_addr);
        async move {
            http()
                .get(url)
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html")
        }
    };
    let config_of = |html: &str| -> serde_json::Value {
        let marker = "id=\"sandbox-config\">";
        let start = html.find(marker).expect("config") + marker.len();
        let end = start + html[start..].find("</script>").expect("end");
        serde_json::from_str(&html[start..end]).expect("config is JSON")
    };

    let english = page("").await;
    assert!(
        english.contains("<h3 id=\"app-title\">Manifest &lt;Name&gt;</h3>"),
        "no en translation: the manifest's name, escaped"
    );
    assert_eq!(config_of(&english)["metadata"]["name"], "Manifest <Name>");
    assert_eq!(config_of(&english)["metadata"]["version"], "1.2.3");
    assert!(
        english.contains("aria-label=\"Sandbox controls\">"),
        "shown"
    );

    let german = page("?locale=de&controls=off").await;
    assert!(german.contains("<h3 id=\"app-title\">Schlichte &amp; App</h3>"));
    assert!(german.contains("title=\"Schlichte &amp; App\""));
    assert_eq!(config_of(&german)["metadata"]["name"], "Schlichte & App");
    assert!(
        german.contains("aria-label=\"Sandbox controls\" hidden>"),
        "hidden"
    );
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&dir);
}
