//! `post_to_path`: where in the integration service the proxy POSTs.

use std::fmt;

use crate::proxy::encode_query_value;

/// Zendesk's limit on `post_to_path`, counted as it travels in the query string.
pub const MAX_POST_TO_PATH: usize = 511;

/// A `post_to_path` the proxy accepts: a path relative to the integration's manifest URL
/// (`/like`), or an absolute `https://` URL (which Zendesk requires to be on the manifest's host).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostToPath(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    Empty,
    /// `//host/…` is a protocol-relative URL, not a path.
    ProtocolRelative,
    /// `https://` with nothing (or only a path) after it.
    MissingHost,
    /// Neither `/…` nor `https://…` (e.g. `http://…`, `like`, `ftp://…`).
    NotPathOrHttps,
    /// Control characters or white space, which no URL carries unescaped.
    InvalidCharacter,
    /// Longer than [`MAX_POST_TO_PATH`] once URL-encoded.
    TooLong {
        encoded_len: usize,
    },
}

impl PostToPath {
    pub fn parse(raw: &str) -> Result<Self, PathError> {
        if raw.is_empty() {
            return Err(PathError::Empty);
        }
        if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(PathError::InvalidCharacter);
        }
        if raw.starts_with("//") {
            return Err(PathError::ProtocolRelative);
        }
        if !raw.starts_with('/') {
            // The scheme is case-insensitive in URLs.
            let Some(rest) = raw
                .get(..8)
                .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
                .map(|_| &raw[8..])
            else {
                return Err(PathError::NotPathOrHttps);
            };
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            if host.is_empty() || host.starts_with(':') || host.contains('@') {
                return Err(PathError::MissingHost);
            }
        }
        let encoded_len = encode_query_value(raw).len();
        if encoded_len > MAX_POST_TO_PATH {
            return Err(PathError::TooLong { encoded_len });
        }
        Ok(Self(raw.to_owned()))
    }

    /// A path known to be valid (a constant of this crate).
    pub(crate) fn trusted(valid: &str) -> Self {
        Self(valid.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_absolute(&self) -> bool {
        !self.0.starts_with('/')
    }
}

impl fmt::Display for PostToPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("is empty"),
            Self::ProtocolRelative => {
                f.write_str("starts with // (use a path like /like or an https:// URL)")
            }
            Self::MissingHost => f.write_str("is an https:// URL without a host"),
            Self::NotPathOrHttps => {
                f.write_str("must be a path starting with / or an https:// URL")
            }
            Self::InvalidCharacter => f.write_str("contains spaces or control characters"),
            Self::TooLong { encoded_len } => write!(
                f,
                "is {encoded_len} characters once URL-encoded; Zendesk accepts at most {MAX_POST_TO_PATH}"
            ),
        }
    }
}

impl std::error::Error for PathError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_relative_paths_and_https_urls() {
        for ok in [
            "/like",
            "/like_state",
            "/a/b?c=d",
            "https://integration.example.com/like",
            "HTTPS://integration.example.com",
            "https://integration.example.com:8443/x",
        ] {
            let parsed = PostToPath::parse(ok).expect(ok);
            assert_eq!(parsed.as_str(), ok);
        }
        assert!(!PostToPath::parse("/like").expect("path").is_absolute());
        assert!(
            PostToPath::parse("https://h.example/like")
                .expect("url")
                .is_absolute()
        );
    }

    #[test]
    fn rejects_what_the_proxy_would() {
        let cases = [
            ("", PathError::Empty),
            ("//evil.example/like", PathError::ProtocolRelative),
            (
                "http://integration.example.com/like",
                PathError::NotPathOrHttps,
            ),
            ("like", PathError::NotPathOrHttps),
            ("ftp://x/y", PathError::NotPathOrHttps),
            ("https://", PathError::MissingHost),
            ("https:///like", PathError::MissingHost),
            ("https://user@evil.example/", PathError::MissingHost),
            ("/li ke", PathError::InvalidCharacter),
            ("/like\n", PathError::InvalidCharacter),
        ];
        for (raw, want) in cases {
            assert_eq!(PostToPath::parse(raw), Err(want), "{raw:?}");
        }
    }

    #[test]
    fn length_limit_counts_the_encoded_form() {
        // "/" travels as "%2F": three characters.
        let at_limit = format!("/{}", "a".repeat(MAX_POST_TO_PATH - 3));
        assert!(PostToPath::parse(&at_limit).is_ok());
        let over = format!("/{}", "a".repeat(MAX_POST_TO_PATH - 2));
        assert_eq!(
            PostToPath::parse(&over),
            Err(PathError::TooLong { encoded_len: 512 })
        );
        // 200 'é' are 200 chars but 1200 once percent-encoded as UTF-8.
        let wide = format!("/{}", "é".repeat(200));
        assert_eq!(
            PostToPath::parse(&wide),
            Err(PathError::TooLong {
                encoded_len: 3 + 1200
            })
        );
    }

    #[test]
    fn errors_read_as_sentences() {
        let msg = PathError::TooLong { encoded_len: 600 }.to_string();
        assert!(msg.contains("600") && msg.contains("511"), "{msg}");
    }
}
