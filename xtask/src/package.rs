//! `cargo xtask package` and `demo`: the Zendesk app package, validated, measured and zipped.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use heart_contract::{DEFAULT_LIKE_PATH, DEFAULT_STATE_PATH, Setting};
use serde_json::{Value, json};
use zaf_validate::{Options, Package, Report};

use crate::budget::{self, BROTLI_BUDGET_BYTES};
use crate::build;
use crate::cmd;
use crate::project::{APP_PACKAGE, ChannelIntegration, Project};
use crate::setup;

pub struct Packaged {
    pub dir: PathBuf,
    pub zaf_sdk: PathBuf,
}

pub fn run(project: &Project) -> Result<Packaged> {
    let built = build::run(project)?;
    let version = project.app_version()?;
    let out = project.target_dir().join("package");
    let dir = out.join(format!("{APP_PACKAGE}-{version}"));
    let zip = out.join(format!("{APP_PACKAGE}-{version}.zip"));

    // A zip from an earlier run must not outlive a package that fails now.
    if zip.exists() {
        fs::remove_file(&zip).with_context(|| format!("removing {}", zip.display()))?;
    }
    let loaded = assemble(project, &built.dist, &dir)?;
    println!("assembled: {}", dir.display());

    // What gets validated is the zip that ships, read back as Zendesk unpacks it.
    let bytes = Package::from_dir(&dir)?.to_zip()?;
    fs::write(&zip, &bytes).with_context(|| format!("writing {}", zip.display()))?;
    let package = Package::from_zip(&bytes)?;
    // --strict: the checks Zendesk does not make still fail our own package.
    let mut report = zaf_validate::validate(&package, &Options { strict: true });
    app_consistency(&package, &version, &mut report);

    let files = loaded
        .iter()
        .map(|name| {
            let path = format!("assets/{name}");
            let bytes = package
                .get(&path)
                .map(<[u8]>::to_vec)
                .with_context(|| format!("{path} was copied but is not in the package"))?;
            Ok((path, bytes))
        })
        .collect::<Result<Vec<(String, Vec<u8>)>>>()?;
    let sizes = budget::Report::new(&files)?;
    println!(
        "\nsize of what the iframe loads from the package:\n{}",
        sizes.table()
    );
    if sizes.over_budget() {
        let largest = sizes
            .rows
            .iter()
            .max_by_key(|(_, s)| s.brotli)
            .map(|(name, s)| format!("; the largest is {name} at {} bytes", s.brotli))
            .unwrap_or_default();
        report.ours(
            "size_budget",
            None,
            format!(
                "the brotli total of what the iframe loads, {} bytes, is {} bytes over the budget of {} bytes (budget::BROTLI_BUDGET_BYTES){largest}{}",
                sizes.total.brotli,
                sizes.total.brotli - BROTLI_BUDGET_BYTES,
                BROTLI_BUDGET_BYTES,
                if project.nightly_size {
                    ""
                } else {
                    " (this is a --stable build; the default size build is smaller)"
                }
            ),
        );
    }

    println!(
        "\nvalidation (zaf-validate --strict, {} bytes zipped):\n{report}",
        bytes.len()
    );
    if !report.accepted() {
        fs::remove_file(&zip).with_context(|| format!("removing {}", zip.display()))?;
        bail!(
            "the package is not shippable: {} error(s), listed above",
            report.errors()
        );
    }
    println!("packaged: {}", zip.display());
    Ok(Packaged {
        dir,
        zaf_sdk: built.zaf_sdk,
    })
}

/// Lays out the package from a clean directory; returns the file names the build produced (what the
/// iframe loads), relative to `assets/`.
fn assemble(project: &Project, dist: &Path, dir: &Path) -> Result<Vec<String>> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let assets = dir.join("assets");
    fs::create_dir_all(&assets).with_context(|| format!("creating {}", assets.display()))?;
    copy(
        &project.root.join("manifest.json"),
        &dir.join("manifest.json"),
    )?;
    let integration = project.channel_integration()?;
    fs::write(
        dir.join("requirements.json"),
        requirements_json(&integration)?,
    )
    .context("writing requirements.json")?;

    let translations = project.root.join("translations");
    fs::create_dir_all(dir.join("translations"))?;
    for path in sorted_entries(&translations)? {
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_name().context("translation without a name")?;
            copy(&path, &dir.join("translations").join(name))?;
        }
    }

    let mut loaded = Vec::new();
    copy_tree(dist, &assets, "", &mut loaded)?;
    loaded.sort();

    // The repository's assets/: only the logos and screenshots go into the package.
    let repo_assets = project.root.join("assets");
    for path in sorted_entries(&repo_assets)? {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let wanted = name == "logo.png"
            || name == "logo-small.png"
            || (name.starts_with("screenshot-") && name.ends_with(".png"));
        if !wanted {
            continue;
        }
        if loaded.iter().any(|l| l == name) {
            bail!("the build's output and the repository's assets/ both have `{name}`");
        }
        copy(&path, &assets.join(name))?;
    }
    Ok(loaded)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        entries.push(entry?.path());
    }
    entries.sort();
    Ok(entries)
}

/// Copies the build's dist into assets/, renaming the top-level index.html to iframe.html.
fn copy_tree(from: &Path, to: &Path, prefix: &str, loaded: &mut Vec<String>) -> Result<()> {
    for path in sorted_entries(from)? {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("unreadable file name {}", path.display()))?;
        let target_name = if prefix.is_empty() && name == "index.html" {
            "iframe.html"
        } else {
            name
        };
        if prefix.is_empty() && name == "iframe.html" {
            bail!(
                "the build's output already has an iframe.html; index.html could not take its name"
            );
        }
        let relative = format!("{prefix}{target_name}");
        if path.is_dir() {
            fs::create_dir_all(to.join(target_name))?;
            copy_tree(
                &path,
                &to.join(target_name),
                &format!("{relative}/"),
                loaded,
            )?;
        } else {
            copy(&path, &to.join(target_name))?;
            loaded.push(relative);
        }
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to)
        .map(drop)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))
}

/// `requirements.json`: the app installs this one channel integration.
pub fn requirements_json(integration: &ChannelIntegration) -> Result<String> {
    let mut integrations = serde_json::Map::new();
    integrations.insert(
        integration.key.clone(),
        json!({ "manifest_url": integration.manifest_url }),
    );
    let requirements = json!({ "channel_integrations": integrations });
    Ok(serde_json::to_string_pretty(&requirements)? + "\n")
}

/// Project rules beyond Zendesk's, reported as rules of ours: the manifest's version is the
/// crate's, the app sits in the ticket sidebar, and its parameters are the ones the app reads,
/// with the app's defaults, optional and in plain text.
pub fn app_consistency(package: &Package, version: &str, report: &mut Report) {
    const FILE: Option<&str> = Some("manifest.json");
    let Some(manifest) = package
        .get("manifest.json")
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
    else {
        return; // The Zendesk rules already report it.
    };
    match manifest.get("version").and_then(Value::as_str) {
        Some(v) if v == version => {}
        other => report.ours(
            "app_version",
            FILE,
            format!(
                "`version` is {other:?}, the crate's version is \"{version}\"; keep them equal"
            ),
        ),
    }
    if manifest
        .pointer("/location/support/ticket_sidebar")
        .is_none()
    {
        report.ours(
            "app_location",
            FILE,
            "the app lives in `location.support.ticket_sidebar`, which is missing",
        );
    }
    let parameters = manifest
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let expected = [
        (Setting::StatePath.name(), DEFAULT_STATE_PATH),
        (Setting::LikePath.name(), DEFAULT_LIKE_PATH),
    ];
    for (name, default) in expected {
        let Some(parameter) = parameters
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        else {
            report.ours(
                "app_parameters",
                FILE,
                format!("the app reads parameter `{name}`, which is missing"),
            );
            continue;
        };
        if parameter.get("default").and_then(Value::as_str) != Some(default) {
            report.ours(
                "app_parameters",
                FILE,
                format!(
                    "parameter `{name}` must default to {default:?} (heart-contract's default)"
                ),
            );
        }
        for flag in ["secure", "required"] {
            if parameter.get(flag).and_then(Value::as_bool) == Some(true) {
                report.ours(
                    "app_parameters",
                    FILE,
                    format!(
                        "parameter `{name}` must not be {flag}: the app reads it from the settings"
                    ),
                );
            }
        }
    }
    for parameter in &parameters {
        if let Some(name) = parameter.get("name").and_then(Value::as_str)
            && !expected.iter().any(|(n, _)| *n == name)
        {
            report.ours(
                "app_parameters",
                FILE,
                format!("parameter `{name}` is not one the app reads"),
            );
        }
    }
}

pub fn demo(project: &Project, config: Option<&str>, integration_ca: Option<&str>) -> Result<()> {
    // A fresh clone's first command may be this one: install what is missing first.
    setup::run(project, setup::Mode::Install)?;
    let packaged = run(project)?;
    let mut command = cmd::Env::new(None)?
        .cmd(cmd::cargo())
        .args(["run", "-p", "sandbox", "--"])
        .arg("--package-dir")
        .arg(&packaged.dir)
        .arg("--zaf-sdk")
        .arg(&packaged.zaf_sdk)
        // The integration's HTTPS certificate, kept across runs so a browser trusts it once.
        .arg("--tls-dir")
        .arg(project.root.join("target").join("sandbox-tls"))
        .current_dir(&project.root);
    // Files are relative to where the user ran the command, not to the repository root.
    let here = std::env::current_dir().context("reading the current directory")?;
    if let Some(config) = config {
        command = command.arg("--config").arg(here.join(config));
    }
    if let Some(ca) = integration_ca {
        command = command.arg("--integration-ca").arg(here.join(ca));
    }
    command.run().context("running the sandbox")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(manifest: &Value) -> Package {
        let mut package = Package::new();
        package.insert("manifest.json", manifest.to_string().into_bytes());
        package
    }

    fn manifest() -> Value {
        json!({
            "version": "0.1.0",
            "location": {"support": {"ticket_sidebar": {"url": "assets/iframe.html"}}},
            "parameters": [
                {"name": "state_path", "type": "text", "default": DEFAULT_STATE_PATH},
                {"name": "like_path", "type": "text", "default": DEFAULT_LIKE_PATH}
            ]
        })
    }

    /// The findings as `key: message`, under --strict (as `cargo xtask package` runs).
    fn messages(package: &Package, version: &str) -> Vec<String> {
        let mut report = Report::new(true);
        app_consistency(package, version, &mut report);
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.severity == zaf_validate::Severity::Error),
            "strict findings are errors"
        );
        report
            .findings
            .iter()
            .map(|f| format!("{}: {}", f.key, f.message))
            .collect()
    }

    #[test]
    fn consistent_manifest_passes() {
        assert_eq!(
            messages(&package(&manifest()), "0.1.0"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn version_must_match_the_crate() {
        assert_eq!(
            messages(&package(&manifest()), "0.2.0"),
            vec![
                "app_version: `version` is Some(\"0.1.0\"), the crate's version is \"0.2.0\"; keep them equal"
            ]
        );
    }

    #[test]
    fn the_app_lives_in_the_ticket_sidebar() {
        let mut m = manifest();
        m["location"] = json!({"support": {"nav_bar": {"url": "assets/iframe.html"}}});
        assert_eq!(
            messages(&package(&m), "0.1.0"),
            vec![
                "app_location: the app lives in `location.support.ticket_sidebar`, which is missing"
            ]
        );
    }

    #[test]
    fn parameters_match_the_app() {
        let mut m = manifest();
        m["parameters"][0]["default"] = json!("/state");
        m["parameters"][1]["secure"] = json!(true);
        if let Some(p) = m["parameters"].as_array_mut() {
            p.push(json!({"name": "extra"}));
        }
        assert_eq!(
            messages(&package(&m), "0.1.0"),
            vec![
                "app_parameters: parameter `state_path` must default to \"/like_state\" (heart-contract's default)",
                "app_parameters: parameter `like_path` must not be secure: the app reads it from the settings",
                "app_parameters: parameter `extra` is not one the app reads",
            ]
        );
    }

    #[test]
    fn requirements_declare_the_one_integration() -> Result<()> {
        let text = requirements_json(&ChannelIntegration {
            key: "heart_instagram".into(),
            manifest_url: "https://integration.example/manifest.json".into(),
        })?;
        let value: Value = serde_json::from_str(&text)?;
        assert_eq!(
            value,
            json!({"channel_integrations": {"heart_instagram": {
                "manifest_url": "https://integration.example/manifest.json"
            }}})
        );
        Ok(())
    }

    /// The zip `package` writes has the package's files at its root (not under a folder).
    #[test]
    fn zip_has_the_files_at_its_root() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("xtask-zip-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("pkg/assets"))?;
        fs::create_dir_all(dir.join("pkg/translations"))?;
        fs::write(dir.join("pkg/manifest.json"), "{}")?;
        fs::write(dir.join("pkg/assets/iframe.html"), "<!doctype html>")?;
        fs::write(dir.join("pkg/translations/en.json"), "{}")?;
        let zip = Package::from_dir(&dir.join("pkg"))?.to_zip()?;
        let back = Package::from_zip(&zip)?;
        let names: Vec<&str> = back.files().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                "assets/iframe.html",
                "manifest.json",
                "translations/en.json"
            ]
        );
        assert_eq!(
            back.get("assets/iframe.html"),
            Some(&b"<!doctype html>"[..])
        );
        fs::remove_dir_all(&dir)?;
        Ok(())
    }

    /// The committed package files (manifest, translations, images, the requirements from
    /// Cargo.toml) pass Zendesk's rules and ours, strictly; the built iframe is checked by
    /// `cargo xtask package`.
    #[test]
    fn committed_files_are_valid() -> Result<()> {
        let project = Project::locate(false)?;
        let mut package = Package::new();
        package.insert(
            "manifest.json",
            fs::read(project.root.join("manifest.json"))?,
        );
        package.insert(
            "requirements.json",
            requirements_json(&project.channel_integration()?)?.into_bytes(),
        );
        for path in sorted_entries(&project.root.join("translations"))? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .context("file name")?
                .to_string();
            package.insert(format!("translations/{name}"), fs::read(&path)?);
        }
        for path in sorted_entries(&project.root.join("assets"))? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .context("file name")?
                .to_string();
            if name.ends_with(".png") {
                package.insert(format!("assets/{name}"), fs::read(&path)?);
            }
        }
        package.insert("assets/iframe.html", b"<!doctype html>".to_vec());
        let mut report = zaf_validate::validate(&package, &Options { strict: true });
        app_consistency(&package, &project.app_version()?, &mut report);
        assert!(report.findings.is_empty(), "{report}");
        Ok(())
    }
}
