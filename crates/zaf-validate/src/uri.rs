//! URI references as RFC 3986 reads them (Ruby's `URI.parse`): enough to tell a valid `https`
//! URL, a `localhost` URL and a relative path under `assets/` apart.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriRef {
    /// Lower-cased.
    pub scheme: Option<String>,
    pub host: Option<String>,
    /// As written (still percent-encoded).
    pub path: String,
}

fn unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

fn sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// Every byte is allowed by `allowed` or starts a `%XX` escape.
fn chars_ok(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if allowed(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn pchar(c: u8) -> bool {
    unreserved(c) || sub_delim(c) || c == b':' || c == b'@'
}

/// `None` when Ruby's `URI.parse` would raise `URI::InvalidURIError`.
pub fn parse(s: &str) -> Option<UriRef> {
    let (rest, fragment) = match s.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (s, None),
    };
    if let Some(f) = fragment
        && !chars_ok(f, |c| pchar(c) || c == b'/' || c == b'?')
    {
        return None;
    }
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    if let Some(q) = query
        && !chars_ok(q, |c| pchar(c) || c == b'/' || c == b'?')
    {
        return None;
    }
    let first_segment_end = rest.find('/').unwrap_or(rest.len());
    let (scheme, hier) = match rest[..first_segment_end].split_once(':') {
        Some((scheme, _)) => {
            let ok = scheme
                .bytes()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
            if !ok {
                // A relative reference's first segment may not hold a colon.
                return None;
            }
            (Some(scheme.to_ascii_lowercase()), &rest[scheme.len() + 1..])
        }
        None => (None, rest),
    };
    let (host, path) = match hier.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            let (authority, path) = after.split_at(end);
            (Some(host_of(authority)?), path)
        }
        None => (None, hier),
    };
    if !chars_ok(path, |c| pchar(c) || c == b'/') {
        return None;
    }
    Some(UriRef {
        scheme,
        host,
        path: path.to_string(),
    })
}

fn host_of(authority: &str) -> Option<String> {
    let host_port = match authority.rsplit_once('@') {
        Some((userinfo, hp)) => {
            if !chars_ok(userinfo, |c| unreserved(c) || sub_delim(c) || c == b':') {
                return None;
            }
            hp
        }
        None => authority,
    };
    if let Some(literal) = host_port.strip_prefix('[') {
        let (inside, after) = literal.split_once(']')?;
        let inside_ok = !inside.is_empty()
            && inside
                .bytes()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.' | b'v' | b'V'));
        let port_ok = after.is_empty()
            || after
                .strip_prefix(':')
                .is_some_and(|p| p.bytes().all(|c| c.is_ascii_digit()));
        return (inside_ok && port_ok).then(|| format!("[{inside}]"));
    }
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|c| c.is_ascii_digit()) => h,
        Some(_) => return None,
        None => host_port,
    };
    chars_ok(host, |c| unreserved(c) || sub_delim(c)).then(|| host.to_string())
}

/// Zendesk's `valid_url?`: parses, is `http` or `https`, and names a host.
pub fn valid_http_url(s: &str) -> bool {
    parse(s).is_some_and(|u| {
        matches!(u.scheme.as_deref(), Some("http" | "https"))
            && u.host.as_deref().is_some_and(|h| !h.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls() {
        let u = parse("HTTPS://user@example.com:8443/a/b?q=1#f").expect("valid");
        assert_eq!(u.scheme.as_deref(), Some("https"));
        assert_eq!(u.host.as_deref(), Some("example.com"));
        assert_eq!(u.path, "/a/b");
        let l = parse("http://localhost:4567/x").expect("valid");
        assert_eq!(l.host.as_deref(), Some("localhost"));
        assert_eq!(
            parse("http://[::1]:80/").and_then(|u| u.host).as_deref(),
            Some("[::1]")
        );
    }

    #[test]
    fn relative_paths() {
        let u = parse("assets/iframe.html?x=1").expect("valid");
        assert_eq!(
            (u.scheme, u.host, u.path.as_str()),
            (None, None, "assets/iframe.html")
        );
        assert_eq!(
            parse("assets/a%20b.html").map(|u| u.path),
            Some("assets/a%20b.html".into())
        );
    }

    #[test]
    fn invalid_references() {
        for bad in [
            "assets/a b.html",
            "https://exa mple.com",
            "1x:foo",
            "a%zz",
            "https://host:port/",
            "<x>",
            "http://h/\"",
            "a#b#c",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_urls() {
        assert!(valid_http_url("https://example.com"));
        assert!(valid_http_url("http://example.com/x"));
        for bad in [
            "",
            "url",
            "ftp://example.com",
            "https://",
            "http:foo",
            "https:///x",
        ] {
            assert!(!valid_http_url(bad), "{bad}");
        }
    }
}
