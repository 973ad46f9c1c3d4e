//! End-to-end: headless Chromium (over WebDriver) opens the sandbox's agent pages, the real app
//! runs in its iframe on another origin with the real ZAF SDK, and every call crosses the real
//! proxy to the reference integration service.
//!
//! Needs the built app package and the SDK bundle: run through `cargo xtask test`, which sets
//! `ZENDESK_HEART_PACKAGE_DIR` and `ZENDESK_HEART_ZAF_SDK` (and `CHROMEDRIVER`).
//! `E2E_ONLY=<substring>` runs only the cases whose name contains it.
//!
//! One chromedriver and one browser session serve all cases (a 2-core machine); every case gets
//! a fresh sandbox on free ports, so no state leaks from one case to the next.
//!
//! This file is the runner: the list of cases and the one test that runs them. The cases live
//! by topic under `e2e/`, with their view of the browser in `e2e/ui.rs` (on the library's
//! `sandbox::browser`).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Instant;

use sandbox::Config;
use sandbox::browser::{
    Page, R, fresh_profile, screenshot_dir, start_browser, start_driver, within, workspace_target,
};

#[path = "support/mod.rs"]
mod support;
#[path = "support/vendor.rs"]
mod vendor;
use support::{copy_package, env_path};

#[path = "e2e/ui.rs"]
mod ui;
use ui::{PATIENCE, Ui, config_for, start_sandbox};

/// The longest one case may take (the slowest take a few seconds): a case that hangs fails by
/// name instead of stalling the run.
const CASE_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

#[path = "e2e/account.rs"]
mod account;
#[path = "e2e/channel.rs"]
mod channel;
#[path = "e2e/errors.rs"]
mod errors;
#[path = "e2e/heart.rs"]
mod heart;
#[path = "e2e/look.rs"]
mod look;
#[path = "e2e/protocol.rs"]
mod protocol;
#[path = "e2e/scale.rs"]
mod scale;
#[path = "e2e/vendor.rs"]
mod vendor_cases;
use account::*;
use channel::*;
use errors::*;
use heart::*;
use look::*;
use protocol::*;
use scale::*;
use vendor_cases::*;

type Case = for<'a> fn(&'a Ui<'a>) -> Pin<Box<dyn Future<Output = R<()>> + Send + 'a>>;

macro_rules! case {
    ($f:ident) => {
        (stringify!($f), (|ui| Box::pin($f(ui))) as Case, false)
    };
    ($f:ident, protocol) => {
        (stringify!($f), (|ui| Box::pin($f(ui))) as Case, true)
    };
}

/// A package with only the protocol probe as its `iframe.html`.
fn probe_package() -> R<PathBuf> {
    let dir = workspace_target().join("e2e").join("probe-package");
    std::fs::create_dir_all(dir.join("assets"))?;
    std::fs::write(
        dir.join("assets/iframe.html"),
        include_str!("fixtures/protocol.html"),
    )?;
    Ok(dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e() {
    let package = env_path("ZENDESK_HEART_PACKAGE_DIR");
    let sdk = env_path("ZENDESK_HEART_ZAF_SDK");
    let (package, sdk) = match (package, sdk) {
        (Ok(p), Ok(s)) => (p, s),
        (p, s) => panic!(
            "{}",
            [p.err(), s.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    if !package.join("assets/iframe.html").is_file() {
        panic!(
            "{} has no assets/iframe.html; run `cargo xtask test`",
            package.display()
        );
    }
    let probe = probe_package().expect("probe package");
    // The integration's certificate for this run, trusted by the browser (and nothing else),
    // and a vendor integration's, from its own CA.
    let identity = sandbox::tls::Identity::generate().expect("certificate");
    let vendor_ca = vendor::TestCa::new();
    let package = copy_package(&package, "package").expect("a copy of the package");
    let only = std::env::var("E2E_ONLY").unwrap_or_default();
    let cases: Vec<(&str, Case, bool)> = vec![
        case!(protocol_with_the_real_sdk, protocol),
        case!(loads_the_seeded_state_through_the_proxy),
        case!(a_click_likes_the_photo),
        case!(another_agents_change_shows_on_activation),
        case!(an_email_ticket_hides_the_app),
        case!(a_wrong_token_shows_the_error),
        case!(each_fault_shows_its_message_and_rolls_back),
        case!(the_fault_form_sets_a_fault_of_zendesks_proxy),
        case!(load_errors_recover),
        case!(twenty_rapid_clicks_end_right),
        case!(the_iframe_is_as_tall_as_its_content),
        case!(dark_mode),
        case!(a_non_english_locale),
        case!(keyboard_only),
        case!(the_caption_and_name_say_who_likes),
        case!(without_an_account_the_business_account_likes),
        case!(a_hostile_handle_is_plain_text_within_the_panel),
        case!(listing_screenshots_without_sandbox_controls),
        case!(another_package_shows_its_own_name),
        case!(channel_install_add_an_account_in_the_browser_pull_and_like),
        case!(channel_a_wrong_token_is_refused_in_the_admin_ui),
        case!(channel_an_edited_token_later_revoked_is_refused_on_the_heart),
        case!(channel_a_forged_external_id_changes_nothing),
        case!(channel_metadata_needs_update_shows_on_the_admin_page),
        case!(scale_two_replicas_behind_nginx_share_redis),
        case!(any_integration_installed_replied_to_and_pushed_in_the_browser),
        case!(any_zaf_package_runs_without_requirements),
    ];

    let driver = start_driver().await.expect("chromedriver");
    let profile = workspace_target()
        .join("e2e")
        .join(format!("profile-{}", std::process::id()));
    let profile = fresh_profile(&profile).expect("profile dir");
    // A 1280×800 viewport, the size of the screenshots.
    let client = start_browser(
        &driver,
        &profile,
        &[format!(
            "{},{}",
            identity.chromium_flag(),
            vendor_ca.spki_sha256
        )],
        Some((1280, 800)),
    )
    .await
    .expect("browser");

    let started = Instant::now();
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, run, protocol) in cases {
        if !name.contains(&only) {
            continue;
        }
        ran += 1;
        let config = Config {
            // Below the app's own 15 s request timeout, so a slow service is a 504 from the proxy.
            proxy_timeout_ms: 1_000,
            ..Config::default()
        };
        let dir = if protocol { &probe } else { &package };
        let sandbox = start_sandbox(config_for(name, config), dir, &sdk, &identity).await;
        let sandbox = match sandbox {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{name}: the sandbox did not start: {e}"));
                continue;
            }
        };
        let ui = Ui {
            page: Page {
                c: &client,
                sandbox,
                patience: PATIENCE,
            },
            tls: &identity,
            sdk: &sdk,
            package: &package,
            vendor_ca: &vendor_ca,
        };
        let t = Instant::now();
        let outcome = within(CASE_LIMIT, name, run(&ui)).await;
        let secs = t.elapsed().as_secs_f32();
        match outcome {
            Ok(()) => eprintln!("  ok    {name} ({secs:.1} s)"),
            Err(e) => {
                let shot = format!("FAILED-{name}");
                let _ = within(CASE_LIMIT, "the failure's screenshot", ui.screenshot(&shot)).await;
                eprintln!("  FAIL  {name} ({secs:.1} s): {e}");
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    let _ = client.close().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_dir_all(&package);
    eprintln!(
        "e2e: {ran} case(s) in {:.1} s; screenshots in {}",
        started.elapsed().as_secs_f32(),
        screenshot_dir().display()
    );
    assert!(ran > 0, "E2E_ONLY={only:?} matched no case");
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));
}
