use yew::prelude::*;

use crate::components::heart::{Heart, HeartPlaceholder};
use crate::components::status::Status;
use crate::hooks::{use_auto_resize, use_color_scheme, use_like_state};
use crate::state::{Action, Mode, ViewState};
use crate::zaf::Client;

const COUNT_ID: &str = "heart-count-text";
const HINT_ID: &str = "heart-hint";
const COUNT_AND_HINT: &str = "heart-count-text heart-hint";

/// The panel: heart, count and who likes; whose like it is; then the status line.
#[function_component]
pub fn App() -> Html {
    let client = use_memo((), |_| Client::init());
    let client = (*client).clone();
    let state = use_like_state(client.clone());
    let scheme = use_color_scheme(client.clone());
    let root = use_node_ref();
    use_auto_resize(root.clone(), client);

    let strings = state.lang.strings();
    let view = state.view_state();
    let status = state.status();
    let on_toggle = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Toggle))
    };
    let on_retry = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Retry))
    };

    let heart_row = match (&state.mode, state.shown_liked(), state.byline()) {
        (Mode::Starting | Mode::Active(_), Some(liked), Some(byline)) => {
            let count = state.shown_count();
            let described_by = match count {
                Some(_) => COUNT_AND_HINT,
                None => HINT_ID,
            };
            // The account is the service's text: only ever a text node, isolated for bidi, and
            // cut with an ellipsis by the stylesheet when the sidebar is narrow.
            html! {
                <>
                    <div class="heart-row">
                        <Heart
                            {liked}
                            enabled={state.can_toggle()}
                            label={byline.label}
                            described_by={AttrValue::from(described_by)}
                            {on_toggle}
                        />
                        <span class="like-count" aria-hidden="true">
                            { count.map(|n| n.to_string()).unwrap_or_default() }
                        </span>
                        <span class="heart-caption" aria-hidden="true">
                            { byline.before }<bdi>{ byline.account }</bdi>{ byline.after }
                        </span>
                        if let Some(n) = count {
                            <span id={COUNT_ID} class="visually-hidden">{ strings.count(n) }</span>
                        }
                    </div>
                    <p id={HINT_ID} class="heart-hint">{ strings.hint }</p>
                </>
            }
        }
        // Loading: keep the row's footprint. A failed first read shows no heart at all
        // rather than one that would look "not liked".
        (Mode::Starting | Mode::Active(_), None, _) if view == ViewState::Loading => html! {
            <div class="heart-row"><HeartPlaceholder /><span class="like-count"></span></div>
        },
        _ => html! {},
    };

    html! {
        <main
            id="heart-app"
            ref={root}
            class="heart-app"
            data-state={view.as_str()}
            data-scheme={scheme.as_str()}
            lang={state.lang.tag()}
            aria-busy={(view == ViewState::Loading).then_some("true")}
            hidden={view == ViewState::Hidden}
        >
            { heart_row }
            <Status
                text={status.text}
                visible={status.visible}
                retry={status.retry.then_some(AttrValue::from(strings.try_again))}
                {on_retry}
            />
        </main>
    }
}
