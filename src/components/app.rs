//! `App`: the panel, the app's one component. It holds the like-state, wires it to Zendesk over
//! time (start-up, events, the request the reducer asks for, its deadline and waits, hiding and
//! showing, the document's language, the iframe's height) through [`crate::wiring`] and the
//! bridge, and lays the view-model ([`crate::view`]) out. It decides nothing: every transition
//! is the reducer's ([`crate::state`]), every word the view-model's.
//!
//! A struct component rather than a function component with hooks: every hook links its own
//! machinery into the wasm, and the wiring needs none of it (measured in the README, "Size").

use gloo_timers::callback::Timeout;
use heart_contract::decimal;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::boot::HideReason;
use crate::components::heart::{heart, placeholder};
use crate::components::status::status;
use crate::scheme::{ColorScheme, EVENT_READS};
use crate::state::{Action, LikeState};
use crate::value::Scalar;
use crate::view::{Row, view};
use crate::wiring::{self, AutoResize, Task};
use crate::zaf::{self, Client, Subscription};

const COUNT_ID: &str = "heart-count-text";
const HINT_ID: &str = "heart-hint";
const COUNT_AND_HINT: &str = "heart-count-text heart-hint";

pub enum Msg {
    /// An action for the reducer.
    Act(Action),
    /// Zendesk's colour scheme changed.
    Scheme(ColorScheme),
}

/// The panel: heart, count and who likes; whose like it is; then the status line. Every task,
/// timer, listener and observer it starts is one of its fields, and ends when it is dropped.
pub struct App {
    state: LikeState,
    client: Option<Client>,
    scheme: ColorScheme,
    root: NodeRef,
    /// Asking Zendesk at start-up, until `Booted`.
    _start: Option<Task>,
    /// The request the reducer asked for, by id: superseded, past its deadline or unmounted,
    /// its answer is not waited for.
    request: Option<(u32, Task)>,
    /// Wakes the reducer at `next_wake` (deadlines, rate-limit waits).
    wake: Option<(u64, Timeout)>,
    _events: Vec<Subscription>,
    resize: Option<AutoResize>,
    /// Why the app is hidden, as last told to Zendesk.
    hidden: Option<HideReason>,
    /// The document's `lang`, as last set.
    lang: &'static str,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let client = Client::init();
        let link = ctx.link();
        let booted = link.callback(|(strings, boot)| {
            let seed = (zaf::random() * 9_007_199_254_740_991.0) as u64;
            Msg::Act(Action::Booted {
                strings,
                boot,
                seed,
            })
        });
        let start = Task::spawn(wiring::start(client.clone()), move |out| booted.emit(out));
        let events = client.as_ref().map_or_else(Vec::new, |client| {
            let mut events: Vec<Subscription> = ["app.activated", "ticket.updated"]
                .into_iter()
                .map(|event| {
                    let reload = link.callback(|()| Msg::Act(Action::Reload));
                    client.on(event, &[&["firstLoad"]], move |payload| {
                        // The activation of a freshly loaded app (`{"firstLoad": true}`) is the
                        // opening the start-up read already serves: one read per opening.
                        if payload.first() != Some(&Scalar::Bool(true)) {
                            reload.emit(());
                        }
                    })
                })
                .collect();
            let scheme =
                link.batch_callback(|payload| ColorScheme::from_event(payload).map(Msg::Scheme));
            events.push(
                client.on("colorScheme.changed", &EVENT_READS, move |payload| {
                    scheme.emit(payload)
                }),
            );
            events
        });
        let mut app = App {
            state: LikeState::default(),
            client,
            scheme: wiring::scheme_from_url(),
            root: NodeRef::default(),
            _start: Some(start),
            request: None,
            wake: None,
            _events: events,
            resize: None,
            hidden: None,
            lang: "",
        };
        app.act(
            ctx,
            Action::Started {
                now: wiring::now_ms(),
                timing: wiring::timing(),
            },
        );
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Act(action) => self.act(ctx, action),
            Msg::Scheme(scheme) => self.scheme = scheme,
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first_render: bool) {
        if first_render {
            self.resize = self
                .root
                .cast::<HtmlElement>()
                .zip(self.client.clone())
                .and_then(|(element, client)| AutoResize::watch(element, client));
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let view = view(&self.state);
        let on_toggle = ctx.link().callback(|()| Msg::Act(Action::Toggle));
        let on_retry = ctx.link().callback(|()| Msg::Act(Action::Retry));

        let (busy, hidden) = (view.busy(), view.hidden());
        let heart_row = match view.row {
            Row::Heart(row) => {
                let byline = row.byline;
                let described_by = match row.count {
                    Some(_) => COUNT_AND_HINT,
                    None => HINT_ID,
                };
                let (count, count_text) = row.count.unzip();
                // The account is the service's text: only ever a text node, isolated for bidi,
                // and cut with an ellipsis by the stylesheet when the sidebar is narrow.
                html! {
                    <>
                        <div class="heart-row">
                            { heart(row.liked, row.enabled, byline.label, described_by, &on_toggle) }
                            <span class="like-count" aria-hidden="true">
                                { count.map(decimal).unwrap_or_default() }
                            </span>
                            <span class="heart-caption" aria-hidden="true">
                                { byline.before }<bdi>{ byline.account }</bdi>{ byline.after }
                            </span>
                            if let Some(text) = count_text {
                                <span id={COUNT_ID} class="visually-hidden">{ text }</span>
                            }
                        </div>
                        <p id={HINT_ID} class="heart-hint">{ row.hint }</p>
                    </>
                }
            }
            // Loading: keep the footprint of the row and of the line under it (the page's
            // skeleton is this markup, so nothing moves when the app takes over).
            Row::Placeholder { hint } => html! {
                <>
                    <div class="heart-row">{ placeholder() }<span class="like-count"></span></div>
                    <p class="heart-hint heart-hint--placeholder" aria-hidden="true">{ hint }</p>
                </>
            },
            Row::Empty => html! {},
        };

        html! {
            <main
                id="heart-app"
                ref={self.root.clone()}
                class="heart-app"
                data-state={view.state.as_str()}
                data-scheme={self.scheme.as_str()}
                lang={view.lang}
                aria-busy={busy.then_some("true")}
                {hidden}
            >
                { heart_row }
                { status(view.status.text, view.status.visible, view.status.retry, &on_retry) }
            </main>
        }
    }
}

impl App {
    /// Applies `action`, then does what the new state asks of the outside world.
    fn act(&mut self, ctx: &Context<Self>, action: Action) {
        self.state.apply(action);
        self.send(ctx);
        self.schedule(ctx);
        self.follow();
    }

    /// Sends the request the reducer asks for, exactly once.
    fn send(&mut self, ctx: &Context<Self>) {
        let call = self.state.call();
        let id = call.as_ref().map(|(id, _)| *id);
        if self.request.as_ref().map(|(sent, _)| *sent) == id {
            return;
        }
        self.request = self.client.clone().zip(call).map(|(client, (id, call))| {
            self.state.apply(Action::Sent {
                id,
                now: wiring::now_ms(),
            });
            let answered = ctx.link().callback(move |result| {
                Msg::Act(Action::Answered {
                    id,
                    result,
                    now: wiring::now_ms(),
                })
            });
            let task = Task::spawn(
                async move { wiring::send(&client, &call).await },
                move |result| answered.emit(result),
            );
            (id, task)
        });
    }

    /// One timer, for the time the reducer asks to be woken at.
    fn schedule(&mut self, ctx: &Context<Self>) {
        let wake = self.state.next_wake();
        if self.wake.as_ref().map(|(at, _)| *at) == wake {
            return;
        }
        self.wake = wake.map(|at| {
            let delay = at.saturating_sub(wiring::now_ms()).min(u64::from(u32::MAX)) as u32;
            // A timer may fire a little early by the clock: it is due when it fires.
            let tick = ctx.link().callback(move |()| {
                Msg::Act(Action::Tick {
                    now: wiring::now_ms().max(at),
                })
            });
            (at, Timeout::new(delay, move || tick.emit(())))
        });
    }

    /// The document's language, and the app hidden or shown, as the state says.
    fn follow(&mut self) {
        let lang = self.state.strings.lang;
        if self.lang != lang {
            self.lang = lang;
            // The iframe's document speaks the agent's language, not only the app's root.
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("lang", lang);
            }
        }
        let hidden = self.state.hide_reason();
        if self.hidden == hidden {
            return;
        }
        let was_hidden = std::mem::replace(&mut self.hidden, hidden).is_some();
        if let Some(client) = &self.client {
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
