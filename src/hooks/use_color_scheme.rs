//! `use_color_scheme`: Zendesk's light or dark scheme, from the URL and then its events.

use yew::prelude::*;

use crate::scheme::{ColorScheme, EVENT_READS};
use crate::zaf::Client;

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

/// Zendesk's colour scheme: from the iframe URL at start, then from `colorScheme.changed`.
#[hook]
pub fn use_color_scheme(client: Option<Client>) -> ColorScheme {
    let scheme = use_state_eq(scheme_from_url);
    {
        let setter = scheme.setter();
        use_effect_with(client, move |client| {
            let subscription = client.as_ref().map(|client| {
                client.on("colorScheme.changed", &EVENT_READS, move |payload| {
                    if let Some(next) = ColorScheme::from_event(payload) {
                        setter.set(next);
                    }
                })
            });
            move || drop(subscription)
        });
    }
    *scheme
}
