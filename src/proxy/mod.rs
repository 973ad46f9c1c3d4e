//! The proxy client: which call to make, and what its answer means.
//!
//! Pure: the URL, the body, the timeout and the reading of every kind of answer are unit-tested
//! natively. The `use_like_state` hook hands each [`Call`] to the ZAF bridge, which reads the
//! answer's body as an [`AnswerBody`], and gives what came back to [`read_response`].

use heart_contract::{
    BAD_PATH_ERROR, LikeAnswer, NO_INSTANCE_ERROR, SetLike, Settings, StateQuery, proxy_url,
};

use crate::ticket::TicketContext;
use crate::zaf_data::{Json, Path, Read, Response, Scalar};

mod retry_after;

pub use retry_after::{MAX_RETRY_AFTER_S, retry_after_seconds};

/// What a request asks of the integration service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Read,
    Set(bool),
}

/// The JSON body: the inner value's fields (see [`Body::fields`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Read(StateQuery),
    Set(SetLike),
}

impl Body {
    /// The body as the bridge writes it (JSON without serde in the bundle): the contract's
    /// field names, in order. A test keeps it equal to the contract's own serialisation.
    pub fn fields(&self) -> Vec<(&'static str, Json<'_>)> {
        let (ticket_id, external_id, liked) = match self {
            Body::Read(q) => (&q.ticket_id, &q.external_id, None),
            Body::Set(s) => (&s.ticket_id, &s.external_id, Some(s.liked)),
        };
        let mut fields = vec![
            ("ticket_id", Json::Str(ticket_id)),
            (
                "external_id",
                external_id.as_deref().map_or(Json::Null, Json::Str),
            ),
        ];
        if let Some(liked) = liked {
            fields.push(("liked", Json::Bool(liked)));
        }
        fields
    }
}

/// One POST to Zendesk's proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub url: String,
    pub body: Body,
    /// The `timeout` asked of Zendesk, in milliseconds.
    pub timeout_ms: u32,
}

impl Call {
    pub fn new(op: Op, ticket: &TicketContext, settings: &Settings, timeout_ms: u32) -> Self {
        let (url, body) = match op {
            Op::Read => (
                proxy_url(ticket.ticket, &settings.state_path),
                Body::Read(ticket.state_query()),
            ),
            Op::Set(liked) => (
                proxy_url(ticket.ticket, &settings.like_path),
                Body::Set(ticket.set_like(liked)),
            ),
        };
        Call {
            url,
            body,
            timeout_ms,
        }
    }
}

/// Why a call did not give a like-state. Each kind is told apart in the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The app's own deadline passed with no answer.
    Deadline,
    /// Zendesk gave up on the call (`timeout`).
    Timeout,
    /// No HTTP answer at all.
    Network,
    /// 401 or 403: the integration's (or the agent's) access was refused.
    Denied(u16),
    /// The proxy's own 404: this ticket has no integration instance.
    NoIntegration,
    /// 404 or 422 from the integration service: no such photo, or no such path.
    NotFound(u16),
    /// The proxy refused the `post_to_path` (400).
    BadPath,
    /// 429: try again no sooner than `Retry-After` (when it said).
    RateLimited { retry_after_s: Option<u32> },
    /// 5xx, including the proxy's 502/504 for a broken or dead integration service.
    /// `explained`: the body is a JSON error, i.e. something answered for the failure.
    Server { status: u16, explained: bool },
    /// A success status whose body is not a like-state.
    Malformed,
    /// Any other status.
    Http(u16),
}

impl Failure {
    /// Reads a failed call. `error` is the `error` field of a JSON error body, if any;
    /// `retry_after` the header's value, if any; `now_ms` the current time (ms since the epoch),
    /// needed when the header is a date.
    pub fn from_status(
        status: u16,
        status_text: &str,
        error: Option<&str>,
        retry_after: Option<&str>,
        now_ms: f64,
    ) -> Self {
        match status {
            0 if status_text.eq_ignore_ascii_case("timeout") => Failure::Timeout,
            0 => Failure::Network,
            401 | 403 => Failure::Denied(status),
            404 if error == Some(NO_INSTANCE_ERROR) => Failure::NoIntegration,
            404 | 422 => Failure::NotFound(status),
            400 if error == Some(BAD_PATH_ERROR) => Failure::BadPath,
            429 => Failure::RateLimited {
                retry_after_s: retry_after.and_then(|v| retry_after_seconds(v, now_ms)),
            },
            500..=599 => Failure::Server {
                status,
                explained: error.is_some(),
            },
            200..=299 => Failure::Malformed,
            other => Failure::Http(other),
        }
    }

    pub fn is_rate_limit(self) -> bool {
        matches!(self, Failure::RateLimited { .. })
    }

    /// Whether a set that failed so surely did not change the like: something answered and
    /// refused it. Otherwise (no answer, a gateway's 502/504, an unexplained 5xx, an answer
    /// that cannot be read) it may have been applied, and only a fresh read can tell.
    pub fn is_certain(self) -> bool {
        match self {
            Failure::Denied(_)
            | Failure::NoIntegration
            | Failure::NotFound(_)
            | Failure::BadPath
            | Failure::RateLimited { .. } => true,
            Failure::Server { status, explained } => status == 500 && explained,
            Failure::Http(status) => (400..500).contains(&status),
            Failure::Deadline | Failure::Timeout | Failure::Network | Failure::Malformed => false,
        }
    }

    /// Whether the admin's setting for the call is the likely cause (it is then named): the
    /// service has no such path, or the proxy refused the call (any 400: the proxy answers one
    /// for a `post_to_path` it will not forward, e.g. a URL on another host, whatever its error
    /// says).
    pub fn names_the_setting(self) -> bool {
        matches!(
            self,
            Failure::NotFound(_) | Failure::BadPath | Failure::Http(400)
        )
    }
}

/// The keys of an answer's JSON body the app reads: a like-state's, or a JSON error's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnswerBody {
    pub liked: Scalar,
    pub like_count: Scalar,
    pub account: Scalar,
    /// The `error` of a JSON error body.
    pub error: Scalar,
}

impl Read for AnswerBody {
    fn read(at: &mut dyn FnMut(Path<'_>) -> Scalar) -> Self {
        AnswerBody {
            liked: at(&["liked"]),
            like_count: at(&["like_count"]),
            account: at(&["account"]),
            error: at(&["error"]),
        }
    }
}

/// The header read from a failed answer.
pub const RETRY_AFTER: &str = "retry-after";

/// Reads what a call answered: a like-state, by the contract's rules, or why not. `now_ms` (ms
/// since the epoch) reads a `Retry-After` date.
pub fn read_response(response: Response<AnswerBody>, now_ms: f64) -> Result<LikeAnswer, Failure> {
    let body = &response.body;
    match response.status {
        200..=299 if response.resolved => LikeAnswer::from_fields(
            body.liked.field(),
            body.like_count.field(),
            body.account.field(),
        )
        .ok_or(Failure::Malformed),
        status if response.resolved => Err(Failure::from_status(status, "", None, None, now_ms)),
        status => {
            let error = match &body.error {
                Scalar::Str(error) => Some(error.as_str()),
                _ => None,
            };
            let retry_after = response.headers.get(RETRY_AFTER);
            Err(Failure::from_status(
                status,
                &response.status_text,
                error,
                retry_after.as_deref(),
                now_ms,
            ))
        }
    }
}

#[cfg(test)]
mod tests;
