//! `cargo xtask`: the project's task runner (see `cargo xtask --help`). `COMMANDS` is its command
//! line: each command, what it does, the options it takes and what runs it; `cli.rs` makes the
//! parsing and the help from it.
//!
//! Plain std::process for external tools; every tool that is missing points at `cargo xtask setup`.

mod bench;
mod budget;
mod build;
mod cli;
mod cmd;
mod fuzz;
mod names;
mod package;
mod page;
mod project;
mod setup;
mod test;
#[cfg(test)]
mod tidy;

use std::process::ExitCode;

use anyhow::Result;

use cli::{Command, Invocation, Opt};

/// Every command of `cargo xtask`, in the order the help lists them.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "setup",
        aliases: &[],
        about: "Install the toolchain pieces the build needs (idempotent; skips what is present): \
                wasm32 target, wasm-bindgen-cli (= Cargo.lock), npm tools (wasm-opt, esbuild, ZAF \
                SDK) into a per-machine cache, Chromium + chromedriver (apt, as root)",
        options: &[Opt::Stable],
        passes_arguments: false,
        run: |invocation| setup::run(&project(&invocation)?, setup::Mode::Install).map(done),
    },
    Command {
        name: "build",
        aliases: &[],
        about: "Build the app (release wasm, wasm-bindgen, wasm-opt, the page from index.html) \
                into target/dist and bundle the ZAF SDK into target/zaf-sdk/zaf_sdk.min.js",
        options: &[Opt::Stable],
        passes_arguments: false,
        run: |invocation| build::run(&project(&invocation)?).map(done),
    },
    Command {
        name: "package",
        aliases: &[],
        about: "build, then assemble target/package/zendesk-heart-<version>/ and its .zip (with \
                the channel integration of [package.metadata.zendesk] in requirements.json), \
                validate the zip offline with zaf-validate --strict (Zendesk's rules and ours) and \
                check the size budget",
        options: &[Opt::ManifestUrl, Opt::Stable],
        passes_arguments: false,
        run: |invocation| package::run(&project(&invocation)?).map(done),
    },
    Command {
        name: "validate",
        aliases: &[],
        about: "Validate any Zendesk app package offline, as Zendesk's validator would: validate \
                <folder|zip> [--json] [--strict] (crates/zaf-validate); exit status 0 when \
                Zendesk would accept it",
        options: &[],
        // The same command line and exit status as the zaf-validate binary.
        passes_arguments: true,
        run: |invocation| Ok(ExitCode::from(zaf_validate::cli::main(invocation.passed))),
    },
    Command {
        name: "test",
        aliases: &[],
        about: "Run every check in order, stopping at the first failure: setup, fmt, clippy \
                (native and wasm), package, native tests, browser tests",
        options: &[Opt::ManifestUrl, Opt::Stable],
        passes_arguments: false,
        run: |invocation| test::run(&project(&invocation)?).map(done),
    },
    Command {
        name: "demo",
        aliases: &[],
        about: "setup, package, then run the sandbox on the package; with --manifest-url and \
                --integration-ca, against your own integration",
        options: &[
            Opt::Config,
            Opt::ManifestUrl,
            Opt::IntegrationCa,
            Opt::Stable,
        ],
        passes_arguments: false,
        run: |invocation| {
            package::demo(
                &project(&invocation)?,
                invocation.config.as_deref(),
                invocation.integration_ca.as_deref(),
            )
            .map(done)
        },
    },
    Command {
        name: "bench",
        aliases: &[],
        about: "package, then time the app against a hand-written JS heart (bench/baseline) in \
                headless Chromium, alternating loads, warm and cold, at each service latency; \
                prints medians, p90s, the time-to-ready ratio with its 95% interval and the \
                payloads, writes target/bench/*.json",
        options: &[
            Opt::Runs,
            Opt::Cold,
            Opt::Warm,
            Opt::Latency,
            Opt::Also,
            Opt::Stable,
        ],
        passes_arguments: false,
        run: |invocation| {
            let options = bench::Options {
                runs: invocation.runs,
                cold: invocation.cold,
                warm: invocation.warm,
                latency: invocation.latency.clone(),
                also: invocation.also.clone(),
            };
            bench::run(&project(&invocation)?, &options).map(done)
        },
    },
    Command {
        name: "bench integration",
        aliases: &[],
        about: "the integration service under the load of many agents: simulated agents open \
                tickets through the sandbox's proxy at a fixed rate for a fixed time (loopback \
                only) while likes go on, against a constant handler (the limit), one replica in \
                memory without and with its cache, and two replicas behind nginx on Redis; \
                prints the table and writes target/bench/integration.json",
        options: &[],
        passes_arguments: false,
        run: |invocation| bench::integration(&project(&invocation)?).map(done),
    },
    Command {
        name: "fuzz validate",
        aliases: &[],
        about: "Fuzz the offline validator's zip reader, JSON reader and rule runner \
                (crates/zaf-validate/fuzz) with cargo-fuzz on the pinned nightly, n seconds each \
                ([--seconds <n>], default 60), installing cargo-fuzz on first use; fails on an \
                input that crashes or hangs",
        options: &[],
        // `--seconds` is its own (`fuzz::parse`).
        passes_arguments: true,
        run: |invocation| fuzz::run(&project(&invocation)?, &invocation.passed),
    },
    Command {
        name: "help",
        aliases: &["-h", "--help"],
        about: "Print this help",
        options: &[],
        passes_arguments: false,
        run: |_| {
            print!("{}", cli::help(COMMANDS));
            Ok(ExitCode::SUCCESS)
        },
    },
];

fn project(invocation: &Invocation) -> Result<project::Project> {
    let mut project = project::Project::locate(invocation.nightly_size)?;
    project.manifest_url.clone_from(&invocation.manifest_url);
    Ok(project)
}

fn done<T>(_: T) -> ExitCode {
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let invocation = match cli::parse(COMMANDS, std::env::args().skip(1)) {
        Ok(invocation) => invocation,
        Err(e) => {
            if e.shows_help() {
                print!("{}", cli::help(COMMANDS));
            }
            eprintln!("\nerror: {e}");
            return ExitCode::FAILURE;
        }
    };
    match (invocation.command.run)(invocation) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("\nerror: {e:#}");
            ExitCode::FAILURE
        }
    }
}
