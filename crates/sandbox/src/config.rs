//! The sandbox's configuration: a TOML file whose every field has a default.

use std::collections::BTreeMap;
use std::path::Path;

use heart_contract::{DEFAULT_LIKE_PATH, DEFAULT_STATE_PATH, Setting};
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
    /// The reference integration service (HTTPS).
    pub integration_port: u16,
    /// The mock Instagram's API (plain HTTP on loopback), which the integration calls.
    pub origin_port: u16,
    /// How long the mock Instagram's API takes to answer each call.
    pub origin_latency_ms: u64,
    /// How long the reference integration caches what a read needs from the origin. 0 (the
    /// default): never, so the sandbox's "another agent likes it" shows on the next read.
    pub integration_cache_ttl_ms: u64,
    /// The host name the agent's browser uses for the Zendesk host (`localhost`, while the app
    /// is served on `127.0.0.1`, so the two are different origins).
    pub host_name: String,
    /// How long the proxy waits for the integration service.
    pub proxy_timeout_ms: u64,
    /// How often Zendesk pulls every account (Zendesk: about every 2 minutes). 0: never by
    /// itself, only on "Pull now".
    pub pull_interval_ms: u64,
    /// Pulled resources that start a ticket get the first free id from here on.
    pub first_ticket_id: u64,
    /// What the sandbox does at start, as an admin would.
    pub startup: Startup,
    /// `currentUser.locale` (and the admin's locale on the admin pages).
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
    /// Tickets that did not come from a pull (e.g. email).
    pub tickets: Vec<Ticket>,
    /// The mock origin's accounts ("Instagram"), by account name.
    pub accounts: BTreeMap<String, Account>,
}

/// The start-up script: install the app, add accounts through the integration's own admin UI
/// (its HTML form, filled in and submitted), pull once.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Startup {
    /// Install the app: read its `requirements.json`, fetch and validate the integration manifest.
    pub install: bool,
    /// Accounts to add, in order.
    pub accounts: Vec<StartupAccount>,
    /// Pull every account once, after adding them.
    pub pull: bool,
}

/// One account the start-up script adds through the admin UI.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StartupAccount {
    /// The account's name in Zendesk (the admin UI's `name` field).
    pub name: String,
    /// What to type into the admin UI's form, by field name.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    pub id: u64,
    pub subject: String,
    pub requester: String,
    pub description: String,
    /// e.g. `email`; `any_channel` only with an `instance`.
    pub channel: String,
    /// For an `any_channel` ticket listed here rather than pulled: the name of the account
    /// (integration instance) it belongs to, one the start-up script adds.
    #[serde(default)]
    pub instance: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// A token the integration may present.
    pub token: String,
    /// More valid tokens (one per connected app, say).
    #[serde(default)]
    pub other_tokens: Vec<String>,
    /// The origin revokes every token of this account once the start-up script is done, as
    /// when its owner takes an app's access away.
    #[serde(default)]
    pub revoke_after_startup: bool,
    /// How the origin shows the account (its display handle); `@<account>` when absent. The
    /// integration's admin UI stores it in the instance's metadata, and the like answers name it.
    #[serde(default)]
    pub handle: Option<String>,
    /// The account's own photos.
    pub photos: Vec<Photo>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Photo {
    pub id: String,
    #[serde(default)]
    pub caption: String,
    /// Likes, the owner's own included when `liked`.
    #[serde(default)]
    pub like_count: u64,
    /// Whether the owner likes it.
    #[serde(default)]
    pub liked: bool,
    /// Accounts the photo mentions (their integration may act on it too).
    #[serde(default)]
    pub mentions: Vec<String>,
    /// Comments already there, oldest first; a pull turns them into tickets.
    #[serde(default)]
    pub comments: Vec<CommentSeed>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommentSeed {
    pub id: String,
    pub author: String,
    pub text: String,
}

pub const OMNIWEAR_TOKEN: &str = "omniwear-sandbox-token";
pub const OUTDOOR_TOKEN: &str = "omniwear-outdoor-token";

impl Default for Startup {
    fn default() -> Self {
        let account = |name: &str, account: &str, token: &str| StartupAccount {
            name: name.into(),
            fields: [("account", account), ("token", token)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        };
        Self {
            install: true,
            accounts: vec![
                account("Omniwear", "omniwear", OMNIWEAR_TOKEN),
                account("Omniwear Outdoor", "omniwear-outdoor", OUTDOOR_TOKEN),
            ],
            pull: true,
        }
    }
}

impl Startup {
    /// Nothing at start: no app installed, no account, no pull.
    pub fn empty() -> Self {
        Self {
            install: false,
            accounts: Vec::new(),
            pull: false,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        let mut settings = BTreeMap::new();
        settings.insert(Setting::StatePath.name().into(), DEFAULT_STATE_PATH.into());
        settings.insert(Setting::LikePath.name().into(), DEFAULT_LIKE_PATH.into());
        let tickets = vec![Ticket {
            id: 63,
            subject: "Order #1042 arrived damaged".into(),
            requester: "sam@example.com".into(),
            description: "The box was crushed and one shoe is scuffed.".into(),
            channel: "email".into(),
            instance: None,
            external_id: None,
        }];
        let comment = |id: &str, author: &str, text: &str| CommentSeed {
            id: id.into(),
            author: author.into(),
            text: text.into(),
        };
        let photo = |id: &str, caption: &str, like_count, liked, comments| Photo {
            id: id.into(),
            caption: caption.into(),
            like_count,
            liked,
            mentions: Vec::new(),
            comments,
        };
        let mut accounts = BTreeMap::new();
        accounts.insert(
            "omniwear".into(),
            Account {
                token: OMNIWEAR_TOKEN.into(),
                other_tokens: Vec::new(),
                revoke_after_startup: false,
                handle: None,
                photos: vec![
                    photo(
                        "ig:17895695668004550",
                        "Red runners, autumn drop",
                        41,
                        false,
                        vec![comment(
                            "17950000000000001",
                            "@lena.runs",
                            "Do you ship the red runners to Norway?",
                        )],
                    ),
                    photo(
                        "ig:17841400008460056",
                        "Trail shoe in moss green",
                        128,
                        true,
                        vec![comment(
                            "17950000000000002",
                            "@kofi.trail",
                            "Love the new colourway!",
                        )],
                    ),
                ],
            },
        );
        accounts.insert(
            "omniwear-outdoor".into(),
            Account {
                token: OUTDOOR_TOKEN.into(),
                other_tokens: Vec::new(),
                revoke_after_startup: true,
                handle: None,
                photos: vec![photo(
                    "ig:17860000000000001",
                    "Storm jacket",
                    7,
                    false,
                    vec![comment(
                        "17950000000000003",
                        "@mira.outdoors",
                        "Is this jacket waterproof?",
                    )],
                )],
            },
        );
        accounts.insert(
            "lena.runs".into(),
            Account {
                token: "lena-runs-token".into(),
                other_tokens: Vec::new(),
                revoke_after_startup: false,
                handle: None,
                photos: vec![Photo {
                    mentions: vec!["omniwear".into()],
                    ..photo(
                        "ig:17870000000000077",
                        "Morning run in my new @omniwear runners",
                        12,
                        false,
                        Vec::new(),
                    )
                }],
            },
        );
        accounts.insert(
            "stridewear".into(),
            Account {
                token: "stridewear-token".into(),
                other_tokens: Vec::new(),
                revoke_after_startup: false,
                handle: None,
                photos: vec![photo(
                    "ig:17900000000000042",
                    "Stridewear spring line",
                    230,
                    false,
                    Vec::new(),
                )],
            },
        );
        Self {
            bind: "127.0.0.1".into(),
            host_port: 4567,
            app_port: 4568,
            integration_port: 4569,
            origin_port: 4570,
            origin_latency_ms: 0,
            integration_cache_ttl_ms: 0,
            host_name: "localhost".into(),
            proxy_timeout_ms: 10_000,
            pull_interval_ms: 5_000,
            first_ticket_id: 62,
            startup: Startup::default(),
            locale: "en-US".into(),
            color_scheme: "light".into(),
            activate_on_load: true,
            wasm_octet_stream: false,
            settings,
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
        self.origin_port = 0;
        self
    }

    pub fn validate(&self) -> Result<(), String> {
        if !matches!(self.color_scheme.as_str(), "light" | "dark") {
            return Err(format!(
                "color_scheme must be \"light\" or \"dark\", not {:?}",
                self.color_scheme
            ));
        }
        if self.first_ticket_id == 0 {
            return Err("first_ticket_id must be at least 1".into());
        }
        let mut names = std::collections::BTreeSet::new();
        for a in &self.startup.accounts {
            if a.name.trim().is_empty() {
                return Err("a startup account needs a name".into());
            }
            if !names.insert(a.name.as_str()) {
                return Err(format!("startup account {:?} is listed twice", a.name));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.tickets {
            if !seen.insert(t.id) {
                return Err(format!("ticket {} is listed twice", t.id));
            }
            if let Some(instance) = &t.instance
                && !names.contains(instance.as_str())
            {
                return Err(format!(
                    "ticket {} names the unknown instance {instance:?} (not one of startup.accounts)",
                    t.id
                ));
            }
        }
        for (name, a) in &self.accounts {
            for p in &a.photos {
                if let Some(m) = p.mentions.iter().find(|m| !self.accounts.contains_key(*m)) {
                    return Err(format!(
                        "photo {} of {name} mentions the unknown account {m:?}",
                        p.id
                    ));
                }
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
        assert!(c.ticket(63).is_some());
        assert_eq!(c.startup.accounts.len(), 2);
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
        assert!(Config::from_toml("[startup]\npull = false\n").is_ok());
        let err = Config::from_toml(bad).expect_err("unknown instance");
        assert!(err.contains("nope"), "{err}");
    }
}
