//! End-to-end, scaled out: the reference integration as two `heart-integration` processes
//! behind nginx (TLS in front, round-robin, one retried on the other when it is gone), sharing
//! one Redis. Installed and used in the browser as any integration; a like on one agent's page
//! is what another agent reads through the other replica; a replica killed during a run of
//! likes loses none; Redis stopped, likes go on and the health check says degraded.

use std::path::PathBuf;

use heart_integration::testing::{Nginx, RedisServer, Replica};
use sandbox::browser::{R, fail, workspace_target};
use sandbox::channel::requirements;
use sandbox::config::{OMNIWEAR_TOKEN, Startup};
use sandbox::{Config, Options, Sandbox};

use crate::ui::{PHOTO_62, Ui, ready};

/// The service's binary: `HEART_INTEGRATION_BIN`, else the one `cargo test --workspace` builds.
fn integration_bin() -> R<PathBuf> {
    let bin = std::env::var_os("HEART_INTEGRATION_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_target().join("debug").join("heart-integration"));
    if bin.is_file() {
        Ok(bin)
    } else {
        fail(format!(
            "no {} (build it: cargo build -p heart-integration, or run through cargo xtask test)",
            bin.display()
        ))
    }
}

pub async fn scale_two_replicas_behind_nginx_share_redis(ui: &Ui<'_>) -> R<()> {
    let bin = integration_bin()?;
    let mut redis = RedisServer::start();
    // The app package names the load balancer's address as its integration's manifest URL.
    let balancer = requirements::point_at_free_port(ui.package)?;
    let sandbox = Sandbox::start(Options {
        config: Config {
            startup: Startup::empty(),
            pull_interval_ms: 0,
            proxy_timeout_ms: 5_000,
            ..Config::default().on_free_ports()
        },
        package_dir: Some(ui.package.to_path_buf()),
        zaf_sdk: Some(ui.sdk.to_path_buf()),
        head_script: None,
        tls: Some(ui.tls.clone()),
        ..Options::default()
    })
    .await?;
    let args: Vec<String> = [
        "--public-url",
        &format!("https://localhost:{balancer}"),
        "--origin-url",
        &sandbox.origin_url(),
        "--redis",
        &redis.url(),
        "--cache-ttl",
        "30s",
        "--name",
        "Omniwear Instagram (2 replicas)",
        "--trust-forwarded-for",
        "--dev",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut replicas = [Replica::start(&bin, &args), Replica::start(&bin, &args)];
    let _nginx = Nginx::start(
        balancer,
        ui.tls.certificate_pem(),
        ui.tls.key_pem(),
        &[replicas[0].port, replicas[1].port],
    );
    let ui = ui.with(sandbox);

    // The admin installs the integration from the balancer, adds the account, pulls.
    let id = ui
        .add_account_in_browser("Omniwear", "omniwear", OMNIWEAR_TOKEN)
        .await?;
    let admin = ui.admin().await?;
    if !admin["installText"]
        .as_str()
        .unwrap_or("")
        .contains("2 replicas")
    {
        return fail(format!("installed from elsewhere: {admin}"));
    }
    ui.click_host(&format!("#pull-{id}")).await?;
    ui.wait_admin("the pull's result", |v| {
        v["flash"].as_str().unwrap_or("").contains("Pulled account")
    })
    .await?;
    let ticket = ui.ticket_of_photo(PHOTO_62)?;

    // One agent likes the photo.
    ui.open(ticket, "").await?;
    ui.wait_app("the heart through the replicas", |v| {
        ready(v) && v["pressed"] == "false"
    })
    .await?;
    ui.click_heart().await?;
    ui.wait_app("liked", |v| ready(v) && v["pressed"] == "true")
        .await?;
    let reads_before: Vec<usize> = replicas
        .iter()
        .map(|r| r.requests("/like_state").len())
        .collect();

    // Another agent (a session of its own) opens the ticket twice: each opening reads once, one
    // on each replica, and both show the like.
    ui.c.delete_all_cookies().await?;
    for _ in 0..2 {
        ui.open(ticket, "").await?;
        ui.wait_app("the like, for another agent", |v| {
            ready(v) && v["pressed"] == "true"
        })
        .await?;
    }
    let reads_after: Vec<usize> = replicas
        .iter()
        .map(|r| r.requests("/like_state").len())
        .collect();
    if reads_after[0] <= reads_before[0] || reads_after[1] <= reads_before[1] {
        return fail(format!(
            "the other agent's reads did not reach both replicas: {reads_before:?} → {reads_after:?}"
        ));
    }

    // A run of likes; one replica is killed (as a crash) in the middle of it.
    let mut liked = true;
    for click in 0..6 {
        if click == 3 {
            replicas[0].kill();
        }
        ui.click_heart().await?;
        liked = !liked;
        let want = if liked { "true" } else { "false" };
        let v = ui
            .wait_app("the like's answer", |v| ready(v) && v["pressed"] == want)
            .await?;
        if v["retry"] == true {
            return fail(format!("click {click} failed: {v}"));
        }
        if ui.liked_in_origin(PHOTO_62)? != liked {
            return fail(format!(
                "click {click}: the origin is not as the heart: {v}"
            ));
        }
    }
    let sets = replicas[1].requests("/like");
    if sets.is_empty() || sets.iter().any(|s| *s != 200) {
        return fail(format!("the surviving replica's likes: {sets:?}"));
    }

    // Redis stops: likes go on, uncached, and the health check says so.
    redis.stop();
    ui.click_heart().await?;
    liked = !liked;
    let want = if liked { "true" } else { "false" };
    ui.wait_app("a like without Redis", |v| ready(v) && v["pressed"] == want)
        .await?;
    if ui.liked_in_origin(PHOTO_62)? != liked {
        return fail("without Redis the like did not reach the origin");
    }
    let health = ui
        .sandbox
        .tls
        .client_builder()?
        .build()?
        .get(format!("https://localhost:{balancer}/healthcheck"))
        .send()
        .await?
        .text()
        .await?;
    let health: serde_json::Value = serde_json::from_str(&health)?;
    if health["status"] != "degraded" || health["store"] != "redis" {
        return fail(format!("the health check without Redis: {health}"));
    }
    let warned = replicas[1]
        .log()
        .iter()
        .filter(|l| {
            l["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("redis does not answer")
        })
        .count();
    if warned != 1 {
        return fail(format!(
            "Redis's absence was logged {warned} times, not once"
        ));
    }
    ui.screenshot("scale-after-redis-stopped").await
}
