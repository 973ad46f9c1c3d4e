//! End-to-end, the heart at work: the seeded state read through the proxy, a click that likes
//! the photo, another agent's change picked up on activation, an email ticket that hides the app,
//! and twenty rapid clicks that end in the last intent.

use sandbox::Fault;
use sandbox::browser::{R, fail};
use serde_json::{Value, json};

use crate::ui::{PHOTO_62, PHOTO_64, Ui, ready};

pub async fn loads_the_seeded_state_through_the_proxy(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "").await?;
    let app = ui.wait_app("the heart to be ready", ready).await?;
    if app["pressed"] != "false" || !app["count"].as_str().unwrap_or("").contains("41") {
        return fail(format!("seeded state of ticket 62: {app}"));
    }
    let proxied = ui.sandbox.log.proxy_calls();
    let Some(call) = proxied.first() else {
        return fail("no proxied call");
    };
    if call.ticket_id.as_deref() != Some("62")
        || call.post_to_path.as_deref() != Some("/like_state")
    {
        return fail(format!("proxy call: {call:?}"));
    }
    let received = ui.service_calls_to("/like_state");
    let Some(got) = received.first() else {
        return fail("the service got nothing");
    };
    if got.content_type.as_deref() != Some("application/x-www-form-urlencoded")
        || got.cookie.is_some()
    {
        return fail(format!("service request: {got:?}"));
    }
    // The ticket's own instance's metadata went along; the log records it redacted.
    let omniwear = ui
        .sandbox
        .channel
        .desk
        .instance_named("Omniwear")
        .ok_or("no Omniwear account")?;
    if call.instance != Some(omniwear.id)
        || got.instance_metadata.as_deref() != Some(sandbox::redact::REDACTED)
    {
        return fail(format!(
            "instance_metadata of {:?}, recorded as {:?}",
            call.instance, got.instance_metadata
        ));
    }
    let data: Value = serde_json::from_str(got.client_data.as_deref().unwrap_or(""))?;
    if data != json!({"ticket_id": "62", "external_id": PHOTO_62}) {
        return fail(format!("client_data: {data}"));
    }
    if proxied.len() > 2 {
        return fail(format!("{} state reads for one load", proxied.len()));
    }
    eprintln!("    one load → {} state read(s)", proxied.len());
    // Everything the app loaded (SDK included) came from its own origin: nothing from the
    // internet, nothing by same-origin accident from the host.
    let loaded = ui
        .in_app("return performance.getEntriesByType('resource').map(e => e.name);")
        .await?;
    let app_origin = format!("{}/", ui.sandbox.app_assets_url());
    let names: Vec<&str> = loaded
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !names.iter().any(|n| n.ends_with("zaf_sdk.min.js"))
        || !names.iter().any(|n| n.ends_with(".wasm"))
    {
        return fail(format!("the SDK or the wasm was not loaded: {loaded}"));
    }
    if let Some(foreign) = names.iter().find(|n| !n.starts_with(&app_origin)) {
        return fail(format!("the app loaded {foreign} from outside its origin"));
    }
    ui.screenshot("ready-light").await
}

pub async fn a_click_likes_the_photo(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "").await?;
    ui.wait_app("ready", ready).await?;
    // A slow origin (one call), so the optimistic heart is visible while it saves.
    ui.sandbox.faults.set(
        "/like",
        Fault {
            // Under the proxy's 1 s timeout in these tests.
            latency_ms: 700,
            times: Some(1),
            ..Fault::default()
        },
    );
    ui.click_heart().await?;
    ui.wait_app("the optimistic heart while saving", |v| {
        v["state"] == "saving" && v["pressed"] == "true"
    })
    .await?;
    ui.screenshot("saving").await?;
    // Meanwhile five other accounts like the photo: the answer (41 + 5 + 1) is what must show,
    // not the optimistic 42.
    ui.sandbox
        .instagram
        .set_other_likes("omniwear", PHOTO_62, 46)
        .ok_or("no such photo")?;
    let app = ui
        .wait_app("the service's answer to show", |v| {
            ready(v) && v["pressed"] == "true" && v["count"].as_str().unwrap_or("").contains("47")
        })
        .await?;
    if !ui.liked_in_origin(PHOTO_62)? {
        return fail("the origin does not have the like");
    }
    let likes = ui.service_calls_to("/like");
    let data: Value = serde_json::from_str(
        likes
            .first()
            .and_then(|c| c.client_data.as_deref())
            .unwrap_or(""),
    )?;
    if data != json!({"ticket_id": "62", "external_id": PHOTO_62, "liked": true}) {
        return fail(format!("like body: {data}"));
    }
    if app["status"].as_str().unwrap_or("").is_empty() {
        // The status region announces the change to screen readers.
        return fail(format!("no announcement: {app}"));
    }
    ui.screenshot("liked-light").await?;
    // And back.
    ui.click_heart().await?;
    ui.wait_app("the unlike to be saved", |v| {
        ready(v) && v["pressed"] == "false"
    })
    .await?;
    if ui.liked_in_origin(PHOTO_62)? {
        return fail("the origin still has the like");
    }
    Ok(())
}

pub async fn another_agents_change_shows_on_activation(ui: &Ui<'_>) -> R<()> {
    ui.open(64, "").await?;
    ui.wait_app("ticket 64 liked", |v| ready(v) && v["pressed"] == "true")
        .await?;
    ui.click_host("#other-unlike").await?;
    ui.wait_for("the origin to change", || async {
        ui.liked_in_origin(PHOTO_64)
            .map(|liked| (!liked).then_some(()))
    })
    .await?;
    ui.click_host("#fire-activated").await?;
    ui.wait_app("the app to pick up the unlike", |v| {
        ready(v) && v["pressed"] == "false" && v["count"].as_str().unwrap_or("").contains("127")
    })
    .await?;
    Ok(())
}

pub async fn an_email_ticket_hides_the_app(ui: &Ui<'_>) -> R<()> {
    ui.open(63, "").await?;
    ui.wait_for("the host to hide the app", || async {
        ui.host().await.map(|h| (h["hidden"] == true).then_some(()))
    })
    .await?;
    if !ui.sandbox.log.service_calls().is_empty() {
        return fail("an email ticket reached the integration service");
    }
    ui.screenshot("hidden-email-ticket").await
}

/// Real pointer clicks in one WebDriver action chain (as fast as a person can't), against an
/// origin that takes 500 ms per call like a real API might.
pub async fn twenty_rapid_clicks_end_right(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "").await?;
    ui.wait_app("ready", ready).await?;
    ui.sandbox.faults.set(
        "/like",
        Fault {
            latency_ms: 500,
            ..Fault::default()
        },
    );
    // 20 clicks from "not liked": the last intent is "not liked". The first click sends a like
    // at once, so settled means: that call arrived, and the app and the origin agree again.
    ui.burst_on_heart(20).await?;
    ui.wait_for("the last intent (not liked) to settle", || async {
        let app = ui.app().await?;
        let calls = ui.service_calls_to("/like");
        let settled = ready(&app)
            && app["pressed"] == "false"
            && !calls.is_empty()
            && calls.iter().all(|c| c.status != 0)
            && !ui.liked_in_origin(PHOTO_62)?;
        Ok(settled.then_some(()))
    })
    .await?;
    let after_twenty = ui.service_calls_to("/like").len();
    // One more: "liked".
    ui.burst_on_heart(1).await?;
    ui.wait_app("one more click to like", |v| {
        ready(v) && v["pressed"] == "true"
    })
    .await?;
    ui.wait_for("the origin to agree", || async {
        ui.liked_in_origin(PHOTO_62).map(|l| l.then_some(()))
    })
    .await?;
    if after_twenty > 3 {
        return fail(format!("{after_twenty} like requests for 20 clicks"));
    }
    eprintln!("    20 clicks → {after_twenty} /like request(s)");
    Ok(())
}
