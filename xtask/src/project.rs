//! Where things are, and the versions the repository pins.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The app's Cargo package (and the package's file name prefix).
pub const APP_PACKAGE: &str = "zendesk-heart";

pub struct Project {
    pub root: PathBuf,
    /// Build the shipped wasm with the pinned nightly, std rebuilt for size (default; `--stable`
    /// turns it off).
    pub nightly_size: bool,
    /// `--manifest-url`: the channel integration's manifest URL for this build, instead of the
    /// one in Cargo.toml.
    pub manifest_url: Option<String>,
}

/// The channel integration the package installs (its `requirements.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelIntegration {
    /// The requirement's identifier in `requirements.json`.
    pub key: String,
    /// Where Zendesk reads the integration's manifest.
    pub manifest_url: String,
}

/// Where the root Cargo.toml configures the Zendesk package.
pub const ZENDESK_METADATA: &str = "package.metadata.zendesk";

impl Project {
    pub fn locate(nightly_size: bool) -> Result<Self> {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest_dir
            .parent()
            .context("xtask's directory has no parent")?
            .to_path_buf();
        Ok(Self {
            root,
            nightly_size,
            manifest_url: None,
        })
    }

    pub fn target_dir(&self) -> PathBuf {
        self.root.join("target")
    }

    /// The built page, glue and wasm (what goes into the package's `assets/`).
    pub fn dist(&self) -> PathBuf {
        self.target_dir().join("dist")
    }

    /// Where the build stages wasm-bindgen's output and the minified glue and stylesheet.
    pub fn build_stage(&self) -> PathBuf {
        self.target_dir().join("build-stage")
    }

    /// The stylesheet as the build minified it (inlined into the page).
    pub fn minified_css(&self) -> PathBuf {
        self.build_stage().join("style.min.css")
    }

    pub fn zaf_sdk_bundle(&self) -> PathBuf {
        self.target_dir().join("zaf-sdk").join("zaf_sdk.min.js")
    }

    pub fn npm_dir(&self) -> PathBuf {
        self.root.join("xtask").join("npm")
    }

    pub fn read(&self, relative: &str) -> Result<String> {
        let path = self.root.join(relative);
        fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// `[package] version` of the root Cargo.toml.
    pub fn app_version(&self) -> Result<String> {
        let text = self.read("Cargo.toml")?;
        toml_string_in_table(&text, "package", "version")
            .context("Cargo.toml has no `version = \"…\"` in its [package] table")
    }

    /// `[package.metadata.zendesk]` of the root Cargo.toml, with `--manifest-url` applied.
    pub fn channel_integration(&self) -> Result<ChannelIntegration> {
        let text = self.read("Cargo.toml")?;
        channel_integration(&text, self.manifest_url.as_deref())
    }

    /// The `wasm-bindgen` version in Cargo.lock (the CLI must match it exactly).
    pub fn locked_wasm_bindgen(&self) -> Result<String> {
        let text = self.read("Cargo.lock")?;
        let versions = locked_versions(&text, "wasm-bindgen");
        match versions.as_slice() {
            [one] => Ok(one.clone()),
            [] => bail!("Cargo.lock has no `wasm-bindgen` package (is the app's dependency gone?)"),
            many => bail!(
                "Cargo.lock holds several wasm-bindgen versions {many:?}; the CLI can match only one"
            ),
        }
    }
}

/// The channel integration configured in a Cargo.toml's `[package.metadata.zendesk]`;
/// `manifest_url` overrides the one configured there.
pub fn channel_integration(
    cargo_toml: &str,
    manifest_url: Option<&str>,
) -> Result<ChannelIntegration> {
    let field = |key: &str| {
        toml_string_in_table(cargo_toml, ZENDESK_METADATA, key).filter(|v| !v.trim().is_empty())
    };
    let key = field("channel_integration_key").with_context(|| {
        format!("Cargo.toml has no `channel_integration_key = \"…\"` in [{ZENDESK_METADATA}]")
    })?;
    if !key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        bail!(
            "[{ZENDESK_METADATA}] channel_integration_key {key:?}: use letters, digits, `_` and `-`"
        );
    }
    let manifest_url = match manifest_url {
        Some(url) => url.to_string(),
        None => field("manifest_url").with_context(|| {
            format!(
                "Cargo.toml has no `manifest_url = \"https://…\"` in [{ZENDESK_METADATA}] (or pass --manifest-url)"
            )
        })?,
    };
    Ok(ChannelIntegration { key, manifest_url })
}

/// Versions of every `[[package]]` named `name` in a Cargo.lock.
pub fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block
                .lines()
                .take_while(|l| !l.starts_with('['))
                .find_map(|l| toml_string_value(l, key))
        };
        if field("name").as_deref() == Some(name)
            && let Some(v) = field("version")
        {
            out.push(v);
        }
    }
    out
}

/// `key = "value"` inside `[table]` of a simple TOML file (no inline tables, no multi-line strings).
pub fn toml_string_in_table(text: &str, table: &str, key: &str) -> Option<String> {
    let header = format!("[{table}]");
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == header;
            continue;
        }
        if inside && let Some(v) = toml_string_value(trimmed, key) {
            return Some(v);
        }
    }
    None
}

fn toml_string_value(line: &str, key: &str) -> Option<String> {
    let (k, v) = line.split_once('=')?;
    if k.trim() != key {
        return None;
    }
    let v = v.trim();
    // Strip a trailing comment after the closing quote.
    let v = v.strip_prefix('"')?;
    let end = v.find('"')?;
    Some(v[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_locked_versions() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cfg-if",
]

[[package]]
name = "wasm-bindgen-futures"
version = "0.4.50"
"#;
        assert_eq!(locked_versions(lock, "wasm-bindgen"), vec!["0.2.130"]);
        assert_eq!(
            locked_versions(lock, "wasm-bindgen-futures"),
            vec!["0.4.50"]
        );
        assert!(locked_versions(lock, "yew").is_empty());
    }

    #[test]
    fn reads_the_channel_integration() -> Result<()> {
        let toml = "[package]\nname = \"a\"\n\n[package.metadata.zendesk]\nchannel_integration_key = \"heart_instagram\"\nmanifest_url = \"https://localhost:4569/manifest.json\"\n\n[dependencies]\n";
        assert_eq!(
            channel_integration(toml, None)?,
            ChannelIntegration {
                key: "heart_instagram".into(),
                manifest_url: "https://localhost:4569/manifest.json".into()
            }
        );
        let overridden = channel_integration(toml, Some("https://integration.example/m.json"))?;
        assert_eq!(
            overridden.manifest_url,
            "https://integration.example/m.json"
        );
        assert!(channel_integration("[package]\nname = \"a\"\n", None).is_err());
        let bad_key = toml.replace("heart_instagram", "heart instagram");
        assert!(channel_integration(&bad_key, None).is_err());
        let no_url = toml.replace("manifest_url", "manifest");
        assert!(channel_integration(&no_url, None).is_err());
        assert!(channel_integration(&no_url, Some("https://x.example/m.json")).is_ok());
        Ok(())
    }

    /// The repository's own Cargo.toml configures the integration the sandbox serves.
    #[test]
    fn the_repository_configures_its_channel_integration() -> Result<()> {
        let project = Project::locate(false)?;
        let integration = project.channel_integration()?;
        assert_eq!(integration.key, "heart_instagram");
        assert!(
            integration.manifest_url.starts_with("https://"),
            "{integration:?}"
        );
        Ok(())
    }

    #[test]
    fn reads_table_string() {
        let toml = "[package]\nname = \"a\"\nversion = \"1.2.3\" # comment\n\n[tools]\nwasm_bindgen = \"0.2.130\"\n";
        assert_eq!(
            toml_string_in_table(toml, "package", "version").as_deref(),
            Some("1.2.3")
        );
        assert_eq!(
            toml_string_in_table(toml, "tools", "wasm_bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(toml_string_in_table(toml, "tools", "version"), None);
        assert_eq!(toml_string_in_table(toml, "build", "version"), None);
    }
}
