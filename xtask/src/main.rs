//! `cargo xtask`: the project's task runner (see `cargo xtask --help`).
//!
//! Plain std::process for external tools; every tool that is missing points at `cargo xtask setup`.

mod budget;
mod build;
mod cmd;
mod package;
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
            wasm32 target, wasm-bindgen-cli (= Cargo.lock), Trunk, npm tools (wasm-opt, esbuild,
            ZAF SDK) into a per-machine cache, Chromium + chromedriver (apt, as root)
  build     Build the app with Trunk (release) into target/trunk-dist and bundle the ZAF SDK
            into target/zaf-sdk/zaf_sdk.min.js
  package   build, then assemble target/package/zendesk-heart-<version>/ and its .zip, validate it
            offline against Zendesk's app rules and check the size budget
  test      Run every check in order, stopping at the first failure: setup, fmt, clippy (native
            and wasm), package, native tests, browser tests
  demo      package, then run the sandbox on the package [--config <file>]
  help      Print this help

Options:
  -h, --help  Print this help
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
    let rest: Vec<String> = args.collect();
    let no_args = |rest: &[String]| -> Result<()> {
        if let Some(extra) = rest.first() {
            bail!("unexpected argument `{extra}` for `{command}` (see `cargo xtask --help`)");
        }
        Ok(())
    };
    let project = project::Project::locate()?;
    match command.as_str() {
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            Ok(())
        }
        "setup" => {
            no_args(&rest)?;
            setup::run(&project, setup::Mode::Install).map(drop)
        }
        "build" => {
            no_args(&rest)?;
            build::run(&project).map(drop)
        }
        "package" => {
            no_args(&rest)?;
            package::run(&project).map(drop)
        }
        "test" => {
            no_args(&rest)?;
            test::run(&project)
        }
        "demo" => {
            let config = parse_demo_args(&rest)?;
            package::demo(&project, config.as_deref())
        }
        other => {
            print!("{HELP}");
            bail!("unknown command `{other}`")
        }
    }
}

fn parse_demo_args(rest: &[String]) -> Result<Option<String>> {
    match rest {
        [] => Ok(None),
        [flag, file] if flag == "--config" => Ok(Some(file.clone())),
        [flag] if flag == "--config" => bail!("`--config` needs a file"),
        [other, ..] => bail!(
            "unexpected argument `{other}` for `demo` (usage: cargo xtask demo [--config <file>])"
        ),
    }
}
