//! `use_like_state`: the like-state over time. It starts the app (asking Zendesk, with
//! [`crate::boot`] deciding), sends the calls the reducer asks for through the bridge, wakes the
//! reducer for deadlines and waits, follows Zendesk's events (reloads, the colour scheme), hides
//! and shows the app and sets the document's language as the state says. The wiring only: every decision is in pure modules.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use heart_contract::LikeAnswer;
use yew::prelude::*;

use super::task::Task;
use crate::boot::{self, Boot, HideReason, LanguageTable, ReloadEvent, Unavailable};
use crate::color_scheme::{ColorScheme, SchemeEvent};
use crate::i18n::{EN, Lang, Strings};
use crate::proxy::{self, AnswerBody, Call, Failure};
use crate::state::{Action, LikeState};
use crate::ticket::{ContextAnswer, MetadataAnswer};
use crate::timing::Timing;
use crate::zaf::{self, Client, Post, Subscription};
use crate::zaf_data::Scalar;

/// An action and the time it happened (ms since the epoch): what the like-state's dispatcher
/// takes.
pub struct Timed {
    action: Action,
    now: u64,
}

impl Timed {
    /// `action`, happening now.
    pub fn now(action: Action) -> Self {
        Timed {
            action,
            now: now_ms(),
        }
    }
}

impl Reducible for LikeState {
    type Action = Timed;

    /// The same `Rc` when the action changed nothing, so the panel is not rendered again.
    fn reduce(self: Rc<Self>, Timed { action, now }: Timed) -> Rc<Self> {
        self.after(action, now)
    }
}

/// The like-state of this ticket, driven by Zendesk: it starts the app, sends each request the
/// reducer asks for exactly once, re-reads on `app.activated` and `ticket.updated`, wakes the
/// reducer for deadlines and rate-limit waits, hides the app where it has nothing to show, and
/// sets the document's language. After every render it does what the state asks and has not
/// been done yet ([`Outside::follow`]). Every task, timer and listener it starts is held by the
/// hook and ends with it (on unmount) or when the state no longer asks for it.
#[hook]
pub fn use_like_state(client: Option<Client>) -> UseReducerHandle<LikeState> {
    let state = use_reducer(|| LikeState::new(scheme_from_url()));
    let outside = use_mut_ref(Outside::default);
    let asks = Asks::of(&state);
    let dispatcher = state.dispatcher();
    use_effect(move || outside.borrow_mut().follow(asks, client, dispatcher));
    state
}

/// What a state asks of the outside world.
struct Asks {
    /// The request to send (once per id).
    call: Option<(u32, Call)>,
    /// When to wake the reducer.
    wake: Option<u64>,
    /// Hidden, and why.
    hidden: Option<HideReason>,
    /// The document's language.
    lang: &'static str,
}

impl Asks {
    fn of(state: &LikeState) -> Asks {
        Asks {
            call: state.call(),
            wake: state.next_wake(),
            hidden: state.hide_reason(),
            lang: state.startup.strings.lang,
        }
    }
}

/// What has been done outside for the like-state so far; every task, timer and listener it
/// holds ends when it is dropped.
#[derive(Default)]
struct Outside {
    /// Start-up (until `Booted`) and Zendesk's events, from the first render on.
    started: Option<(Task, Option<Events>)>,
    /// The request sent, by id: superseded, past its deadline or unmounted, its answer is not
    /// waited for.
    request: Option<(u32, Task)>,
    /// The timer for the reducer's next wake-up.
    wake: Option<(u64, Timeout)>,
    /// Why the app is hidden, as last told to Zendesk.
    hidden: Option<HideReason>,
    /// The document's `lang`, as last set.
    lang: &'static str,
}

impl Outside {
    fn follow(&mut self, asks: Asks, client: Option<Client>, dispatcher: Dispatcher) {
        if self.started.is_none() {
            self.started = Some(self.start(&client, &dispatcher));
        }
        self.send(asks.call, &client, &dispatcher);
        self.schedule(asks.wake, &dispatcher);
        if self.lang != asks.lang {
            self.lang = asks.lang;
            // The iframe's document speaks the agent's language, not only the app's root.
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("lang", asks.lang);
            }
        }
        if self.hidden != asks.hidden {
            let was_hidden = std::mem::replace(&mut self.hidden, asks.hidden).is_some();
            if let Some(client) = &client {
                if let Some(why) = &self.hidden {
                    // For the admin who wonders where the app went.
                    zaf::info(&["hidden: ", &why.explain()].concat());
                    client.hide();
                } else if was_hidden {
                    client.show();
                }
            }
        }
    }

    /// Asks Zendesk at start-up, and listens to its events (a reload, the colour scheme).
    fn start(&self, client: &Option<Client>, dispatcher: &Dispatcher) -> (Task, Option<Events>) {
        dispatcher.dispatch(Timed::now(Action::Started { timing: timing() }));
        let events = client.as_ref().map(|client| {
            let reloads = ["app.activated", "ticket.updated"].map(|event| {
                let dispatcher = dispatcher.clone();
                client.on(event, move |payload: ReloadEvent| {
                    if payload.reloads() {
                        dispatcher.dispatch(Timed::now(Action::Reload));
                    }
                })
            });
            let dispatcher = dispatcher.clone();
            let scheme = client.on("colorScheme.changed", move |payload: SchemeEvent| {
                if let Some(scheme) = ColorScheme::from_event(payload) {
                    dispatcher.dispatch(Timed::now(Action::Scheme(scheme)));
                }
            });
            (reloads, scheme)
        });
        let dispatcher = dispatcher.clone();
        let task = Task::spawn(start(client.clone()), move |(strings, boot)| {
            let seed = (zaf::random() * 9_007_199_254_740_991.0) as u64;
            dispatcher.dispatch(Timed::now(Action::Booted {
                strings,
                boot,
                seed,
            }));
        });
        (task, events)
    }

    /// Sends the request the reducer asks for, exactly once.
    fn send(
        &mut self,
        call: Option<(u32, Call)>,
        client: &Option<Client>,
        dispatcher: &Dispatcher,
    ) {
        let id = call.as_ref().map(|(id, _)| *id);
        if self.request.as_ref().map(|(sent, _)| *sent) == id {
            return;
        }
        self.request = client.clone().zip(call).map(|(client, (id, call))| {
            let dispatcher = dispatcher.clone();
            let task = Task::spawn(async move { send(&client, &call).await }, move |result| {
                dispatcher.dispatch(Timed::now(Action::Answered { id, result }))
            });
            (id, task)
        });
    }

    /// One timer, for the time the reducer asks to be woken at.
    fn schedule(&mut self, wake: Option<u64>, dispatcher: &Dispatcher) {
        if self.wake.as_ref().map(|(at, _)| *at) == wake {
            return;
        }
        self.wake = wake.map(|at| {
            let delay = at.saturating_sub(now_ms()).min(u64::from(u32::MAX)) as u32;
            let dispatcher = dispatcher.clone();
            // A timer may fire a little early by the clock: it is due when it fires.
            let timer = Timeout::new(delay, move || {
                dispatcher.dispatch(Timed {
                    action: Action::Tick,
                    now: now_ms().max(at),
                })
            });
            (at, timer)
        });
    }
}

type Dispatcher = UseReducerDispatcher<LikeState>;

/// The subscriptions to Zendesk's events: the two that reload, and the colour scheme's.
type Events = ([Subscription; 2], Subscription);

/// Zendesk's colour scheme as the iframe URL gives it at load.
fn scheme_from_url() -> ColorScheme {
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

/// Asks Zendesk about the ticket, the agent and (when needed) the settings, and takes the agent's
/// language's table that the page fetched meanwhile; [`boot`] decides what the app does with
/// the answers. Nothing is shown in the agent's language before its table is there.
async fn start(client: Option<Client>) -> (&'static Strings, Boot) {
    let Some(client) = client else {
        return (&EN, Boot::Unavailable(Unavailable::NotInZendesk));
    };
    let context = client.get::<ContextAnswer>().await.ok();
    let (lang, ticket) = boot::after_context(context);
    let ticket = match ticket {
        Ok(ticket) => ticket,
        // Hidden, or no ticket: nothing to say in the agent's language.
        Err(boot) => return (&EN, boot),
    };
    // Both are on their way since the page asked: waiting for one, then the other, costs nothing.
    let metadata = client.metadata::<MetadataAnswer>().await.ok();
    let table = match lang {
        Lang::En => None,
        _ => client.strings::<LanguageTable>().await,
    };
    let strings = boot::strings_for(lang, table);
    if strings.lang != lang.tag() {
        zaf::info(&["no strings for ", lang.tag(), "; speaking English"].concat());
    }
    let boot = boot::after_metadata(ticket, metadata, client.manifest_url());
    (strings, boot)
}

/// Sends one call through Zendesk's proxy and reads the answer; what went wrong is logged.
async fn send(client: &Client, call: &Call) -> Result<LikeAnswer, Failure> {
    let body = call.body.fields();
    let post = Post {
        url: &call.url,
        body: &body,
        timeout_ms: call.timeout_ms,
    };
    let (response, raw) = client.post::<AnswerBody>(&post).await;
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

/// The clock, in whole milliseconds since the epoch.
fn now_ms() -> u64 {
    zaf::now_ms().max(0.0) as u64
}
