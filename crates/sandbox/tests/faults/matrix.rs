//! The fault matrix at work: one cell, read or set, end to end (inject the fault, act, wait for the
//! end state, then check the heart against the origin, the message, "Try again", the requests
//! sent and that nothing is left pending); and two trials beside the matrix: 100 quick clicks,
//! and the wasm served as `application/octet-stream`.

use std::time::Instant;

use sandbox::browser::fantoccini::Client;
use sandbox::browser::{Page, R, fail};
use sandbox::{Config, Fault, Sandbox};
use serde_json::Value;

use crate::Shared;
use crate::cells::{Call, Cell, Expect, Heart, Inject};

pub const PHOTO: &str = "ig:17895695668004550";

/// The app's timing in the matrix: a 3 s deadline (Zendesk is asked for 60 s, so the app's own
/// deadline is what ends a call that is never answered), backoff from 200 ms up to 800 ms.
pub const MATRIX_TIMING: &str = r#"{"request_timeout_ms": 60000, "deadline_ms": 3000,
  "backoff_base_ms": 200, "backoff_cap_ms": 800, "auto_retries": 3, "max_wait_ms": 5000,
  "set_max_age_ms": 60000}"#;

pub fn matrix_config() -> Config {
    Config {
        // Under the app's 3 s deadline, with room for the 10 MB answer's trip through TLS in a
        // debug build on a busy machine.
        proxy_timeout_ms: 2_500,
        ..Config::default()
    }
}

pub fn inject(sandbox: &Sandbox, path: &str, inject: &Inject) {
    match inject {
        Inject::Service(f) => sandbox.faults.set(path, f.clone()),
        Inject::Proxy(f) => sandbox.faults.set_proxy(path, f.clone()),
    }
}

/// What is wrong with the host's subscriptions: each event the app listens to must have exactly
/// one subscriber, however often the app was started, failed or retried.
pub async fn subscription_problems(ui: &Page<'_>) -> R<Vec<String>> {
    let host = ui.host().await?;
    Ok(["app.activated", "ticket.updated", "colorScheme.changed"]
        .into_iter()
        .filter(|event| host["subscribed"][event] != 1)
        .map(|event| format!("{event} has {} subscriber(s)", host["subscribed"][event]))
        .collect())
}

/// `aria-pressed` for a like-state.
pub fn pressed(liked: bool) -> &'static str {
    if liked { "true" } else { "false" }
}

/// Nothing pending in the iframe (no timer, no unsettled `client.request`) nor in the proxy.
pub fn quiet(ui: &Page<'_>, app: &Value) -> bool {
    app["timers"] == 0 && app["pending"] == 0 && ui.sandbox.log.proxy_pending() == 0
}

pub fn shows(app: &Value, e: &Expect) -> bool {
    app["state"] == e.state
        && (e.state != "error" || !app["status"].as_str().unwrap_or("").is_empty())
}

pub async fn run_cell(shared: &Shared, c: &Client, call: Call, cell: &Cell) -> R<String> {
    let sandbox = shared.sandbox(matrix_config(), MATRIX_TIMING).await?;
    let ui = Page::new(c, sandbox);
    let e = match call {
        Call::Read => &cell.read,
        Call::Set => &cell.set,
    };
    let (before, sent_before) = match call {
        Call::Read => {
            inject(&ui.sandbox, call.path(), &cell.inject);
            ui.open(62, "").await?;
            (0, 0)
        }
        Call::Set => {
            ui.open(62, "").await?;
            let app = ui
                .wait_app("ready and quiet", |v| {
                    v["state"] == "ready" && v["pressed"] == "false" && quiet(&ui, v)
                })
                .await?;
            let before = ui.sandbox.log.proxy_total();
            inject(&ui.sandbox, call.path(), &cell.inject);
            ui.click_heart().await?;
            (before, app["requests"].as_u64().unwrap_or(0))
        }
    };
    let started = Instant::now();
    let mut app = ui
        .wait_app(&format!("the end state ({})", e.state), |v| {
            shows(v, e) && (cell.held || quiet(&ui, v))
        })
        .await?;
    let took = started.elapsed().as_millis();
    if cell.held {
        // The app gave up on the call; Zendesk answers it after all: that changes nothing.
        if ui.sandbox.log.proxy_pending() != 1 {
            return fail("the held call is not pending at the proxy");
        }
        ui.sandbox.faults.clear_all();
        let shown = app.clone();
        app = ui
            .wait_app("the late answer to arrive and change nothing", |v| {
                quiet(&ui, v)
            })
            .await?;
        for key in ["state", "pressed", "status", "retry"] {
            if app[key] != shown[key] {
                return fail(format!("the late answer changed {key}: {shown} → {app}"));
            }
        }
    }
    let origin = ui.liked_in_origin(PHOTO)?;
    let status = app["status"].as_str().unwrap_or("").to_owned();
    let mut problems = Vec::new();
    if origin != e.liked {
        problems.push(format!("origin liked={origin}, expected {}", e.liked));
    }
    match e.heart {
        Heart::Origin if app["pressed"].as_str() != Some(pressed(origin)) => {
            problems.push(format!(
                "heart {} but the origin says liked={origin}",
                app["pressed"]
            ))
        }
        Heart::Absent if !app["pressed"].is_null() => {
            problems.push(format!("a heart ({}) where none should be", app["pressed"]))
        }
        _ => {}
    }
    for want in &e.says {
        if !status.contains(want) {
            problems.push(format!("message {status:?} lacks {want:?}"));
        }
    }
    if e.says.is_empty() && app["state"] == "error" {
        problems.push(format!("unexpected message {status:?}"));
    }
    if e.retry != (app["retry"] == true) {
        problems.push(format!(
            "retry offered: {}, expected {}",
            app["retry"], e.retry
        ));
    }
    if e.state == "hidden" && ui.host().await?["hidden"] != true {
        problems.push("the host did not hide the app".into());
    }
    // What the app sent (client.request calls), and what reached the proxy.
    let requests = app["requests"].as_u64().unwrap_or(0) - sent_before;
    let proxied = ui.sandbox.log.proxy_total() - before;
    if requests != e.requests {
        problems.push(format!("{requests} request(s), expected {}", e.requests));
    }
    if proxied != requests && !(cell.resent && proxied > requests) {
        problems.push(format!(
            "{proxied} call(s) at the proxy for {requests} request(s)"
        ));
    }
    let calls = ui.sandbox.log.proxy_calls();
    let mine: Vec<_> = calls
        .iter()
        .skip(calls.len().saturating_sub(proxied as usize))
        .collect();
    if cell.gap_ms > 0 {
        match mine.as_slice() {
            [first, second, ..] if second.at_ms >= first.at_ms + cell.gap_ms => {}
            [first, second, ..] => problems.push(format!(
                "retried {} ms after the 429, expected at least {}",
                second.at_ms - first.at_ms,
                cell.gap_ms
            )),
            _ => problems.push("no retry".into()),
        }
    }
    if !quiet(&ui, &app) {
        problems.push(format!("something is left pending: {app}"));
    }
    problems.extend(subscription_problems(&ui).await?);
    if !problems.is_empty() {
        let _ = ui
            .screenshot(&format!("FAILED-faults-{}-{}", call.name(), cell.fault))
            .await;
        return fail(format!("{}\n  app: {app}", problems.join("\n  ")));
    }
    Ok(format!(
        "{} → {} · heart {} · {requests} request(s) · {took} ms · {status}",
        cell.fault,
        e.state,
        app["pressed"].as_str().unwrap_or("none"),
    ))
}

/// 100 real pointer clicks in one WebDriver action chain against a service that takes 300 ms:
/// the heart ends in the 100th click's state (not liked) with at most three sets sent.
pub async fn quick_clicks(shared: &Shared, c: &Client) -> R<String> {
    let ui = Page::new(c, shared.sandbox(matrix_config(), MATRIX_TIMING).await?);
    ui.open(62, "").await?;
    let ready = ui
        .wait_app("ready", |v| v["state"] == "ready" && quiet(&ui, v))
        .await?;
    ui.sandbox.faults.set(
        "/like",
        Fault {
            latency_ms: 300,
            ..Fault::default()
        },
    );
    ui.burst_on_heart(100).await?;
    let app = ui
        .wait_app("the last intent, settled", |v| {
            v["state"] == "ready" && v["pressed"] == "false" && quiet(&ui, v)
        })
        .await?;
    let sets = app["requests"].as_u64().unwrap_or(0) - ready["requests"].as_u64().unwrap_or(0);
    if ui.liked_in_origin(PHOTO)? {
        return fail("the origin is liked after an even number of clicks");
    }
    if sets > 3 || sets == 0 {
        return fail(format!("{sets} set(s) for 100 clicks"));
    }
    Ok(format!(
        "100 clicks → {sets} set(s), heart = origin = not liked"
    ))
}

/// The package's wasm served as `application/octet-stream`: the loader falls back, the app works.
pub async fn wasm_as_octet_stream(shared: &Shared, c: &Client) -> R<String> {
    let config = Config {
        wasm_octet_stream: true,
        ..matrix_config()
    };
    let ui = Page::new(c, shared.sandbox(config, MATRIX_TIMING).await?);
    ui.open(62, "").await?;
    ui.wait_app("ready", |v| v["state"] == "ready").await?;
    let wasm = ui
        .in_app("return performance.getEntriesByType('resource').map(e => e.name).find(n => n.endsWith('.wasm'));")
        .await?;
    let url = wasm.as_str().ok_or("no .wasm was loaded")?;
    let served = reqwest::get(url).await?;
    let content_type = served
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if content_type != "application/octet-stream" {
        return fail(format!("the wasm was served as {content_type:?}"));
    }
    Ok(format!("{url} as {content_type}: ready"))
}
