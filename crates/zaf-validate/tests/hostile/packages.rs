//! Packages made to be slow: Zendesk's basic scaffold with one hostile file, its size given.
//! Each ends with a sting in the tail (a finding that only the last piece of the input makes),
//! so a verdict proves the scan ran to the end. Shared by the tests (`tests/hostile.rs`) and
//! by `cargo run -p zaf-validate --example hostile`, which writes them as zips.

use std::fmt::Write as _;
use std::path::Path;

use zaf_validate::Package;

pub fn scaffold() -> Package {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic-scaffold");
    Package::from_dir(&dir).expect("the scaffold fixture loads")
}

/// The scaffold with the file at `path` (added or replaced) holding `text`.
fn with(path: &str, text: String) -> Package {
    let mut package = scaffold();
    package.insert(path, text.into_bytes());
    package
}

/// One JS line of `token: 'abc', ` about `bytes` long, then a line with a real-looking token:
/// every assignment on the long line has too short a value, so a scan that looks to the end of
/// the line for each one reads the line once per assignment; the token on the next line is
/// Zendesk's `application_secret`.
pub fn secret_line(bytes: usize) -> Package {
    with("assets/main.js", secret_line_text(bytes))
}

pub const SECRET_PIECE: &str = "token: 'abc', ";
pub const SECRET_TAIL: &str = "};\nvar key = {token: 'abcdefgh1234'};\n";

pub fn secret_line_text(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 64);
    text.push_str("var settings = {");
    while text.len() + SECRET_PIECE.len() < bytes {
        text.push_str(SECRET_PIECE);
    }
    text.push_str(SECRET_TAIL);
    text
}

/// `translations/en.json` with `keys` keys besides `app`, one a line, and then `app` again:
/// the last `app` wins (Ruby's `Hash`), and its setting has no label (Zendesk's
/// `translation.missing_required_key_on_leaf`).
pub fn translation_keys(keys: usize) -> Package {
    let mut text = String::from(
        "{\n  \"app\": {\"name\": \"Basic Scaffold\", \"parameters\": {\"setting\": {\"label\": \"A setting\"}}},\n",
    );
    for i in 0..keys {
        let _ = writeln!(text, "  \"key_{i}\": \"Text\",");
    }
    text.push_str(
        "  \"app\": {\"name\": \"Basic Scaffold\", \"parameters\": {\"setting\": {}}}\n}\n",
    );
    with("translations/en.json", text)
}

/// `translations/en.json` with `count` settings' labels in one object (`app.parameters`); the
/// last setting has none (Zendesk's `translation.missing_required_key_on_leaf`).
pub fn translation_labels(count: usize) -> Package {
    let mut text = String::from(r#"{"app": {"name": "Basic Scaffold", "parameters": {"#);
    for i in 0..count {
        let entry = if i + 1 == count {
            "{}"
        } else {
            r#"{"label": "L"}"#
        };
        let comma = if i == 0 { "" } else { ",\n" };
        let _ = write!(text, r#"{comma}"s{i}": {entry}"#);
    }
    text.push_str("}}}\n");
    with("translations/en.json", text)
}

/// A JS file with `count` distinct `http:` URLs, one a line (Zendesk's `insecure_http_request`
/// lists each once).
pub fn distinct_urls(count: usize) -> Package {
    let mut text = String::new();
    for i in 0..count {
        let _ = writeln!(text, "fetch(\"http://host-{i}.example/path\");");
    }
    with("assets/main.js", text)
}

/// A manifest with `count` settings, each labelled in `en.json`; the last two share a name
/// (Zendesk's `duplicate_parameters`).
pub fn parameters(count: usize) -> Package {
    let mut package = scaffold();
    let name = |i: usize| format!("setting_{}", i.min(count.saturating_sub(2)));
    let mut list = String::from("[");
    let mut labels = String::new();
    for i in 0..count {
        let comma = if i == 0 { "" } else { ",\n" };
        let _ = write!(list, r#"{comma}{{"name": "{}"}}"#, name(i));
        let _ = write!(labels, r#"{comma}"{}": {{"label": "A setting"}}"#, name(i));
    }
    list.push(']');
    let manifest = text(&package, "manifest.json").replacen(
        "\"frameworkVersion\": \"2.0\"",
        &format!("\"frameworkVersion\": \"2.0\",\n  \"parameters\": {list}"),
        1,
    );
    package.insert("manifest.json", manifest.into_bytes());
    let en = format!(r#"{{"app": {{"name": "Basic Scaffold", "parameters": {{{labels}}}}}}}"#);
    package.insert("translations/en.json", en.into_bytes());
    package
}

/// A manifest whose `location.support` names `count` locations Zendesk does not know, besides
/// the ticket sidebar (Zendesk's `invalid_location`).
pub fn locations(count: usize) -> Package {
    let mut package = scaffold();
    let mut extra = String::new();
    for i in 0..count {
        let _ = write!(extra, ",\n      \"place_{i}\": \"assets/iframe.html\"");
    }
    let manifest = text(&package, "manifest.json").replacen(
        "\"flexible\": true\n      }",
        &format!("\"flexible\": true\n      }}{extra}"),
        1,
    );
    package.insert("manifest.json", manifest.into_bytes());
    package
}

/// Secret-like prefixes repeated without a break (`AKIA…`, `xoxb-…`), for the scans that
/// measure the run after each prefix. The run is a real-looking key, so Zendesk's
/// `application_secret` warns.
pub fn secret_prefixes(bytes: usize) -> Package {
    let half = bytes / 2;
    let mut text = String::from("var a = '");
    text.push_str(&"AKIA".repeat(half / 4));
    text.push_str("';\nvar b = '");
    text.push_str(&"xoxb-".repeat(half / 5));
    text.push_str("';\n");
    with("assets/keys.js", text)
}

/// An SVG of `count` start tags with attributes, one of them a `<script>` at the end (the
/// `sanitised_svg` warning).
pub fn svg_tags(count: usize) -> Package {
    let mut text = String::from(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 18 18">"#);
    for i in 0..count {
        let _ = write!(text, r#"<rect x="{i}" y="0" width="1" height="1"/>"#);
    }
    text.push_str("<script>alert(1)</script></svg>\n");
    with("assets/logo.svg", text)
}

fn text(package: &Package, path: &str) -> String {
    String::from_utf8(package.get(path).expect("file present").to_vec()).expect("utf-8")
}
