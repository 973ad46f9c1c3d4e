//! The request pipeline: what the heart shows of the service's answers, and which request goes
//! next ([`Pipeline`]). One request in flight with coalesced clicks, the app's own deadline on
//! each, rollback of refused sets, a fresh read after an unsure one, rate-limit backoff then
//! "Try again", remembered reloads. [`super::LikeState`] runs it once start-up has made the app
//! active on a ticket; the rules are in [`super`]'s doc.

use heart_contract::LikeAnswer;

use crate::proxy::{Failure, Op};
use crate::timing::{Jitter, Timing};

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

/// The requests and what the service answered to them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// The state the service last returned.
    pub confirmed: Option<LikeAnswer>,
    /// What the agent asked for and the service has not yet confirmed.
    pub desired: Option<bool>,
    pub in_flight: Option<Request>,
    pub problem: Option<Problem>,
    pub notice: Option<Notice>,
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

impl Default for Pipeline {
    fn default() -> Self {
        Self {
            confirmed: None,
            desired: None,
            in_flight: None,
            problem: None,
            notice: None,
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

impl Pipeline {
    /// The app's timing, as start-up was given it.
    pub fn timing(&self) -> &Timing {
        &self.timing
    }

    pub(super) fn set_timing(&mut self, timing: Timing) {
        self.timing = timing;
    }

    /// Seeds the retry jitter.
    pub(super) fn seed(&mut self, seed: u64) {
        self.jitter = Jitter::new(seed);
    }

    /// The agent's "Try again": the problem's retry, unless a wait is under way.
    pub(super) fn try_again(&mut self, now: u64) {
        if let Some(problem) = self.problem.filter(|p| !p.waiting()) {
            self.limited = 0;
            self.retry(problem, now);
        }
    }

    /// When the request in flight is past its deadline, and when a rate-limit wait ends.
    pub(super) fn wakes(&self) -> (Option<u64>, Option<u64>) {
        (
            self.in_flight.map(|r| r.deadline_at),
            self.problem.and_then(|p| p.retry_at),
        )
    }

    /// Asks the hook to send `op` now, with the app's deadline from `now`.
    pub(super) fn send(&mut self, op: Op, now: u64) {
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

    pub(super) fn tick(&mut self, now: u64) {
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

    /// Waiting out a rate limit: nothing is sent until it ends.
    pub fn waiting(&self) -> bool {
        self.problem.is_some_and(|p| p.waiting())
    }

    /// Reads the state again, now or (during a set or a wait) once neither is pending.
    pub(super) fn reload(&mut self, now: u64) {
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
    pub(super) fn run_pending_reload(&mut self, now: u64) {
        if self.reload_pending && self.in_flight.is_none() && !self.waiting() {
            self.reload_pending = false;
            self.reload(now);
        }
    }

    /// Whether a press of the heart does anything now, on an active ticket.
    pub fn can_toggle(&self) -> bool {
        self.confirmed.is_some() && !self.unlinked && !self.waiting()
    }

    /// The agent's press of the heart, which [`Pipeline::can_toggle`] allowed.
    pub(super) fn toggle(&mut self, now: u64) {
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

    pub(super) fn answered(&mut self, id: u32, result: Result<LikeAnswer, Failure>, now: u64) {
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

    /// A set's outcome is unknown and the state is being read again to find out.
    pub fn is_checking(&self) -> bool {
        self.unsure.is_some()
    }
}
