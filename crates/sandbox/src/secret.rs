//! Secrets, for every party: the random ids they are made of (the agent's session and CSRF
//! token, the app's guid, the Channel framework's exchange keys, push tokens and reply ids),
//! drawn from the system's secure random source (`ring`), and comparing one without an early
//! exit (a CSRF token, a push token, the mock Instagram's access tokens).

use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;

/// 128 random bits as hex, from the system's secure random source.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        // Never on the systems the sandbox runs on; a guessable id would be worse than none.
        panic!("the system's secure random source failed");
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random (version 4) UUID.
pub fn uuid() -> String {
    let h = random_hex();
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

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
    fn ids_are_128_random_bits() {
        let ids: std::collections::BTreeSet<String> = (0..1000).map(|_| random_hex()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(
            ids.iter()
                .all(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        );
        let u = uuid();
        assert_eq!((u.len(), &u[14..15], &u[19..20]), (36, "4", "a"));
    }

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
