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
            .find_map(|part| query_param(part, "colorScheme").and_then(|v| Self::parse(&v)))
            .unwrap_or_default()
    }
}

/// The first value of `name` in a query string such as `?a=1&b=2` (with `+` and `%XX` decoded).
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .trim_start_matches(['?', '#'])
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| percent_decode(value))
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
    fn query_values_are_decoded() {
        let q = "?origin=https%3A%2F%2Fx.zendesk.com&name=a+b&bad=%zz&end=%4";
        assert_eq!(
            query_param(q, "origin").as_deref(),
            Some("https://x.zendesk.com")
        );
        assert_eq!(query_param(q, "name").as_deref(), Some("a b"));
        assert_eq!(query_param(q, "bad").as_deref(), Some("%zz"));
        assert_eq!(query_param(q, "end").as_deref(), Some("%4"));
        assert_eq!(query_param(q, "missing"), None);
    }
}
