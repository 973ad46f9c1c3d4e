//! The view-model: from the like-state to exactly what the panel shows, in the agent's language.
//!
//! The components render a [`View`] and decide nothing. Everything the agent sees or hears is
//! made here: the heart (pressed, enabled, its accessible name), the count, who likes, the
//! status line (visible or only announced) and whether "Try again" is offered. An error
//! sentence is built in one place ([`problem_text`]) from the templates of [`crate::i18n`].
//! Pure: tested natively.

use heart_contract::{Setting, decimal};

use crate::boot::Unavailable;
use crate::i18n::{Strings, fill, split_at_hole};
use crate::proxy::{Failure, Op};
use crate::state::{LikeState, Mode, Notice, Problem};

/// The `data-state` of the panel, for styling and tests.
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

/// The whole panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub state: ViewState,
    /// The BCP 47 tag of the agent's language.
    pub lang: &'static str,
    /// Zendesk's colour scheme (`data-scheme`).
    pub scheme: &'static str,
    pub row: Row,
    pub status: Status,
}

impl View {
    /// The panel is still reading (`aria-busy`).
    pub fn busy(&self) -> bool {
        self.state == ViewState::Loading
    }

    pub fn hidden(&self) -> bool {
        self.state == ViewState::Hidden
    }
}

/// The heart row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// No heart: hidden, misconfigured, unavailable, or a read failed with nothing to show
    /// (no heart rather than one that would look "not liked").
    Empty,
    /// The state is being read: the row and the line under it keep their footprint (the line,
    /// `hint`, is laid out but not shown).
    Placeholder {
        hint: &'static str,
    },
    Heart(HeartRow),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeartRow {
    /// The heart as drawn (`aria-pressed`).
    pub liked: bool,
    /// A press does something now.
    pub enabled: bool,
    pub byline: Byline,
    /// The like count as drawn, and as announced (`count_text`).
    pub count: Option<(u64, String)>,
    /// Whose like it is: the business account's on Instagram, not the agent's.
    pub hint: &'static str,
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
        [self.before, &self.account, self.after].concat()
    }
}

/// The status line: a live region that is always present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    /// Shown to everyone; otherwise only announced to screen readers.
    pub visible: bool,
    /// The "Try again" label, when a retry is offered.
    pub retry: Option<&'static str>,
}

/// What the panel shows for `state`.
pub fn view(state: &LikeState) -> View {
    let s = state.startup.strings;
    let view_state = view_state(state);
    let row = match (&state.startup.mode, state.pipeline.shown_liked()) {
        (Mode::Starting | Mode::Active(_), Some(liked)) => Row::Heart(HeartRow {
            liked,
            enabled: state.can_toggle(),
            byline: byline(state, liked, s),
            count: state.pipeline.shown_count().map(|n| (n, s.count(n))),
            hint: s.hint,
        }),
        (Mode::Starting | Mode::Active(_), None) if view_state == ViewState::Loading => {
            Row::Placeholder { hint: s.hint }
        }
        _ => Row::Empty,
    };
    View {
        state: view_state,
        lang: s.lang,
        scheme: state.startup.scheme.as_str(),
        row,
        status: status(state, s),
    }
}

fn view_state(state: &LikeState) -> ViewState {
    match &state.startup.mode {
        Mode::Starting if state.startup.is_overdue() => ViewState::Error,
        Mode::Starting => ViewState::Loading,
        Mode::Hidden => ViewState::Hidden,
        Mode::Misconfigured(_) => ViewState::Misconfigured,
        Mode::Unavailable(_) => ViewState::Error,
        Mode::Active(_) if state.pipeline.unlinked => ViewState::Hidden,
        Mode::Active(_) if state.pipeline.problem.is_some() => ViewState::Error,
        Mode::Active(_) if state.pipeline.confirmed.is_none() => ViewState::Loading,
        Mode::Active(_) if state.pipeline.desired.is_some() => ViewState::Saving,
        Mode::Active(_) => ViewState::Ready,
    }
}

/// Who likes, for a heart shown as `liked`.
fn byline(state: &LikeState, liked: bool, s: &'static Strings) -> Byline {
    let caption = if liked { s.liked_as } else { s.like_as };
    let (before, after) = split_at_hole(caption, "{account}");
    Byline {
        label: s.with_account(s.like_as, state.pipeline.account()),
        before,
        account: state
            .pipeline
            .account()
            .unwrap_or(s.business_account)
            .to_owned(),
        after,
    }
}

/// The reason, in the agent's language, to stand in "Couldn't like the photo: {reason}."
pub fn reason(failure: Failure, s: &Strings) -> String {
    let (text, code) = match failure {
        Failure::Deadline => (s.reason_deadline, None),
        Failure::Network => (s.reason_network, None),
        Failure::Timeout => (s.reason_timeout, None),
        Failure::Malformed => (s.reason_malformed, None),
        Failure::Denied(code) => (s.reason_denied, Some(code)),
        Failure::NoIntegration => (s.reason_not_found, Some(404)),
        Failure::NotFound(code) => (s.reason_not_found, Some(code)),
        Failure::BadPath => (s.reason_bad_path, Some(400)),
        Failure::RateLimited { .. } => (s.reason_rate_limited, Some(429)),
        Failure::Server { status, .. } => (s.reason_server, Some(status)),
        Failure::Http(code) => (s.reason_http, Some(code)),
    };
    match code {
        Some(code) => [text, " (", &decimal(code.into()), ")"].concat(),
        None => text.to_owned(),
    }
}

/// The error sentence for `problem`: what failed and why, the setting to check when it is the
/// likely cause, whether the change may have gone through, and the wait before a retry.
fn problem_text(problem: &Problem, s: &Strings) -> String {
    let template = match problem.failed {
        Op::Read => s.failed_load,
        Op::Set(true) => s.failed_like,
        Op::Set(false) => s.failed_unlike,
    };
    let mut text = fill(template, "{reason}", &reason(problem.failure, s));
    if problem.failure.names_the_setting() {
        let setting = match problem.failed {
            Op::Read => Setting::StatePath,
            Op::Set(_) => Setting::LikePath,
        };
        text.push(' ');
        text.push_str(&fill(s.check_setting, "{name}", setting.name()));
    }
    if problem.unsure {
        text.push(' ');
        text.push_str(s.unsure);
    }
    if problem.waiting() {
        text.push(' ');
        text.push_str(&fill(s.retrying_in, "{s}", &decimal(problem.wait_s)));
    }
    text
}

/// What the status line says.
fn status(state: &LikeState, s: &'static Strings) -> Status {
    let quiet = |text: &str| Status {
        text: text.to_owned(),
        visible: false,
        retry: None,
    };
    let loud = |text: String| Status {
        text,
        visible: true,
        retry: None,
    };
    match &state.startup.mode {
        Mode::Starting if state.startup.is_overdue() => loud(s.no_answer.into()),
        Mode::Starting => quiet(s.loading),
        Mode::Hidden => quiet(""),
        Mode::Misconfigured(error) => {
            loud(fill(s.misconfigured, "{reason}", &s.setting_error(error)))
        }
        Mode::Unavailable(Unavailable::NotInZendesk) => loud(s.not_in_zendesk.into()),
        Mode::Unavailable(Unavailable::NoContext) => loud(s.no_ticket.into()),
        Mode::Unavailable(Unavailable::NoSettings) => loud(s.no_settings.into()),
        Mode::Active(_) if state.pipeline.unlinked => quiet(""),
        Mode::Active(_) => {
            if let Some(problem) = &state.pipeline.problem {
                let offered = problem.retry.is_some() && !problem.waiting();
                return Status {
                    retry: offered.then_some(s.try_again),
                    ..loud(problem_text(problem, s))
                };
            }
            let account = state.pipeline.account();
            match (
                &state.pipeline.confirmed,
                state.pipeline.desired,
                state.pipeline.notice,
            ) {
                (None, _, _) if state.pipeline.is_checking() => loud(s.checking.into()),
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

#[cfg(test)]
mod tests {
    use heart_contract::{LikeAnswer, Settings, TicketId};

    use super::*;
    use crate::boot::{Boot, Session};
    use crate::i18n::Lang;
    use crate::state::Action;
    use crate::ticket::{Channel, TicketContext};

    #[test]
    fn reasons_name_the_status_in_the_agents_language() {
        let de = Lang::De.strings();
        let server = Failure::Server {
            status: 503,
            explained: false,
        };
        assert_eq!(
            reason(server, de),
            "der Integrationsdienst ist ausgefallen (503)"
        );
        let en = Lang::En.strings();
        assert_eq!(reason(Failure::Timeout, en), "the request timed out");
        assert_eq!(
            reason(Failure::Deadline, en),
            "Zendesk did not answer in time"
        );
        assert!(reason(Failure::NoIntegration, en).ends_with(" (404)"));
    }

    #[test]
    fn one_sentence_says_what_failed_why_what_to_check_and_when() {
        let en = Lang::En.strings();
        let problem = Problem {
            failed: Op::Set(true),
            failure: Failure::NotFound(404),
            retry: Some(Op::Set(true)),
            retry_at: None,
            wait_s: 0,
            unsure: false,
        };
        let text = problem_text(&problem, en);
        assert!(text.starts_with("Couldn't like the photo: "), "{text}");
        assert!(text.contains("(404)"), "{text}");
        assert!(text.contains("like_path"), "the setting to check: {text}");
        let waiting = Problem {
            failed: Op::Read,
            failure: Failure::RateLimited {
                retry_after_s: Some(3),
            },
            retry_at: Some(5),
            wait_s: 3,
            ..problem
        };
        let text = problem_text(&waiting, en);
        assert!(!text.contains("_path"), "{text}");
        assert!(text.contains('3'), "the wait: {text}");
    }

    fn active(lang: Lang) -> LikeState {
        let mut state = LikeState::default();
        let session = Session {
            ticket: TicketContext {
                ticket: TicketId(62),
                external_id: None,
                channel: Channel::Integration,
                locale: None,
            },
            settings: Settings::default(),
        };
        state.apply(
            Action::Booted {
                strings: lang.strings(),
                boot: Boot::Active(session),
                seed: 1,
            },
            1,
        );
        state
    }

    #[test]
    fn the_panel_is_drawn_from_the_state_alone() {
        let mut state = active(Lang::En);
        let loading = view(&state);
        assert_eq!(loading.state, ViewState::Loading);
        assert!(loading.busy() && !loading.hidden());
        assert_eq!(
            loading.row,
            Row::Placeholder {
                hint: Lang::En.strings().hint
            }
        );
        assert_eq!(loading.lang, "en");
        let id = state.pipeline.in_flight.expect("the first read").id;
        let answer = LikeAnswer {
            liked: true,
            like_count: Some(1),
            account: Some("@omniwear".into()),
        };
        state.apply(
            Action::Answered {
                id,
                result: Ok(answer),
            },
            2,
        );
        let ready = view(&state);
        assert_eq!(ready.state, ViewState::Ready);
        let Row::Heart(row) = ready.row else {
            panic!("a heart");
        };
        assert!(row.liked && row.enabled);
        assert_eq!(row.count, Some((1, "1 like".to_owned())));
        assert_eq!(row.byline.caption(), "Liked as @omniwear");
        assert_eq!(row.hint, Lang::En.strings().hint);
        assert_eq!(ready.status.retry, None);
    }

    #[test]
    fn a_failed_metadata_says_so_in_the_agents_language() {
        let mut state = LikeState::default();
        state.apply(
            Action::Booted {
                strings: Lang::De.strings(),
                boot: Boot::Unavailable(Unavailable::NoSettings),
                seed: 1,
            },
            1,
        );
        let shown = view(&state);
        assert_eq!(shown.state, ViewState::Error);
        assert_eq!(shown.row, Row::Empty);
        assert!(shown.status.visible);
        assert_eq!(shown.status.text, Lang::De.strings().no_settings);
        assert_ne!(shown.status.text, Lang::De.strings().no_ticket);
    }
}
