//! `cargo xtask setup`: install what the build needs, skipping what is already there at the right
//! version. `Mode::Check` is the cheap variant the other tasks run: it installs nothing and says
//! what is missing.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::cmd::{self, Env};
use crate::project::Project;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The binaryen major whose wasm-opt reads current wasm-bindgen output.
pub const WASM_OPT_VERSION: u32 = 132;
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The nightly of the size build (pinned: build-std and its flags are unstable).
pub const NIGHTLY: &str = "nightly-2026-05-20";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Redis (the integration's shared store, in tests: one per test on a free port).
pub const REDIS_SERVER: &str = "/usr/bin/redis-server";
/// nginx (a load balancer in front of integration replicas, in tests).
pub const NGINX: &str = "/usr/sbin/nginx";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Install,
    Check,
}

/// What the other tasks need from setup.
pub struct Tools {
    pub env: Env,
    pub node_modules: PathBuf,
}

struct Report {
    mode: Mode,
    skipped: Vec<String>,
    installed: Vec<String>,
    missing: Vec<String>,
}

impl Report {
    fn new(mode: Mode) -> Self {
        Self {
            mode,
            skipped: Vec::new(),
            installed: Vec::new(),
            missing: Vec::new(),
        }
    }
    fn merge(&mut self, other: Report) {
        self.skipped.extend(other.skipped);
        self.installed.extend(other.installed);
        self.missing.extend(other.missing);
    }
    fn skip(&mut self, what: String) {
        self.skipped.push(what);
    }
    fn installed(&mut self, what: String) {
        println!("installed: {what}");
        self.installed.push(what);
    }
    fn missing(&mut self, what: String) {
        self.missing.push(what);
    }
}

pub fn run(project: &Project, mode: Mode) -> Result<Tools> {
    let started = Instant::now();
    let mut report = Report::new(mode);
    let base_env = Env::new(None)?;

    // What mostly waits on downloads (Debian packages, the nightly) goes on beside what keeps the
    // cores busy (compiling wasm-bindgen-cli): on a fresh machine that saves their sum.
    let (downloads, compiled) = std::thread::scope(|scope| {
        let downloads = scope.spawn(|| -> Result<Report> {
            let mut report = Report::new(mode);
            system_packages(&base_env, &mut report)?;
            if project.nightly_size {
                nightly(&base_env, &mut report)?;
            }
            Ok(report)
        });
        let compiled = rust_target(&base_env, &mut report)
            .and_then(|()| wasm_bindgen(project, &base_env, &mut report));
        (downloads.join(), compiled)
    });
    compiled?;
    match downloads {
        Ok(downloaded) => report.merge(downloaded?),
        Err(_) => bail!("installing the system packages and the nightly stopped unexpectedly"),
    }
    // After the system packages: npm may have come with them.
    let node_modules = npm_tools(project, &base_env, &mut report)?;
    let env = Env::new(Some(&node_modules.join(".bin")))?;

    if !report.missing.is_empty() {
        let list: Vec<String> = report.missing.iter().map(|m| format!("  - {m}")).collect();
        bail!(
            "the toolchain is incomplete:\n{}\nrun `cargo xtask setup` to install it",
            list.join("\n")
        );
    }
    if mode == Mode::Install {
        println!("\nsetup done in {:.1}s", started.elapsed().as_secs_f64());
        for what in &report.skipped {
            println!("  skipped (present): {what}");
        }
        for what in &report.installed {
            println!("  installed:         {what}");
        }
    }
    Ok(Tools { env, node_modules })
}

fn rust_target(env: &Env, report: &mut Report) -> Result<()> {
    let installed = env
        .cmd("rustup")
        .args(["target", "list", "--installed"])
        .read()
        .context("listing rustup targets (rustup is how the project gets its wasm target)")?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        report.skip(format!("rustup target {WASM_TARGET}"));
        return Ok(());
    }
    match report.mode {
        Mode::Check => report.missing(format!("rustup target {WASM_TARGET}")),
        Mode::Install => {
            env.cmd("rustup")
                .args(["target", "add", WASM_TARGET])
                .run()?;
            report.installed(format!("rustup target {WASM_TARGET}"));
        }
    }
    Ok(())
}

/// The pinned nightly with the std sources (build-std) and the wasm target.
fn nightly(env: &Env, report: &mut Report) -> Result<()> {
    let what = format!("rustup toolchain {NIGHTLY} with rust-src and {WASM_TARGET}");
    let toolchains = env
        .cmd("rustup")
        .args(["toolchain", "list"])
        .read()
        .context("listing rustup toolchains")?;
    let has_toolchain = toolchains.lines().any(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|t| t.starts_with(NIGHTLY))
    });
    let complete = has_toolchain && {
        let installed = |list: &str| {
            env.cmd("rustup")
                .args([
                    "+".to_string() + NIGHTLY,
                    list.into(),
                    "list".into(),
                    "--installed".into(),
                ])
                .probe()
                .unwrap_or_default()
        };
        let components = installed("component");
        let targets = installed("target");
        components.lines().any(|l| l.starts_with("rust-src"))
            && targets.lines().any(|l| l.trim() == WASM_TARGET)
    };
    if complete {
        report.skip(what);
        return Ok(());
    }
    match report.mode {
        Mode::Check => report.missing(format!("{what} (for the size build; --stable skips it)")),
        Mode::Install => {
            env.cmd("rustup")
                .args(["toolchain", "install", NIGHTLY, "--profile", "minimal"])
                .args(["--component", "rust-src", "--target", WASM_TARGET])
                .run()?;
            report.installed(what);
        }
    }
    Ok(())
}

/// Debian packages: (what is checked, the package that provides it).
fn system_packages(env: &Env, report: &mut Report) -> Result<()> {
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    let checks: [(&str, bool, &str); 6] = [
        ("node", env.which("node").is_some(), "nodejs"),
        ("npm", env.which("npm").is_some(), "npm"),
        (CHROMIUM, Path::new(CHROMIUM).exists(), "chromium"),
        (
            CHROMEDRIVER,
            Path::new(CHROMEDRIVER).exists(),
            "chromium-driver",
        ),
        (
            REDIS_SERVER,
            Path::new(REDIS_SERVER).exists(),
            "redis-server",
        ),
        (NGINX, Path::new(NGINX).exists(), "nginx"),
    ];
    for (what, present, package) in checks {
        if present {
            report.skip(what.to_string());
        } else {
            wanted.push((what, package));
        }
    }
    if wanted.is_empty() {
        return browser_versions_match(env);
    }
    let packages: Vec<&str> = wanted.iter().map(|(_, p)| *p).collect();
    let described = wanted
        .iter()
        .map(|(what, package)| format!("{what} (Debian package `{package}`)"))
        .collect::<Vec<_>>()
        .join(", ");
    match report.mode {
        Mode::Check => {
            report.missing(described);
            return Ok(());
        }
        Mode::Install if !is_root()? => bail!(
            "missing system packages: {described}.\nInstall them as root: `apt-get update && apt-get install -y {}`, then run `cargo xtask setup` again",
            packages.join(" ")
        ),
        Mode::Install => {}
    }
    env.cmd("apt-get").arg("update").run()?;
    env.cmd("apt-get")
        .args(["install", "-y"])
        .args(&packages)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
    report.installed(format!("apt: {}", packages.join(" ")));
    browser_versions_match(env)
}

/// chromedriver only drives the Chromium of its own major version.
fn browser_versions_match(env: &Env) -> Result<()> {
    let version = |program: &str| {
        env.cmd(program).arg("--version").probe().with_context(|| {
            format!("`{program} --version` failed; reinstall it with `cargo xtask setup` as root")
        })
    };
    let (chromium, driver) = (version(CHROMIUM)?, version(CHROMEDRIVER)?);
    let (Some(c), Some(d)) = (
        browser_major(&chromium, "Chromium"),
        browser_major(&driver, "ChromeDriver"),
    ) else {
        bail!(
            "could not read the versions of Chromium ({}) and chromedriver ({})",
            chromium.trim(),
            driver.trim()
        );
    };
    if c != d {
        bail!(
            "Chromium {c} and chromedriver {d} differ; as root: `apt-get install -y --only-upgrade chromium chromium-driver`"
        );
    }
    Ok(())
}

/// `Chromium 156.0.8078.79 built on …` / `ChromeDriver 156.0.8078.79 (…)` → 156.
pub fn browser_major(output: &str, name: &str) -> Option<u32> {
    let rest = output.trim().strip_prefix(name)?.trim_start();
    rest.split('.').next()?.parse().ok()
}

fn is_root() -> Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let me = fs::metadata("/proc/self").context("reading /proc/self to learn the user id")?;
    Ok(me.uid() == 0)
}

/// npm tools live in a per-machine cache keyed by the lockfile, so fresh clones reuse them.
fn npm_tools(project: &Project, env: &Env, report: &mut Report) -> Result<PathBuf> {
    let npm_dir = project.npm_dir();
    let manifest = fs::read(npm_dir.join("package.json"))
        .with_context(|| format!("reading {}/package.json", npm_dir.display()))?;
    let lock = fs::read(npm_dir.join("package-lock.json"))
        .with_context(|| format!("reading {}/package-lock.json", npm_dir.display()))?;
    let key = fnv1a64(&[manifest.as_slice(), lock.as_slice()].concat());
    let dir = cache_dir()?.join(format!("npm-{key:016x}"));
    let node_modules = dir.join("node_modules");
    let what = format!(
        "npm tools (binaryen, esbuild, ZAF SDK, axe-core) in {}",
        dir.display()
    );

    if !dir.join(".complete").exists() {
        match report.mode {
            Mode::Check => {
                report.missing(what);
                return Ok(node_modules);
            }
            Mode::Install => {
                let parent = dir.parent().context("cache dir has no parent")?;
                fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
                // Install beside the final place and rename, so an interrupted install is never used.
                let partial = parent.join(format!("npm-{key:016x}.partial-{}", std::process::id()));
                if partial.exists() {
                    fs::remove_dir_all(&partial)
                        .with_context(|| format!("removing {}", partial.display()))?;
                }
                fs::create_dir_all(&partial)
                    .with_context(|| format!("creating {}", partial.display()))?;
                fs::write(partial.join("package.json"), &manifest)?;
                fs::write(partial.join("package-lock.json"), &lock)?;
                env.cmd("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                    .current_dir(&partial)
                    .run()?;
                fs::write(partial.join(".complete"), b"")?;
                if dir.exists() {
                    fs::remove_dir_all(&dir)
                        .with_context(|| format!("removing stale {}", dir.display()))?;
                }
                fs::rename(&partial, &dir).with_context(|| {
                    format!("moving {} to {}", partial.display(), dir.display())
                })?;
                report.installed(what);
            }
        }
    } else {
        report.skip(what);
    }

    // Whatever is in the cache must be what the build expects.
    let env = Env::new(Some(&node_modules.join(".bin")))?;
    let wasm_opt = env.cmd("wasm-opt").arg("--version").read()?;
    if parse_wasm_opt_version(&wasm_opt) != Some(WASM_OPT_VERSION) {
        bail!(
            "wasm-opt on PATH reports `{}`, the build needs version {WASM_OPT_VERSION} (npm `binaryen`); check xtask/npm/package.json",
            wasm_opt.trim()
        );
    }
    for needed in [".bin/esbuild", "zendesk_app_framework_sdk/lib/index.js"] {
        let path = node_modules.join(needed);
        if !path.exists() {
            bail!(
                "{} is missing from the npm tools; delete {} and run `cargo xtask setup`",
                path.display(),
                dir.display()
            );
        }
    }
    Ok(node_modules)
}

fn cache_dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => cmd::home_dir()?.join(".cache"),
    };
    Ok(base.join("zendesk-heart"))
}

/// Stable across Rust releases (unlike std's hasher), which a cache key must be.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `wasm-opt version 132 (version_132)` → 132.
pub fn parse_wasm_opt_version(output: &str) -> Option<u32> {
    let rest = output.trim().strip_prefix("wasm-opt version ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `wasm-bindgen 0.2.130` → the version word.
pub fn parse_tool_version(output: &str, tool: &str) -> Option<String> {
    let line = output.lines().next()?.trim();
    let rest = line.strip_prefix(tool)?.strip_prefix(' ')?;
    rest.split_whitespace().next().map(str::to_string)
}

fn wasm_bindgen(project: &Project, env: &Env, report: &mut Report) -> Result<()> {
    let version = project.locked_wasm_bindgen()?;
    cargo_tool(
        env,
        report,
        CargoTool {
            krate: "wasm-bindgen-cli",
            binary: "wasm-bindgen",
            version: &version,
            also: Some("wasm-bindgen-test-runner"),
            note: " (= Cargo.lock)",
            // `--locked` fails for wasm-bindgen-cli; the version pin is what matters here.
            locked: false,
            // Unoptimised, it compiles in about half the time (the longest step of a cold setup)
            // and writes the same bytes; it takes under a second on the app.
            debug: true,
        },
    )
}

/// A tool that `cargo install` builds from crates.io at an exact version.
struct CargoTool<'a> {
    krate: &'static str,
    /// Whose `--version` tells the installed version.
    binary: &'static str,
    version: &'a str,
    /// Another binary the crate installs that must be there too.
    also: Option<&'static str>,
    note: &'static str,
    locked: bool,
    /// `cargo install --debug`: a dev-profile build of the tool.
    debug: bool,
}

fn cargo_tool(env: &Env, report: &mut Report, tool: CargoTool) -> Result<()> {
    let what = format!("{} {}{}", tool.krate, tool.version, tool.note);
    let present = |env: &Env| {
        let have = env
            .cmd(tool.binary)
            .arg("--version")
            .probe()
            .and_then(|out| parse_tool_version(&out, tool.binary));
        let complete = tool.also.is_none_or(|also| env.which(also).is_some());
        (have, complete)
    };
    let mut have = present(env);
    let wanted = |(have, complete): &(Option<String>, bool)| {
        *complete && have.as_deref() == Some(tool.version)
    };
    // Another shell may be installing it right now; two parallel builds only waste the cores.
    if !wanted(&have) && report.mode == Mode::Install && wait_for_other_install(tool.krate) {
        have = present(env);
    }
    if wanted(&have) {
        report.skip(what);
        return Ok(());
    }
    let found = have.0.unwrap_or_else(|| "none".into());
    match report.mode {
        Mode::Check => report.missing(format!("{what}; found {found}")),
        Mode::Install => {
            let spec = format!("{}@{}", tool.krate, tool.version);
            let mut install = env.cmd(cmd::cargo()).args(["install", &spec]);
            if tool.locked {
                install = install.arg("--locked");
            }
            if tool.debug {
                install = install.arg("--debug");
            }
            install.run()?;
            report.installed(format!("{what}; was {found}"));
        }
    }
    Ok(())
}

/// Waits while another process runs `cargo install <krate>…`; true if there was one.
fn wait_for_other_install(krate: &str) -> bool {
    let mut waited = false;
    while let Some(pid) = other_cargo_install(krate) {
        if !waited {
            println!(
                "waiting for a `cargo install {krate}` already running (pid {pid}) to finish…"
            );
            waited = true;
        }
        std::thread::sleep(Duration::from_secs(5));
    }
    waited
}

fn other_cargo_install(krate: &str) -> Option<u32> {
    let me = std::process::id();
    let entries = fs::read_dir("/proc").ok()?;
    entries.flatten().find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        if pid == me {
            return None;
        }
        let cmdline = fs::read(entry.path().join("cmdline")).ok()?;
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        is_cargo_install_of(&args, krate).then_some(pid)
    })
}

fn is_cargo_install_of(args: &[&[u8]], krate: &str) -> bool {
    let Some(program) = args.first() else {
        return false;
    };
    let is_cargo = program.ends_with(b"/cargo") || *program == b"cargo";
    let installs = args.iter().any(|a| *a == b"install");
    let names = args.iter().any(|a| {
        *a == krate.as_bytes()
            || a.strip_prefix(krate.as_bytes())
                .is_some_and(|rest| rest.starts_with(b"@"))
    });
    is_cargo && installs && names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(
            parse_wasm_opt_version("wasm-opt version 132 (version_132)\n"),
            Some(132)
        );
        assert_eq!(parse_wasm_opt_version("wasm-opt version 108\n"), Some(108));
        assert_eq!(parse_wasm_opt_version("binaryen 132"), None);
        assert_eq!(
            parse_tool_version("wasm-bindgen 0.2.130\n", "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            parse_tool_version("wasm-bindgen 0.2.130\n", "wasm-opt"),
            None
        );
        assert_eq!(
            browser_major("Chromium 156.0.8078.79 built on Debian", "Chromium"),
            Some(156)
        );
        assert_eq!(
            browser_major("ChromeDriver 155.0.1 (abc)", "ChromeDriver"),
            Some(155)
        );
        assert_eq!(browser_major("Google Chrome 156.0", "Chromium"), None);
    }

    #[test]
    fn cache_key_is_stable() {
        // FNV-1a test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn recognises_cargo_install() {
        let args: Vec<&[u8]> = vec![
            b"/root/.cargo/bin/cargo",
            b"install",
            b"wasm-bindgen-cli@0.2.130",
        ];
        assert!(is_cargo_install_of(&args, "wasm-bindgen-cli"));
        assert!(!is_cargo_install_of(&args, "wasm-bindgen"));
        let build: Vec<&[u8]> = vec![b"cargo", b"build", b"wasm-bindgen-cli"];
        assert!(!is_cargo_install_of(&build, "wasm-bindgen-cli"));
        let other: Vec<&[u8]> = vec![b"cargo", b"install", b"wasm-bindgen-cli-extra"];
        assert!(!is_cargo_install_of(&other, "wasm-bindgen-cli"));
    }
}
