//! The binary as `cargo xtask demo` runs it: flags, the printed URLs, and that they answer.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("package/assets")).expect("scratch dir");
    dir
}

#[test]
fn refuses_missing_or_wrong_flags_with_the_usage() {
    let bin = env!("CARGO_BIN_EXE_sandbox");
    for args in [
        vec![],
        vec!["--package-dir", "/nonexistent", "--zaf-sdk", "/nonexistent"],
        vec!["--bogus"],
        vec!["--tls-dir"],
    ] {
        let out = Command::new(bin).args(&args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("sandbox: "), "{args:?}: {err}");
    }
    let help = Command::new(bin).arg("--help").output().expect("runs");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--package-dir"));
}

#[tokio::test]
async fn prints_the_ticket_urls_and_serves_them() {
    let dir = scratch("serve");
    std::fs::write(
        dir.join("package/assets/iframe.html"),
        r#"<script src="https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"></script>"#,
    )
    .expect("iframe.html");
    std::fs::write(dir.join("sdk.js"), "window.ZAFClient = {};").expect("sdk");
    // The package names its integration by URL, so the integration's port is chosen here.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    std::fs::write(
        dir.join("package/requirements.json"),
        sandbox::zendesk::channel::requirements::json_for(
            "heart_instagram",
            &format!("https://localhost:{port}/manifest.json"),
        ),
    )
    .expect("requirements.json");
    std::fs::write(
        dir.join("config.toml"),
        format!("host_port = 0\napp_port = 0\nintegration_port = {port}\npull_interval_ms = 0\n"),
    )
    .expect("config");
    let child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .arg("--package-dir")
        .arg(dir.join("package"))
        .arg("--zaf-sdk")
        .arg(dir.join("sdk.js"))
        .arg(format!("--config={}", dir.join("config.toml").display()))
        .arg("--tls-dir")
        .arg(dir.join("tls"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    // Blocking reads end when the banner is complete (or the process dies).
    let lines: Vec<String> = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .take_while(|l| !l.starts_with("Press Ctrl-C"))
            .collect()
    })
    .await
    .expect("banner");
    let banner = lines.join("\n");
    let url_after = |marker: &str| {
        lines
            .iter()
            .find(|l| l.contains(marker))
            .and_then(|l| l.split_whitespace().find(|w| w.starts_with("http://")))
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| panic!("no {marker} URL in:\n{banner}"))
    };
    let host = url_after("running at");
    assert!(host.starts_with("http://localhost:"), "{banner}");
    let ticket = url_after("ticket #62");
    assert_eq!(ticket, format!("{host}/agent/tickets/62"));
    let app = url_after("app assets");
    assert!(app.starts_with("http://127.0.0.1:"), "{banner}");
    assert!(!banner.contains("NOT INSTALLED"), "{banner}");
    assert!(
        dir.join("tls").join(sandbox::tls::CERT_FILE).is_file(),
        "the certificate is kept in --tls-dir"
    );

    let http = reqwest::Client::new();
    let page = http.get(&ticket).send().await.expect("ticket page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("sandbox-config") && html.contains(&app),
        "{html}"
    );

    let iframe = http
        .get(format!("{app}/assets/iframe.html"))
        .send()
        .await
        .expect("iframe.html");
    let iframe = iframe.text().await.expect("text");
    assert_eq!(
        iframe,
        r#"<script src="/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"></script>"#
    );
    let sdk = http
        .get(format!(
            "{app}/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"
        ))
        .send()
        .await
        .expect("sdk");
    assert_eq!(sdk.text().await.expect("sdk"), "window.ZAFClient = {};");

    drop(running);
    let _ = std::fs::remove_dir_all(&dir);
}
