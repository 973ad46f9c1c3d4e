//! Start-up: what the app does on this ticket, decided from what Zendesk answered.
//!
//! The `use_like_state` hook asks Zendesk (`client.get`, then `client.metadata()` when it is
//! needed) and hands each answer, or its failure, to the functions here; they decide the
//! agent's language and whether the app works, hides or says why it cannot. Pure: tested
//! natively.

use heart_contract::{NO_INSTANCE_ERROR, Settings, SettingsError};

use crate::i18n::{EN, Lang, MAX_STRING, Strings};
use crate::ticket::{Channel, ContextAnswer, MetadataAnswer, TicketContext};
use crate::zaf_data::{Path, Read, Scalar};

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
            HideReason::NotAnIntegration(via) => [
                "the ticket came in via \"",
                via,
                "\", which is not a Channel framework integration",
            ]
            .concat(),
            HideReason::NoInstance => [
                "the Any Channel proxy answered 404 ",
                NO_INSTANCE_ERROR,
                " for the read: no integration instance created this ticket",
            ]
            .concat(),
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
pub fn after_context(answer: Option<ContextAnswer>) -> (Lang, Result<TicketContext, Boot>) {
    let Some(ticket) = answer.and_then(TicketContext::from_answer) else {
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

/// After `client.metadata()` (`None`: it failed), for `ticket`. `manifest_url` is the
/// integration's manifest URL, as the build gave it to the page: a setting that is a URL on
/// another host cannot work, and is named before anything is sent.
pub fn after_metadata(
    ticket: TicketContext,
    answer: Option<MetadataAnswer>,
    manifest_url: Option<&str>,
) -> Boot {
    let settings = |answer: MetadataAnswer| {
        let settings = answer.settings()?;
        match manifest_url {
            Some(url) => settings.on_host_of(url),
            None => Ok(settings),
        }
    };
    match answer.map(settings) {
        Some(Ok(settings)) => Boot::Active(Session { ticket, settings }),
        Some(Err(error)) => Boot::Misconfigured(error),
        None => Boot::Unavailable(Unavailable::NoSettings),
    }
}

/// The payload of `app.activated` or `ticket.updated`, which ask for a fresh read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReloadEvent {
    /// `true` on the activation of a freshly loaded app.
    pub first_load: Scalar,
}

impl Read for ReloadEvent {
    fn read(at: &mut dyn FnMut(Path<'_>) -> Scalar) -> Self {
        ReloadEvent {
            first_load: at(&["firstLoad"]),
        }
    }
}

impl ReloadEvent {
    /// Whether the event asks for a read: not the activation of a freshly loaded app
    /// (`{"firstLoad": true}`), which is the opening the start-up read already serves.
    pub fn reloads(&self) -> bool {
        self.first_load != Scalar::Bool(true)
    }
}

/// A language's table as the page loaded it, read at the keys of [`Strings`]: its strings when
/// every one is text of at most [`MAX_STRING`] bytes (one table per page is kept), else none.
#[derive(Clone, Copy, Debug, Default)]
pub struct LanguageTable(Option<&'static Strings>);

impl Read for LanguageTable {
    fn read(at: &mut dyn FnMut(Path<'_>) -> Scalar) -> Self {
        LanguageTable(Strings::from_table(|key| match at(&[key]) {
            Scalar::Str(text) if !text.is_empty() && text.len() <= MAX_STRING => Some(text),
            _ => None,
        }))
    }
}

/// The strings for `lang`: English, or `lang`'s table as the page loaded it (`None`: there is
/// none) when it is that language's and complete. Otherwise English, the language of the wasm.
pub fn strings_for(lang: Lang, table: Option<LanguageTable>) -> &'static Strings {
    match table {
        Some(LanguageTable(Some(strings))) if lang != Lang::En && strings.lang == lang.tag() => {
            strings
        }
        _ => &EN,
    }
}

#[cfg(test)]
mod tests {
    use heart_contract::{PathError, Setting, TicketId};

    use super::*;

    fn text(s: &str) -> Scalar {
        Scalar::Str(s.into())
    }

    fn context(id: Scalar, via: &str, locale: &str) -> Option<ContextAnswer> {
        Some(ContextAnswer {
            ticket_id: id,
            external_id: text("ig:1"),
            via_channel: text(via),
            locale: text(locale),
        })
    }

    fn settings(state_path: Scalar, like_path: Scalar) -> Option<MetadataAnswer> {
        Some(MetadataAnswer {
            state_path,
            like_path,
        })
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
            after_metadata(ticket.clone(), None, None),
            Boot::Unavailable(Unavailable::NoSettings)
        );
        assert_eq!(
            after_metadata(ticket.clone(), Some(MetadataAnswer::default()), None),
            Boot::Active(Session {
                ticket: ticket.clone(),
                settings: Settings::default()
            }),
            "unset settings take the defaults"
        );
        let Boot::Misconfigured(error) =
            after_metadata(ticket, settings(text("/s"), text("//evil/like")), None)
        else {
            panic!("a bad setting is a misconfiguration");
        };
        assert_eq!(error.setting, Setting::LikePath);
        assert_eq!(error.error, PathError::ProtocolRelative);
    }

    #[test]
    fn a_url_setting_on_another_host_than_the_manifests_is_a_misconfiguration() {
        let ticket = after_context(context(Scalar::Num(62.0), "any_channel", "en"))
            .1
            .expect("a ticket");
        let manifest = Some("https://svc.example/manifest.json");
        let settings = |state: &str| settings(text(state), Scalar::Null);
        let Boot::Misconfigured(error) = after_metadata(
            ticket.clone(),
            settings("https://evil.example/like_state"),
            manifest,
        ) else {
            panic!("another host cannot work");
        };
        assert_eq!(error.setting, Setting::StatePath);
        assert_eq!(
            error.error,
            PathError::OtherHost {
                origin: "https://svc.example".into()
            }
        );
        for fine in ["https://svc.example/like_state", "/like_state"] {
            assert!(
                matches!(
                    after_metadata(ticket.clone(), settings(fine), manifest),
                    Boot::Active(_)
                ),
                "{fine}"
            );
        }
        // Without the manifest's URL the app cannot tell, and sends as typed.
        assert!(matches!(
            after_metadata(ticket, settings("https://evil.example/like_state"), None),
            Boot::Active(_)
        ));
    }

    /// `lang`'s table as the bridge reads it, each key's value passed through `change`.
    fn table(lang: Lang, change: impl Fn(&str, Scalar) -> Scalar) -> Option<LanguageTable> {
        let source = crate::i18n::table_source(lang).expect("a table");
        let table: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(source).expect("JSON");
        Some(LanguageTable::read(&mut |path| {
            let value = match path {
                [key] => match table.get(*key) {
                    Some(serde_json::Value::String(s)) => text(s),
                    _ => Scalar::Absent,
                },
                _ => Scalar::Other,
            };
            change(path.first().copied().unwrap_or_default(), value)
        }))
    }

    fn as_is(lang: Lang) -> Option<LanguageTable> {
        table(lang, |_, value| value)
    }

    #[test]
    fn a_language_speaks_from_its_table_and_english_from_the_wasm() {
        let de = strings_for(Lang::De, as_is(Lang::De));
        assert_eq!(de.lang, "de");
        assert_eq!(de.try_again, "Erneut versuchen");
        assert!(std::ptr::eq(strings_for(Lang::En, None), &EN));
        assert!(
            std::ptr::eq(strings_for(Lang::En, as_is(Lang::De)), &EN),
            "English needs no table"
        );
        assert!(
            std::ptr::eq(strings_for(Lang::De, None), &EN),
            "none loaded"
        );
        assert!(
            std::ptr::eq(strings_for(Lang::Fr, as_is(Lang::De)), &EN),
            "another language's table"
        );
        let short = table(Lang::Ja, |key, value| {
            if key == "try_again" {
                Scalar::Absent
            } else {
                value
            }
        });
        assert!(std::ptr::eq(strings_for(Lang::Ja, short), &EN));
        let hostile = table(Lang::Ja, |key, value| {
            if key == "hint" {
                text(&"x".repeat(MAX_STRING + 1))
            } else {
                value
            }
        });
        assert!(std::ptr::eq(strings_for(Lang::Ja, hostile), &EN));
        let not_text = table(Lang::Es, |key, value| {
            if key == "hint" {
                Scalar::Num(5.0)
            } else {
                value
            }
        });
        assert!(std::ptr::eq(strings_for(Lang::Es, not_text), &EN));
    }

    #[test]
    fn only_a_fresh_apps_first_activation_does_not_reload() {
        let event = |first_load: Scalar| {
            ReloadEvent::read(&mut |path| match path {
                ["firstLoad"] => first_load.clone(),
                _ => Scalar::Other,
            })
        };
        assert!(!event(Scalar::Bool(true)).reloads());
        for other in [
            Scalar::Bool(false),
            Scalar::Absent,
            text("true"),
            Scalar::Num(1.0),
        ] {
            assert!(event(other.clone()).reloads(), "{other:?}");
        }
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
