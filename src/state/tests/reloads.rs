//! Reloads (`app.activated`, `ticket.updated`): one read per opening, remembered during a set or a wait.

use super::*;

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
    assert_eq!(run.state.pipeline.shown_count(), Some(3));
    assert_eq!(run.state.pipeline.in_flight, None);
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
    assert_eq!(run.state.pipeline.in_flight, None);
    assert_eq!(run.sent.len(), 1);
    // Events before start-up finished change nothing either.
    let mut early = Run {
        state: Rc::new(LikeState::default()),
        sent: vec![],
        now: T0,
    };
    early.act(Action::Reload);
    early.act(Action::Booted {
        strings: Lang::En.strings(),
        boot: Boot::Active(session()),
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
        run.state.pipeline.shown_liked(),
        Some(true),
        "another agent's like is picked up"
    );
    // The reload asked for during that read: one more.
    assert_eq!(run.in_flight().op, Op::Read);
    run.answer(Ok(answer(true, 2)));
    assert_eq!(run.state.pipeline.in_flight, None);
    assert_eq!(run.sent.len(), 3);
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
        run.state.pipeline.shown_liked(),
        Some(true),
        "a stale read cannot undo the click"
    );
}
