//! The like-state machine: every transition of the heart lives here, as a Yew [`Reducible`].
//!
//! It decides which request to send next (`in_flight`, read by the `use_like_state` hook) and
//! what the agent sees; it never calls JS, so all of it is unit-tested natively.
//!
//! Rules:
//! - The heart shows what the service last *returned* (`confirmed`), or, while a set is
//!   pending, what the agent last asked for (`desired`): optimistic, then corrected.
//! - At most one request is in flight. Clicks during a set only move `desired`; when the set
//!   is answered and `desired` differs from both what was sent and what came back, one more
//!   set goes out. Ten quick clicks: one request, then at most one more.
//! - A failed set rolls back to `confirmed` and offers a retry; a failed read never pretends
//!   the photo is "not liked". A 429 waits out `Retry-After`, then retries by itself.
//! - The app hides where it has nothing to show, and says why ([`HideReason`]): a channel known
//!   not to be an integration, or the proxy's own "no integration instance" answer to the
//!   read. A 404 that the integration service answered is an error to show, not a reason.
//! - Who likes is the account the service last named (`account`), kept with the confirmed
//!   answer; an answer that names none keeps the one already known.

use std::rc::Rc;

use heart_contract::{LikeAnswer, Settings, SettingsError};
use yew::Reducible;

use crate::i18n::Lang;
use crate::proxy::{Call, Failure, Op};
use crate::ticket::TicketContext;

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What was attempted.
    pub failed: Op,
    pub failure: Failure,
    /// What "Try again" does.
    pub retry: Op,
    /// The failed request; a scheduled retry names it, so a stale timer does nothing.
    pub request_id: u32,
}

impl Problem {
    /// Rate-limited: the retry waits for `Retry-After` and then happens by itself.
    pub fn waiting(&self) -> Option<u32> {
        match self.failure {
            Failure::RateLimited { retry_after_s } => Some(retry_after_s),
            _ => None,
        }
    }
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
    },
    /// Read the state again: the app was activated again, or the ticket changed.
    Reload,
    /// The agent pressed the heart.
    Toggle,
    /// The agent pressed "Try again".
    Retry,
    /// A rate limit's `Retry-After` has passed.
    RetryDue {
        request_id: u32,
    },
    Answered {
        id: u32,
        result: Result<LikeAnswer, Failure>,
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
    /// Set when the app hides.
    pub hidden_because: Option<HideReason>,
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
            hidden_because: None,
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
            Action::Booted { lang, boot } => self.boot(lang, boot),
            Action::Reload => self.reload(),
            Action::Toggle => self.toggle(),
            Action::Retry => {
                if let Some(problem) = self.problem.filter(|p| p.waiting().is_none()) {
                    self.retry(problem);
                }
            }
            Action::RetryDue { request_id } => {
                if let Some(problem) = self
                    .problem
                    .filter(|p| p.request_id == request_id && p.waiting().is_some())
                {
                    self.retry(problem);
                }
            }
            Action::Answered { id, result } => self.answered(id, result),
        }
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
            Call::new(request.op, &session.ticket, &session.settings),
        ))
    }

    fn send(&mut self, op: Op) {
        self.last_id = self.last_id.wrapping_add(1);
        self.in_flight = Some(Request {
            id: self.last_id,
            op,
        });
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
                self.hidden_because = Some(why);
                Mode::Hidden
            }
            Boot::Misconfigured(error) => Mode::Misconfigured(error),
            Boot::Unavailable(why) => Mode::Unavailable(why),
        };
    }

    fn reload(&mut self) {
        if self.session().is_none() {
            return;
        }
        // A set's answer is as fresh as a read; a rate limit is waited out, not raced.
        let set_pending = matches!(self.in_flight, Some(Request { op: Op::Set(_), .. }));
        let waiting = self.problem.is_some_and(|p| p.waiting().is_some());
        if set_pending || waiting {
            return;
        }
        self.problem = None;
        self.notice = None;
        // A read already in flight is superseded: its answer may predate what changed.
        self.send(Op::Read);
    }

    /// Whether a press of the heart does anything now.
    pub fn can_toggle(&self) -> bool {
        self.session().is_some()
            && self.confirmed.is_some()
            && self.problem.is_none_or(|p| p.waiting().is_none())
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
        match self.in_flight {
            // Coalesce: the answer to the set in flight decides whether another is needed.
            Some(Request { op: Op::Set(_), .. }) => {}
            // No request, or a read that this set supersedes.
            _ => self.send(Op::Set(!shown)),
        }
    }

    fn retry(&mut self, problem: Problem) {
        self.problem = None;
        match problem.retry {
            Op::Read => self.send(Op::Read),
            Op::Set(liked) => {
                self.desired = Some(liked);
                self.send(Op::Set(liked));
            }
        }
    }

    fn answered(&mut self, id: u32, result: Result<LikeAnswer, Failure>) {
        let Some(request) = self.in_flight.filter(|r| r.id == id) else {
            return; // superseded
        };
        self.in_flight = None;
        match (request.op, result) {
            (Op::Read, Ok(answer)) => {
                self.confirm(answer);
                self.problem = None;
            }
            (Op::Read, Err(Failure::NoInstance)) => {
                self.hidden_because = Some(HideReason::NoInstance);
                self.mode = Mode::Hidden;
            }
            (Op::Read, Err(failure)) => {
                self.problem = Some(Problem {
                    failed: Op::Read,
                    failure,
                    retry: Op::Read,
                    request_id: id,
                });
            }
            (Op::Set(sent), Ok(answer)) => {
                let liked = answer.liked;
                self.confirm(answer);
                self.problem = None;
                let wanted = self.desired.unwrap_or(sent);
                // Send again only for clicks made while this set was in flight. If the
                // service answered something other than what was sent, its word stands.
                if wanted != sent && wanted != liked {
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
                let retry = match &self.confirmed {
                    Some(c) if c.liked != wanted => Op::Set(wanted),
                    // The agent's last click matches the last confirmed state, but the failed
                    // set may still have reached the origin: "Try again" re-reads.
                    _ => Op::Read,
                };
                self.problem = Some(Problem {
                    failed: Op::Set(sent),
                    failure,
                    retry,
                    request_id: id,
                });
            }
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
            Mode::Active(_) => {
                if let Some(problem) = self.problem {
                    let template = match problem.failed {
                        Op::Read => s.failed_load,
                        Op::Set(true) => s.failed_like,
                        Op::Set(false) => s.failed_unlike,
                    };
                    let text = template.replace("{reason}", &problem.failure.reason(s));
                    return match problem.waiting() {
                        Some(secs) => loud(
                            format!("{text} {}", s.retrying_in.replace("{s}", &secs.to_string())),
                            false,
                        ),
                        None => loud(text, true),
                    };
                }
                let account = self.account();
                match (&self.confirmed, self.desired, self.notice) {
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
    use heart_contract::{PathError, Setting, TicketId};

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

    /// A state machine with a log of every request it asked the hook to send.
    struct Run {
        state: Rc<LikeState>,
        sent: Vec<Request>,
    }

    impl Run {
        fn booted(boot: Boot) -> Self {
            let mut run = Run {
                state: Rc::new(LikeState::default()),
                sent: vec![],
            };
            run.act(Action::Booted {
                lang: Lang::En,
                boot,
            });
            run
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
                && self.sent.last() != Some(&req)
            {
                self.sent.push(req);
            }
        }

        fn in_flight(&self) -> Request {
            self.state.in_flight.expect("a request in flight")
        }

        fn answer(&mut self, result: Result<LikeAnswer, Failure>) {
            let id = self.in_flight().id;
            self.act(Action::Answered { id, result });
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
            run.state.status().text,
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
        run.answer(Err(Failure::Network));
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
        let mut run = Run {
            state: Rc::new(LikeState::default()),
            sent: vec![],
        };
        run.act(Action::Booted {
            lang: Lang::De,
            boot: Boot::Active(session()),
        });
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
    fn a_failed_set_rolls_back_and_offers_a_retry() {
        let mut run = Run::ready(false, 3);
        run.act(Action::Toggle);
        run.answer(Err(Failure::Server(503)));
        assert_eq!(run.state.view_state(), ViewState::Error);
        assert_eq!(run.state.shown_liked(), Some(false));
        assert_eq!(run.state.shown_count(), Some(3));
        let status = run.state.status();
        assert_eq!(
            status.text,
            "Couldn't like the photo: the integration service failed (503)."
        );
        assert!(status.visible && status.retry);
        run.act(Action::Retry);
        assert_eq!(run.in_flight().op, Op::Set(true));
        assert_eq!(run.state.shown_liked(), Some(true));
        run.answer(Ok(answer(true, 4)));
        assert_eq!(run.state.view_state(), ViewState::Ready);
    }

    #[test]
    fn a_failed_unlike_says_unlike() {
        let mut run = Run::ready(true, 3);
        run.act(Action::Toggle);
        run.answer(Err(Failure::Timeout));
        assert_eq!(
            run.state.status().text,
            "Couldn't unlike the photo: the request timed out."
        );
        assert_eq!(run.state.shown_liked(), Some(true));
    }

    #[test]
    fn a_failure_after_clicking_back_retries_with_a_read() {
        let mut run = Run::ready(false, 3);
        run.act(Action::Toggle);
        run.act(Action::Toggle);
        run.answer(Err(Failure::Network));
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
        let status = run.state.status();
        assert_eq!(
            status.text,
            "Couldn't load the like: the integration service's answer could not be read."
        );
        assert!(status.retry);
        run.act(Action::Retry);
        assert_eq!(run.in_flight().op, Op::Read);
    }

    #[test]
    fn no_integration_for_the_ticket_hides_the_app() {
        let mut run = Run::booted(Boot::Active(session()));
        run.answer(Err(Failure::NoInstance));
        assert_eq!(run.state.view_state(), ViewState::Hidden);
        assert_eq!(run.state.hidden_because, Some(HideReason::NoInstance));
        assert!(
            run.state
                .hidden_because
                .as_ref()
                .is_some_and(|w| w.explain().contains("no integration instance"))
        );
        run.act(Action::Reload);
        assert_eq!(run.state.in_flight, None, "a hidden app stays quiet");
        // The service's own 404 or 422 on the read is shown, not taken for "no instance".
        for code in [404, 422] {
            let mut run = Run::booted(Boot::Active(session()));
            run.answer(Err(Failure::NotFound(code)));
            assert_eq!(run.state.view_state(), ViewState::Error);
            assert_eq!(run.state.hidden_because, None);
            assert_eq!(
                run.state.status().text,
                format!("Couldn't load the like: the photo was not found ({code}).")
            );
        }
        // On a set, the read already proved the integration: a 404 is an error to show.
        let mut run = Run::ready(false, 1);
        run.act(Action::Toggle);
        run.answer(Err(Failure::NotFound(404)));
        assert_eq!(run.state.view_state(), ViewState::Error);
        assert_eq!(
            run.state.status().text,
            "Couldn't like the photo: the photo was not found (404)."
        );
    }

    #[test]
    fn a_rate_limit_is_waited_out_then_retried() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Toggle);
        let failed_id = run.in_flight().id;
        run.answer(Err(Failure::RateLimited { retry_after_s: 30 }));
        assert_eq!(run.state.shown_liked(), Some(false));
        let status = run.state.status();
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
        run.act(Action::RetryDue {
            request_id: failed_id + 1,
        });
        assert_eq!(run.sent.len(), sent, "nothing goes out before Retry-After");
        run.act(Action::RetryDue {
            request_id: failed_id,
        });
        assert_eq!(run.in_flight().op, Op::Set(true));
    }

    #[test]
    fn reload_rereads_but_never_races_a_set() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Reload);
        let first = run.in_flight();
        assert_eq!(first.op, Op::Read);
        run.act(Action::Reload);
        let second = run.in_flight();
        assert_ne!(first.id, second.id);
        // The superseded read's answer is ignored.
        run.act(Action::Answered {
            id: first.id,
            result: Ok(answer(true, 9)),
        });
        assert_eq!(run.state.shown_liked(), Some(false));
        run.answer(Ok(answer(true, 2)));
        assert_eq!(
            run.state.shown_liked(),
            Some(true),
            "another agent's like is picked up"
        );
        run.act(Action::Toggle);
        let set = run.in_flight();
        run.act(Action::Reload);
        assert_eq!(run.in_flight(), set);
    }

    #[test]
    fn a_click_during_a_refresh_supersedes_the_read() {
        let mut run = Run::ready(false, 1);
        run.act(Action::Reload);
        let read = run.in_flight();
        run.act(Action::Toggle);
        assert_eq!(run.in_flight().op, Op::Set(true));
        run.act(Action::Answered {
            id: read.id,
            result: Ok(answer(false, 1)),
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
        let status = run.state.status();
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
        assert_eq!(
            run.state.status().text,
            "Open this app from a ticket in Zendesk."
        );
    }

    #[test]
    fn messages_follow_the_agents_language() {
        let mut run = Run {
            state: Rc::new(LikeState::default()),
            sent: vec![],
        };
        run.act(Action::Booted {
            lang: Lang::Fr,
            boot: Boot::Active(session()),
        });
        run.answer(Ok(answer(false, 0)));
        run.act(Action::Toggle);
        run.answer(Err(Failure::Server(500)));
        assert_eq!(
            run.state.status().text,
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
