//! The heart toggle (`Heart`) and its placeholder while the state loads.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeartProps {
    pub liked: bool,
    /// Pressing does something now; otherwise the button stays focusable but inert.
    pub enabled: bool,
    /// The accessible name ("Like as @omniwear" in the agent's language); the state is
    /// `aria-pressed`.
    pub label: AttrValue,
    /// The ids of the elements that describe the button (the count, whose like it is).
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
    pub on_toggle: Callback<()>,
}

/// The heart toggle: a native button, so Space and Enter work and focus is visible.
#[function_component]
pub fn Heart(props: &HeartProps) -> Html {
    let onclick = {
        let on_toggle = props.on_toggle.clone();
        let enabled = props.enabled;
        Callback::from(move |_: MouseEvent| {
            if enabled {
                on_toggle.emit(());
            }
        })
    };
    html! {
        <button
            type="button"
            class="heart"
            aria-pressed={props.liked.to_string()}
            aria-label={props.label.clone()}
            aria-disabled={(!props.enabled).then_some("true")}
            aria-describedby={props.described_by.clone()}
            {onclick}
        >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path d="M12 20.3C12 20.3 3.2 14.6 3.2 8.9C3.2 6.2 5.3 4.2 7.8 4.2C9.6 4.2 11.1 5.2 12 6.7C12.9 5.2 14.4 4.2 16.2 4.2C18.7 4.2 20.8 6.2 20.8 8.9C20.8 14.6 12 20.3 12 20.3Z" />
            </svg>
        </button>
    }
}

/// The same footprint as [`Heart`] while the state loads, so nothing moves when it arrives.
pub fn placeholder() -> Html {
    html! { <span class="heart heart--placeholder" aria-hidden="true"></span> }
}
