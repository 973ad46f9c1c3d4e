//! `cargo xtask fuzz validate [--seconds N]`: runs the validator's fuzz targets
//! (`crates/zaf-validate/fuzz`: the zip reader, the JSON reader, the rule runner on a package)
//! with cargo-fuzz (libFuzzer) on the pinned nightly, N seconds each, from corpora in
//! `target/fuzz/corpus/` seeded with Zendesk's basic scaffold. Installs cargo-fuzz from
//! crates.io on first use (not in `setup`: only fuzzing needs it). Fails if a target finds an
//! input that crashes, hangs or runs out of memory; the input stays in `target/fuzz/artifacts/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use zaf_validate::Package;

use crate::cmd::{self, Env};
use crate::project::Project;
use crate::setup::NIGHTLY;

/// The fuzz targets, each a file of `crates/zaf-validate/fuzz/fuzz_targets/`.
pub const TARGETS: [&str; 3] = ["zip_reader", "json_reader", "rule_runner"];

/// The cargo-fuzz this command installs and runs.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

const DEFAULT_SECONDS: u64 = 60;

/// An input that takes longer than this is a finding (a hang), as libFuzzer's `-timeout`.
const INPUT_TIMEOUT_SECONDS: u64 = 10;

const USAGE: &str = "usage: cargo xtask fuzz validate [--seconds <n>]";

/// What to fuzz, from the command line after `fuzz`.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    /// How long each target runs.
    pub seconds: u64,
}

/// The arguments after `cargo xtask fuzz validate`.
pub fn parse(args: &[String]) -> Result<Request> {
    let mut args = args.iter().map(String::as_str);
    let mut seconds = DEFAULT_SECONDS;
    while let Some(arg) = args.next() {
        match (arg, args.next().map(str::parse::<u64>)) {
            ("--seconds", Some(Ok(n))) if n > 0 => seconds = n,
            ("--seconds", _) => bail!("`--seconds` needs a whole number above 0\n{USAGE}"),
            (other, _) => bail!("unexpected argument `{other}`\n{USAGE}"),
        }
    }
    Ok(Request { seconds })
}

pub fn run(project: &Project, args: &[String]) -> Result<ExitCode> {
    let request = parse(args)?;
    let env = Env::new(None)?;
    // `cargo` is rustup's proxy (on the tools' PATH): `RUSTUP_TOOLCHAIN` picks the nightly.
    let nightly = |command: cmd::Cmd| command.env("RUSTUP_TOOLCHAIN", NIGHTLY);
    if nightly(env.cmd("cargo")).arg("--version").probe().is_none() {
        bail!(
            "the pinned nightly {NIGHTLY} is missing: run `cargo xtask setup` (without --stable)"
        );
    }
    cargo_fuzz(&env)?;

    let fuzz_dir = project.root.join("crates/zaf-validate/fuzz");
    let out = project.target_dir().join("fuzz");
    let mut found = Vec::new();
    for target in TARGETS {
        let corpus = out.join("corpus").join(target);
        let artifacts = out.join("artifacts").join(target);
        fs::create_dir_all(&artifacts)
            .with_context(|| format!("creating {}", artifacts.display()))?;
        seed(project, target, &corpus)?;
        let before = files(&artifacts)?;
        println!(
            "\nfuzzing {target} for {} s (corpus: {})",
            request.seconds,
            corpus.display()
        );
        let ran = nightly(env.cmd("cargo"))
            .current_dir(&project.root)
            .args(["fuzz", "run", target, "--fuzz-dir"])
            .arg(&fuzz_dir)
            .arg("--target-dir")
            .arg(out.join("build"))
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={}", request.seconds))
            .arg(format!("-timeout={INPUT_TIMEOUT_SECONDS}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .arg("-print_final_stats=1")
            .run();
        let new: Vec<PathBuf> = files(&artifacts)?
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        println!(
            "{target}: {} inputs in the corpus, {} new finding(s)",
            files(&corpus)?.len(),
            new.len()
        );
        for file in &new {
            println!("  {}", file.display());
        }
        if let Err(e) = ran {
            found.push(format!("{target}: {e:#}"));
        }
    }
    if !found.is_empty() {
        bail!(
            "the fuzzers found inputs to fix (each stays in {}; `cargo +{NIGHTLY} fuzz run <target> --fuzz-dir crates/zaf-validate/fuzz <file>` replays one):\n{}",
            out.join("artifacts").display(),
            found.join("\n")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Installs cargo-fuzz at `CARGO_FUZZ_VERSION` unless it is there.
fn cargo_fuzz(env: &Env) -> Result<()> {
    let installed = env.cmd("cargo-fuzz").arg("--version").probe();
    if installed
        .as_deref()
        .is_some_and(|v| v.trim() == format!("cargo-fuzz {CARGO_FUZZ_VERSION}"))
    {
        return Ok(());
    }
    println!("installing cargo-fuzz {CARGO_FUZZ_VERSION} (once per machine)");
    env.cmd(cmd::cargo())
        .args(["install", "cargo-fuzz", "--locked", "--version"])
        .arg(CARGO_FUZZ_VERSION)
        .run()
}

/// The files of a folder (none if it is not there).
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() {
            out.push(path);
        }
    }
    Ok(out)
}

/// Puts the first inputs into an empty corpus: the scaffold, as each target reads it.
fn seed(project: &Project, target: &str, corpus: &Path) -> Result<()> {
    if !files(corpus)?.is_empty() {
        return Ok(());
    }
    fs::create_dir_all(corpus).with_context(|| format!("creating {}", corpus.display()))?;
    let fixture = project
        .root
        .join("crates/zaf-validate/tests/fixtures/basic-scaffold");
    let scaffold = Package::from_dir(&fixture).context("reading the scaffold fixture")?;
    let file = |path: &str| scaffold.get(path).unwrap_or_default().to_vec();
    let seeds: Vec<(&str, Vec<u8>)> = match target {
        "zip_reader" => vec![("scaffold.zip", scaffold.to_zip()?)],
        "json_reader" => vec![
            ("manifest.json", file("manifest.json")),
            ("en.json", file("translations/en.json")),
            (
                "requirements.json",
                br#"{"channel_integrations": {"a": {"manifest_url": "https://a.example/m"}}, "webhooks": {"w": {"name": "W"}} /* c */}"#.to_vec(),
            ),
        ],
        _ => {
            // The rule runner's format: parts split at 0xFF (see its file).
            let mut both = file("manifest.json");
            both.push(0xFF);
            both.extend(file("translations/en.json"));
            let mut more = both.clone();
            more.push(0xFF);
            more.extend(br#"{"targets": {"t": {"title": "T", "type": "email_target"}}}"#);
            more.push(0xFF);
            more.extend(b"var token = 'abcdefgh1234'; fetch('http://example.com/x');");
            vec![("scaffold", both), ("scaffold-more", more)]
        }
    };
    for (name, bytes) in seeds {
        let path = corpus.join(name);
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_the_seconds() {
        assert_eq!(
            parse(&[]).ok(),
            Some(Request {
                seconds: DEFAULT_SECONDS
            })
        );
        assert_eq!(
            parse(&words(&["--seconds", "600"])).ok(),
            Some(Request { seconds: 600 })
        );
        for bad in [
            &["sandbox"][..],
            &["--seconds"],
            &["--seconds", "0"],
            &["--seconds", "soon"],
            &["--minutes", "1"],
        ] {
            assert!(parse(&words(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_target_has_its_file() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/zaf-validate/fuzz");
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("the fuzz crate");
        for target in TARGETS {
            assert!(
                dir.join(format!("fuzz_targets/{target}.rs")).is_file(),
                "{target}"
            );
            assert!(
                manifest.contains(&format!("name = \"{target}\"")),
                "{target}"
            );
        }
    }
}
