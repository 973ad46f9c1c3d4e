//! Installing from the package: a `requirements.json` that names one HTTPS integration or none,
//! and a manifest nobody serves or that is no manifest, said on the admin page.

use crate::common::text_of;
use sandbox::zendesk::channel::{Install, requirements};
use sandbox::{Config, Options, Sandbox};

fn scratch_package(name: &str, requirements: Option<String>) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-channel-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("assets")).expect("dir");
    if let Some(text) = requirements {
        std::fs::write(dir.join("requirements.json"), text).expect("requirements");
    }
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

async fn start_with_package(dir: &std::path::Path, config: Config) -> std::io::Result<Sandbox> {
    Sandbox::start(Options {
        config: Config {
            pull_interval_ms: 0,
            ..config
        },
        package_dir: Some(dir.to_path_buf()),
        zaf_sdk: None,
        head_script: None,
        tls: None,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn a_package_declares_one_https_integration_or_none() {
    // Any ZAF app: no requirements.json, no channel integration, its config's tickets served.
    let none = scratch_package("none", None);
    let sandbox = start_with_package(&none, Config::default().on_free_ports())
        .await
        .expect("a package without requirements.json starts");
    assert!(sandbox.channel.requirement.is_none());
    assert_eq!(sandbox.channel.desk.install(), Install::NotInstalled);
    let tickets: Vec<u64> = sandbox
        .channel
        .desk
        .tickets()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(tickets, [63], "the config's email ticket, nothing pulled");
    let admin = text_of(&format!("http://{}/admin/channels", sandbox.host_addr)).await;
    assert!(
        admin.contains("data-status=\"none\"")
            && admin.contains("no channel integration is installed"),
        "{admin}"
    );
    assert!(
        sandbox
            .channel
            .desk
            .script_steps()
            .iter()
            .any(|s| s.contains("no channel integration is installed"))
    );
    drop(sandbox);
    let http_url = scratch_package(
        "http",
        Some(requirements::json_for(
            "k",
            "http://localhost:1/manifest.json",
        )),
    );
    let err = start_with_package(&http_url, Config::default().on_free_ports())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("must be https"), "{err}");
    for dir in [none, http_url] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn an_unreachable_or_invalid_manifest_is_said_on_the_admin_page() {
    let dead = free_port();
    let dir = scratch_package(
        "dead",
        Some(requirements::json_for(
            "k",
            &format!("https://localhost:{dead}/manifest.json"),
        )),
    );
    let sandbox = start_with_package(&dir, Config::default().on_free_ports())
        .await
        .expect("starts");
    let Install::Failed { error } = sandbox.channel.desk.install() else {
        panic!("installed a manifest nobody serves");
    };
    assert!(
        error.contains("cannot reach the integration manifest"),
        "{error}"
    );
    assert!(sandbox.channel.desk.instances().is_empty());
    let html = text_of(&format!("http://{}/admin/channels", sandbox.host_addr)).await;
    assert!(
        html.contains("role=\"alert\"") && html.contains("cannot reach"),
        "{html}"
    );
    assert!(
        html.contains("id=\"install-advice\"") && html.contains("Nothing answers at that address"),
        "{html}"
    );
    drop(sandbox);

    // A URL that answers JSON that is no manifest.
    let port = free_port();
    let dir = scratch_package(
        "invalid",
        Some(requirements::json_for(
            "k",
            &format!("https://localhost:{port}/healthcheck"),
        )),
    );
    let config = Config {
        integration_port: port,
        ..Config::default().on_free_ports()
    };
    let sandbox = start_with_package(&dir, config).await.expect("starts");
    let Install::Failed { error } = sandbox.channel.desk.install() else {
        panic!("installed an invalid manifest");
    };
    assert!(
        error.contains("name: is required") && error.contains("urls: is required"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
