//! `cargo xtask build`: the app with Trunk (release) and the ZAF SDK bundle for local browsers.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::cmd::Cmd;
use crate::project::{Project, toml_string_in_table};
use crate::setup::{self, NIGHTLY, Tools, WASM_OPT_VERSION, WASM_TARGET};

/// The default size build (not `--stable`): the levers only a nightly has (std rebuilt with `optimize_for_size`,
/// `panic=immediate-abort`, which drops the panic machinery and messages from the wasm).
const NIGHTLY_SIZE_ENV: [(&str, &str); 4] = [
    ("RUSTUP_TOOLCHAIN", NIGHTLY),
    ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
    ("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size"),
    ("RUSTFLAGS", "-Zunstable-options -Cpanic=immediate-abort"),
];

pub struct Built {
    /// Held until the caller is done with the outputs (see [`lock_outputs`]).
    pub _lock: fs::File,
    pub dist: PathBuf,
    pub zaf_sdk: PathBuf,
}

pub fn run(project: &Project) -> Result<Built> {
    let tools = setup::run(project, setup::Mode::Check)?;
    check_trunk_toml(project)?;
    if !project.root.join("index.html").exists() {
        bail!("index.html (the app's Trunk entry point) is missing from the repository root");
    }

    let lock = lock_outputs(project)?;
    let dist = project.trunk_dist();
    if project.nightly_size {
        println!(
            "size build: {NIGHTLY}, std rebuilt for size, panics abort immediately (--stable for stable Rust)"
        );
    }
    // Trunk.toml keeps Trunk offline, and Trunk then builds with `cargo build --offline`: fetch
    // what that build needs first (with build-std, std's own dependencies too), or a fresh
    // machine fails with "no matching package".
    wasm_build(project, tools.env.cmd("cargo"))
        .args(["fetch", "--target", WASM_TARGET])
        .run()
        .context("fetching the app's dependencies")?;
    wasm_build(project, tools.env.cmd("trunk"))
        .args(["build", "--release"])
        .run()
        .context("building the app with Trunk")?;
    if !dist.join("index.html").exists() {
        bail!("Trunk finished but {} has no index.html", dist.display());
    }

    let zaf_sdk = project.zaf_sdk_bundle();
    bundle_zaf_sdk(&tools, &zaf_sdk)?;
    println!("built: {}", dist.display());
    println!("built: {}", zaf_sdk.display());
    Ok(Built {
        _lock: lock,
        dist,
        zaf_sdk,
    })
}

/// `command` in the project's root with the toolchain and flags of the shipped wasm. `cargo`
/// here is rustup's proxy (first on the tools' PATH), so `RUSTUP_TOOLCHAIN` picks the nightly.
fn wasm_build(project: &Project, command: Cmd) -> Cmd {
    let command = command.current_dir(&project.root);
    if !project.nightly_size {
        return command;
    }
    NIGHTLY_SIZE_ENV
        .into_iter()
        .fold(command, |command, (key, value)| command.env(key, value))
        // Its own target dir, so stable and nightly builds do not invalidate each other.
        .env(
            "CARGO_TARGET_DIR",
            project.target_dir().join("nightly-size"),
        )
}

/// One build at a time per checkout: two Trunk runs share `target/trunk-dist/.stage` and
/// break each other, and `package` rewrites `target/package/`.
fn lock_outputs(project: &Project) -> Result<fs::File> {
    let target = project.target_dir();
    fs::create_dir_all(&target).with_context(|| format!("creating {}", target.display()))?;
    let path = target.join(".xtask-build.lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            println!(
                "waiting for another `cargo xtask` build in this checkout ({})…",
                path.display()
            );
            file.lock()
                .with_context(|| format!("locking {}", path.display()))?;
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("locking {}", path.display()));
        }
    }
    Ok(file)
}

/// Trunk.toml must name the tools setup installs, and put the output where the tasks look.
fn check_trunk_toml(project: &Project) -> Result<()> {
    let text = project.read("Trunk.toml")?;
    match trunk_toml_mismatch(&text, &project.locked_wasm_bindgen()?) {
        Some(problem) => {
            bail!("Trunk.toml: {problem} (it must agree with Cargo.lock and `cargo xtask setup`)")
        }
        None => Ok(()),
    }
}

fn trunk_toml_mismatch(text: &str, locked_wasm_bindgen: &str) -> Option<String> {
    let expect = [
        ("tools", "wasm_bindgen", locked_wasm_bindgen.to_string()),
        ("tools", "wasm_opt", format!("version_{WASM_OPT_VERSION}")),
        ("build", "dist", "target/trunk-dist".to_string()),
    ];
    expect.into_iter().find_map(|(table, key, wanted)| {
        let found = toml_string_in_table(text, table, key);
        (found.as_deref() != Some(wanted.as_str()))
            .then(|| format!("[{table}] {key} is {found:?}, expected \"{wanted}\""))
    })
}

/// Checks that the bundle defines a global `ZAFClient` with `init`, the way a browser loads it.
const ZAF_BUNDLE_CHECK: &str = r#"
const fs = require('fs');
const vm = require('vm');
const code = fs.readFileSync(process.argv[1], 'utf8');
const sandbox = { console };
sandbox.window = sandbox;
sandbox.self = sandbox;
vm.createContext(sandbox);
vm.runInContext(code, sandbox, { filename: process.argv[1] });
if (!sandbox.ZAFClient || typeof sandbox.ZAFClient.init !== 'function') {
  console.error('the bundle does not define window.ZAFClient.init');
  process.exit(1);
}
"#;

fn bundle_zaf_sdk(tools: &Tools, out: &std::path::Path) -> Result<()> {
    let entry = tools
        .node_modules
        .join("zendesk_app_framework_sdk")
        .join("lib")
        .join("index.js");
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    tools
        .env
        .cmd("esbuild")
        .arg(&entry)
        .args([
            "--bundle",
            "--minify",
            "--format=iife",
            "--global-name=ZAFClient",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", out.display()))
        .run()
        .context("bundling the ZAF SDK")?;
    tools
        .env
        .cmd("node")
        .args(["-e", ZAF_BUNDLE_CHECK])
        .arg(out)
        .run()
        .context("loading the ZAF SDK bundle")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_toml_must_match_the_lock() {
        let good = "[build]\ndist = \"target/trunk-dist\"\n[tools]\nwasm_bindgen = \"0.2.130\"\nwasm_opt = \"version_132\"\n";
        assert_eq!(trunk_toml_mismatch(good, "0.2.130"), None);
        assert_eq!(
            trunk_toml_mismatch(good, "0.2.131").as_deref(),
            Some("[tools] wasm_bindgen is Some(\"0.2.130\"), expected \"0.2.131\"")
        );
        let old_opt = good.replace("version_132", "version_123");
        assert_eq!(
            trunk_toml_mismatch(&old_opt, "0.2.130").as_deref(),
            Some("[tools] wasm_opt is Some(\"version_123\"), expected \"version_132\"")
        );
    }

    #[test]
    fn the_committed_trunk_toml_matches() -> Result<()> {
        let project = Project::locate(false)?;
        let text = project.read("Trunk.toml")?;
        assert_eq!(
            trunk_toml_mismatch(&text, &project.locked_wasm_bindgen()?),
            None
        );
        Ok(())
    }
}
