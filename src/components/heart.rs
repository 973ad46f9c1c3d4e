//! The heart toggle and its placeholder while the state loads.

use yew::prelude::*;

/// The heart's drawing: static markup, set once as HTML (no element of it ever changes; the
/// stylesheet fills it from the button's state).
const HEART_SVG: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M12 20.3C12 20.3 3.2 14.6 3.2 8.9C3.2 6.2 5.3 4.2 7.8 4.2C9.6 4.2 11.1 5.2 12 6.7C12.9 5.2 14.4 4.2 16.2 4.2C18.7 4.2 20.8 6.2 20.8 8.9C20.8 14.6 12 20.3 12 20.3Z"/></svg>"#;

/// The heart toggle: a native button, so Space and Enter work and focus is visible.
pub fn heart(
    liked: bool,
    enabled: bool,
    label: String,
    described_by: &'static str,
    on_toggle: &Callback<()>,
) -> Html {
    let on_toggle = on_toggle.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        if enabled {
            on_toggle.emit(());
        }
    });
    html! {
        <button
            type="button"
            class="heart"
            aria-pressed={if liked { "true" } else { "false" }}
            aria-label={label}
            aria-disabled={(!enabled).then_some("true")}
            aria-describedby={described_by}
            {onclick}
        >
            { Html::from_html_unchecked(AttrValue::Static(HEART_SVG)) }
        </button>
    }
}

/// The same footprint as [`heart`] while the state loads, so nothing moves when it arrives.
pub fn placeholder() -> Html {
    html! { <span class="heart heart--placeholder" aria-hidden="true"></span> }
}
