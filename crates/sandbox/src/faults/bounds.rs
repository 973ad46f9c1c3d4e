//! What a fault from outside may ask for: every number within a bound ([`Fault::check`],
//! [`ProxyFault::check`], refused with 400 by the sandbox's control), and the caps on the faults
//! in force and the calls held at once.

use super::{Fault, ProxyFault};

/// The most calls held at once; past it, a call the faults would hold is refused with 503.
pub const MAX_HELD: usize = 100;
/// The longest latency a fault adds.
pub const MAX_LATENCY_MS: u64 = 600_000;
/// The largest answer `pad_bytes` makes: twice what the proxy reads of an answer, so an answer
/// over that cap can be made.
pub const MAX_PAD_BYTES: usize = 2 * crate::outbound::MAX_PROXY_ANSWER;
/// The longest `Retry-After` a fault answers, in seconds or as a date that far ahead (a day).
pub const MAX_RETRY_AFTER_S: u64 = 86_400;
/// The most paths with a fault, of each kind (the service's, the proxy's).
pub const MAX_FAULT_PATHS: usize = 64;
/// The longest path a fault is set for, and the longest `Retry-After` text a proxy fault sends.
pub const MAX_FAULT_TEXT: usize = 511;

fn check_status(name: &str, status: Option<u16>) -> Result<(), String> {
    match status {
        Some(s) if !(200..=599).contains(&s) => Err(format!(
            "{name} must be an HTTP status from 200 to 599, not {s}"
        )),
        _ => Ok(()),
    }
}

fn check_at_most(name: &str, value: Option<u64>, max: u64) -> Result<(), String> {
    match value {
        Some(v) if v > max => Err(format!("{name} must be at most {max}, not {v}")),
        _ => Ok(()),
    }
}

/// A path a fault may be set for: `/…`, at most [`MAX_FAULT_TEXT`] bytes.
pub fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err("path must start with /".into());
    }
    if path.len() > MAX_FAULT_TEXT {
        return Err(format!("path must be at most {MAX_FAULT_TEXT} bytes"));
    }
    Ok(())
}

impl Fault {
    /// Whether every number is within its bound (what the sandbox's control refuses with 400).
    pub fn check(&self) -> Result<(), String> {
        check_at_most("latency_ms", Some(self.latency_ms), MAX_LATENCY_MS)?;
        check_at_most("retry_after", self.retry_after, MAX_RETRY_AFTER_S)?;
        check_at_most(
            "retry_after_date_s",
            self.retry_after_date_s,
            MAX_RETRY_AFTER_S,
        )?;
        check_at_most(
            "pad_bytes",
            self.pad_bytes.map(|n| u64::try_from(n).unwrap_or(u64::MAX)),
            MAX_PAD_BYTES as u64,
        )?;
        check_status("status", self.status)?;
        check_status("after_status", self.after_status)
    }
}

impl ProxyFault {
    /// Whether its status and `Retry-After` are within their bounds.
    pub fn check(&self) -> Result<(), String> {
        check_status("status", self.status)?;
        match &self.retry_after {
            Some(r) if r.len() > MAX_FAULT_TEXT => Err(format!(
                "retry_after must be at most {MAX_FAULT_TEXT} bytes"
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::super::{Faults, Hang, Hold};
    use super::*;

    #[test]
    fn numbers_past_their_bounds_are_refused() {
        let faults = Faults::default();
        let huge = [
            Fault {
                pad_bytes: Some(1_000_000_000_000),
                ..Fault::default()
            },
            Fault {
                retry_after_date_s: Some(u64::MAX),
                ..Fault::default()
            },
            Fault {
                retry_after: Some(MAX_RETRY_AFTER_S + 1),
                ..Fault::default()
            },
            Fault {
                latency_ms: u64::MAX,
                ..Fault::default()
            },
            Fault {
                status: Some(101),
                ..Fault::default()
            },
            Fault {
                after_status: Some(1000),
                ..Fault::default()
            },
        ];
        for fault in huge {
            let err = faults.try_set("/like", fault.clone()).expect_err("refused");
            assert!(err.contains("must be"), "{fault:?}: {err}");
        }
        let at_bounds = Fault {
            pad_bytes: Some(MAX_PAD_BYTES),
            retry_after_date_s: Some(MAX_RETRY_AFTER_S),
            latency_ms: MAX_LATENCY_MS,
            status: Some(599),
            ..Fault::default()
        };
        assert_eq!(faults.try_set("/like", at_bounds.clone()), Ok(()));
        assert_eq!(faults.all()["/like"], at_bounds);
        let proxy = ProxyFault {
            retry_after: Some("9".repeat(MAX_FAULT_TEXT + 1)),
            ..ProxyFault::default()
        };
        assert!(faults.try_set_proxy("/like", proxy).is_err());
        assert!(faults.try_set("like", Fault::default()).is_err());
        assert!(
            faults
                .try_set(
                    &format!("/{}", "a".repeat(MAX_FAULT_TEXT)),
                    Fault::default()
                )
                .is_err()
        );
    }

    #[test]
    fn the_paths_with_faults_are_capped() {
        let faults = Faults::default();
        for i in 0..MAX_FAULT_PATHS {
            assert_eq!(faults.try_set(&format!("/p{i}"), Fault::default()), Ok(()));
        }
        assert!(faults.try_set("/one-more", Fault::default()).is_err());
        faults.set("/one-more", Fault::default());
        assert_eq!(
            faults.all().len(),
            MAX_FAULT_PATHS,
            "in-process callers are capped too"
        );
        assert_eq!(
            faults.try_set(
                "/p0",
                Fault {
                    status: Some(500),
                    ..Fault::default()
                }
            ),
            Ok(())
        );
        let clear = Fault {
            times: Some(0),
            ..Fault::default()
        };
        assert_eq!(faults.try_set("/p1", clear), Ok(()));
        assert_eq!(faults.try_set("/one-more", Fault::default()), Ok(()));
    }

    #[test]
    fn past_the_cap_a_call_is_refused_rather_than_held() {
        let faults = Faults::default();
        let holds: Vec<Hold> = (0..MAX_HELD).map(|_| faults.arm()).collect();
        faults.set_proxy(
            "/like",
            ProxyFault {
                hang: Some(Hang::Before),
                ..ProxyFault::default()
            },
        );
        let (fault, hold) = faults.take_proxy("/like").expect("a fault");
        assert!(hold.is_none());
        assert_eq!(
            fault.response().map(|r| r.status()),
            Some(StatusCode::SERVICE_UNAVAILABLE)
        );
        drop(holds);
        let (fault, hold) = faults.take_proxy("/like").expect("a fault");
        assert!(hold.is_some() && fault.hang.is_some());
    }
}
