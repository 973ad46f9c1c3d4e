//! translations/: Zendesk's rules on the locale files (names, JSON, the keys a private or public
//! app needs).

use zaf_validate::{Options, validate};

use super::support::*;

pub const CASES: &[Case] = &[
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
        |p| en(p, r#"{"app": {"name": "x"}}"#),
    ),
    case(
        "translation.missing_required_key",
        |p| {
            m(p, "\"private\": true", "\"private\": false");
            en(p, r#"{"app": {"name": "x", "description": "d"}}"#);
        },
        |p| {
            m(p, "\"private\": true", "\"private\": false");
            en(
                p,
                r#"{"app": {"name": "x", "description": "d", "long_description": "l", "installation_instructions": "i"}}"#,
            );
        },
    ),
    case(
        "translation.missing_required_key_for_product",
        |p| en(p, r#"{"app": {"support": {"description": "x"}}}"#),
        |p| en(p, r#"{"app": {"support": {"name": "x"}}}"#),
    ),
    case(
        "translation.products_do_not_match_manifest_products",
        |p| en(p, r#"{"app": {"chat": {"name": "x"}}}"#),
        |p| en(p, r#"{"app": {"support": {"name": "x"}}}"#),
    ),
];

#[test]
fn an_error_in_one_translation_file_skips_the_en_json_content_check() {
    let mut p = scaffold();
    put(&mut p, "translations/de.json", "[]");
    en(&mut p, r#"{"app": {}}"#);
    let report = validate(&p, &Options::default());
    assert!(report.has("translation.not_json_object"));
    assert!(
        !report.has("translation.missing_required_key"),
        "{}",
        report
    );
}
