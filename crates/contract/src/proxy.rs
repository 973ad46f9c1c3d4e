//! The proxy endpoint and its query string.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::path::PostToPath;

/// Zendesk's Any Channel proxy, relative to the Zendesk account's origin.
pub const PROXY_PATH: &str = "/api/v2/any_channel/proxy.json";

/// The `via.channel` of a ticket a Channel-framework integration created (Zendesk's
/// "any_channel"): the only tickets the proxy forwards calls for.
pub const ANY_CHANNEL: &str = "any_channel";

/// The `error` of the proxy's own 404 when the ticket has no channel integration instance
/// (Zendesk's `RecordNotFound`). An integration service's 404 carries its own `error`, which is
/// how the app tells "not a channel ticket" (hide) from "the service has no such path or photo".
pub const NO_INSTANCE_ERROR: &str = "RecordNotFound";
/// The `error` of the proxy's 400 for a `post_to_path` it refuses.
pub const BAD_PATH_ERROR: &str = "InvalidPostToPath";

/// Everything but RFC 3986's unreserved characters is escaped, so a value can never end the
/// query parameter early (`&`, `=`, `#`, `+`) whatever the admin typed.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(crate) fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
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
    format!(
        "{PROXY_PATH}?ticket_id={ticket}&post_to_path={}",
        encode_query_value(path.as_str())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(raw: &str) -> PostToPath {
        PostToPath::parse(raw).expect(raw)
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
