//! Checks Zendesk's validator does not make, but that decide whether an app looks right and
//! installs: logos, labels, locale file names, the channel integration's URL. Warnings, or
//! errors under `--strict`. Plus the 2 MB limit of Zendesk's upload.

use std::collections::{HashMap, HashSet};

use crate::json::{self, Duplicates, Json};
use crate::package::Package;
use crate::png;
use crate::report::{Report, Severity, Whose};
use crate::ruby;
use crate::uri;
use crate::zendesk::model::Manifest;

/// Zendesk refuses an uploaded zip larger than this (Admin Center and the Apps API).
pub const MAX_ZIP_BYTES: u64 = 2 * 1024 * 1024;

pub const LOGOS: [(&str, u32); 2] = [("assets/logo.png", 320), ("assets/logo-small.png", 128)];

/// Zendesk's locale names that are not all lower case (`pt-br`, `zh-cn`, `en-gb` are).
const MIXED_CASE_LOCALES: [&str; 44] = [
    "ar-BH", "ar-IL", "ar-KW", "ar-LB", "ar-MA", "ar-OM", "ar-QA", "ar-SA", "en-BA", "en-BZ",
    "en-DE", "en-FI", "en-FR", "en-GH", "en-HR", "en-KE", "en-KW", "en-MA", "en-ME", "en-RS",
    "en-RW", "en-SA", "en-SI", "en-TN", "en-TR", "en-UG", "en-US", "es-DO", "es-GT", "es-NI",
    "es-PA", "es-PY", "es-SV", "es-UY", "fa-AF", "fi-FI", "he-IL", "hr-HR", "ja-JP", "ps-AF",
    "rn-BI", "sl-SI", "sw-RW", "ur-PK",
];

const APP_STRINGS: [&str; 4] = [
    "name",
    "short_description",
    "long_description",
    "installation_instructions",
];

pub(crate) fn check(package: &Package, report: &mut Report) {
    zip_size(package, report);
    logos(package, report);
    screenshots(package, report);
    let manifest = package
        .get("manifest.json")
        .and_then(|b| json::parse(b, Duplicates::LastWins).ok())
        .and_then(|v| Manifest::new(v).ok());
    translations(package, manifest.as_ref(), report);
    channel_integration(package, report);
}

fn zip_size(package: &Package, report: &mut Report) {
    let (size, how) = match package.zip_size() {
        Some(size) => (size, "the zip is"),
        None => match package.to_zip() {
            Ok(zip) => (zip.len() as u64, "a zip of this folder would be"),
            Err(_) => return,
        },
    };
    if size > MAX_ZIP_BYTES {
        report.push(
            Whose::ZendeskUpload,
            Severity::Error,
            "package_too_large",
            None,
            format!(
                "{how} {size} bytes; Zendesk refuses an app zip larger than 2 MB ({MAX_ZIP_BYTES} bytes): leave out what the app does not load"
            ),
        );
    }
}

fn logos(package: &Package, report: &mut Report) {
    for (path, side) in LOGOS {
        let Some(bytes) = package.get(path) else {
            report.ours(
                "logo_missing",
                Some(path),
                format!(
                    "add a {side}×{side} PNG: Zendesk lists it among an app's files and shows a generic icon without it"
                ),
            );
            continue;
        };
        let info = match png::read(bytes) {
            Ok(info) => info,
            Err(e) => {
                report.ours("logo_invalid", Some(path), format!("{e}: save it as a PNG"));
                continue;
            }
        };
        if (info.width, info.height) != (side, side) {
            report.ours(
                "logo_size",
                Some(path),
                format!(
                    "must be {side}×{side} pixels, is {}×{}",
                    info.width, info.height
                ),
            );
        }
        if side == 128 && !info.has_alpha() {
            report.ours(
                "logo_small_opaque",
                Some(path),
                format!(
                    "needs a transparent background (an alpha channel or a tRNS chunk), has colour type {} without tRNS: Zendesk draws it on its own bars",
                    info.colour_type
                ),
            );
        }
    }
}

fn screenshots(package: &Package, report: &mut Report) {
    for (path, bytes) in package.files() {
        if !path.starts_with("assets/screenshot-") {
            continue;
        }
        if !path.ends_with(".png") {
            report.ours(
                "screenshot_invalid",
                Some(path),
                "screenshots must be PNG files named screenshot-<n>.png",
            );
        } else if let Err(e) = png::read(bytes) {
            report.ours("screenshot_invalid", Some(path), e);
        }
    }
}

/// A translated string: a non-empty string or `{"value": "…", "title": …}`.
fn translated(value: &Json) -> bool {
    match value {
        Json::Str(s) => !s.trim().is_empty(),
        Json::Obj(o) => o
            .get("value")
            .and_then(Json::as_str)
            .is_some_and(|v| !v.trim().is_empty()),
        _ => false,
    }
}

fn translations(package: &Package, manifest: Option<&Manifest>, report: &mut Report) {
    let files: Vec<(&str, &[u8])> = package
        .files()
        .filter(|(path, _)| crate::package::translation_locale(path).is_some())
        .collect();
    for (path, _) in &files {
        let Some(locale) = crate::package::translation_locale(path) else {
            continue;
        };
        if ruby::valid_locale(locale)
            && locale.bytes().any(|b| b.is_ascii_uppercase())
            && !MIXED_CASE_LOCALES.contains(&locale)
        {
            let lower = locale.to_ascii_lowercase();
            report.ours(
                "locale_file_name",
                Some(path),
                format!(
                    "Zendesk names this locale `{lower}`, so a `{locale}` file is never picked for its admins: rename it to translations/{lower}.json"
                ),
            );
        }
    }

    // One file read at a time; the default locale's is kept for the labels below.
    let default_path = manifest.map(|m| {
        let locale = m
            .get("defaultLocale")
            .and_then(Json::as_str)
            .unwrap_or("en");
        format!("translations/{locale}.json")
    });
    let mut default = None;
    for (path, bytes) in files {
        let Ok(json) = json::parse(bytes, Duplicates::LastWins) else {
            continue;
        };
        translated_strings(path, &json, report);
        if default_path.as_deref() == Some(path) {
            default = Some(json);
        }
    }

    // Every setting an admin sees has a label in the default locale (the others fall back to it).
    let (Some(manifest), Some(default_path)) = (manifest, default_path) else {
        return;
    };
    let Ok(parameters) = manifest.parameters() else {
        return;
    };
    let Some(default) = default else {
        return;
    };
    // The default locale's settings by name, the first of a name as `Obj::get` finds it.
    let mut entries: HashMap<&str, &Json> = HashMap::new();
    if let Some(Json::Obj(translated)) = default.get("app").and_then(|a| a.get("parameters")) {
        for (name, entry) in translated.iter() {
            entries.entry(name).or_insert(entry);
        }
    }
    let mut seen: HashSet<&str> = HashSet::new();
    for p in &parameters {
        let Some(name) = p.name.as_str() else {
            continue;
        };
        if p.kind_is("hidden") || !seen.insert(name) {
            continue;
        }
        let label = entries.get(name).and_then(|e| e.get("label"));
        if !label.is_some_and(translated) {
            report.ours(
                "parameter_label_missing",
                Some(&default_path),
                format!(
                    "setting `{name}` has no label: add app.parameters.{name}.label, or admins see its raw name"
                ),
            );
        }
    }
}

/// The app strings, labels and help texts of one translation file are translated strings.
fn translated_strings(path: &str, json: &Json, report: &mut Report) {
    let Some(app) = json.get("app").and_then(Json::as_obj) else {
        return;
    };
    for key in APP_STRINGS {
        if let Some(value) = app.get(key)
            && !translated(value)
        {
            report.ours(
                "translation_string_invalid",
                Some(path),
                format!(
                    "`app.{key}` must be a non-empty string (or {{\"value\": …, \"title\": …}})"
                ),
            );
        }
    }
    if let Some(parameters) = app.get("parameters").and_then(Json::as_obj) {
        for (name, entry) in parameters.iter() {
            for field in ["label", "helpText"] {
                if let Some(value) = entry.get(field)
                    && !translated(value)
                {
                    report.ours(
                        "translation_string_invalid",
                        Some(path),
                        format!(
                            "`app.parameters.{name}.{field}` must be a non-empty string (or {{\"value\": …, \"title\": …}})"
                        ),
                    );
                }
            }
        }
    }
}

fn channel_integration(package: &Package, report: &mut Report) {
    let Some(requirements) = package
        .get("requirements.json")
        .and_then(|b| json::parse(b, Duplicates::LastWins).ok())
    else {
        return;
    };
    let Some(integrations) = requirements
        .get("channel_integrations")
        .and_then(Json::as_obj)
    else {
        return;
    };
    for (key, integration) in integrations.iter() {
        let Some(url) = integration.get("manifest_url") else {
            continue; // Zendesk's missing_required_fields says so.
        };
        let https = url.as_str().and_then(uri::parse).is_some_and(|u| {
            u.scheme.as_deref() == Some("https") && u.host.as_deref().is_some_and(|h| !h.is_empty())
        });
        if !https {
            report.ours(
                "channel_integration_manifest_url",
                Some("requirements.json"),
                format!(
                    "channel_integrations.{key}.manifest_url is {}: Zendesk accepts the upload but refuses to install the integration unless it is an absolute https URL",
                    url.to_compact()
                ),
            );
        }
    }
}
