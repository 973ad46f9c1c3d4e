//! The agent's session on the host: the session cookie and its CSRF token (random ids from
//! [`crate::secret`]), [`Sessions`] that keep them, and what the handlers of the agent's
//! requests take: the [`Agent`] extractor (a request of the agent's session, with whether it
//! carries the session's CSRF token) and [`agent_controls`], the guard of the JSON controls.
//!
//! A page served without a session makes one, and anyone can load a page without the cookie
//! (a page elsewhere, as an image): such sessions stay *new* until a request comes back with
//! their cookie. New ones are kept apart and capped ([`MAX_NEW_SESSIONS`], the oldest go
//! first), so however many are made, a session in use is never pushed out by them; sessions in
//! use are capped too ([`MAX_SESSIONS`], the least recently used go first).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use heart_contract::ApiError;

use crate::secret::{random_hex, same_secret};

pub const SESSION_COOKIE: &str = "_zendesk_session";
/// The most agent sessions kept at once.
pub const MAX_SESSIONS: usize = 1_000;
/// The most sessions kept that no request has come back with yet.
pub const MAX_NEW_SESSIONS: usize = 100;

/// The session id in the request's cookies, if any.
fn session_id(headers: &HeaderMap) -> Option<String> {
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

/// Agent sessions: session id → CSRF token. A handle: its clones share the sessions.
#[derive(Clone, Debug, Default)]
pub struct Sessions(Arc<Mutex<Inner>>);

impl Sessions {
    /// The CSRF token of a session a request came back with; the session counts as used.
    fn csrf(&self, id: &str) -> Option<String> {
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

    /// The CSRF token of the request's agent session, if it has one.
    pub fn csrf_of(&self, headers: &HeaderMap) -> Option<String> {
        self.csrf(&session_id(headers)?)
    }

    /// For one of the sandbox's own pages: the request's session's CSRF token, or a new
    /// session's, with the `Set-Cookie` header that starts it.
    pub fn page_session(&self, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
        if let Some(csrf) = self.csrf_of(headers) {
            return (csrf, None);
        }
        let (session, csrf) = self.sign_in();
        let cookie = format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax");
        (csrf, HeaderValue::from_str(&cookie).ok())
    }

    /// Signs an agent in: a new session id and its CSRF token.
    pub fn sign_in(&self) -> (String, String) {
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

/// A request of the agent's session, read from its cookie before anything else of the request:
/// a handler that takes it does not run without one (401). Whether the request also carries the
/// session's CSRF token is the handler's to ask ([`Agent::csrf_ok`]), so that it can record a
/// refusal first.
#[derive(Debug)]
pub struct Agent {
    csrf: String,
    /// The request's `X-CSRF-Token`, if any.
    sent: Option<String>,
}

impl Agent {
    /// Whether the request's `X-CSRF-Token` is the session's CSRF token.
    pub fn csrf_ok(&self) -> bool {
        self.sent.as_deref().is_some_and(|sent| self.token_is(sent))
    }

    /// Whether `sent` (a form's `authenticity_token`, say) is the session's CSRF token.
    pub fn token_is(&self, sent: &str) -> bool {
        same_secret(self.csrf.as_bytes(), sent.as_bytes())
    }
}

/// 401: the request has no agent session.
pub fn unauthenticated() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "Couldn't authenticate you",
        "only the signed-in agent's session may use this",
    )
}

/// 403: the request does not carry its session's CSRF token.
pub fn bad_csrf() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "InvalidCsrfToken",
        "the X-CSRF-Token header does not match the agent's session",
    )
}

impl<S: Send + Sync> FromRequestParts<S> for Agent
where
    Sessions: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let csrf = Sessions::from_ref(state)
            .csrf_of(&parts.headers)
            .ok_or_else(unauthenticated)?;
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Self { csrf, sent })
    }
}

/// Whether the request's `Content-Type` is `media_type` (parameters such as `charset` aside).
pub fn content_type_is(headers: &HeaderMap, media_type: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(media_type))
}

/// The guard of the sandbox's JSON controls (a route layer): the agent's session, and for a
/// write its CSRF token and a JSON body (`Content-Type: application/json`), before anything of
/// the request is read. So no other page can use them: a form or a `text/plain` body from
/// elsewhere is refused unread.
pub async fn agent_controls(agent: Agent, request: Request, next: Next) -> Response {
    let reads = matches!(*request.method(), Method::GET | Method::HEAD);
    if !reads && !agent.csrf_ok() {
        return bad_csrf().into_response();
    }
    if *request.method() == Method::POST && !content_type_is(request.headers(), "application/json")
    {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "send JSON, with Content-Type: application/json",
        )
        .into_response();
    }
    next.run(request).await
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
