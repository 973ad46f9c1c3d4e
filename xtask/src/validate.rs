//! Offline validation of an app package against the rules Zendesk's validator applies
//! (manifest, parameters, translations, images, file types). Every problem is collected, so one
//! run lists them all.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Map, Value};

use crate::png;

pub const REQUIRED_FILES: [&str; 4] = [
    "manifest.json",
    "translations/en.json",
    "assets/logo.png",
    "assets/logo-small.png",
];
pub const LOGO: (&str, u32) = ("assets/logo.png", 320);
pub const LOGO_SMALL: (&str, u32) = ("assets/logo-small.png", 128);
pub const PARAMETER_TYPES: [&str; 8] = [
    "text",
    "checkbox",
    "url",
    "number",
    "multiline",
    "hidden",
    "oauth",
    "mtls",
];
pub const APP_STRINGS: [&str; 4] = [
    "name",
    "short_description",
    "long_description",
    "installation_instructions",
];
/// Archives, executables, documents and media the validator rejects (by name or by content).
pub const FORBIDDEN_EXTENSIONS: [&str; 27] = [
    "zip", "gz", "gzip", "tgz", "rar", "7z", "bz", "bz2", "tar", "xz", "pdf", "jar", "sh", "csh",
    "bin", "exe", "mp3", "mpeg", "mpg", "avi", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt",
];
/// Words in a text parameter's name that suggest it holds a secret.
const SECRET_WORDS: [&str; 5] = ["token", "key", "password", "secret", "pwd"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.message)
    }
}

/// The package's files by path relative to its root, with `/` separators.
#[derive(Default, Clone)]
pub struct Package {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Package {
    pub fn from_dir(root: &Path) -> Result<Self> {
        let mut package = Self::default();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))? {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let relative = path
                    .strip_prefix(root)
                    .context("package file outside the package")?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes =
                    fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                package.files.insert(relative, bytes);
            }
        }
        Ok(package)
    }
}

#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn error(&mut self, message: impl Into<String>) {
        self.0.push(Problem {
            severity: Severity::Error,
            message: message.into(),
        });
    }
    fn warning(&mut self, message: impl Into<String>) {
        self.0.push(Problem {
            severity: Severity::Warning,
            message: message.into(),
        });
    }
}

/// All problems, errors first.
pub fn validate(package: &Package) -> Vec<Problem> {
    let mut problems = Problems::default();
    for required in REQUIRED_FILES {
        if !package.files.contains_key(required) {
            problems.error(format!("missing required file `{required}`"));
        }
    }
    let parameters = match package.files.get("manifest.json") {
        Some(bytes) => manifest(package, bytes, &mut problems),
        None => Vec::new(),
    };
    translations(package, &parameters, &mut problems);
    images(package, &mut problems);
    file_types(package, &mut problems);
    let mut all = problems.0;
    all.sort_by_key(|p| p.severity);
    all
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks the manifest; returns the parameter names for the translation checks.
fn manifest(package: &Package, bytes: &[u8], problems: &mut Problems) -> Vec<String> {
    let manifest: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => {
            problems.error(format!("manifest.json is not valid JSON: {e}"));
            return Vec::new();
        }
    };
    let Some(manifest) = manifest.as_object() else {
        problems.error(format!(
            "manifest.json must be a JSON object, is {}",
            json_kind(&manifest)
        ));
        return Vec::new();
    };

    match manifest.get("name") {
        None => problems.error("manifest.json: `name` is required"),
        Some(Value::String(name)) if !name.trim().is_empty() => {
            if name.chars().count() > 255 {
                problems.error("manifest.json: `name` is longer than 255 characters");
            }
        }
        Some(_) => problems.error("manifest.json: `name` must be a non-empty string"),
    }

    match manifest.get("author") {
        None => problems.error("manifest.json: `author` is required"),
        Some(Value::Object(author)) => {
            for field in ["name", "email", "url"] {
                match author.get(field) {
                    Some(Value::String(s)) if !s.trim().is_empty() => {}
                    None => problems.error(format!("manifest.json: `author.{field}` is required")),
                    Some(_) => problems.error(format!(
                        "manifest.json: `author.{field}` must be a non-empty string"
                    )),
                }
            }
        }
        Some(other) => problems.error(format!(
            "manifest.json: `author` must be an object with `name`, `email` and `url`, is {}",
            json_kind(other)
        )),
    }

    match manifest.get("defaultLocale") {
        None => problems.error("manifest.json: `defaultLocale` is required"),
        Some(Value::String(locale)) => {
            if !is_locale(locale) {
                problems.error(format!(
                    "manifest.json: `defaultLocale` {locale:?} is not a locale name like `en` or `pt-BR`"
                ));
            } else if !package
                .files
                .contains_key(&format!("translations/{locale}.json"))
            {
                problems.error(format!(
                    "manifest.json: `defaultLocale` is {locale:?} but `translations/{locale}.json` is missing"
                ));
            }
        }
        Some(other) => problems.error(format!(
            "manifest.json: `defaultLocale` must be a string, is {}",
            json_kind(other)
        )),
    }

    boolean(manifest, "private", "manifest.json: `private`", problems);

    match manifest.get("frameworkVersion") {
        None => problems.error("manifest.json: `frameworkVersion` is required"),
        Some(Value::String(v)) if v == "2.0" => {}
        Some(other) => problems.error(format!(
            "manifest.json: `frameworkVersion` must be \"2.0\", is {other}"
        )),
    }

    if let Some(version) = manifest.get("version")
        && !version.is_string()
    {
        problems.error(format!(
            "manifest.json: `version` must be a string, is {}",
            json_kind(version)
        ));
    }

    locations(package, manifest, problems);
    parameters(manifest, problems)
}

fn boolean(object: &Map<String, Value>, key: &str, what: &str, problems: &mut Problems) {
    if let Some(value) = object.get(key)
        && !value.is_boolean()
    {
        problems.error(format!(
            "{what} must be true or false (a JSON boolean), is {value}"
        ));
    }
}

/// `^[a-z]{2,3}(-\w{2,3})?$`
pub fn is_locale(locale: &str) -> bool {
    let (language, region) = match locale.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (locale, None),
    };
    let language_ok =
        (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
    let region_ok = region.is_none_or(|r| {
        (2..=3).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    });
    language_ok && region_ok
}

fn locations(package: &Package, manifest: &Map<String, Value>, problems: &mut Problems) {
    let Some(location) = manifest.get("location") else {
        problems.error("manifest.json: `location` is required");
        return;
    };
    let Some(products) = location.as_object() else {
        problems.error(format!(
            "manifest.json: `location` must be an object of products, is {}",
            json_kind(location)
        ));
        return;
    };
    let has_sidebar = products
        .get("support")
        .and_then(Value::as_object)
        .is_some_and(|support| support.contains_key("ticket_sidebar"));
    if !has_sidebar {
        problems.error(
            "manifest.json: `location.support.ticket_sidebar` is required (the app's place)",
        );
    }
    for (product, places) in products {
        let Some(places) = places.as_object() else {
            problems.error(format!(
                "manifest.json: `location.{product}` must be an object of locations, is {}",
                json_kind(places)
            ));
            continue;
        };
        for (place, spec) in places {
            let key = format!("location.{product}.{place}");
            let url = match spec {
                Value::String(url) => Some(url),
                Value::Object(spec) => {
                    boolean(
                        spec,
                        "flexible",
                        &format!("manifest.json: `{key}.flexible`"),
                        problems,
                    );
                    match spec.get("url") {
                        Some(Value::String(url)) => Some(url),
                        None => {
                            problems.error(format!("manifest.json: `{key}.url` is required"));
                            None
                        }
                        Some(other) => {
                            problems.error(format!(
                                "manifest.json: `{key}.url` must be a string, is {}",
                                json_kind(other)
                            ));
                            None
                        }
                    }
                }
                other => {
                    problems.error(format!(
                        "manifest.json: `{key}` must be a URL or an object with `url`, is {}",
                        json_kind(other)
                    ));
                    None
                }
            };
            if let Some(url) = url {
                location_url(package, &key, url, problems);
            }
        }
    }
}

fn location_url(package: &Package, key: &str, url: &str, problems: &mut Problems) {
    if url.starts_with("https://") || url.starts_with("http://localhost") {
        return;
    }
    if url.contains("://") || url.starts_with("//") {
        problems.error(format!(
            "manifest.json: `{key}.url` {url:?} must be https or a relative path under assets/"
        ));
    } else if !url.starts_with("assets/") {
        problems.error(format!(
            "manifest.json: `{key}.url` {url:?} is relative, so it must start with `assets/`"
        ));
    } else if !package.files.contains_key(url) {
        problems.error(format!(
            "manifest.json: `{key}.url` {url:?} is not in the package"
        ));
    }
}

fn parameters(manifest: &Map<String, Value>, problems: &mut Problems) -> Vec<String> {
    let Some(parameters) = manifest.get("parameters") else {
        return Vec::new();
    };
    let Some(parameters) = parameters.as_array() else {
        problems.error(format!(
            "manifest.json: `parameters` must be an array, is {}",
            json_kind(parameters)
        ));
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut seen = BTreeSet::new();
    let mut oauth = Vec::new();
    for (index, parameter) in parameters.iter().enumerate() {
        let Some(parameter) = parameter.as_object() else {
            problems.error(format!(
                "manifest.json: `parameters[{index}]` must be an object, is {}",
                json_kind(parameter)
            ));
            continue;
        };
        let name = match parameter.get("name") {
            Some(Value::String(name)) if !name.is_empty() => name.clone(),
            _ => {
                problems.error(format!(
                    "manifest.json: `parameters[{index}]` needs a non-empty string `name`"
                ));
                continue;
            }
        };
        let what = format!("parameter `{name}`");
        if name == "name" {
            problems.error(format!("{what}: a parameter may not be called `name`"));
        }
        if !seen.insert(name.clone()) {
            problems.error(format!("{what} is defined more than once"));
        }
        let kind = match parameter.get("type") {
            None => "text",
            Some(Value::String(kind)) => kind.as_str(),
            Some(other) => {
                problems.error(format!(
                    "{what}: `type` must be a string, is {}",
                    json_kind(other)
                ));
                ""
            }
        };
        if !kind.is_empty() && !PARAMETER_TYPES.contains(&kind) {
            problems.error(format!(
                "{what}: type `{kind}` is not one of {}",
                PARAMETER_TYPES.join(", ")
            ));
        }
        for flag in ["required", "secure"] {
            boolean(parameter, flag, &format!("{what}: `{flag}`"), problems);
        }
        let flag = |key: &str| parameter.get(key).and_then(Value::as_bool).unwrap_or(false);
        let (required, secure) = (flag("required"), flag("secure"));
        if kind == "hidden" && required {
            problems.error(format!(
                "{what} is hidden and required: an admin could never set it"
            ));
        }
        if kind == "oauth" {
            oauth.push(name.clone());
            if secure {
                problems.error(format!("{what}: an oauth parameter cannot be secure"));
            }
        }
        let lowered = name.to_ascii_lowercase();
        if kind == "text" && !secure && SECRET_WORDS.iter().any(|w| lowered.contains(w)) {
            problems.warning(format!(
                "{what} looks like a token, key or password but is not `secure`"
            ));
        }
        if parameter.contains_key("default") && (secure || kind == "hidden") {
            let why = if secure { "secure" } else { "hidden" };
            problems.warning(format!(
                "{what} is {why} and has a `default`: the default is not kept secret"
            ));
        }
        names.push(name);
    }
    if oauth.len() > 1 {
        problems.error(format!(
            "manifest.json: more than one oauth parameter ({})",
            oauth.join(", ")
        ));
    }
    names
}

fn translations(package: &Package, parameters: &[String], problems: &mut Problems) {
    for (path, bytes) in package.files.range("translations/".to_string()..) {
        let Some(file) = path.strip_prefix("translations/") else {
            break;
        };
        let Some(locale) = file.strip_suffix(".json") else {
            problems.error(format!("`{path}`: translation files must be .json"));
            continue;
        };
        if !is_locale(locale) {
            problems.error(format!(
                "`{path}`: {locale:?} is not a locale name like `en` or `pt-BR`"
            ));
        }
        let json: Value = match serde_json::from_slice(bytes) {
            Ok(json) => json,
            Err(e) => {
                problems.error(format!("{path} is not valid JSON: {e}"));
                continue;
            }
        };
        let Some(app) = json.get("app").and_then(Value::as_object) else {
            problems.error(format!("{path}: `app` is missing or not an object"));
            continue;
        };
        for key in APP_STRINGS {
            translated(path, &format!("app.{key}"), app.get(key), true, problems);
        }
        let translated_parameters = app.get("parameters").and_then(Value::as_object);
        for name in parameters {
            let entry = translated_parameters
                .and_then(|p| p.get(name))
                .and_then(Value::as_object);
            let key = format!("app.parameters.{name}");
            translated(
                path,
                &format!("{key}.label"),
                entry.and_then(|e| e.get("label")),
                true,
                problems,
            );
            translated(
                path,
                &format!("{key}.helpText"),
                entry.and_then(|e| e.get("helpText")),
                false,
                problems,
            );
        }
    }
}

fn translated(
    path: &str,
    key: &str,
    value: Option<&Value>,
    required: bool,
    problems: &mut Problems,
) {
    match value {
        None if required => problems.error(format!("{path}: `{key}` is missing")),
        None => {}
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        Some(Value::Object(o))
            if o.get("value")
                .and_then(Value::as_str)
                .is_some_and(|v| !v.trim().is_empty()) => {}
        Some(_) => problems.error(format!(
            "{path}: `{key}` must be a non-empty string or {{\"value\", \"title\"}}"
        )),
    }
}

fn images(package: &Package, problems: &mut Problems) {
    for (path, side) in [LOGO, LOGO_SMALL] {
        let Some(bytes) = package.files.get(path) else {
            continue;
        };
        match png::read(bytes) {
            Err(e) => problems.error(format!("{path}: {e}")),
            Ok(info) => {
                if (info.width, info.height) != (side, side) {
                    problems.error(format!(
                        "{path} must be {side}×{side} pixels, is {}×{}",
                        info.width, info.height
                    ));
                }
                if path == LOGO_SMALL.0 && !info.has_alpha() {
                    problems.error(format!(
                        "{path} must have a transparent background (RGBA or a tRNS chunk), has colour type {} without tRNS",
                        info.colour_type
                    ));
                }
            }
        }
    }
    for (path, bytes) in &package.files {
        if !path.starts_with("assets/screenshot-") {
            continue;
        }
        if !path.ends_with(".png") {
            problems.error(format!("{path}: screenshots must be PNG files"));
        } else if let Err(e) = png::read(bytes) {
            problems.error(format!("{path}: {e}"));
        }
    }
}

fn file_types(package: &Package, problems: &mut Problems) {
    for (path, bytes) in &package.files {
        let extension = path
            .rsplit('/')
            .next()
            .and_then(|file| file.rsplit_once('.'))
            .map(|(_, ext)| ext.to_ascii_lowercase());
        if let Some(ext) = extension.filter(|e| FORBIDDEN_EXTENSIONS.contains(&e.as_str())) {
            problems.error(format!(
                "{path}: `.{ext}` files are not allowed in an app package"
            ));
        } else if let Some(kind) = sniff_forbidden(bytes) {
            problems.error(format!(
                "{path}: {kind} content is not allowed in an app package"
            ));
        }
    }
}

/// Content types the validator rejects whatever the file is called.
pub fn sniff_forbidden(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 8] = [
        (b"PK\x03\x04", "zip (or jar/office)"),
        (b"\x1f\x8b", "gzip"),
        (b"%PDF-", "pdf"),
        (b"Rar!\x1a\x07", "rar"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"BZh", "bzip2"),
        (b"ID3", "mp3"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "office document"),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest() -> Value {
        json!({
            "name": "Heart",
            "author": {"name": "A", "email": "a@example.invalid", "url": "https://example.invalid"},
            "defaultLocale": "en",
            "private": true,
            "location": {"support": {"ticket_sidebar": {"url": "assets/iframe.html", "flexible": true}}},
            "version": "0.1.0",
            "frameworkVersion": "2.0",
            "parameters": [
                {"name": "state_path", "type": "text", "default": "/like_state"},
                {"name": "like_path", "type": "text", "default": "/like"}
            ]
        })
    }

    fn translation() -> Value {
        json!({"app": {
            "name": "Heart",
            "short_description": "s",
            "long_description": {"value": "l", "title": "t"},
            "installation_instructions": "i",
            "parameters": {
                "state_path": {"label": "State path", "helpText": "h"},
                "like_path": {"label": "Like path", "helpText": "h"}
            }
        }})
    }

    fn package_with(manifest: &Value) -> Package {
        let mut package = Package::default();
        let files = [
            ("manifest.json", manifest.to_string().into_bytes()),
            (
                "translations/en.json",
                translation().to_string().into_bytes(),
            ),
            ("assets/iframe.html", b"<!doctype html>".to_vec()),
            ("assets/app.wasm", b"\0asm\x01\0\0\0".to_vec()),
            ("assets/logo.png", png::fake(320, 320, 6, false)),
            ("assets/logo-small.png", png::fake(128, 128, 6, false)),
            ("assets/screenshot-0.png", png::fake(1280, 800, 2, false)),
        ];
        for (path, bytes) in files {
            package.files.insert(path.to_string(), bytes);
        }
        package
    }

    fn good() -> Package {
        package_with(&manifest())
    }

    fn problems(package: &Package) -> Vec<String> {
        validate(package).iter().map(ToString::to_string).collect()
    }

    /// The package is flagged with exactly `expected` (and nothing else).
    #[track_caller]
    fn assert_only(package: &Package, expected: &str) {
        assert_eq!(problems(package), vec![expected.to_string()]);
    }

    fn with_manifest(edit: impl FnOnce(&mut Value)) -> Package {
        let mut m = manifest();
        edit(&mut m);
        package_with(&m)
    }

    fn with_parameters(parameters: Value) -> Package {
        let mut package = with_manifest(|m| m["parameters"] = parameters);
        // Labels for whatever parameters the case uses, so only the parameter rule speaks.
        let mut t = translation();
        let names: Vec<String> = package
            .files
            .get("manifest.json")
            .and_then(|b| serde_json::from_slice::<Value>(b).ok())
            .and_then(|m| m["parameters"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p["name"].as_str().map(str::to_string))
            .collect();
        for name in names {
            t["app"]["parameters"][name] = json!({"label": "L"});
        }
        package
            .files
            .insert("translations/en.json".into(), t.to_string().into_bytes());
        package
    }

    #[test]
    fn a_good_package_has_no_problems() {
        assert_eq!(problems(&good()), Vec::<String>::new());
    }

    #[test]
    fn required_files() {
        let mut package = good();
        package.files.remove("assets/logo.png");
        assert_only(&package, "error: missing required file `assets/logo.png`");
    }

    #[test]
    fn manifest_must_be_json_object() {
        let mut package = good();
        package.files.insert("manifest.json".into(), b"{".to_vec());
        let found = problems(&package);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("error: manifest.json is not valid JSON"),
            "{found:?}"
        );
        assert_only(
            &package_with(&json!([])),
            "error: manifest.json must be a JSON object, is an array",
        );
    }

    #[test]
    fn name_is_required_and_a_string() {
        assert_only(
            &with_manifest(|m| m["name"] = json!(7)),
            "error: manifest.json: `name` must be a non-empty string",
        );
        let removed = with_manifest(|m| {
            m.as_object_mut().map(|o| o.remove("name"));
        });
        assert_only(&removed, "error: manifest.json: `name` is required");
    }

    #[test]
    fn author_fields() {
        assert_only(
            &with_manifest(|m| m["author"]["email"] = json!(null)),
            "error: manifest.json: `author.email` must be a non-empty string",
        );
        assert_only(
            &with_manifest(|m| {
                m["author"].as_object_mut().map(|a| a.remove("url"));
            }),
            "error: manifest.json: `author.url` is required",
        );
        assert_only(
            &with_manifest(|m| m["author"] = json!("me")),
            "error: manifest.json: `author` must be an object with `name`, `email` and `url`, is a string",
        );
    }

    #[test]
    fn default_locale_shape_and_file() {
        assert_only(
            &with_manifest(|m| m["defaultLocale"] = json!("en_US")),
            "error: manifest.json: `defaultLocale` \"en_US\" is not a locale name like `en` or `pt-BR`",
        );
        assert_only(
            &with_manifest(|m| m["defaultLocale"] = json!("fr")),
            "error: manifest.json: `defaultLocale` is \"fr\" but `translations/fr.json` is missing",
        );
    }

    #[test]
    fn locale_pattern() {
        for ok in ["en", "pt-BR", "zh-cn", "fil", "es-419", "en-US"] {
            assert!(is_locale(ok), "{ok}");
        }
        for bad in [
            "", "e", "EN", "en_US", "en-", "english", "en-USAA", "pt-B R",
        ] {
            assert!(!is_locale(bad), "{bad}");
        }
    }

    #[test]
    fn private_must_be_boolean() {
        assert_only(
            &with_manifest(|m| m["private"] = json!("true")),
            "error: manifest.json: `private` must be true or false (a JSON boolean), is \"true\"",
        );
    }

    #[test]
    fn framework_version() {
        assert_only(
            &with_manifest(|m| m["frameworkVersion"] = json!(2.0)),
            "error: manifest.json: `frameworkVersion` must be \"2.0\", is 2.0",
        );
    }

    #[test]
    fn location_url_rules() {
        assert_only(
            &with_manifest(|m| {
                m["location"]["support"]["ticket_sidebar"]["url"] = json!("iframe.html")
            }),
            "error: manifest.json: `location.support.ticket_sidebar.url` \"iframe.html\" is relative, so it must start with `assets/`",
        );
        assert_only(
            &with_manifest(|m| {
                m["location"]["support"]["ticket_sidebar"]["url"] = json!("assets/missing.html")
            }),
            "error: manifest.json: `location.support.ticket_sidebar.url` \"assets/missing.html\" is not in the package",
        );
        assert_only(
            &with_manifest(|m| {
                m["location"]["support"]["ticket_sidebar"]["url"] = json!("ftp://x/y")
            }),
            "error: manifest.json: `location.support.ticket_sidebar.url` \"ftp://x/y\" must be https or a relative path under assets/",
        );
        assert_eq!(
            problems(&with_manifest(
                |m| m["location"]["support"]["ticket_sidebar"] = json!("assets/iframe.html")
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn ticket_sidebar_is_required() {
        assert_only(
            &with_manifest(|m| {
                m["location"] = json!({"support": {"nav_bar": "assets/iframe.html"}})
            }),
            "error: manifest.json: `location.support.ticket_sidebar` is required (the app's place)",
        );
    }

    #[test]
    fn flexible_must_be_boolean() {
        assert_only(
            &with_manifest(|m| m["location"]["support"]["ticket_sidebar"]["flexible"] = json!(1)),
            "error: manifest.json: `location.support.ticket_sidebar.flexible` must be true or false (a JSON boolean), is 1",
        );
    }

    #[test]
    fn parameter_types() {
        assert_only(
            &with_parameters(json!([{"name": "p", "type": "password"}])),
            "error: parameter `p`: type `password` is not one of text, checkbox, url, number, multiline, hidden, oauth, mtls",
        );
    }

    #[test]
    fn no_parameter_called_name() {
        assert_only(
            &with_parameters(json!([{"name": "name"}])),
            "error: parameter `name`: a parameter may not be called `name`",
        );
    }

    #[test]
    fn no_duplicate_parameters() {
        assert_only(
            &with_parameters(json!([{"name": "p"}, {"name": "p", "type": "url"}])),
            "error: parameter `p` is defined more than once",
        );
    }

    #[test]
    fn hidden_and_required() {
        assert_only(
            &with_parameters(json!([{"name": "p", "type": "hidden", "required": true}])),
            "error: parameter `p` is hidden and required: an admin could never set it",
        );
    }

    #[test]
    fn secure_oauth() {
        assert_only(
            &with_parameters(json!([{"name": "o", "type": "oauth", "secure": true}])),
            "error: parameter `o`: an oauth parameter cannot be secure",
        );
    }

    #[test]
    fn one_oauth_at_most() {
        assert_only(
            &with_parameters(
                json!([{"name": "a", "type": "oauth"}, {"name": "b", "type": "oauth"}]),
            ),
            "error: manifest.json: more than one oauth parameter (a, b)",
        );
    }

    #[test]
    fn parameter_booleans() {
        assert_only(
            &with_parameters(json!([{"name": "p", "required": "false"}])),
            "error: parameter `p`: `required` must be true or false (a JSON boolean), is \"false\"",
        );
        assert_only(
            &with_parameters(json!([{"name": "p", "secure": 0}])),
            "error: parameter `p`: `secure` must be true or false (a JSON boolean), is 0",
        );
    }

    #[test]
    fn secret_looking_text_parameter_warns() {
        assert_only(
            &with_parameters(json!([{"name": "api_token"}])),
            "warning: parameter `api_token` looks like a token, key or password but is not `secure`",
        );
        assert_eq!(
            problems(&with_parameters(
                json!([{"name": "api_token", "secure": true}])
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn default_on_secure_or_hidden_warns() {
        assert_only(
            &with_parameters(json!([{"name": "s", "secure": true, "default": "x"}])),
            "warning: parameter `s` is secure and has a `default`: the default is not kept secret",
        );
        assert_only(
            &with_parameters(json!([{"name": "h", "type": "hidden", "default": "x"}])),
            "warning: parameter `h` is hidden and has a `default`: the default is not kept secret",
        );
    }

    #[test]
    fn warnings_come_after_errors() {
        let found = validate(&with_parameters(
            json!([{"name": "api_key"}, {"name": "name"}]),
        ));
        let severities: Vec<Severity> = found.iter().map(|p| p.severity).collect();
        assert_eq!(severities, vec![Severity::Error, Severity::Warning]);
    }

    #[test]
    fn translations_are_json_with_app_strings() {
        let mut package = good();
        package
            .files
            .insert("translations/de.json".into(), b"{\"app\":".to_vec());
        let found = problems(&package);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("error: translations/de.json is not valid JSON"),
            "{found:?}"
        );

        let mut t = translation();
        t["app"]
            .as_object_mut()
            .map(|a| a.remove("installation_instructions"));
        t["app"]["short_description"] = json!(["x"]);
        package
            .files
            .insert("translations/de.json".into(), t.to_string().into_bytes());
        assert_eq!(
            problems(&package),
            vec![
                "error: translations/de.json: `app.short_description` must be a non-empty string or {\"value\", \"title\"}",
                "error: translations/de.json: `app.installation_instructions` is missing",
            ]
        );
    }

    #[test]
    fn translations_label_every_parameter() {
        let mut package = good();
        let mut t = translation();
        t["app"]["parameters"]
            .as_object_mut()
            .map(|p| p.remove("like_path"));
        t["app"]["parameters"]["state_path"]["helpText"] = json!(3);
        package
            .files
            .insert("translations/fr.json".into(), t.to_string().into_bytes());
        assert_eq!(
            problems(&package),
            vec![
                "error: translations/fr.json: `app.parameters.state_path.helpText` must be a non-empty string or {\"value\", \"title\"}",
                "error: translations/fr.json: `app.parameters.like_path.label` is missing",
            ]
        );
    }

    #[test]
    fn translation_file_names() {
        let mut package = good();
        package.files.insert(
            "translations/english.json".into(),
            translation().to_string().into_bytes(),
        );
        assert_only(
            &package,
            "error: `translations/english.json`: \"english\" is not a locale name like `en` or `pt-BR`",
        );
    }

    #[test]
    fn logo_sizes() {
        let mut package = good();
        package
            .files
            .insert("assets/logo.png".into(), png::fake(300, 320, 6, false));
        assert_only(
            &package,
            "error: assets/logo.png must be 320×320 pixels, is 300×320",
        );
        let mut package = good();
        package
            .files
            .insert("assets/logo-small.png".into(), b"not a png".to_vec());
        assert_only(
            &package,
            "error: assets/logo-small.png: not a PNG (bad signature)",
        );
    }

    #[test]
    fn small_logo_needs_alpha() {
        let mut package = good();
        package.files.insert(
            "assets/logo-small.png".into(),
            png::fake(128, 128, 2, false),
        );
        assert_only(
            &package,
            "error: assets/logo-small.png must have a transparent background (RGBA or a tRNS chunk), has colour type 2 without tRNS",
        );
        package
            .files
            .insert("assets/logo-small.png".into(), png::fake(128, 128, 3, true));
        assert_eq!(problems(&package), Vec::<String>::new());
    }

    #[test]
    fn screenshots_are_png() {
        let mut package = good();
        package
            .files
            .insert("assets/screenshot-1.jpg".into(), b"\xff\xd8\xff".to_vec());
        assert_only(
            &package,
            "error: assets/screenshot-1.jpg: screenshots must be PNG files",
        );
        let mut package = good();
        package
            .files
            .insert("assets/screenshot-1.png".into(), b"\xff\xd8\xff".to_vec());
        assert_only(
            &package,
            "error: assets/screenshot-1.png: not a PNG (bad signature)",
        );
    }

    #[test]
    fn forbidden_file_types() {
        let mut package = good();
        package
            .files
            .insert("assets/tools.sh".into(), b"echo".to_vec());
        assert_only(
            &package,
            "error: assets/tools.sh: `.sh` files are not allowed in an app package",
        );
        let mut package = good();
        package
            .files
            .insert("assets/data.txt".into(), b"PK\x03\x04rest".to_vec());
        assert_only(
            &package,
            "error: assets/data.txt: zip (or jar/office) content is not allowed in an app package",
        );
        let mut package = good();
        package
            .files
            .insert("bundle.js.gz".into(), b"\x1f\x8b\x08".to_vec());
        assert_only(
            &package,
            "error: bundle.js.gz: `.gz` files are not allowed in an app package",
        );
    }

    #[test]
    fn wasm_is_allowed() {
        assert_eq!(sniff_forbidden(b"\0asm\x01\0\0\0"), None);
        assert_eq!(sniff_forbidden(b"%PDF-1.7"), Some("pdf"));
    }

    #[test]
    fn all_problems_are_listed_at_once() {
        let mut package = with_manifest(|m| {
            m["private"] = json!("no");
            m["frameworkVersion"] = json!("1.0");
        });
        package.files.remove("assets/logo-small.png");
        assert_eq!(
            problems(&package),
            vec![
                "error: missing required file `assets/logo-small.png`",
                "error: manifest.json: `private` must be true or false (a JSON boolean), is \"no\"",
                "error: manifest.json: `frameworkVersion` must be \"2.0\", is \"1.0\"",
            ]
        );
    }
}
