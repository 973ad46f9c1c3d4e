//! `cargo xtask`: the project's task runner (see `cargo xtask --help`).
//!
//! Plain std::process for external tools; every tool that is missing points at `cargo xtask setup`.

mod bench;
mod budget;
mod build;
mod cmd;
mod package;
mod page;
mod png;
mod project;
mod setup;
mod test;
mod validate;

use std::process::ExitCode;

use anyhow::{Result, bail};

const HELP: &str = "\
cargo xtask <COMMAND>

Commands:
  setup     Install the toolchain pieces the build needs (idempotent; skips what is present):
            wasm32 target, wasm-bindgen-cli (= Cargo.lock), npm tools (wasm-opt, esbuild, ZAF
            SDK) into a per-machine cache, Chromium + chromedriver (apt, as root)
  build     Build the app (release wasm, wasm-bindgen, wasm-opt, the page from index.html) into
            target/dist and bundle the ZAF SDK into target/zaf-sdk/zaf_sdk.min.js
  package   build, then assemble target/package/zendesk-heart-<version>/ and its .zip, validate it
            offline against Zendesk's app rules and check the size budget
  test      Run every check in order, stopping at the first failure: setup, fmt, clippy (native
            and wasm), package, native tests, browser tests
  demo      setup, package, then run the sandbox on the package [--config <file>]
  bench     package, then time the app against a hand-written JS heart (bench/baseline) in
            headless Chromium, alternating loads [--runs <n>, default 20]; prints medians,
            p90s and the payloads, writes target/bench/*.json
  help      Print this help

Options:
  --stable    (setup, build, package, test, demo) build the shipped wasm with stable Rust
              instead of the pinned nightly: panics keep their messages, but the wasm is
              bigger and may not fit the size budget; setup then skips the nightly
  -h, --help  Print this help

By default the shipped wasm is built with the pinned nightly (std rebuilt for size, panics abort
immediately): it is what keeps the sidebar download within budget. Lints and tests use stable.
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nerror: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(command) = args.next() else {
        print!("{HELP}");
        bail!("no command given");
    };
    let mut nightly_size = true;
    let mut config = None;
    let mut runs = None;
    let mut rest = args;
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--stable" => nightly_size = false,
            "--config" if command == "demo" => match rest.next() {
                Some(file) => config = Some(file),
                None => bail!("`--config` needs a file"),
            },
            "--runs" if command == "bench" => match rest.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = Some(n),
                _ => bail!("`--runs` needs a whole number above 0"),
            },
            other => {
                bail!("unexpected argument `{other}` for `{command}` (see `cargo xtask --help`)")
            }
        }
    }
    let project = project::Project::locate(nightly_size)?;
    match command.as_str() {
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            Ok(())
        }
        "setup" => setup::run(&project, setup::Mode::Install).map(drop),
        "build" => build::run(&project).map(drop),
        "package" => package::run(&project).map(drop),
        "test" => test::run(&project),
        "demo" => package::demo(&project, config.as_deref()),
        "bench" => bench::run(&project, runs),
        other => {
            print!("{HELP}");
            bail!("unknown command `{other}`")
        }
    }
}
