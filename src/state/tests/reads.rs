//! Reading the state, clicking, coalesced clicks: the heart shows what the service returned.

use super::*;

#[test]
fn start_reads_the_state_through_the_proxy() {
    let run = Run::booted(Boot::Active(session()));
    assert_eq!(run.view_state(), ViewState::Loading);
    assert_eq!(run.state.pipeline.shown_liked(), None);
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
    assert_eq!(run.view_state(), ViewState::Ready);
    assert_eq!(run.state.pipeline.shown_liked(), Some(true));
    assert_eq!(run.state.pipeline.shown_count(), Some(41));
    assert_eq!(run.state.pipeline.in_flight, None);
    assert_eq!(run.state.next_wake(), None, "nothing left to wake for");
}

#[test]
fn a_click_flips_at_once_and_sends_the_set() {
    let mut run = Run::ready(false, 41);
    run.act(Action::Toggle);
    assert_eq!(run.view_state(), ViewState::Saving);
    assert_eq!(run.state.pipeline.shown_liked(), Some(true));
    assert_eq!(run.state.pipeline.shown_count(), Some(42));
    let (_, call) = run.state.call().expect("a call");
    assert_eq!(
        call.url,
        "/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=%2Flike"
    );
    assert_eq!(call.body, Body::Set(session().ticket.set_like(true)));
    run.answer(Ok(answer(true, 42)));
    assert_eq!(run.view_state(), ViewState::Ready);
    assert_eq!(run.state.pipeline.shown_liked(), Some(true));
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
    assert_eq!(run.state.pipeline.shown_liked(), Some(false));
    assert_eq!(run.state.pipeline.shown_count(), Some(5));
    assert_eq!(run.state.pipeline.in_flight, None, "no loop asking again");
    assert_eq!(
        run.status().text,
        "The photo is no longer liked as the business account."
    );
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
        assert_eq!(run.state.pipeline.shown_liked(), Some(tenth));
        assert_eq!(
            run.sent.len() - reads,
            1,
            "one set while the first is in flight"
        );
        run.answer(Ok(answer(!first_liked, 11)));
        // The first set landed on the opposite; one more brings it back.
        assert_eq!(run.in_flight().op, Op::Set(tenth));
        assert_eq!(run.state.pipeline.shown_liked(), Some(tenth));
        run.answer(Ok(answer(tenth, 10)));
        assert_eq!(run.state.pipeline.in_flight, None);
        assert_eq!(run.state.pipeline.shown_liked(), Some(tenth));
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
    assert_eq!(run.state.pipeline.in_flight, None);
    assert_eq!(run.state.pipeline.shown_liked(), Some(true));
    assert_eq!(run.sent.len(), 2);
}

#[test]
fn an_unchanged_state_keeps_its_identity() {
    let run = Run::booted(Boot::Hidden(HideReason::NotAnIntegration("web".into())));
    let before = run.state.clone();
    let after = before.clone().after(Action::Toggle, run.now);
    assert!(Rc::ptr_eq(&before, &after), "no re-render for a no-op");
    // A click on a ready heart is a new state.
    let run = Run::ready(false, 0);
    let before = run.state.clone();
    let after = before.clone().after(Action::Toggle, run.now);
    assert!(!Rc::ptr_eq(&before, &after), "a change renders");
}
