//! The agent-facing strings, in the agent's language (`currentUser.locale`), English otherwise.
//!
//! Every language is a value of one struct (in `tables.rs`), so a language that lacks a string
//! does not compile.
//! Templates carry placeholders (`{account}`, `{reason}`, `{n}`, `{s}`, `{name}`, `{value}`,
//! `{problem}`, `{max}`); tests check each language keeps them.

use heart_contract::{MAX_POST_TO_PATH, PathError, SettingsError};

mod tables;

use tables::{DE, EN, ES, FR, JA, PT_BR};

/// A language the app speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    De,
    Fr,
    Es,
    Ja,
    PtBr,
}

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::En, Lang::De, Lang::Fr, Lang::Es, Lang::Ja, Lang::PtBr];

    /// The best language for a Zendesk locale such as `de`, `en-US`, `pt-BR` or `es-419`.
    pub fn for_locale(locale: &str) -> Lang {
        let primary = locale
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "de" => Lang::De,
            "fr" => Lang::Fr,
            "es" => Lang::Es,
            "ja" => Lang::Ja,
            // Zendesk's only Portuguese besides pt-BR is pt (Portugal); Brazilian reads fine there.
            "pt" => Lang::PtBr,
            _ => Lang::En,
        }
    }

    /// The BCP 47 tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ja => "ja",
            Lang::PtBr => "pt-BR",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
            Lang::Fr => &FR,
            Lang::Es => &ES,
            Lang::Ja => &JA,
            Lang::PtBr => &PT_BR,
        }
    }
}

pub struct Strings {
    /// `{account}` (a handle, or [`Strings::business_account`]): the heart button's accessible
    /// name, whatever its state (that is `aria-pressed`), and the caption while not liked.
    pub like_as: &'static str,
    /// `{account}`: the caption while liked.
    pub liked_as: &'static str,
    /// Stands for `{account}` when the service names none; fits every `{account}` template.
    pub business_account: &'static str,
    /// Under the heart: whose like it is.
    pub hint: &'static str,
    pub loading: &'static str,
    pub liking: &'static str,
    pub unliking: &'static str,
    /// `{account}`: announced once a like is saved.
    pub now_liked: &'static str,
    /// `{account}`: announced once an unlike is saved.
    pub now_unliked: &'static str,
    pub count_one: &'static str,
    /// `{n}` likes.
    pub count_other: &'static str,
    /// `{reason}`.
    pub failed_like: &'static str,
    pub failed_unlike: &'static str,
    pub failed_load: &'static str,
    pub try_again: &'static str,
    /// `{s}` seconds.
    pub retrying_in: &'static str,
    pub reason_network: &'static str,
    pub reason_timeout: &'static str,
    pub reason_denied: &'static str,
    pub reason_not_found: &'static str,
    pub reason_rate_limited: &'static str,
    pub reason_server: &'static str,
    pub reason_malformed: &'static str,
    pub reason_http: &'static str,
    /// The app's own deadline passed.
    pub reason_deadline: &'static str,
    /// The proxy refused the configured path.
    pub reason_bad_path: &'static str,
    /// `{name}` of the setting an admin should look at.
    pub check_setting: &'static str,
    /// After a set whose outcome is unknown, once the state has been read again.
    pub unsure: &'static str,
    /// While the state is read again after such a set.
    pub checking: &'static str,
    /// `{reason}`: the settings problem, as the admin needs it.
    pub misconfigured: &'static str,
    /// `{name}` and `{value}` of a setting, and `{problem}`: one of the `path_*` strings.
    pub bad_setting: &'static str,
    pub path_empty: &'static str,
    pub path_protocol_relative: &'static str,
    pub path_missing_host: &'static str,
    pub path_not_path_or_https: &'static str,
    pub path_invalid_character: &'static str,
    /// `{n}` characters once URL-encoded, at most `{max}`.
    pub path_too_long: &'static str,
    pub not_in_zendesk: &'static str,
    pub no_ticket: &'static str,
    /// `client.metadata()` failed.
    pub no_settings: &'static str,
    /// Zendesk's start-up answers are overdue; the app goes on waiting.
    pub no_answer: &'static str,
}

impl Strings {
    /// What is wrong with a setting, for the admin who can fix it.
    pub fn setting_error(&self, error: &SettingsError) -> String {
        let problem = match error.error {
            PathError::Empty => self.path_empty.to_owned(),
            PathError::ProtocolRelative => self.path_protocol_relative.to_owned(),
            PathError::MissingHost => self.path_missing_host.to_owned(),
            PathError::NotPathOrHttps => self.path_not_path_or_https.to_owned(),
            PathError::InvalidCharacter => self.path_invalid_character.to_owned(),
            PathError::TooLong { chars } => self
                .path_too_long
                .replace("{n}", &chars.to_string())
                .replace("{max}", &MAX_POST_TO_PATH.to_string()),
        };
        // The admin's value goes in last, so braces in it are never taken for a placeholder.
        self.bad_setting
            .replace("{problem}", &problem)
            .replace("{name}", error.setting.name())
            .replace("{value}", &error.value)
    }

    /// A `{account}` template with the account's handle, or the business account when the
    /// service named none. The handle goes in last: braces in it are text.
    pub fn with_account(&self, template: &str, account: Option<&str>) -> String {
        template.replace("{account}", account.unwrap_or(self.business_account))
    }

    pub fn count(&self, n: u64) -> String {
        let template = if n == 1 {
            self.count_one
        } else {
            self.count_other
        };
        template.replace("{n}", &n.to_string())
    }
}

#[cfg(test)]
mod tests {
    use heart_contract::Setting;

    use super::*;

    #[test]
    fn locales_pick_their_language_and_fall_back_to_english() {
        let cases = [
            ("en-US", Lang::En),
            ("de", Lang::De),
            ("de-AT", Lang::De),
            ("fr-CA", Lang::Fr),
            ("es-419", Lang::Es),
            ("ja", Lang::Ja),
            ("pt-BR", Lang::PtBr),
            ("pt_br", Lang::PtBr),
            ("PT", Lang::PtBr),
            ("nl", Lang::En),
            ("", Lang::En),
        ];
        for (locale, want) in cases {
            assert_eq!(Lang::for_locale(locale), want, "{locale:?}");
        }
    }

    #[test]
    fn every_language_keeps_its_placeholders() {
        for lang in Lang::ALL {
            let s = lang.strings();
            for (name, template, hole) in [
                ("like_as", s.like_as, "{account}"),
                ("liked_as", s.liked_as, "{account}"),
                ("now_liked", s.now_liked, "{account}"),
                ("now_unliked", s.now_unliked, "{account}"),
                ("failed_like", s.failed_like, "{reason}"),
                ("failed_unlike", s.failed_unlike, "{reason}"),
                ("failed_load", s.failed_load, "{reason}"),
                ("misconfigured", s.misconfigured, "{reason}"),
                ("count_other", s.count_other, "{n}"),
                ("retrying_in", s.retrying_in, "{s}"),
                ("bad_setting", s.bad_setting, "{name}"),
                ("bad_setting", s.bad_setting, "{value}"),
                ("bad_setting", s.bad_setting, "{problem}"),
                ("path_too_long", s.path_too_long, "{n}"),
                ("path_too_long", s.path_too_long, "{max}"),
                ("check_setting", s.check_setting, "{name}"),
            ] {
                assert!(template.contains(hole), "{lang:?}.{name} lacks {hole}");
            }
        }
    }

    #[test]
    fn every_language_is_translated_not_copied() {
        for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
            let s = lang.strings();
            assert_ne!(s.like_as, EN.like_as, "{lang:?}");
            assert_ne!(s.liked_as, EN.liked_as, "{lang:?}");
            assert_ne!(s.business_account, EN.business_account, "{lang:?}");
            assert_ne!(s.hint, EN.hint, "{lang:?}");
            assert_ne!(s.now_liked, EN.now_liked, "{lang:?}");
            assert_ne!(s.now_unliked, EN.now_unliked, "{lang:?}");
            assert_ne!(s.failed_like, EN.failed_like, "{lang:?}");
            assert_ne!(s.try_again, EN.try_again, "{lang:?}");
            for (name, text, en) in [
                ("reason_deadline", s.reason_deadline, EN.reason_deadline),
                ("reason_bad_path", s.reason_bad_path, EN.reason_bad_path),
                ("check_setting", s.check_setting, EN.check_setting),
                ("unsure", s.unsure, EN.unsure),
                ("checking", s.checking, EN.checking),
            ] {
                assert_ne!(text, en, "{lang:?}.{name}");
                assert!(!text.is_empty(), "{lang:?}.{name}");
            }
        }
    }

    #[test]
    fn setting_errors_are_told_in_every_language() {
        let errors = [
            PathError::Empty,
            PathError::ProtocolRelative,
            PathError::MissingHost,
            PathError::NotPathOrHttps,
            PathError::InvalidCharacter,
            PathError::TooLong { chars: 600 },
        ];
        for lang in Lang::ALL {
            let s = lang.strings();
            let mut seen = Vec::new();
            for error in errors.clone() {
                let error = SettingsError {
                    setting: Setting::LikePath,
                    value: "http://svc.example/like".into(),
                    error,
                };
                let text = s.setting_error(&error);
                assert!(text.contains("like_path"), "{lang:?}: {text}");
                assert!(text.contains("http://svc.example/like"), "{lang:?}: {text}");
                assert!(
                    !text.contains('{'),
                    "{lang:?}: a placeholder is left in {text}"
                );
                if lang == Lang::En {
                    // The contract's own wording (what services and logs print) is the English.
                    assert_eq!(text, error.to_string());
                } else {
                    assert_ne!(text, EN.setting_error(&error), "{lang:?}");
                }
                assert!(!seen.contains(&text), "{lang:?}: two problems read alike");
                seen.push(text);
            }
            let too_long = seen.last().expect("six problems");
            assert!(
                too_long.contains("600") && too_long.contains("511"),
                "{too_long}"
            );
        }
        assert_eq!(
            EN.setting_error(&SettingsError {
                setting: Setting::StatePath,
                value: "".into(),
                error: PathError::Empty,
            }),
            "The setting state_path (\"\") is empty."
        );
        assert_eq!(
            EN.setting_error(&SettingsError {
                setting: Setting::StatePath,
                value: "like {problem} {name}".into(),
                error: PathError::NotPathOrHttps,
            }),
            "The setting state_path (\"like {problem} {name}\") must be a path starting with / or an https:// URL.",
            "the value is shown as typed"
        );
    }

    #[test]
    fn the_account_is_named_or_is_the_business_account() {
        let en = Lang::En.strings();
        assert_eq!(
            en.with_account(en.like_as, Some("@omniwear")),
            "Like as @omniwear"
        );
        assert_eq!(
            en.with_account(en.liked_as, Some("@omniwear")),
            "Liked as @omniwear"
        );
        assert_eq!(
            en.with_account(en.like_as, None),
            "Like as the business account"
        );
        assert_eq!(
            en.with_account(en.liked_as, None),
            "Liked as the business account"
        );
        assert_eq!(
            en.with_account(en.now_unliked, Some("@omniwear")),
            "The photo is no longer liked as @omniwear."
        );
        let de = Lang::De.strings();
        assert_eq!(
            de.with_account(de.like_as, None),
            "„Gefällt mir“ als Unternehmenskonto"
        );
        assert_eq!(
            de.with_account(de.liked_as, Some("@omniwear")),
            "Als @omniwear mit „Gefällt mir“ markiert"
        );
        assert_eq!(
            Lang::PtBr
                .strings()
                .with_account(Lang::PtBr.strings().like_as, None),
            "Curtir como conta comercial"
        );
        // A handle is text: a placeholder-looking one is not filled in again.
        assert_eq!(
            en.with_account(en.like_as, Some("{account} <b>")),
            "Like as {account} <b>"
        );
        for lang in Lang::ALL {
            let s = lang.strings();
            for template in [s.like_as, s.liked_as, s.now_liked, s.now_unliked] {
                assert_eq!(
                    template.matches("{account}").count(),
                    1,
                    "{lang:?}: {template}"
                );
                let text = s.with_account(template, None);
                assert!(text.contains(s.business_account), "{lang:?}: {text}");
                assert!(!text.contains('{'), "{lang:?}: {text}");
            }
            assert!(!s.hint.contains('{'), "{lang:?}");
        }
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(Lang::En.strings().count(1), "1 like");
        assert_eq!(Lang::En.strings().count(0), "0 likes");
        assert_eq!(Lang::PtBr.strings().count(12), "12 curtidas");
        assert_eq!(Lang::Ja.strings().count(3), "いいね 3 件");
    }
}
