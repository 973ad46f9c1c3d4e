//! What the sandbox reads of the app package itself: the name and version Zendesk shows for it,
//! so that any ZAF v2 package appears as itself.

use std::path::Path;

use serde_json::Value;

/// The package's name and version for one agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppInfo {
    /// The panel's title and `metadata().name`.
    pub name: String,
    /// `metadata().version`.
    pub version: String,
}

/// Copies a package folder to `to` (emptied first): tests and tools run the sandbox on a copy,
/// whose `requirements.json` they point at the integration they start
/// ([`crate::zendesk::channel::requirements::point_at_free_port`]).
pub fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
    fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy_dir(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), target)?;
            }
        }
        Ok(())
    }
    match std::fs::remove_dir_all(to) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    copy_dir(from, to)
}

/// The name when the package says none (or there is no package).
pub const UNNAMED: &str = "App";

impl AppInfo {
    /// Reads `package_dir` for an agent whose locale is `locale`: the name is `app.name` of the
    /// translation for the locale (file names compared without regard to case, `_` as `-`),
    /// else for its language alone (`de` for `de-AT`), else `manifest.json`'s `name`.
    /// Unreadable or missing files are skipped, never an error: the page still opens.
    pub fn read(package_dir: Option<&Path>, locale: &str) -> AppInfo {
        let manifest = package_dir.and_then(|dir| json_file(&dir.join("manifest.json")));
        let name = package_dir
            .and_then(|dir| translated_name(dir, locale))
            .or_else(|| text(manifest.as_ref()?.get("name")?))
            .unwrap_or_else(|| UNNAMED.to_owned());
        let version = manifest
            .as_ref()
            .and_then(|m| text(m.get("version")?))
            .unwrap_or_else(|| "sandbox".to_owned());
        AppInfo { name, version }
    }
}

fn json_file(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// A non-empty string, or the `value` of a `{"value", "title"}` translation object.
fn text(value: &Value) -> Option<String> {
    let s = match value {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("value")?.as_str()?,
        _ => return None,
    };
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn same_locale(a: &str, b: &str) -> bool {
    a.replace('_', "-")
        .eq_ignore_ascii_case(&b.replace('_', "-"))
}

fn translated_name(dir: &Path, locale: &str) -> Option<String> {
    let files: Vec<_> = std::fs::read_dir(dir.join("translations"))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    let language = locale.split(['-', '_']).next().unwrap_or_default();
    [locale, language]
        .into_iter()
        .filter(|wanted| !wanted.is_empty())
        .find_map(|wanted| {
            let path = files.iter().find(|p| {
                p.file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|stem| same_locale(stem, wanted))
            })?;
            text(json_file(path)?.get("app")?.get("name")?)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_the_folder_as_it_is_now() {
        let base = std::env::temp_dir().join(format!("sandbox-copy-{}", std::process::id()));
        let (from, to) = (base.join("from"), base.join("to"));
        std::fs::create_dir_all(from.join("assets")).expect("dirs");
        std::fs::write(from.join("manifest.json"), "{}").expect("file");
        std::fs::write(from.join("assets/iframe.html"), "<p>").expect("file");
        std::fs::create_dir_all(&to).expect("dirs");
        std::fs::write(to.join("stale.txt"), "old").expect("file");
        copy(&from, &to).expect("copied");
        assert_eq!(
            std::fs::read_to_string(to.join("manifest.json"))
                .ok()
                .as_deref(),
            Some("{}")
        );
        assert_eq!(
            std::fs::read_to_string(to.join("assets/iframe.html"))
                .ok()
                .as_deref(),
            Some("<p>")
        );
        assert!(
            !to.join("stale.txt").exists(),
            "what was there before is gone"
        );
        let _ = std::fs::remove_dir_all(&base);
    }

    fn package(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sandbox-package-{}-{}",
            std::process::id(),
            crate::secret::random_hex()
        ));
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("dir");
            std::fs::write(path, text).expect("file");
        }
        dir
    }

    const MANIFEST: &str = r#"{"name": "Plain Manifest Name", "version": "2.3.4"}"#;

    #[test]
    fn the_agents_translation_names_the_app() {
        let dir = package(&[
            ("manifest.json", MANIFEST),
            ("translations/en.json", r#"{"app": {"name": "Plain App"}}"#),
            (
                "translations/pt-br.json",
                r#"{"app": {"name": {"value": "App Simples", "title": "t"}}}"#,
            ),
            (
                "translations/de.json",
                r#"{"app": {"name": "Schlichte App"}}"#,
            ),
            ("translations/fr.json", r#"{"app": {}}"#),
            ("translations/es.json", "not json"),
        ]);
        let name = |locale: &str| AppInfo::read(Some(&dir), locale).name;
        assert_eq!(
            name("en-US"),
            "Plain App",
            "the language when the locale has no file"
        );
        assert_eq!(
            name("pt-BR"),
            "App Simples",
            "case-insensitive, {{value}} objects"
        );
        assert_eq!(name("pt_BR"), "App Simples");
        assert_eq!(name("de"), "Schlichte App");
        assert_eq!(
            name("fr"),
            "Plain Manifest Name",
            "no app.name: the manifest's"
        );
        assert_eq!(
            name("es"),
            "Plain Manifest Name",
            "unreadable: the manifest's"
        );
        assert_eq!(name("ja"), "Plain Manifest Name");
        assert_eq!(name(""), "Plain Manifest Name");
        assert_eq!(AppInfo::read(Some(&dir), "de").version, "2.3.4");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn without_a_name_the_app_is_still_shown() {
        let dir = package(&[("manifest.json", r#"{"name": "  "}"#)]);
        assert_eq!(
            AppInfo::read(Some(&dir), "en"),
            AppInfo {
                name: UNNAMED.into(),
                version: "sandbox".into()
            }
        );
        assert_eq!(AppInfo::read(None, "en").name, UNNAMED);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
