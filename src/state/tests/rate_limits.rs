//! 429s: `Retry-After` as the floor of a jittered backoff, a few automatic retries, then the agent.

use super::*;

#[test]
fn a_rate_limit_waits_at_least_retry_after_then_retries_by_itself() {
    let mut run = Run::ready(false, 1);
    run.act(Action::Toggle);
    run.answer(Err(Failure::RateLimited {
        retry_after_s: Some(30),
    }));
    assert_eq!(run.state.pipeline.shown_liked(), Some(false));
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
    assert_eq!(run.view_state(), ViewState::Ready);
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
        assert!(run.state.pipeline.problem.is_some_and(|p| p.waiting()));
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
    assert_eq!(run.view_state(), ViewState::Ready);
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
    assert!(
        run.state.pipeline.problem.is_some_and(|p| p.waiting()),
        "55 s: fine"
    );
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
    assert!(run.state.pipeline.problem.is_some_and(|p| p.waiting()));
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
    assert!(run.state.pipeline.problem.is_some_and(|p| p.waiting()));
    let sent = run.sent.len();
    // A background tab's timer fires late: by then the agent asked 10 s ago.
    run.now += 9_000;
    run.act(Action::Tick);
    assert_eq!(run.sent.len(), sent);
    assert!(run.status().retry);
    assert_eq!(run.state.next_wake(), None);
}
