//! The tests of the proxy client: calls, statuses, answers and bodies.

use heart_contract::{PostToPath, TicketId};
use serde_json::{Map, Value};

use super::*;
use crate::ticket::Channel;
use crate::zaf_data::Headers;

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
fn a_400_names_the_setting_and_no_other_status_of_its_kind_does() {
    let f = |status, error| Failure::from_status(status, "", error, None, 0.0);
    for named in [
        f(400, None),
        f(400, Some("InvalidJSON")),
        f(400, Some(BAD_PATH_ERROR)),
        f(404, Some("photo_not_found")),
        f(422, None),
    ] {
        assert!(named.names_the_setting(), "{named:?}");
    }
    for not in [
        f(401, None),
        f(404, Some(NO_INSTANCE_ERROR)),
        f(409, None),
        f(500, None),
        f(0, None),
    ] {
        assert!(!not.names_the_setting(), "{not:?}");
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

/// A JSON body as the bridge reads it: each key the app reads, by its name.
fn body(json: Value) -> AnswerBody {
    AnswerBody::read(&mut |path| {
        let mut value = Some(&json);
        for key in path {
            value = value.and_then(|v| v.get(key));
        }
        match value {
            None => Scalar::Absent,
            Some(Value::String(s)) => Scalar::Str(s.clone()),
            Some(Value::Number(n)) => n.as_f64().map_or(Scalar::Other, Scalar::Num),
            Some(Value::Bool(b)) => Scalar::Bool(*b),
            Some(Value::Null) => Scalar::Null,
            Some(_) => Scalar::Other,
        }
    })
}

fn resolved(status: u16, json: Value) -> Response<AnswerBody> {
    Response {
        resolved: true,
        status,
        body: body(json),
        ..Response::default()
    }
}

fn rejected(status: u16, error: Option<&str>, headers: Headers) -> Response<AnswerBody> {
    Response {
        resolved: false,
        status,
        status_text: String::new(),
        body: body(serde_json::json!({ "error": error })),
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
    let like_state = || serde_json::json!({"like_count": 3, "account": "@omniwear", "liked": true});
    assert_eq!(
        read_response(resolved(200, like_state()), 0.0),
        Ok(answer.clone())
    );
    for (status, body) in [
        (201, serde_json::json!({})),
        (
            204,
            serde_json::json!({"liked": null, "like_count": null, "account": null, "error": null}),
        ),
        (200, serde_json::json!({"liked": "true", "like_count": 1.5})),
        (200, serde_json::json!([true, 3])),
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
