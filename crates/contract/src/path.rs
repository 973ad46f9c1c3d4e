//! `post_to_path`: where in the integration service the proxy POSTs.

use std::fmt;

/// Zendesk's limit on `post_to_path`, in characters (Unicode scalar values) of the value as the
/// proxy reads it from the query string, i.e. after URL-decoding.
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
    /// Control, white-space, invisible or bidirectional-formatting characters, or a backslash
    /// (which URL parsers read as `/`, so `/\evil.example` would name another host).
    InvalidCharacter,
    /// Longer than [`MAX_POST_TO_PATH`] characters.
    TooLong {
        chars: usize,
    },
}

/// Whether `c` is invisible when shown, or reorders what is shown: Unicode's
/// Default_Ignorable_Code_Point set (zero-width characters, joiners, the byte-order mark, the
/// bidirectional marks, embeddings, overrides and isolates, variation selectors, tags…) and the
/// interlinear annotation characters.
fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// The rules every `post_to_path` obeys, whatever its form, as the app checks its settings and
/// as the sandbox's proxy checks what it receives: not empty, no character that is a control,
/// white space, invisible, bidirectional formatting or a backslash, and at most
/// [`MAX_POST_TO_PATH`] characters (counted as the proxy counts them: the decoded value's
/// Unicode scalar values, so `é` is one).
pub fn check_post_to_path(raw: &str) -> Result<(), PathError> {
    if raw.is_empty() {
        return Err(PathError::Empty);
    }
    if raw
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\' || is_invisible(c))
    {
        return Err(PathError::InvalidCharacter);
    }
    let chars = raw.chars().count();
    if chars > MAX_POST_TO_PATH {
        return Err(PathError::TooLong { chars });
    }
    Ok(())
}

impl PostToPath {
    pub fn parse(raw: &str) -> Result<Self, PathError> {
        check_post_to_path(raw)?;
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
            Self::InvalidCharacter => {
                f.write_str("contains a space, a control or invisible character, or a backslash")
            }
            Self::TooLong { chars } => write!(
                f,
                "is {chars} characters long; Zendesk accepts at most {MAX_POST_TO_PATH}"
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
            ("/\\evil.example", PathError::InvalidCharacter),
            (
                "https://svc.example\\@evil.example/",
                PathError::InvalidCharacter,
            ),
            ("/like\u{200B}", PathError::InvalidCharacter),
            ("\u{FEFF}/like", PathError::InvalidCharacter),
            ("/like\u{202E}gpj.", PathError::InvalidCharacter),
            ("/like\u{2066}", PathError::InvalidCharacter),
            ("/like\u{00A0}", PathError::InvalidCharacter),
            ("/like\u{00AD}", PathError::InvalidCharacter),
            ("/like\u{E0041}", PathError::InvalidCharacter),
            ("/like\u{0085}", PathError::InvalidCharacter),
        ];
        for (raw, want) in cases {
            assert_eq!(PostToPath::parse(raw), Err(want), "{raw:?}");
        }
    }

    #[test]
    fn visible_non_ascii_text_is_fine() {
        for ok in ["/likes/café", "/写真/いいね", "https://svc.example/ü?q=ß"] {
            assert!(PostToPath::parse(ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn length_limit_counts_characters_as_the_proxy_reads_them() {
        let at_limit = format!("/{}", "a".repeat(MAX_POST_TO_PATH - 1));
        assert!(PostToPath::parse(&at_limit).is_ok());
        let over = format!("/{}", "a".repeat(MAX_POST_TO_PATH));
        assert_eq!(
            PostToPath::parse(&over),
            Err(PathError::TooLong { chars: 512 })
        );
        // 'é' is one character (two bytes in UTF-8, six once percent-encoded).
        let wide = format!("/{}", "é".repeat(MAX_POST_TO_PATH - 1));
        assert!(PostToPath::parse(&wide).is_ok());
        let wider = format!("/{}", "é".repeat(MAX_POST_TO_PATH));
        assert_eq!(
            check_post_to_path(&wider),
            Err(PathError::TooLong { chars: 512 })
        );
    }

    #[test]
    fn the_shared_check_ignores_the_form() {
        // The proxy resolves relative and same-host http URLs itself: only the text is checked.
        assert_eq!(check_post_to_path("http://127.0.0.1:4569/like"), Ok(()));
        assert_eq!(check_post_to_path("like_state"), Ok(()));
        assert_eq!(check_post_to_path(""), Err(PathError::Empty));
        assert_eq!(
            check_post_to_path("/a\\b"),
            Err(PathError::InvalidCharacter)
        );
    }

    #[test]
    fn errors_read_as_sentences() {
        let msg = PathError::TooLong { chars: 600 }.to_string();
        assert!(msg.contains("600") && msg.contains("511"), "{msg}");
    }
}
