//! The package's `requirements.json`, as Zendesk reads it when the app is installed:
//! `{"channel_integrations": {"<key>": {"manifest_url": "https://…"}}}`.

use std::path::Path;

use reqwest::Url;
use serde_json::Value;

/// The one channel integration the app declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelRequirement {
    /// The key under `channel_integrations` (e.g. `heart_instagram`).
    pub key: String,
    pub manifest_url: Url,
}

pub const FILE: &str = "requirements.json";

/// Reads `<package>/requirements.json`. A package without one cannot install an integration.
pub fn read(package_dir: &Path) -> Result<ChannelRequirement, String> {
    let path = package_dir.join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "the app package {} has no {FILE}: it must declare its channel integration \
                 ({{\"channel_integrations\": {{\"<key>\": {{\"manifest_url\": \"https://…\"}}}}}}), \
                 or Zendesk installs no integration with it",
                package_dir.display()
            )
        } else {
            format!("cannot read {}: {e}", path.display())
        }
    })?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A manifest URL as Zendesk takes one from `requirements.json`: absolute and `https`.
pub fn parse_manifest_url(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw.trim()).map_err(|e| format!("{raw:?} is not a URL: {e}"))?;
    if url.scheme() != "https" || url.host_str().is_none() {
        return Err(format!(
            "{raw:?} must be an https:// URL, as Zendesk requires"
        ));
    }
    Ok(url)
}

/// Reads `<package>/requirements.json` if the package has one: `None` for an app that declares
/// no channel integration (any ZAF app), an error for a file Zendesk would refuse.
pub fn read_optional(package_dir: &Path) -> Result<Option<ChannelRequirement>, String> {
    if !package_dir.join(FILE).exists() {
        return Ok(None);
    }
    read(package_dir).map(Some)
}

/// The rules Zendesk applies on install: one channel integration, with an `https` manifest URL.
pub fn parse(text: &str) -> Result<ChannelRequirement, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Some(object) = value.as_object() else {
        return Err("must be a JSON object".into());
    };
    let Some(channels) = object.get("channel_integrations") else {
        return Err("declares no channel_integrations".into());
    };
    let Some(channels) = channels.as_object() else {
        return Err("channel_integrations must be an object".into());
    };
    let mut entries = channels.iter();
    let (key, entry) = match (entries.next(), entries.next()) {
        (Some(one), None) => one,
        (None, _) => return Err("channel_integrations is empty".into()),
        (Some(_), Some(_)) => {
            return Err(format!(
                "channel_integrations has {} entries; an app may declare only one",
                channels.len()
            ));
        }
    };
    let raw = entry
        .get("manifest_url")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("channel_integrations.{key} has no manifest_url string"))?;
    let manifest_url =
        Url::parse(raw).map_err(|e| format!("manifest_url {raw:?} is not a URL: {e}"))?;
    if manifest_url.scheme() != "https" {
        return Err(format!("manifest_url {raw:?} must be https"));
    }
    Ok(ChannelRequirement {
        key: key.clone(),
        manifest_url,
    })
}

/// What a package's `requirements.json` says for a manifest URL: what tests and a vendor write.
pub fn json_for(key: &str, manifest_url: &str) -> String {
    serde_json::json!({"channel_integrations": {key: {"manifest_url": manifest_url}}}).to_string()
}

/// Points a package at an integration served on this machine, on a free port that this returns
/// (for the sandbox's `integration_port`): writes `requirements.json` into `package_dir` (a copy,
/// then), as a vendor's new app version names a new URL. Keeps the package's key if it has one.
pub fn point_at_free_port(package_dir: &Path) -> std::io::Result<u16> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let key = read(package_dir)
        .map(|r| r.key)
        .unwrap_or_else(|_| "heart_instagram".into());
    let url = format!("https://localhost:{port}/manifest.json");
    std::fs::write(package_dir.join(FILE), json_for(&key, &url))?;
    Ok(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_one_channel_integration() {
        let r = parse(&json_for(
            "heart_instagram",
            "https://localhost:4569/manifest.json",
        ))
        .expect("valid");
        assert_eq!(r.key, "heart_instagram");
        assert_eq!(
            r.manifest_url.as_str(),
            "https://localhost:4569/manifest.json"
        );
    }

    #[test]
    fn refuses_what_zendesk_refuses() {
        for (text, why) in [
            ("[]", "object"),
            ("{}", "no channel_integrations"),
            (r#"{"channel_integrations": {}}"#, "empty"),
            (r#"{"channel_integrations": {"a": {}}}"#, "manifest_url"),
            (
                r#"{"channel_integrations": {"a": {"manifest_url": "http://x.example/m.json"}}}"#,
                "https",
            ),
            (
                r#"{"channel_integrations": {"a": {"manifest_url": "https://a/m"}, "b": {"manifest_url": "https://b/m"}}}"#,
                "only one",
            ),
            ("{", "not JSON"),
        ] {
            let err = parse(text).expect_err(text);
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn a_package_without_the_file_is_told_so() {
        let err = read(Path::new("/nonexistent-package")).expect_err("no file");
        assert!(err.contains("has no requirements.json"), "{err}");
    }
}
