//! The proxy client: which call to make, and what its answer means.
//!
//! Pure: the URL, the body, the timeout and the reading of every kind of answer are unit-tested
//! natively. The `use_like_state` hook hands each [`Call`] to the ZAF bridge, asking it to read
//! [`ANSWER_READS`], and gives what came back to [`read_response`].

use heart_contract::{
    BAD_PATH_ERROR, Field, LikeAnswer, NO_INSTANCE_ERROR, SetLike, Settings, StateQuery, proxy_url,
};

use crate::ticket::TicketContext;
use crate::value::{Json, Path, Response, Scalar};

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

    /// Whether the admin's setting for the call is the likely cause (it is then named).
    pub fn names_the_setting(self) -> bool {
        matches!(self, Failure::NotFound(_) | Failure::BadPath)
    }
}

/// The keys of an answer's JSON body the app reads, in the order [`read_response`] takes them.
pub const ANSWER_READS: [Path<'static>; 4] =
    [&["liked"], &["like_count"], &["account"], &["error"]];

/// The header read from a failed answer.
pub const RETRY_AFTER: &str = "retry-after";

/// Reads what a call answered (its body read at [`ANSWER_READS`]): a like-state, by the
/// contract's rules, or why not. `now_ms` (ms since the epoch) reads a `Retry-After` date.
pub fn read_response(response: Response, now_ms: f64) -> Result<LikeAnswer, Failure> {
    let field = |i: usize| response.body.get(i).map_or(Field::Absent, Scalar::field);
    match response.status {
        200..=299 if response.resolved => {
            LikeAnswer::from_fields(field(0), field(1), field(2)).ok_or(Failure::Malformed)
        }
        status if response.resolved => Err(Failure::from_status(status, "", None, None, now_ms)),
        status => {
            let error = match response.body.get(3) {
                Some(Scalar::Str(error)) => Some(error.as_str()),
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
mod tests {
    use heart_contract::{PostToPath, TicketId};
    use serde_json::{Map, Value};

    use super::*;
    use crate::ticket::Channel;
    use crate::value::Headers;

    fn ticket() -> TicketContext {
        TicketContext {
            ticket: TicketId(62),
            external_id: Some("ig:1".into()),
            channel: Channel::Integration,
            locale: None,
        }
    }

    #[test]
    fn reads_and_sets_go_to_their_configured_paths() {
        let settings = Settings {
            state_path: PostToPath::parse("/v2/state").expect("path"),
            like_path: PostToPath::parse("https://svc.example/like?a=1&b=2").expect("url"),
        };
        let read = Call::new(Op::Read, &ticket(), &settings, 900);
        assert_eq!(
            read.url,
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Fv2%2Fstate"
        );
        assert_eq!(read.body, Body::Read(ticket().state_query()));
        assert_eq!(read.timeout_ms, 900);
        let set = Call::new(Op::Set(true), &ticket(), &settings, 900);
        assert_eq!(
            set.url,
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=https%3A%2F%2Fsvc.example%2Flike%3Fa%3D1%26b%3D2"
        );
        assert_eq!(set.body, Body::Set(ticket().set_like(true)));
    }

    #[test]
    fn statuses_are_told_apart() {
        let f = |status, text| Failure::from_status(status, text, None, None, 0.0);
        assert_eq!(f(0, "timeout"), Failure::Timeout);
        assert_eq!(f(0, "error"), Failure::Network);
        assert_eq!(f(401, ""), Failure::Denied(401));
        assert_eq!(f(403, ""), Failure::Denied(403));
        assert_eq!(f(404, ""), Failure::NotFound(404));
        assert_eq!(f(422, ""), Failure::NotFound(422));
        assert_eq!(
            f(429, ""),
            Failure::RateLimited {
                retry_after_s: None
            }
        );
        assert_eq!(
            f(500, ""),
            Failure::Server {
                status: 500,
                explained: false
            }
        );
        assert_eq!(f(200, ""), Failure::Malformed);
        assert_eq!(f(409, ""), Failure::Http(409));
        assert_eq!(f(302, ""), Failure::Http(302));
    }

    #[test]
    fn the_proxys_own_refusals_are_told_by_their_error() {
        let f = |status, error| Failure::from_status(status, "", Some(error), None, 0.0);
        assert_eq!(f(404, "RecordNotFound"), Failure::NoIntegration);
        assert_eq!(f(404, "photo_not_found"), Failure::NotFound(404));
        assert_eq!(f(404, "not_found"), Failure::NotFound(404));
        assert_eq!(f(422, "RecordNotFound"), Failure::NotFound(422));
        assert_eq!(f(400, "InvalidPostToPath"), Failure::BadPath);
        assert_eq!(f(400, "InvalidJSON"), Failure::Http(400));
        assert_eq!(
            f(500, "injected_fault"),
            Failure::Server {
                status: 500,
                explained: true
            }
        );
    }

    #[test]
    fn only_a_refusal_is_a_certain_failure() {
        let certain = [
            Failure::Denied(401),
            Failure::Denied(403),
            Failure::NoIntegration,
            Failure::NotFound(404),
            Failure::NotFound(422),
            Failure::BadPath,
            Failure::Http(400),
            Failure::RateLimited {
                retry_after_s: Some(3),
            },
            Failure::Server {
                status: 500,
                explained: true,
            },
        ];
        let uncertain = [
            Failure::Deadline,
            Failure::Timeout,
            Failure::Network,
            Failure::Malformed,
            Failure::Server {
                status: 500,
                explained: false,
            },
            Failure::Server {
                status: 502,
                explained: true,
            },
            Failure::Server {
                status: 503,
                explained: true,
            },
            Failure::Server {
                status: 504,
                explained: true,
            },
            Failure::Http(302),
        ];
        for f in certain {
            assert!(f.is_certain(), "{f:?}");
        }
        for f in uncertain {
            assert!(!f.is_certain(), "{f:?}");
        }
    }

    #[test]
    fn a_rate_limit_carries_its_retry_after() {
        let now = 1_795_600_800_000.0;
        assert_eq!(
            Failure::from_status(429, "", None, Some("12"), now),
            Failure::RateLimited {
                retry_after_s: Some(12)
            }
        );
        assert_eq!(
            Failure::from_status(429, "", None, Some("later"), now),
            Failure::RateLimited {
                retry_after_s: None
            }
        );
    }

    fn resolved(status: u16, body: Vec<Scalar>) -> Response {
        Response {
            resolved: true,
            status,
            body,
            ..Response::default()
        }
    }

    fn rejected(status: u16, error: Option<&str>, headers: Headers) -> Response {
        let mut body = vec![Scalar::Absent; 3];
        body.extend(error.map(|e| Scalar::Str(e.into())));
        Response {
            resolved: false,
            status,
            status_text: String::new(),
            body,
            headers,
        }
    }

    #[test]
    fn a_success_without_a_like_state_is_malformed() {
        let answer = LikeAnswer {
            liked: true,
            like_count: Some(3),
            account: Some("@omniwear".into()),
        };
        let like_state = || {
            vec![
                Scalar::Bool(true),
                Scalar::Num(3.0),
                Scalar::Str("@omniwear".into()),
            ]
        };
        assert_eq!(
            read_response(resolved(200, like_state()), 0.0),
            Ok(answer.clone())
        );
        for (status, body) in [
            (201, vec![]),
            (204, vec![Scalar::Null; 4]),
            (200, vec![Scalar::Str("true".into()), Scalar::Num(1.5)]),
        ] {
            assert_eq!(
                read_response(resolved(status, body), 0.0),
                Err(Failure::Malformed)
            );
        }
        assert_eq!(
            read_response(resolved(503, like_state()), 0.0),
            Err(Failure::Server {
                status: 503,
                explained: false
            })
        );
        let limited = Response {
            status_text: "Too Many Requests".into(),
            ..rejected(429, None, Headers::Text("Retry-After: 3\r\n".into()))
        };
        assert_eq!(
            read_response(limited, 0.0),
            Err(Failure::RateLimited {
                retry_after_s: Some(3)
            })
        );
        let timeout = Response {
            status_text: "timeout".into(),
            ..rejected(0, None, Headers::None)
        };
        assert_eq!(read_response(timeout, 0.0), Err(Failure::Timeout));
        let pairs = Headers::Pairs(vec![("Retry-After".into(), Scalar::Str("9".into()))]);
        assert_eq!(
            read_response(rejected(429, None, pairs), 0.0),
            Err(Failure::RateLimited {
                retry_after_s: Some(9)
            })
        );
    }

    #[test]
    fn the_proxys_no_instance_answer_is_told_from_the_services_404() {
        let failed = |status, error| read_response(rejected(status, error, Headers::None), 0.0);
        assert_eq!(
            failed(404, Some("RecordNotFound")),
            Err(Failure::NoIntegration)
        );
        assert_eq!(
            failed(404, Some("photo_not_found")),
            Err(Failure::NotFound(404))
        );
        assert_eq!(failed(404, None), Err(Failure::NotFound(404)));
        assert_eq!(
            failed(422, Some("RecordNotFound")),
            Err(Failure::NotFound(422))
        );
    }

    #[test]
    fn the_bodys_fields_are_the_contracts_serialisation() {
        let as_json = |body: &Body| {
            let fields: Map<String, Value> = body
                .fields()
                .into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        Json::Str(s) => Value::from(s),
                        Json::Bool(b) => Value::from(b),
                        Json::Null => Value::Null,
                    };
                    (key.to_owned(), value)
                })
                .collect();
            Value::Object(fields)
        };
        let mut no_id = ticket();
        no_id.external_id = None;
        for t in [ticket(), no_id] {
            let read = t.state_query();
            assert_eq!(
                as_json(&Body::Read(read.clone())),
                serde_json::to_value(&read).expect("json")
            );
            for liked in [true, false] {
                let set = t.set_like(liked);
                assert_eq!(
                    as_json(&Body::Set(set.clone())),
                    serde_json::to_value(&set).expect("json")
                );
            }
        }
    }
}
