//! The sandbox for any integration: a vendor's own (`support/vendor.rs`, served with its own
//! CA) installed through `Options::manifest_url` and `integration_ca`, as `--manifest-url` and
//! `--integration-ca` do, and the whole Channel framework against it over real HTTPS: the
//! account added through its admin UI with push credentials, pulls checked against Zendesk's
//! published limits, replies sent back through its channelback (and tried again with the same
//! `request_unique_identifier`), the push API, event callbacks, the health check, removal.
//!
//! This file holds what the modules share (the sandbox started against the vendor, its one
//! account, the wait for an event); the tests live by concern: installing in `install.rs`, pulls
//! in `pulls.rs`, replies in `replies.rs`, the push API in `push.rs`, and what the admin page's
//! actions on an account tell the integration in `accounts.rs`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/vendor.rs"]
mod vendor;

mod accounts;
mod install;
mod pulls;
mod push;
mod replies;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sandbox::config::{Startup, StartupAccount};
use sandbox::zendesk::channel::InstanceId;
use sandbox::{Config, Options, Sandbox};
use vendor::{TestCa, Vendor};

async fn start(vendor: &Vendor, ca: Option<&TestCa>) -> Sandbox {
    let config = Config {
        pull_interval_ms: 0,
        startup: Startup {
            install: true,
            accounts: vec![StartupAccount {
                name: "Vendor account".into(),
                fields: BTreeMap::from([("api_key".to_owned(), "k-123".to_owned())]),
            }],
            pull: false,
        },
        ..Config::default().on_free_ports()
    };
    Sandbox::start(Options {
        config,
        manifest_url: Some(reqwest::Url::parse(&vendor.manifest_url()).expect("url")),
        integration_ca: ca.map(|ca| ca.ca_pem.as_bytes().to_vec()),
        ..Options::default()
    })
    .await
    .expect("the sandbox starts")
}

/// Waits (at most 5 s) for `what` to hold.
async fn eventually(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ok() {
        assert!(Instant::now() < deadline, "not within 5 s: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn account(sandbox: &Sandbox) -> InstanceId {
    sandbox
        .channel
        .desk
        .instance_named("Vendor account")
        .expect("the start-up script added the account")
        .id
}
