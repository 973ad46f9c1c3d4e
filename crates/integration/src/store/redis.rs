//! [`RedisStore`]: the store every replica shares, in Redis: cached values (`SET … PX`), the
//! single-flight locks (`SET … NX PX`, released only by their holder), counters, the accounts'
//! buckets (one Lua script, the same steps as [`Bucket::take`]) and the origin's blocks. Every
//! operation has a deadline; an error is the caller's to handle ([`super::Store`] degrades).

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script};

use super::bucket::{Bucket, Priority, Take};

/// The bucket and the origin's block, in one step. `ARGV[5]` is the time in ms, or empty for
/// Redis's own clock (the tests pass it; replicas use Redis's, so their clocks never matter).
const TAKE: &str = r"
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked} end
local now
if ARGV[5] ~= '' then
  now = tonumber(ARGV[5])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local capacity = tonumber(ARGV[1])
local rate = capacity / math.max(tonumber(ARGV[2]), 1)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or capacity
local at = tonumber(b[2]) or now
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(capacity, tokens + elapsed * rate)
local floor = tonumber(ARGV[3])
local granted = 0
local wait = 0
if tokens - 1 >= floor then
  tokens = tokens - 1
  granted = 1
else
  wait = math.max(1, math.ceil((floor + 1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%d', now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {granted, wait}
";

/// One more event in a window that starts with the first.
const COUNT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
";

/// Deletes a lock only if it is still the caller's.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// What went wrong with Redis: never the URL (it may carry a password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedisError {
    Timeout,
    Failed(String),
}

impl std::fmt::Display for RedisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout => f.write_str("no answer in time"),
            Self::Failed(kind) => f.write_str(kind),
        }
    }
}

fn failed(e: &redis::RedisError) -> RedisError {
    // The category and code only: a connection error's text can name the address.
    RedisError::Failed(match e.code() {
        Some(code) => format!("{:?} ({code})", e.kind()),
        None => format!("{:?}", e.kind()),
    })
}

/// Redis, shared by every replica. Cheap to clone.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    timeout: Duration,
    take: std::sync::Arc<Script>,
    count: std::sync::Arc<Script>,
    unlock: std::sync::Arc<Script>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store on `url` (`redis://…` or `rediss://…`); it connects on first use and again after
    /// a failure, so it starts even when Redis is down. `timeout` bounds every operation.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, String> {
        let client = redis::Client::open(url)
            .map_err(|e| format!("--redis is not a Redis URL ({:?})", e.kind()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(10))
            .set_max_delay(timeout);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| format!("Redis: {}", failed(&e)))?;
        Ok(Self {
            connection,
            timeout,
            take: std::sync::Arc::new(Script::new(TAKE)),
            count: std::sync::Arc::new(Script::new(COUNT)),
            unlock: std::sync::Arc::new(Script::new(UNLOCK)),
        })
    }

    async fn run<T>(
        &self,
        op: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, RedisError> {
        match tokio::time::timeout(self.timeout, op).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(failed(&e)),
            Err(_) => Err(RedisError::Timeout),
        }
    }

    pub async fn ping(&self) -> Result<(), RedisError> {
        let mut c = self.connection.clone();
        self.run(async move { redis::cmd("PING").query_async::<String>(&mut c).await })
            .await
            .map(drop)
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, RedisError> {
        let mut c = self.connection.clone();
        self.run(async move { c.get::<_, Option<String>>(key).await })
            .await
    }

    pub async fn put(&self, key: &str, value: &str, ttl: Duration) -> Result<(), RedisError> {
        let mut c = self.connection.clone();
        let ms = ms(ttl);
        self.run(async move {
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("PX")
                .arg(ms)
                .query_async::<()>(&mut c)
                .await
        })
        .await
    }

    /// Puts `value` only where nothing is stored under `key`.
    pub async fn put_new(&self, key: &str, value: &str, ttl: Duration) -> Result<(), RedisError> {
        self.lock(key, value, ttl).await.map(drop)
    }

    /// Takes the lock `key` for `ttl` with the holder's `token`; `false` if another holds it.
    pub async fn lock(&self, key: &str, token: &str, ttl: Duration) -> Result<bool, RedisError> {
        let mut c = self.connection.clone();
        let ms = ms(ttl);
        self.run(async move {
            redis::cmd("SET")
                .arg(key)
                .arg(token)
                .arg("NX")
                .arg("PX")
                .arg(ms)
                .query_async::<Option<String>>(&mut c)
                .await
        })
        .await
        .map(|set| set.is_some())
    }

    pub async fn unlock(&self, key: &str, token: &str) -> Result<(), RedisError> {
        let mut c = self.connection.clone();
        let script = self.unlock.clone();
        self.run(async move { script.key(key).arg(token).invoke_async::<i64>(&mut c).await })
            .await
            .map(drop)
    }

    pub async fn count(&self, key: &str, window: Duration) -> Result<u64, RedisError> {
        let mut c = self.connection.clone();
        let script = self.count.clone();
        let ms = ms(window);
        self.run(async move { script.key(key).arg(ms).invoke_async::<u64>(&mut c).await })
            .await
    }

    /// [`Bucket::take`] on the shared bucket `key`, after the origin's block `blocked`;
    /// `now_ms` replaces Redis's clock (tests).
    pub async fn take(
        &self,
        key: &str,
        blocked: &str,
        bucket: &Bucket,
        priority: Priority,
        now_ms: Option<u64>,
    ) -> Result<Take, RedisError> {
        let mut c = self.connection.clone();
        let script = self.take.clone();
        let floor = match priority {
            Priority::Read => bucket.reserve(),
            Priority::Write => 0.0,
        };
        let per_ms = ms(bucket.per);
        let keep = bucket.keep_ms();
        let now = now_ms.map(|n| n.to_string()).unwrap_or_default();
        let capacity = bucket.capacity;
        let (granted, wait): (i64, i64) = self
            .run(async move {
                script
                    .key(key)
                    .key(blocked)
                    .arg(capacity)
                    .arg(per_ms)
                    .arg(floor)
                    .arg(keep)
                    .arg(now)
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        Ok(if granted == 1 {
            Take::Granted
        } else {
            Take::Wait(Duration::from_millis(u64::try_from(wait).unwrap_or(1)))
        })
    }

    /// The origin said 429: no call for the account until `wait` has passed.
    pub async fn block(&self, key: &str, wait: Duration) -> Result<(), RedisError> {
        self.put(key, "1", wait.max(Duration::from_millis(1))).await
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}
