use std::time::Duration;

use wasm_bindgen_futures::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::proxy;
use crate::state::{Action, Boot, HideReason, LikeState, Session, Unavailable, ViewState};
use crate::ticket::{Channel, TicketContext};
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

/// The like-state of this ticket, driven by Zendesk: it starts the app, sends each request the
/// reducer asks for exactly once, re-reads on `app.activated` and `ticket.updated`, waits out
/// rate limits, and hides the app where it has nothing to show.
#[hook]
pub fn use_like_state(client: Option<Client>) -> UseReducerHandle<LikeState> {
    let state = use_reducer(LikeState::default);

    {
        let dispatcher = state.dispatcher();
        let client = client.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let (lang, boot) = boot(client).await;
                dispatcher.dispatch(Action::Booted { lang, boot });
            });
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
            if let (Some(client), Some((id, call))) = (client, call) {
                spawn_local(async move {
                    let result = proxy::send(&client, &call).await;
                    dispatcher.dispatch(Action::Answered { id, result });
                });
            }
        });
    }

    {
        let dispatcher = state.dispatcher();
        let wait = state
            .problem
            .and_then(|p| p.waiting().map(|secs| (p.request_id, secs)));
        use_effect_with(wait, move |wait| {
            if let Some((request_id, secs)) = *wait {
                spawn_local(async move {
                    sleep(Duration::from_secs(u64::from(secs))).await;
                    dispatcher.dispatch(Action::RetryDue { request_id });
                });
            }
        });
    }

    {
        let hidden = (state.view_state() == ViewState::Hidden)
            .then(|| state.hidden_because.clone())
            .flatten();
        use_effect_with(hidden, move |hidden| {
            if let (Some(why), Some(client)) = (hidden, client) {
                // For the admin who wonders where the app went.
                crate::zaf::info(&format!("hidden: {}", why.explain()));
                client.hide();
            }
        });
    }

    state
}
