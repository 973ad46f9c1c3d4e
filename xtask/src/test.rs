//! `cargo xtask test`: every check, in order, stopping at the first failure.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::cmd::{self, Env, Tally};
use crate::package;
use crate::project::Project;
use crate::setup::{self, CHROMEDRIVER, WASM_TARGET};

struct Step {
    name: &'static str,
    elapsed: Duration,
    ok: bool,
}

pub fn run(project: &Project) -> Result<()> {
    let started = Instant::now();
    let mut done: Vec<Step> = Vec::new();
    let mut env = Env::new(None)?;
    let mut package_dir = None;
    let mut zaf_sdk = None;
    let mut node_modules = None;
    let mut tally = Tally::default();

    let steps: [&'static str; 7] = [
        "setup",
        "fmt",
        "clippy (native)",
        "clippy (wasm)",
        "package",
        "tests (native)",
        "tests (browser)",
    ];
    for name in steps {
        println!("\n==> {name}");
        let step_started = Instant::now();
        let result: Result<()> = match name {
            "setup" => setup::run(project, setup::Mode::Install).map(|tools| {
                env = tools.env;
                node_modules = Some(tools.node_modules);
            }),
            "fmt" => cargo(&env, project)
                .args(["fmt", "--all", "--", "--check"])
                .run(),
            "clippy (native)" => cargo(&env, project)
                .args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ])
                .run(),
            "clippy (wasm)" => cargo(&env, project)
                .args(["clippy", "-p", "zendesk-heart", "--target", WASM_TARGET])
                .args(["--all-targets", "--", "-D", "warnings"])
                .run(),
            "package" => package::run(project).map(|p| {
                package_dir = Some(p.dir);
                zaf_sdk = Some(p.zaf_sdk);
            }),
            "tests (native)" => match (&package_dir, &zaf_sdk, &node_modules) {
                (Some(dir), Some(sdk), Some(npm)) => cargo(&env, project)
                    .args(["test", "--workspace"])
                    .env("ZENDESK_HEART_PACKAGE_DIR", dir)
                    .env("ZENDESK_HEART_ZAF_SDK", sdk)
                    // axe-core, for the fault matrix's accessibility checks (tests/faults.rs).
                    .env("ZENDESK_HEART_AXE", npm.join("axe-core/axe.min.js"))
                    .env("CHROMEDRIVER", CHROMEDRIVER)
                    .run_tests()
                    .map(|t| tally.add(t)),
                _ => bail!("the package step did not leave a package"),
            },
            // The lib's unit tests run natively above; in the browser, the mounted app.
            "tests (browser)" => cargo(&env, project)
                .args(["test", "-p", "zendesk-heart", "--target", WASM_TARGET])
                .args(["--test", "browser"])
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "60")
                .run_tests()
                .map(|t| tally.add(t)),
            other => bail!("unknown step {other}"),
        };
        let ok = result.is_ok();
        done.push(Step {
            name,
            elapsed: step_started.elapsed(),
            ok,
        });
        if let Err(e) = result {
            summary(&done, &steps, started.elapsed());
            eprintln!("\nstep `{name}` FAILED: {e:#}");
            bail!("`cargo xtask test` stopped at step `{name}`");
        }
    }
    summary(&done, &steps, started.elapsed());
    println!("all steps passed");
    // Last, the plain count of every test that ran (harness lines summed).
    println!(
        "tests: {} passed, {} failed, {} skipped",
        tally.passed, tally.failed, tally.ignored
    );
    Ok(())
}

fn cargo(env: &Env, project: &Project) -> cmd::Cmd {
    env.cmd(cmd::cargo()).current_dir(&project.root)
}

fn summary(done: &[Step], all: &[&str], total: Duration) {
    println!("\nsummary:");
    for step in done {
        let status = if step.ok { "ok" } else { "FAILED" };
        println!(
            "  {:<16} {:<7} {:>8.1}s",
            step.name,
            status,
            step.elapsed.as_secs_f64()
        );
    }
    for name in all.iter().skip(done.len()) {
        println!("  {name:<16} skipped");
    }
    println!("  {:<16} {:<7} {:>8.1}s", "total", "", total.as_secs_f64());
}
