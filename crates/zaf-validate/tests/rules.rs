//! One row per rule: a package that breaks it (the finding must carry the rule's key, with the
//! rule's severity) and a close sibling that keeps it (no finding with that key, and Zendesk
//! accepts it). Every package starts as the fixture of Zendesk's basic app scaffold.

use std::collections::BTreeSet;
use std::path::Path;

use zaf_validate::rules::{self, RULES};
use zaf_validate::{Options, Origin, Package, Report, Severity, png, validate};

fn scaffold() -> Package {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic-scaffold");
    Package::from_dir(&dir).expect("the scaffold fixture loads")
}

fn text(p: &Package, path: &str) -> String {
    String::from_utf8(p.get(path).expect("file present").to_vec()).expect("utf-8")
}

/// Replaces `from` (which must occur) by `to` in a file of the package.
#[track_caller]
fn replace(p: &mut Package, path: &str, from: &str, to: &str) {
    let old = text(p, path);
    assert!(old.contains(from), "{path} has no {from:?}");
    p.insert(path, old.replacen(from, to, 1).into_bytes());
}

#[track_caller]
fn m(p: &mut Package, from: &str, to: &str) {
    replace(p, "manifest.json", from, to);
}

/// Adds top-level keys to the manifest (`fragment` is `"key": value, …`).
fn extra(p: &mut Package, fragment: &str) {
    m(
        p,
        "\"frameworkVersion\": \"2.0\"",
        &format!("\"frameworkVersion\": \"2.0\", {fragment}"),
    );
}

fn params(p: &mut Package, list: &str) {
    extra(p, &format!("\"parameters\": {list}"));
}

fn put(p: &mut Package, path: &str, body: &str) {
    p.insert(path, body.as_bytes().to_vec());
}

fn req(p: &mut Package, body: &str) {
    put(p, "requirements.json", body);
}

const OAUTH: &str = r#""oauth": {"client_id": "a", "client_secret": "b", "authorize_uri": "https://x.example/a", "access_token_uri": "https://x.example/t"}"#;

/// A requirements-only app (no location, no framework version).
fn requirements_only(p: &mut Package) {
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
fn marketing_only(p: &mut Package) {
    requirements_only(p);
    p.remove("requirements.json");
    m(p, "\"requirementsOnly\": true", "\"marketingOnly\": true");
    m(p, "\"private\": true", "\"private\": false");
}

fn random(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn svg(body: &str) -> String {
    format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 18 18">{body}</svg>"#)
}

type Edit = fn(&mut Package);

struct Case {
    key: &'static str,
    invalid: Edit,
    valid: Edit,
}

const fn case(key: &'static str, invalid: Edit, valid: Edit) -> Case {
    Case {
        key,
        invalid,
        valid,
    }
}

fn unchanged(_: &mut Package) {}

const CASES: &[Case] = &[
    // manifest.json
    case(
        "missing_manifest",
        |p| drop(p.remove("manifest.json")),
        unchanged,
    ),
    case(
        "nested_manifest",
        |p| {
            let files: Vec<(String, Vec<u8>)> = p
                .files()
                .map(|(k, v)| (k.to_string(), v.to_vec()))
                .collect();
            *p = Package::new();
            for (path, bytes) in files {
                p.insert(format!("my-app/{path}"), bytes);
            }
        },
        unchanged,
    ),
    case(
        "manifest_not_json",
        |p| put(p, "manifest.json", "{\"name\": "),
        // Ruby's JSON reads comments as whitespace.
        |p| m(p, "{", "/* made by zcli */ {"),
    ),
    case(
        "duplicate_manifest_keys",
        |p| {
            m(
                p,
                "\"private\": true",
                "\"private\": true, \"private\": true",
            )
        },
        // The same key in two objects is fine.
        |p| {
            m(
                p,
                "\"flexible\": true",
                "\"flexible\": true, \"name\": \"x\"",
            )
        },
    ),
    case(
        "duplicate_manifest_keys",
        |p| {
            m(
                p,
                "\"author\": {",
                "\"author\": {\n    \"email\": \"a@example.com\",",
            )
        },
        unchanged,
    ),
    case(
        "manifest_keys.missing",
        |p| m(p, "\"defaultLocale\": \"en\",", ""),
        // `name` is not required by Zendesk (the translations' app.name is).
        |p| m(p, "\"name\": \"Basic Scaffold\",", ""),
    ),
    case(
        "manifest_keys.missing",
        |p| m(p, ",\n  \"frameworkVersion\": \"2.0\"", ""),
        unchanged,
    ),
    case(
        "unacceptable_boolean",
        |p| m(p, "\"private\": true", "\"private\": \"yes\""),
        |p| m(p, "\"private\": true", "\"private\": false"),
    ),
    case(
        "unacceptable_boolean",
        |p| params(p, r#"[{"name": "a", "required": "false"}]"#),
        |p| params(p, r#"[{"name": "a", "required": false}]"#),
    ),
    case(
        "unacceptable_string",
        |p| m(p, "\"version\": \"1.0.0\"", "\"version\": 1"),
        |p| m(p, "\"version\": \"1.0.0\",", ""),
    ),
    case(
        "unacceptable_string",
        |p| m(p, "\"email\": \"developer@example.com\"", "\"email\": 7"),
        unchanged,
    ),
    case(
        "invalid_no_template",
        |p| extra(p, r#""noTemplate": "yes""#),
        |p| extra(p, r#""noTemplate": false"#),
    ),
    case(
        "unacceptable_hash",
        |p| extra(p, r#""experiments": []"#),
        |p| extra(p, r#""experiments": {}"#),
    ),
    case(
        "unacceptable_array_of_strings",
        |p| extra(p, r#""domainWhitelist": [1]"#),
        |p| extra(p, r#""domainWhitelist": ["example.com"]"#),
    ),
    case(
        "unacceptable_array",
        |p| params(p, "{}"),
        |p| params(p, "[]"),
    ),
    case(
        "oauth_keys.missing",
        |p| {
            extra(
                p,
                r#""oauth": {"client_id": "a", "client_secret": ""}, "parameters": [{"name": "t", "type": "oauth"}]"#,
            )
        },
        |p| {
            extra(
                p,
                &format!(r#"{OAUTH}, "parameters": [{{"name": "t", "type": "oauth"}}]"#),
            )
        },
    ),
    case(
        "oauth_parameter_required",
        |p| extra(p, OAUTH),
        |p| {
            extra(
                p,
                &format!(r#"{OAUTH}, "parameters": [{{"name": "t", "type": "oauth"}}]"#),
            )
        },
    ),
    case(
        "invalid_default_locale",
        |p| m(p, "\"defaultLocale\": \"en\"", "\"defaultLocale\": \"EN\""),
        unchanged,
    ),
    case(
        "missing_translation_file",
        |p| m(p, "\"defaultLocale\": \"en\"", "\"defaultLocale\": \"fr\""),
        |p| {
            m(p, "\"defaultLocale\": \"en\"", "\"defaultLocale\": \"fr\"");
            put(
                p,
                "translations/fr.json",
                r#"{"app": {"name": "Échafaudage"}}"#,
            );
        },
    ),
    case(
        "invalid_url",
        |p| m(p, "\"https://example.com\"", "\"example.com\""),
        // zcli leaves the URL out when none is given.
        |p| {
            m(p, "\"developer@example.com\",", "\"developer@example.com\"");
            m(p, "\n    \"url\": \"https://example.com\"", "");
        },
    ),
    case(
        "invalid_url",
        |p| extra(p, r#""termsConditionsURL": "ftp://example.com/terms""#),
        |p| extra(p, r#""termsConditionsURL": "https://example.com/terms""#),
    ),
    case(
        "parameters_not_an_array",
        |p| params(p, "\"state_path\""),
        |p| params(p, "[]"),
    ),
    case(
        "duplicate_parameters",
        |p| params(p, r#"[{"name": "a"}, {"name": "a", "type": "url"}]"#),
        |p| params(p, r#"[{"name": "a"}, {"name": "b", "type": "url"}]"#),
    ),
    case(
        "invalid_hidden_parameter",
        |p| params(p, r#"[{"name": "a", "type": "hidden", "required": true}]"#),
        |p| params(p, r#"[{"name": "a", "type": "hidden"}]"#),
    ),
    case(
        "invalid_type_parameter",
        |p| params(p, r#"[{"name": "a", "type": "password"}]"#),
        |p| params(p, r#"[{"name": "a", "type": "multiline"}]"#),
    ),
    case(
        // mtls only where Zendesk enables it; its validator does not by default.
        "invalid_type_parameter",
        |p| params(p, r#"[{"name": "a", "type": "mtls"}]"#),
        |p| params(p, r#"[{"name": "a", "type": "checkbox"}]"#),
    ),
    case(
        "too_many_oauth_parameters",
        |p| {
            extra(
                p,
                &format!(
                    r#"{OAUTH}, "parameters": [{{"name": "t", "type": "oauth"}}, {{"name": "u", "type": "oauth"}}]"#
                ),
            )
        },
        |p| {
            extra(
                p,
                &format!(r#"{OAUTH}, "parameters": [{{"name": "t", "type": "oauth"}}]"#),
            )
        },
    ),
    case(
        "oauth_parameter_cannot_be_secure",
        |p| {
            extra(
                p,
                &format!(
                    r#"{OAUTH}, "parameters": [{{"name": "t", "type": "oauth", "secure": true}}]"#
                ),
            )
        },
        |p| {
            extra(
                p,
                &format!(r#"{OAUTH}, "parameters": [{{"name": "t", "type": "oauth"}}]"#),
            )
        },
    ),
    case(
        "name_as_parameter_name",
        |p| params(p, r#"[{"name": "name"}]"#),
        |p| params(p, r#"[{"name": "names"}]"#),
    ),
    case(
        "field_requires_secure_parameter",
        |p| params(p, r#"[{"name": "a", "scopes": ["header"]}]"#),
        |p| {
            params(
                p,
                r#"[{"name": "a", "secure": true, "scopes": ["header"]}]"#,
            )
        },
    ),
    case(
        "field_cannot_be_empty",
        |p| params(p, r#"[{"name": "a", "secure": true, "scopes": []}]"#),
        |p| params(p, r#"[{"name": "a", "secure": true, "scopes": ["body"]}]"#),
    ),
    case(
        "field_contains_invalid_values",
        |p| {
            params(
                p,
                r#"[{"name": "a", "secure": true, "scopes": ["header", "everywhere"]}]"#,
            )
        },
        |p| {
            params(
                p,
                r#"[{"name": "a", "secure": true, "scopes": ["header", "url"]}]"#,
            )
        },
    ),
    case(
        "unacceptable_array",
        |p| params(p, r#"[{"name": "a", "secure": true, "scopes": "header"}]"#),
        |p| {
            params(
                p,
                r#"[{"name": "a", "secure": true, "scopes": ["header"]}]"#,
            )
        },
    ),
    case(
        "no_parameters_required",
        |p| {
            marketing_only(p);
            extra_root(p, r#""parameters": [{"name": "a"}]"#);
        },
        marketing_only,
    ),
    case(
        "marketing_only_app_cant_be_private",
        |p| {
            marketing_only(p);
            m(p, "\"private\": false", "\"private\": true");
        },
        marketing_only,
    ),
    case(
        "no_location_required",
        |p| {
            requirements_only(p);
            extra_root(
                p,
                r#""location": {"support": {"nav_bar": "assets/iframe.html"}}"#,
            );
        },
        requirements_only,
    ),
    case(
        "no_framework_version_required",
        |p| {
            requirements_only(p);
            extra_root(p, r#""frameworkVersion": "2.0""#);
        },
        requirements_only,
    ),
    case(
        "invalid_location_uri",
        |p| m(p, "\"assets/iframe.html\"", "\"http://example.com/app\""),
        |p| m(p, "\"assets/iframe.html\"", "\"https://example.com/app\""),
    ),
    case(
        "invalid_location_uri",
        |p| m(p, "\"assets/iframe.html\"", "\"assets/missing.html\""),
        |p| m(p, "\"assets/iframe.html\"", "\"http://localhost:4567/app\""),
    ),
    case(
        "invalid_location_uri",
        |p| m(p, "\"assets/iframe.html\"", "\"iframe.html\""),
        |p| {
            m(
                p,
                "\"assets/iframe.html\"",
                "\"assets/iframe.html?mode=compact\"",
            )
        },
    ),
    case(
        "blank_location_uri",
        |p| m(p, "\"url\": \"assets/iframe.html\",", ""),
        |p| {
            m(
                p,
                "\"url\": \"assets/iframe.html\",",
                "\"autoLoad\": false,",
            )
        },
    ),
    case(
        "invalid_location_flexible_type",
        |p| m(p, "\"flexible\": true", "\"flexible\": \"yes\""),
        |p| m(p, "\"flexible\": true", "\"flexible\": false"),
    ),
    case(
        "invalid_location",
        |p| m(p, "\"ticket_sidebar\"", "\"ticket_side_bar\""),
        |p| m(p, "\"ticket_sidebar\"", "\"new_ticket_sidebar\""),
    ),
    case(
        "invalid_location",
        |p| m(p, "\"ticket_sidebar\"", "\"custom_object_record_sidebar\""),
        |p| m(p, "\"ticket_sidebar\"", "\"user_sidebar\""),
    ),
    case(
        "invalid_host",
        |p| {
            m(
                p,
                "\"support\": {",
                "\"desk\": {\"nav_bar\": \"assets/iframe.html\"}, \"support\": {",
            )
        },
        // The legacy product name still works.
        |p| m(p, "\"support\": {", "\"zendesk\": {"),
    ),
    case(
        "invalid_v1_location",
        |p| {
            m(
                p,
                "\"frameworkVersion\": \"2.0\"",
                "\"frameworkVersion\": \"1.0\"",
            );
            m(p, "\"ticket_sidebar\"", "\"ticket_editor\"");
        },
        |p| m(p, "\"ticket_sidebar\"", "\"ticket_editor\""),
    ),
    case(
        "locations_must_be_urls",
        |p| {
            m(
                p,
                r#"{
    "support": {
      "ticket_sidebar": {
        "url": "assets/iframe.html",
        "flexible": true
      }
    }
  }"#,
                r#"["ticket_sidebar"]"#,
            )
        },
        unchanged,
    ),
    case(
        "locations_cant_be_urls",
        |p| {
            m(
                p,
                "\"frameworkVersion\": \"2.0\"",
                "\"frameworkVersion\": \"1.0\"",
            )
        },
        unchanged,
    ),
    case(
        "invalid_version",
        |p| {
            m(
                p,
                "\"frameworkVersion\": \"2.0\"",
                "\"frameworkVersion\": \"2.1\"",
            )
        },
        unchanged,
    ),
    case(
        "invalid_version",
        |p| {
            m(
                p,
                "\"frameworkVersion\": \"2.0\"",
                "\"frameworkVersion\": 2.0",
            )
        },
        unchanged,
    ),
    case(
        "no_template_deprecated_in_v2",
        |p| extra(p, r#""noTemplate": true"#),
        |p| extra(p, r#""noTemplate": []"#),
    ),
    case(
        "symlink_in_zip",
        |p| p.add_symlink("assets/logo-copy.png"),
        unchanged,
    ),
    case(
        "invalid_experiment",
        |p| extra(p, r#""experiments": {"fastMode": true}"#),
        |p| {
            extra(
                p,
                r#""experiments": {"fastMode": false, "hashParams": true}"#,
            )
        },
    ),
    case(
        "no_source_required_apps",
        |p| {
            requirements_only(p);
            put(p, "assets/app.js", "console.log(1)");
        },
        requirements_only,
    ),
    // translations/
    case(
        "translation.invalid_locale",
        |p| put(p, "translations/english.json", r#"{"app": {"name": "x"}}"#),
        |p| put(p, "translations/pt-br.json", r#"{"app": {"name": "x"}}"#),
    ),
    case(
        "translation.not_json",
        |p| put(p, "translations/de.json", "{\"app\":"),
        |p| put(p, "translations/de.json", "{\"app\": {}}"),
    ),
    case(
        "translation.not_json_object",
        |p| put(p, "translations/de.json", "[]"),
        |p| put(p, "translations/de.json", "{}"),
    ),
    case(
        "translation.invalid_format",
        |p| {
            put(
                p,
                "translations/de.json",
                r#"{"app": {"package": "x", "name": "Gerüst"}}"#,
            )
        },
        |p| {
            put(
                p,
                "translations/de.json",
                r#"{"app": {"package": "x", "name": {"title": "App name", "value": "Gerüst"}}}"#,
            )
        },
    ),
    case(
        "translation.missing_required_key_on_leaf",
        |p| {
            replace(
                p,
                "translations/en.json",
                "\"app\": {",
                r#""app": {"parameters": {"a": {"helpText": "h"}},"#,
            )
        },
        |p| {
            replace(
                p,
                "translations/en.json",
                "\"app\": {",
                r#""app": {"parameters": {"a": {"label": null}},"#,
            )
        },
    ),
    case(
        "translation.missing_required_key",
        |p| {
            replace(
                p,
                "translations/en.json",
                "\"name\": \"Basic Scaffold\",",
                "",
            )
        },
        // A private app needs only the name.
        |p| put(p, "translations/en.json", r#"{"app": {"name": "x"}}"#),
    ),
    case(
        "translation.missing_required_key",
        |p| {
            m(p, "\"private\": true", "\"private\": false");
            put(
                p,
                "translations/en.json",
                r#"{"app": {"name": "x", "description": "d"}}"#,
            );
        },
        |p| {
            m(p, "\"private\": true", "\"private\": false");
            put(
                p,
                "translations/en.json",
                r#"{"app": {"name": "x", "description": "d", "long_description": "l", "installation_instructions": "i"}}"#,
            );
        },
    ),
    case(
        "translation.missing_required_key_for_product",
        |p| {
            put(
                p,
                "translations/en.json",
                r#"{"app": {"support": {"description": "x"}}}"#,
            )
        },
        |p| {
            put(
                p,
                "translations/en.json",
                r#"{"app": {"support": {"name": "x"}}}"#,
            )
        },
    ),
    case(
        "translation.products_do_not_match_manifest_products",
        |p| {
            put(
                p,
                "translations/en.json",
                r#"{"app": {"chat": {"name": "x"}}}"#,
            )
        },
        |p| {
            put(
                p,
                "translations/en.json",
                r#"{"app": {"support": {"name": "x"}}}"#,
            )
        },
    ),
    // requirements.json
    case(
        "missing_requirements",
        |p| {
            requirements_only(p);
            p.remove("requirements.json");
        },
        requirements_only,
    ),
    case(
        "requirements_not_supported",
        |p| {
            marketing_only(p);
            req(p, "{}");
        },
        marketing_only,
    ),
    case(
        "requirements_not_json",
        |p| req(p, "{\"targets\": "),
        |p| req(p, "{}"),
    ),
    case(
        "duplicate_requirements",
        |p| req(p, r#"{"views": {}, "views": {}}"#),
        |p| req(p, r#"{"views": {}, "macros": {}}"#),
    ),
    case(
        "invalid_requirements_types",
        |p| req(p, r#"{"widgets": {}}"#),
        |p| req(p, r#"{"ticket_fields": {}}"#),
    ),
    case(
        "invalid_requirements_types",
        |p| {
            req(
                p,
                r#"{"targets": {"t": {"title": "T", "type": "http_target"}}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"targets": {"t": {"title": "T", "type": "email_target"}}}"#,
            )
        },
    ),
    case(
        "excessive_requirements",
        |p| req(p, &views(5001)),
        |p| req(p, &views(5000)),
    ),
    case(
        "excessive_custom_objects_requirements",
        |p| req(p, &custom_objects(51)),
        |p| req(p, &custom_objects(50)),
    ),
    case(
        "multiple_channel_integrations",
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "https://a.example/m.json"}, "b": {"manifest_url": "https://b.example/m.json"}}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "https://a.example/m.json"}}}"#,
            )
        },
    ),
    case(
        "missing_required_fields",
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"url": "https://a.example/m.json"}}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "https://a.example/m.json"}}}"#,
            )
        },
    ),
    case(
        "missing_required_fields",
        |p| req(p, r#"{"views": {"v": {"name": "V"}}}"#),
        |p| req(p, r#"{"views": {"v": {"title": "V"}}}"#),
    ),
    case(
        "missing_required_fields",
        |p| req(p, r#"{"user_fields": {"f": {"title": "F"}}}"#),
        |p| req(p, r#"{"user_fields": {"f": {"title": "F", "key": "f"}}}"#),
    ),
    case(
        "missing_required_fields",
        |p| {
            req(
                p,
                r#"{"webhooks": {"w": {"name": "W", "status": "active"}}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"webhooks": {"w": {"name": "W", "status": "active", "endpoint": "https://w.example", "http_method": "POST", "request_format": "json"}}}"#,
            )
        },
    ),
    case(
        "invalid_cov2_requirements_structure_v2",
        |p| req(p, r#"{"custom_objects_v2": []}"#),
        |p| req(p, r#"{"custom_objects_v2": {"objects": [{"key": "k"}]}}"#),
    ),
    case(
        "empty_cov2_requirements",
        |p| {
            req(
                p,
                r#"{"custom_objects_v2": {"objects": [], "object_fields": [], "object_triggers": []}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"custom_objects_v2": {"objects": [{"key": "k"}], "object_fields": [], "object_triggers": []}}"#,
            )
        },
    ),
    case(
        "invalid_objects_structure_in_cov2_requirements_v2",
        |p| req(p, r#"{"custom_objects_v2": {"objects": {"key": "k"}}}"#),
        |p| req(p, r#"{"custom_objects_v2": {"objects": [{"key": "k"}]}}"#),
    ),
    case(
        "invalid_object_fields_structure_in_cov2_requirements_v2",
        |p| {
            req(
                p,
                r#"{"custom_objects_v2": {"objects": [{"key": "k"}], "object_fields": "f"}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"custom_objects_v2": {"objects": [{"key": "k"}], "object_fields": []}}"#,
            )
        },
    ),
    case(
        "invalid_object_triggers_structure_in_cov2_requirements_v2",
        |p| {
            req(
                p,
                r#"{"custom_objects_v2": {"objects": [{"key": "k"}], "object_triggers": 1}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"custom_objects_v2": {"objects": [{"key": "k"}], "object_triggers": []}}"#,
            )
        },
    ),
    case(
        "excessive_cov2_payload_size",
        |p| {
            let big = "x".repeat(1_048_577);
            req(
                p,
                &format!(r#"{{"custom_objects_v2": {{"objects": [{{"key": "{big}"}}]}}}}"#),
            );
        },
        |p| req(p, r#"{"custom_objects_v2": {"objects": [{"key": "k"}]}}"#),
    ),
    // files
    case(
        "banner.invalid_format",
        |p| put(p, "assets/banner.png", "GIF89a"),
        |p| p.insert("assets/banner.png", png::minimal(830, 200, 2, false)),
    ),
    case(
        "banner.invalid_size",
        |p| p.insert("assets/banner.png", png::minimal(800, 200, 2, false)),
        |p| p.insert("assets/banner.png", png::minimal(1660, 400, 2, false)),
    ),
    case(
        "unsupported_mime_type_detected",
        |p| put(p, "assets/guide.pdf", "not really a pdf"),
        // .wasm, and even .tar, are not on Zendesk's list.
        |p| {
            put(p, "assets/app.wasm", "\0asm\x01\0\0\0");
            put(p, "assets/data.tar", "data");
        },
    ),
    case(
        "unsupported_mime_type_detected",
        |p| put(p, "assets/data.txt", "PK\x03\x04 zip content"),
        |p| put(p, "assets/data.txt", "plain text"),
    ),
    case(
        "unsupported_mime_type_detected",
        |p| put(p, "assets/sound.bin.txt", "ID3 tag of an mp3"),
        unchanged,
    ),
    case(
        "validator_exception",
        |p| params(p, "[5]"),
        |p| params(p, r#"[{"name": "five"}]"#),
    ),
    case(
        "validator_exception",
        |p| m(p, "\"defaultLocale\": \"en\"", "\"defaultLocale\": 5"),
        unchanged,
    ),
    case(
        "validator_exception",
        |p| req(p, r#"{"channel_integrations": {"a": null}}"#),
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "https://a.example/m"}}}"#,
            )
        },
    ),
    // Zendesk's warnings
    case(
        "translation.insecure_token_parameter_in_manifest",
        |p| params(p, r#"[{"name": "api_token"}]"#),
        |p| {
            params(
                p,
                r#"[{"name": "api_token", "secure": true, "scopes": ["header"]}]"#,
            )
        },
    ),
    case(
        "translation.default_secure_or_hidden_parameter_in_manifest",
        |p| params(p, r#"[{"name": "h", "type": "hidden", "default": "x"}]"#),
        |p| params(p, r#"[{"name": "h", "type": "hidden"}]"#),
    ),
    case(
        "translation.secure_parameters_with_no_scopes_in_manifest",
        |p| params(p, r#"[{"name": "s", "secure": true}]"#),
        |p| {
            params(
                p,
                r#"[{"name": "s", "secure": true, "scopes": ["header"]}]"#,
            )
        },
    ),
    case(
        "insecure_http_request",
        |p| replace(p, "assets/iframe.html", "https://static", "http://static"),
        unchanged,
    ),
    case(
        "bitmap_in_svg",
        |p| {
            put(
                p,
                "assets/logo.svg",
                &svg(r#"<image href="logo.png" width="18" height="18"/>"#),
            )
        },
        unchanged,
    ),
    case(
        "sanitised_svg",
        |p| {
            put(
                p,
                "assets/logo.svg",
                &svg(r#"<script>alert(1)</script><rect width="1" height="1"/>"#),
            )
        },
        |p| {
            put(
                p,
                "assets/logo.svg",
                &svg(r#"<g id="a"><path d="M0 0h18v18H0z"/></g>"#),
            )
        },
    ),
    case(
        "sanitised_svg",
        |p| {
            put(
                p,
                "assets/logo.svg",
                &svg(r#"<rect width="1" height="1" onclick="x()"/>"#),
            )
        },
        unchanged,
    ),
    case(
        "application_secret",
        |p| put(p, "assets/config.js", "var api_key = \"a1b2c3d4e5f6g7h8\";"),
        |p| put(p, "assets/config.js", "var label = \"Your key\";"),
    ),
    case(
        "generic_secrets",
        |p| put(p, "assets/config.js", "var password;"),
        |p| put(p, "assets/config.js", "var pass;"),
    ),
    // Zendesk's upload
    case(
        "package_too_large",
        |p| p.insert("assets/blob.dat", random(2_200_000)),
        |p| p.insert("assets/blob.dat", random(1_900_000)),
    ),
    // Ours
    case(
        "logo_missing",
        |p| drop(p.remove("assets/logo.png")),
        unchanged,
    ),
    case(
        "logo_invalid",
        |p| put(p, "assets/logo-small.png", "not a png"),
        unchanged,
    ),
    case(
        "logo_size",
        |p| p.insert("assets/logo.png", png::minimal(300, 320, 6, false)),
        |p| p.insert("assets/logo.png", png::minimal(320, 320, 2, false)),
    ),
    case(
        "logo_small_opaque",
        |p| p.insert("assets/logo-small.png", png::minimal(128, 128, 2, false)),
        |p| p.insert("assets/logo-small.png", png::minimal(128, 128, 3, true)),
    ),
    case(
        "screenshot_invalid",
        |p| put(p, "assets/screenshot-0.jpg", "\u{ff}\u{d8}"),
        |p| p.insert("assets/screenshot-0.png", png::minimal(1280, 800, 2, false)),
    ),
    case(
        "translation_string_invalid",
        |p| {
            replace(
                p,
                "translations/en.json",
                "\"A bare ticket sidebar app.\"",
                "\"\"",
            )
        },
        |p| {
            replace(
                p,
                "translations/en.json",
                "\"A bare ticket sidebar app.\"",
                r#"{"title": "Short", "value": "A bare app."}"#,
            )
        },
    ),
    case(
        "parameter_label_missing",
        |p| params(p, r#"[{"name": "state_path"}]"#),
        |p| {
            params(
                p,
                r#"[{"name": "state_path"}, {"name": "h", "type": "hidden"}]"#,
            );
            replace(
                p,
                "translations/en.json",
                "\"app\": {",
                r#""app": {"parameters": {"state_path": {"label": "State path"}},"#,
            );
        },
    ),
    case(
        "locale_file_name",
        |p| put(p, "translations/pt-BR.json", r#"{"app": {"name": "x"}}"#),
        |p| {
            put(p, "translations/pt-br.json", r#"{"app": {"name": "x"}}"#);
            put(p, "translations/en-US.json", r#"{"app": {"name": "x"}}"#);
        },
    ),
    case(
        "channel_integration_manifest_url",
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "http://a.example/m.json"}}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "https://a.example/m.json"}}}"#,
            )
        },
    ),
    case(
        "custom_objects_v2_not_checked",
        |p| req(p, r#"{"custom_objects_v2": {"objects": [{"key": "k"}]}}"#),
        |p| req(p, r#"{"views": {}}"#),
    ),
];

fn extra_root(p: &mut Package, fragment: &str) {
    m(
        p,
        "\"version\": \"1.0.0\"",
        &format!("{fragment}, \"version\": \"1.0.0\""),
    );
}

fn views(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#""v{i}": {{"title": "V{i}"}}"#))
        .collect();
    format!(r#"{{"views": {{{}}}}}"#, items.join(","))
}

fn custom_objects(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"key": "o{i}", "schema": {{}}}}"#))
        .collect();
    format!(
        r#"{{"custom_objects": {{"custom_object_types": [{}]}}}}"#,
        items.join(",")
    )
}

fn keys(report: &Report) -> Vec<String> {
    report.findings.iter().map(|f| f.to_string()).collect()
}

#[test]
fn the_scaffold_validates_clean() {
    let report = validate(&scaffold(), &Options { strict: true });
    assert!(report.findings.is_empty(), "{}", report);
    assert!(report.accepted());
}

#[test]
fn every_rule_breaks_and_holds() {
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let rule = rules::find(case.key)
            .unwrap_or_else(|| panic!("case {i}: `{}` is not in rules::RULES", case.key));

        let mut broken = scaffold();
        (case.invalid)(&mut broken);
        let report = validate(&broken, &Options::default());
        match report.findings.iter().find(|f| f.key == case.key) {
            None => failures.push(format!(
                "case {i} `{}`: not reported; got {:?}",
                case.key,
                keys(&report)
            )),
            Some(f) if f.severity != rule.severity || f.origin != rule.origin => failures.push(
                format!("case {i} `{}`: wrong severity or origin: {f}", case.key),
            ),
            Some(f) if f.message.trim().is_empty() => {
                failures.push(format!("case {i} `{}`: no message", case.key))
            }
            Some(_) => {}
        }
        if rule.severity == Severity::Error && report.accepted() {
            failures.push(format!("case {i} `{}`: an error, yet accepted", case.key));
        }
        if rule.origin == Origin::Ours {
            let strict = validate(&broken, &Options { strict: true });
            let f = strict.findings.iter().find(|f| f.key == case.key);
            if f.map(|f| f.severity) != Some(Severity::Error) {
                failures.push(format!(
                    "case {i} `{}`: not an error under --strict",
                    case.key
                ));
            }
        }

        let mut kept = scaffold();
        (case.valid)(&mut kept);
        let report = validate(&kept, &Options::default());
        if report.has(case.key) || !report.accepted() {
            failures.push(format!(
                "case {i} `{}`: the valid sibling is flagged: {:?}",
                case.key,
                keys(&report)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_case() {
    let covered: BTreeSet<&str> = CASES.iter().map(|c| c.key).collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.key)
        .filter(|k| !covered.contains(k))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}

#[test]
fn the_readme_lists_every_rule_with_its_severity() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let mut missing = Vec::new();
    for rule in RULES {
        let origin = match rule.origin {
            Origin::Zendesk => "Zendesk",
            Origin::ZendeskUpload => "Zendesk upload",
            Origin::Ours => "ours",
        };
        let row = format!(
            "| `{}` | {} | {} |",
            rule.key,
            rule.severity.as_str(),
            origin
        );
        if !readme.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "README rows missing:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_manifest_error_skips_the_translation_and_requirement_checks() {
    let mut p = scaffold();
    m(&mut p, "\"private\": true", "\"private\": 1");
    put(&mut p, "translations/english.json", "{}");
    req(&mut p, "{\"widgets\": {}}");
    let report = validate(&p, &Options::default());
    let found: Vec<&str> = report.findings.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(found, vec!["unacceptable_boolean"]);
}

#[test]
fn an_exception_in_zendesks_validator_leaves_only_that() {
    let mut p = scaffold();
    m(&mut p, "\"private\": true", "\"private\": 1");
    m(
        &mut p,
        "\"support\": {",
        "\"support\": \"assets/iframe.html\", \"chat\": {",
    );
    let report = validate(&p, &Options::default());
    let found: Vec<&str> = report.findings.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(found, vec!["validator_exception"]);
    assert!(!report.accepted());
}

#[test]
fn an_error_in_one_translation_file_skips_the_en_json_content_check() {
    let mut p = scaffold();
    put(&mut p, "translations/de.json", "[]");
    put(&mut p, "translations/en.json", r#"{"app": {}}"#);
    let report = validate(&p, &Options::default());
    assert!(report.has("translation.not_json_object"));
    assert!(
        !report.has("translation.missing_required_key"),
        "{}",
        report
    );
}

#[test]
fn missing_keys_are_listed_in_one_error() {
    let mut p = scaffold();
    m(&mut p, "\"defaultLocale\": \"en\",", "");
    m(&mut p, "\"author\": {", "\"authors\": {");
    let report = validate(&p, &Options::default());
    let missing: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.key == "manifest_keys.missing")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(missing.len(), 1, "{report}");
    assert!(
        missing[0].contains("author, defaultLocale"),
        "{}",
        missing[0]
    );
}

#[test]
fn json_output_carries_file_key_severity_origin_and_message() {
    let mut p = scaffold();
    params(&mut p, r#"[{"name": "a"}, {"name": "a"}]"#);
    p.remove("assets/logo.png");
    let json = validate(&p, &Options::default()).to_json();
    assert!(
        json.starts_with(
            r#"{"accepted":false,"zendesk_accepts":false,"strict":false,"errors":1,"warnings":2,"#
        ),
        "{json}"
    );
    assert!(
        json.contains(r#"{"file":"manifest.json","key":"duplicate_parameters","severity":"error","origin":"zendesk","message":"#),
        "{json}"
    );
    assert!(
        json.contains(r#"{"file":"assets/logo.png","key":"logo_missing","severity":"warning","origin":"ours","message":"#),
        "{json}"
    );
    let parsed = zaf_validate::json::parse(json.as_bytes(), zaf_validate::json::Duplicates::Refuse);
    assert!(parsed.is_ok(), "{json}");
}
