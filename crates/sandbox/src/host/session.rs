//! The agent's session on the host: the session cookie and its CSRF token (random ids from
//! [`crate::secret`]).
//!
//! A page served without a session makes one, and anyone can load a page without the cookie
//! (a page elsewhere, as an image): such sessions stay *new* until a request comes back with
//! their cookie. New ones are kept apart and capped ([`MAX_NEW_SESSIONS`], the oldest go
//! first), so however many are made, a session in use is never pushed out by them; sessions in
//! use are capped too ([`MAX_SESSIONS`], the least recently used go first).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::http::{HeaderMap, header};

use crate::secret::random_hex;

pub const SESSION_COOKIE: &str = "_zendesk_session";
/// The most agent sessions kept at once.
pub const MAX_SESSIONS: usize = 1_000;
/// The most sessions kept that no request has come back with yet.
pub const MAX_NEW_SESSIONS: usize = 100;

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

#[derive(Debug)]
struct Session {
    csrf: String,
    /// When a request last came back with it (a tick of [`Inner::clock`]); `None`: never.
    used: Option<u64>,
}

#[derive(Debug, Default)]
struct Inner {
    by_id: HashMap<String, Session>,
    /// The sessions not used yet, oldest first.
    new: VecDeque<String>,
    clock: u64,
}

/// Agent sessions: session id → CSRF token.
#[derive(Debug, Default)]
pub(super) struct Sessions(Mutex<Inner>);

impl Sessions {
    /// The CSRF token of a session a request came back with; the session counts as used.
    pub(super) fn csrf(&self, id: &str) -> Option<String> {
        let mut inner = self.0.lock().ok()?;
        inner.clock += 1;
        let now = inner.clock;
        let session = inner.by_id.get_mut(id)?;
        let was_new = session.used.is_none();
        session.used = Some(now);
        let csrf = session.csrf.clone();
        if was_new {
            inner.new.retain(|n| n != id);
            // One more in use: make room among those in use.
            let in_use = inner.by_id.len() - inner.new.len();
            if in_use > MAX_SESSIONS - MAX_NEW_SESSIONS
                && let Some(oldest) = inner
                    .by_id
                    .iter()
                    .filter_map(|(k, s)| s.used.map(|t| (t, k)))
                    .min()
                    .map(|(_, k)| k.clone())
            {
                inner.by_id.remove(&oldest);
            }
        }
        Some(csrf)
    }

    #[cfg(test)]
    fn count(&self) -> usize {
        self.0.lock().map(|s| s.by_id.len()).unwrap_or(0)
    }

    /// A new session id and its CSRF token.
    pub(super) fn sign_in(&self) -> (String, String) {
        let id = random_hex();
        let csrf = random_hex();
        if let Ok(mut inner) = self.0.lock() {
            while inner.new.len() >= MAX_NEW_SESSIONS {
                if let Some(oldest) = inner.new.pop_front() {
                    inner.by_id.remove(&oldest);
                }
            }
            inner.by_id.insert(
                id.clone(),
                Session {
                    csrf: csrf.clone(),
                    used: None,
                },
            );
            inner.new.push_back(id.clone());
        }
        (id, csrf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_sessions_never_push_out_one_in_use() {
        let sessions = Sessions::default();
        let (agent, agent_csrf) = sessions.sign_in();
        assert_eq!(
            sessions.csrf(&agent),
            Some(agent_csrf.clone()),
            "in use now"
        );
        let (unused, _) = sessions.sign_in();
        for _ in 0..10 * MAX_SESSIONS {
            sessions.sign_in();
        }
        assert_eq!(sessions.count(), MAX_NEW_SESSIONS + 1);
        assert_eq!(sessions.csrf(&agent), Some(agent_csrf), "still signed in");
        assert_eq!(sessions.csrf(&unused), None, "an unused one went");
    }

    #[test]
    fn sessions_in_use_are_bounded_and_the_least_recently_used_go() {
        let sessions = Sessions::default();
        let (first, _) = sessions.sign_in();
        sessions.csrf(&first);
        let (kept, _) = sessions.sign_in();
        sessions.csrf(&kept);
        for _ in 0..MAX_SESSIONS {
            let (id, _) = sessions.sign_in();
            sessions.csrf(&id);
            sessions.csrf(&kept);
        }
        assert!(sessions.count() <= MAX_SESSIONS, "{}", sessions.count());
        assert_eq!(sessions.csrf(&first), None, "the least recently used went");
        assert!(
            sessions.csrf(&kept).is_some(),
            "the one used all along stayed"
        );
    }

    #[test]
    fn cookies_are_read_without_panic_at_every_offset() {
        let base = format!("a=1; {SESSION_COOKIE}=0123abcd; b");
        crate::text::at_every_offset(&base, |cookie| {
            let mut headers = HeaderMap::new();
            if let Ok(v) = axum::http::HeaderValue::from_bytes(cookie.as_bytes()) {
                headers.insert(header::COOKIE, v);
            }
            let _ = session_id(&headers);
        });
    }
}
