//! The proxy endpoint and its query string.

use std::fmt;

use crate::path::PostToPath;

/// Zendesk's Any Channel proxy, relative to the Zendesk account's origin.
pub const PROXY_PATH: &str = "/api/v2/any_channel/proxy.json";

/// The `via.channel` of a ticket a Channel-framework integration created (Zendesk's
/// "any_channel"): the only tickets the proxy forwards calls for.
pub const ANY_CHANNEL: &str = "any_channel";

/// `via.channel` values of Zendesk's own channels (email, web form, API, …), never a Channel
/// framework integration: the app hides on such a ticket without asking the proxy, and its page
/// sends no read for one.
pub const NOT_INTEGRATIONS: [&str; 18] = [
    "email",
    "web",
    "web_form",
    "web_service",
    "api",
    "mobile",
    "mobile_sdk",
    "web_widget",
    "help_center",
    "chat",
    "voice",
    "sms",
    "twitter",
    "facebook",
    "rule",
    "system",
    "sample_ticket",
    "closed_ticket",
];

/// The `error` of the proxy's own 404 when the ticket has no channel integration instance
/// (Zendesk's `RecordNotFound`). An integration service's 404 carries its own `error`, which is
/// how the app tells "not a channel ticket" (hide) from "the service has no such path or photo".
pub const NO_INSTANCE_ERROR: &str = "RecordNotFound";
/// The `error` of the proxy's 400 for a `post_to_path` it refuses.
pub const BAD_PATH_ERROR: &str = "InvalidPostToPath";

/// `value` percent-encoded for a query: everything but RFC 3986's unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) is escaped, byte by byte of its UTF-8, so a value can never end the
/// query parameter early (`&`, `=`, `#`, `+`) whatever the admin typed. Written out by hand: the
/// app's wasm links no string formatting.
pub(crate) fn encode_query_value(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// `n` in decimal, written out by hand: the app's wasm links no string formatting.
pub fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[at..].iter().map(|&d| char::from(d)).collect()
}

/// A Zendesk ticket id (a positive integer; `ticket.id` in the ZAF client).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketId(pub u64);

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `/api/v2/any_channel/proxy.json?ticket_id=<id>&post_to_path=<path>`, values URL-encoded.
pub fn proxy_url(ticket: TicketId, path: &PostToPath) -> String {
    [
        PROXY_PATH,
        "?ticket_id=",
        &decimal(ticket.0),
        "&post_to_path=",
        &encode_query_value(path.as_str()),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(raw: &str) -> PostToPath {
        PostToPath::parse(raw).expect(raw)
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 62, 1_000_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn every_byte_but_the_unreserved_is_escaped_in_upper_case_hex() {
        assert_eq!(encode_query_value("aZ09-._~"), "aZ09-._~");
        assert_eq!(encode_query_value("/ +&=#%"), "%2F%20%2B%26%3D%23%25");
        assert_eq!(encode_query_value("é\u{7f}\u{0}"), "%C3%A9%7F%00");
        let all: String = (1u8..=127).map(char::from).collect();
        let encoded = encode_query_value(&all);
        assert!(
            encoded
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~%".contains(c))
        );
    }

    #[test]
    fn builds_the_seed_example() {
        assert_eq!(
            proxy_url(TicketId(62), &path("/like")),
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike"
        );
    }

    #[test]
    fn escapes_everything_that_could_split_the_query() {
        let url = proxy_url(
            TicketId(7),
            &path("https://svc.example/like?x=1&ticket_id=9#frag+é"),
        );
        let query = url.split_once('?').expect("query").1;
        let pairs: Vec<&str> = query.split('&').collect();
        assert_eq!(pairs.len(), 2, "{url}");
        assert_eq!(pairs[0], "ticket_id=7");
        assert_eq!(
            pairs[1],
            "post_to_path=https%3A%2F%2Fsvc.example%2Flike%3Fx%3D1%26ticket_id%3D9%23frag%2B%C3%A9"
        );
    }
}
