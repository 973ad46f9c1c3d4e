//! Zendesk's `requirements.json` rules (`validations/requirements.rb`).

use super::Out;
use super::model::Manifest;
use crate::json::{self, Duplicates, Json, ParseError};
use crate::package::Package;
use crate::ruby::{self, Crash, Rb, is_nil, truthy};

const FILE: Option<&str> = Some("requirements.json");

/// The requirement types Zendesk knows.
pub const TYPES: [&str; 12] = [
    "automations",
    "channel_integrations",
    "custom_objects",
    "macros",
    "targets",
    "views",
    "ticket_fields",
    "triggers",
    "user_fields",
    "organization_fields",
    "webhooks",
    "custom_objects_v2",
];
const MAX_REQUIREMENTS: usize = 5000;
const MAX_CUSTOM_OBJECTS_REQUIREMENTS: usize = 50;
const MAX_COV2_PAYLOAD_BYTES: usize = 1_048_576;

fn missing_field(out: &mut Out, field: &str, identifier: &str) {
    out.error_with("missing_required_fields", FILE, || {
        format!(
            "missing required fields in requirements.json: \"{field}\" is required in \"{identifier}\""
        )
    });
}

pub fn check(package: &Package, m: &Manifest, out: &mut Out) -> Rb<()> {
    let present = package.has_file("requirements.json");
    let supported = !m.marketing_only() && m.products_ignore_locations() != ["chat"];
    if m.requirements_only() && !present {
        out.error(
            "missing_requirements",
            FILE,
            "`requirementsOnly` is set but there is no requirements.json".into(),
        );
        return Ok(());
    }
    if !supported && present {
        out.error(
            "requirements_not_supported",
            FILE,
            "app requirements are not supported for marketing-only or Chat-only apps: remove requirements.json".into(),
        );
        return Ok(());
    }
    let Some(bytes) = package.get("requirements.json") else {
        return Ok(());
    };
    let requirements = match json::parse(bytes, Duplicates::Refuse) {
        Ok(value) => value,
        Err(ParseError::DuplicateKey(key)) => {
            out.error(
                "duplicate_requirements",
                FILE,
                format!("requirements.json contains a duplicate key: {key}; keep one"),
            );
            return Ok(());
        }
        Err(e) => {
            out.error(
                "requirements_not_json",
                FILE,
                format!("requirements.json is not proper JSON: {e}"),
            );
            return Ok(());
        }
    };
    let keys = ruby::keys(&requirements, "requirements.json")?;
    let get = |key: &str| requirements.get(key);

    let invalid: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| !TYPES.contains(k))
        .collect();
    if !invalid.is_empty() {
        out.error(
            "invalid_requirements_types",
            FILE,
            format!(
                "requirements.json contains invalid type{}: {}; known types: {}",
                if invalid.len() == 1 { "" } else { "s" },
                invalid.join(", "),
                TYPES.join(", ")
            ),
        );
    }

    let count: usize = requirements
        .as_obj()
        .map(|o| {
            o.iter()
                .map(|(_, req)| match req {
                    Json::Obj(inner) => inner.iter().map(|(_, v)| flat_len(v)).sum(),
                    other => flat_len(other),
                })
                .sum()
        })
        .unwrap_or(0);
    if count > MAX_REQUIREMENTS {
        out.error(
            "excessive_requirements",
            FILE,
            format!(
                "requirements.json contains too many requirements: the limit is {MAX_REQUIREMENTS}, this app has {count}"
            ),
        );
    }

    if let Some(custom_objects) = get("custom_objects").filter(|v| truthy(Some(v))) {
        let Json::Obj(co) = custom_objects else {
            return Err(Crash(format!(
                "`custom_objects` is {}, not an object",
                custom_objects.kind()
            )));
        };
        let count: usize = co.iter().map(|(_, v)| flat_len(v)).sum();
        if count > MAX_CUSTOM_OBJECTS_REQUIREMENTS {
            out.error(
                "excessive_custom_objects_requirements",
                FILE,
                format!(
                    "requirements.json contains too many custom objects requirements: the limit is {MAX_CUSTOM_OBJECTS_REQUIREMENTS}, this app has {count}"
                ),
            );
        }
    }

    if let Some(integrations) = get("channel_integrations").filter(|v| truthy(Some(v))) {
        let size = match integrations {
            Json::Obj(o) => o.len(),
            Json::Arr(a) => a.len(),
            other => {
                return Err(Crash(format!(
                    "`channel_integrations` is {}, not an object",
                    other.kind()
                )));
            }
        };
        if size > 1 {
            out.error(
                "multiple_channel_integrations",
                FILE,
                "specifying multiple channel integrations in requirements.json is not supported: keep one".into(),
            );
        }
        for (identifier, fields) in ruby::each_pair(integrations, "`channel_integrations`")? {
            let what = format!("`channel_integrations.{identifier}`");
            if !ruby::includes(fields, "manifest_url", &what)? {
                missing_field(out, "manifest_url", &identifier);
            }
        }
    }

    let user_fields = get("user_fields").filter(|v| !matches!(v, Json::Null));
    let organization_fields = get("organization_fields").filter(|v| !matches!(v, Json::Null));
    for (name, group) in [
        ("user_fields", user_fields),
        ("organization_fields", organization_fields),
    ] {
        let Some(group) = group else { continue };
        for (identifier, fields) in ruby::each_pair(group, &format!("`{name}`"))? {
            let what = format!("`{name}.{identifier}`");
            if !ruby::includes(fields, "key", &what)? {
                missing_field(out, "key", &identifier);
            }
        }
    }

    if let Some(custom_objects) = get("custom_objects").filter(|v| !matches!(v, Json::Null)) {
        let Json::Obj(co) = custom_objects else {
            return Err(Crash(format!(
                "`custom_objects` is {}, not an object",
                custom_objects.kind()
            )));
        };
        if !co.contains_key("custom_object_types") {
            missing_field(out, "custom_object_types", "custom_objects");
        }
        for (kind, expected) in [
            ("custom_object_types", &["key", "schema"][..]),
            (
                "custom_object_relationship_types",
                &["key", "source", "target"][..],
            ),
        ] {
            let items = match co.get(kind) {
                Some(v) if truthy(Some(v)) => v.clone(),
                _ => Json::Arr(Vec::new()),
            };
            let entries: Vec<Json> = match items {
                Json::Arr(a) => a,
                Json::Obj(o) => {
                    o.0.into_iter()
                        .map(|(k, v)| Json::Arr(vec![Json::Str(k), v]))
                        .collect()
                }
                other => {
                    return Err(Crash(format!(
                        "`custom_objects.{kind}` is {}, not an array",
                        other.kind()
                    )));
                }
            };
            for entry in entries {
                let keys = ruby::keys(&entry, &format!("an entry of `custom_objects.{kind}`"))?;
                for field in expected {
                    if !keys.contains(field) {
                        missing_field(out, field, kind);
                    }
                }
            }
        }
    }

    if let Some(webhooks) = get("webhooks").filter(|v| !matches!(v, Json::Null)) {
        for (identifier, requirement) in ruby::each_pair(webhooks, "`webhooks`")? {
            let requirement = requirement.unwrap_or(&Json::Null);
            let what = format!("`webhooks.{identifier}`");
            let keys = ruby::keys(requirement, &what)?;
            for field in [
                "name",
                "status",
                "endpoint",
                "http_method",
                "request_format",
            ] {
                if !keys.contains(&field) {
                    missing_field(out, field, &identifier);
                }
            }
        }
    }

    if let Some(targets) = get("targets").filter(|v| !matches!(v, Json::Null)) {
        for (identifier, requirement) in ruby::each_pair(targets, "`targets`")? {
            let what = format!("`targets.{identifier}`");
            let requirement = requirement.unwrap_or(&Json::Null);
            if matches!(requirement, Json::Null) {
                return Err(Crash(format!(
                    "{what} is null, so reading its `type` fails"
                )));
            }
            let kind = ruby::index(requirement, "type", &what)?;
            if let Some(kind @ ("http_target" | "url_target_v2")) = kind.as_str() {
                out.error(
                    "invalid_requirements_types",
                    FILE,
                    format!(
                        "requirements.json contains an invalid type: targets -> {kind} (Zendesk no longer creates these targets; use a webhook)"
                    ),
                );
            }
        }
    }

    if keys.contains(&"custom_objects_v2") {
        custom_objects_v2(get("custom_objects_v2"), out);
    }

    for (kind, requirement) in requirements.as_obj().into_iter().flat_map(|o| o.iter()) {
        if [
            "channel_integrations",
            "custom_objects",
            "webhooks",
            "custom_objects_v2",
        ]
        .contains(&kind)
        {
            continue;
        }
        for (identifier, fields) in ruby::each_pair(requirement, &format!("`{kind}`"))? {
            if is_nil(fields) {
                continue;
            }
            let what = format!("`{kind}.{identifier}`");
            if !ruby::includes(fields, "title", &what)? {
                missing_field(out, "title", &identifier);
            }
        }
    }
    Ok(())
}

/// `[x].flatten.size`: arrays count their leaves, anything else counts one.
fn flat_len(v: &Json) -> usize {
    match v {
        Json::Arr(items) => items.iter().map(flat_len).sum(),
        _ => 1,
    }
}

/// The structural part of Zendesk's custom objects v2 rules; its limits, schema and reference
/// rules are not checked here (a warning of ours says so).
fn custom_objects_v2(value: Option<&Json>, out: &mut Out) {
    let Some(Json::Obj(cov2)) = value else {
        out.error(
            "invalid_cov2_requirements_structure_v2",
            FILE,
            "the custom_objects_v2 requirements must be an object".into(),
        );
        return;
    };
    if cov2.is_empty() {
        out.error(
            "empty_cov2_requirements",
            FILE,
            "the custom_objects_v2 requirements are empty: define objects, object_fields or object_triggers".into(),
        );
        return;
    }
    let collections = [
        (
            "objects",
            "invalid_objects_structure_in_cov2_requirements_v2",
        ),
        (
            "object_fields",
            "invalid_object_fields_structure_in_cov2_requirements_v2",
        ),
        (
            "object_triggers",
            "invalid_object_triggers_structure_in_cov2_requirements_v2",
        ),
    ];
    let all_empty = collections
        .iter()
        .all(|(name, _)| matches!(cov2.get(name), Some(Json::Arr(a)) if a.is_empty()));
    if all_empty {
        out.error(
            "empty_cov2_requirements",
            FILE,
            "the custom_objects_v2 requirements are empty: define objects, object_fields or object_triggers".into(),
        );
        return;
    }
    let mut structural = false;
    for (name, key) in collections {
        if !matches!(cov2.get(name), None | Some(Json::Null) | Some(Json::Arr(_))) {
            structural = true;
            out.error(
                key,
                FILE,
                format!("custom_objects_v2.{name} must be an array"),
            );
        }
    }
    if structural {
        return;
    }
    let size = Json::Obj(cov2.clone()).to_compact().len();
    if size > MAX_COV2_PAYLOAD_BYTES {
        out.error(
            "excessive_cov2_payload_size",
            FILE,
            format!(
                "the custom objects v2 requirements are {size} bytes; the maximum is {MAX_COV2_PAYLOAD_BYTES} (1 MB)"
            ),
        );
        return;
    }
    out.ours(
        "custom_objects_v2_not_checked",
        FILE,
        "custom_objects_v2: only the structure and the payload size are checked offline; Zendesk also checks its limits, schema keys, setting placeholders and object references".into(),
    );
}
