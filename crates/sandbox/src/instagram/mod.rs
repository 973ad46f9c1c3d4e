//! The mock Instagram, the origin the reference integration acts on, and all of it: its state
//! ([`MockInstagram`], seeded from the config, in `instagram/mock.rs`; what its API does, in
//! `instagram/mock/api.rs`), its HTTP API, a server of its own on its own port
//! (`instagram/server.rs`), which the integration reaches only over HTTP, and its routes on the
//! Zendesk host for people and the sandbox's controls (`instagram/web.rs`: `/sandbox/origin/*`).

mod mock;
pub mod server;
pub mod web;

pub use mock::{ApiCalls, InstagramError, MockInstagram, PhotoPage, PhotoView};

/// Percent-encodes one URL path segment (keeps `A-Z a-z 0-9 - . _ ~ :`): a photo's id in the
/// links of its pages.
fn escape_path_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_path_segment_keeps_only_what_needs_no_escape() {
        assert_eq!(super::escape_path_segment("ig:1/2 x"), "ig:1%2F2%20x");
        assert_eq!(super::escape_path_segment("é?#"), "%C3%A9%3F%23");
    }
}
