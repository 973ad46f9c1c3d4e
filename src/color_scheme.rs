//! Light or dark, as Zendesk says: `colorScheme=` in the iframe URL, then `colorScheme.changed`.

use crate::zaf_data::{Path, Read, Scalar};

/// A `colorScheme.changed` payload: the scheme itself, or an object that holds it in one of
/// these keys.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SchemeEvent {
    pub itself: Scalar,
    pub color_scheme: Scalar,
    pub scheme: Scalar,
    pub value: Scalar,
}

impl Read for SchemeEvent {
    fn read(at: &mut dyn FnMut(Path<'_>) -> Scalar) -> Self {
        SchemeEvent {
            itself: at(&[]),
            color_scheme: at(&["colorScheme"]),
            scheme: at(&["scheme"]),
            value: at(&["value"]),
        }
    }
}

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

    /// From a `colorScheme.changed` payload: the first text of the payload itself, its
    /// `colorScheme`, `scheme` and `value`.
    pub fn from_event(event: SchemeEvent) -> Option<Self> {
        [event.itself, event.color_scheme, event.scheme, event.value]
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
        // A payload of keys and values, read by name as the bridge reads it.
        let event = |payload: &[(&str, Scalar)]| {
            ColorScheme::from_event(SchemeEvent::read(&mut |path| {
                let key = path.first().copied().unwrap_or("");
                payload
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or(Scalar::Absent, |(_, v)| v.clone())
            }))
        };
        assert_eq!(event(&[("", text("dark"))]), Some(ColorScheme::Dark));
        assert_eq!(
            event(&[("", Scalar::Other), ("scheme", text("Light"))]),
            Some(ColorScheme::Light)
        );
        assert_eq!(
            event(&[
                ("", Scalar::Other),
                ("value", text("dark")),
                ("colorScheme", text("light"))
            ]),
            Some(ColorScheme::Light),
            "colorScheme first"
        );
        assert_eq!(
            event(&[("", Scalar::Other), ("value", Scalar::Num(1.0))]),
            None
        );
        assert_eq!(event(&[("", text("sepia"))]), None);
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
