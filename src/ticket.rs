//! What the app learns from Zendesk at start: the ticket, the agent's locale, the admin's
//! settings. The bridge hands over the ZAF client's answers as scalars, each read where its
//! field says ([`ContextAnswer`], [`MetadataAnswer`]); the rules that read them live here, so
//! they are tested natively.

use heart_contract::{
    ANY_CHANNEL, NOT_INTEGRATIONS, SetLike, Settings, SettingsError, StateQuery, TicketId, decimal,
};

use crate::zaf_data::{Path, Read, Scalar, whole_number};

/// `client.get`'s answer for the ticket's facts, as scalars (what Zendesk left out is
/// [`Scalar::Absent`]); the app asks for the names it reads ([`crate::zaf_data::asked`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContextAnswer {
    pub ticket_id: Scalar,
    pub external_id: Scalar,
    /// `ticket.via.channel`.
    pub via_channel: Scalar,
    pub locale: Scalar,
}

impl Read for ContextAnswer {
    fn read(at: &mut dyn FnMut(Path<'_>) -> Scalar) -> Self {
        ContextAnswer {
            ticket_id: at(&["ticket.id"]),
            external_id: at(&["ticket.externalId"]),
            via_channel: at(&["ticket.via", "channel"]),
            locale: at(&["currentUser.locale"]),
        }
    }
}

/// `client.metadata().settings`, as scalars.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetadataAnswer {
    pub state_path: Scalar,
    pub like_path: Scalar,
}

impl Read for MetadataAnswer {
    fn read(at: &mut dyn FnMut(Path<'_>) -> Scalar) -> Self {
        MetadataAnswer {
            state_path: at(&["settings", "state_path"]),
            like_path: at(&["settings", "like_path"]),
        }
    }
}

impl MetadataAnswer {
    /// The settings as the admin left them, validated. Unset (null) settings take the defaults;
    /// a set one is used as typed and must be a valid `post_to_path`.
    pub fn settings(self) -> Result<Settings, SettingsError> {
        let raw = |v: Scalar| match v {
            Scalar::Str(s) => Some(s),
            // Not text, so no valid path; the message names it as well as it can.
            Scalar::Num(n) => Some(whole_number(n).map_or_else(|| "a number".into(), decimal)),
            _ => None,
        };
        let state = raw(self.state_path);
        let like = raw(self.like_path);
        Settings::from_raw(state.as_deref(), like.as_deref())
    }
}

/// How the ticket came in, as far as the app needs to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Channel {
    /// `any_channel`: created by a Channel framework integration; the proxy can serve it.
    Integration,
    /// A channel known not to be an integration (email, web form, API, …: the contract's
    /// `NOT_INTEGRATIONS`): nothing to ask.
    NotIntegration(String),
    /// Anything else: a via type the app does not know, a numeric via id, nothing at all. Ask
    /// the proxy, whose "no integration instance" answer settles it.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketContext {
    pub ticket: TicketId,
    pub external_id: Option<String>,
    pub channel: Channel,
    pub locale: Option<String>,
}

impl TicketContext {
    /// `None` when Zendesk gave no usable ticket id (the app is not on a ticket).
    pub fn from_answer(answer: ContextAnswer) -> Option<Self> {
        let id = match answer.ticket_id {
            Scalar::Num(n) => whole_number(n)?,
            Scalar::Str(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        let ticket = (id > 0).then_some(TicketId(id))?;
        // A numeric via id is not read as a channel: only a name is known.
        let channel = match answer.via_channel {
            Scalar::Str(c) if c.trim() == ANY_CHANNEL => Channel::Integration,
            Scalar::Str(c) if NOT_INTEGRATIONS.contains(&c.trim()) => {
                Channel::NotIntegration(c.trim().to_owned())
            }
            _ => Channel::Unknown,
        };
        Some(Self {
            ticket,
            external_id: answer.external_id.text(),
            channel,
            locale: answer.locale.text(),
        })
    }

    pub fn state_query(&self) -> StateQuery {
        StateQuery {
            ticket_id: decimal(self.ticket.0),
            external_id: self.external_id.clone(),
        }
    }

    pub fn set_like(&self, liked: bool) -> SetLike {
        SetLike {
            ticket_id: decimal(self.ticket.0),
            external_id: self.external_id.clone(),
            liked,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_asks_for_the_same_paths_early() {
        // The page's boot.js starts `client.get` before the wasm runs; the bridge reads its answer.
        let list: Vec<String> = asked::<ContextAnswer>()
            .iter()
            .map(|p| format!("\"{p}\""))
            .collect();
        let asked = format!("c.get([{}])", list.join(", "));
        assert_eq!(
            asked,
            r#"c.get(["ticket.id", "ticket.externalId", "ticket.via", "currentUser.locale"])"#
        );
        assert!(
            include_str!("boot.js").contains(&asked),
            "boot.js must ask for {asked}"
        );
    }

    #[test]
    fn each_fact_is_read_where_zendesk_answers_it() {
        let answer = ContextAnswer::read(&mut |path| match path {
            ["ticket.id"] => Scalar::Num(1.0),
            ["ticket.via", "channel"] => text("any_channel"),
            ["currentUser.locale"] => text("de"),
            _ => Scalar::Absent,
        });
        assert_eq!(answer.ticket_id, Scalar::Num(1.0));
        assert_eq!(answer.via_channel, text("any_channel"));
        assert_eq!(answer.locale, text("de"));
        assert_eq!(
            answer.external_id,
            Scalar::Absent,
            "missing values are absent"
        );
        let settings = MetadataAnswer::read(&mut |path| match path {
            ["settings", "like_path"] => text("/like"),
            _ => Scalar::Null,
        });
        assert_eq!(settings.like_path, text("/like"));
        assert_eq!(settings.state_path, Scalar::Null);
    }

    use heart_contract::{PathError, Setting};

    use super::*;
    use crate::zaf_data::asked;

    fn text(s: &str) -> Scalar {
        Scalar::Str(s.into())
    }

    #[test]
    fn reads_a_channel_ticket() {
        let ctx = TicketContext::from_answer(ContextAnswer {
            ticket_id: Scalar::Num(62.0),
            external_id: text("ig:1789"),
            via_channel: text("any_channel"),
            locale: text("de"),
        })
        .expect("a ticket");
        assert_eq!(ctx.ticket, TicketId(62));
        assert_eq!(ctx.external_id.as_deref(), Some("ig:1789"));
        assert_eq!(ctx.channel, Channel::Integration);
        assert_eq!(ctx.locale.as_deref(), Some("de"));
        assert_eq!(
            ctx.state_query(),
            StateQuery {
                ticket_id: "62".into(),
                external_id: Some("ig:1789".into())
            }
        );
        assert_eq!(
            ctx.set_like(false),
            SetLike {
                ticket_id: "62".into(),
                external_id: Some("ig:1789".into()),
                liked: false
            }
        );
    }

    #[test]
    fn tolerates_what_zendesk_may_leave_out_or_vary() {
        let ctx = TicketContext::from_answer(ContextAnswer {
            ticket_id: text(" 64 "),
            ..ContextAnswer::default()
        })
        .expect("a ticket");
        assert_eq!(ctx.ticket, TicketId(64));
        assert_eq!(ctx.external_id, None);
        assert_eq!(ctx.channel, Channel::Unknown);
        assert_eq!(ctx.locale, None);
        let email = TicketContext::from_answer(ContextAnswer {
            ticket_id: Scalar::Num(63.0),
            via_channel: text("email"),
            external_id: text("  "),
            ..ContextAnswer::default()
        })
        .expect("a ticket");
        assert_eq!(email.channel, Channel::NotIntegration("email".into()));
        assert_eq!(email.external_id, None, "blank is none");
        let numeric = TicketContext::from_answer(ContextAnswer {
            ticket_id: Scalar::Num(1.0),
            external_id: Scalar::Num(17895.0),
            ..ContextAnswer::default()
        })
        .expect("a ticket");
        assert_eq!(numeric.external_id.as_deref(), Some("17895"));
    }

    #[test]
    fn only_known_non_integration_channels_are_settled_without_the_proxy() {
        let channel = |via: Scalar| {
            TicketContext::from_answer(ContextAnswer {
                ticket_id: Scalar::Num(5.0),
                via_channel: via,
                ..ContextAnswer::default()
            })
            .expect("a ticket")
            .channel
        };
        for known in ["email", "web", "api", "web_widget", "voice", " chat "] {
            assert_eq!(
                channel(text(known)),
                Channel::NotIntegration(known.trim().into()),
                "{known}"
            );
        }
        assert_eq!(channel(text("any_channel")), Channel::Integration);
        // What the app does not know is asked about, never guessed at.
        for unknown in [
            text("instagram_dm"),
            text("ANY_CHANNEL"),
            text(""),
            Scalar::Num(46.0),
            Scalar::Num(4.0),
            Scalar::Absent,
            Scalar::Null,
            Scalar::Bool(true),
        ] {
            assert_eq!(channel(unknown.clone()), Channel::Unknown, "{unknown:?}");
        }
    }

    #[test]
    fn no_usable_ticket_id_means_no_ticket() {
        for bad in [
            Scalar::Absent,
            Scalar::Other,
            Scalar::Num(0.0),
            Scalar::Num(-3.0),
            Scalar::Num(1.5),
            Scalar::Num(f64::NAN),
            Scalar::Num(1e300),
            text("abc"),
            text("0"),
        ] {
            let answer = ContextAnswer {
                ticket_id: bad.clone(),
                ..ContextAnswer::default()
            };
            assert_eq!(TicketContext::from_answer(answer), None, "{bad:?}");
        }
    }

    #[test]
    fn settings_default_when_unset_and_are_checked_when_set() {
        assert_eq!(
            MetadataAnswer::default().settings().expect("defaults"),
            Settings::default()
        );
        let err = MetadataAnswer {
            state_path: text("/s"),
            like_path: text("//evil/like"),
        }
        .settings()
        .expect_err("protocol-relative");
        assert_eq!(err.setting, Setting::LikePath);
        assert_eq!(err.error, PathError::ProtocolRelative);
        let err = MetadataAnswer {
            state_path: Scalar::Num(5.0),
            like_path: Scalar::Null,
        }
        .settings()
        .expect_err("a number is no path");
        assert_eq!(err.setting, Setting::StatePath);
        assert_eq!(err.value, "5");
    }
}
