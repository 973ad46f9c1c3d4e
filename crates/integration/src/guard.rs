//! [`Guarded`]: any [`Origin`] behind the cache, single-flight and the account's call budget, so
//! that many agents opening tickets cost the origin one read per photo per TTL, whatever the
//! number of agents or replicas.
//!
//! - What a read needs (the photo's relation to the account, its like-state) is cached for the
//!   TTL under the account *and a digest of its token*: a request with another token never sees
//!   a cached answer. "No such photo" is cached too; errors are not.
//! - A set goes to the origin and writes its answer through to the cache.
//! - Concurrent reads of one photo make one origin call: in the process ([`Flights`]) and, on a
//!   shared store, across replicas (a lock in Redis; the others wait for the value).
//! - Each origin call takes one from the account's bucket ([`Bucket`]); reads leave a reserve
//!   for writes. A spent budget, or the origin's own 429, is [`OriginError::RateLimited`] with
//!   the wait, and the origin's 429 holds every replica's calls for that account.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use heart_contract::LikeAnswer;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::flight::Flights;
use crate::origin::{Comment, Credentials, Origin, OriginError, Relation};
use crate::store::{Bucket, Priority, Store, Take};

/// How the origin is spared.
#[derive(Clone, Copy, Debug)]
pub struct GuardOptions {
    /// How long a read's answer is kept; zero: nothing is cached.
    pub ttl: Duration,
    /// The account's call budget; `None`: unlimited.
    pub budget: Option<Bucket>,
    /// How long a replica waits for another's read of the same photo before it reads itself.
    pub wait_for_other: Duration,
    /// How often it looks for that read's value meanwhile.
    pub poll: Duration,
    /// How long the origin's 429 without a `Retry-After` holds the account's calls.
    pub default_block: Duration,
}

impl Default for GuardOptions {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(30),
            budget: None,
            wait_for_other: Duration::from_secs(5),
            poll: Duration::from_millis(2),
            default_block: Duration::from_secs(60),
        }
    }
}

/// The calls made to the origin itself (cache hits and shared runs not counted).
#[derive(Debug, Default)]
pub struct OriginCalls {
    pub reads: AtomicU64,
    pub writes: AtomicU64,
}

/// An origin behind the cache, single-flight and budget.
pub struct Guarded<O> {
    origin: O,
    store: Arc<Store>,
    options: GuardOptions,
    flights: Flights<Result<String, OriginError>>,
    calls: OriginCalls,
}

/// What the cache keeps of a like-state.
#[derive(Serialize, serde::Deserialize)]
struct State {
    liked: bool,
    like_count: Option<u64>,
}

/// A short hex digest of `parts`, for store keys that must not hold what they are made of.
pub(crate) fn digest_hex(parts: &[&str]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        ctx.update(part.as_bytes());
        ctx.update(b"\n");
    }
    ctx.finish().as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl<O: Origin> Guarded<O> {
    pub fn new(origin: O, store: Arc<Store>, options: GuardOptions) -> Self {
        Self {
            origin,
            store,
            options,
            flights: Flights::default(),
            calls: OriginCalls::default(),
        }
    }

    /// The origin behind the guard.
    pub fn inner(&self) -> &O {
        &self.origin
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn options(&self) -> &GuardOptions {
        &self.options
    }

    /// The calls made to the origin so far.
    pub fn origin_calls(&self) -> &OriginCalls {
        &self.calls
    }

    fn budget_key(account: &str) -> String {
        format!("heart:1:budget:{}", digest_hex(&[account]))
    }

    fn cache_key(auth: &Credentials, photo: &str, what: &str) -> String {
        format!(
            "heart:1:{}:{what}:{}",
            digest_hex(&[&auth.account, &auth.token]),
            digest_hex(&[photo])
        )
    }

    /// Takes one call from the account's budget.
    async fn spend(&self, account: &str, priority: Priority) -> Result<(), OriginError> {
        let Some(bucket) = &self.options.budget else {
            return Ok(());
        };
        match self
            .store
            .take(&Self::budget_key(account), bucket, priority)
            .await
        {
            Take::Granted => Ok(()),
            Take::Wait(wait) => {
                tracing::info!(
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "the account's origin budget is spent"
                );
                Err(OriginError::RateLimited(Some(wait)))
            }
        }
    }

    /// Counts the call and passes the origin's 429 on to every replica.
    async fn called<T>(
        &self,
        account: &str,
        priority: Priority,
        result: Result<T, OriginError>,
    ) -> Result<T, OriginError> {
        let counter = match priority {
            Priority::Read => &self.calls.reads,
            Priority::Write => &self.calls.writes,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if let Err(OriginError::RateLimited(wait)) = &result {
            let wait = wait.unwrap_or(self.options.default_block);
            tracing::warn!(
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "the origin rate-limited the account"
            );
            self.store.block(&Self::budget_key(account), wait).await;
        }
        result
    }

    /// A read through the cache: `fetch` runs at most once per key at a time, here and (on a
    /// shared store) on every replica.
    async fn cached<T, F, Fut>(
        &self,
        auth: &Credentials,
        photo: &str,
        what: &str,
        priority: Priority,
        fetch: F,
    ) -> Result<T, OriginError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, OriginError>>,
    {
        let key = Self::cache_key(auth, photo, what);
        let caching = !self.options.ttl.is_zero();
        if caching && let Some(text) = self.store.get(&key).await {
            return decode(&text);
        }
        let text = self
            .flights
            .run(&key, || async {
                let lock = format!("{key}:lock");
                let holder = lock_holder();
                let shared = caching && self.store.is_shared();
                if shared && let Some(text) = self.wait_for_other(&key, &lock, &holder).await {
                    return Ok(text);
                }
                let result = self.fetch_once(auth, priority, fetch).await;
                if let Ok(text) = &result
                    && caching
                {
                    // Only into an empty place: a set that answered meanwhile wrote a newer state.
                    self.store.put_new(&key, text, self.options.ttl).await;
                }
                if shared {
                    self.store.unlock(&lock, &holder).await;
                }
                result
            })
            .await?;
        decode(&text)
    }

    /// Takes the replicas' lock for `key`, or waits for the value of the replica that holds it.
    /// `Some`: that replica's value; `None`: the lock is this one's (or the wait is over).
    async fn wait_for_other(&self, key: &str, lock: &str, holder: &str) -> Option<String> {
        let ttl = self.options.wait_for_other;
        let deadline = Instant::now() + ttl;
        loop {
            if self.store.lock(lock, holder, ttl).await {
                // Filled between the first look and the lock?
                return self.store.get(key).await;
            }
            tokio::time::sleep(self.options.poll).await;
            if let Some(text) = self.store.get(key).await {
                return Some(text);
            }
            if Instant::now() >= deadline {
                return None;
            }
        }
    }

    async fn fetch_once<T, F, Fut>(
        &self,
        auth: &Credentials,
        priority: Priority,
        fetch: F,
    ) -> Result<String, OriginError>
    where
        T: Serialize,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, OriginError>>,
    {
        self.spend(&auth.account, priority).await?;
        let answer = self.called(&auth.account, priority, fetch().await).await;
        let entry = match answer {
            Ok(value) => Some(value),
            Err(OriginError::NotFound) => None,
            Err(e) => return Err(e),
        };
        serde_json::to_string(&entry).map_err(|_| OriginError::Unavailable("cache encoding"))
    }
}

impl<O: Origin> Guarded<O> {
    /// How the account stands to the photo, checked for a call of `priority`: a like's check
    /// may use the budget's reserve, as the like itself.
    pub async fn relation_for(
        &self,
        auth: &Credentials,
        photo_id: &str,
        priority: Priority,
    ) -> Result<Relation, OriginError> {
        self.cached(auth, photo_id, "relation", priority, || {
            self.origin.relation(auth, photo_id)
        })
        .await
    }
}

/// A random name for this run's hold on a replicas' lock.
fn lock_holder() -> String {
    let mut bytes = [0u8; 16];
    // Without randomness two holders could share a name; a shared lock then only dedups less.
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A cached entry: the value, or `null` for "no such photo".
fn decode<T: DeserializeOwned>(text: &str) -> Result<T, OriginError> {
    match serde_json::from_str::<Option<T>>(text) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(OriginError::NotFound),
        Err(_) => Err(OriginError::Unavailable("cache entry not understood")),
    }
}

impl<O: Origin> Origin for Guarded<O> {
    async fn like_state(
        &self,
        auth: &Credentials,
        photo_id: &str,
    ) -> Result<LikeAnswer, OriginError> {
        let state: State = self
            .cached(auth, photo_id, "state", Priority::Read, || async {
                let a = self.origin.like_state(auth, photo_id).await?;
                Ok(State {
                    liked: a.liked,
                    like_count: a.like_count,
                })
            })
            .await?;
        Ok(LikeAnswer {
            liked: state.liked,
            like_count: state.like_count,
            account: None,
        })
    }

    async fn set_like(
        &self,
        auth: &Credentials,
        photo_id: &str,
        liked: bool,
    ) -> Result<LikeAnswer, OriginError> {
        self.spend(&auth.account, Priority::Write).await?;
        let answer = self
            .called(
                &auth.account,
                Priority::Write,
                self.origin.set_like(auth, photo_id, liked).await,
            )
            .await?;
        if !self.options.ttl.is_zero() {
            let state = State {
                liked: answer.liked,
                like_count: answer.like_count,
            };
            if let Ok(text) = serde_json::to_string(&Some(state)) {
                let key = Self::cache_key(auth, photo_id, "state");
                self.store.put(&key, &text, self.options.ttl).await;
            }
        }
        Ok(answer)
    }

    async fn verify(&self, auth: &Credentials) -> Result<String, OriginError> {
        self.spend(&auth.account, Priority::Write).await?;
        let answer = self.origin.verify(auth).await;
        self.called(&auth.account, Priority::Write, answer).await
    }

    async fn relation(&self, auth: &Credentials, photo_id: &str) -> Result<Relation, OriginError> {
        self.relation_for(auth, photo_id, Priority::Read).await
    }

    async fn comments(
        &self,
        auth: &Credentials,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Comment>, OriginError> {
        self.spend(&auth.account, Priority::Read).await?;
        let answer = self.origin.comments(auth, after, limit).await;
        self.called(&auth.account, Priority::Read, answer).await
    }

    async fn reply(
        &self,
        auth: &Credentials,
        photo_id: &str,
        text: &str,
    ) -> Result<String, OriginError> {
        self.spend(&auth.account, Priority::Write).await?;
        let answer = self.origin.reply(auth, photo_id, text).await;
        self.called(&auth.account, Priority::Write, answer).await
    }

    fn permalink(&self, photo_id: &str, comment_id: Option<&str>) -> Option<String> {
        self.origin.permalink(photo_id, comment_id)
    }
}
