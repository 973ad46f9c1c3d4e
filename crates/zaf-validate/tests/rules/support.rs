//! What the cases of every family are made of: the fixture of Zendesk's basic app scaffold, edits
//! of its files, and the `Case` row (the key, a package that breaks the rule, a close sibling
//! that keeps it).

use std::path::Path;

use zaf_validate::{Package, Report};

pub fn scaffold() -> Package {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic-scaffold");
    Package::from_dir(&dir).expect("the scaffold fixture loads")
}

pub fn text(p: &Package, path: &str) -> String {
    String::from_utf8(p.get(path).expect("file present").to_vec()).expect("utf-8")
}

/// Replaces `from` (which must occur) by `to` in a file of the package.
#[track_caller]
pub fn replace(p: &mut Package, path: &str, from: &str, to: &str) {
    let old = text(p, path);
    assert!(old.contains(from), "{path} has no {from:?}");
    p.insert(path, old.replacen(from, to, 1).into_bytes());
}

#[track_caller]
pub fn m(p: &mut Package, from: &str, to: &str) {
    replace(p, "manifest.json", from, to);
}

/// Adds top-level keys to the manifest (`fragment` is `"key": value, …`).
pub fn extra(p: &mut Package, fragment: &str) {
    m(
        p,
        "\"frameworkVersion\": \"2.0\"",
        &format!("\"frameworkVersion\": \"2.0\", {fragment}"),
    );
}

pub fn params(p: &mut Package, list: &str) {
    extra(p, &format!("\"parameters\": {list}"));
}

pub fn put(p: &mut Package, path: &str, body: &str) {
    p.insert(path, body.as_bytes().to_vec());
}

pub fn req(p: &mut Package, body: &str) {
    put(p, "requirements.json", body);
}

/// Writes the English translations.
pub fn en(p: &mut Package, body: &str) {
    put(p, "translations/en.json", body);
}

/// A requirements-only app (no location, no framework version).
pub fn requirements_only(p: &mut Package) {
    m(
        p,
        r#""location": {
    "support": {
      "ticket_sidebar": {
        "url": "assets/iframe.html",
        "flexible": true
      }
    }
  },"#,
        r#""requirementsOnly": true,"#,
    );
    m(p, ",\n  \"frameworkVersion\": \"2.0\"", "");
    req(
        p,
        r#"{"targets": {"t": {"title": "T", "type": "email_target"}}}"#,
    );
}

/// A marketing-only app (public, no location, no framework version).
pub fn marketing_only(p: &mut Package) {
    requirements_only(p);
    p.remove("requirements.json");
    m(p, "\"requirementsOnly\": true", "\"marketingOnly\": true");
    m(p, "\"private\": true", "\"private\": false");
}

pub type Edit = fn(&mut Package);

pub struct Case {
    pub key: &'static str,
    pub invalid: Edit,
    pub valid: Edit,
}

pub const fn case(key: &'static str, invalid: Edit, valid: Edit) -> Case {
    Case {
        key,
        invalid,
        valid,
    }
}

pub fn unchanged(_: &mut Package) {}

pub fn keys(report: &Report) -> Vec<String> {
    report.findings.iter().map(|f| f.to_string()).collect()
}
