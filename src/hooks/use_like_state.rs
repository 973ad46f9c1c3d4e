//! `use_like_state`: the like-state over time. It starts the app (asking Zendesk, with
//! [`crate::boot`] deciding), sends the calls the reducer asks for through the bridge, wakes the
//! reducer for deadlines and waits, and follows Zendesk's events. The wiring only: every decision
//! is in pure modules.

use std::future::Future;
use std::rc::Rc;

use futures::future::{AbortHandle, abortable};
use gloo_timers::callback::Timeout;
use heart_contract::LikeAnswer;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::boot::{self, Boot, Unavailable};
use crate::i18n::Lang;
use crate::proxy::{self, ANSWER_READS, Call, Failure};
use crate::state::{Action, LikeState};
use crate::ticket::{CONTEXT_PATHS, CONTEXT_READS, SETTINGS_READS};
use crate::timing::Timing;
use crate::value::Scalar;
use crate::zaf::{self, Client, Post};

impl Reducible for LikeState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        self.after(action)
    }
}

/// Asks Zendesk about the ticket, the agent and (when needed) the settings; [`boot`] decides
/// what the app does with the answers.
async fn start(client: Option<Client>) -> (Lang, Boot) {
    let Some(client) = client else {
        return (Lang::En, Boot::Unavailable(Unavailable::NotInZendesk));
    };
    let context = client.get(&CONTEXT_PATHS, &CONTEXT_READS).await.ok();
    let (lang, ticket) = boot::after_context(context);
    let boot = match ticket {
        Ok(ticket) => boot::after_metadata(ticket, client.metadata(&SETTINGS_READS).await.ok()),
        Err(boot) => boot,
    };
    (lang, boot)
}

/// Sends one call through Zendesk's proxy and reads the answer; what went wrong is logged.
async fn send(client: &Client, call: &Call) -> Result<LikeAnswer, Failure> {
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
fn timing() -> Timing {
    Timing::default().with_overrides(|key| match zaf::global(&["zendeskHeartTiming", key]) {
        Scalar::Num(n) => Some(n),
        _ => None,
    })
}

fn now_ms() -> u64 {
    zaf::now_ms().max(0.0) as u64
}

/// A task that ends when this is dropped: its future is dropped with it, so no callback of a
/// pending promise outlives the effect that started it.
struct Task(AbortHandle);

impl Task {
    fn spawn<T: 'static>(
        work: impl Future<Output = T> + 'static,
        then: impl FnOnce(T) + 'static,
    ) -> Self {
        let (work, handle) = abortable(work);
        spawn_local(async move {
            if let Ok(out) = work.await {
                then(out);
            }
        });
        Task(handle)
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The like-state of this ticket, driven by Zendesk: it starts the app, sends each request the
/// reducer asks for exactly once, re-reads on `app.activated` and `ticket.updated`, wakes the
/// reducer for deadlines and rate-limit waits, and hides the app where it has nothing to show.
/// Every task, timer and listener it starts ends with the effect that started it (unmount, or
/// the next request).
#[hook]
pub fn use_like_state(client: Option<Client>) -> UseReducerHandle<LikeState> {
    let state = use_reducer(LikeState::default);

    {
        let dispatcher = state.dispatcher();
        let client = client.clone();
        use_effect_with((), move |_| {
            dispatcher.dispatch(Action::Started {
                now: now_ms(),
                timing: timing(),
            });
            let task = Task::spawn(start(client), move |(lang, boot)| {
                let seed = (zaf::random() * 9_007_199_254_740_991.0) as u64;
                dispatcher.dispatch(Action::Booted { lang, boot, seed });
            });
            move || drop(task)
        });
    }

    {
        let dispatcher = state.dispatcher();
        use_effect_with(client.clone(), move |client| {
            let subscriptions = client.as_ref().map(|client| {
                ["app.activated", "ticket.updated"].map(|event| {
                    let dispatcher = dispatcher.clone();
                    client.on(event, &[&["firstLoad"]], move |payload| {
                        // The activation of a freshly loaded app (`{"firstLoad": true}`) is
                        // the opening the start-up read already serves: one read per opening.
                        if payload.first() != Some(&Scalar::Bool(true)) {
                            dispatcher.dispatch(Action::Reload);
                        }
                    })
                })
            });
            move || drop(subscriptions)
        });
    }

    {
        let dispatcher = state.dispatcher();
        let call = state.call();
        let id = call.as_ref().map(|(id, _)| *id);
        let client = client.clone();
        use_effect_with(id, move |_| {
            let task = client.zip(call).map(|(client, (id, call))| {
                dispatcher.dispatch(Action::Sent { id, now: now_ms() });
                Task::spawn(async move { send(&client, &call).await }, move |result| {
                    dispatcher.dispatch(Action::Answered {
                        id,
                        result,
                        now: now_ms(),
                    })
                })
            });
            // A request superseded, past its deadline, or unmounted: its answer is not waited for.
            move || drop(task)
        });
    }

    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.next_wake(), move |wake| {
            let timer = wake.map(|at| {
                let delay = at.saturating_sub(now_ms()).min(u64::from(u32::MAX)) as u32;
                // A timer may fire a little early by the clock: it is due when it fires.
                Timeout::new(delay, move || {
                    dispatcher.dispatch(Action::Tick {
                        now: now_ms().max(at),
                    })
                })
            });
            move || drop(timer)
        });
    }

    {
        // The iframe's document speaks the agent's language, not only the app's root.
        use_effect_with(state.lang, |lang| {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("lang", lang.tag());
            }
        });
    }

    {
        let hidden = state.hide_reason();
        let was_hidden = use_mut_ref(|| false);
        use_effect_with(hidden, move |hidden| {
            if let Some(client) = client {
                if let Some(why) = hidden {
                    // For the admin who wonders where the app went.
                    crate::zaf::info(&format!("hidden: {}", why.explain()));
                    client.hide();
                    *was_hidden.borrow_mut() = true;
                } else if was_hidden.replace(false) {
                    client.show();
                }
            }
        });
    }

    state
}
