//! What the app learns from Zendesk at start: the ticket, the agent's locale, the admin's
//! settings. Parsed from the ZAF client's answers with serde, so the rules are tested natively.

use heart_contract::{SetLike, Settings, SettingsError, StateQuery, TicketId};
use serde::Deserialize;
use serde::de::IgnoredAny;

/// The ZAF paths the app asks for in one `client.get`.
pub const CONTEXT_PATHS: [&str; 4] = [
    "ticket.id",
    "ticket.externalId",
    "ticket.via",
    "currentUser.locale",
];

/// A value whose type Zendesk does not promise: kept when it is a string or number, else dropped.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Loose {
    Str(String),
    Num(f64),
    Other(IgnoredAny),
}

impl Loose {
    fn into_text(self) -> Option<String> {
        match self {
            Loose::Str(s) if !s.trim().is_empty() => Some(s),
            Loose::Num(n) if n.is_finite() => Some(n.to_string()),
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum LooseVia {
    Via {
        #[serde(default)]
        channel: Option<Loose>,
    },
    Other(IgnoredAny),
}

/// `client.get(CONTEXT_PATHS)`; failed paths are missing here (ZAF lists them under `errors`).
#[derive(Debug, Default, Deserialize)]
pub struct ContextAnswer {
    #[serde(rename = "ticket.id", default)]
    pub ticket_id: Option<Loose>,
    #[serde(rename = "ticket.externalId", default)]
    pub external_id: Option<Loose>,
    #[serde(rename = "ticket.via", default)]
    pub via: Option<LooseVia>,
    #[serde(rename = "currentUser.locale", default)]
    pub locale: Option<Loose>,
}

/// `client.metadata()`: only the settings matter here.
#[derive(Debug, Default, Deserialize)]
pub struct MetadataAnswer {
    #[serde(default)]
    pub settings: Option<RawSettings>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawSettings {
    #[serde(default)]
    pub state_path: Option<Loose>,
    #[serde(default)]
    pub like_path: Option<Loose>,
}

impl MetadataAnswer {
    /// The settings as the admin left them, validated. Unset (null) settings take the defaults;
    /// a set one must be a valid `post_to_path`.
    pub fn settings(self) -> Result<Settings, SettingsError> {
        let raw = self.settings.unwrap_or_default();
        let text = |v: Option<Loose>| match v {
            Some(Loose::Str(s)) => Some(s),
            Some(Loose::Num(n)) => Some(n.to_string()),
            _ => None,
        };
        let state = text(raw.state_path);
        let like = text(raw.like_path);
        Settings::from_raw(state.as_deref(), like.as_deref())
    }
}

/// How the ticket came in, as far as the app needs to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Channel {
    /// Created by a Channel framework integration: the proxy can serve it.
    Integration,
    /// Email, web form, …: no integration instance, so the app has nothing to show.
    Other(String),
    /// Zendesk did not say: ask the proxy, whose 404 settles it.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketContext {
    pub ticket: TicketId,
    pub external_id: Option<String>,
    pub channel: Channel,
    pub locale: Option<String>,
}

/// Zendesk's channel name for tickets made through the Channel framework.
pub const INTEGRATION_CHANNEL: &str = "any_channel";

impl TicketContext {
    /// `None` when Zendesk gave no usable ticket id (the app is not on a ticket).
    pub fn from_answer(answer: ContextAnswer) -> Option<Self> {
        let ticket = match answer.ticket_id? {
            Loose::Num(n) if n.fract() == 0.0 && (1.0..=9_007_199_254_740_991.0).contains(&n) => {
                TicketId(n as u64)
            }
            Loose::Str(s) => TicketId(s.trim().parse().ok().filter(|id| *id > 0)?),
            _ => return None,
        };
        let channel = match answer.via.and_then(|via| match via {
            LooseVia::Via { channel } => channel.and_then(Loose::into_text),
            LooseVia::Other(_) => None,
        }) {
            Some(c) if c == INTEGRATION_CHANNEL => Channel::Integration,
            Some(other) => Channel::Other(other),
            None => Channel::Unknown,
        };
        Some(Self {
            ticket,
            external_id: answer.external_id.and_then(Loose::into_text),
            channel,
            locale: answer.locale.and_then(Loose::into_text),
        })
    }

    pub fn state_query(&self) -> StateQuery {
        StateQuery {
            ticket_id: self.ticket.to_string(),
            external_id: self.external_id.clone(),
        }
    }

    pub fn set_like(&self, liked: bool) -> SetLike {
        SetLike {
            ticket_id: self.ticket.to_string(),
            external_id: self.external_id.clone(),
            liked,
        }
    }
}

#[cfg(test)]
mod tests {
    use heart_contract::{PathError, Setting};
    use serde_json::json;

    use super::*;

    fn context(v: serde_json::Value) -> Option<TicketContext> {
        TicketContext::from_answer(serde_json::from_value(v).expect("any object parses"))
    }

    #[test]
    fn reads_a_channel_ticket() {
        let ctx = context(json!({
            "ticket.id": 62,
            "ticket.externalId": "ig:1789",
            "ticket.via": {"channel": "any_channel", "source": {"rel": null}},
            "currentUser.locale": "de",
            "errors": {}
        }))
        .expect("a ticket");
        assert_eq!(ctx.ticket, TicketId(62));
        assert_eq!(ctx.external_id.as_deref(), Some("ig:1789"));
        assert_eq!(ctx.channel, Channel::Integration);
        assert_eq!(ctx.locale.as_deref(), Some("de"));
        assert_eq!(
            serde_json::to_value(ctx.state_query()).expect("json"),
            json!({"ticket_id": "62", "external_id": "ig:1789"})
        );
        assert_eq!(
            serde_json::to_value(ctx.set_like(false)).expect("json"),
            json!({"ticket_id": "62", "external_id": "ig:1789", "liked": false})
        );
    }

    #[test]
    fn tolerates_what_zendesk_may_leave_out_or_vary() {
        let ctx = context(json!({
            "ticket.id": "64",
            "ticket.externalId": null,
            "ticket.via": "web",
            "errors": {"currentUser.locale": {"message": "nope"}}
        }))
        .expect("a ticket");
        assert_eq!(ctx.ticket, TicketId(64));
        assert_eq!(ctx.external_id, None);
        assert_eq!(ctx.channel, Channel::Unknown);
        assert_eq!(ctx.locale, None);
        assert_eq!(
            serde_json::to_value(ctx.state_query()).expect("json"),
            json!({"ticket_id": "64", "external_id": null})
        );
        let email = context(json!({"ticket.id": 63, "ticket.via": {"channel": "email"}}))
            .expect("a ticket");
        assert_eq!(email.channel, Channel::Other("email".into()));
        let numeric_external =
            context(json!({"ticket.id": 1, "ticket.externalId": 17895})).expect("a ticket");
        assert_eq!(numeric_external.external_id.as_deref(), Some("17895"));
    }

    #[test]
    fn no_usable_ticket_id_means_no_ticket() {
        for bad in [
            json!({}),
            json!({"ticket.id": null}),
            json!({"ticket.id": 0}),
            json!({"ticket.id": -3}),
            json!({"ticket.id": 1.5}),
            json!({"ticket.id": "abc"}),
            json!({"ticket.id": {"id": 1}}),
        ] {
            assert_eq!(context(bad.clone()), None, "{bad}");
        }
    }

    #[test]
    fn settings_default_when_unset_and_are_checked_when_set() {
        let parse = |v: serde_json::Value| {
            serde_json::from_value::<MetadataAnswer>(v)
                .expect("parses")
                .settings()
        };
        let defaults = parse(json!({"appId": 1})).expect("defaults");
        assert_eq!(defaults, Settings::default());
        let nulls = parse(json!({"settings": {"state_path": null, "like_path": null}}))
            .expect("null is unset");
        assert_eq!(nulls, Settings::default());
        let err = parse(json!({"settings": {"state_path": "/s", "like_path": "//evil/like"}}))
            .expect_err("protocol-relative");
        assert_eq!(err.setting, Setting::LikePath);
        assert_eq!(err.error, PathError::ProtocolRelative);
        let err = parse(json!({"settings": {"state_path": 5}})).expect_err("a number");
        assert_eq!(err.setting, Setting::StatePath);
    }
}
