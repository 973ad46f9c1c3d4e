//! The like-state machine: every transition of the heart lives here ([`LikeState::apply`]; the
//! `use_like_state` hook makes it Yew's reducer, with [`LikeState::after`]).
//!
//! It decides which request to send next (`in_flight`, read by the hook) and what is true of
//! the heart; [`crate::view`] words it for the agent. It never calls JS and reads no clock: every
//! action comes with the time it happened, so the reducer stamps a request's deadline when it
//! asks for it, and deadlines and backoff are unit-tested without waiting. Its tests are in `tests/`, by topic.
//!
//! Long: the transitions below are one unit over the state's private fields (`unsure`,
//! `limited`, `asked_at`, `reload_pending`); split across files, those would have to be opened
//! to the rest of the app.
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

use heart_contract::{LikeAnswer, SettingsError};

use crate::boot::{Boot, HideReason, Session, Unavailable};
use crate::i18n::{EN, Strings};
use crate::proxy::{Call, Failure, Op};
use crate::scheme::ColorScheme;
use crate::timing::{Jitter, Timing};

#[derive(Clone, Debug, Eq)]
pub enum Mode {
    Starting,
    Active(Rc<Session>),
    Hidden,
    Misconfigured(SettingsError),
    Unavailable(Unavailable),
}

/// A session is compared by identity: start-up makes one, and it never changes.
impl PartialEq for Mode {
    fn eq(&self, other: &Mode) -> bool {
        match (self, other) {
            (Mode::Active(a), Mode::Active(b)) => Rc::ptr_eq(a, b),
            (Mode::Misconfigured(a), Mode::Misconfigured(b)) => a == b,
            (Mode::Unavailable(a), Mode::Unavailable(b)) => a == b,
            (Mode::Starting, Mode::Starting) | (Mode::Hidden, Mode::Hidden) => true,
            _ => false,
        }
    }
}

/// A request the hook must send (once: `id` is new for every request), at once: its deadline
/// runs from when the reducer asked for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u32,
    pub op: Op,
    /// When the app stops waiting for it (ms since the epoch).
    pub deadline_at: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What was attempted.
    pub failed: Op,
    pub failure: Failure,
    /// What "Try again" (or the automatic retry) does; `None`: nothing is left to retry.
    pub retry: Option<Op>,
    /// Waiting out a rate limit: the automatic retry is due then (ms since the epoch).
    pub retry_at: Option<u64>,
    /// The wait, in whole seconds, as announced.
    pub wait_s: u64,
    /// A set with an unknown outcome: the heart shows the state read after it.
    pub unsure: bool,
}

impl Problem {
    /// Rate-limited and waiting: the retry happens by itself.
    pub fn waiting(&self) -> bool {
        self.retry_at.is_some()
    }
}

/// A set whose outcome is unknown, while the state is read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Unsure {
    sent: bool,
    wanted: bool,
    failure: Failure,
}

/// A confirmed change, announced to screen readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Liked,
    Unliked,
}

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LikeState {
    /// What the panel says, in the agent's language.
    pub strings: &'static Strings,
    /// Zendesk's colour scheme, light or dark.
    pub scheme: ColorScheme,
    pub mode: Mode,
    /// The state the service last returned.
    pub confirmed: Option<LikeAnswer>,
    /// What the agent asked for and the service has not yet confirmed.
    pub desired: Option<bool>,
    pub in_flight: Option<Request>,
    pub problem: Option<Problem>,
    pub notice: Option<Notice>,
    /// Why start-up hid the app (a channel known not to be an integration).
    hidden_at_boot: Option<HideReason>,
    /// The proxy said this ticket has no integration instance: hidden until a read works.
    pub unlinked: bool,
    unsure: Option<Unsure>,
    reload_pending: bool,
    /// 429s in a row.
    limited: u32,
    /// When the agent asked for the set being pursued (stamped when it is sent).
    asked_at: Option<u64>,
    timing: Timing,
    jitter: Jitter,
    last_id: u32,
    /// While starting: when Zendesk's answers are overdue.
    start_due: Option<u64>,
    /// Zendesk's start-up answers are overdue (until they come).
    overdue: bool,
}

impl Default for LikeState {
    fn default() -> Self {
        Self {
            strings: &EN,
            scheme: ColorScheme::Light,
            mode: Mode::Starting,
            confirmed: None,
            desired: None,
            in_flight: None,
            problem: None,
            notice: None,
            hidden_at_boot: None,
            unlinked: false,
            unsure: None,
            reload_pending: false,
            limited: 0,
            asked_at: None,
            timing: Timing::default(),
            jitter: Jitter::new(0),
            last_id: 0,
            start_due: None,
            overdue: false,
        }
    }
}

impl LikeState {
    /// The state before start-up, in Zendesk's colour scheme as the page was loaded in.
    pub fn new(scheme: ColorScheme) -> Self {
        Self {
            scheme,
            ..Self::default()
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
                if matches!(self.mode, Mode::Starting) {
                    self.start_due = Some(now.saturating_add(timing.deadline_ms));
                    self.timing = timing;
                }
            }
            Action::Booted {
                strings,
                boot,
                seed,
            } => {
                self.jitter = Jitter::new(seed);
                self.boot(strings, boot, now);
            }
            Action::Reload => self.reload(now),
            Action::Toggle => self.toggle(now),
            Action::Retry => {
                if let Some(problem) = self.problem.filter(|p| !p.waiting()) {
                    self.limited = 0;
                    self.retry(problem, now);
                }
            }
            Action::Tick => self.tick(now),
            Action::Answered { id, result } => self.answered(id, result, now),
            Action::Scheme(scheme) => self.scheme = scheme,
        }
        self.run_pending_reload(now);
    }

    fn session(&self) -> Option<&Rc<Session>> {
        match &self.mode {
            Mode::Active(session) => Some(session),
            _ => None,
        }
    }

    /// The call for the request in flight, which the hook sends.
    pub fn call(&self) -> Option<(u32, Call)> {
        let session = self.session()?;
        let request = self.in_flight?;
        Some((
            request.id,
            Call::new(
                request.op,
                &session.ticket,
                &session.settings,
                self.timing.request_timeout_ms,
            ),
        ))
    }

    /// When the hook must dispatch [`Action::Tick`]: the deadline of the request in flight, or
    /// the end of a rate-limit wait, whichever comes first.
    pub fn next_wake(&self) -> Option<u64> {
        let deadline = self.in_flight.map(|r| r.deadline_at).or(self.start_due);
        let retry = self.problem.and_then(|p| p.retry_at);
        match (deadline, retry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Asks the hook to send `op` now, with the app's deadline from `now`.
    fn send(&mut self, op: Op, now: u64) {
        self.last_id = self.last_id.wrapping_add(1);
        match op {
            // A read sent from now on answers any reload asked for until now.
            Op::Read => self.reload_pending = false,
            Op::Set(_) => {
                self.asked_at.get_or_insert(now);
            }
        }
        self.in_flight = Some(Request {
            id: self.last_id,
            op,
            deadline_at: now.saturating_add(self.timing.deadline_ms),
        });
    }

    fn tick(&mut self, now: u64) {
        if self.start_due.is_some_and(|at| now >= at) {
            self.start_due = None;
            self.overdue = true;
        }
        if let Some(request) = self.in_flight.filter(|r| now >= r.deadline_at) {
            self.answered(request.id, Err(Failure::Deadline), now);
        }
        if let Some(problem) = self
            .problem
            .filter(|p| p.retry_at.is_some_and(|at| now >= at))
        {
            if self.set_too_old(problem.retry, now) {
                // The agent asked too long ago: an automatic retry would surprise them.
                self.problem = Some(Problem {
                    retry_at: None,
                    ..problem
                });
            } else {
                self.retry(problem, now);
            }
        }
    }

    /// Whether retrying `op` at `at` would send a set the agent asked for too long ago.
    fn set_too_old(&self, op: Option<Op>, at: u64) -> bool {
        matches!(op, Some(Op::Set(_)))
            && self
                .asked_at
                .is_some_and(|asked| at.saturating_sub(asked) > self.timing.set_max_age_ms)
    }

    fn boot(&mut self, strings: &'static Strings, boot: Boot, now: u64) {
        self.strings = strings;
        if !matches!(self.mode, Mode::Starting) {
            return;
        }
        self.start_due = None;
        self.overdue = false;
        self.mode = match boot {
            Boot::Active(session) => {
                self.send(Op::Read, now);
                Mode::Active(Rc::new(session))
            }
            Boot::Hidden(why) => {
                self.hidden_at_boot = Some(why);
                Mode::Hidden
            }
            Boot::Misconfigured(error) => Mode::Misconfigured(error),
            Boot::Unavailable(why) => Mode::Unavailable(why),
        };
    }

    fn waiting(&self) -> bool {
        self.problem.is_some_and(|p| p.waiting())
    }

    fn reload(&mut self, now: u64) {
        if self.session().is_none() {
            return;
        }
        let reading_unknown =
            self.confirmed.is_none() && matches!(self.in_flight, Some(r) if r.op == Op::Read);
        if reading_unknown {
            // The read under way (the opening's, or the check after an unsure set) is sent
            // after everything Zendesk could be announcing at start-up: one read is enough.
            return;
        }
        if self.in_flight.is_some() || self.waiting() {
            self.reload_pending = true;
            return;
        }
        self.limited = 0;
        self.send(Op::Read, now);
    }

    /// A reload asked for during a set or a wait, once neither is pending any more.
    fn run_pending_reload(&mut self, now: u64) {
        if self.reload_pending && self.in_flight.is_none() && !self.waiting() {
            self.reload_pending = false;
            self.reload(now);
        }
    }

    /// Whether a press of the heart does anything now.
    pub fn can_toggle(&self) -> bool {
        self.session().is_some() && self.confirmed.is_some() && !self.unlinked && !self.waiting()
    }

    fn toggle(&mut self, now: u64) {
        if !self.can_toggle() {
            return;
        }
        let Some(shown) = self.shown_liked() else {
            return;
        };
        self.desired = Some(!shown);
        self.problem = None;
        self.notice = None;
        self.limited = 0;
        self.asked_at = None;
        match self.in_flight {
            // Coalesce: the answer to the set in flight decides whether another is needed.
            Some(Request { op: Op::Set(_), .. }) => {}
            // No request, or a read that this set supersedes.
            _ => self.send(Op::Set(!shown), now),
        }
    }

    fn retry(&mut self, problem: Problem, now: u64) {
        let Some(op) = problem.retry else {
            return;
        };
        self.problem = None;
        if !problem.waiting() {
            // "Try again" is a new request of the agent's.
            self.asked_at = None;
        }
        match op {
            Op::Read => self.send(Op::Read, now),
            Op::Set(liked) => {
                self.desired = Some(liked);
                self.send(Op::Set(liked), now);
            }
        }
    }

    fn rate_limited(&mut self, failed: Op, retry: Op, retry_after_s: Option<u32>, now: u64) {
        self.limited = self.limited.saturating_add(1);
        let floor = retry_after_s.map_or(0, |s| u64::from(s) * 1000);
        let jitter = self.jitter.draw();
        let delay = floor.max(self.timing.backoff_ms(self.limited, jitter));
        let at = now.saturating_add(delay);
        let automatic = self.limited <= self.timing.auto_retries
            && delay <= self.timing.max_wait_ms
            && !self.set_too_old(Some(retry), at);
        self.problem = Some(Problem {
            failed,
            failure: Failure::RateLimited { retry_after_s },
            retry: Some(retry),
            retry_at: automatic.then_some(at),
            wait_s: delay.div_ceil(1000),
            unsure: false,
        });
    }

    fn answered(&mut self, id: u32, result: Result<LikeAnswer, Failure>, now: u64) {
        let Some(request) = self.in_flight.filter(|r| r.id == id) else {
            return; // superseded, or past its deadline
        };
        self.in_flight = None;
        if !matches!(result, Err(f) if f.is_rate_limit()) {
            self.limited = 0;
        }
        match (request.op, result) {
            (_, Err(Failure::NoIntegration)) => {
                self.unlinked = true;
                self.desired = None;
                self.problem = None;
                self.unsure = None;
                self.notice = None;
            }
            (Op::Read, Ok(answer)) => {
                let liked = answer.liked;
                self.confirm(answer);
                self.unlinked = false;
                if let Some(unsure) = self.unsure.take() {
                    self.problem = Some(Problem {
                        failed: Op::Set(unsure.sent),
                        failure: unsure.failure,
                        retry: (liked != unsure.wanted).then_some(Op::Set(unsure.wanted)),
                        retry_at: None,
                        wait_s: 0,
                        unsure: true,
                    });
                } else if self
                    .problem
                    .is_some_and(|p| p.failed == Op::Read || p.failure.is_rate_limit())
                {
                    self.problem = None;
                }
            }
            (Op::Read, Err(Failure::RateLimited { retry_after_s })) => {
                self.rate_limited(Op::Read, Op::Read, retry_after_s, now);
            }
            (Op::Read, Err(failure)) => {
                self.problem = Some(Problem {
                    failed: Op::Read,
                    failure,
                    retry: Some(Op::Read),
                    retry_at: None,
                    wait_s: 0,
                    unsure: false,
                });
            }
            (Op::Set(sent), Ok(answer)) => {
                let liked = answer.liked;
                self.confirm(answer);
                self.unlinked = false;
                self.problem = None;
                let wanted = self.desired.unwrap_or(sent);
                // Send again only for clicks made while this set was in flight. If the
                // service answered something other than what was sent, its word stands.
                if wanted != sent && wanted != liked {
                    self.asked_at = None;
                    self.send(Op::Set(wanted), now);
                } else {
                    self.desired = None;
                    self.notice = Some(if liked {
                        Notice::Liked
                    } else {
                        Notice::Unliked
                    });
                }
            }
            (Op::Set(sent), Err(failure)) => {
                let wanted = self.desired.take().unwrap_or(sent);
                if failure.is_certain() {
                    let retry = match &self.confirmed {
                        Some(c) if c.liked != wanted => Op::Set(wanted),
                        // The agent's last click matches the last confirmed state: "Try
                        // again" re-reads.
                        _ => Op::Read,
                    };
                    match failure {
                        Failure::RateLimited { retry_after_s } => {
                            self.rate_limited(Op::Set(sent), retry, retry_after_s, now);
                        }
                        _ => {
                            self.problem = Some(Problem {
                                failed: Op::Set(sent),
                                failure,
                                retry: Some(retry),
                                retry_at: None,
                                wait_s: 0,
                                unsure: false,
                            });
                        }
                    }
                } else {
                    // It may have been applied: no guess on screen, read what the service says.
                    self.confirmed = None;
                    self.problem = None;
                    self.notice = None;
                    self.unsure = Some(Unsure {
                        sent,
                        wanted,
                        failure,
                    });
                    self.send(Op::Read, now);
                }
            }
        }
    }

    /// Why the app is hidden, if it is: logged to the console for the admin who wonders.
    pub fn hide_reason(&self) -> Option<HideReason> {
        match self.mode {
            Mode::Hidden => self.hidden_at_boot.clone(),
            Mode::Active(_) if self.unlinked => Some(HideReason::NoInstance),
            _ => None,
        }
    }

    /// Takes a service's answer as the confirmed state. The account stays known when an answer
    /// leaves it out: it is the integration instance's, which one call does not change.
    fn confirm(&mut self, mut answer: LikeAnswer) {
        if answer.account.is_none() {
            answer.account = self.confirmed.take().and_then(|c| c.account);
        }
        self.confirmed = Some(answer);
    }

    /// The heart as drawn: the pending wish, else the confirmed state; `None` while unknown.
    pub fn shown_liked(&self) -> Option<bool> {
        self.desired.or(self.confirmed.as_ref().map(|c| c.liked))
    }

    /// The handle of the account that likes, as the service last named it (already cleaned by
    /// the contract); `None` when it named none: the view says "the business account".
    pub fn account(&self) -> Option<&str> {
        self.confirmed.as_ref()?.account.as_deref()
    }

    /// The like count as drawn, moved by one while a change is pending.
    pub fn shown_count(&self) -> Option<u64> {
        let confirmed = self.confirmed.as_ref()?;
        let count = confirmed.like_count?;
        Some(match self.shown_liked() {
            Some(true) if !confirmed.liked => count.saturating_add(1),
            Some(false) if confirmed.liked => count.saturating_sub(1),
            _ => count,
        })
    }

    /// Zendesk's start-up answers are overdue ([`Action::Started`]).
    pub fn is_overdue(&self) -> bool {
        self.overdue
    }

    /// A set's outcome is unknown and the state is being read again to find out.
    pub fn is_checking(&self) -> bool {
        self.unsure.is_some()
    }
}

#[cfg(test)]
mod tests;
