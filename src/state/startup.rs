//! Start-up and visibility ([`Startup`]): the agent's language, Zendesk's colour scheme, and
//! what the app does on this ticket: starting (and whether Zendesk is slow to answer), active,
//! hidden and why, misconfigured or unavailable. [`super::LikeState`] runs it beside the
//! request pipeline.

use std::rc::Rc;

use heart_contract::SettingsError;

use crate::boot::{Boot, HideReason, Session, Unavailable};
use crate::color_scheme::ColorScheme;
use crate::i18n::{EN, Strings};

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

/// What start-up made of this ticket, and how the panel looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Startup {
    /// What the panel says, in the agent's language.
    pub strings: &'static Strings,
    /// Zendesk's colour scheme, light or dark.
    pub scheme: ColorScheme,
    pub mode: Mode,
    /// Why start-up hid the app (a channel known not to be an integration).
    hidden_at_boot: Option<HideReason>,
    /// While starting: when Zendesk's answers are overdue.
    start_due: Option<u64>,
    /// Zendesk's start-up answers are overdue (until they come).
    overdue: bool,
}

impl Default for Startup {
    fn default() -> Self {
        Startup::new(ColorScheme::Light)
    }
}

impl Startup {
    /// Before start-up, in Zendesk's colour scheme as the page was loaded in.
    pub fn new(scheme: ColorScheme) -> Self {
        Self {
            strings: &EN,
            scheme,
            mode: Mode::Starting,
            hidden_at_boot: None,
            start_due: None,
            overdue: false,
        }
    }

    /// The hook began asking Zendesk at `now`; the answers are overdue `deadline_ms` later.
    /// Whether the app was still starting (a start reported late changes nothing).
    pub(super) fn started(&mut self, now: u64, deadline_ms: u64) -> bool {
        let starting = matches!(self.mode, Mode::Starting);
        if starting {
            self.start_due = Some(now.saturating_add(deadline_ms));
        }
        starting
    }

    /// Zendesk answered: the agent's language, and what the app does here. Whether this made
    /// the app active on a ticket (the pipeline's first read is then due).
    pub(super) fn boot(&mut self, strings: &'static Strings, boot: Boot) -> bool {
        self.strings = strings;
        if !matches!(self.mode, Mode::Starting) {
            return false;
        }
        self.start_due = None;
        self.overdue = false;
        self.mode = match boot {
            Boot::Active(session) => Mode::Active(Rc::new(session)),
            Boot::Hidden(why) => {
                self.hidden_at_boot = Some(why);
                Mode::Hidden
            }
            Boot::Misconfigured(error) => Mode::Misconfigured(error),
            Boot::Unavailable(why) => Mode::Unavailable(why),
        };
        self.session().is_some()
    }

    pub(super) fn tick(&mut self, now: u64) {
        if self.start_due.is_some_and(|at| now >= at) {
            self.start_due = None;
            self.overdue = true;
        }
    }

    /// While starting: when Zendesk's answers are overdue.
    pub fn start_due(&self) -> Option<u64> {
        self.start_due
    }

    /// The ticket and settings the app calls with, once start-up made it active.
    pub fn session(&self) -> Option<&Rc<Session>> {
        match &self.mode {
            Mode::Active(session) => Some(session),
            _ => None,
        }
    }

    /// Why the app is hidden, if it is; `unlinked`: the proxy said the ticket has no
    /// integration instance.
    pub fn hide_reason(&self, unlinked: bool) -> Option<HideReason> {
        match self.mode {
            Mode::Hidden => self.hidden_at_boot.clone(),
            Mode::Active(_) if unlinked => Some(HideReason::NoInstance),
            _ => None,
        }
    }

    /// Zendesk's start-up answers are overdue ([`super::Action::Started`]).
    pub fn is_overdue(&self) -> bool {
        self.overdue
    }
}
