//! The sandbox's configuration: a TOML file whose every field has a default.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Everything the sandbox seeds and where it listens.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The address every listener binds to.
    pub bind: String,
    /// The Zendesk host (agent pages and the proxy). 0 picks a free port.
    pub host_port: u16,
    /// The app's origin (the app package's `assets/`), deliberately another origin than the host.
    pub app_port: u16,
    /// The reference integration service.
    pub integration_port: u16,
    /// The host name the agent's browser uses for the Zendesk host (`localhost`, while the app
    /// is served on `127.0.0.1`, so the two are different origins).
    pub host_name: String,
    /// How long the proxy waits for the integration service.
    pub proxy_timeout_ms: u64,
    /// Point the proxy at another integration service's Channel-framework manifest (e.g. one
    /// you are developing) instead of the built-in reference service.
    pub integration_manifest_url: Option<String>,
    /// `currentUser.locale`.
    pub locale: String,
    /// `colorScheme` at load: `light` or `dark`.
    pub color_scheme: String,
    /// Fire `app.activated` with `{firstLoad: true}` once the app listens for it after load.
    pub activate_on_load: bool,
    /// Serve the package's `.wasm` as `application/octet-stream`, as an asset host that does not
    /// know `application/wasm` would (wasm-bindgen's loader then falls back to reading bytes).
    pub wasm_octet_stream: bool,
    /// The app's installation settings (`client.metadata().settings`).
    pub settings: BTreeMap<String, serde_json::Value>,
    /// Channel integration instances, by name.
    pub instances: BTreeMap<String, Instance>,
    pub tickets: Vec<Ticket>,
    /// The mock origin's business accounts ("Instagram"), by account name.
    pub accounts: BTreeMap<String, Account>,
}

/// A channel integration instance, as the admin set it up.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// The opaque string Zendesk passes as `instance_metadata`.
    pub metadata: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    pub id: u64,
    pub subject: String,
    pub requester: String,
    pub description: String,
    /// `any_channel` for tickets created by a channel integration, else e.g. `email`.
    pub channel: String,
    /// The integration instance that created the ticket (channel tickets only).
    #[serde(default)]
    pub instance: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The token the integration must present.
    pub token: String,
    pub photos: Vec<Photo>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Photo {
    pub id: String,
    #[serde(default)]
    pub caption: String,
    /// Likes by other accounts.
    #[serde(default)]
    pub like_count: u64,
    /// Whether this business account likes it.
    #[serde(default)]
    pub liked: bool,
}

pub const OMNIWEAR_TOKEN: &str = "omniwear-sandbox-token";

impl Default for Config {
    fn default() -> Self {
        let mut settings = BTreeMap::new();
        settings.insert("state_path".into(), "/like_state".into());
        settings.insert("like_path".into(), "/like".into());
        let mut instances = BTreeMap::new();
        instances.insert(
            "omniwear".into(),
            Instance {
                metadata: format!(r#"{{"account":"omniwear","token":"{OMNIWEAR_TOKEN}"}}"#),
            },
        );
        instances.insert(
            "omniwear-stale".into(),
            Instance {
                metadata: r#"{"account":"omniwear","token":"revoked-token"}"#.into(),
            },
        );
        let channel = |id, subject: &str, requester: &str, instance: &str, photo: &str| Ticket {
            id,
            subject: subject.into(),
            requester: requester.into(),
            description: format!("Comment on Instagram photo {photo}"),
            channel: "any_channel".into(),
            instance: Some(instance.into()),
            external_id: Some(photo.into()),
        };
        let tickets = vec![
            channel(
                62,
                "Do you ship the red runners to Norway?",
                "@lena.runs",
                "omniwear",
                "ig:17895695668004550",
            ),
            Ticket {
                id: 63,
                subject: "Order #1042 arrived damaged".into(),
                requester: "sam@example.com".into(),
                description: "The box was crushed and one shoe is scuffed.".into(),
                channel: "email".into(),
                instance: None,
                external_id: None,
            },
            channel(
                64,
                "Love the new colourway!",
                "@kofi.trail",
                "omniwear",
                "ig:17841400008460056",
            ),
            channel(
                65,
                "Is this jacket waterproof?",
                "@mira.outdoors",
                "omniwear-stale",
                "ig:17860000000000001",
            ),
        ];
        let mut accounts = BTreeMap::new();
        accounts.insert(
            "omniwear".into(),
            Account {
                token: OMNIWEAR_TOKEN.into(),
                photos: vec![
                    Photo {
                        id: "ig:17895695668004550".into(),
                        caption: "Red runners, autumn drop".into(),
                        like_count: 41,
                        liked: false,
                    },
                    Photo {
                        id: "ig:17841400008460056".into(),
                        caption: "Trail shoe in moss green".into(),
                        like_count: 128,
                        liked: true,
                    },
                    Photo {
                        id: "ig:17860000000000001".into(),
                        caption: "Storm jacket".into(),
                        like_count: 7,
                        liked: false,
                    },
                ],
            },
        );
        Self {
            bind: "127.0.0.1".into(),
            host_port: 4567,
            app_port: 4568,
            integration_port: 4569,
            host_name: "localhost".into(),
            proxy_timeout_ms: 10_000,
            integration_manifest_url: None,
            locale: "en-US".into(),
            color_scheme: "light".into(),
            activate_on_load: true,
            wasm_octet_stream: false,
            settings,
            instances,
            tickets,
            accounts,
        }
    }
}

impl Config {
    /// Reads a TOML file; fields it leaves out keep their defaults.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn from_toml(text: &str) -> Result<Self, String> {
        let config: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    /// The same config on free ports: what tests use.
    pub fn on_free_ports(mut self) -> Self {
        self.host_port = 0;
        self.app_port = 0;
        self.integration_port = 0;
        self
    }

    pub fn validate(&self) -> Result<(), String> {
        if !matches!(self.color_scheme.as_str(), "light" | "dark") {
            return Err(format!(
                "color_scheme must be \"light\" or \"dark\", not {:?}",
                self.color_scheme
            ));
        }
        if let Some(url) = &self.integration_manifest_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!(
                "integration_manifest_url must be an http(s) URL, not {url:?}"
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.tickets {
            if !seen.insert(t.id) {
                return Err(format!("ticket {} is listed twice", t.id));
            }
            if let Some(instance) = &t.instance
                && !self.instances.contains_key(instance)
            {
                return Err(format!(
                    "ticket {} names the unknown instance {instance:?}",
                    t.id
                ));
            }
        }
        Ok(())
    }

    pub fn ticket(&self, id: u64) -> Option<&Ticket> {
        self.tickets.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_a_partial_file_keeps_them() {
        Config::default().validate().expect("defaults");
        let c = Config::from_toml("host_port = 5000\nlocale = \"de\"\n").expect("partial");
        assert_eq!(c.host_port, 5000);
        assert_eq!(c.locale, "de");
        assert_eq!(c.app_port, 4568);
        assert!(c.ticket(62).is_some());
    }

    #[test]
    fn the_example_file_spells_out_the_defaults() {
        let example = Config::from_toml(include_str!("../sandbox.example.toml")).expect("example");
        let as_json = |c: &Config| serde_json::to_value(c).expect("json");
        assert_eq!(as_json(&example), as_json(&Config::default()));
    }

    #[test]
    fn mistakes_are_reported() {
        assert!(Config::from_toml("color_scheme = \"blue\"").is_err());
        assert!(Config::from_toml("hostport = 1").is_err());
        let bad = "[[tickets]]\nid = 1\nsubject = \"s\"\nrequester = \"r\"\ndescription = \"d\"\nchannel = \"any_channel\"\ninstance = \"nope\"\n";
        let err = Config::from_toml(bad).expect_err("unknown instance");
        assert!(err.contains("nope"), "{err}");
    }
}
