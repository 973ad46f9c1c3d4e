//! End-to-end, what goes wrong: a refused token, each fault on the set with its message and the
//! rollback, and a failed or rate-limited read that recovers.

use fantoccini::Locator;
use sandbox::Fault;
use sandbox::browser::{R, fail};

use crate::ui::{PHOTO_62, Ui, ready};

pub async fn a_wrong_token_shows_the_error(ui: &Ui<'_>) -> R<()> {
    ui.open(65, "").await?;
    let app = ui.wait_app("the error", |v| v["state"] == "error").await?;
    let status = app["status"].as_str().unwrap_or("");
    if !status.contains("refused") {
        return fail(format!("401 message: {app}"));
    }
    if ui.sandbox.log.proxy_calls().first().map(|c| c.status) != Some(401) {
        return fail("the proxy did not answer 401");
    }
    ui.screenshot("error-wrong-token").await
}

/// Each fault on `/like`: the message names it and the heart rolls back.
pub async fn each_fault_shows_its_message_and_rolls_back(ui: &Ui<'_>) -> R<()> {
    let faults: [(&str, Fault, &str); 5] = [
        (
            "status-500",
            Fault {
                status: Some(500),
                ..Fault::default()
            },
            "the integration service failed (500)",
        ),
        (
            "malformed-json",
            Fault {
                malformed_json: true,
                ..Fault::default()
            },
            "(502)",
        ),
        (
            "retry-after",
            Fault {
                retry_after: Some(30),
                ..Fault::default()
            },
            "too many requests (429)",
        ),
        (
            "dropped-connection",
            Fault {
                drop_connection: true,
                ..Fault::default()
            },
            "(502)",
        ),
        (
            "timeout",
            Fault {
                latency_ms: 1_500,
                ..Fault::default()
            },
            "(504)",
        ),
    ];
    let mut seen = Vec::new();
    for (name, fault, reason) in faults {
        ui.sandbox.faults.clear_all();
        ui.open(62, "").await?;
        ui.wait_app("ready", |v| ready(v) && v["pressed"] == "false")
            .await?;
        ui.sandbox.faults.set("/like", fault);
        ui.click_heart().await?;
        let app = ui
            .wait_app(&format!("{name}: the error"), |v| {
                v["state"] == "error" && v["pressed"] == "false"
            })
            .await?;
        let status = app["status"].as_str().unwrap_or("").to_owned();
        if !status.starts_with("Couldn't like the photo") || !status.contains(reason) {
            return fail(format!("{name}: message {status:?}"));
        }
        if ui.liked_in_origin(PHOTO_62)? {
            return fail(format!("{name}: the origin was liked anyway"));
        }
        ui.screenshot(&format!("fault-{name}")).await?;
        seen.push(format!("{name}: {status}"));
        if name == "retry-after" {
            let call = ui
                .sandbox
                .log
                .proxy_calls()
                .into_iter()
                .rev()
                .find(|c| c.status == 429);
            if call.and_then(|c| c.retry_after).as_deref() != Some("30") {
                return fail("the 429 did not carry Retry-After: 30");
            }
        }
    }
    // With the fault gone, the retry button recovers.
    ui.sandbox.faults.clear_all();
    ui.click_in_app("button.retry").await?;
    ui.wait_app("the retry to succeed", ready).await?;
    eprintln!("    messages:\n      {}", seen.join("\n      "));
    Ok(())
}

/// The sandbox page's fault form, used as a person would: Zendesk's own 429 on the like, chosen
/// from the list and set with the button, reaches the heart, and the service is never called.
pub async fn the_fault_form_sets_a_fault_of_zendesks_proxy(ui: &Ui<'_>) -> R<()> {
    ui.sandbox.faults.clear_all();
    ui.open(62, "").await?;
    ui.wait_app("ready", |v| ready(v) && v["pressed"] == "false")
        .await?;
    let likes_before = ui.service_calls_to("/like").len();
    ui.c.find(Locator::Css("#fault-path"))
        .await?
        .select_by_value("/like")
        .await?;
    ui.c.find(Locator::Css("#fault-kind"))
        .await?
        .select_by_value("proxy-429")
        .await?;
    ui.click_host("#fault-form button[type=submit]").await?;
    ui.wait_for("the fault listed on the page", || async {
        let text = ui.c.find(Locator::Css("#faults")).await?.text().await?;
        Ok(text.contains("proxy /like").then_some(()))
    })
    .await?;
    ui.click_heart().await?;
    let app = ui
        .wait_app("Zendesk's 429 on the heart", |v| {
            v["state"] == "error" && v["pressed"] == "false"
        })
        .await?;
    let status = app["status"].as_str().unwrap_or("");
    if !status.contains("too many requests (429)") {
        return fail(format!("message {status:?}"));
    }
    if ui.service_calls_to("/like").len() != likes_before {
        return fail("the proxy's own refusal reached the service");
    }
    ui.screenshot("fault-form-proxy-429").await?;
    ui.click_host("#fault-clear").await?;
    ui.wait_for("the faults cleared on the page", || async {
        let text = ui.c.find(Locator::Css("#faults")).await?.text().await?;
        Ok((text == "no faults").then_some(()))
    })
    .await
}

/// A failed read offers a retry; a 429 on the read waits out `Retry-After` and retries alone.
pub async fn load_errors_recover(ui: &Ui<'_>) -> R<()> {
    ui.sandbox.faults.set(
        "/like_state",
        Fault {
            status: Some(500),
            times: Some(1),
            ..Fault::default()
        },
    );
    ui.open(62, "").await?;
    let app = ui
        .wait_app("the load error", |v| {
            v["state"] == "error" && v["retry"] == true
        })
        .await?;
    let status = app["status"].as_str().unwrap_or("");
    if !status.starts_with("Couldn't load the like") {
        return fail(format!("load error message: {app}"));
    }
    if app["pressed"] == "false" {
        return fail(format!(
            "a failed read must not pretend \"not liked\": {app}"
        ));
    }
    ui.screenshot("error-load").await?;
    ui.click_in_app("button.retry").await?;
    ui.wait_app("ready after Try again", |v| {
        ready(v) && v["pressed"] == "false"
    })
    .await?;

    // Now a 429 with Retry-After: 1 on the next read (app.activated).
    ui.sandbox.faults.set(
        "/like_state",
        Fault {
            retry_after: Some(1),
            times: Some(1),
            ..Fault::default()
        },
    );
    let before = ui.service_calls_to("/like_state").len();
    ui.click_host("#fire-activated").await?;
    let reads = ui
        .wait_for("a read after the 429, without a click", || async {
            let reads = ui.service_calls_to("/like_state");
            R::Ok((reads.len() >= before + 2).then_some(reads))
        })
        .await?;
    let (limited, again) = (&reads[before], &reads[before + 1]);
    if limited.status != 429 || again.at_ms < limited.at_ms + 1_000 {
        return fail(format!(
            "the retry came {} ms after the 429 (status {})",
            again.at_ms.saturating_sub(limited.at_ms),
            limited.status
        ));
    }
    ui.wait_app("ready after the automatic retry", ready)
        .await?;
    Ok(())
}
