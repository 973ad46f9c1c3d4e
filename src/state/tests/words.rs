//! Who likes and the agent's language, as the view words the state.

use super::*;

#[test]
fn the_byline_names_the_account_the_service_named() {
    let mut run = Run::booted(Boot::Active(session()));
    assert_eq!(run.byline(), None, "no heart, no byline");
    run.answer(Ok(answer_as(false, 41, "@omniwear")));
    let byline = run.byline().expect("a byline");
    assert_eq!(byline.label, "Like as @omniwear");
    assert_eq!(byline.caption(), "Like as @omniwear");
    assert_eq!(
        (byline.before, byline.account.as_str(), byline.after),
        ("Like as ", "@omniwear", "")
    );
    // The optimistic heart says "Liked" at once; the button's name stays the same.
    run.act(Action::Toggle);
    let byline = run.byline().expect("a byline");
    assert_eq!(byline.caption(), "Liked as @omniwear");
    assert_eq!(byline.label, "Like as @omniwear");
    run.answer(Ok(answer_as(true, 42, "@omniwear")));
    assert_eq!(
        run.status().text,
        "The photo is liked as @omniwear.",
        "the announcement names the account"
    );
    run.act(Action::Toggle);
    run.answer(Ok(answer_as(false, 41, "@omniwear")));
    assert_eq!(
        run.status().text,
        "The photo is no longer liked as @omniwear."
    );
    assert_eq!(
        run.byline().expect("a byline").caption(),
        "Like as @omniwear"
    );
}

#[test]
fn without_an_account_the_business_account_likes() {
    let mut run = Run::ready(true, 3);
    let byline = run.byline().expect("a byline");
    assert_eq!(byline.caption(), "Liked as the business account");
    assert_eq!(byline.label, "Like as the business account");
    assert_eq!(byline.account, "the business account");
    run.act(Action::Toggle);
    run.answer(Err(Failure::Denied(401)));
    assert_eq!(
        run.byline().expect("rolled back").caption(),
        "Liked as the business account"
    );
}

#[test]
fn an_answer_without_the_account_keeps_the_known_one() {
    let mut run = Run::booted(Boot::Active(session()));
    run.answer(Ok(answer_as(false, 1, "@omniwear")));
    run.act(Action::Toggle);
    run.answer(Ok(answer(true, 2)));
    assert_eq!(run.state.pipeline.account(), Some("@omniwear"));
    assert_eq!(run.status().text, "The photo is liked as @omniwear.");
    // A newly named account replaces it.
    run.act(Action::Reload);
    run.answer(Ok(answer_as(true, 2, "@omniwear.eu")));
    assert_eq!(run.state.pipeline.account(), Some("@omniwear.eu"));
}

#[test]
fn the_byline_follows_the_agents_language() {
    let mut run = Run::booted_with(Lang::De, Boot::Active(session()), Timing::default());
    run.answer(Ok(answer_as(true, 5, "@omniwear")));
    let byline = run.byline().expect("a byline");
    assert_eq!(byline.caption(), "Als @omniwear mit „Gefällt mir“ markiert");
    assert_eq!(
        (byline.before, byline.after),
        ("Als ", " mit „Gefällt mir“ markiert")
    );
    assert_eq!(byline.label, "„Gefällt mir“ als @omniwear");
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
