//! `cargo xtask test`: every check, in order, stopping at the first failure.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::cmd::{self, Env, Tally};
use crate::package;
use crate::project::Project;
use crate::setup::{self, CHROMEDRIVER, NGINX, REDIS_SERVER, WASM_TARGET};

/// The steps, run in the order of `Step::ALL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Setup,
    Fmt,
    ClippyNative,
    ClippyWasm,
    Package,
    TestsNative,
    TestsBrowser,
}

impl Step {
    const ALL: [Step; 7] = [
        Step::Setup,
        Step::Fmt,
        Step::ClippyNative,
        Step::ClippyWasm,
        Step::Package,
        Step::TestsNative,
        Step::TestsBrowser,
    ];

    /// How the progress lines and the summary name it.
    fn name(self) -> &'static str {
        match self {
            Step::Setup => "setup",
            Step::Fmt => "fmt",
            Step::ClippyNative => "clippy (native)",
            Step::ClippyWasm => "clippy (wasm)",
            Step::Package => "package",
            Step::TestsNative => "tests (native)",
            Step::TestsBrowser => "tests (browser)",
        }
    }
}

/// A step that ran, for the summary.
struct Done {
    step: Step,
    elapsed: Duration,
    ok: bool,
}

/// The width of the summary's name column.
const NAME_WIDTH: usize = 16;

pub fn run(project: &Project) -> Result<()> {
    let started = Instant::now();
    let mut done: Vec<Done> = Vec::new();
    let mut env = Env::new(None)?;
    let mut package_dir = None;
    let mut zaf_sdk = None;
    let mut node_modules = None;
    let mut tally = Tally::default();

    for step in Step::ALL {
        let name = step.name();
        println!("\n==> {name}");
        let step_started = Instant::now();
        let result: Result<()> = match step {
            Step::Setup => setup::run(project, setup::Mode::Install).map(|tools| {
                env = tools.env;
                node_modules = Some(tools.node_modules);
            }),
            Step::Fmt => cargo(&env, project)
                .args(["fmt", "--all", "--", "--check"])
                .run(),
            Step::ClippyNative => cargo(&env, project)
                .args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ])
                .run(),
            Step::ClippyWasm => cargo(&env, project)
                .args(["clippy", "-p", "zendesk-heart", "--target", WASM_TARGET])
                .args(["--all-targets", "--", "-D", "warnings"])
                .run(),
            Step::Package => package::run(project).map(|p| {
                package_dir = Some(p.dir);
                zaf_sdk = Some(p.zaf_sdk);
            }),
            Step::TestsNative => match (&package_dir, &zaf_sdk, &node_modules) {
                (Some(dir), Some(sdk), Some(npm)) => cargo(&env, project)
                    .args(["test", "--workspace"])
                    .env("ZENDESK_HEART_PACKAGE_DIR", dir)
                    .env("ZENDESK_HEART_ZAF_SDK", sdk)
                    // axe-core, for the fault matrix's accessibility checks (tests/faults.rs).
                    .env("ZENDESK_HEART_AXE", npm.join("axe-core/axe.min.js"))
                    .env("CHROMEDRIVER", CHROMEDRIVER)
                    // The integration's shared store and load balancer, one per test that needs them.
                    .env("REDIS_SERVER", REDIS_SERVER)
                    .env("NGINX", NGINX)
                    .run_tests()
                    .map(|t| tally.add(t)),
                _ => bail!("the package step did not leave a package"),
            },
            // The lib's unit tests run natively above; in the browser, the mounted app.
            Step::TestsBrowser => cargo(&env, project)
                .args(["test", "-p", "zendesk-heart", "--target", WASM_TARGET])
                .args(["--test", "browser"])
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "60")
                .run_tests()
                .map(|t| tally.add(t)),
        };
        let ok = result.is_ok();
        done.push(Done {
            step,
            elapsed: step_started.elapsed(),
            ok,
        });
        if let Err(e) = result {
            summary(&done, started.elapsed());
            eprintln!("\nstep `{name}` FAILED: {e:#}");
            bail!("`cargo xtask test` stopped at step `{name}`");
        }
    }
    summary(&done, started.elapsed());
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

fn summary(done: &[Done], total: Duration) {
    println!("\nsummary:");
    for run in done {
        let status = if run.ok { "ok" } else { "FAILED" };
        println!(
            "  {:<NAME_WIDTH$} {:<7} {:>8.1}s",
            run.step.name(),
            status,
            run.elapsed.as_secs_f64()
        );
    }
    for step in Step::ALL.iter().skip(done.len()) {
        println!("  {:<NAME_WIDTH$} skipped", step.name());
    }
    println!(
        "  {:<NAME_WIDTH$} {:<7} {:>8.1}s",
        "total",
        "",
        total.as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_have_distinct_names_that_fit_the_summary() {
        let mut names: Vec<&str> = Step::ALL.iter().map(|s| s.name()).collect();
        assert!(names.iter().all(|n| n.len() <= NAME_WIDTH), "{names:?}");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Step::ALL.len());
    }

    #[test]
    fn the_package_comes_before_the_tests_that_need_it() {
        let at = |step| Step::ALL.iter().position(|s| *s == step);
        assert!(at(Step::Setup) < at(Step::Package));
        assert!(at(Step::Package) < at(Step::TestsNative));
    }
}
