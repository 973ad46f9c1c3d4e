//! `Task`: a future that ends when its handle is dropped, for the hooks' effects.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use wasm_bindgen_futures::spawn_local;

/// A task that ends when this is dropped: its future is dropped with it, so no callback of a
/// pending promise outlives the effect that started it.
pub struct Task(Rc<Abort>);

/// What a [`Task`] shares with its future: whether it was dropped, and how to wake the future
/// then, so that it is dropped at once rather than when its promise settles.
#[derive(Default)]
struct Abort {
    aborted: Cell<bool>,
    waker: Cell<Option<Waker>>,
}

impl Task {
    /// Runs `work`, then `then` with its output, unless the task is dropped first.
    pub fn spawn<T: 'static>(
        work: impl Future<Output = T> + 'static,
        then: impl FnOnce(T) + 'static,
    ) -> Self {
        let abort = Rc::new(Abort::default());
        let watch = abort.clone();
        spawn_local(async move {
            let mut work = pin!(work);
            let out = poll_fn(|cx| {
                if watch.aborted.get() {
                    return Poll::Ready(None);
                }
                watch.waker.set(Some(cx.waker().clone()));
                work.as_mut().poll(cx).map(Some)
            })
            .await;
            if let Some(out) = out {
                then(out);
            }
        });
        Task(abort)
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.0.aborted.set(true);
        if let Some(waker) = self.0.waker.take() {
            waker.wake();
        }
    }
}
