//! The published limits, each a [`Spec`], written from the facts of Zendesk's public JSON schemas
//! (`zendesk/any_channel_json_schemas` 0.15.0) and the Channel framework's docs (a resource has
//! `parent_id` or `thread_id`, not both; ids are ASCII without white space at either end; the
//! manifest's `author` is a string and every URL in it https).

use super::{Spec, TextKind};

const ID: Spec = Spec::Text {
    min: 1,
    max: 255,
    kind: TextKind::ExternalId,
};
const NAME: Spec = Spec::Text {
    min: 1,
    max: 255,
    kind: TextKind::Plain,
};
const BLOB: Spec = Spec::Text {
    min: 0,
    max: 5_000,
    kind: TextKind::Plain,
};
const MESSAGE: Spec = Spec::Text {
    min: 1,
    max: 65_535,
    kind: TextKind::Plain,
};
const MANIFEST_URL: Spec = Spec::Text {
    min: 1,
    max: 511,
    kind: TextKind::HttpsUrl,
};

const FIELD_VALUE: Spec = Spec::Object {
    fields: &[
        ("id", Spec::IntOrText { min: 1, max: 255 }),
        ("value", Spec::Any),
    ],
    required: &["id", "value"],
    exclusive: None,
};
const FIELDS: Spec = Spec::List {
    max: 64,
    items: &FIELD_VALUE,
};
const AUTHOR: Spec = Spec::Object {
    fields: &[
        ("external_id", ID),
        ("name", NAME),
        (
            "image_url",
            Spec::Text {
                min: 1,
                max: 511,
                kind: TextKind::Plain,
            },
        ),
        ("locale", NAME),
        ("fields", FIELDS),
    ],
    required: &["external_id"],
    exclusive: None,
};
const DISPLAY_INFO: Spec = Spec::Object {
    fields: &[("type", NAME), ("data", Spec::AnyObject)],
    required: &["type", "data"],
    exclusive: None,
};

/// An external resource (a pull's or a push's).
pub const RESOURCE: Spec = Spec::Object {
    fields: &[
        ("external_id", ID),
        ("internal_note", Spec::Bool),
        ("message", MESSAGE),
        ("html_message", MESSAGE),
        ("parent_id", ID),
        ("thread_id", ID),
        (
            "created_at",
            Spec::Text {
                min: 1,
                max: 255,
                kind: TextKind::DateTime,
            },
        ),
        ("author", AUTHOR),
        (
            "display_info",
            Spec::List {
                max: 16,
                items: &DISPLAY_INFO,
            },
        ),
        ("allow_channelback", Spec::Bool),
        ("fields", FIELDS),
        (
            "file_urls",
            Spec::List {
                max: 64,
                items: &MANIFEST_URL,
            },
        ),
    ],
    required: &["external_id", "message", "author", "created_at"],
    exclusive: Some(("parent_id", "thread_id")),
};

/// The most resources one pull or push carries.
pub const MAX_RESOURCES: usize = 256;

const RESOURCES: Spec = Spec::List {
    max: MAX_RESOURCES,
    items: &RESOURCE,
};

/// A pull's answer.
pub const PULL: Spec = Spec::Object {
    fields: &[
        ("external_resources", RESOURCES),
        ("state", BLOB),
        ("metadata", BLOB),
        ("metadata_needs_update", Spec::Bool),
    ],
    required: &["external_resources"],
    exclusive: None,
};

/// A push's body.
pub const PUSH: Spec = Spec::Object {
    fields: &[
        ("instance_push_id", NAME),
        (
            "request_id",
            Spec::Text {
                min: 1,
                max: 64,
                kind: TextKind::Plain,
            },
        ),
        ("external_resources", RESOURCES),
    ],
    required: &["instance_push_id", "external_resources"],
    exclusive: None,
};

/// What `channelback/report_error` takes.
pub const REPORT_ERROR: Spec = Spec::Object {
    fields: &[
        ("instance_push_id", NAME),
        ("external_id", ID),
        (
            "request_id",
            Spec::Text {
                min: 1,
                max: 64,
                kind: TextKind::Plain,
            },
        ),
        (
            "description",
            Spec::Text {
                min: 0,
                max: 511,
                kind: TextKind::Plain,
            },
        ),
    ],
    required: &["instance_push_id", "external_id"],
    exclusive: None,
};

/// A channelback's answer.
pub const CHANNELBACK: Spec = Spec::Object {
    fields: &[
        ("external_id", ID),
        ("allow_channelback", Spec::Bool),
        ("metadata_needs_update", Spec::Bool),
        ("metadata", BLOB),
    ],
    required: &["external_id"],
    exclusive: None,
};

/// What the admin UI posts back to `return_url` (a form, read as strings).
pub const RETURN: Spec = Spec::Object {
    fields: &[("name", NAME), ("metadata", BLOB), ("state", BLOB)],
    required: &["name"],
    exclusive: None,
};

const URLS: Spec = Spec::Object {
    fields: &[
        ("admin_ui", MANIFEST_URL),
        ("pull_url", MANIFEST_URL),
        ("channelback_url", MANIFEST_URL),
        ("clickthrough_url", MANIFEST_URL),
        ("healthcheck_url", MANIFEST_URL),
        ("about_url", MANIFEST_URL),
        ("dashboard_url", MANIFEST_URL),
        ("event_callback_url", MANIFEST_URL),
    ],
    required: &["admin_ui"],
    exclusive: None,
};

/// The integration's manifest, its URLs resolved against its own URL first.
pub const MANIFEST: Spec = Spec::Object {
    fields: &[
        ("name", NAME),
        (
            "id",
            Spec::Text {
                min: 1,
                max: 511,
                kind: TextKind::Plain,
            },
        ),
        ("version", NAME),
        ("author", NAME),
        (
            "push_client_id",
            Spec::Text {
                min: 1,
                max: 128,
                kind: TextKind::Plain,
            },
        ),
        ("channelback_files", Spec::Bool),
        ("create_followup_tickets", Spec::Bool),
        ("urls", URLS),
    ],
    required: &["name", "id", "urls"],
    exclusive: None,
};

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::{Violation, check};
    use super::*;

    fn resource() -> Value {
        json!({
            "external_id": "ig:1",
            "message": "Do you ship to Norway?",
            "created_at": "2026-05-01T10:00:00Z",
            "author": {"external_id": "lena", "name": "@lena.runs"},
            "thread_id": "ig:1",
            "allow_channelback": true,
        })
    }

    fn one(value: Value) -> Vec<Violation> {
        check(&json!({"external_resources": [value]}), &PULL, "")
    }

    #[test]
    fn a_resource_within_every_limit_passes() {
        assert_eq!(one(resource()), Vec::new());
        let mut full = resource();
        full["display_info"] = json!(
            (0..16)
                .map(|i| json!({"type": format!("t{i}"), "data": {}}))
                .collect::<Vec<_>>()
        );
        full["fields"] = json!(
            (0..64)
                .map(|i| json!({"id": i, "value": "v"}))
                .collect::<Vec<_>>()
        );
        full["file_urls"] = json!(vec!["https://cdn.example.com/a.png"; 64]);
        full["external_id"] = json!("x".repeat(255));
        full["message"] = json!("m".repeat(65_535));
        assert_eq!(one(full), Vec::new());
    }

    /// One resource per published limit, each just over it, with the path it must name.
    fn just_over() -> Vec<(&'static str, Value)> {
        let with = |key: &str, v: Value| {
            let mut r = resource();
            r[key] = v;
            r
        };
        let without = |key: &str| {
            let mut r = resource();
            r.as_object_mut().map(|o| o.remove(key));
            r
        };
        vec![
            (
                "external_resources[0].external_id",
                with("external_id", json!("x".repeat(256))),
            ),
            (
                "external_resources[0].external_id",
                with("external_id", json!("")),
            ),
            (
                "external_resources[0].external_id",
                with("external_id", json!(" ig:1")),
            ),
            ("external_resources[0].external_id", without("external_id")),
            (
                "external_resources[0].message",
                with("message", json!("m".repeat(65_536))),
            ),
            ("external_resources[0].message", with("message", json!(""))),
            ("external_resources[0].created_at", without("created_at")),
            (
                "external_resources[0].created_at",
                with("created_at", json!("yesterday")),
            ),
            ("external_resources[0].author", without("author")),
            (
                "external_resources[0].author.external_id",
                with("author", json!({"name": "x"})),
            ),
            (
                "external_resources[0].author.external_id",
                with("author", json!({"external_id": "a".repeat(256)})),
            ),
            (
                "external_resources[0].thread_id",
                with("thread_id", json!("t".repeat(256))),
            ),
            (
                "external_resources[0].thread_id",
                with("parent_id", json!("ig:0")),
            ),
            (
                "external_resources[0].display_info",
                with(
                    "display_info",
                    json!(vec![json!({"type": "t", "data": {}}); 17]),
                ),
            ),
            (
                "external_resources[0].fields",
                with("fields", json!(vec![json!({"id": 1, "value": 1}); 65])),
            ),
            (
                "external_resources[0].file_urls",
                with("file_urls", json!(vec!["https://x.example/a"; 65])),
            ),
            (
                "external_resources[0].file_urls[0]",
                with("file_urls", json!(["http://x.example/a"])),
            ),
            (
                "external_resources[0].allow_channelback",
                with("allow_channelback", json!("yes")),
            ),
        ]
    }

    #[test]
    fn each_limit_just_over_is_named_by_its_path() {
        for (path, resource) in just_over() {
            let found = one(resource.clone());
            assert!(
                found.iter().any(|v| v.path == path),
                "{path}: {found:?} for {resource}"
            );
        }
    }

    #[test]
    fn a_pull_answer_is_bounded_as_a_whole() {
        let many = vec![resource(); MAX_RESOURCES + 1];
        let found = check(&json!({"external_resources": many}), &PULL, "");
        assert_eq!(found[0].path, "external_resources");
        assert_eq!(found[0].found, "257 items");
        let found = check(
            &json!({"external_resources": [], "state": "s".repeat(5_001)}),
            &PULL,
            "",
        );
        assert_eq!(
            found,
            vec![Violation {
                path: "state".into(),
                limit: "at most 5000 characters".into(),
                found: "5001 characters".into(),
            }]
        );
        assert_eq!(check(&json!([]), &PULL, "")[0].path, "(the body)");
        assert_eq!(
            check(&json!({}), &PULL, "")[0].to_string(),
            "external_resources: is required (found missing)"
        );
    }

    #[test]
    fn the_manifest_needs_https_urls_within_511_and_an_author_string() {
        let ok = json!({"name": "X", "id": "x", "author": "Vendor", "urls": {
            "admin_ui": "https://v.example/admin", "healthcheck_url": "https://v.example/h"}});
        assert_eq!(check(&ok, &MANIFEST, ""), Vec::new());
        let bad = json!({"name": "X", "id": "x", "author": {"name": "Vendor"}, "urls": {
            "admin_ui": format!("https://v.example/{}", "a".repeat(500)),
            "healthcheck_url": "http://v.example/h"}});
        let paths: Vec<String> = check(&bad, &MANIFEST, "")
            .into_iter()
            .map(|v| v.path)
            .collect();
        assert_eq!(paths, ["author", "urls.admin_ui", "urls.healthcheck_url"]);
    }

    #[test]
    fn a_channelback_answer_needs_its_external_id() {
        assert!(
            check(
                &json!({"external_id": "c1", "allow_channelback": true}),
                &CHANNELBACK,
                ""
            )
            .is_empty()
        );
        let found = check(&json!({"allow_channelback": "no"}), &CHANNELBACK, "");
        let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["external_id", "allow_channelback"]);
    }
}
