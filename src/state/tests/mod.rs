//! The machine's tests, by topic, on one harness ([`Run`]): a state with a clock and a log of
//! the requests it asked for. They read what the agent would see through [`crate::view`].

mod failures;
mod rate_limits;
mod reads;
mod reloads;
mod start;
mod words;

use std::rc::Rc;

pub(super) use heart_contract::{
    LikeAnswer, PathError, Setting, Settings, SettingsError, TicketId,
};

pub(super) use super::{Action, LikeState, Request};
pub(super) use crate::boot::{Boot, HideReason, Session, Unavailable};
pub(super) use crate::i18n::Lang;
pub(super) use crate::proxy::{Body, Failure, Op};
pub(super) use crate::ticket::{Channel, TicketContext};
pub(super) use crate::timing::Timing;
pub(super) use crate::view::{Byline, Row, ViewState, reason, view};

pub(super) fn session() -> Session {
    Session {
        ticket: TicketContext {
            ticket: TicketId(62),
            external_id: Some("ig:1".into()),
            channel: Channel::Integration,
            locale: Some("en-US".into()),
        },
        settings: Settings::default(),
    }
}

pub(super) fn answer(liked: bool, count: u64) -> LikeAnswer {
    LikeAnswer {
        liked,
        like_count: Some(count),
        account: None,
    }
}

pub(super) fn answer_as(liked: bool, count: u64, account: &str) -> LikeAnswer {
    LikeAnswer {
        account: Some(account.into()),
        ..answer(liked, count)
    }
}

pub(super) const T0: u64 = 1_000_000;

/// A state machine with a clock and a log of every request it asked the hook to send. Like
/// the hook, it reports each new request as sent at the current time.
pub(super) struct Run {
    pub(super) state: Rc<LikeState>,
    pub(super) sent: Vec<Request>,
    pub(super) now: u64,
}

impl Run {
    pub(super) fn booted_with(lang: Lang, boot: Boot, timing: Timing) -> Self {
        let mut run = Run {
            state: Rc::new(LikeState::default()),
            sent: vec![],
            now: T0,
        };
        run.act(Action::Started { timing });
        run.act(Action::Booted {
            strings: lang.strings(),
            boot,
            seed: 7,
        });
        run
    }

    pub(super) fn booted(boot: Boot) -> Self {
        Self::booted_with(Lang::En, boot, Timing::default())
    }

    /// Booted on a channel ticket, with the first read answered.
    pub(super) fn ready(liked: bool, count: u64) -> Self {
        let mut run = Run::booted(Boot::Active(session()));
        run.answer(Ok(answer(liked, count)));
        run
    }

    /// `action`, happening now.
    pub(super) fn act(&mut self, action: Action) {
        self.state = self.state.clone().after(action, self.now);
        if let Some(req) = self.state.pipeline.in_flight
            && self.sent.last().map(|r| r.id) != Some(req.id)
        {
            self.sent.push(req);
        }
    }

    pub(super) fn in_flight(&self) -> Request {
        self.state.pipeline.in_flight.expect("a request in flight")
    }

    pub(super) fn answer(&mut self, result: Result<LikeAnswer, Failure>) {
        let id = self.in_flight().id;
        self.act(Action::Answered { id, result });
    }

    /// Lets `ms` pass, waking the reducer when it asked to be.
    pub(super) fn wait(&mut self, ms: u64) {
        let until = self.now + ms;
        while let Some(at) = self.state.next_wake().filter(|at| *at <= until) {
            self.now = self.now.max(at);
            self.act(Action::Tick);
        }
        self.now = until;
    }

    /// Lets time pass until the reducer's next wake-up, and returns how long that was.
    pub(super) fn wait_for_wake(&mut self) -> u64 {
        let at = self.state.next_wake().expect("a wake-up");
        let waited = at - self.now;
        self.wait(waited);
        waited
    }

    /// The status line as the view shows it.
    pub(super) fn status(&self) -> Line {
        let status = view(&self.state).status;
        Line {
            text: status.text,
            visible: status.visible,
            retry: status.retry.is_some(),
        }
    }

    pub(super) fn view_state(&self) -> ViewState {
        view(&self.state).state
    }

    /// Who likes, as the heart row says it; `None` while there is no heart.
    pub(super) fn byline(&self) -> Option<Byline> {
        match view(&self.state).row {
            Row::Heart(row) => Some(row.byline),
            _ => None,
        }
    }
}

/// The status line: its text, whether it is shown, whether "Try again" is offered.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Line {
    pub(super) text: String,
    pub(super) visible: bool,
    pub(super) retry: bool,
}
