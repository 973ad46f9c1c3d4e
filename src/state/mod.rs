//! The like-state machine: every transition of the heart starts here ([`LikeState::apply`]; the
//! `use_like_state` hook makes it Yew's reducer, with [`LikeState::after`]). It is two machines:
//! start-up and visibility ([`Startup`], in `startup.rs`) and the request pipeline
//! ([`Pipeline`], in `pipeline.rs`), which runs once start-up has made the app active.
//!
//! It decides which request to send next (`in_flight`, read by the hook) and what is true of
//! the heart; [`crate::view`] words it for the agent. It never calls JS and reads no clock: every
//! action comes with the time it happened, so the reducer stamps a request's deadline when it
//! asks for it, and deadlines and backoff are unit-tested without waiting. Its tests are in
//! `tests/`, by topic.
//!
//! Rules:
//! - The heart shows what the service last *returned* (`confirmed`), or, while a set is
//!   pending, what the agent last asked for (`desired`): optimistic, then corrected.
//! - At most one request is in flight. Clicks during a set only move `desired`; when the set
//!   is answered and `desired` differs from both what was sent and what came back, one more
//!   set goes out. Ten quick clicks: one request, then at most one more.
//! - Every request has the app's own deadline ([`Timing::deadline_ms`]), whatever the host does.
//! - A set that surely failed (refused: 400, 401/403, 404/422, 500 with a JSON error) rolls
//!   back and offers a retry. One whose outcome is unknown (no answer, a gateway's 502/504, an
//!   unreadable answer) leaves no guess on screen: the state is read again and shown, with a
//!   message that the change may or may not have gone through. A failed read never pretends
//!   the photo is "not liked".
//! - A 429 is retried by itself after `Retry-After` (the floor) and an exponential, jittered
//!   backoff, a few times; then "Try again" is offered. An automatic retry never sends a set the
//!   agent asked for longer ago than [`Timing::set_max_age_ms`].
//! - A reload asked for while a set or a wait is pending is remembered and done right after; a
//!   reload while the state is still being read for the first time is that read.
//! - The app hides where it has nothing to show, and says why ([`HideReason`]): a channel known
//!   not to be an integration, or the proxy's own "no integration instance for this ticket"
//!   (until a later read works). The service's 404/422 is an error that names the setting to
//!   check.
//! - Who likes is the account the service last named (`account`), kept with the confirmed
//!   answer; an answer that names none keeps the one already known.
//! - The panel is in Zendesk's colour scheme: the iframe URL's at start ([`LikeState::new`]),
//!   then each `colorScheme.changed` ([`Action::Scheme`]).
//! - An action that changes nothing keeps the state's `Rc` ([`LikeState::after`]), so the panel is
//!   not rendered again.

use std::rc::Rc;

use heart_contract::LikeAnswer;

use crate::boot::{Boot, HideReason, Session};
use crate::color_scheme::ColorScheme;
use crate::i18n::Strings;
use crate::proxy::{Call, Failure, Op};
use crate::timing::Timing;

mod pipeline;
mod startup;

pub use pipeline::{Notice, Pipeline, Problem, Request};
pub use startup::{Mode, Startup};

/// What happened; each comes with the time it happened ([`LikeState::apply`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The hook began asking Zendesk, with the app's timing; with no answer within
    /// `timing.deadline_ms`, the panel says Zendesk has not answered (and goes on waiting).
    Started { timing: Timing },
    Booted {
        /// The agent's language, or English when its table did not come.
        strings: &'static Strings,
        boot: Boot,
        /// Seeds the retry jitter.
        seed: u64,
    },
    /// Read the state again: the app was activated again, or the ticket changed.
    Reload,
    /// The agent pressed the heart.
    Toggle,
    /// The agent pressed "Try again".
    Retry,
    /// The time the reducer asked to be woken at ([`LikeState::next_wake`]) has come.
    Tick,
    Answered {
        id: u32,
        result: Result<LikeAnswer, Failure>,
    },
    /// Zendesk's colour scheme changed (`colorScheme.changed`).
    Scheme(ColorScheme),
}

/// The like-state: its two machines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LikeState {
    /// Start-up and visibility: the language, the colour scheme, what the app does here.
    pub startup: Startup,
    /// The requests and what the service answered.
    pub pipeline: Pipeline,
}

impl LikeState {
    /// The state before start-up, in Zendesk's colour scheme as the page was loaded in.
    pub fn new(scheme: ColorScheme) -> Self {
        Self {
            startup: Startup::new(scheme),
            pipeline: Pipeline::default(),
        }
    }

    /// The state after `action`, which happened at `now`: the same `Rc` when nothing changed,
    /// so the view is not rendered again (the hook's reducer).
    pub fn after(self: Rc<Self>, action: Action, now: u64) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action, now);
        if next == *self { self } else { Rc::new(next) }
    }

    /// Takes `action`, which happened at `now` (ms since the epoch).
    pub fn apply(&mut self, action: Action, now: u64) {
        match action {
            Action::Started { timing } => {
                if self.startup.started(now, timing.deadline_ms) {
                    self.pipeline.set_timing(timing);
                }
            }
            Action::Booted {
                strings,
                boot,
                seed,
            } => {
                self.pipeline.seed(seed);
                if self.startup.boot(strings, boot) {
                    self.pipeline.send(Op::Read, now);
                }
            }
            Action::Reload => {
                if self.startup.session().is_some() {
                    self.pipeline.reload(now);
                }
            }
            Action::Toggle => {
                if self.can_toggle() {
                    self.pipeline.toggle(now);
                }
            }
            Action::Retry => self.pipeline.try_again(now),
            Action::Tick => {
                self.startup.tick(now);
                self.pipeline.tick(now);
            }
            Action::Answered { id, result } => self.pipeline.answered(id, result, now),
            Action::Scheme(scheme) => self.startup.scheme = scheme,
        }
        self.pipeline.run_pending_reload(now);
    }

    fn session(&self) -> Option<&Rc<Session>> {
        self.startup.session()
    }

    /// The call for the request in flight, which the hook sends.
    pub fn call(&self) -> Option<(u32, Call)> {
        let session = self.session()?;
        let request = self.pipeline.in_flight?;
        Some((
            request.id,
            Call::new(
                request.op,
                &session.ticket,
                &session.settings,
                self.pipeline.timing().request_timeout_ms,
            ),
        ))
    }

    /// When the hook must dispatch [`Action::Tick`]: the deadline of the request in flight (or
    /// of Zendesk's start-up answers), or the end of a rate-limit wait, whichever comes first.
    pub fn next_wake(&self) -> Option<u64> {
        let (deadline, retry) = self.pipeline.wakes();
        match (deadline.or(self.startup.start_due()), retry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether a press of the heart does anything now.
    pub fn can_toggle(&self) -> bool {
        self.session().is_some() && self.pipeline.can_toggle()
    }

    /// Why the app is hidden, if it is: logged to the console for the admin who wonders.
    pub fn hide_reason(&self) -> Option<HideReason> {
        self.startup.hide_reason(self.pipeline.unlinked)
    }
}

#[cfg(test)]
mod tests;
