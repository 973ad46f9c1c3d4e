//! `cargo xtask package` and `demo`: the Zendesk app package, validated, measured and zipped.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use heart_contract::{DEFAULT_LIKE_PATH, DEFAULT_STATE_PATH, Setting};
use serde_json::Value;

use crate::budget::{self, BROTLI_BUDGET_BYTES};
use crate::build;
use crate::cmd;
use crate::project::{APP_PACKAGE, Project};
use crate::setup;
use crate::validate::{self, Package, Severity};

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

    let package = Package::from_dir(&dir)?;
    let mut problems = validate::validate(&package);
    problems.extend(app_consistency(&package, &version));
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if problems.is_empty() {
        println!("validation: no problems");
    } else {
        println!("validation: {} problem(s)", problems.len());
        for problem in &problems {
            println!("  - {problem}");
        }
    }

    let files = loaded
        .iter()
        .map(|name| {
            let path = format!("assets/{name}");
            let bytes = package
                .files
                .get(&path)
                .cloned()
                .with_context(|| format!("{path} was copied but is not in the package"))?;
            Ok((path, bytes))
        })
        .collect::<Result<Vec<(String, Vec<u8>)>>>()?;
    let report = budget::Report::new(&files)?;
    println!(
        "\nsize of what the iframe loads from the package:\n{}",
        report.table()
    );

    let mut failures = Vec::new();
    if errors > 0 {
        failures.push(format!("{errors} validation error(s) (listed above)"));
    }
    if report.over_budget() {
        let largest = report
            .rows
            .iter()
            .max_by_key(|(_, s)| s.brotli)
            .map(|(name, s)| format!("; the largest is {name} at {} bytes", s.brotli))
            .unwrap_or_default();
        failures.push(format!(
            "the brotli total of what the iframe loads, {} bytes, is {} bytes over the budget of {} bytes (budget::BROTLI_BUDGET_BYTES){largest}{}",
            report.total.brotli,
            report.total.brotli - BROTLI_BUDGET_BYTES,
            BROTLI_BUDGET_BYTES,
            if project.nightly_size {
                ""
            } else {
                " (this is a --stable build; the default size build is smaller)"
            }
        ));
    }
    if !failures.is_empty() {
        bail!("the package is not shippable: {}", failures.join("; "));
    }

    write_zip(&dir, &zip)?;
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

/// Project rules beyond Zendesk's: the manifest's version is the crate's, and its parameters are
/// the ones the app reads, with the app's defaults, optional and in plain text.
pub fn app_consistency(package: &Package, version: &str) -> Vec<validate::Problem> {
    let mut problems = Vec::new();
    let mut error = |message: String| {
        problems.push(validate::Problem {
            severity: Severity::Error,
            message,
        })
    };
    let Some(manifest) = package
        .files
        .get("manifest.json")
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
    else {
        return problems; // The Zendesk rules already report it.
    };
    match manifest.get("version").and_then(Value::as_str) {
        Some(v) if v == version => {}
        other => error(format!(
            "manifest.json: `version` is {other:?}, the crate's version is \"{version}\"; keep them equal"
        )),
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
            error(format!(
                "manifest.json: the app reads parameter `{name}`, which is missing"
            ));
            continue;
        };
        if parameter.get("default").and_then(Value::as_str) != Some(default) {
            error(format!(
                "manifest.json: parameter `{name}` must default to {default:?} (heart-contract's default)"
            ));
        }
        for flag in ["secure", "required"] {
            if parameter.get(flag).and_then(Value::as_bool) == Some(true) {
                error(format!(
                    "manifest.json: parameter `{name}` must not be {flag}: the app reads it from the settings"
                ));
            }
        }
    }
    for parameter in &parameters {
        if let Some(name) = parameter.get("name").and_then(Value::as_str)
            && !expected.iter().any(|(n, _)| *n == name)
        {
            error(format!(
                "manifest.json: parameter `{name}` is not one the app reads"
            ));
        }
    }
    problems
}

/// Deterministic zip (sorted, fixed timestamps) with the package's files at its root.
fn write_zip(dir: &Path, zip_path: &Path) -> Result<()> {
    let package = Package::from_dir(dir)?;
    let file =
        fs::File::create(zip_path).with_context(|| format!("creating {}", zip_path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (path, bytes) in &package.files {
        zip.start_file(path.as_str(), options)
            .with_context(|| format!("adding {path} to the zip"))?;
        zip.write_all(bytes)
            .with_context(|| format!("writing {path} into the zip"))?;
    }
    zip.finish().context("finishing the zip")?;
    Ok(())
}

pub fn demo(project: &Project, config: Option<&str>) -> Result<()> {
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
    if let Some(config) = config {
        // Relative to where the user ran the command, not to the repository root.
        let config = std::env::current_dir()
            .context("reading the current directory")?
            .join(config);
        command = command.arg("--config").arg(config);
    }
    command.run().context("running the sandbox")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn package(manifest: &Value) -> Package {
        let mut package = Package::default();
        package
            .files
            .insert("manifest.json".into(), manifest.to_string().into_bytes());
        package
    }

    fn manifest() -> Value {
        json!({
            "version": "0.1.0",
            "parameters": [
                {"name": "state_path", "type": "text", "default": DEFAULT_STATE_PATH},
                {"name": "like_path", "type": "text", "default": DEFAULT_LIKE_PATH}
            ]
        })
    }

    fn messages(package: &Package, version: &str) -> Vec<String> {
        app_consistency(package, version)
            .iter()
            .map(ToString::to_string)
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
                "error: manifest.json: `version` is Some(\"0.1.0\"), the crate's version is \"0.2.0\"; keep them equal"
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
                "error: manifest.json: parameter `state_path` must default to \"/like_state\" (heart-contract's default)",
                "error: manifest.json: parameter `like_path` must not be secure: the app reads it from the settings",
                "error: manifest.json: parameter `extra` is not one the app reads",
            ]
        );
    }

    #[test]
    fn zip_has_the_files_at_its_root() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("xtask-zip-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("pkg/assets"))?;
        fs::create_dir_all(dir.join("pkg/translations"))?;
        fs::write(dir.join("pkg/manifest.json"), "{}")?;
        fs::write(dir.join("pkg/assets/iframe.html"), "<!doctype html>")?;
        fs::write(dir.join("pkg/translations/en.json"), "{}")?;
        let zip_path = dir.join("pkg.zip");
        write_zip(&dir.join("pkg"), &zip_path)?;
        let first = fs::read(&zip_path)?;
        let mut archive = zip::ZipArchive::new(fs::File::open(&zip_path)?)?;
        let mut names = archive
            .file_names()
            .map(|n| n.map(|n| n.into_owned()))
            .collect::<Result<Vec<String>, _>>()?;
        names.sort();
        assert_eq!(
            names,
            [
                "assets/iframe.html",
                "manifest.json",
                "translations/en.json"
            ]
        );
        let mut html = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("assets/iframe.html")?, &mut html)?;
        assert_eq!(html, "<!doctype html>");
        // Same input, same bytes.
        write_zip(&dir.join("pkg"), &zip_path)?;
        assert_eq!(fs::read(&zip_path)?, first);
        fs::remove_dir_all(&dir)?;
        Ok(())
    }

    /// The committed manifest and translations pass both rule sets (images aside: they are
    /// checked on the real files by `cargo xtask package`).
    #[test]
    fn committed_files_are_valid() -> Result<()> {
        let project = Project::locate(false)?;
        let mut package = Package::default();
        package.files.insert(
            "manifest.json".into(),
            fs::read(project.root.join("manifest.json"))?,
        );
        for path in sorted_entries(&project.root.join("translations"))? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .context("file name")?
                .to_string();
            package
                .files
                .insert(format!("translations/{name}"), fs::read(&path)?);
        }
        for image in ["logo.png", "logo-small.png"] {
            let path = project.root.join("assets").join(image);
            package
                .files
                .insert(format!("assets/{image}"), fs::read(&path)?);
        }
        package
            .files
            .insert("assets/iframe.html".into(), b"<!doctype html>".to_vec());
        let mut problems: Vec<String> = validate::validate(&package)
            .iter()
            .map(ToString::to_string)
            .collect();
        problems.extend(messages(&package, &project.app_version()?));
        assert_eq!(problems, Vec::<String>::new());
        Ok(())
    }
}
