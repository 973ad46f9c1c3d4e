//! `cargo xtask`: the project's task runner (see `cargo xtask --help`).
//!
//! Plain std::process for external tools; every tool that is missing points at `cargo xtask setup`.

mod bench;
mod budget;
mod build;
mod cmd;
mod package;
mod page;
mod project;
mod setup;
mod test;

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
  package   build, then assemble target/package/zendesk-heart-<version>/ and its .zip (with the
            channel integration of [package.metadata.zendesk] in requirements.json), validate the
            zip offline with zaf-validate --strict (Zendesk's rules and ours) and check the size
            budget [--manifest-url <https url>]
  validate  Validate any Zendesk app package offline, as Zendesk's validator would:
            validate <folder|zip> [--json] [--strict] (crates/zaf-validate); exit status 0 when
            Zendesk would accept it
  test      Run every check in order, stopping at the first failure: setup, fmt, clippy (native
            and wasm), package, native tests, browser tests
  demo      setup, package, then run the sandbox on the package [--config <file>]
            [--manifest-url <https url>]
  bench     package, then time the app against a hand-written JS heart (bench/baseline) in
            headless Chromium, alternating loads [--runs <n>, default 20]; prints medians,
            p90s and the payloads, writes target/bench/*.json
  help      Print this help

Options:
  --manifest-url <url>  (package, test, demo) the channel integration's manifest URL for this
              build, instead of `manifest_url` in Cargo.toml's [package.metadata.zendesk]
  --stable    (setup, build, package, test, demo) build the shipped wasm with stable Rust
              instead of the pinned nightly: panics keep their messages, but the wasm is
              bigger and may not fit the size budget; setup then skips the nightly
  -h, --help  Print this help

By default the shipped wasm is built with the pinned nightly (std rebuilt for size, panics abort
immediately): it is what keeps the sidebar download within budget. Lints and tests use stable.
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("validate") {
        // The same command line and exit status as the zaf-validate binary.
        return ExitCode::from(zaf_validate::cli::main(args));
    }
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
    let mut manifest_url = None;
    let mut rest = args;
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--stable" => nightly_size = false,
            "--manifest-url" if matches!(command.as_str(), "package" | "test" | "demo") => {
                match rest.next() {
                    Some(url) => manifest_url = Some(url),
                    None => bail!("`--manifest-url` needs a URL"),
                }
            }
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
    let mut project = project::Project::locate(nightly_size)?;
    project.manifest_url = manifest_url;
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
