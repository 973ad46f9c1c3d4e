//! requirements.json: Zendesk's rules on the requirements (types, counts, channel integrations,
//! required fields).

use super::support::*;

pub const CASES: &[Case] = &[
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
];

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
