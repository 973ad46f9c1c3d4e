//! The like-state machine: every transition of the heart lives here, as a Yew [`Reducible`].
//!
//! It decides which request to send next (`in_flight`, read by the `use_like_state` hook) and
//! what the agent sees; it never calls JS and reads no clock: the time comes in with the actions
//! (`Sent`, `Answered`, `Tick`), so deadlines and backoff are unit-tested without waiting.
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

use std::rc::Rc;

use heart_contract::{LikeAnswer, Setting, Settings, SettingsError};
use yew::Reducible;

use crate::i18n::Lang;
use crate::proxy::{Call, Failure, Op};
use crate::ticket::TicketContext;
use crate::timing::{Jitter, Timing};

/// What the app needs to make calls for one ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub ticket: TicketContext,
    pub settings: Settings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// `ZAFClient.init()` gave no client: the page is not inside Zendesk.
    NotInZendesk,
    /// Zendesk did not tell which ticket this is.
    NoContext,
}

/// Why the app hid itself; logged to the console for the admin who wonders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HideReason {
    /// `ticket.via.channel` names a channel that is never an integration.
    NotAnIntegration(String),
    /// The proxy answered that no integration instance created the ticket.
    NoInstance,
}

impl HideReason {
    pub fn explain(&self) -> String {
        match self {
            HideReason::NotAnIntegration(via) => format!(
                "the ticket came in via \"{via}\", which is not a Channel framework integration"
            ),
            HideReason::NoInstance => format!(
                "the Any Channel proxy answered 404 {} for the read: no integration instance created this ticket",
                heart_contract::NO_INSTANCE_ERROR
            ),
        }
    }
}

/// The outcome of start-up: what Zendesk told the app about this ticket and its settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Boot {
    Active(Session),
    /// Known not to be a ticket of a channel integration.
    Hidden(HideReason),
    Misconfigured(SettingsError),
    Unavailable(Unavailable),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Starting,
    Active(Rc<Session>),
    Hidden,
    Misconfigured(SettingsError),
    Unavailable(Unavailable),
}

/// A request the hook must send (once: `id` is new for every request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u32,
    pub op: Op,
    /// When the app stops waiting for it (ms since the epoch); set once the hook has sent it.
    pub deadline_at: Option<u64>,
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Booted {
        lang: Lang,
        boot: Boot,
        timing: Timing,
        /// Seeds the retry jitter.
        seed: u64,
    },
    /// Read the state again: the app was activated again, or the ticket changed.
    Reload,
    /// The agent pressed the heart.
    Toggle,
    /// The agent pressed "Try again".
    Retry,
    /// The hook handed request `id` to Zendesk at `now` (ms since the epoch).
    Sent { id: u32, now: u64 },
    /// The time the reducer asked to be woken at ([`LikeState::next_wake`]) has come.
    Tick { now: u64 },
    Answered {
        id: u32,
        result: Result<LikeAnswer, Failure>,
        now: u64,
    },
}

/// The `data-state` of the view, for styling and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewState {
    Loading,
    Ready,
    Saving,
    Error,
    Hidden,
    Misconfigured,
}

impl ViewState {
    pub fn as_str(self) -> &'static str {
        match self {
            ViewState::Loading => "loading",
            ViewState::Ready => "ready",
            ViewState::Saving => "saving",
            ViewState::Error => "error",
            ViewState::Hidden => "hidden",
            ViewState::Misconfigured => "misconfigured",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LikeState {
    pub lang: Lang,
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
}

impl Default for LikeState {
    fn default() -> Self {
        Self {
            lang: Lang::En,
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
        }
    }
}

impl Reducible for LikeState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self { self } else { Rc::new(next) }
    }
}

impl LikeState {
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Booted {
                lang,
                boot,
                timing,
                seed,
            } => {
                self.timing = timing;
                self.jitter = Jitter::new(seed);
                self.boot(lang, boot);
            }
            Action::Reload => self.reload(),
            Action::Toggle => self.toggle(),
            Action::Retry => {
                if let Some(problem) = self.problem.filter(|p| !p.waiting()) {
                    self.limited = 0;
                    self.retry(problem);
                }
            }
            Action::Sent { id, now } => self.sent(id, now),
            Action::Tick { now } => self.tick(now),
            Action::Answered { id, result, now } => self.answered(id, result, now),
        }
        self.run_pending_reload();
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
        let deadline = self.in_flight.and_then(|r| r.deadline_at);
        let retry = self.problem.and_then(|p| p.retry_at);
        match (deadline, retry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn send(&mut self, op: Op) {
        self.last_id = self.last_id.wrapping_add(1);
        if op == Op::Read {
            // A read sent from now on answers any reload asked for until now.
            self.reload_pending = false;
        }
        self.in_flight = Some(Request {
            id: self.last_id,
            op,
            deadline_at: None,
        });
    }

    fn sent(&mut self, id: u32, now: u64) {
        let deadline_ms = self.timing.deadline_ms;
        if let Some(request) = self
            .in_flight
            .as_mut()
            .filter(|r| r.id == id && r.deadline_at.is_none())
        {
            request.deadline_at = Some(now.saturating_add(deadline_ms));
            if matches!(request.op, Op::Set(_)) && self.asked_at.is_none() {
                self.asked_at = Some(now);
            }
        }
    }

    fn tick(&mut self, now: u64) {
        if let Some(request) = self
            .in_flight
            .filter(|r| r.deadline_at.is_some_and(|at| now >= at))
        {
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
                self.retry(problem);
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

    fn boot(&mut self, lang: Lang, boot: Boot) {
        self.lang = lang;
        if self.mode != Mode::Starting {
            return;
        }
        self.mode = match boot {
            Boot::Active(session) => {
                self.send(Op::Read);
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

    fn reload(&mut self) {
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
        self.send(Op::Read);
    }

    /// A reload asked for during a set or a wait, once neither is pending any more.
    fn run_pending_reload(&mut self) {
        if self.reload_pending && self.in_flight.is_none() && !self.waiting() {
            self.reload_pending = false;
            self.reload();
        }
    }

    /// Whether a press of the heart does anything now.
    pub fn can_toggle(&self) -> bool {
        self.session().is_some() && self.confirmed.is_some() && !self.unlinked && !self.waiting()
    }

    fn toggle(&mut self) {
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
            _ => self.send(Op::Set(!shown)),
        }
    }

    fn retry(&mut self, problem: Problem) {
        let Some(op) = problem.retry else {
            return;
        };
        self.problem = None;
        if !problem.waiting() {
            // "Try again" is a new request of the agent's.
            self.asked_at = None;
        }
        match op {
            Op::Read => self.send(Op::Read),
            Op::Set(liked) => {
                self.desired = Some(liked);
                self.send(Op::Set(liked));
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
                    self.send(Op::Set(wanted));
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
                    self.send(Op::Read);
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

    /// Who likes, as the heart row says it; `None` while there is no heart to show.
    pub fn byline(&self) -> Option<Byline> {
        let liked = self.shown_liked()?;
        let s = self.lang.strings();
        let caption = if liked { s.liked_as } else { s.like_as };
        let (before, after) = caption.split_once("{account}").unwrap_or((caption, ""));
        Some(Byline {
            label: s.with_account(s.like_as, self.account()),
            before,
            account: self.account().unwrap_or(s.business_account).to_owned(),
            after,
        })
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

    pub fn view_state(&self) -> ViewState {
        match &self.mode {
            Mode::Starting => ViewState::Loading,
            Mode::Hidden => ViewState::Hidden,
            Mode::Misconfigured(_) => ViewState::Misconfigured,
            Mode::Unavailable(_) => ViewState::Error,
            Mode::Active(_) if self.unlinked => ViewState::Hidden,
            Mode::Active(_) if self.problem.is_some() => ViewState::Error,
            Mode::Active(_) if self.confirmed.is_none() => ViewState::Loading,
            Mode::Active(_) if self.desired.is_some() => ViewState::Saving,
            Mode::Active(_) => ViewState::Ready,
        }
    }

    /// What the status line says, in the agent's language.
    pub fn status(&self) -> Status {
        let s = self.lang.strings();
        let quiet = |text: &str| Status {
            text: text.to_owned(),
            visible: false,
            retry: false,
        };
        let loud = |text: String, retry| Status {
            text,
            visible: true,
            retry,
        };
        match &self.mode {
            Mode::Starting => quiet(s.loading),
            Mode::Hidden => quiet(""),
            Mode::Misconfigured(error) => loud(
                s.misconfigured.replace("{reason}", &s.setting_error(error)),
                false,
            ),
            Mode::Unavailable(Unavailable::NotInZendesk) => loud(s.not_in_zendesk.into(), false),
            Mode::Unavailable(Unavailable::NoContext) => loud(s.no_ticket.into(), false),
            Mode::Active(_) if self.unlinked => quiet(""),
            Mode::Active(_) => {
                if let Some(problem) = self.problem {
                    let template = match problem.failed {
                        Op::Read => s.failed_load,
                        Op::Set(true) => s.failed_like,
                        Op::Set(false) => s.failed_unlike,
                    };
                    let mut text = template.replace("{reason}", &problem.failure.reason(s));
                    if problem.failure.names_the_setting() {
                        let setting = match problem.failed {
                            Op::Read => Setting::StatePath,
                            Op::Set(_) => Setting::LikePath,
                        };
                        text.push(' ');
                        text.push_str(&s.check_setting.replace("{name}", setting.name()));
                    }
                    if problem.unsure {
                        text.push(' ');
                        text.push_str(s.unsure);
                    }
                    return if problem.waiting() {
                        text.push(' ');
                        text.push_str(&s.retrying_in.replace("{s}", &problem.wait_s.to_string()));
                        loud(text, false)
                    } else {
                        loud(text, problem.retry.is_some())
                    };
                }
                let account = self.account();
                match (&self.confirmed, self.desired, self.notice) {
                    (None, _, _) if self.unsure.is_some() => loud(s.checking.into(), false),
                    (None, _, _) => quiet(s.loading),
                    (Some(_), Some(true), _) => quiet(s.liking),
                    (Some(_), Some(false), _) => quiet(s.unliking),
                    (Some(_), None, Some(Notice::Liked)) => {
                        quiet(&s.with_account(s.now_liked, account))
                    }
                    (Some(_), None, Some(Notice::Unliked)) => {
                        quiet(&s.with_account(s.now_unliked, account))
                    }
                    (Some(_), None, None) => quiet(""),
                }
            }
        }
    }
}

/// Who likes, for the heart row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Byline {
    /// The heart button's accessible name ("Like as @omniwear"), the same in either state:
    /// the state is the button's `aria-pressed`.
    pub label: String,
    /// The visible caption ("Like as @omniwear" / "Liked as @omniwear"), as the text before
    /// the account, the account (a handle, or the business account), and the text after it;
    /// the view shows the account as a text node of its own, isolated for bidi.
    pub before: &'static str,
    pub account: String,
    pub after: &'static str,
}

impl Byline {
    /// The caption as one string.
    pub fn caption(&self) -> String {
        format!("{}{}{}", self.before, self.account, self.after)
    }
}

/// The status line: a live region that is always present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    /// Shown to everyone; otherwise only announced to screen readers.
    pub visible: bool,
    /// Offer "Try again".
    pub retry: bool,
}

#[cfg(test)]
mod tests {
    use heart_contract::{PathError, TicketId};

    use super::*;
    use crate::proxy::Body;
    use crate::ticket::Channel;

    fn session() -> Session {
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

    fn answer(liked: bool, count: u64) -> LikeAnswer {
        LikeAnswer {
            liked,
            like_count: Some(count),
            account: None,
        }
    }

    fn answer_as(liked: bool, count: u64, account: &str) -> LikeAnswer {
        LikeAnswer {
            account: Some(account.into()),
            ..answer(liked, count)
        }
    }

    const T0: u64 = 1_000_000;

    /// A state machine with a clock and a log of every request it asked the hook to send. Like
    /// the hook, it reports each new request as sent at the current time.
    struct Run {
        state: Rc<LikeState>,
        sent: Vec<Request>,
        now: u64,
    }

    impl Run {
        fn booted_with(lang: Lang, boot: Boot, timing: Timing) -> Self {
            let mut run = Run {
                state: Rc::new(LikeState::default()),
                sent: vec![],
                now: T0,
            };
            run.act(Action::Booted {
                lang,
                boot,
                timing,
                seed: 7,
            });
            run
        }

        fn booted(boot: Boot) -> Self {
            Self::booted_with(Lang::En, boot, Timing::default())
        }

        /// Booted on a channel ticket, with the first read answered.
        fn ready(liked: bool, count: u64) -> Self {
            let mut run = Run::booted(Boot::Active(session()));
            run.answer(Ok(answer(liked, count)));
            run
        }

        fn act(&mut self, action: Action) {
            self.state = self.state.clone().reduce(action);
            if let Some(req) = self.state.in_flight
                && self.sent.last().map(|r| r.id) != Some(req.id)
            {
                self.sent.push(req);
                let now = self.now;
                self.state = self.state.clone().reduce(Action::Sent { id: req.id, now });
            }
        }

        fn in_flight(&self) -> Request {
            self.state.in_flight.expect("a request in flight")
        }

        fn answer(&mut self, result: Result<LikeAnswer, Failure>) {
            let id = self.in_flight().id;
            let now = self.now;
            self.act(Action::Answered { id, result, now });
        }

        /// Lets `ms` pass, waking the reducer when it asked to be.
        fn wait(&mut self, ms: u64) {
            let until = self.now + ms;
            while let Some(at) = self.state.next_wake().filter(|at| *at <= until) {
                self.now = self.now.max(at);
                let now = self.now;
                self.act(Action::Tick { now });
            }
            self.now = until;
        }

        /// Lets time pass until the reducer's next wake-up, and returns how long that was.
        fn wait_for_wake(&mut self) -> u64 {
            let at = self.state.next_wake().expect("a wake-up");
            let waited = at - self.now;
            self.wait(waited);
            waited
        }

        fn status(&self) -> Status {
            self.state.status()
        }
    }

    #[test]
    fn start_reads_the_state_through_the_proxy() {
        let run = Run::booted(Boot::Active(session()));
        assert_eq!(run.state.view_state(), ViewState::Loading);
        assert_eq!(run.state.shown_liked(), None);
        let (_, call) = run.state.call().expect("a call");
        assert_eq!(
            call.url,
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike_state"
        );
        assert_eq!(call.body, Body::Read(session().ticket.state_query()));
        assert_eq!(call.timeout_ms, Timing::default().request_timeout_ms);
        assert!(
            !run.state.can_toggle(),
            "nothing to toggle before the state is known"
        );
    }

    #[test]
    fn the_heart_shows_what_the_read_returned() {
        let run = Run::ready(true, 41);
        assert_eq!(run.state.view_state(), ViewState::Ready);
        assert_eq!(run.state.shown_liked(), Some(true));
        assert_eq!(run.state.shown_count(), Some(41));
        assert_eq!(run.state.in_flight, None);
        assert_eq!(run.state.next_wake(), None, "nothing left to wake for");
    }

    #[test]
    fn a_click_flips_at_once_and_sends_the_set() {
        let mut run = Run::ready(false, 41);
        run.act(Action::Toggle);
        assert_eq!(run.state.view_state(), ViewState::Saving);
        assert_eq!(run.state.shown_liked(), Some(true));
        assert_eq!(run.state.shown_count(), Some(42));
        let (_, call) = run.state.call().expect("a call");
        assert_eq!(
            call.url,
            "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike"
        );
        assert_eq!(call.body, Body::Set(session().ticket.set_like(true)));
        run.answer(Ok(answer(true, 42)));
        assert_eq!(run.state.view_state(), ViewState::Ready);
        assert_eq!(run.state.shown_liked(), Some(true));
        assert_eq!(
            run.status().text,
            "The photo is liked as the business account."
        );
        assert_eq!(run.sent.len(), 2);
    }

    #[test]
    fn the_services_answer_wins_over_the_request() {
        let mut run = Run::ready(false, 5);
        run.act(Action::Toggle);
        run.answer(Ok(answer(false, 5)));
        assert_eq!(run.state.shown_liked(), Some(false));
        assert_eq!(run.state.shown_count(), Some(5));
        assert_eq!(run.state.in_flight, None, "no loop asking again");
        assert_eq!(
            run.state.status().text,
            "The photo is no longer liked as the business account."
        );
    }

    #[test]
    fn the_byline_names_the_account_the_service_named() {
        let mut run = Run::booted(Boot::Active(session()));
        assert_eq!(run.state.byline(), None, "no heart, no byline");
        run.answer(Ok(answer_as(false, 41, "@omniwear")));
        let byline = run.state.byline().expect("a byline");
        assert_eq!(byline.label, "Like as @omniwear");
        assert_eq!(byline.caption(), "Like as @omniwear");
        assert_eq!(
            (byline.before, byline.account.as_str(), byline.after),
            ("Like as ", "@omniwear", "")
        );
        // The optimistic heart says "Liked" at once; the button's name stays the same.
        run.act(Action::Toggle);
        let byline = run.state.byline().expect("a byline");
        assert_eq!(byline.caption(), "Liked as @omniwear");
        assert_eq!(byline.label, "Like as @omniwear");
        run.answer(Ok(answer_as(true, 42, "@omniwear")));
        assert_eq!(
            run.state.status().text,
            "The photo is liked as @omniwear.",
            "the announcement names the account"
        );
        run.act(Action::Toggle);
        run.answer(Ok(answer_as(false, 41, "@omniwear")));
        assert_eq!(
            run.state.status().text,
            "The photo is no longer liked as @omniwear."
        );
        assert_eq!(
            run.state.byline().expect("a byline").caption(),
            "Like as @omniwear"
        );
    }

    #[test]
    fn without_an_account_the_business_account_likes() {
        let mut run = Run::ready(true, 3);
        let byline = run.state.byline().expect("a byline");
        assert_eq!(byline.caption(), "Liked as the business account");
        assert_eq!(byline.label, "Like as the business account");
        assert_eq!(byline.account, "the business account");
        run.act(Action::Toggle);
        run.answer(Err(Failure::Denied(401)));
        assert_eq!(
            run.state.byline().expect("rolled back").caption(),
            "Liked as the business account"
        );
    }

    #[test]
    fn an_answer_without_the_account_keeps_the_known_one() {
        let mut run = Run::booted(Boot::Active(session()));
        run.answer(Ok(answer_as(false, 1, "@omniwear")));
        run.act(Action::Toggle);
        run.answer(Ok(answer(true, 2)));
        assert_eq!(run.state.account(), Some("@omniwear"));
        assert_eq!(run.state.status().text, "The photo is liked as @omniwear.");
        // A newly named account replaces it.
        run.act(Action::Reload);
        run.answer(Ok(answer_as(true, 2, "@omniwear.eu")));
        assert_eq!(run.state.account(), Some("@omniwear.eu"));
    }

    #[test]
    fn the_byline_follows_the_agents_language() {
        let mut run = Run::booted_with(Lang::De, Boot::Active(session()), Timing::default());
        run.answer(Ok(answer_as(true, 5, "@omniwear")));
        let byline = run.state.byline().expect("a byline");
        assert_eq!(byline.caption(), "Als @omniwear mit „Gefällt mir“ markiert");
        assert_eq!(
            (byline.before, byline.after),
            ("Als ", " mit „Gefällt mir“ markiert")
        );
        assert_eq!(byline.label, "„Gefällt mir“ als @omniwear");
    }

    #[test]
    fn ten_quick_clicks_end_in_the_tenth_clicks_state() {
        for first_liked in [false, true] {
            let mut run = Run::ready(first_liked, 10);
            let reads = run.sent.len();
            for _ in 0..10 {
                run.act(Action::Toggle);
            }
            // Ten flips from `first_liked` end where they started.
            let tenth = first_liked;
            assert_eq!(run.state.shown_liked(), Some(tenth));
            assert_eq!(
                run.sent.len() - reads,
                1,
                "one set while the first is in flight"
            );
            run.answer(Ok(answer(!first_liked, 11)));
            // The first set landed on the opposite; one more brings it back.
            assert_eq!(run.in_flight().op, Op::Set(tenth));
            assert_eq!(run.state.shown_liked(), Some(tenth));
            run.answer(Ok(answer(tenth, 10)));
            assert_eq!(run.state.in_flight, None);
            assert_eq!(run.state.shown_liked(), Some(tenth));
            assert!(run.sent.len() - reads <= 3, "{:?}", run.sent);
        }
    }

    #[test]
    fn odd_clicks_during_a_set_need_no_second_request() {
        let mut run = Run::ready(false, 0);
        for _ in 0..9 {
            run.act(Action::Toggle);
        }
        run.answer(Ok(answer(true, 1)));
        assert_eq!(run.state.in_flight, None);
        assert_eq!(run.state.shown_liked(), Some(true));
        assert_eq!(run.sent.len(), 2);
    }

    #[test]
    fn a_certain_failure_rolls_back_and_offers_a_retry() {
        let certain = [
            (
                Failure::Denied(401),
                "the integration's access was refused (401)",
            ),
            (
                Failure::Denied(403),
                "the integration's access was refused (403)",
            ),
            (Failure::Http(400), "unexpected answer (400)"),
            (
                Failure::Server {
                    status: 500,
                    explained: true,
                },
                "the integration service failed (500)",
            ),
        ];
        for (failure, reason) in certain {
            let mut run = Run::ready(false, 3);
            run.act(Action::Toggle);
            run.answer(Err(failure));
            assert_eq!(run.state.view_state(), ViewState::Error, "{failure:?}");
            assert_eq!(run.state.shown_liked(), Some(false), "rolled back");
            assert_eq!(run.state.shown_count(), Some(3));
            assert_eq!(run.state.in_flight, None, "{failure:?}: nothing read again");
            let status = run.status();
            assert_eq!(status.text, format!("Couldn't like the photo: {reason}."));
            assert!(status.visible && status.retry);
            run.act(Action::Retry);
            assert_eq!(run.in_flight().op, Op::Set(true));
            assert_eq!(run.state.shown_liked(), Some(true));
            run.answer(Ok(answer(true, 4)));
            assert_eq!(run.state.view_state(), ViewState::Ready);
            assert_eq!(run.sent.len(), 3);
        }
    }

    #[test]
    fn an_uncertain_failure_reads_the_state_again_and_says_so() {
        let uncertain = [
            Failure::Deadline,
            Failure::Timeout,
            Failure::Network,
            Failure::Malformed,
            Failure::Server {
                status: 502,
                explained: true,
            },
            Failure::Server {
                status: 504,
                explained: true,
            },
            Failure::Server {
                status: 500,
                explained: false,
            },
        ];
        for failure in uncertain {
            for applied in [true, false] {
                let mut run = Run::ready(false, 3);
                run.act(Action::Toggle);
                run.answer(Err(failure));
                // No guess on screen while the state is read again.
                assert_eq!(run.in_flight().op, Op::Read, "{failure:?}");
                assert_eq!(run.state.shown_liked(), None, "{failure:?}");
                assert_eq!(run.state.view_state(), ViewState::Loading);
                let checking = run.status();
                assert_eq!(checking.text, "Checking whether it went through…");
                assert!(checking.visible && !checking.retry);
                assert!(!run.state.can_toggle());
                run.answer(Ok(answer(applied, if applied { 4 } else { 3 })));
                assert_eq!(run.state.shown_liked(), Some(applied), "the service's word");
                assert_eq!(run.state.view_state(), ViewState::Error);
                let status = run.status();
                assert_eq!(
                    status.text,
                    format!(
                        "Couldn't like the photo: {}. It may or may not have gone through; the heart shows the photo's current state.",
                        failure.reason(Lang::En.strings())
                    )
                );
                // Retry only when the photo is not as the agent asked.
                assert_eq!(status.retry, !applied, "{failure:?} applied={applied}");
                assert_eq!(run.sent.len(), 3);
                if !applied {
                    run.act(Action::Retry);
                    assert_eq!(run.in_flight().op, Op::Set(true));
                }
                assert!(run.state.can_toggle() || !applied);
            }
        }
    }

    #[test]
    fn a_failed_read_after_an_unsure_set_shows_no_heart() {
        let mut run = Run::ready(false, 3);
        run.act(Action::Toggle);
        run.answer(Err(Failure::Network));
        run.answer(Err(Failure::Server {
            status: 503,
            explained: false,
        }));
        assert_eq!(run.state.shown_liked(), None);
        let status = run.status();
        assert!(
            status.text.starts_with("Couldn't load the like"),
            "{status:?}"
        );
        assert!(status.retry);
        run.act(Action::Retry);
        run.answer(Ok(answer(true, 4)));
        assert_eq!(run.state.shown_liked(), Some(true));
        assert!(run.status().text.contains("may or may not"));
    }

    #[test]
    fn a_failed_unlike_says_unlike() {
        let mut run = Run::ready(true, 3);
        run.act(Action::Toggle);
        run.answer(Err(Failure::Denied(403)));
        assert_eq!(
            run.status().text,
            "Couldn't unlike the photo: the integration's access was refused (403)."
        );
        assert_eq!(run.state.shown_liked(), Some(true));
    }

    #[test]
    fn a_failure_after_clicking_back_retries_with_a_read() {
        let mut run = Run::ready(false, 3);
        run.act(Action::Toggle);
        run.act(Action::Toggle);
        run.answer(Err(Failure::Denied(401)));
        assert_eq!(run.state.shown_liked(), Some(false));
        run.act(Action::Retry);
        assert_eq!(run.in_flight().op, Op::Read);
    }

    #[test]
    fn the_heart_can_be_pressed_again_after_a_failure() {
        let mut run = Run::ready(false, 3);
        run.act(Action::Toggle);
        run.answer(Err(Failure::Denied(401)));
        assert!(run.state.can_toggle());
        run.act(Action::Toggle);
        assert_eq!(run.in_flight().op, Op::Set(true));
        assert_eq!(run.state.problem, None);
    }

    #[test]
    fn a_failed_read_is_an_error_not_an_empty_heart() {
        let mut run = Run::booted(Boot::Active(session()));
        run.answer(Err(Failure::Malformed));
        assert_eq!(run.state.view_state(), ViewState::Error);
        assert_eq!(run.state.shown_liked(), None);
        assert!(!run.state.can_toggle());
        let status = run.status();
        assert_eq!(
            status.text,
            "Couldn't load the like: the integration service's answer could not be read."
        );
        assert!(status.retry);
        run.act(Action::Retry);
        assert_eq!(run.in_flight().op, Op::Read);
    }

    #[test]
    fn the_proxys_no_instance_hides_the_app_until_a_read_works() {
        let mut run = Run::booted(Boot::Active(session()));
        run.answer(Err(Failure::NoIntegration));
        assert_eq!(run.state.view_state(), ViewState::Hidden);
        assert_eq!(run.state.hide_reason(), Some(HideReason::NoInstance));
        assert!(
            run.state
                .hide_reason()
                .is_some_and(|w| w.explain().contains("no integration instance"))
        );
        assert!(!run.state.can_toggle());
        run.act(Action::Toggle);
        assert_eq!(run.sent.len(), 1);
        // A later activation reads again; still none: still hidden.
        run.act(Action::Reload);
        run.answer(Err(Failure::NoIntegration));
        assert_eq!(run.state.view_state(), ViewState::Hidden);
        // One that reads fine shows the app again.
        run.act(Action::Reload);
        run.answer(Ok(answer(true, 2)));
        assert_eq!(run.state.view_state(), ViewState::Ready);
        assert_eq!(run.state.hide_reason(), None);
        assert_eq!(run.state.shown_liked(), Some(true));
        assert_eq!(run.sent.len(), 3);
    }

    #[test]
    fn the_services_404_or_a_refused_path_names_the_setting() {
        for (failure, code) in [
            (Failure::NotFound(404), "(404)"),
            (Failure::NotFound(422), "(422)"),
            (Failure::BadPath, "(400)"),
        ] {
            let mut run = Run::booted(Boot::Active(session()));
            run.answer(Err(failure));
            assert_eq!(run.state.view_state(), ViewState::Error, "not hidden");
            let status = run.status();
            assert!(status.text.contains(code), "{status:?}");
            assert!(
                status
                    .text
                    .ends_with("An admin should check the setting state_path."),
                "{status:?}"
            );
            assert!(status.retry);
            run.act(Action::Retry);
            run.answer(Ok(answer(false, 1)));
            run.act(Action::Toggle);
            run.answer(Err(failure));
            let status = run.status();
            assert!(
                status.text.starts_with("Couldn't like the photo")
                    && status
                        .text
                        .ends_with("An admin should check the setting like_path."),
                "{status:?}"
            );
            assert_eq!(run.state.shown_liked(), Some(false), "rolled back");
        }
        let mut run = Run::booted(Boot::Active(session()));
        run.answer(Err(Failure::NotFound(404)));
        assert_eq!(
            run.status().text,
            "Couldn't load the like: the integration service found no such photo or path (404). An admin should check the setting state_path."
        );
    }

    #[test]
    fn every_request_has_the_apps_own_deadline() {
        let timing = Timing::default();
        let mut run = Run::booted(Boot::Active(session()));
        assert_eq!(run.state.next_wake(), Some(T0 + timing.deadline_ms));
        run.wait(timing.deadline_ms - 1);
        assert_eq!(run.state.view_state(), ViewState::Loading, "not yet");
        run.wait(1);
        let status = run.status();
        assert_eq!(
            status.text,
            "Couldn't load the like: Zendesk did not answer in time."
        );
        assert!(status.retry);
        assert_eq!(run.state.next_wake(), None);
        // The answer that comes after all is ignored.
        let late = run.sent[0].id;
        let now = run.now;
        run.act(Action::Answered {
            id: late,
            result: Ok(answer(true, 1)),
            now,
        });
        assert_eq!(run.state.shown_liked(), None);
        run.act(Action::Retry);
        run.answer(Ok(answer(false, 1)));
        // A set past its deadline may have been applied: the state is read again.
        run.act(Action::Toggle);
        run.wait(timing.deadline_ms);
        assert_eq!(run.in_flight().op, Op::Read);
        run.answer(Ok(answer(true, 2)));
        assert_eq!(run.state.shown_liked(), Some(true));
        assert!(run.status().text.contains("Zendesk did not answer in time"));
    }

    #[test]
    fn a_rate_limit_waits_at_least_retry_after_then_retries_by_itself() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Toggle);
        run.answer(Err(Failure::RateLimited {
            retry_after_s: Some(30),
        }));
        assert_eq!(run.state.shown_liked(), Some(false));
        let status = run.status();
        assert_eq!(
            status.text,
            "Couldn't like the photo: too many requests (429). Trying again in 30 s."
        );
        assert!(!status.retry);
        assert!(!run.state.can_toggle());
        let sent = run.sent.len();
        run.act(Action::Toggle);
        run.act(Action::Retry);
        run.act(Action::Reload);
        run.wait(29_999);
        assert_eq!(run.sent.len(), sent, "nothing goes out before Retry-After");
        run.wait(1);
        assert_eq!(run.in_flight().op, Op::Set(true));
        run.answer(Ok(answer(true, 2)));
        // The reload asked for during the wait comes right after.
        assert_eq!(run.in_flight().op, Op::Read);
        run.answer(Ok(answer(true, 2)));
        assert_eq!(run.state.view_state(), ViewState::Ready);
        assert_eq!(run.sent.len(), sent + 2);
    }

    #[test]
    fn without_retry_after_the_backoff_doubles_with_jitter_then_stops() {
        let timing = Timing::default();
        let mut run = Run::booted(Boot::Active(session()));
        let mut waits = Vec::new();
        for _ in 0..timing.auto_retries {
            run.answer(Err(Failure::RateLimited {
                retry_after_s: None,
            }));
            assert!(run.state.problem.is_some_and(|p| p.waiting()));
            waits.push(run.wait_for_wake());
        }
        // The last automatic retry is limited too: the app stops and offers "Try again".
        run.answer(Err(Failure::RateLimited {
            retry_after_s: None,
        }));
        assert_eq!(run.state.next_wake(), None);
        let status = run.status();
        assert_eq!(
            status.text,
            "Couldn't load the like: too many requests (429)."
        );
        assert!(status.retry);
        assert_eq!(run.sent.len() as u32, 1 + timing.auto_retries);
        for (i, wait) in waits.iter().enumerate() {
            let full = timing.backoff_base_ms << i;
            assert!(
                (full / 2..full).contains(wait),
                "retry {}: {wait} ms not in [{}, {full})",
                i + 1,
                full / 2
            );
        }
        run.wait(3_600_000);
        assert_eq!(run.sent.len() as u32, 1 + timing.auto_retries, "stopped");
        run.act(Action::Retry);
        assert_eq!(run.in_flight().op, Op::Read);
        run.answer(Ok(answer(false, 1)));
        assert_eq!(run.state.view_state(), ViewState::Ready);
    }

    #[test]
    fn retry_after_zero_or_in_the_past_still_backs_off() {
        let mut run = Run::booted(Boot::Active(session()));
        run.answer(Err(Failure::RateLimited {
            retry_after_s: Some(0),
        }));
        let waited = run.wait_for_wake();
        assert!((1_000..2_000).contains(&waited), "{waited}");
    }

    #[test]
    fn a_wait_longer_than_a_minute_is_left_to_the_agent() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Toggle);
        run.answer(Err(Failure::RateLimited {
            retry_after_s: Some(3_600),
        }));
        assert_eq!(run.state.next_wake(), None);
        let status = run.status();
        assert_eq!(
            status.text,
            "Couldn't like the photo: too many requests (429)."
        );
        assert!(status.retry && run.state.can_toggle());
        run.act(Action::Retry);
        assert_eq!(run.in_flight().op, Op::Set(true));
    }

    #[test]
    fn an_automatic_retry_never_sends_a_set_asked_for_over_a_minute_ago() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Toggle);
        run.wait(10_000);
        run.answer(Err(Failure::RateLimited {
            retry_after_s: Some(45),
        }));
        assert!(run.state.problem.is_some_and(|p| p.waiting()), "55 s: fine");
        run.wait_for_wake();
        assert_eq!(run.in_flight().op, Op::Set(true));
        run.wait(5_000);
        run.answer(Err(Failure::RateLimited {
            retry_after_s: Some(1),
        }));
        // Asked 60 s ago: another automatic set would be a surprise.
        assert_eq!(run.state.next_wake(), None);
        assert!(run.status().retry);
        let sent = run.sent.len();
        run.wait(600_000);
        assert_eq!(run.sent.len(), sent);
        // "Try again" is a new request of the agent's, with a new minute.
        run.act(Action::Retry);
        run.answer(Err(Failure::RateLimited {
            retry_after_s: Some(1),
        }));
        assert!(run.state.problem.is_some_and(|p| p.waiting()));
    }

    #[test]
    fn a_late_wake_up_does_not_send_a_set_past_its_minute() {
        let timing = Timing {
            set_max_age_ms: 3_000,
            ..Timing::default()
        };
        let mut run = Run::booted_with(Lang::En, Boot::Active(session()), timing);
        run.answer(Ok(answer(false, 1)));
        run.act(Action::Toggle);
        run.wait(1_000);
        run.answer(Err(Failure::RateLimited {
            retry_after_s: Some(1),
        }));
        assert!(run.state.problem.is_some_and(|p| p.waiting()));
        let sent = run.sent.len();
        // A background tab's timer fires late: by then the agent asked 10 s ago.
        run.now += 9_000;
        let now = run.now;
        run.act(Action::Tick { now });
        assert_eq!(run.sent.len(), sent);
        assert!(run.status().retry);
        assert_eq!(run.state.next_wake(), None);
    }

    #[test]
    fn a_reload_during_a_set_is_done_right_after() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Toggle);
        let set = run.in_flight();
        run.act(Action::Reload);
        assert_eq!(run.in_flight(), set, "one request at a time");
        run.answer(Ok(answer(true, 2)));
        assert_eq!(run.in_flight().op, Op::Read);
        assert_eq!(
            run.status().text,
            "The photo is liked as the business account.",
            "still announced"
        );
        run.answer(Ok(answer(true, 3)));
        assert_eq!(run.state.shown_count(), Some(3));
        assert_eq!(run.state.in_flight, None);
        // After a failed set too, without hiding its message.
        run.act(Action::Toggle);
        run.act(Action::Reload);
        run.answer(Err(Failure::Denied(401)));
        assert_eq!(run.in_flight().op, Op::Read);
        run.answer(Ok(answer(true, 3)));
        assert!(run.status().text.contains("(401)"));
        assert!(run.status().retry);
    }

    #[test]
    fn one_read_per_opening_however_the_start_up_events_arrive() {
        let mut run = Run::booted(Boot::Active(session()));
        run.act(Action::Reload);
        run.act(Action::Reload);
        assert_eq!(run.sent.len(), 1);
        run.answer(Ok(answer(false, 1)));
        assert_eq!(run.state.in_flight, None);
        assert_eq!(run.sent.len(), 1);
        // Events before start-up finished change nothing either.
        let mut early = Run {
            state: Rc::new(LikeState::default()),
            sent: vec![],
            now: T0,
        };
        early.act(Action::Reload);
        early.act(Action::Booted {
            lang: Lang::En,
            boot: Boot::Active(session()),
            timing: Timing::default(),
            seed: 1,
        });
        early.act(Action::Reload);
        early.answer(Ok(answer(false, 1)));
        assert_eq!(early.sent.len(), 1);
    }

    #[test]
    fn a_later_reload_reads_again_one_at_a_time() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Reload);
        let first = run.in_flight();
        assert_eq!(first.op, Op::Read);
        run.act(Action::Reload);
        assert_eq!(run.in_flight(), first, "no second request in flight");
        run.answer(Ok(answer(true, 2)));
        assert_eq!(
            run.state.shown_liked(),
            Some(true),
            "another agent's like is picked up"
        );
        // The reload asked for during that read: one more.
        assert_eq!(run.in_flight().op, Op::Read);
        run.answer(Ok(answer(true, 2)));
        assert_eq!(run.state.in_flight, None);
        assert_eq!(run.sent.len(), 3);
    }

    #[test]
    fn a_click_during_a_refresh_supersedes_the_read() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Reload);
        let read = run.in_flight();
        run.act(Action::Toggle);
        assert_eq!(run.in_flight().op, Op::Set(true));
        let now = run.now;
        run.act(Action::Answered {
            id: read.id,
            result: Ok(answer(false, 1)),
            now,
        });
        assert_eq!(
            run.state.shown_liked(),
            Some(true),
            "a stale read cannot undo the click"
        );
    }

    #[test]
    fn a_bad_setting_is_shown_and_nothing_is_sent() {
        let error = SettingsError {
            setting: Setting::LikePath,
            value: "http://svc.example/like".into(),
            error: PathError::NotPathOrHttps,
        };
        let mut run = Run::booted(Boot::Misconfigured(error));
        run.act(Action::Reload);
        run.act(Action::Toggle);
        assert!(run.sent.is_empty());
        assert_eq!(run.state.view_state(), ViewState::Misconfigured);
        let status = run.status();
        assert!(status.visible && !status.retry);
        assert!(status.text.contains("like_path"), "{}", status.text);
        assert!(
            status.text.contains("http://svc.example/like"),
            "{}",
            status.text
        );
    }

    #[test]
    fn other_tickets_and_other_pages_send_nothing() {
        for boot in [
            Boot::Hidden(HideReason::NotAnIntegration("email".into())),
            Boot::Unavailable(Unavailable::NotInZendesk),
            Boot::Unavailable(Unavailable::NoContext),
        ] {
            let mut run = Run::booted(boot.clone());
            run.act(Action::Reload);
            run.act(Action::Toggle);
            assert!(run.sent.is_empty(), "{boot:?}");
        }
        let run = Run::booted(Boot::Unavailable(Unavailable::NotInZendesk));
        assert_eq!(run.status().text, "Open this app from a ticket in Zendesk.");
    }

    #[test]
    fn messages_follow_the_agents_language() {
        let mut run = Run::booted_with(Lang::Fr, Boot::Active(session()), Timing::default());
        run.answer(Ok(answer(false, 0)));
        run.act(Action::Toggle);
        run.answer(Err(Failure::Server {
            status: 500,
            explained: true,
        }));
        assert_eq!(
            run.status().text,
            "Impossible d’aimer la photo : le service d’intégration a échoué (500)."
        );
    }

    #[test]
    fn an_unchanged_state_keeps_its_identity() {
        let run = Run::booted(Boot::Hidden(HideReason::NotAnIntegration("web".into())));
        let before = run.state.clone();
        let after = before.clone().reduce(Action::Toggle);
        assert!(Rc::ptr_eq(&before, &after), "no re-render for a no-op");
    }
}
