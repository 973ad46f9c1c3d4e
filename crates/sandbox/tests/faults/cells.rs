//! The fault matrix's cells: for each fault the sandbox can inject (at the integration service or
//! at Zendesk's proxy), what the agent must end up seeing after a read and after a set.

use sandbox::{Fault, Hang, ProxyFault};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Read,
    Set,
}

impl Call {
    pub fn name(self) -> &'static str {
        match self {
            Call::Read => "read",
            Call::Set => "set",
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Call::Read => "/like_state",
            Call::Set => "/like",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Inject {
    Service(Fault),
    Proxy(ProxyFault),
}

/// What the heart shows at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heart {
    /// The origin's value.
    Origin,
    /// No heart at all (no guess).
    Absent,
}

#[derive(Clone, Debug)]
pub struct Expect {
    /// `data-state`; `hidden` also means the host hid the app's box.
    pub state: &'static str,
    pub heart: Heart,
    /// Whether the origin has the like at the end (the set asks for it).
    pub liked: bool,
    pub says: Vec<&'static str>,
    pub retry: bool,
    /// Calls the app sent for this one read or click (retries and checks included).
    pub requests: u64,
}

pub struct Cell {
    pub fault: &'static str,
    pub inject: Inject,
    pub read: Expect,
    pub set: Expect,
    /// At least this long between the first two calls (a `Retry-After` floor).
    pub gap_ms: u64,
    /// The proxy holds a call: released once the app has given up on it.
    pub held: bool,
    /// The browser itself may resend a call whose connection dropped before any answer: the
    /// proxy then sees more calls than the app sent.
    pub resent: bool,
}

fn service(f: Fault) -> Inject {
    Inject::Service(f)
}

fn proxy(f: ProxyFault) -> Inject {
    Inject::Proxy(f)
}

/// The integration service answers `code`.
fn service_status(code: u16) -> Inject {
    service(Fault {
        status: Some(code),
        ..Fault::default()
    })
}

/// Zendesk's proxy answers `code` itself.
fn zendesk_status(code: u16) -> Inject {
    proxy(ProxyFault {
        status: Some(code),
        ..ProxyFault::default()
    })
}

fn once(f: Fault) -> Fault {
    Fault {
        times: Some(1),
        ..f
    }
}

fn expect(
    state: &'static str,
    heart: Heart,
    liked: bool,
    says: &[&'static str],
    retry: bool,
    requests: u64,
) -> Expect {
    Expect {
        state,
        heart,
        liked,
        says: says.to_vec(),
        retry,
        requests,
    }
}

const UNSURE: &str = "may or may not have gone through";

pub fn cells() -> Vec<Cell> {
    use Heart::{Absent, Origin};
    // What the agent sees after a failed read: no heart, the reason, "Try again".
    let read_error = |says: &[&'static str]| expect("error", Absent, false, says, true, 1);
    // After a refused set: rolled back, the reason, "Try again".
    let refused = |says: &[&'static str]| expect("error", Origin, false, says, true, 1);
    // After a set with an unknown outcome: read again, shown as the origin has it.
    let unsure = |liked: bool, reason: &'static str| {
        expect("error", Origin, liked, &[reason, UNSURE], !liked, 2)
    };
    let fine = |liked: bool, requests| expect("ready", Origin, liked, &[], false, requests);
    let cell = |fault, inject, read, set| Cell {
        fault,
        inject,
        read,
        set,
        gap_ms: 0,
        held: false,
        resent: false,
    };
    vec![
        cell(
            "latency 300 ms",
            service(Fault {
                latency_ms: 300,
                ..Fault::default()
            }),
            fine(false, 1),
            fine(true, 1),
        ),
        Cell {
            held: true,
            ..cell(
                "never answered (own deadline)",
                proxy(ProxyFault {
                    hang: Some(Hang::After),
                    ..ProxyFault::default()
                }),
                read_error(&["Zendesk did not answer in time"]),
                unsure(true, "Zendesk did not answer in time"),
            )
        },
        cell(
            "401 from the service",
            service_status(401),
            read_error(&["access was refused (401)"]),
            refused(&["access was refused (401)"]),
        ),
        cell(
            "401 from Zendesk",
            zendesk_status(401),
            read_error(&["access was refused (401)"]),
            refused(&["access was refused (401)"]),
        ),
        cell(
            "403 from the service",
            service_status(403),
            read_error(&["access was refused (403)"]),
            refused(&["access was refused (403)"]),
        ),
        cell(
            "403 from Zendesk",
            zendesk_status(403),
            read_error(&["access was refused (403)"]),
            refused(&["access was refused (403)"]),
        ),
        cell(
            "404 from Zendesk (no integration)",
            zendesk_status(404),
            expect("hidden", Absent, false, &[], false, 1),
            // The app (heart and all) is hidden; what it holds is the origin's value.
            expect("hidden", Origin, false, &[], false, 1),
        ),
        cell(
            "404 from the service",
            service_status(404),
            read_error(&["(404)", "check the setting state_path"]),
            refused(&["(404)", "check the setting like_path"]),
        ),
        cell(
            "422 from the service",
            service_status(422),
            read_error(&["(422)", "check the setting state_path"]),
            refused(&["(422)", "check the setting like_path"]),
        ),
        Cell {
            gap_ms: 1_000,
            ..cell(
                "429 Retry-After 1 s",
                service(once(Fault {
                    retry_after: Some(1),
                    ..Fault::default()
                })),
                fine(false, 2),
                fine(true, 2),
            )
        },
        Cell {
            gap_ms: 900,
            ..cell(
                "429 Retry-After a date",
                service(once(Fault {
                    retry_after_date_s: Some(2),
                    ..Fault::default()
                })),
                fine(false, 2),
                fine(true, 2),
            )
        },
        Cell {
            gap_ms: 100,
            ..cell(
                "429 without Retry-After",
                service(once(Fault {
                    status: Some(429),
                    ..Fault::default()
                })),
                fine(false, 2),
                fine(true, 2),
            )
        },
        Cell {
            gap_ms: 100,
            ..cell(
                "429 Retry-After 0",
                service(once(Fault {
                    retry_after: Some(0),
                    ..Fault::default()
                })),
                fine(false, 2),
                fine(true, 2),
            )
        },
        cell(
            "429 Retry-After an hour",
            service(Fault {
                retry_after: Some(3_600),
                ..Fault::default()
            }),
            read_error(&["too many requests (429)."]),
            refused(&["too many requests (429)."]),
        ),
        cell(
            "429 for good",
            service_status(429),
            expect(
                "error",
                Absent,
                false,
                &["too many requests (429)."],
                true,
                4,
            ),
            expect(
                "error",
                Origin,
                false,
                &["too many requests (429)."],
                true,
                4,
            ),
        ),
        Cell {
            gap_ms: 1_000,
            ..cell(
                "429 from Zendesk, Retry-After 1 s",
                proxy(ProxyFault {
                    status: Some(429),
                    retry_after: Some("1".into()),
                    times: Some(1),
                    ..ProxyFault::default()
                }),
                fine(false, 2),
                fine(true, 2),
            )
        },
        cell(
            "500 from the service",
            service_status(500),
            read_error(&["integration service failed (500)"]),
            refused(&["integration service failed (500)"]),
        ),
        cell(
            "500 from Zendesk",
            zendesk_status(500),
            read_error(&["integration service failed (500)"]),
            refused(&["integration service failed (500)"]),
        ),
        cell(
            "502 from the service",
            service_status(502),
            read_error(&["(502)"]),
            unsure(false, "(502)"),
        ),
        cell(
            "504 after the service applied it",
            service(Fault {
                after_status: Some(504),
                ..Fault::default()
            }),
            read_error(&["(504)"]),
            unsure(true, "(504)"),
        ),
        cell(
            "malformed JSON",
            service(Fault {
                malformed_json: true,
                ..Fault::default()
            }),
            read_error(&["(502)"]),
            unsure(false, "(502)"),
        ),
        cell(
            "wrong types",
            service(Fault {
                wrong_types: true,
                ..Fault::default()
            }),
            read_error(&["answer could not be read"]),
            unsure(false, "answer could not be read"),
        ),
        cell(
            "a 10 MB answer",
            service(Fault {
                pad_bytes: Some(10_000_000),
                ..Fault::default()
            }),
            fine(false, 1),
            fine(true, 1),
        ),
        cell(
            "an HTML page with 200",
            proxy(ProxyFault {
                html: true,
                ..ProxyFault::default()
            }),
            read_error(&["answer could not be read"]),
            unsure(false, "answer could not be read"),
        ),
        cell(
            "204 No Content",
            proxy(ProxyFault {
                no_content: true,
                ..ProxyFault::default()
            }),
            read_error(&["answer could not be read"]),
            unsure(false, "answer could not be read"),
        ),
        cell(
            "dropped before the service applied it",
            service(Fault {
                drop_connection: true,
                ..Fault::default()
            }),
            read_error(&["(502)"]),
            unsure(false, "(502)"),
        ),
        cell(
            "dropped after the service applied it",
            service(Fault {
                after_drop: true,
                ..Fault::default()
            }),
            read_error(&["(502)"]),
            unsure(true, "(502)"),
        ),
        Cell {
            resent: true,
            ..cell(
                "connection to Zendesk lost",
                proxy(ProxyFault {
                    drop_connection: true,
                    ..ProxyFault::default()
                }),
                read_error(&["Zendesk could not be reached"]),
                unsure(false, "Zendesk could not be reached"),
            )
        },
    ]
}
