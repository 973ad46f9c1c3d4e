//! [`MemoryStore`]: the store of one process, the embedded default (nothing to set up): cached
//! values with their expiry, the accounts' buckets, origin blocks and counters, each map bounded
//! (expired entries go first, then the oldest).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::bucket::{Bucket, Level, Priority, Take};

/// The most entries each map keeps.
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
struct Expiring<T> {
    value: T,
    until: Instant,
}

#[derive(Debug, Default)]
struct Maps {
    values: HashMap<String, Expiring<String>>,
    counters: HashMap<String, Expiring<u64>>,
    buckets: HashMap<String, Expiring<Level>>,
    blocked: HashMap<String, Instant>,
}

/// One process's cache, buckets and counters.
#[derive(Debug)]
pub struct MemoryStore {
    maps: Mutex<Maps>,
    epoch: Instant,
    max_entries: usize,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::with_capacity(MAX_ENTRIES)
    }
}

/// Makes room for one more entry: drops the expired ones and, if the map is still full, a tenth
/// of it (any entries: a full map is a flood, and scanning it for the oldest on every insert
/// would make the flood quadratic).
fn make_room<T>(map: &mut HashMap<String, Expiring<T>>, max: usize, now: Instant) {
    if map.len() < max {
        return;
    }
    map.retain(|_, e| e.until > now);
    if map.len() >= max {
        let keep = max - max.div_ceil(10);
        let drop: Vec<String> = map.keys().take(map.len() - keep).cloned().collect();
        for key in drop {
            map.remove(&key);
        }
    }
}

impl MemoryStore {
    pub fn with_capacity(max_entries: usize) -> Self {
        Self {
            maps: Mutex::new(Maps::default()),
            epoch: Instant::now(),
            max_entries: max_entries.max(1),
        }
    }

    fn maps(&self) -> std::sync::MutexGuard<'_, Maps> {
        // A panic elsewhere never leaves these maps half-written: take them as they are.
        self.maps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn now_ms(&self, now: Instant) -> u64 {
        u64::try_from(now.duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX)
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let now = Instant::now();
        let maps = self.maps();
        maps.values
            .get(key)
            .filter(|e| e.until > now)
            .map(|e| e.value.clone())
    }

    pub fn put(&self, key: &str, value: &str, ttl: Duration) {
        self.insert(key, value, ttl, true);
    }

    fn insert(&self, key: &str, value: &str, ttl: Duration, replace: bool) {
        let now = Instant::now();
        let mut maps = self.maps();
        match maps.values.get(key) {
            Some(e) if e.until > now && !replace => return,
            Some(_) => {}
            None => make_room(&mut maps.values, self.max_entries, now),
        }
        maps.values.insert(
            key.to_owned(),
            Expiring {
                value: value.to_owned(),
                until: now + ttl,
            },
        );
    }

    /// Puts `value` only where nothing (live) is stored under `key`.
    pub fn put_new(&self, key: &str, value: &str, ttl: Duration) {
        self.insert(key, value, ttl, false);
    }

    /// How many events `key` counted in its live window (0 if none).
    pub fn counted(&self, key: &str) -> u64 {
        let now = Instant::now();
        self.maps()
            .counters
            .get(key)
            .filter(|e| e.until > now)
            .map_or(0, |e| e.value)
    }

    /// Counts one more event under `key` in a window that starts with its first; answers the
    /// count so far.
    pub fn count(&self, key: &str, window: Duration) -> u64 {
        let now = Instant::now();
        let mut maps = self.maps();
        let live = maps.counters.get(key).is_some_and(|e| e.until > now);
        if !live {
            make_room(&mut maps.counters, self.max_entries, now);
            maps.counters.insert(
                key.to_owned(),
                Expiring {
                    value: 0,
                    until: now + window,
                },
            );
        }
        match maps.counters.get_mut(key) {
            Some(e) => {
                e.value = e.value.saturating_add(1);
                e.value
            }
            None => 1,
        }
    }

    /// Takes one call from the account's bucket (see [`Bucket::take`]), unless the origin
    /// blocked the account.
    pub fn take(&self, key: &str, bucket: &Bucket, priority: Priority) -> Take {
        let now = Instant::now();
        let mut maps = self.maps();
        if let Some(until) = maps.blocked.get(key).copied() {
            if until > now {
                return Take::Wait(until - now);
            }
            maps.blocked.remove(key);
        }
        let level = maps
            .buckets
            .get(key)
            .filter(|e| e.until > now)
            .map(|e| e.value);
        let (next, take) = bucket.take(level, self.now_ms(now), priority);
        if level.is_none() {
            make_room(&mut maps.buckets, self.max_entries, now);
        }
        maps.buckets.insert(
            key.to_owned(),
            Expiring {
                value: next,
                until: now + Duration::from_millis(bucket.keep_ms()),
            },
        );
        take
    }

    /// The origin said 429: no call for the account until `wait` has passed.
    pub fn block(&self, key: &str, wait: Duration) {
        let now = Instant::now();
        let mut maps = self.maps();
        if maps.blocked.len() >= self.max_entries {
            maps.blocked.retain(|_, until| *until > now);
        }
        if maps.blocked.len() < self.max_entries {
            maps.blocked.insert(key.to_owned(), now + wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn values_expire_and_the_maps_stay_bounded() {
        let store = MemoryStore::with_capacity(3);
        store.put("a", "1", Duration::from_secs(1));
        assert_eq!(store.get("a").as_deref(), Some("1"));
        tokio::time::advance(Duration::from_millis(1_001)).await;
        assert_eq!(store.get("a"), None);
        for key in ["b", "c", "d", "e", "f", "g"] {
            store.put(key, "x", Duration::from_secs(10));
            assert_eq!(store.get(key).as_deref(), Some("x"), "{key}");
            assert!(store.maps().values.len() <= 3);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn counters_count_within_their_window() {
        let store = MemoryStore::default();
        let window = Duration::from_secs(60);
        assert_eq!(store.count("ip", window), 1);
        assert_eq!(store.count("ip", window), 2);
        assert_eq!(store.count("other", window), 1);
        tokio::time::advance(window).await;
        assert_eq!(store.count("ip", window), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_bucket_refills_with_time_and_a_block_holds_it() {
        let store = MemoryStore::default();
        let bucket = Bucket {
            capacity: 4,
            per: Duration::from_secs(2),
        };
        let half_second = Take::Wait(Duration::from_millis(500));
        assert_eq!(store.take("acct", &bucket, Priority::Read), Take::Granted);
        assert_eq!(store.take("acct", &bucket, Priority::Read), Take::Granted);
        assert_eq!(store.take("acct", &bucket, Priority::Read), half_second);
        assert_eq!(store.take("acct", &bucket, Priority::Write), Take::Granted);
        assert_eq!(store.take("acct", &bucket, Priority::Write), Take::Granted);
        assert_eq!(store.take("acct", &bucket, Priority::Write), half_second);
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(store.take("acct", &bucket, Priority::Read), Take::Granted);
        store.block("acct", Duration::from_secs(30));
        assert_eq!(
            store.take("acct", &bucket, Priority::Write),
            Take::Wait(Duration::from_secs(30))
        );
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(store.take("acct", &bucket, Priority::Write), Take::Granted);
    }
}
