//! The integration manifest, as Zendesk reads it from the `manifest_url` of the app's
//! requirements: its URLs resolved against the manifest's own (Zendesk's sample uses
//! `./admin_ui`), then checked against Zendesk's published limits ([`super::limits::MANIFEST`]:
//! `name` 1–255, `id` 1–511, `author` a string, `push_client_id` ≤ 128, `urls.admin_ui`
//! required, every URL https and ≤ 511 characters).

use std::time::Duration;

use reqwest::{StatusCode, Url, header};
use serde_json::{Map, Value};

use super::limits::{self, Violation};

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
    /// With a push client, Zendesk hands each account an `instance_push_id` and a
    /// `zendesk_access_token` for the push API.
    pub push_client_id: Option<String>,
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

const URL_KEYS: [&str; 8] = [
    "admin_ui",
    "pull_url",
    "channelback_url",
    "clickthrough_url",
    "healthcheck_url",
    "about_url",
    "dashboard_url",
    "event_callback_url",
];

/// `value` with each string URL resolved against `manifest_url` (what cannot be resolved stays
/// as it is, for the check to name).
fn resolved(manifest_url: &Url, value: &Value) -> Value {
    let mut value = value.clone();
    if let Some(Value::Object(urls)) = value.get_mut("urls") {
        for key in URL_KEYS {
            if let Some(Value::String(raw)) = urls.get_mut(key)
                && let Ok(url) = manifest_url.join(raw)
            {
                *raw = url.to_string();
            }
        }
    }
    value
}

/// Checks a manifest against Zendesk's published limits; every violation is listed.
pub fn validate(manifest_url: &Url, value: &Value) -> Result<IntegrationManifest, Vec<Violation>> {
    let value = resolved(manifest_url, value);
    let violations = limits::check(&value, &limits::MANIFEST, "");
    if !violations.is_empty() {
        return Err(violations);
    }
    let empty = Map::new();
    let object = value.as_object().unwrap_or(&empty);
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
    let urls = object
        .get("urls")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let url = |key: &str| {
        urls.get(key)
            .and_then(Value::as_str)
            .and_then(|u| Url::parse(u).ok())
    };
    let (Some(name), Some(id), Some(admin_ui)) = (text("name"), text("id"), url("admin_ui")) else {
        // The check above requires all three.
        return Err(Vec::new());
    };
    Ok(IntegrationManifest {
        name,
        id,
        version: text("version"),
        author: text("author"),
        push_client_id: text("push_client_id"),
        urls: Urls {
            admin_ui,
            pull_url: url("pull_url"),
            channelback_url: url("channelback_url"),
            clickthrough_url: url("clickthrough_url"),
            event_callback_url: url("event_callback_url"),
            healthcheck_url: url("healthcheck_url"),
            about_url: url("about_url"),
            dashboard_url: url("dashboard_url"),
        },
    })
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
            .timeout(Duration::from_secs(10))
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
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("reading the manifest at {url}: {}", describe(&e)))?;
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(format!(
                "the manifest at {url} is over {MAX_MANIFEST_BYTES} bytes"
            ));
        }
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("the manifest at {url} is not JSON: {e}"))?;
        // Relative URLs are relative to where the manifest was found.
        return validate(&url, &value).map_err(|violations| {
            format!(
                "the integration manifest at {url} breaks Zendesk's limits: {}",
                limits::describe(&violations)
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
    fn lists_every_violation_by_its_path() {
        let long = "n".repeat(256);
        let err = validate(
            &base(),
            &json!({"name": long, "author": {"name": "Example"},
                    "urls": {"pull_url": "http://elsewhere.example/pull"}}),
        )
        .expect_err("invalid");
        let paths: Vec<&str> = err.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            ["id", "name", "author", "urls.admin_ui", "urls.pull_url"],
            "{err:?}"
        );
        assert_eq!(err[1].found, "256 characters");
        let err = validate(&base(), &json!({"name": "x", "id": "y"})).expect_err("no urls");
        assert_eq!(err[0].to_string(), "urls: is required (found missing)");
        assert!(validate(&base(), &json!([])).is_err());
        let err = validate(
            &base(),
            &json!({"name": "x", "id": 5, "urls": {"admin_ui": 7}}),
        )
        .expect_err("types");
        assert_eq!(err[0].to_string(), "id: a string (found a number)");
        let at_limit = "i".repeat(511);
        assert!(
            validate(
                &base(),
                &json!({"name": "x", "id": at_limit, "urls": {"admin_ui": "a"}})
            )
            .is_ok()
        );
        let health = json!({"name": "x", "id": "y", "urls": {"admin_ui": "a", "healthcheck_url": "http://x.example/h"}});
        assert_eq!(
            validate(&base(), &health).expect_err("http")[0].path,
            "urls.healthcheck_url"
        );
    }
}
