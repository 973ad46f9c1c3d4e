//! The wiring of the app to Zendesk over time, for the [`crate::components::app::App`] component:
//! start-up (asking Zendesk, with [`crate::boot`] deciding), one proxied call (through the bridge,
//! judged by [`crate::proxy`]), the app's timing and clock, the colour scheme of the iframe URL,
//! and tasks that end when they are dropped. No decision is made here: every one is in a pure
//! module.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use heart_contract::LikeAnswer;
use wasm_bindgen_futures::spawn_local;

use crate::boot::{self, Boot, Unavailable};
use crate::i18n::{EN, KEYS, Lang, Strings};
use crate::proxy::{self, ANSWER_READS, Call, Failure};
use crate::scheme::ColorScheme;
use crate::ticket::{CONTEXT_PATHS, CONTEXT_READS, SETTINGS_READS};
use crate::timing::Timing;
use crate::value::Scalar;
use crate::zaf::{self, Client, Post};

mod resize;

pub use resize::AutoResize;

/// Asks Zendesk about the ticket, the agent and (when needed) the settings, and takes the agent's
/// language's table that the page fetched meanwhile; [`boot`] decides what the app does with
/// the answers. Nothing is shown in the agent's language before its table is there.
pub async fn start(client: Option<Client>) -> (&'static Strings, Boot) {
    let Some(client) = client else {
        return (&EN, Boot::Unavailable(Unavailable::NotInZendesk));
    };
    let context = client.get(&CONTEXT_PATHS, &CONTEXT_READS).await.ok();
    let (lang, ticket) = boot::after_context(context);
    let ticket = match ticket {
        Ok(ticket) => ticket,
        // Hidden, or no ticket: nothing to say in the agent's language.
        Err(boot) => return (&EN, boot),
    };
    // Both are on their way since the page asked: waiting for one, then the other, costs nothing.
    let metadata = client.metadata(&SETTINGS_READS).await.ok();
    let table = match lang {
        Lang::En => None,
        _ => client.strings(KEYS).await,
    };
    let strings = boot::strings_for(lang, table);
    if strings.lang != lang.tag() {
        zaf::info(&["no strings for ", lang.tag(), "; speaking English"].concat());
    }
    let boot = boot::after_metadata(ticket, metadata, client.manifest_url());
    (strings, boot)
}

/// Sends one call through Zendesk's proxy and reads the answer; what went wrong is logged.
pub async fn send(client: &Client, call: &Call) -> Result<LikeAnswer, Failure> {
    let body = call.body.fields();
    let post = Post {
        url: &call.url,
        body: &body,
        timeout_ms: call.timeout_ms,
        read: &ANSWER_READS,
    };
    let (response, raw) = client.post(&post).await;
    let resolved = response.resolved;
    let result = proxy::read_response(response, zaf::now_ms());
    if !resolved {
        zaf::warn("the proxy call failed", &raw);
    } else if result == Err(Failure::Malformed) {
        zaf::warn("the integration service's answer is not a like-state", &raw);
    }
    result
}

/// The app's timing; tests shorten the waits from the host page.
pub fn timing() -> Timing {
    Timing::default().with_overrides(|key| match zaf::global(&["zendeskHeartTiming", key]) {
        Scalar::Num(n) => Some(n),
        _ => None,
    })
}

/// The clock, in whole milliseconds since the epoch.
pub fn now_ms() -> u64 {
    zaf::now_ms().max(0.0) as u64
}

/// Zendesk's colour scheme as the iframe URL gives it at load.
pub fn scheme_from_url() -> ColorScheme {
    web_sys::window()
        .map(|w| w.location())
        .map(|l| {
            ColorScheme::from_location(
                &l.search().unwrap_or_default(),
                &l.hash().unwrap_or_default(),
            )
        })
        .unwrap_or_default()
}

/// A task that ends when this is dropped: its future is dropped with it, so no callback of a
/// pending promise outlives the component that started it.
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
