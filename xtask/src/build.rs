//! `cargo xtask build`: the app with Trunk (release) and the ZAF SDK bundle for local browsers.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::project::{Project, toml_string_in_table};
use crate::setup::{self, Tools, WASM_OPT_VERSION};

pub struct Built {
    pub dist: PathBuf,
    pub zaf_sdk: PathBuf,
}

pub fn run(project: &Project) -> Result<Built> {
    let tools = setup::run(project, setup::Mode::Check)?;
    check_trunk_toml(project)?;
    if !project.root.join("index.html").exists() {
        bail!("index.html (the app's Trunk entry point) is missing from the repository root");
    }

    let dist = project.trunk_dist();
    tools
        .env
        .cmd("trunk")
        .args(["build", "--release"])
        .current_dir(&project.root)
        .run()
        .context("building the app with Trunk")?;
    if !dist.join("index.html").exists() {
        bail!("Trunk finished but {} has no index.html", dist.display());
    }

    let zaf_sdk = project.zaf_sdk_bundle();
    bundle_zaf_sdk(&tools, &zaf_sdk)?;
    println!("built: {}", dist.display());
    println!("built: {}", zaf_sdk.display());
    Ok(Built { dist, zaf_sdk })
}

/// Trunk.toml must name the tools setup installs, and put the output where the tasks look.
fn check_trunk_toml(project: &Project) -> Result<()> {
    let text = project.read("Trunk.toml")?;
    let locked = project.locked_wasm_bindgen()?;
    let expect = [
        ("tools", "wasm_bindgen", locked),
        ("tools", "wasm_opt", format!("version_{WASM_OPT_VERSION}")),
        ("build", "dist", "target/trunk-dist".to_string()),
    ];
    for (table, key, wanted) in expect {
        let found = toml_string_in_table(&text, table, key);
        if found.as_deref() != Some(wanted.as_str()) {
            bail!(
                "Trunk.toml: [{table}] {key} is {found:?}, expected \"{wanted}\" (it must agree with Cargo.lock and `cargo xtask setup`)"
            );
        }
    }
    Ok(())
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
