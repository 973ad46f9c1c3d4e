//! `bench --app <package dir> --baseline <package dir> --zaf-sdk <file> [--runs N] [--out <file>]
//! [--also <name>=<package dir>]… [--cold | --warm] [--latency MS[,MS…]]`
//!
//! Loads the sandbox's ticket page in headless Chromium `runs` times for each of two packages,
//! alternating (app, baseline, app, …) so both see the same machine at the same moment (`--also`
//! adds more pages to the rotation, e.g. an earlier build of the app), and reads
//! what a probe injected first into each `iframe.html` recorded (see [`probe::PROBE`]): time from the
//! iframe's navigation to the ready heart, first paint, wasm instantiation, and click → the new
//! state painted. Run through `cargo xtask bench`, which builds both packages.
//!
//! Each load is timed under a [`args::Condition`]: warm (one browser reloads the ticket: its processes,
//! compiled code and connections are kept) or cold (a fresh browser with an empty profile for
//! every load, as an agent's first ticket of the day), and with the integration service
//! answering at once or `latency` ms late (the sandbox's fault injection, on both paths). By
//! default every load is timed warm and cold, at each latency asked for.
//!
//! A benchmark, not a test: it reports, it does not judge.
//!
//! Here, the run: a sandbox per page, the browsers, the alternated loads. The command line is
//! `args.rs`, what is timed in the page `probe.rs`, the report `report.rs` on `stats.rs`.

mod args;
mod probe;
mod report;
mod stats;

use sandbox::browser::{Driver, R, fresh_profile, serve_package, start_browser, start_driver};
use sandbox::{Config, Fault, Sandbox};

use crate::args::{Args, Mode, parse_args};
use crate::probe::{PROBE, Record, load};
use crate::report::{Timings, report, table};

/// The service paths whose answers `--latency` delays: the read and the set.
const SERVICE_PATHS: [&str; 2] = ["/like_state", "/like"];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("bench: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(&args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// One of the pages under test.
struct Contender {
    sandbox: Sandbox,
    timings: Timings,
}

async fn run(args: &Args) -> R<()> {
    let conditions = args.conditions();
    let mut contenders = Vec::new();
    let pages = [
        ("app".to_string(), args.app.clone()),
        ("baseline".to_string(), args.baseline.clone()),
    ];
    for (name, package) in pages.into_iter().chain(args.also.iter().cloned()) {
        if !package.join("assets/iframe.html").is_file() {
            return Err(format!("{} has no assets/iframe.html", package.display()).into());
        }
        // A copy that names the integration of this run's sandbox, on a free port.
        let copy = std::env::temp_dir().join(format!("heart-bench-{}-{name}", std::process::id()));
        sandbox::package::copy(&package, &copy)?;
        let sandbox = serve_package(
            Config::default(),
            &copy,
            &args.zaf_sdk,
            Some(PROBE.to_string()),
            None,
        )
        .await?;
        contenders.push(Contender {
            sandbox,
            timings: Timings {
                name,
                samples: Vec::new(),
            },
        });
    }

    let driver = start_driver().await?;
    let profile = std::env::temp_dir().join(format!("heart-bench-{}", std::process::id()));
    let mut result: R<()> = Ok(());
    for condition in &conditions {
        println!(
            "timing {} loads of each page, {}…",
            args.runs,
            condition.describe()
        );
        for contender in &mut contenders {
            delay_service(&contender.sandbox, condition.latency_ms);
            contender.timings.samples.push(Vec::new());
        }
        result = match condition.mode {
            Mode::Warm => measure_warm(&driver, &profile, &mut contenders, args.runs).await,
            Mode::Cold => measure_cold(&driver, &profile, &mut contenders, args.runs).await,
        }
        .map_err(|e| format!("{}: {e}", condition.describe()).into());
        if result.is_err() {
            break;
        }
    }
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    result?;

    let timings: Vec<&Timings> = contenders.iter().map(|c| &c.timings).collect();
    let report = report(&timings, &conditions, args.runs);
    println!("{}", table(&report));
    if let Some(out) = &args.out {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(out, serde_json::to_string_pretty(&report)?)?;
        println!("written: {}", out.display());
    }
    Ok(())
}

/// Makes the integration service answer `latency_ms` late on both paths (0: at once).
fn delay_service(sandbox: &Sandbox, latency_ms: u64) {
    for path in SERVICE_PATHS {
        if latency_ms == 0 {
            sandbox.faults.clear(path);
        } else {
            sandbox.faults.set(
                path,
                Fault {
                    latency_ms,
                    times: None,
                    ..Fault::default()
                },
            );
        }
    }
}

/// One browser for every load: a warm-up load each, then `runs` rounds of alternated loads.
async fn measure_warm(
    driver: &Driver,
    profile: &std::path::Path,
    contenders: &mut [Contender],
    runs: usize,
) -> R<()> {
    // Chromium's default window: the pages are timed, not pictured.
    let browser = start_browser(driver, &fresh_profile(profile)?, &[], None).await?;
    let result = async {
        // The first start of Chromium's renderer and compiler is not a ticket.
        for contender in contenders.iter() {
            load(&browser, &contender.sandbox).await?;
        }
        for run in 0..runs {
            for contender in contenders.iter_mut() {
                let sample = load(&browser, &contender.sandbox)
                    .await
                    .map_err(|e| format!("run {} of {}: {e}", run + 1, contender.timings.name))?;
                push(contender, sample);
            }
        }
        Ok(())
    }
    .await;
    let _ = browser.close().await;
    result
}

/// A fresh browser with an empty profile for every load: nothing of an earlier load is kept
/// (no HTTP or code cache, no renderer, no connection).
async fn measure_cold(
    driver: &Driver,
    profile: &std::path::Path,
    contenders: &mut [Contender],
    runs: usize,
) -> R<()> {
    for run in 0..runs {
        for contender in contenders.iter_mut() {
            let browser = start_browser(driver, &fresh_profile(profile)?, &[], None).await?;
            let sample = load(&browser, &contender.sandbox).await;
            let _ = browser.close().await;
            let sample = sample
                .map_err(|e| format!("run {} of {}: {e}", run + 1, contender.timings.name))?;
            push(contender, sample);
        }
    }
    Ok(())
}

/// Adds a load's record to the contender's current condition.
fn push(contender: &mut Contender, sample: Record) {
    if let Some(samples) = contender.timings.samples.last_mut() {
        samples.push(sample);
    }
}
