//! Start-up: outcomes that send nothing (a bad setting, other tickets and pages), and Zendesk
//! slow to answer.

use super::*;

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
    assert_eq!(run.view_state(), ViewState::Misconfigured);
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
fn a_slow_zendesk_at_start_up_is_said_and_the_app_goes_on_waiting() {
    let mut run = Run {
        state: Rc::new(LikeState::default()),
        sent: vec![],
        now: T0,
    };
    let timing = Timing {
        deadline_ms: 1_000,
        ..Timing::default()
    };
    run.act(Action::Started { timing });
    assert_eq!(run.state.next_wake(), Some(T0 + 1_000));
    run.wait(999);
    assert_eq!(run.view_state(), ViewState::Loading, "not yet");
    assert!(!run.status().visible);
    run.wait(1);
    assert_eq!(run.view_state(), ViewState::Error);
    assert_eq!(
        run.status(),
        Line {
            text: "Zendesk has not answered yet. The heart appears as soon as it does.".into(),
            visible: true,
            retry: false,
        }
    );
    assert_eq!(run.state.next_wake(), None, "it waits without waking again");
    assert!(run.sent.is_empty());
    // The answers come after all: the app starts as it would have.
    run.act(Action::Booted {
        strings: Lang::De.strings(),
        boot: Boot::Active(session()),
        seed: 7,
    });
    assert_eq!(run.sent.len(), 1, "the read");
    run.answer(Ok(answer(true, 3)));
    assert_eq!(run.view_state(), ViewState::Ready);
    assert_eq!(run.status().text, "");
}

#[test]
fn answers_in_time_leave_no_wake_up_behind() {
    let mut run = Run {
        state: Rc::new(LikeState::default()),
        sent: vec![],
        now: T0,
    };
    run.act(Action::Started {
        timing: Timing::default(),
    });
    run.act(Action::Booted {
        strings: Lang::En.strings(),
        boot: Boot::Hidden(HideReason::NotAnIntegration("email".into())),
        seed: 7,
    });
    assert_eq!(run.state.next_wake(), None);
    run.wait(60_000);
    assert_eq!(run.view_state(), ViewState::Hidden);
    // A start reported late changes nothing once the app has started.
    run.act(Action::Started {
        timing: Timing::default(),
    });
    assert_eq!(run.state.next_wake(), None);
}

#[test]
fn the_colour_scheme_is_the_pages_then_zendesks() {
    use crate::color_scheme::ColorScheme;
    let state = Rc::new(LikeState::new(ColorScheme::Dark));
    assert_eq!(view(&state).scheme, "dark");
    // Whatever the app is doing, Zendesk's scheme is followed.
    let mut run = Run::ready(true, 3);
    let before = run.state.clone();
    run.act(Action::Scheme(ColorScheme::Dark));
    assert_eq!(view(&run.state).scheme, "dark");
    assert_eq!(
        run.state.pipeline.shown_liked(),
        Some(true),
        "the like is as it was"
    );
    assert!(!Rc::ptr_eq(&before, &run.state), "a new scheme renders");
    let dark = run.state.clone();
    run.act(Action::Scheme(ColorScheme::Dark));
    assert!(
        Rc::ptr_eq(&dark, &run.state),
        "the same scheme again does not"
    );
    run.act(Action::Scheme(ColorScheme::Light));
    assert_eq!(view(&run.state).scheme, "light");
}
