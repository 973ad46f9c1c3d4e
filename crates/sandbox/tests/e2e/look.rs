//! End-to-end, how the app looks and is used: an iframe as tall as its content, dark mode, another
//! locale, and the keyboard alone.

use sandbox::Fault;
use sandbox::browser::fantoccini::actions::{InputSource, KeyAction, KeyActions};
use sandbox::browser::fantoccini::key::Key;
use sandbox::browser::{R, fail};

use crate::ui::{PHOTO_62, Ui, ready};

pub async fn the_iframe_is_as_tall_as_its_content(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "").await?;
    ui.wait_app("ready", ready).await?;
    let fits = |label: &'static str| async move {
        ui.wait_for(label, || async {
            let app = ui.app().await?;
            let host = ui.host().await?;
            let content = app["scroll"].as_f64().unwrap_or(-1.0);
            let frame = host["frameHeight"].as_f64().unwrap_or(-2.0);
            Ok(((frame - content).abs() <= 1.0 && frame > 0.0).then_some((frame, content)))
        })
        .await
    };
    let (small, _) = fits("iframe height = content height (ready)").await?;
    // A longer error message makes the content taller; the iframe follows.
    ui.sandbox.faults.set(
        "/like",
        Fault {
            status: Some(500),
            ..Fault::default()
        },
    );
    ui.click_heart().await?;
    ui.wait_app("error", |v| v["state"] == "error").await?;
    let (tall, _) = fits("iframe height = content height (error)").await?;
    if tall <= small {
        return fail(format!("the error state is not taller ({tall} ≤ {small})"));
    }
    Ok(())
}

pub async fn dark_mode(ui: &Ui<'_>) -> R<()> {
    ui.open(64, "?color_scheme=dark").await?;
    let app = ui
        .wait_app("dark and ready", |v| ready(v) && v["scheme"] == "dark")
        .await?;
    // The browser paints an iframe opaque when its document's colour scheme differs from the
    // host page's: the app's root must say "dark" too, and its background stay transparent.
    if app["rootScheme"] != "dark" || app["background"] != "rgba(0, 0, 0, 0)" {
        return fail(format!("dark app root: {app}"));
    }
    ui.screenshot("ready-dark").await?;
    ui.click_host("#toggle-scheme").await?;
    let app = ui
        .wait_app("colorScheme.changed to light", |v| v["scheme"] == "light")
        .await?;
    if app["rootScheme"] == "dark" {
        return fail(format!("the app's root stayed dark: {app}"));
    }
    Ok(())
}

pub async fn a_non_english_locale(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "?locale=de").await?;
    let app = ui.wait_app("ready", ready).await?;
    if app["label"] != "„Gefällt mir“ als @omniwear" || app["lang"] != "de" {
        return fail(format!("German UI: {app}"));
    }
    ui.screenshot("ready-de").await
}

/// From the top of the agent's page, Tab alone reaches the heart inside the iframe, which
/// shows its focus; Space likes, Enter unlikes. Keys go to the page as a keyboard's would.
pub async fn keyboard_only(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "").await?;
    ui.wait_app("ready", ready).await?;
    let press = |key: Key| {
        let k: char = key.into();
        KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k })
    };
    ui.c.execute(
        "document.activeElement && document.activeElement.blur(); window.focus();",
        vec![],
    )
    .await?;
    let mut tabs = 0;
    let focused = loop {
        let v = ui.app().await?;
        if v["focused"] == true || tabs >= 8 {
            break v;
        }
        ui.c.perform_actions(press(Key::Tab)).await?;
        tabs += 1;
    };
    if focused["focused"] != true {
        return fail(format!("{tabs} Tabs never reached the heart: {focused}"));
    }
    if focused["focusShadow"].as_str().unwrap_or("none none") == "none none" {
        return fail(format!("no visible focus: {focused}"));
    }
    ui.c.perform_actions(press(Key::Space)).await?;
    ui.wait_app("Space likes", |v| ready(v) && v["pressed"] == "true")
        .await?;
    ui.screenshot("keyboard-focus").await?;
    ui.c.perform_actions(press(Key::Enter)).await?;
    ui.wait_app("Enter unlikes", |v| ready(v) && v["pressed"] == "false")
        .await?;
    if ui.liked_in_origin(PHOTO_62)? {
        return fail("the origin kept the like");
    }
    eprintln!("    {tabs} Tab(s) from the top of the page to the heart");
    Ok(())
}
