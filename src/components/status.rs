use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub text: AttrValue,
    /// Shown to everyone; otherwise only announced to screen readers.
    pub visible: bool,
    /// The "Try again" label, when a retry is offered.
    #[prop_or_default]
    pub retry: Option<AttrValue>,
    pub on_retry: Callback<()>,
}

/// The live region (present from the first render, so screen readers hear every change)
/// and the retry button.
#[function_component]
pub fn Status(props: &StatusProps) -> Html {
    let onclick = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <div class="status-line">
            // A plain string, not `classes!`: Yew's class set would link an index map for one class.
            <p class={if props.visible { "status" } else { "status visually-hidden" }} role="status">
                { props.text.clone() }
            </p>
            if let Some(label) = props.retry.clone() {
                <button type="button" class="retry" {onclick}>{ label }</button>
            }
        </div>
    }
}
