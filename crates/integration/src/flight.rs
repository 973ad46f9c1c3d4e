//! [`Flights`]: single-flight within a process. Concurrent callers of [`Flights::run`] with one
//! key share one run of the work: the first runs it, the others wait for its result. If the
//! first is dropped before it finishes (its request went away), a waiter runs the work itself.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use tokio::sync::watch;

/// Runs shared by key; `V` is what they give.
pub struct Flights<V> {
    running: Mutex<HashMap<String, watch::Receiver<Option<V>>>>,
}

impl<V> Default for Flights<V> {
    fn default() -> Self {
        Self {
            running: Mutex::new(HashMap::new()),
        }
    }
}

/// Removes the run's entry however the run ends (finished or dropped).
struct Landing<'a, V> {
    flights: &'a Flights<V>,
    key: &'a str,
}

impl<V> Drop for Landing<'_, V> {
    fn drop(&mut self) {
        self.flights.map().remove(self.key);
    }
}

impl<V> Flights<V> {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Receiver<Option<V>>>> {
        self.running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<V: Clone> Flights<V> {
    /// How many runs are under way.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `work`'s result, from this caller's run or from the one under way for `key`.
    pub async fn run<F, Fut>(&self, key: &str, work: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let mut work = Some(work);
        loop {
            let joined = {
                let mut map = self.map();
                match map.get(key) {
                    Some(running) => Err(running.clone()),
                    None => {
                        let (tx, rx) = watch::channel(None);
                        map.insert(key.to_owned(), rx);
                        Ok(tx)
                    }
                }
            };
            match joined {
                Ok(tx) => {
                    let landing = Landing { flights: self, key };
                    let Some(work) = work.take() else {
                        // Unreachable: a caller leads at most once.
                        drop(landing);
                        continue;
                    };
                    let value = work().await;
                    let _ = tx.send(Some(value.clone()));
                    drop(landing);
                    return value;
                }
                Err(mut rx) => {
                    if let Ok(value) = rx.wait_for(Option::is_some).await
                        && let Some(value) = value.clone()
                    {
                        return value;
                    }
                    // The leader went away without a result: lead (or join the next run).
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn concurrent_callers_share_one_run() {
        let flights = Arc::new(Flights::<u32>::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (flights, runs) = (flights.clone(), runs.clone());
            tasks.push(tokio::spawn(async move {
                flights
                    .run("photo", || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        7
                    })
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.expect("task"), 7);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(flights.is_empty());
        // Another key, or a later call, runs again.
        assert_eq!(flights.run("other", || async { 8 }).await, 8);
        assert_eq!(flights.run("photo", || async { 9 }).await, 9);
    }

    #[tokio::test]
    async fn a_waiter_takes_over_when_the_leader_is_dropped() {
        let flights = Arc::new(Flights::<u32>::default());
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let leader = {
            let flights = flights.clone();
            tokio::spawn(async move {
                flights
                    .run("photo", || async move {
                        let _ = started_tx.send(());
                        std::future::pending::<u32>().await
                    })
                    .await
            })
        };
        started_rx.await.expect("the leader started");
        let waiter = {
            let flights = flights.clone();
            tokio::spawn(async move { flights.run("photo", || async { 5 }).await })
        };
        tokio::task::yield_now().await;
        leader.abort();
        assert_eq!(waiter.await.expect("waiter"), 5);
        assert!(flights.is_empty());
    }
}
