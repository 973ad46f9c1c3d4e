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
    /// An `https://` URL on another host or port than the integration's manifest (`origin`,
    /// e.g. `https://svc.example`), which the proxy refuses.
    OtherHost {
        origin: String,
    },
}

/// A `post_to_path` that is surely fine as typed, as a JavaScript regular expression: a path of
/// RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) and `/`, not starting with `//`, at
/// most [`MAX_POST_TO_PATH`] characters. The app's page sends the first read itself when the
/// settings are such paths (or unset), before the wasm runs; [`is_plain_path`] is the same
/// rule, which a browser test holds to this expression. Every such path is a valid
/// [`PostToPath`], relative, and is escaped in the proxy's query exactly as JavaScript's
/// `encodeURIComponent` escapes it (only `/` becomes `%2F`).
pub const PLAIN_PATH_PATTERN: &str = r"^/[\w.~-][\w.~/-]{0,509}$";

/// Whether `raw` is a path of [`PLAIN_PATH_PATTERN`].
pub fn is_plain_path(raw: &str) -> bool {
    let unreserved = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '~' | '-');
    let mut chars = raw.chars();
    chars.next() == Some('/')
        && chars.next().is_some_and(unreserved)
        && raw.len() <= MAX_POST_TO_PATH
        && chars.all(|c| c == '/' || unreserved(c))
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

    /// `Err(PathError::OtherHost)` when this is an absolute URL whose origin (scheme, host,
    /// port) is not the integration manifest's, `manifest_url`. A relative path is resolved
    /// against the manifest URL, so it is always on its host. A manifest URL that names no
    /// origin is no reason to refuse.
    pub fn check_host(&self, manifest_url: &str) -> Result<(), PathError> {
        let (Some(mine), Some(theirs)) = (origin_of(&self.0), origin_of(manifest_url)) else {
            return Ok(());
        };
        if mine == theirs {
            Ok(())
        } else {
            Err(PathError::OtherHost { origin: theirs })
        }
    }
}

/// The origin of an absolute `https://` or `http://` URL as browsers compare them:
/// `scheme://host[:port]`, the scheme and the host in lower case, the scheme's default port left
/// out. `None` for anything else, or a URL with user information (which no setting may have).
pub fn origin_of(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let scheme = url[..colon].to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let rest = url[colon + 1..].strip_prefix("//")?;
    let authority = rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())].to_ascii_lowercase();
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    if authority.is_empty() || authority.starts_with(':') || authority.contains('@') {
        return None;
    }
    Some([&scheme, "://", authority].concat())
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
            Self::OtherHost { origin } => write!(
                f,
                "is not on the integration's host ({origin}): use a path like /like, or a URL on that host"
            ),
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
    fn an_absolute_url_must_be_on_the_manifests_host() {
        let manifest = "https://svc.example/integration/manifest.json";
        let check = |raw: &str| PostToPath::parse(raw).expect(raw).check_host(manifest);
        for same in [
            "/like",
            "https://svc.example/like",
            "HTTPS://SVC.example:443/other/path?x=1",
            "https://svc.example",
            "https://svc.example#frag",
        ] {
            assert_eq!(check(same), Ok(()), "{same}");
        }
        let other = Err(PathError::OtherHost {
            origin: "https://svc.example".into(),
        });
        for off in [
            "https://evil.example/like",
            "https://svc.example:8443/like",
            "https://svc.example.evil.example/like",
            "https://sub.svc.example/like",
        ] {
            assert_eq!(check(off), other, "{off}");
        }
        // A port in the manifest's URL is part of its origin, and is said.
        let local = PostToPath::parse("https://localhost/like").expect("url");
        assert_eq!(
            local.check_host("https://localhost:4569/manifest.json"),
            Err(PathError::OtherHost {
                origin: "https://localhost:4569".into()
            })
        );
        assert_eq!(
            PostToPath::parse("https://localhost:4569/like")
                .expect("url")
                .check_host("https://LOCALHOST:4569/manifest.json"),
            Ok(())
        );
        assert_eq!(
            PostToPath::parse("https://[::1]:4569/like")
                .expect("url")
                .check_host("https://[::1]:4569/m.json"),
            Ok(())
        );
        // A manifest URL without an origin judges nothing.
        assert_eq!(local.check_host("not a url"), Ok(()));
        assert_eq!(local.check_host("https://:99999/m"), Ok(()));
    }

    #[test]
    fn an_origin_is_scheme_host_and_port_in_one_spelling() {
        for (url, origin) in [
            ("https://svc.example/like", Some("https://svc.example")),
            ("HTTPS://SVC.Example:443?x", Some("https://svc.example")),
            (
                "https://svc.example:8443#y",
                Some("https://svc.example:8443"),
            ),
            ("http://svc.example:80/", Some("http://svc.example")),
            ("https://[::1]:4569/m", Some("https://[::1]:4569")),
            ("https://user@svc.example/", None),
            ("ftp://svc.example/", None),
            ("https:/svc.example/", None),
            ("https:///like", None),
            ("/like", None),
        ] {
            assert_eq!(origin_of(url).as_deref(), origin, "{url}");
        }
    }

    #[test]
    fn plain_paths_are_valid_relative_paths_escaped_as_encode_uri_component_does() {
        let mut plain = vec![
            "/like_state".to_owned(),
            "/v2/like-state.json".to_owned(),
            "/a~b/c.d_e/".to_owned(),
            format!("/{}", "a".repeat(MAX_POST_TO_PATH - 1)),
        ];
        // Every character the rule lets in, at each place it may stand.
        for c in (0u8..=127).map(char::from) {
            plain.push(format!("/{c}x"));
            plain.push(format!("/x{c}"));
        }
        plain.retain(|p| is_plain_path(p));
        assert!(plain.len() > 4 + 2 * 62, "{}", plain.len());
        for path in &plain {
            let parsed = PostToPath::parse(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(!parsed.is_absolute(), "{path}");
            // encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) and escapes the rest.
            let encode_uri_component = path.replace('/', "%2F");
            assert_eq!(
                crate::proxy::encode_query_value(path),
                encode_uri_component,
                "{path}"
            );
        }
        for not_plain in [
            "",
            "/",
            "//evil.example/like",
            "like",
            "https://svc.example/like",
            "/li ke",
            "/like?x=1",
            "/like#x",
            "/like%2F",
            "/café",
            "/a\\b",
            "/like\u{200B}",
        ] {
            assert!(!is_plain_path(not_plain), "{not_plain:?}");
        }
        assert!(!is_plain_path(&format!(
            "/{}",
            "a".repeat(MAX_POST_TO_PATH)
        )));
    }

    #[test]
    fn errors_read_as_sentences() {
        let msg = PathError::TooLong { chars: 600 }.to_string();
        assert!(msg.contains("600") && msg.contains("511"), "{msg}");
    }
}
