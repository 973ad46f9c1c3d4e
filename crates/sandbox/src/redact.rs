//! Redaction: what the sandbox records of a request, without its secrets. Every request the
//! sandbox logs goes through here, once, where it is logged ([`crate::log::RequestLog`]'s
//! `push_*`): form bodies, JSON bodies (nested, and JSON carried as a string in a form field or
//! a JSON value), URLs' query strings, cookies and credential headers, all by field name
//! ([`is_secret`]). Text that names a secret but cannot be read field by field is redacted whole.
//! Pure functions, no I/O.

use std::borrow::Cow;

use serde_json::Value;

/// What a secret's value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Field names whose value is a secret, compared without regard to case, with `-` read as `_`.
const SECRET_NAMES: [&str; 9] = [
    "metadata",
    "instance_metadata",
    "cookie",
    "set_cookie",
    "authorization",
    "proxy_authorization",
    // Holds a one-time key that stores an account.
    "return_url",
    "api_key",
    "apikey",
];
/// Endings of names whose value is a secret: `token` covers `zendesk_access_token`,
/// `x-csrf-token`, `csrfToken`, `authenticity_token`.
const SECRET_ENDINGS: [&str; 6] = ["token", "secret", "password", "metadata", "session", "_key"];
/// Words that make text that cannot be read field by field a secret as a whole.
const SECRET_WORDS: [&str; 7] = [
    "token",
    "secret",
    "password",
    "metadata",
    "authorization",
    "bearer",
    "cookie",
];

/// Whether a field (form, JSON, header, query) of this name holds a secret.
pub fn is_secret(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase().replace('-', "_");
    SECRET_NAMES.contains(&name.as_str()) || SECRET_ENDINGS.iter().any(|e| name.ends_with(e))
}

fn names_a_secret(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// A field's value as logged: [`REDACTED`] when the name is a secret's (an empty value stays
/// empty: that nothing was sent is no secret), else the value with any JSON in it redacted.
pub fn field(name: &str, value: &str) -> String {
    if is_secret(name) {
        if value.is_empty() {
            String::new()
        } else {
            REDACTED.to_owned()
        }
    } else {
        text(value).into_owned()
    }
}

/// A text of unknown shape (a request body, `client_data`): JSON when it reads as JSON, else a
/// form (`a=1&b=2`). Unchanged when it holds no secret.
pub fn text(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return match serde_json::from_str::<Value>(text) {
            Ok(mut value) => {
                if json(&mut value) {
                    Cow::Owned(value.to_string())
                } else {
                    Cow::Borrowed(text)
                }
            }
            Err(_) => whole_if_secret(text),
        };
    }
    form(text)
}

/// Text that could not be read field by field: redacted whole if it names a secret.
fn whole_if_secret(text: &str) -> Cow<'_, str> {
    if names_a_secret(text) {
        Cow::Owned(format!("{REDACTED} ({} bytes)", text.len()))
    } else {
        Cow::Borrowed(text)
    }
}

/// A form body (`application/x-www-form-urlencoded`): each secret field's value redacted, JSON
/// in any other field's value redacted inside; the other fields left as they were sent.
pub fn form(body: &str) -> Cow<'_, str> {
    let mut changed = false;
    let parts: Vec<Cow<'_, str>> = body
        .split('&')
        .map(|part| {
            let out = form_pair(part);
            changed |= matches!(out, Cow::Owned(_));
            out
        })
        .collect();
    if changed {
        Cow::Owned(parts.join("&"))
    } else {
        Cow::Borrowed(body)
    }
}

fn form_pair(part: &str) -> Cow<'_, str> {
    let Some((raw_name, raw_value)) = part.split_once('=') else {
        return whole_if_secret(part);
    };
    let Ok(decoded) = serde_urlencoded::from_str::<Vec<(String, String)>>(part) else {
        return whole_if_secret(part);
    };
    let Some((name, value)) = decoded.into_iter().next() else {
        return Cow::Borrowed(part);
    };
    if is_secret(&name) {
        return if raw_value.is_empty() {
            Cow::Borrowed(part)
        } else {
            Cow::Owned(format!("{raw_name}={REDACTED}"))
        };
    }
    match text(&value) {
        Cow::Borrowed(_) => Cow::Borrowed(part),
        Cow::Owned(redacted) => {
            let encoded = serde_urlencoded::to_string([("v", redacted.as_str())]);
            let value = encoded
                .as_deref()
                .ok()
                .and_then(|e| e.strip_prefix("v="))
                .unwrap_or(REDACTED);
            Cow::Owned(format!("{raw_name}={value}"))
        }
    }
}

/// Redacts a JSON value in place: the value of every secret key, at any depth, and JSON carried
/// in strings. Returns whether anything changed.
pub fn json(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            for (key, v) in map.iter_mut() {
                if is_secret(key) {
                    let empty = v.is_null() || v.as_str().is_some_and(str::is_empty);
                    if !empty {
                        *v = Value::String(REDACTED.to_owned());
                        changed = true;
                    }
                } else {
                    changed |= json(v);
                }
            }
            changed
        }
        Value::Array(items) => items.iter_mut().fold(false, |c, v| json(v) | c),
        Value::String(s) => match text(s) {
            Cow::Borrowed(_) => false,
            Cow::Owned(redacted) => {
                *s = redacted;
                true
            }
        },
        _ => false,
    }
}

/// A header's value as logged: cookies keep their names, `Authorization` its scheme, other
/// credential headers nothing.
pub fn header(name: &str, value: &str) -> String {
    let name = name.trim().to_ascii_lowercase();
    match name.as_str() {
        "cookie" => value
            .split(';')
            .map(|pair| match pair.split_once('=') {
                Some((n, _)) => format!("{}={REDACTED}", n.trim()),
                None => REDACTED.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        "set-cookie" => match value.split_once('=') {
            Some((n, _)) => format!("{}={REDACTED}", n.trim()),
            None => REDACTED.to_owned(),
        },
        "authorization" | "proxy-authorization" => match value.trim().split_once(' ') {
            Some((scheme, _))
                if scheme.len() <= 16 && scheme.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                format!("{scheme} {REDACTED}")
            }
            _ => REDACTED.to_owned(),
        },
        _ if is_secret(&name) => REDACTED.to_owned(),
        _ => value.to_owned(),
    }
}

/// A URL (or a path) as logged: its query string's secret fields redacted.
pub fn url(url: &str) -> Cow<'_, str> {
    let Some((base, query)) = url.split_once('?') else {
        return Cow::Borrowed(url);
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    match form(query) {
        Cow::Borrowed(_) => Cow::Borrowed(url),
        Cow::Owned(q) => Cow::Owned(match fragment {
            Some(f) => format!("{base}?{q}#{f}"),
            None => format!("{base}?{q}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const TOKEN: &str = "omniwear-sandbox-token";

    #[test]
    fn secret_names_are_known_whatever_their_case() {
        for name in [
            "token",
            "metadata",
            "instance_metadata",
            "zendesk_access_token",
            "password",
            "secret",
            "Cookie",
            "Authorization",
            "X-CSRF-Token",
            "csrfToken",
            "client_secret",
            "api_key",
            "return_url",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in [
            "client_data",
            "state",
            "name",
            "account",
            "locale",
            "liked",
            "ticket_id",
        ] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn form_bodies_lose_their_secrets_and_keep_the_rest() {
        // The periodic pull.
        let pull =
            format!("metadata=%7B%22token%22%3A%22{TOKEN}%22%7D&state=%7B%22after%22%3A%222%22%7D");
        assert_eq!(
            form(&pull),
            "metadata=[redacted]&state=%7B%22after%22%3A%222%22%7D"
        );
        // The admin UI's save, and Zendesk's POST to admin_ui (an edit).
        let save = format!("name=Omniwear&account=omniwear&token={TOKEN}");
        assert_eq!(
            form(&save),
            "name=Omniwear&account=omniwear&token=[redacted]"
        );
        let edit = "return_url=http%3A%2F%2Flocalhost%3A4567%2Fadmin%2Fchannels%2Freturn%2Fkey&subdomain=sandbox&name=Omniwear&metadata=%7B%7D&state=";
        assert_eq!(
            form(edit),
            "return_url=[redacted]&subdomain=sandbox&name=Omniwear&metadata=[redacted]&state="
        );
        // Empty values show that nothing was sent; a form without secrets is left as it is.
        assert_eq!(form("metadata=&state="), "metadata=&state=");
        assert!(matches!(form("a=1&b=2+3"), Cow::Borrowed("a=1&b=2+3")));
    }

    #[test]
    fn json_in_a_form_field_is_redacted_inside() {
        // What the proxy sends: instance_metadata is a secret whole; client_data is the app's
        // JSON, read for secrets inside.
        let body = serde_urlencoded::to_string([
            (
                "instance_metadata",
                format!("{{\"account\":\"omniwear\",\"token\":\"{TOKEN}\"}}"),
            ),
            (
                "client_data",
                format!("{{\"ticket_id\":\"62\",\"token\":\"{TOKEN}\"}}"),
            ),
        ])
        .expect("form");
        let out = form(&body);
        assert!(
            !out.contains(TOKEN) && !out.contains("omniwear-sandbox"),
            "{out}"
        );
        let fields: Vec<(String, String)> = serde_urlencoded::from_str(&out).expect("still a form");
        assert_eq!(fields[0], ("instance_metadata".into(), REDACTED.into()));
        let client_data: Value = serde_json::from_str(&fields[1].1).expect("still JSON");
        assert_eq!(client_data, json!({"ticket_id": "62", "token": REDACTED}));
    }

    #[test]
    fn json_bodies_lose_their_secrets_at_any_depth() {
        let mut body = json!({
            "instance_push_id": "p1",
            "zendesk_access_token": "zat",
            "external_resources": [{"external_id": "ig:1", "author": {"password": "pw", "name": "x"}}],
            "settings": {"metadata": {"token": TOKEN}, "secret": null, "csrfToken": ""},
            "inner": format!("{{\"token\": \"{TOKEN}\"}}"),
            "n": 5
        });
        assert!(json(&mut body));
        assert_eq!(
            body,
            json!({
                "instance_push_id": "p1",
                "zendesk_access_token": REDACTED,
                "external_resources": [{"external_id": "ig:1", "author": {"password": REDACTED, "name": "x"}}],
                "settings": {"metadata": REDACTED, "secret": null, "csrfToken": ""},
                "inner": format!("{{\"token\":\"{REDACTED}\"}}"),
                "n": 5
            })
        );
        let mut plain = json!({"liked": true, "like_count": 41});
        assert!(!json(&mut plain));
        let nested = text(&format!(
            "[{{\"a\": [{{\"b\": {{\"token\": \"{TOKEN}\"}}}}]}}]"
        ))
        .into_owned();
        assert_eq!(
            nested,
            format!("[{{\"a\":[{{\"b\":{{\"token\":\"{REDACTED}\"}}}}]}}]")
        );
    }

    #[test]
    fn text_that_cannot_be_read_is_redacted_whole_if_it_names_a_secret() {
        let broken = format!("{{\"token\": \"{TOKEN}\"");
        assert_eq!(
            text(&broken),
            format!("{REDACTED} ({} bytes)", broken.len())
        );
        assert_eq!(text("{\"liked\": tru"), "{\"liked\": tru");
        assert_eq!(text("hello"), "hello");
        assert!(!text(&format!("Bearer {TOKEN}")).contains(TOKEN));
    }

    #[test]
    fn headers_keep_names_and_schemes_only() {
        assert_eq!(
            header("Cookie", "_zendesk_session=abc; theme=dark"),
            "_zendesk_session=[redacted]; theme=[redacted]"
        );
        assert_eq!(
            header("set-cookie", "_zendesk_session=abc; Path=/; HttpOnly"),
            "_zendesk_session=[redacted]"
        );
        assert_eq!(
            header("Authorization", &format!("Bearer {TOKEN}")),
            "Bearer [redacted]"
        );
        assert_eq!(header("authorization", TOKEN), REDACTED);
        assert_eq!(header("X-CSRF-Token", "abc"), REDACTED);
        assert_eq!(
            header("content-type", "application/json"),
            "application/json"
        );
    }

    #[test]
    fn query_strings_lose_their_secrets() {
        assert_eq!(
            url(&format!(
                "https://localhost:4569/like?token={TOKEN}&x=1#top"
            )),
            "https://localhost:4569/like?token=[redacted]&x=1#top"
        );
        assert_eq!(url("/like_state"), "/like_state");
        assert_eq!(field("metadata", ""), "");
        assert_eq!(field("instance_metadata", "{}"), REDACTED);
        assert_eq!(field("client_data", "{\"a\":1}"), "{\"a\":1}");
    }

    #[test]
    fn no_panic_and_no_secret_with_multi_byte_text_at_every_offset() {
        let base =
            format!("a=1&token={TOKEN}&client_data=%7B%22token%22%3A%22{TOKEN}%22%7D&metadata=x%y");
        crate::text::at_every_offset(&base, |t| {
            let out = text(t);
            // Unless the character went into a field's name (then it is another field).
            if t.contains("&token=") && t.contains("%22token%22") {
                assert!(!out.contains(TOKEN), "{t:?} -> {out:?}");
            }
            let _ = url(t);
            let _ = header("cookie", t);
            let _ = header("authorization", t);
        });
        let json_base = format!("{{\"token\": \"{TOKEN}\", \"a\": [\"x\"]}}");
        crate::text::at_every_offset(&json_base, |t| {
            let out = text(t);
            if t.contains("\"token\"") {
                assert!(!out.contains(TOKEN), "{t:?} -> {out:?}");
            }
        });
    }
}
