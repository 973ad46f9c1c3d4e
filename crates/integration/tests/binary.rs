//! The `heart-integration` binary as its operator meets it: started from what `--help` says,
//! refused with the setting's name on a bad value, serving, stopped by SIGTERM in the middle of
//! a call (which finishes), and its JSON log read for secrets.

mod support;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::CommandFactory;
use heart_integration::config::Args;
use heart_integration::testing::free_port;
use support::api::{FakeApi, Trouble};
use support::{OWN, TOKEN, metadata};

const BIN: &str = env!("CARGO_BIN_EXE_heart-integration");

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_clear()
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_lists_every_setting_with_its_environment_variable() {
    let (code, help, _) = run(&["--help"]);
    assert_eq!(code, 0);
    let command = Args::command();
    let mut count = 0;
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if matches!(long, "help" | "version") {
            continue;
        }
        count += 1;
        assert!(help.contains(&format!("--{long}")), "--{long} in --help");
        let env = arg.get_env().map(|e| e.to_string_lossy().into_owned());
        let env = env.unwrap_or_else(|| panic!("--{long} has no environment variable"));
        assert!(env.starts_with("HEART_"), "{env}");
        assert!(help.contains(&format!("[env: {env}")), "{env} in --help");
    }
    for wanted in [
        "--listen",
        "--public-url",
        "--origin-url",
        "--tls-cert",
        "--tls-key",
        "--redis",
        "--cache-ttl",
        "--origin-budget",
        "--log-format",
        "--dev",
    ] {
        assert!(help.contains(wanted), "{wanted}");
    }
    assert!(count >= 20, "{count} settings");
}

#[test]
fn the_readme_lists_every_setting_with_its_variable() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("the workspace README");
    let section = readme
        .split("## Deploy the integration")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Deploy the integration section");
    for arg in Args::command().get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if matches!(long, "help" | "version") {
            continue;
        }
        assert!(
            section.contains(&format!("`--{long}`")),
            "--{long} in the README's table"
        );
        if let Some(env) = arg.get_env() {
            let env = env.to_string_lossy();
            assert!(
                section.contains(&format!("`{env}`")),
                "{env} in the README's table"
            );
        }
    }
}

#[test]
fn a_bad_value_stops_the_start_with_its_name() {
    let base = [
        "--public-url",
        "https://heart.example.com",
        "--origin-url",
        "https://graph.example.com",
    ];
    for (extra, name) in [
        (&["--cache-ttl", "soon"][..], "--cache-ttl"),
        (&["--listen", "everywhere"], "--listen"),
        (
            &["--public-url", "http://heart.example.com"],
            "--public-url",
        ),
        (
            &[
                "--tls-cert",
                "/nonexistent.pem",
                "--tls-key",
                "/nonexistent.key",
            ],
            "--tls-cert",
        ),
        (&["--redis", "memcached://x"], "--redis"),
    ] {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains(name), "{extra:?}: {err}");
    }
    // The environment names the same setting.
    let out = Command::new(BIN)
        .env_clear()
        .env("HEART_PUBLIC_URL", "https://heart.example.com")
        .env("HEART_ORIGIN_URL", "https://graph.example.com")
        .env("HEART_ORIGIN_TIMEOUT", "-5")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--origin-timeout"));
}

/// The service on a free port in front of `api`, logging JSON lines.
struct Service {
    child: Child,
    url: String,
}

impl Service {
    fn start(api: &FakeApi) -> Self {
        let port = free_port();
        let child = Command::new(BIN)
            .env_clear()
            .env("HEART_LISTEN", format!("127.0.0.1:{port}"))
            .env("HEART_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .args(["--origin-url", &api.url, "--dev", "--log-format", "json"])
            .args(["--shutdown-grace", "5s", "--origin-timeout", "3s"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the service did not listen");
            std::thread::sleep(Duration::from_millis(10));
        }
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the exit; its code and everything it logged.
    fn finish(mut self) -> (Option<i32>, String) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let code = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the service did not stop");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut log = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut log);
        }
        (code, log)
    }
}

fn like_body(token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("instance_metadata", metadata(token)),
        (
            "client_data",
            serde_json::json!({"ticket_id": "62", "external_id": OWN, "liked": true}).to_string(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_the_call_in_flight_finish_and_the_log_keeps_no_secret() {
    let api = FakeApi::start().await;
    let service = Service::start(&api);
    let client = reqwest::Client::new();

    let health = client
        .get(format!("{}/healthcheck", service.url))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
    let health: serde_json::Value =
        serde_json::from_str(&health.text().await.expect("body")).expect("json");
    assert_eq!(health["status"], "ok");

    // The origin refuses a token, naming the URL and the token: none of it comes back or is logged.
    let refused = client
        .post(format!("{}/like?secret=query", service.url))
        .form(&like_body("stolen-token-123"))
        .send()
        .await
        .expect("refused");
    assert_eq!(refused.status(), 401);
    let text = refused.text().await.expect("body");
    assert!(
        !text.contains("stolen-token-123") && !text.contains("/v1/"),
        "{text}"
    );

    // A like the origin takes 700 ms to answer, and SIGTERM while it is under way.
    api.state.set(Trouble {
        delay: Duration::from_millis(700),
        ..Trouble::default()
    });
    let url = format!("{}/like", service.url);
    let like = tokio::spawn({
        let client = client.clone();
        async move { client.post(url).form(&like_body(TOKEN)).send().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    service.terminate();
    let answer = like
        .await
        .expect("task")
        .expect("the call in flight is answered");
    assert_eq!(answer.status(), 200);
    let answer: serde_json::Value =
        serde_json::from_str(&answer.text().await.expect("body")).expect("json");
    assert_eq!(answer["liked"], true);
    assert!(*api.state.liked.lock().expect("liked"));
    // No longer accepting.
    assert!(
        client
            .get(format!("{}/healthcheck", service.url))
            .send()
            .await
            .is_err()
    );

    let (code, log) = tokio::task::spawn_blocking(move || service.finish())
        .await
        .expect("finish");
    assert_eq!(code, Some(0), "{log}");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("a JSON line: {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["message"] == "SIGTERM: stopping"),
        "{log}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "stopped: every call in flight finished"),
        "{log}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["path"] == "/like" && l["status"] == 200),
        "{log}"
    );
    for secret in [
        TOKEN,
        "stolen-token-123",
        "secret=query",
        "/v1/accounts",
        "instance_metadata",
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}
