//! manifest.json: Zendesk's rules on the manifest (required keys, booleans and strings, locations
//! and their URIs, the framework version, parameters and their types, duplicate keys), and the
//! order in which a manifest error stops the later checks.

use zaf_validate::{Options, Package, validate};

use super::support::*;

const OAUTH: &str = r#""oauth": {"client_id": "a", "client_secret": "b", "authorize_uri": "https://x.example/a", "access_token_uri": "https://x.example/t"}"#;

pub const CASES: &[Case] = &[
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
        |p| oauth_params(p, r#"[{"name": "t", "type": "oauth"}]"#),
    ),
    case(
        "oauth_parameter_required",
        |p| extra(p, OAUTH),
        |p| oauth_params(p, r#"[{"name": "t", "type": "oauth"}]"#),
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
            oauth_params(
                p,
                r#"[{"name": "t", "type": "oauth"}, {"name": "u", "type": "oauth"}]"#,
            )
        },
        |p| oauth_params(p, r#"[{"name": "t", "type": "oauth"}]"#),
    ),
    case(
        "oauth_parameter_cannot_be_secure",
        |p| oauth_params(p, r#"[{"name": "t", "type": "oauth", "secure": true}]"#),
        |p| oauth_params(p, r#"[{"name": "t", "type": "oauth"}]"#),
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
            framework_version(p, "\"1.0\"");
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
        |p| framework_version(p, "\"1.0\""),
        unchanged,
    ),
    case(
        "invalid_version",
        |p| framework_version(p, "\"2.1\""),
        unchanged,
    ),
    case(
        "invalid_version",
        |p| framework_version(p, "2.0"),
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
];

fn extra_root(p: &mut Package, fragment: &str) {
    m(
        p,
        "\"version\": \"1.0.0\"",
        &format!("{fragment}, \"version\": \"1.0.0\""),
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

/// OAuth set up, and these parameters (a JSON array).
fn oauth_params(p: &mut Package, list: &str) {
    extra(p, &format!("{OAUTH}, \"parameters\": {list}"));
}

/// The manifest's `frameworkVersion` written as `value` (JSON) instead of "2.0".
fn framework_version(p: &mut Package, value: &str) {
    m(
        p,
        "\"frameworkVersion\": \"2.0\"",
        &format!("\"frameworkVersion\": {value}"),
    );
}
