//! `App`: the panel, the app's one component, laid out from the view-model ([`crate::view`]).
//! It decides nothing: its hooks ([`crate::hooks`]) wire the like-state to Zendesk over time,
//! every transition is the reducer's ([`crate::state`]), every word the view-model's.

use heart_contract::decimal;
use yew::prelude::*;

use crate::components::heart::{heart, placeholder};
use crate::components::status::status;
use crate::hooks::{Timed, use_auto_resize, use_like_state};
use crate::state::Action;
use crate::view::{Row, view};
use crate::zaf::Client;

const COUNT_ID: &str = "heart-count-text";
const HINT_ID: &str = "heart-hint";
const COUNT_AND_HINT: &str = "heart-count-text heart-hint";

/// The panel: heart, count and who likes; whose like it is; then the status line.
#[function_component]
pub fn App() -> Html {
    // What the panel keeps for its life: the Zendesk client and its root element (one hook
    // for both: every hook links code of its own).
    let kept = use_memo((), |()| (Client::init(), NodeRef::default()));
    let (client, root) = (kept.0.clone(), kept.1.clone());
    let state = use_like_state(client.clone());
    use_auto_resize(root.clone(), client);

    let view = view(&state);
    let on_toggle = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Timed::now(Action::Toggle)))
    };
    let on_retry = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Timed::now(Action::Retry)))
    };

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
            ref={root}
            class="heart-app"
            data-state={view.state.as_str()}
            data-scheme={view.scheme}
            lang={view.lang}
            aria-busy={busy.then_some("true")}
            {hidden}
        >
            { heart_row }
            { status(view.status.text, view.status.visible, view.status.retry, &on_retry) }
        </main>
    }
}
