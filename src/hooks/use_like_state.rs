use std::future::Future;

use futures::future::{AbortHandle, abortable};
use gloo_timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::proxy;
use crate::state::{Action, Boot, HideReason, LikeState, Session, Unavailable};
use crate::ticket::{Channel, TicketContext};
use crate::timing::Timing;
use crate::zaf::{self, Client};

/// Asks Zendesk about the ticket, the agent and the settings: what the app does here.
async fn boot(client: Option<Client>) -> (Lang, Boot) {
    let Some(client) = client else {
        return (Lang::En, Boot::Unavailable(Unavailable::NotInZendesk));
    };
    let Some(ticket) = client
        .context()
        .await
        .ok()
        .and_then(TicketContext::from_answer)
    else {
        return (Lang::En, Boot::Unavailable(Unavailable::NoContext));
    };
    let lang = ticket
        .locale
        .as_deref()
        .map(Lang::for_locale)
        .unwrap_or_default();
    if let Channel::NotIntegration(via) = &ticket.channel {
        return (
            lang,
            Boot::Hidden(HideReason::NotAnIntegration(via.clone())),
        );
    }
    let boot = match client.metadata().await {
        Ok(metadata) => match metadata.settings() {
            Ok(settings) => Boot::Active(Session { ticket, settings }),
            Err(error) => Boot::Misconfigured(error),
        },
        Err(_) => Boot::Unavailable(Unavailable::NoContext),
    };
    (lang, boot)
}

fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
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
            let task = Task::spawn(boot(client), move |(lang, boot)| {
                let timing = Timing::default().with_overrides(zaf::timing_override);
                let seed = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
                dispatcher.dispatch(Action::Booted {
                    lang,
                    boot,
                    timing,
                    seed,
                });
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
                    client.on(event, move |payload| {
                        // The activation of a freshly loaded app is the opening the start-up
                        // read already serves: one read per opening, not two.
                        if !zaf::is_first_load(&payload) {
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
                Task::spawn(
                    async move { proxy::send(&client, &call).await },
                    move |result| {
                        dispatcher.dispatch(Action::Answered {
                            id,
                            result,
                            now: now_ms(),
                        })
                    },
                )
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
