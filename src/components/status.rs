//! The status line: the live region and "Try again".

use yew::prelude::*;

/// The live region (present from the first render, so screen readers hear every change)
/// and the retry button. `visible`: shown to everyone, otherwise only announced; `retry`: the
/// "Try again" label, when a retry is offered.
///
/// A view function, not a component: it has no state of its own, and a component would link a
/// lifecycle of its own into the wasm.
pub fn status(
    text: String,
    visible: bool,
    retry: Option<&'static str>,
    on_retry: &Callback<()>,
) -> Html {
    let onclick = on_retry.reform(|_: MouseEvent| ());
    html! {
        <div class="status-line">
            // A plain string, not `classes!`: Yew's class set would link an index map for one class.
            <p class={if visible { "status" } else { "status visually-hidden" }} role="status">
                { text }
            </p>
            if let Some(label) = retry {
                <button type="button" class="retry" {onclick}>{ label }</button>
            }
        </div>
    }
}
