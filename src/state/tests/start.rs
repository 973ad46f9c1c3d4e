//! Start-up outcomes that send nothing: a bad setting, other tickets and pages.

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
