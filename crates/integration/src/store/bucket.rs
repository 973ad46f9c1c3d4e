//! The token bucket of an account's origin calls, as pure arithmetic: the in-memory store runs
//! it in Rust, the Redis store in the same steps as a Lua script (`store/redis.rs`); the tests
//! of both check them against the same cases.
//!
//! A bucket holds up to `capacity` calls and refills `capacity` calls per `per`, evenly. The
//! last tenth (at least two calls: a like's check of the photo and the like itself) is kept
//! for writes: a read is refused while the bucket is that low, so the reads that many agents
//! make never leave a like with no budget.

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
        f64::from((self.capacity / 10).max(2))
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

/// What both stores are checked against (the Redis one with the times given): a bucket of 10
/// calls per 10 s (one call a second back, a reserve of two), and steps `(priority, ms since
/// the first, what it must answer)` in order.
pub const CHECK_BUCKET: Bucket = Bucket {
    capacity: 10,
    per: Duration::from_secs(10),
};

const GO: Take = Take::Granted;
const fn wait(ms: u64) -> Take {
    Take::Wait(Duration::from_millis(ms))
}
const R: Priority = Priority::Read;
const W: Priority = Priority::Write;

#[rustfmt::skip]
pub const CHECK_STEPS: &[(Priority, u64, Take)] = &[
    // Eight reads leave the reserve of two; the ninth waits a second.
    (R, 0, GO), (R, 0, GO), (R, 0, GO), (R, 0, GO),
    (R, 0, GO), (R, 0, GO), (R, 0, GO), (R, 0, GO),
    (R, 0, wait(1_000)),
    // Writes take the reserve, then wait; half a call back is not a call.
    (W, 0, GO), (W, 0, GO), (W, 0, wait(1_000)),
    (W, 500, wait(500)), (W, 1_000, GO),
    // Two calls back are not enough for a read yet (it must leave two); three are.
    (R, 3_000, wait(1_000)), (R, 4_000, GO),
    // An hour later it is full again, not fuller.
    (W, 3_600_000, GO), (W, 3_600_000, GO), (W, 3_600_000, GO), (W, 3_600_000, GO),
    (W, 3_600_000, GO), (W, 3_600_000, GO), (W, 3_600_000, GO), (W, 3_600_000, GO),
    (W, 3_600_000, GO), (W, 3_600_000, GO), (W, 3_600_000, wait(1_000)),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn run(steps: &[(Priority, u64)]) -> Vec<Take> {
        let mut level = None;
        steps
            .iter()
            .map(|&(p, at)| {
                let (next, take) = CHECK_BUCKET.take(level, at, p);
                level = Some(next);
                take
            })
            .collect()
    }

    #[test]
    fn the_check_steps_hold_here() {
        let steps: Vec<(Priority, u64)> = CHECK_STEPS.iter().map(|&(p, at, _)| (p, at)).collect();
        let expected: Vec<Take> = CHECK_STEPS.iter().map(|&(_, _, t)| t).collect();
        assert_eq!(run(&steps), expected);
    }

    #[test]
    fn reads_leave_the_reserve_for_writes() {
        // Eight reads empty the bucket down to the reserve of two; the ninth read waits, two
        // writes (a like's check and the like) still go, a third waits.
        let mut steps = vec![(Priority::Read, 0); 9];
        steps.extend([(Priority::Write, 0); 3]);
        let takes = run(&steps);
        assert!(takes[..8].iter().all(|t| *t == Take::Granted), "{takes:?}");
        assert_eq!(takes[8], Take::Wait(Duration::from_millis(1_000)));
        assert_eq!(takes[9], Take::Granted);
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
    fn a_tiny_bucket_is_for_writes_only() {
        let bucket = Bucket {
            capacity: 1,
            per: Duration::from_secs(1),
        };
        assert_eq!(bucket.reserve(), 2.0);
        let (_, take) = bucket.take(None, 0, Priority::Read);
        assert_eq!(take, Take::Wait(Duration::from_millis(2_000)));
        let (_, take) = bucket.take(None, 0, Priority::Write);
        assert_eq!(take, Take::Granted);
    }
}
