//! The integration manifest, as Zendesk reads it from the `manifest_url` of the app's
//! requirements: required `name` (≤ 255), `id` (≤ 511) and `urls.admin_ui`; URLs relative to
//! the manifest; the ones Zendesk calls or frames must be `https`.

use reqwest::{StatusCode, Url, header};
use serde_json::{Map, Value};

pub const MAX_NAME: usize = 255;
pub const MAX_ID: usize = 511;
/// Zendesk follows redirects when it reads a manifest; so many at most here.
const MAX_REDIRECTS: usize = 3;
const MAX_MANIFEST_BYTES: usize = 64 * 1024;

/// A valid manifest, its URLs resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrationManifest {
    pub name: String,
    pub id: String,
    pub version: Option<String>,
    pub author: Option<String>,
    pub urls: Urls,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Urls {
    pub admin_ui: Url,
    pub pull_url: Option<Url>,
    pub channelback_url: Option<Url>,
    pub clickthrough_url: Option<Url>,
    pub event_callback_url: Option<Url>,
    pub healthcheck_url: Option<Url>,
    pub about_url: Option<Url>,
    pub dashboard_url: Option<Url>,
}

/// Which URLs must be `https` (Zendesk POSTs to them, or frames them in its `https` pages).
const HTTPS_ONLY: [&str; 5] = [
    "admin_ui",
    "pull_url",
    "channelback_url",
    "clickthrough_url",
    "event_callback_url",
];

fn text(
    object: &Map<String, Value>,
    key: &str,
    max: usize,
    problems: &mut Vec<String>,
) -> Option<String> {
    match object.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() > max => {
            problems.push(format!(
                "{key} is {} characters; at most {max}",
                s.chars().count()
            ));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            problems.push(format!("{key} must be a string, not {other}"));
            None
        }
    }
}

/// Checks a manifest against the Channel framework's rules; every problem is listed.
pub fn validate(manifest_url: &Url, value: &Value) -> Result<IntegrationManifest, Vec<String>> {
    let Some(object) = value.as_object() else {
        return Err(vec!["the manifest is not a JSON object".into()]);
    };
    let mut problems = Vec::new();
    let name = text(object, "name", MAX_NAME, &mut problems).filter(|s| !s.trim().is_empty());
    let id = text(object, "id", MAX_ID, &mut problems).filter(|s| !s.trim().is_empty());
    if name.is_none() && !problems.iter().any(|p| p.starts_with("name")) {
        problems.push("name is required".into());
    }
    if id.is_none() && !problems.iter().any(|p| p.starts_with("id")) {
        problems.push("id is required".into());
    }
    let version = text(object, "version", MAX_NAME, &mut problems);
    let author = match object.get("author") {
        Some(Value::Object(a)) => a.get("name").and_then(Value::as_str).map(str::to_owned),
        _ => text(object, "author", MAX_NAME, &mut problems),
    };
    let empty = Map::new();
    let urls = match object.get("urls") {
        Some(Value::Object(urls)) => urls,
        None => {
            problems.push("urls is required".into());
            &empty
        }
        Some(_) => {
            problems.push("urls must be an object".into());
            &empty
        }
    };
    let mut url = |key: &str| -> Option<Url> {
        let raw = match urls.get(key)? {
            Value::String(s) if !s.trim().is_empty() => s,
            Value::Null => return None,
            other => {
                problems.push(format!("urls.{key} must be a URL string, not {other}"));
                return None;
            }
        };
        let resolved = match manifest_url.join(raw) {
            Ok(u) => u,
            Err(e) => {
                problems.push(format!("urls.{key} {raw:?} is not a URL: {e}"));
                return None;
            }
        };
        let https = resolved.scheme() == "https";
        if HTTPS_ONLY.contains(&key) && !https {
            problems.push(format!("urls.{key} must be https, not {resolved}"));
            return None;
        }
        if !https && resolved.scheme() != "http" {
            problems.push(format!("urls.{key} must be an http(s) URL, not {resolved}"));
            return None;
        }
        Some(resolved)
    };
    let admin_ui = url("admin_ui");
    let resolved = Urls {
        admin_ui: admin_ui.clone().unwrap_or_else(|| manifest_url.clone()),
        pull_url: url("pull_url"),
        channelback_url: url("channelback_url"),
        clickthrough_url: url("clickthrough_url"),
        event_callback_url: url("event_callback_url"),
        healthcheck_url: url("healthcheck_url"),
        about_url: url("about_url"),
        dashboard_url: url("dashboard_url"),
    };
    if admin_ui.is_none() && !problems.iter().any(|p| p.starts_with("urls.admin_ui")) {
        problems.push("urls.admin_ui is required".into());
    }
    match (name, id, problems.is_empty()) {
        (Some(name), Some(id), true) => Ok(IntegrationManifest {
            name,
            id,
            version,
            author,
            urls: resolved,
        }),
        _ => Err(problems),
    }
}

/// GETs the manifest (following a few `https` redirects) and validates it. The error says
/// what a person needs to fix it.
pub async fn fetch(
    client: &reqwest::Client,
    manifest_url: &Url,
) -> Result<IntegrationManifest, String> {
    let mut url = manifest_url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let response = client
            .get(url.clone())
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| {
                format!(
                    "cannot reach the integration manifest at {url}: {}",
                    describe(&e)
                )
            })?;
        let status = response.status();
        if status.is_redirection() {
            let next = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| url.join(l).ok())
                .filter(|u| u.scheme() == "https")
                .ok_or_else(|| format!("{url} redirects ({status}) without an https Location"))?;
            url = next;
            continue;
        }
        if status != StatusCode::OK {
            return Err(format!(
                "the integration manifest at {url} answered HTTP {status}"
            ));
        }
        let bytes = crate::outbound::read_capped(response, MAX_MANIFEST_BYTES)
            .await
            .map_err(|e| format!("reading the manifest at {url}: {}", e.describe()))?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("the manifest at {url} is not JSON: {e}"))?;
        // Relative URLs are relative to where the manifest was found.
        return validate(&url, &value).map_err(|problems| {
            format!(
                "the integration manifest at {url} is invalid: {}",
                problems.join("; ")
            )
        });
    }
    Err(format!(
        "{manifest_url} redirects more than {MAX_REDIRECTS} times"
    ))
}

/// An HTTP client error in a person's words, with the cause (e.g. the certificate).
pub fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn no_panic_on_multi_byte_text_at_every_offset() {
        let text = r#"{"name": "Instagram", "id": "com.example.ig", "author": {"name": "E"},
            "urls": {"admin_ui": "./admin_ui", "pull_url": "https://localhost:4569/pull"}}"#;
        let value: Value = serde_json::from_str(text).expect("json");
        assert!(validate(&base(), &value).is_ok());
        crate::text::at_every_offset(text, |text| {
            if let Ok(value) = serde_json::from_str::<Value>(text) {
                let _ = validate(&base(), &value);
            }
        });
    }

    fn base() -> Url {
        Url::parse("https://localhost:4569/integration/manifest.json").expect("url")
    }

    #[test]
    fn resolves_relative_urls_against_the_manifest() {
        let m = validate(
            &base(),
            &json!({
                "name": "Instagram", "id": "com.example.ig", "version": "1.0",
                "author": "Example",
                "urls": {"admin_ui": "./admin_ui", "pull_url": "pull",
                         "clickthrough_url": "/clickthrough",
                         "healthcheck_url": "https://localhost:4569/health"}
            }),
        )
        .expect("valid");
        assert_eq!(
            m.urls.admin_ui.as_str(),
            "https://localhost:4569/integration/admin_ui"
        );
        assert_eq!(
            m.urls.pull_url.as_ref().map(Url::as_str),
            Some("https://localhost:4569/integration/pull")
        );
        assert_eq!(
            m.urls.clickthrough_url.as_ref().map(Url::as_str),
            Some("https://localhost:4569/clickthrough")
        );
        assert_eq!(m.urls.channelback_url, None);
        assert_eq!(m.author.as_deref(), Some("Example"));
    }

    #[test]
    fn lists_every_problem() {
        let long = "n".repeat(MAX_NAME + 1);
        let err = validate(
            &base(),
            &json!({"name": long, "urls": {"pull_url": "http://elsewhere.example/pull"}}),
        )
        .expect_err("invalid");
        let all = err.join("\n");
        for expected in [
            "name is 256 characters",
            "id is required",
            "urls.pull_url must be https",
            "urls.admin_ui is required",
        ] {
            assert!(all.contains(expected), "{expected} in:\n{all}");
        }
        let err = validate(&base(), &json!({"name": "x", "id": "y"})).expect_err("no urls");
        assert!(err.iter().any(|p| p == "urls is required"), "{err:?}");
        assert!(validate(&base(), &json!([])).is_err());
        let err = validate(
            &base(),
            &json!({"name": "x", "id": 5, "urls": {"admin_ui": 7}}),
        )
        .expect_err("types");
        assert!(
            err.iter().any(|p| p.starts_with("id must be a string")),
            "{err:?}"
        );
        assert!(
            err.iter()
                .any(|p| p.starts_with("urls.admin_ui must be a URL")),
            "{err:?}"
        );
        let at_limit = "i".repeat(MAX_ID);
        assert!(
            validate(
                &base(),
                &json!({"name": "x", "id": at_limit, "urls": {"admin_ui": "a"}})
            )
            .is_ok()
        );
    }
}
