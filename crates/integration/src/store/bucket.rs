//! The token bucket of an account's origin calls, as pure arithmetic: the in-memory store runs
//! it in Rust, the Redis store in the same steps as a Lua script (`store/redis.rs`); the tests
//! of both check them against the same cases.
//!
//! A bucket holds up to `capacity` calls and refills `capacity` calls per `per`, evenly. The
//! last tenth (at least one call) is kept for writes: a read is refused while the bucket is
//! that low, so reads that many agents make never leave a like with no budget.

use std::time::Duration;

/// How many origin calls an account may make: `capacity` per `per`, in bursts of `capacity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub capacity: u32,
    pub per: Duration,
}

/// A bucket's fill at a time (milliseconds on the store's clock).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    pub tokens: f64,
    pub at_ms: u64,
}

/// Whether a call may go to the origin now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    Granted,
    /// Not before this long.
    Wait(Duration),
}

/// Whether a call may use the reserve kept for writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    Read,
    Write,
}

impl Bucket {
    /// The calls a read must leave in the bucket.
    pub fn reserve(&self) -> f64 {
        f64::from((self.capacity / 10).max(1))
    }

    /// Tokens per millisecond.
    pub fn rate(&self) -> f64 {
        let ms = self.per.as_millis().max(1) as f64;
        f64::from(self.capacity) / ms
    }

    /// How long a full bucket takes to fill from empty, plus a second: how long to keep it.
    pub fn keep_ms(&self) -> u64 {
        u64::try_from(self.per.as_millis())
            .unwrap_or(u64::MAX)
            .saturating_add(1_000)
    }

    /// Takes one call from the bucket as it stands at `now_ms` (`None`: never used, so full).
    pub fn take(&self, level: Option<Level>, now_ms: u64, priority: Priority) -> (Level, Take) {
        let capacity = f64::from(self.capacity);
        let rate = self.rate();
        let (tokens, at) = level.map_or((capacity, now_ms), |l| (l.tokens, l.at_ms));
        let elapsed = now_ms.saturating_sub(at) as f64;
        let tokens = (tokens + elapsed * rate).min(capacity);
        let floor = match priority {
            Priority::Read => self.reserve(),
            Priority::Write => 0.0,
        };
        if tokens - 1.0 >= floor {
            (
                Level {
                    tokens: tokens - 1.0,
                    at_ms: now_ms,
                },
                Take::Granted,
            )
        } else {
            let missing = floor + 1.0 - tokens;
            let wait_ms = (missing / rate).ceil().max(1.0);
            (
                Level {
                    tokens,
                    at_ms: now_ms,
                },
                Take::Wait(Duration::from_millis(wait_ms as u64)),
            )
        }
    }
}

/// The cases both stores are checked against: `(priority, ms since the first call)` in order,
/// with the outcome expected, for a bucket of 10 calls per 10 s (one call per second back).
pub const CASES_BUCKET: Bucket = Bucket {
    capacity: 10,
    per: Duration::from_secs(10),
};

#[cfg(test)]
mod tests {
    use super::*;

    fn run(steps: &[(Priority, u64)]) -> Vec<Take> {
        let mut level = None;
        steps
            .iter()
            .map(|&(p, at)| {
                let (next, take) = CASES_BUCKET.take(level, at, p);
                level = Some(next);
                take
            })
            .collect()
    }

    #[test]
    fn reads_leave_the_reserve_for_writes() {
        // Nine reads empty the bucket down to the reserve of one; the tenth read waits, a
        // write still goes.
        let mut steps = vec![(Priority::Read, 0); 9];
        steps.push((Priority::Read, 0));
        steps.push((Priority::Write, 0));
        steps.push((Priority::Write, 0));
        let takes = run(&steps);
        assert!(takes[..9].iter().all(|t| *t == Take::Granted), "{takes:?}");
        assert_eq!(takes[9], Take::Wait(Duration::from_millis(1_000)));
        assert_eq!(takes[10], Take::Granted);
        assert_eq!(takes[11], Take::Wait(Duration::from_millis(1_000)));
    }

    #[test]
    fn it_refills_evenly_and_never_past_capacity() {
        let mut steps = vec![(Priority::Write, 0); 10];
        // Half a second later half a call is back: not enough.
        steps.push((Priority::Write, 500));
        // A second later one is.
        steps.push((Priority::Write, 1_000));
        // An hour later it is full again, not fuller: ten go, the eleventh waits.
        steps.extend(vec![(Priority::Write, 3_600_000); 11]);
        let takes = run(&steps);
        assert!(takes[..10].iter().all(|t| *t == Take::Granted));
        assert_eq!(takes[10], Take::Wait(Duration::from_millis(500)));
        assert_eq!(takes[11], Take::Granted);
        assert!(
            takes[12..22].iter().all(|t| *t == Take::Granted),
            "{takes:?}"
        );
        assert_eq!(takes[22], Take::Wait(Duration::from_millis(1_000)));
    }

    #[test]
    fn a_tiny_bucket_still_reserves_one_call() {
        let bucket = Bucket {
            capacity: 1,
            per: Duration::from_secs(1),
        };
        assert_eq!(bucket.reserve(), 1.0);
        let (_, take) = bucket.take(None, 0, Priority::Read);
        assert_eq!(take, Take::Wait(Duration::from_millis(1_000)));
        let (_, take) = bucket.take(None, 0, Priority::Write);
        assert_eq!(take, Take::Granted);
    }
}
