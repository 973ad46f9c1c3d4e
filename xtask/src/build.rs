//! `cargo xtask build`: the app's wasm and its page, and the ZAF SDK bundle for local browsers.
//!
//! cargo (release, wasm32) → wasm-bindgen (`--target web`) → wasm-opt `-Oz` → esbuild minifies the
//! glue, the stylesheet and the page's own script (`boot.js`, with the [`page::Facts`] defined) →
//! [`names`] gives the wasm's imports and exports short names in the wasm and the glue alike →
//! the language tables (`src/i18n/*.json`) are written compact under hashed names → [`page`]
//! writes `index.html` with hashed names, preloads and SRI.
//! Each step is a tool `cargo xtask setup` installs from a registry in seconds (no Trunk to compile).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cmd::Cmd;
use crate::names;
use crate::page::{self, Hashed};
use crate::project::{APP_PACKAGE, Project};
use crate::setup::{self, NIGHTLY, Tools, WASM_TARGET};

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
    let index = project
        .read("index.html")
        .context("index.html (the app's page) must be at the repository root")?;

    let lock = lock_outputs(project)?;
    if project.nightly_size {
        println!(
            "size build: {NIGHTLY}, std rebuilt for size, panics abort immediately (--stable for stable Rust)"
        );
    }
    // With build-std, std's own dependencies must be fetched for the wasm target too.
    wasm_build(project, tools.env.cmd("cargo"))
        .args(["fetch", "--target", WASM_TARGET])
        .run()
        .context("fetching the app's dependencies")?;
    wasm_build(project, tools.env.cmd("cargo"))
        .args(["build", "--release", "--target", WASM_TARGET])
        .args(["--package", APP_PACKAGE, "--bin", APP_PACKAGE])
        .run()
        .context("building the app's wasm")?;
    let wasm = wasm_target_dir(project)
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{APP_PACKAGE}.wasm"));

    let stage = fresh_dir(&project.build_stage())?;
    tools
        .env
        .cmd("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            APP_PACKAGE,
        ])
        .arg("--out-dir")
        .arg(&stage)
        .arg(&wasm)
        .run()
        .context("generating the JS glue with wasm-bindgen")?;
    let bound = stage.join(format!("{APP_PACKAGE}_bg.wasm"));
    let optimised = stage.join("opt.wasm");
    tools
        .env
        .cmd("wasm-opt")
        // Run -Oz until it stops shrinking; the producers and target-features sections are
        // only for tools and would be downloaded for nothing.
        .args([
            "-Oz",
            "--converge",
            "--strip-producers",
            "--strip-target-features",
        ])
        .arg(&bound)
        .arg("-o")
        .arg(&optimised)
        .run()
        .context("optimising the wasm with wasm-opt")?;
    let glue = stage.join("glue.min.js");
    esbuild(
        &tools,
        &stage.join(format!("{APP_PACKAGE}.js")),
        &glue,
        &["--format=esm"],
    )?;
    let css = project.minified_css();
    esbuild(&tools, &project.root.join("assets/style.css"), &css, &[])?;

    let tables = language_tables(project)?;
    let named: Vec<(String, String)> = tables
        .iter()
        .map(|(tag, file, _)| (tag.clone(), file.name.clone()))
        .collect();
    let manifest_url = project.channel_integration()?.manifest_url;
    let facts = page::Facts {
        manifest_url: &manifest_url,
        tables: &named,
    };
    let boot = stage.join("boot.min.js");
    esbuild(
        &tools,
        &project.root.join("src/boot.js"),
        &boot,
        &[&format!("--define:HEART_PAGE={}", facts.json())],
    )?;

    let (glue, wasm, css, boot) = (read(&glue)?, read(&optimised)?, read(&css)?, read(&boot)?);
    // Short names for what the wasm and the glue call each other by (see `names`).
    let glue = String::from_utf8(glue).context("the minified glue is not UTF-8")?;
    let (wasm, glue) = names::shorten(&wasm, &glue, &format!("./{APP_PACKAGE}_bg.js"))?;
    let glue = glue.into_bytes();
    let glue_name = Hashed::new(APP_PACKAGE, ".js", &glue);
    let wasm_name = Hashed::new(APP_PACKAGE, "_bg.wasm", &wasm);
    let html = page::render(&page::Inputs {
        index: &index,
        css: std::str::from_utf8(&css).context("the minified stylesheet is not UTF-8")?,
        app: Some(page::App {
            glue: &glue_name,
            wasm: &wasm_name,
            boot: std::str::from_utf8(&boot).context("the minified boot.js is not UTF-8")?,
        }),
    })?;
    let dist = fresh_dir(&project.dist())?;
    let files = [
        ("index.html", html.as_bytes()),
        (glue_name.name.as_str(), &glue),
        (wasm_name.name.as_str(), &wasm),
    ];
    let tables = tables
        .iter()
        .map(|(_, file, bytes)| (file.name.as_str(), bytes.as_slice()));
    for (name, bytes) in files.into_iter().chain(tables) {
        let path = dist.join(name);
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
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

/// The language tables (`src/i18n/<tag>.json`, every language but English, which is in the
/// wasm): each one's tag, its hashed name, and its text without white space.
fn language_tables(project: &Project) -> Result<Vec<(String, Hashed, Vec<u8>)>> {
    let dir = project.root.join("src/i18n");
    let mut tables = Vec::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let Some(tag) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        let table: serde_json::Value = serde_json::from_slice(&read(&path)?)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        if table["lang"] != tag {
            anyhow::bail!("{}: its \"lang\" must be {tag:?}", path.display());
        }
        let bytes = serde_json::to_vec(&table)?;
        let name = Hashed::new(&format!("{APP_PACKAGE}-{tag}"), ".json", &bytes);
        tables.push((tag.to_owned(), name, bytes));
    }
    tables.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(tables)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// `dir`, emptied (or made).
fn fresh_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.to_path_buf())
}

/// Minifies one file with esbuild (JS or CSS, by its extension).
fn esbuild(tools: &Tools, input: &Path, output: &Path, extra: &[&str]) -> Result<()> {
    tools
        .env
        .cmd("esbuild")
        .arg(input)
        .args(["--minify", "--log-level=warning"])
        .args(extra)
        .arg(format!("--outfile={}", output.display()))
        .run()
        .with_context(|| format!("minifying {}", input.display()))
}

/// Where cargo puts the wasm build (the size build has its own, see [`wasm_build`]).
fn wasm_target_dir(project: &Project) -> PathBuf {
    if project.nightly_size {
        project.target_dir().join("nightly-size")
    } else {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| project.target_dir())
    }
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
        .env("CARGO_TARGET_DIR", wasm_target_dir(project))
}

/// One build at a time per checkout: two builds share `target/build-stage` and `target/dist`,
/// and `package` rewrites `target/package/`.
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
    fn the_committed_index_html_renders() -> Result<()> {
        let project = Project::locate(false)?;
        let index = project.read("index.html")?;
        let glue = Hashed::new(APP_PACKAGE, ".js", b"glue");
        let wasm = Hashed::new(APP_PACKAGE, "_bg.wasm", b"wasm");
        let html = page::render(&page::Inputs {
            index: &index,
            css: "",
            app: Some(page::App {
                glue: &glue,
                wasm: &wasm,
                boot: "boot()",
            }),
        })?;
        // The SDK URL is Zendesk's (the sandbox rewrites exactly this one).
        assert!(html.contains(
            "<script src=\"https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js\"></script>"
        ));
        let preload = html.find("rel=\"preload\"").expect("wasm preload");
        let sdk = html.find("zaf_sdk.min.js").expect("sdk");
        assert!(preload < sdk, "the wasm is fetched while the SDK loads");
        Ok(())
    }
}
