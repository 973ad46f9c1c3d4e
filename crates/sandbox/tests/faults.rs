//! The fault matrix: for the read and for the set, every fault the sandbox can inject, end to end
//! in headless Chromium with the real SDK, the real proxy and the reference service. Each cell is
//! a test of its own (`read/429 Retry-After date`, …); then a soak of 1,000 clicks.
//!
//! Every cell asserts what the agent ends up seeing (the heart against the origin's value, the
//! message, whether "Try again" is offered), how many requests the app sent, and that nothing is
//! left pending: no timer or `client.request` in the iframe, no call in the proxy.
//!
//! The app's deadlines and backoff are shortened through `window.zendeskHeartTiming`
//! (`support/probe.js`), the proxy's timeout through the sandbox config: no test sleeps.
//! Needs the built package, like `e2e.rs`: run through `cargo xtask test`.
//!
//! This file is the harness (libtest-mimic: one trial per cell, one shared browser); the cells are
//! in `faults/cells.rs`, running one in `faults/matrix.rs`, the axe-core checks in
//! `faults/a11y.rs` and the soak in `faults/soak.rs`.

#[path = "faults/a11y.rs"]
mod a11y;
#[path = "faults/cells.rs"]
mod cells;
#[path = "faults/matrix.rs"]
mod matrix;
#[path = "faults/soak.rs"]
mod soak;
mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use a11y::{State, Variant, accessible};
use cells::{Call, Cell, cells};
use libtest_mimic::{Arguments, Failed, Trial};
use matrix::{quick_clicks, run_cell, wasm_as_octet_stream};
use sandbox::browser::fantoccini::Client;
use sandbox::browser::{
    Driver, R, fresh_profile, serve_package, start_browser, start_driver, within, workspace_target,
};
use sandbox::{Config, Sandbox};
use soak::{SOAK_CLICKS, soak};
use support::{copy_package, env_path};

/// The longest one trial may take (the soak, the longest, takes well under a minute): a trial
/// that hangs fails by name instead of stalling the run.
const TRIAL_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// What every trial needs: the built package, the SDK, and the one browser they share.
pub struct Shared {
    rt: tokio::runtime::Runtime,
    inputs: Result<(PathBuf, PathBuf), String>,
    browser: Mutex<Option<(Driver, Client)>>,
    profile: PathBuf,
}

impl Shared {
    async fn client(&self) -> R<Client> {
        if let Some((_, client)) = self.browser.lock().map_err(|_| "poisoned")?.as_ref() {
            return Ok(client.clone());
        }
        let driver = start_driver().await?;
        let profile = fresh_profile(&self.profile)?;
        // `gc()` exposed and exact `performance.memory`, for the soak's heap figures.
        let flags = ["--js-flags=--expose-gc", "--enable-precise-memory-info"].map(String::from);
        let client = start_browser(&driver, &profile, &flags, Some((1280, 900))).await?;
        *self.browser.lock().map_err(|_| "poisoned")? = Some((driver, client.clone()));
        Ok(client)
    }

    fn close(&self) {
        let taken = self.browser.lock().ok().and_then(|mut b| b.take());
        if let Some((driver, client)) = taken {
            let _ = self.rt.block_on(client.close());
            drop(driver);
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    /// A sandbox serving the package with the probe (`support/probe.js`) first in the app's page,
    /// and the app's timing set to `timing`.
    pub async fn sandbox(&self, config: Config, timing: &str) -> R<Sandbox> {
        let (package, sdk) = self.inputs.clone()?;
        let script = include_str!("support/probe.js").replace("__TIMING__", timing);
        serve_package(config, &package, &sdk, Some(script), None).await
    }
}

fn main() {
    let mut args = Arguments::from_args();
    // One browser, one page: cells run one after the other.
    args.test_threads = Some(1);
    let inputs = env_path("ZENDESK_HEART_PACKAGE_DIR").and_then(|p| {
        let sdk = env_path("ZENDESK_HEART_ZAF_SDK")?;
        if p.join("assets/iframe.html").is_file() {
            let copy = copy_package(&p, "faults-package")
                .map_err(|e| format!("copying {}: {e}", p.display()))?;
            Ok((copy, sdk))
        } else {
            Err(format!(
                "{} has no assets/iframe.html; run `cargo xtask test`",
                p.display()
            ))
        }
    });
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("no tokio runtime: {e}");
            std::process::exit(101);
        }
    };
    let shared = Arc::new(Shared {
        rt,
        inputs,
        browser: Mutex::new(None),
        profile: workspace_target()
            .join("e2e")
            .join(format!("faults-profile-{}", std::process::id())),
    });
    let verbose = std::env::var_os("FAULTS_VERBOSE").is_some();
    let trial = |name: String, job: Job| {
        let shared = shared.clone();
        Trial::test(name, move || {
            let outcome = shared.rt.block_on(within(TRIAL_LIMIT, "the trial", async {
                let c = shared.client().await?;
                job.run(&shared, &c).await
            }));
            match outcome {
                Ok(line) => {
                    if verbose {
                        eprintln!("    {line}");
                    }
                    Ok(())
                }
                Err(e) => Err(Failed::from(e.to_string())),
            }
        })
    };
    let mut trials = Vec::new();
    let all = Arc::new(cells());
    for call in [Call::Read, Call::Set] {
        for (i, cell) in all.iter().enumerate() {
            trials.push(trial(
                format!("{}/{}", call.name(), cell.fault),
                Job::Cell(call, all.clone(), i),
            ));
        }
    }
    trials.push(trial("100 quick clicks".into(), Job::QuickClicks));
    trials.push(trial(
        "wasm served as application/octet-stream".into(),
        Job::OctetStream,
    ));
    for variant in Variant::ALL {
        for state in State::ALL {
            trials.push(trial(
                format!("a11y/{} {}", state.name(), variant.name()),
                Job::A11y(state, variant),
            ));
        }
    }
    trials.push(trial(
        format!("soak: {SOAK_CLICKS} clicks with random faults"),
        Job::Soak,
    ));
    let conclusion = libtest_mimic::run(&args, trials);
    shared.close();
    conclusion.exit();
}

enum Job {
    Cell(Call, Arc<Vec<Cell>>, usize),
    QuickClicks,
    OctetStream,
    Soak,
    A11y(State, Variant),
}

impl Job {
    async fn run(&self, shared: &Shared, c: &Client) -> R<String> {
        match self {
            Job::Cell(call, cells, i) => run_cell(shared, c, *call, &cells[*i]).await,
            Job::QuickClicks => quick_clicks(shared, c).await,
            Job::OctetStream => wasm_as_octet_stream(shared, c).await,
            Job::Soak => soak(shared, c).await,
            Job::A11y(state, variant) => accessible(shared, c, *state, *variant).await,
        }
    }
}
