//! Light or dark, as Zendesk says: `colorScheme=` in the iframe URL, then `colorScheme.changed`.

use crate::value::{Path, Scalar};

/// Where a `colorScheme.changed` payload may hold the scheme: itself, or one of its keys.
pub const EVENT_READS: [Path<'static>; 4] = [&[], &["colorScheme"], &["scheme"], &["value"]];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorScheme {
    #[default]
    Light,
    Dark,
}

impl ColorScheme {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "light" => Some(ColorScheme::Light),
            "dark" => Some(ColorScheme::Dark),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ColorScheme::Light => "light",
            ColorScheme::Dark => "dark",
        }
    }

    /// From a `colorScheme.changed` payload read at [`EVENT_READS`]: the first text there.
    pub fn from_event(values: Vec<Scalar>) -> Option<Self> {
        values
            .into_iter()
            .find_map(|v| match v {
                Scalar::Str(s) => Some(s),
                _ => None,
            })
            .and_then(|s| Self::parse(&s))
    }

    /// From the iframe URL's query (`?…`) or fragment (`#…`), where ZAF also looks for its
    /// parameters; light when neither says.
    pub fn from_location(search: &str, hash: &str) -> Self {
        [search, hash]
            .into_iter()
            .find_map(|part| query_param(part, "colorScheme").and_then(Self::parse))
            .unwrap_or_default()
    }
}

/// The first value of `name` in a query string such as `?a=1&b=2`, as written: the only
/// values read here (`light`, `dark`) need no decoding, and one that does names no scheme.
pub fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .trim_start_matches(['?', '#'])
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iframe_url_sets_the_scheme() {
        let search = "?origin=https%3A%2F%2Fx.zendesk.com&app_guid=a-b&colorScheme=dark";
        assert_eq!(ColorScheme::from_location(search, ""), ColorScheme::Dark);
        assert_eq!(
            ColorScheme::from_location("?origin=o", "#colorScheme=DARK"),
            ColorScheme::Dark
        );
        assert_eq!(
            ColorScheme::from_location("?colorScheme=light", ""),
            ColorScheme::Light
        );
        assert_eq!(
            ColorScheme::from_location("?colorScheme=sepia", ""),
            ColorScheme::Light
        );
        assert_eq!(ColorScheme::from_location("", ""), ColorScheme::Light);
    }

    #[test]
    fn the_event_names_the_scheme_itself_or_in_a_key() {
        let text = |s: &str| Scalar::Str(s.into());
        let event = |values: Vec<Scalar>| ColorScheme::from_event(values);
        assert_eq!(event(vec![text("dark")]), Some(ColorScheme::Dark));
        assert_eq!(
            event(vec![Scalar::Other, Scalar::Absent, text("Light")]),
            Some(ColorScheme::Light)
        );
        assert_eq!(event(vec![Scalar::Other, Scalar::Num(1.0)]), None);
        assert_eq!(event(vec![text("sepia")]), None);
    }

    #[test]
    fn query_values_are_found_by_their_exact_name_as_written() {
        let q = "?origin=https%3A%2F%2Fx.zendesk.com&colorscheme=dark&name=a+b&colorScheme=dark&colorScheme=light";
        assert_eq!(
            query_param(q, "origin"),
            Some("https%3A%2F%2Fx.zendesk.com")
        );
        assert_eq!(query_param(q, "name"), Some("a+b"));
        assert_eq!(query_param(q, "colorScheme"), Some("dark"), "the first");
        assert_eq!(query_param(q, "missing"), None);
        assert_eq!(
            ColorScheme::from_location("?colorScheme=%64ark", ""),
            ColorScheme::Light,
            "an encoded value names no scheme"
        );
    }
}
