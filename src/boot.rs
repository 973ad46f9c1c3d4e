//! Start-up: what the app does on this ticket, decided from what Zendesk answered.
//!
//! The `use_like_state` hook asks Zendesk (`client.get`, then `client.metadata()` when it is
//! needed) and hands each answer, or its failure, to the functions here; they decide the
//! agent's language and whether the app works, hides or says why it cannot. Pure: tested
//! natively.

use heart_contract::{NO_INSTANCE_ERROR, Settings, SettingsError};

use crate::i18n::Lang;
use crate::ticket::{Channel, ContextAnswer, MetadataAnswer, TicketContext};
use crate::value::Scalar;

/// What the app needs to make calls for one ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub ticket: TicketContext,
    pub settings: Settings,
}

/// Why the app cannot work here, though it does not hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// `ZAFClient.init()` gave no client: the page is not inside Zendesk.
    NotInZendesk,
    /// Zendesk did not tell which ticket this is (`client.get` failed or gave no ticket id).
    NoContext,
    /// `client.metadata()` failed: the app has no settings to call with.
    NoSettings,
}

/// Why the app hid itself; logged to the console for the admin who wonders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HideReason {
    /// `ticket.via.channel` names a channel that is never an integration.
    NotAnIntegration(String),
    /// The proxy answered that no integration instance created the ticket.
    NoInstance,
}

impl HideReason {
    pub fn explain(&self) -> String {
        match self {
            HideReason::NotAnIntegration(via) => format!(
                "the ticket came in via \"{via}\", which is not a Channel framework integration"
            ),
            HideReason::NoInstance => format!(
                "the Any Channel proxy answered 404 {NO_INSTANCE_ERROR} for the read: no integration instance created this ticket"
            ),
        }
    }
}

/// The outcome of start-up: what Zendesk told the app about this ticket and its settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Boot {
    Active(Session),
    /// Known not to be a ticket of a channel integration.
    Hidden(HideReason),
    Misconfigured(SettingsError),
    Unavailable(Unavailable),
}

/// After `client.get` (`None`: it failed): the agent's language, and either the ticket, whose
/// settings are needed next, or the outcome already.
pub fn after_context(answer: Option<Vec<Scalar>>) -> (Lang, Result<TicketContext, Boot>) {
    let Some(ticket) = answer
        .map(ContextAnswer::from_values)
        .and_then(TicketContext::from_answer)
    else {
        return (Lang::En, Err(Boot::Unavailable(Unavailable::NoContext)));
    };
    let lang = ticket
        .locale
        .as_deref()
        .map(Lang::for_locale)
        .unwrap_or_default();
    if let Channel::NotIntegration(via) = &ticket.channel {
        let why = HideReason::NotAnIntegration(via.clone());
        return (lang, Err(Boot::Hidden(why)));
    }
    (lang, Ok(ticket))
}

/// After `client.metadata()` (`None`: it failed), for `ticket`.
pub fn after_metadata(ticket: TicketContext, answer: Option<Vec<Scalar>>) -> Boot {
    match answer.map(|values| MetadataAnswer::from_values(values).settings()) {
        Some(Ok(settings)) => Boot::Active(Session { ticket, settings }),
        Some(Err(error)) => Boot::Misconfigured(error),
        None => Boot::Unavailable(Unavailable::NoSettings),
    }
}

#[cfg(test)]
mod tests {
    use heart_contract::{PathError, Setting, TicketId};

    use super::*;

    fn text(s: &str) -> Scalar {
        Scalar::Str(s.into())
    }

    fn context(id: Scalar, via: &str, locale: &str) -> Option<Vec<Scalar>> {
        Some(vec![id, text("ig:1"), text(via), text(locale)])
    }

    #[test]
    fn a_channel_ticket_goes_on_to_the_settings_in_the_agents_language() {
        let (lang, next) = after_context(context(Scalar::Num(62.0), "any_channel", "de-DE"));
        assert_eq!(lang, Lang::De);
        let ticket = next.expect("a ticket");
        assert_eq!(ticket.ticket, TicketId(62));
        assert_eq!(ticket.external_id.as_deref(), Some("ig:1"));
        // An unknown channel is asked about through the proxy, not hidden.
        let (_, next) = after_context(context(Scalar::Num(7.0), "instagram_dm", "en"));
        assert!(next.is_ok());
    }

    #[test]
    fn zendesks_own_channels_hide_at_once_in_the_agents_language() {
        let (lang, next) = after_context(context(Scalar::Num(63.0), "email", "ja"));
        assert_eq!(lang, Lang::Ja);
        assert_eq!(
            next,
            Err(Boot::Hidden(HideReason::NotAnIntegration("email".into())))
        );
    }

    #[test]
    fn no_ticket_and_a_failed_get_are_told_as_no_context() {
        for answer in [None, context(Scalar::Absent, "any_channel", "de")] {
            let (lang, next) = after_context(answer.clone());
            assert_eq!(lang, Lang::En, "{answer:?}");
            assert_eq!(
                next,
                Err(Boot::Unavailable(Unavailable::NoContext)),
                "{answer:?}"
            );
        }
    }

    #[test]
    fn a_failed_metadata_is_not_a_missing_ticket() {
        let ticket = after_context(context(Scalar::Num(62.0), "any_channel", "en"))
            .1
            .expect("a ticket");
        assert_eq!(
            after_metadata(ticket.clone(), None),
            Boot::Unavailable(Unavailable::NoSettings)
        );
        assert_eq!(
            after_metadata(ticket.clone(), Some(vec![])),
            Boot::Active(Session {
                ticket: ticket.clone(),
                settings: Settings::default()
            }),
            "unset settings take the defaults"
        );
        let Boot::Misconfigured(error) =
            after_metadata(ticket, Some(vec![text("/s"), text("//evil/like")]))
        else {
            panic!("a bad setting is a misconfiguration");
        };
        assert_eq!(error.setting, Setting::LikePath);
        assert_eq!(error.error, PathError::ProtocolRelative);
    }

    #[test]
    fn the_console_says_why_the_app_hid() {
        assert!(
            HideReason::NotAnIntegration("email".into())
                .explain()
                .contains("\"email\"")
        );
        assert!(HideReason::NoInstance.explain().contains(NO_INSTANCE_ERROR));
    }
}
