//! [`Store`]: where the service keeps what outlives a request: the cache of what reads need
//! from the origin, the single-flight locks, the accounts' call budgets and the admin UI's
//! failed-guess counters. In one process it is memory ([`MemoryStore`], the default: nothing to
//! set up); with `--redis` it is Redis ([`RedisStore`]) and every replica shares it.
//!
//! Redis gone is not an outage: every operation then answers as if nothing were stored (a
//! miss, a granted call, a lock taken), so the service goes on uncached and unbudgeted; the
//! guess counters fall back to this process's memory. The first failure is logged once, as is
//! the recovery; after a failure Redis is left alone for a moment rather than asked again on
//! every request. [`Store::health`] says which it is.

pub mod bucket;
mod memory;
mod redis;

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

pub use self::bucket::{Bucket, Priority, Take};
pub use self::memory::MemoryStore;
pub use self::redis::{RedisError, RedisStore};

/// How long Redis is left alone after it failed.
const REDIS_PAUSE: Duration = Duration::from_millis(500);

/// Whether what is stored is shared and working.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// In this process's memory.
    Memory,
    /// In Redis, which answers.
    Redis,
    /// Redis does not answer: uncached and unbudgeted until it does.
    RedisDown,
}

impl Health {
    pub fn name(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Redis | Self::RedisDown => "redis",
        }
    }
}

enum Backend {
    Memory(MemoryStore),
    Redis {
        redis: RedisStore,
        /// The guess counters while Redis is down.
        fallback: MemoryStore,
        /// Since when Redis is down, and when to ask it again.
        down: Mutex<Option<Instant>>,
    },
}

/// The service's store. See the module's doc.
pub struct Store {
    backend: Backend,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("health", &self.health_now())
            .finish()
    }
}

impl Store {
    pub fn memory() -> Self {
        Self {
            backend: Backend::Memory(MemoryStore::default()),
        }
    }

    pub fn redis(redis: RedisStore) -> Self {
        Self {
            backend: Backend::Redis {
                redis,
                fallback: MemoryStore::default(),
                down: Mutex::new(None),
            },
        }
    }

    /// Whether the store is shared between processes (then locks and polls make sense).
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Redis { .. })
    }

    fn health_now(&self) -> Health {
        match &self.backend {
            Backend::Memory(_) => Health::Memory,
            Backend::Redis { down, .. } => match *lock(down) {
                Some(_) => Health::RedisDown,
                None => Health::Redis,
            },
        }
    }

    /// The store's health, asking Redis (a `PING`) when there is one.
    pub async fn health(&self) -> Health {
        if let Backend::Redis { redis, .. } = &self.backend {
            let _ = self.redis_op(redis.ping(), true).await;
        }
        self.health_now()
    }

    /// Runs a Redis operation unless Redis is paused after a failure (`force`: ask anyway);
    /// records the failure or the recovery. `None`: no answer from Redis.
    async fn redis_op<T>(
        &self,
        op: impl Future<Output = Result<T, RedisError>>,
        force: bool,
    ) -> Option<T> {
        let Backend::Redis { down, .. } = &self.backend else {
            return None;
        };
        let since = *lock(down);
        if let Some(since) = since
            && !force
            && since.elapsed() < REDIS_PAUSE
        {
            return None;
        }
        match op.await {
            Ok(value) => {
                if lock(down).take().is_some() {
                    tracing::info!(
                        "redis answers again: the cache and the budgets are shared again"
                    );
                }
                Some(value)
            }
            Err(error) => {
                let mut down = lock(down);
                match *down {
                    None => tracing::warn!(
                        %error,
                        "redis does not answer: going on uncached and unbudgeted until it does"
                    ),
                    Some(_) => tracing::debug!(%error, "redis still does not answer"),
                }
                *down = Some(Instant::now());
                None
            }
        }
    }

    pub async fn get(&self, key: &str) -> Option<String> {
        match &self.backend {
            Backend::Memory(m) => m.get(key),
            Backend::Redis { redis, .. } => self.redis_op(redis.get(key), false).await.flatten(),
        }
    }

    pub async fn put(&self, key: &str, value: &str, ttl: Duration) {
        match &self.backend {
            Backend::Memory(m) => m.put(key, value, ttl),
            Backend::Redis { redis, .. } => {
                self.redis_op(redis.put(key, value, ttl), false).await;
            }
        }
    }

    /// Puts `value` only where nothing is stored under `key`.
    pub async fn put_new(&self, key: &str, value: &str, ttl: Duration) {
        match &self.backend {
            Backend::Memory(m) => m.put_new(key, value, ttl),
            Backend::Redis { redis, .. } => {
                self.redis_op(redis.put_new(key, value, ttl), false).await;
            }
        }
    }

    /// How many events `key` counted in its window so far (none counted: 0).
    pub async fn counted(&self, key: &str) -> u64 {
        match &self.backend {
            Backend::Memory(m) => m.counted(key),
            Backend::Redis {
                redis, fallback, ..
            } => match self.redis_op(redis.get(key), false).await {
                Some(n) => n.and_then(|n| n.parse().ok()).unwrap_or(0),
                None => fallback.counted(key),
            },
        }
    }

    /// Takes a shared lock for `ttl`; in memory, or with Redis down, it is always taken (the
    /// process's own single-flight is the only one then).
    pub async fn lock(&self, key: &str, token: &str, ttl: Duration) -> bool {
        match &self.backend {
            Backend::Memory(_) => true,
            Backend::Redis { redis, .. } => self
                .redis_op(redis.lock(key, token, ttl), false)
                .await
                .unwrap_or(true),
        }
    }

    pub async fn unlock(&self, key: &str, token: &str) {
        if let Backend::Redis { redis, .. } = &self.backend {
            self.redis_op(redis.unlock(key, token), false).await;
        }
    }

    /// Counts one more event under `key` within `window` (first event opens the window).
    pub async fn count(&self, key: &str, window: Duration) -> u64 {
        match &self.backend {
            Backend::Memory(m) => m.count(key, window),
            Backend::Redis {
                redis, fallback, ..
            } => match self.redis_op(redis.count(key, window), false).await {
                Some(n) => n,
                None => fallback.count(key, window),
            },
        }
    }

    /// One call from the account's bucket `key` (see [`Bucket::take`]); granted while Redis is
    /// down.
    pub async fn take(&self, key: &str, bucket: &Bucket, priority: Priority) -> Take {
        match &self.backend {
            Backend::Memory(m) => m.take(key, bucket, priority),
            Backend::Redis { redis, .. } => {
                let blocked = format!("{key}:blocked");
                self.redis_op(redis.take(key, &blocked, bucket, priority, None), false)
                    .await
                    .unwrap_or(Take::Granted)
            }
        }
    }

    /// The origin said 429 for the account: no call until `wait` has passed, on any replica.
    pub async fn block(&self, key: &str, wait: Duration) {
        match &self.backend {
            Backend::Memory(m) => m.block(key, wait),
            Backend::Redis { redis, .. } => {
                let blocked = format!("{key}:blocked");
                self.redis_op(redis.block(&blocked, wait), false).await;
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
