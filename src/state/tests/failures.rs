//! Failed calls: refused sets roll back, unsure ones are read again, the proxy's no-instance hides.

use super::*;

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
        (
            Failure::Http(400),
            "unexpected answer (400). An admin should check the setting like_path",
        ),
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
        assert_eq!(run.view_state(), ViewState::Error, "{failure:?}");
        assert_eq!(run.state.pipeline.shown_liked(), Some(false), "rolled back");
        assert_eq!(run.state.pipeline.shown_count(), Some(3));
        assert_eq!(
            run.state.pipeline.in_flight, None,
            "{failure:?}: nothing read again"
        );
        let status = run.status();
        assert_eq!(status.text, format!("Couldn't like the photo: {reason}."));
        assert!(status.visible && status.retry);
        run.act(Action::Retry);
        assert_eq!(run.in_flight().op, Op::Set(true));
        assert_eq!(run.state.pipeline.shown_liked(), Some(true));
        run.answer(Ok(answer(true, 4)));
        assert_eq!(run.view_state(), ViewState::Ready);
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
            assert_eq!(run.state.pipeline.shown_liked(), None, "{failure:?}");
            assert_eq!(run.view_state(), ViewState::Loading);
            let checking = run.status();
            assert_eq!(checking.text, "Checking whether it went through…");
            assert!(checking.visible && !checking.retry);
            assert!(!run.state.can_toggle());
            run.answer(Ok(answer(applied, if applied { 4 } else { 3 })));
            assert_eq!(
                run.state.pipeline.shown_liked(),
                Some(applied),
                "the service's word"
            );
            assert_eq!(run.view_state(), ViewState::Error);
            let status = run.status();
            assert_eq!(
                status.text,
                format!(
                    "Couldn't like the photo: {}. It may or may not have gone through; the heart shows the photo's current state.",
                    reason(failure, Lang::En.strings())
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
    assert_eq!(run.state.pipeline.shown_liked(), None);
    let status = run.status();
    assert!(
        status.text.starts_with("Couldn't load the like"),
        "{status:?}"
    );
    assert!(status.retry);
    run.act(Action::Retry);
    run.answer(Ok(answer(true, 4)));
    assert_eq!(run.state.pipeline.shown_liked(), Some(true));
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
    assert_eq!(run.state.pipeline.shown_liked(), Some(true));
}

#[test]
fn a_failure_after_clicking_back_retries_with_a_read() {
    let mut run = Run::ready(false, 3);
    run.act(Action::Toggle);
    run.act(Action::Toggle);
    run.answer(Err(Failure::Denied(401)));
    assert_eq!(run.state.pipeline.shown_liked(), Some(false));
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
    assert_eq!(run.state.pipeline.problem, None);
}

#[test]
fn a_failed_read_is_an_error_not_an_empty_heart() {
    let mut run = Run::booted(Boot::Active(session()));
    run.answer(Err(Failure::Malformed));
    assert_eq!(run.view_state(), ViewState::Error);
    assert_eq!(run.state.pipeline.shown_liked(), None);
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
    assert_eq!(run.view_state(), ViewState::Hidden);
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
    assert_eq!(run.view_state(), ViewState::Hidden);
    // One that reads fine shows the app again.
    run.act(Action::Reload);
    run.answer(Ok(answer(true, 2)));
    assert_eq!(run.view_state(), ViewState::Ready);
    assert_eq!(run.state.hide_reason(), None);
    assert_eq!(run.state.pipeline.shown_liked(), Some(true));
    assert_eq!(run.sent.len(), 3);
}

#[test]
fn the_services_404_or_a_refused_path_names_the_setting() {
    for (failure, code) in [
        (Failure::NotFound(404), "(404)"),
        (Failure::NotFound(422), "(422)"),
        (Failure::BadPath, "(400)"),
        (Failure::Http(400), "unexpected answer (400)"),
    ] {
        let mut run = Run::booted(Boot::Active(session()));
        run.answer(Err(failure));
        assert_eq!(run.view_state(), ViewState::Error, "not hidden");
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
        assert_eq!(run.state.pipeline.shown_liked(), Some(false), "rolled back");
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
    assert_eq!(run.view_state(), ViewState::Loading, "not yet");
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
    run.act(Action::Answered {
        id: late,
        result: Ok(answer(true, 1)),
    });
    assert_eq!(run.state.pipeline.shown_liked(), None);
    run.act(Action::Retry);
    run.answer(Ok(answer(false, 1)));
    // A set past its deadline may have been applied: the state is read again.
    run.act(Action::Toggle);
    assert_eq!(
        run.in_flight().deadline_at,
        run.now + timing.deadline_ms,
        "the deadline runs from the click, stamped by the reducer"
    );
    run.wait(timing.deadline_ms);
    assert_eq!(run.in_flight().op, Op::Read);
    run.answer(Ok(answer(true, 2)));
    assert_eq!(run.state.pipeline.shown_liked(), Some(true));
    assert!(run.status().text.contains("Zendesk did not answer in time"));
}
