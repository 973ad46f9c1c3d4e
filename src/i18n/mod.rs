//! The agent-facing strings, in the agent's language (`currentUser.locale`), English otherwise.
//!
//! English is in the wasm (`tables.rs`); every other language is a table of the same keys, a JSON
//! file beside this one (`de.json`, …), which the build ships as an asset of its own and the
//! app's page fetches while the first read is on its way, for the agents who speak it. The keys
//! are the fields of [`Strings`] (one macro makes both), so English lacks no string (it would not
//! compile) and a test holds every other table to the same keys.
//! Templates carry placeholders (`{account}`, `{reason}`, `{n}`, `{s}`, `{name}`, `{value}`,
//! `{problem}`, `{max}`, `{origin}`); tests check each language keeps them.

use heart_contract::{MAX_POST_TO_PATH, PathError, SettingsError, decimal};

mod tables;

pub use tables::EN;

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

    /// The best language for a Zendesk locale such as `de`, `en-US`, `pt-BR` or `es-419`: by its
    /// primary subtag (the page picks the table to fetch by the same rule).
    pub fn for_locale(locale: &str) -> Lang {
        // Up to the first `-` or `_`, found byte by byte (a char-set search links more code).
        let end = locale
            .bytes()
            .position(|b| b == b'-' || b == b'_')
            .unwrap_or(locale.len());
        let primary = locale[..end].to_ascii_lowercase();
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

    /// The BCP 47 tag: the `lang` attribute, and the name of the language's table.
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
}

/// The longest string a language's table may hold, in bytes (the longest today is under 200).
pub const MAX_STRING: usize = 1000;

/// [`Strings`] and [`KEYS`] from one list of fields.
macro_rules! strings {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Every string of one language. Compared by identity: one table per language.
        pub struct Strings {
            $($(#[$doc])* pub $name: &'static str,)*
        }

        /// The keys of a language's table: the fields of [`Strings`], in order.
        pub const KEYS: &[&str] = &[$(stringify!($name)),*];

        impl Strings {
            /// The table whose string for each key of [`KEYS`] is `text(key)`, or `None` if one
            /// is missing. Its strings live as long as the page (one table per page).
            pub fn from_table(
                mut text: impl FnMut(&'static str) -> Option<String>,
            ) -> Option<&'static Strings> {
                let mut all = Vec::with_capacity(KEYS.len());
                for key in KEYS {
                    all.push(&*Box::leak(text(key)?.into_boxed_str()));
                }
                let mut all = all.into_iter();
                let strings = Strings { $($name: all.next()?,)* };
                Some(Box::leak(Box::new(strings)))
            }
        }
    };
}

strings! {
    /// The BCP 47 tag of the language (`en`, `pt-BR`): the `lang` attribute.
    lang,

    /// `{account}` (a handle, or [`Strings::business_account`]): the heart button's accessible
    /// name, whatever its state (that is `aria-pressed`), and the caption while not liked.
    like_as,
    /// `{account}`: the caption while liked.
    liked_as,
    /// Stands for `{account}` when the service names none; fits every `{account}` template.
    business_account,
    /// Under the heart: whose like it is.
    hint,
    loading,
    liking,
    unliking,
    /// `{account}`: announced once a like is saved.
    now_liked,
    /// `{account}`: announced once an unlike is saved.
    now_unliked,
    count_one,
    /// `{n}` likes.
    count_other,
    /// `{reason}`.
    failed_like,
    failed_unlike,
    failed_load,
    try_again,
    /// `{s}` seconds.
    retrying_in,
    reason_network,
    reason_timeout,
    reason_denied,
    reason_not_found,
    reason_rate_limited,
    reason_server,
    reason_malformed,
    reason_http,
    /// The app's own deadline passed.
    reason_deadline,
    /// The proxy refused the configured path.
    reason_bad_path,
    /// `{name}` of the setting an admin should look at.
    check_setting,
    /// After a set whose outcome is unknown, once the state has been read again.
    unsure,
    /// While the state is read again after such a set.
    checking,
    /// `{reason}`: the settings problem, as the admin needs it.
    misconfigured,
    /// `{name}` and `{value}` of a setting, and `{problem}`: one of the `path_*` strings.
    bad_setting,
    path_empty,
    path_protocol_relative,
    path_missing_host,
    path_not_path_or_https,
    path_invalid_character,
    /// `{n}` characters once URL-encoded, at most `{max}`.
    path_too_long,
    /// `{origin}` of the integration's manifest, which an absolute URL must be on.
    path_other_host,
    not_in_zendesk,
    no_ticket,
    /// `client.metadata()` failed.
    no_settings,
    /// Zendesk's start-up answers are overdue; the app goes on waiting.
    no_answer,
}

impl PartialEq for Strings {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Strings {}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({})", self.lang)
    }
}

impl Strings {
    /// What is wrong with a setting, for the admin who can fix it.
    pub fn setting_error(&self, error: &SettingsError) -> String {
        let problem = match &error.error {
            PathError::Empty => self.path_empty.to_owned(),
            PathError::ProtocolRelative => self.path_protocol_relative.to_owned(),
            PathError::MissingHost => self.path_missing_host.to_owned(),
            PathError::NotPathOrHttps => self.path_not_path_or_https.to_owned(),
            PathError::InvalidCharacter => self.path_invalid_character.to_owned(),
            PathError::OtherHost { origin } => fill(self.path_other_host, "{origin}", origin),
            PathError::TooLong { chars } => fill(
                &fill(self.path_too_long, "{n}", &decimal(*chars as u64)),
                "{max}",
                &decimal(MAX_POST_TO_PATH as u64),
            ),
        };
        // The admin's value goes in last, so braces in it are never taken for a placeholder.
        let text = fill(self.bad_setting, "{problem}", &problem);
        fill(
            &fill(&text, "{name}", error.setting.name()),
            "{value}",
            &error.value,
        )
    }

    /// A `{account}` template with the account's handle, or the business account when the
    /// service named none. The handle goes in last: braces in it are text.
    pub fn with_account(&self, template: &str, account: Option<&str>) -> String {
        fill(
            template,
            "{account}",
            account.unwrap_or(self.business_account),
        )
    }

    pub fn count(&self, n: u64) -> String {
        let template = if n == 1 {
            self.count_one
        } else {
            self.count_other
        };
        fill(template, "{n}", &decimal(n))
    }
}

/// `template` with every `hole` (a placeholder such as `{reason}`) replaced by `value`, which is
/// taken as text (a placeholder in it stays). Written out by hand: the app's wasm links no
/// substring search.
pub fn fill(template: &str, hole: &str, value: &str) -> String {
    let mut out = String::with_capacity(template.len() + value.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match rest.strip_prefix(hole) {
            Some(after) => {
                out.push_str(value);
                rest = after;
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `template` cut at its `hole`: the text before and after it (all of it before, if it has none).
pub fn split_at_hole<'a>(template: &'a str, hole: &str) -> (&'a str, &'a str) {
    let mut from = 0;
    while let Some(at) = template[from..].find('{') {
        let at = from + at;
        if let Some(after) = template[at..].strip_prefix(hole) {
            return (&template[..at], after);
        }
        from = at + 1;
    }
    (template, "")
}

/// The table of a language other than English, as the build ships it.
#[cfg(test)]
pub fn table_source(lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::En => None,
        Lang::De => Some(include_str!("de.json")),
        Lang::Fr => Some(include_str!("fr.json")),
        Lang::Es => Some(include_str!("es.json")),
        Lang::Ja => Some(include_str!("ja.json")),
        Lang::PtBr => Some(include_str!("pt-BR.json")),
    }
}

#[cfg(test)]
impl Lang {
    /// The language's strings, English from the wasm and the others from their tables, read as
    /// the app reads them.
    /// One table per language, as in a page.
    pub fn strings(self) -> &'static Strings {
        static TABLES: [std::sync::OnceLock<&'static Strings>; 6] =
            [const { std::sync::OnceLock::new() }; 6];
        let Some(source) = table_source(self) else {
            return &EN;
        };
        TABLES[self as usize].get_or_init(|| {
            let table: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(source).unwrap_or_else(|e| panic!("{self:?}: {e}"));
            Strings::from_table(|key| table.get(key)?.as_str().map(str::to_owned))
                .unwrap_or_else(|| panic!("{self:?}: a key is missing"))
        })
    }
}

#[cfg(test)]
mod tests;
