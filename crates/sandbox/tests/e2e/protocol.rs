//! End-to-end, the host side of the ZAF protocol on its own: a probe page (`fixtures/protocol.html`)
//! with the real SDK in place of the app asks the host for everything the app relies on.

use sandbox::Fault;
use sandbox::browser::{R, fail};
use serde_json::json;

use crate::ui::{PHOTO_62, Ui};

/// The host side of the protocol on its own, against a probe page using the real SDK.
pub async fn protocol_with_the_real_sdk(ui: &Ui<'_>) -> R<()> {
    ui.sandbox.faults.set(
        "/like",
        Fault {
            retry_after: Some(7),
            ..Fault::default()
        },
    );
    ui.sandbox.faults.set(
        "/slow",
        Fault {
            latency_ms: 2_000,
            ..Fault::default()
        },
    );
    ui.open(62, "").await?;
    let out = ui
        .wait_for("the probe to finish", || async {
            ui.in_app("return window.__out || null;")
                .await
                .map(|v| (v["finished"] == true).then_some(v))
        })
        .await?;
    let check = |cond: bool, what: &str| -> R<()> {
        if cond {
            Ok(())
        } else {
            fail(format!("{what}: {out:#}"))
        }
    };
    check(out.get("error").is_none(), "no step threw")?;
    check(
        out["metadata"]["settings"]["like_path"] == "/like",
        "metadata.settings",
    )?;
    check(
        out["context"]["location"] == "ticket_sidebar",
        "context.location",
    )?;
    let get = &out["get"];
    check(get["ticket.id"] == 62, "get ticket.id is a number")?;
    check(
        get["ticket.externalId"] == PHOTO_62,
        "get ticket.externalId",
    )?;
    check(
        get["ticket.via"]["channel"] == "any_channel",
        "get ticket.via",
    )?;
    check(
        get["currentUser.locale"] == "en-US",
        "get currentUser.locale",
    )?;
    check(get["colorScheme"] == "light", "get colorScheme")?;
    check(get["errors"] == json!({}), "get errors")?;
    check(
        out["getError"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("ticket.nope")),
        "an unknown path rejects, naming the path",
    )?;
    let complete = &out["complete"];
    check(complete["status"] == 200, "complete response status")?;
    check(
        complete["responseJSON"]
            == json!({"liked": false, "like_count": 41, "account": "@omniwear"}),
        "complete responseJSON",
    )?;
    check(
        complete["responseText"].is_string(),
        "complete responseText",
    )?;
    check(
        complete["headers"]["content-type"]
            .as_str()
            .is_some_and(|t| t.starts_with("application/json")),
        "lower-case headers",
    )?;
    check(
        out["notFound"]["status"] == 404,
        "404 rejects with its status",
    )?;
    check(
        out["notFound"]["responseJSON"]["error"] == "RecordNotFound",
        "404 carries responseJSON",
    )?;
    check(out["rateLimited"]["status"] == 429, "429 rejects")?;
    check(
        out["rateLimited"]["headers"]["retry-after"] == "7",
        "429 carries retry-after",
    )?;
    check(
        out["timeout"]["status"] == 0 && out["timeout"]["statusText"] == "timeout",
        "the timeout option applies",
    )?;
    check(
        out["plain"]["ticket"]["id"] == 62,
        "a plain request resolves with the body",
    )?;
    let host = ui.host().await?;
    let src = host["src"].as_str().unwrap_or_default().to_owned();
    let expected_origin = format!(
        "origin={}",
        ui.sandbox
            .host_url()
            .replace(':', "%3A")
            .replace('/', "%2F")
    );
    check(
        src.starts_with(&format!(
            "{}/assets/iframe.html?",
            ui.sandbox.app_assets_url()
        )) && src.contains(&expected_origin)
            && src.contains("app_guid=")
            && src.contains("colorScheme=light"),
        &format!("iframe URL as Zendesk builds it: {src}"),
    )?;
    check(host["frameHeight"] == 150.0, "resize set the iframe height")?;
    check(host["hidden"] == false, "hide then show")?;

    // Events: the automatic first activation, then the page's buttons.
    ui.click_host("#fire-activated").await?;
    ui.click_host("#fire-updated").await?;
    ui.click_host("#toggle-scheme").await?;
    let events = ui
        .wait_for("three more events", || async {
            ui.in_app("return window.__events;")
                .await
                .map(|v| (v.as_array().map_or(0, Vec::len) >= 4).then_some(v))
        })
        .await?;
    let names: Vec<&str> = events
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e[0].as_str())
        .collect();
    if names
        != [
            "app.activated",
            "app.activated",
            "ticket.updated",
            "colorScheme.changed",
        ]
    {
        return fail(format!("events: {events}"));
    }
    if events[0][1]["firstLoad"] != true || events[3][1] != "dark" {
        return fail(format!("event payloads: {events}"));
    }
    Ok(())
}
