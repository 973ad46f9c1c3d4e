//! How long the app waits, and for what: its own deadline on every request, and the backoff of
//! rate-limited retries. Pure: the reducer gets the time through its actions, so every rule here
//! is unit-tested without waiting. Tests of the built app shorten these values (see
//! [`Timing::with_overrides`]).

/// The app's timing rules, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// The `timeout` asked of Zendesk for each `client.request`.
    pub request_timeout_ms: u32,
    /// The app's own deadline, from sending: past it, the request counts as unanswered whatever
    /// the host does (a host that ignores `timeout`, a lost message).
    pub deadline_ms: u64,
    /// The first rate-limited retry waits about this long (more if `Retry-After` says so).
    pub backoff_base_ms: u64,
    /// Backoff doubles per 429 in a row, up to this.
    pub backoff_cap_ms: u64,
    /// Automatic retries after 429s in a row; then the agent is offered "Try again".
    pub auto_retries: u32,
    /// The longest wait the app takes on by itself; a longer `Retry-After` gets "Try again".
    pub max_wait_ms: u64,
    /// An automatic retry never sends a set the agent asked for longer ago than this.
    pub set_max_age_ms: u64,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            request_timeout_ms: 15_000,
            deadline_ms: 18_000,
            backoff_base_ms: 2_000,
            backoff_cap_ms: 30_000,
            auto_retries: 3,
            max_wait_ms: 60_000,
            set_max_age_ms: 60_000,
        }
    }
}

/// The names a host page may override, in `window.zendeskHeartTiming` (the sandbox's tests do).
pub const TIMING_KEYS: [&str; 7] = [
    "request_timeout_ms",
    "deadline_ms",
    "backoff_base_ms",
    "backoff_cap_ms",
    "auto_retries",
    "max_wait_ms",
    "set_max_age_ms",
];

impl Timing {
    /// These rules with the values `get` has for some of [`TIMING_KEYS`]; a value that is not a
    /// whole number from 0 to 10⁹ is ignored.
    pub fn with_overrides(mut self, get: impl Fn(&str) -> Option<f64>) -> Self {
        for key in TIMING_KEYS {
            let Some(v) = get(key).filter(|v| v.fract() == 0.0 && (0.0..=1e9).contains(v)) else {
                continue;
            };
            let n = v as u64;
            match key {
                "request_timeout_ms" => self.request_timeout_ms = n as u32,
                "deadline_ms" => self.deadline_ms = n,
                "backoff_base_ms" => self.backoff_base_ms = n,
                "backoff_cap_ms" => self.backoff_cap_ms = n,
                "auto_retries" => self.auto_retries = n as u32,
                "max_wait_ms" => self.max_wait_ms = n,
                _ => self.set_max_age_ms = n,
            }
        }
        self
    }

    /// The backoff before retry number `attempt` (1 for the first 429): `base · 2^(attempt−1)`
    /// up to the cap, of which the upper half is jittered by `jitter` ∈ [0, 1), so tabs that
    /// were limited together do not retry together.
    pub fn backoff_ms(&self, attempt: u32, jitter: f64) -> u64 {
        let exp = attempt.saturating_sub(1).min(32);
        let full = self
            .backoff_base_ms
            .saturating_mul(1u64 << exp)
            .min(self.backoff_cap_ms);
        let half = full / 2;
        half + (half as f64 * jitter.clamp(0.0, 1.0)) as u64
    }
}

/// A small deterministic random source (xorshift64*): seeded once by the component, so the reducer
/// stays pure and its tests repeatable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    /// The next number in [0, 1).
    pub fn draw(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_asks_zendesk_for_the_same_timeout_with_the_same_override() {
        // boot.js sends the first read before the wasm runs; the app takes it over only if it is
        // the request it would send, timeout included.
        let boot = include_str!("boot.js");
        let default = Timing::default().request_timeout_ms;
        assert!(
            boot.contains(&format!(": {default},\n")),
            "boot.js: {default}"
        );
        assert_eq!(TIMING_KEYS[0], "request_timeout_ms");
        assert!(boot.contains("timing.request_timeout_ms"));
        assert!(
            boot.contains("timeout <= 1e9"),
            "the same bound on an override"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_the_upper_half_jittered() {
        let t = Timing::default();
        assert_eq!(t.backoff_ms(1, 0.0), 1_000);
        assert_eq!(t.backoff_ms(1, 0.999_999), 1_999);
        assert_eq!(t.backoff_ms(2, 0.0), 2_000);
        assert_eq!(t.backoff_ms(3, 0.5), 6_000);
        assert_eq!(t.backoff_ms(10, 0.0), 15_000, "capped at 30 s");
        assert_eq!(t.backoff_ms(u32::MAX, 1.0), 30_000);
        assert_eq!(t.backoff_ms(0, 0.0), 1_000, "attempt 0 reads as the first");
    }

    #[test]
    fn overrides_take_whole_numbers_only() {
        let t = Timing::default().with_overrides(|key| match key {
            "deadline_ms" => Some(1_500.0),
            "auto_retries" => Some(1.0),
            "backoff_base_ms" => Some(-5.0),
            "max_wait_ms" => Some(2.5),
            "set_max_age_ms" => Some(f64::NAN),
            _ => None,
        });
        assert_eq!(t.deadline_ms, 1_500);
        assert_eq!(t.auto_retries, 1);
        assert_eq!(t.backoff_base_ms, 2_000);
        assert_eq!(t.max_wait_ms, 60_000);
        assert_eq!(t.set_max_age_ms, 60_000);
        assert_eq!(
            Timing::default().with_overrides(|_| None),
            Timing::default()
        );
    }

    #[test]
    fn the_app_gives_up_before_a_host_that_ignores_its_timeout_would() {
        let t = Timing::default();
        assert!((15_000..=20_000).contains(&t.deadline_ms));
        assert!(u64::from(t.request_timeout_ms) < t.deadline_ms);
    }

    #[test]
    fn jitter_stays_in_range_and_varies() {
        let mut j = Jitter::new(42);
        let xs: Vec<f64> = (0..1000).map(|_| j.draw()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((0.4..0.6).contains(&mean), "{mean}");
        assert_ne!(Jitter::new(1).draw(), Jitter::new(2).draw());
    }
}
