//! The agent's session on the host: the session cookie, its CSRF token, and the random ids
//! both are made of (also the app's guid and the Channel framework's exchange keys).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderMap, header};

pub const SESSION_COOKIE: &str = "_zendesk_session";
/// The most agent sessions kept at once.
pub const MAX_SESSIONS: usize = 1_000;

/// 128 random bits as hex, from std's randomly keyed hasher.
pub fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::new();
    for _ in 0..2 {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// A random (version 4) UUID.
pub(super) fn uuid() -> String {
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

/// The session id in the request's cookies, if any.
pub(super) fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Agent sessions: session id → CSRF token, with the order they were made in (at most
/// [`MAX_SESSIONS`]; the oldest go first).
#[derive(Default)]
pub(super) struct Sessions(Mutex<(HashMap<String, String>, VecDeque<String>)>);

impl Sessions {
    pub(super) fn csrf(&self, id: &str) -> Option<String> {
        self.0.lock().ok()?.0.get(id).cloned()
    }

    #[cfg(test)]
    fn count(&self) -> usize {
        self.0.lock().map(|s| s.0.len()).unwrap_or(0)
    }

    pub(super) fn sign_in(&self) -> (String, String) {
        let id = random_hex();
        let csrf = random_hex();
        if let Ok(mut s) = self.0.lock() {
            let (by_id, order) = &mut *s;
            while order.len() >= MAX_SESSIONS {
                if let Some(oldest) = order.pop_front() {
                    by_id.remove(&oldest);
                }
            }
            by_id.insert(id.clone(), csrf.clone());
            order.push_back(id.clone());
        }
        (id, csrf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_bounded_and_the_oldest_go_first() {
        let sessions = Sessions::default();
        let (first, first_csrf) = sessions.sign_in();
        assert_eq!(sessions.csrf(&first), Some(first_csrf));
        let mut last = String::new();
        for _ in 0..MAX_SESSIONS + 10 {
            last = sessions.sign_in().0;
        }
        assert_eq!(sessions.count(), MAX_SESSIONS);
        assert_eq!(sessions.csrf(&first), None, "the oldest went");
        assert!(sessions.csrf(&last).is_some());
    }
}
