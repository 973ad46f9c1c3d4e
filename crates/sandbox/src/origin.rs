//! The mock Instagram, the origin the reference integration acts on: its state
//! ([`MockOrigin`], seeded from the config, in `origin/mock.rs`; what its API does, in
//! `origin/mock/api.rs`) and its HTTP API, a server of its own (`origin/server.rs`), which the
//! integration reaches only over HTTP. Its pages for people are on the host (`origin_web.rs`).

mod mock;
pub mod server;

use subtle::ConstantTimeEq;

pub use mock::{ApiCalls, MockOrigin, OriginError, PhotoPage, PhotoView};

/// Compares two secrets without an early exit: their SHA-256 digests, compared in constant time
/// (`subtle`), so neither where they differ nor their lengths show in the answer's timing.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let a = ring::digest::digest(&ring::digest::SHA256, a);
    let b = ring::digest::digest(&ring::digest::SHA256, b);
    a.as_ref().ct_eq(b.as_ref()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"omniwear-token", b"omniwear-token"));
        assert!(same_secret(b"", b""));
        for other in [
            &b"omniwear-tokem"[..],
            b"omniwear-toke",
            b"omniwear-token!",
            b"",
            b"x",
        ] {
            assert!(!same_secret(b"omniwear-token", other), "{other:?}");
        }
    }
}
