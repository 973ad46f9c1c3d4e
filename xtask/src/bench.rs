//! `cargo xtask bench`: time to a ready heart, the packaged app against a hand-written JS heart
//! (`bench/baseline/index.html`), side by side in one run of headless Chromium (`crates/bench`),
//! and the bytes each one's iframe loads. It reports; it fails only when it cannot measure.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::json;

use crate::budget;
use crate::cmd;
use crate::package;
use crate::page;
use crate::project::Project;
use crate::setup::CHROMEDRIVER;

/// What `cargo xtask bench` was asked for, passed on to the benchmark.
pub struct Options {
    pub runs: Option<u32>,
    pub cold: bool,
    pub warm: bool,
    pub latency: Option<String>,
    /// `<name>=<package dir>`: more pages in the rotation.
    pub also: Vec<String>,
}

pub fn run(project: &Project, options: &Options) -> Result<()> {
    let packaged = package::run(project)?;
    let out = project.target_dir().join("bench");
    let baseline = out.join("baseline-package");
    if baseline.exists() {
        fs::remove_dir_all(&baseline)
            .with_context(|| format!("removing {}", baseline.display()))?;
    }
    fs::create_dir_all(baseline.join("assets"))?;
    let css = fs::read_to_string(project.minified_css())
        .context("reading the minified stylesheet of the build")?;
    let page = page::render(&page::Inputs {
        index: &project.read("bench/baseline/index.html")?,
        css: &css,
        app: None,
    })
    .context("bench/baseline/index.html")?;
    fs::write(baseline.join("assets/iframe.html"), page)?;

    let mut payload = serde_json::Map::new();
    for (name, dir) in [("app", &packaged.dir), ("baseline", &baseline)] {
        let report = budget::Report::new(&loaded_files(dir)?)?;
        println!(
            "\n{name}: what the iframe loads from the package\n{}",
            report.table()
        );
        let rows: Vec<_> = report
            .rows
            .iter()
            .map(
                |(file, s)| json!({"file": file, "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli}),
            )
            .collect();
        payload.insert(
            name.into(),
            json!({"files": rows, "total_brotli": report.total.brotli}),
        );
    }
    fs::create_dir_all(&out)?;
    fs::write(
        out.join("payload.json"),
        serde_json::to_string_pretty(&payload)?,
    )?;

    let mut bench = crate::setup::run(project, crate::setup::Mode::Check)?
        .env
        .cmd(cmd::cargo())
        .current_dir(&project.root)
        .args(["run", "--quiet", "--package", "bench", "--"])
        .arg("--app")
        .arg(&packaged.dir)
        .arg("--baseline")
        .arg(&baseline)
        .arg("--zaf-sdk")
        .arg(&packaged.zaf_sdk)
        .arg("--out")
        .arg(out.join("timings.json"))
        .env("CHROMEDRIVER", CHROMEDRIVER);
    if let Some(runs) = options.runs {
        bench = bench.args(["--runs", &runs.to_string()]);
    }
    for (on, flag) in [(options.cold, "--cold"), (options.warm, "--warm")] {
        if on {
            bench = bench.arg(flag);
        }
    }
    if let Some(latency) = &options.latency {
        bench = bench.args(["--latency", latency]);
    }
    for also in &options.also {
        bench = bench.args(["--also", also]);
    }
    bench.run().context("running the benchmark")?;
    println!("written: {}", out.join("payload.json").display());
    Ok(())
}

/// `cargo xtask bench integration`: builds the service and the benchmark (release), then runs
/// `crates/bench/src/bin/integration/` with Redis and nginx from setup.
pub fn integration(project: &Project) -> Result<()> {
    let env = crate::setup::run(project, crate::setup::Mode::Check)?.env;
    env.cmd(cmd::cargo())
        .current_dir(&project.root)
        .args(["build", "--release", "--package", "heart-integration"])
        .args(["--bin", "heart-integration"])
        .run()
        .context("building heart-integration")?;
    let out = project.target_dir().join("bench").join("integration.json");
    env.cmd(cmd::cargo())
        .current_dir(&project.root)
        .args(["run", "--quiet", "--release", "--package", "bench"])
        .args(["--bin", "integration", "--", "--replica-bin"])
        .arg(
            project
                .target_dir()
                .join("release")
                .join("heart-integration"),
        )
        .arg("--out")
        .arg(&out)
        .env("REDIS_SERVER", crate::setup::REDIS_SERVER)
        .env("NGINX", crate::setup::NGINX)
        .run()
        .context("running the integration benchmark")?;
    Ok(())
}

/// The files of `dir/assets` the iframe loads (the page, scripts, wasm, styles, language tables),
/// by name.
fn loaded_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let assets = dir.join("assets");
    let mut files = Vec::new();
    for entry in fs::read_dir(&assets).with_context(|| format!("listing {}", assets.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if [".html", ".js", ".wasm", ".css", ".json"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            files.push((format!("assets/{name}"), fs::read(&path)?));
        }
    }
    files.sort();
    Ok(files)
}
