//! End-to-end: headless Chromium (over WebDriver) opens the sandbox's agent pages, the real app
//! runs in its iframe on another origin with the real ZAF SDK, and every call crosses the real
//! proxy to the reference integration service.
//!
//! Needs the built app package and the SDK bundle: run through `cargo xtask test`, which sets
//! `ZENDESK_HEART_PACKAGE_DIR` and `ZENDESK_HEART_ZAF_SDK` (and `CHROMEDRIVER`).
//! `E2E_ONLY=<substring>` runs only the cases whose name contains it.
//!
//! One chromedriver and one browser session serve all cases (a 2-core machine); every case gets
//! a fresh sandbox on free ports, so no state leaks from one case to the next.

use std::error::Error;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::{Duration, Instant};

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use sandbox::{Config, Fault, Sandbox};
use serde_json::{Value, json};

#[path = "support/mod.rs"]
mod support;
use support::{R, env_path, start_browser, start_driver, workspace_target};

const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);
const PHOTO_62: &str = "ig:17895695668004550";
const PHOTO_64: &str = "ig:17841400008460056";

fn fail<T>(msg: impl Into<String>) -> R<T> {
    Err(msg.into().into())
}

/// Polls `$probe` (an expression yielding `R<Option<T>>`) until it is `Some`, for at most
/// [`WAIT`]. The poll interval only paces the loop; correctness rests on the condition.
macro_rules! wait_until {
    ($what:expr, $probe:expr) => {{
        let deadline = Instant::now() + WAIT;
        loop {
            let last = match $probe {
                Ok(Some(v)) => break Ok::<_, Box<dyn Error + Send + Sync>>(v),
                Ok(None) => String::from("the condition was not met"),
                Err(e) => e.to_string(),
            };
            if Instant::now() >= deadline {
                break fail(format!(
                    "waited {} s for {}; last check: {last}",
                    WAIT.as_secs(),
                    $what
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }};
}

fn screenshot_dir() -> PathBuf {
    let dir = workspace_target().join("e2e");
    dir.canonicalize().unwrap_or(dir)
}

/// The browser, pointed at one case's sandbox.
struct Ui<'a> {
    c: &'a Client,
    sandbox: Sandbox,
    /// What a case needs to start a sandbox of its own: the integration's certificate, which the
    /// browser trusts, and the SDK bundle.
    tls: &'a sandbox::tls::Identity,
    sdk: &'a Path,
    /// The case's copy of the app package.
    package: &'a Path,
}

const APP_PROBE: &str = r#"
const m = document.getElementById('heart-app');
const h = document.querySelector('button.heart');
const n = document.querySelector('.like-count');
const s = document.querySelector('p.status');
const a = document.activeElement;
return {
  present: !!m,
  state: m ? m.dataset.state : null,
  scheme: m ? m.dataset.scheme : null,
  pressed: h ? h.getAttribute('aria-pressed') : null,
  label: h ? h.getAttribute('aria-label') : null,
  count: n ? n.textContent.trim() : null,
  status: s ? s.textContent.trim() : null,
  retry: !!document.querySelector('button.retry'),
  lang: m ? m.getAttribute('lang') : null,
  height: document.documentElement.getBoundingClientRect().height,
  scroll: document.documentElement.scrollHeight,
  focused: a === h,
  focusShadow: h ? getComputedStyle(h).boxShadow + ' ' + getComputedStyle(h).outlineStyle : null,
  background: getComputedStyle(document.body).backgroundColor,
  rootScheme: getComputedStyle(document.documentElement).colorScheme,
};
"#;

const HOST_PROBE: &str = r#"
const s = window.__sandbox || {};
const f = document.getElementById('app-frame');
const b = document.getElementById('app-box');
return {
  registered: !!s.registered,
  hidden: b ? b.hidden : null,
  frameHeight: f ? f.getBoundingClientRect().height : null,
  src: f ? f.src : null,
  resizes: s.resizes || [],
  subscribed: s.subscribed || {},
};
"#;

impl Ui<'_> {
    async fn open(&self, ticket: u64, query: &str) -> R<()> {
        let url = format!("{}{query}", self.sandbox.ticket_url(ticket));
        self.c.goto(&url).await?;
        wait_until!("the app to register with the host", {
            self.host()
                .await
                .map(|h| (h["registered"] == true).then_some(()))
        })
    }

    async fn host(&self) -> R<Value> {
        Ok(self.c.execute(HOST_PROBE, vec![]).await?)
    }

    /// Runs `script` inside the app's iframe and comes back to the host page.
    async fn in_app(&self, script: &str) -> R<Value> {
        self.c.enter_frame(0).await?;
        let out = self.c.execute(script, vec![]).await;
        self.c.enter_parent_frame().await?;
        Ok(out?)
    }

    async fn app(&self) -> R<Value> {
        self.in_app(APP_PROBE).await
    }

    async fn wait_app(&self, what: &str, ok: impl Fn(&Value) -> bool) -> R<Value> {
        self.wait_probe(APP_PROBE, what, ok).await
    }

    /// Runs `probe` in the app's iframe until `ok` holds of its answer.
    async fn wait_probe(&self, probe: &str, what: &str, ok: impl Fn(&Value) -> bool) -> R<Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let last = match self.in_app(probe).await {
                Ok(v) if ok(&v) => return Ok(v),
                Ok(v) => v,
                Err(e) => json!({ "probe error": e.to_string() }),
            };
            if Instant::now() >= deadline {
                return fail(format!(
                    "waited {} s for {what}; app: {last}",
                    WAIT.as_secs()
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn click_heart(&self) -> R<()> {
        self.c.enter_frame(0).await?;
        let clicked = match self.c.find(Locator::Css("button.heart")).await {
            Ok(el) => el.click().await.map_err(Into::into),
            Err(e) => Err(e.into()),
        };
        self.c.enter_parent_frame().await?;
        clicked
    }

    async fn click_host(&self, css: &str) -> R<()> {
        self.c.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    async fn screenshot(&self, name: &str) -> R<()> {
        let png = self.c.screenshot().await?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{name}.png")), png)?;
        Ok(())
    }

    fn liked_in_origin(&self, photo: &str) -> R<bool> {
        Ok(self
            .sandbox
            .origin
            .photo("omniwear", photo)
            .ok_or("no such photo")?
            .liked)
    }

    fn service_calls_to(&self, path: &str) -> Vec<sandbox::ServiceCall> {
        self.sandbox
            .log
            .service_calls()
            .into_iter()
            .filter(|c| c.path == path)
            .collect()
    }
}

fn ready(v: &Value) -> bool {
    v["state"] == "ready"
}

// ---------------------------------------------------------------- cases

#[path = "e2e/account.rs"]
mod e2e_account;
use e2e_account::*;
#[path = "e2e/channel.rs"]
mod e2e_channel;
use e2e_channel::*;

type Case = for<'a> fn(&'a Ui<'a>) -> Pin<Box<dyn Future<Output = R<()>> + Send + 'a>>;

macro_rules! case {
    ($f:ident) => {
        (stringify!($f), (|ui| Box::pin($f(ui))) as Case, false)
    };
    ($f:ident, protocol) => {
        (stringify!($f), (|ui| Box::pin($f(ui))) as Case, true)
    };
}

/// The host side of the protocol on its own, against a probe page using the real SDK.
async fn protocol_with_the_real_sdk(ui: &Ui<'_>) -> R<()> {
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
    let out = wait_until!("the probe to finish", {
        ui.in_app("return window.__out || null;")
            .await
            .map(|v| (v["finished"] == true).then_some(v))
    })?;
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
        src.starts_with(&format!("{}/assets/iframe.html?", ui.sandbox.app_origin()))
            && src.contains(&expected_origin)
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
    let events = wait_until!("three more events", {
        ui.in_app("return window.__events;")
            .await
            .map(|v| (v.as_array().map_or(0, Vec::len) >= 4).then_some(v))
    })?;
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

async fn loads_the_seeded_state_through_the_proxy(ui: &Ui<'_>) -> R<()> {
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
    let meta: Value = serde_json::from_str(got.instance_metadata.as_deref().unwrap_or(""))?;
    if meta["account"] != "omniwear" || meta["token"] != sandbox::config::OMNIWEAR_TOKEN {
        return fail(format!("instance_metadata: {meta}"));
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
    let app_origin = format!("{}/", ui.sandbox.app_origin());
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

async fn a_click_likes_the_photo(ui: &Ui<'_>) -> R<()> {
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
        .origin
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

async fn another_agents_change_shows_on_activation(ui: &Ui<'_>) -> R<()> {
    ui.open(64, "").await?;
    ui.wait_app("ticket 64 liked", |v| ready(v) && v["pressed"] == "true")
        .await?;
    ui.click_host("#other-unlike").await?;
    wait_until!("the origin to change", {
        ui.liked_in_origin(PHOTO_64)
            .map(|liked| (!liked).then_some(()))
    })?;
    ui.click_host("#fire-activated").await?;
    ui.wait_app("the app to pick up the unlike", |v| {
        ready(v) && v["pressed"] == "false" && v["count"].as_str().unwrap_or("").contains("127")
    })
    .await?;
    Ok(())
}

async fn an_email_ticket_hides_the_app(ui: &Ui<'_>) -> R<()> {
    ui.open(63, "").await?;
    wait_until!("the host to hide the app", {
        ui.host().await.map(|h| (h["hidden"] == true).then_some(()))
    })?;
    if !ui.sandbox.log.service_calls().is_empty() {
        return fail("an email ticket reached the integration service");
    }
    ui.screenshot("hidden-email-ticket").await
}

async fn a_wrong_token_shows_the_error(ui: &Ui<'_>) -> R<()> {
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
async fn each_fault_shows_its_message_and_rolls_back(ui: &Ui<'_>) -> R<()> {
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
    ui.c.enter_frame(0).await?;
    let retry = match ui.c.find(Locator::Css("button.retry")).await {
        Ok(b) => b.click().await.map_err(Into::into),
        Err(e) => Err::<(), Box<dyn Error + Send + Sync>>(e.into()),
    };
    ui.c.enter_parent_frame().await?;
    retry?;
    ui.wait_app("the retry to succeed", ready).await?;
    eprintln!("    messages:\n      {}", seen.join("\n      "));
    Ok(())
}

/// Real pointer clicks in one WebDriver action chain (as fast as a person can't), against an
/// origin that takes 500 ms per call like a real API might.
/// A failed read offers a retry; a 429 on the read waits out `Retry-After` and retries alone.
async fn load_errors_recover(ui: &Ui<'_>) -> R<()> {
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
    ui.c.enter_frame(0).await?;
    let retry = match ui.c.find(Locator::Css("button.retry")).await {
        Ok(b) => b.click().await.map_err(Into::into),
        Err(e) => Err::<(), Box<dyn Error + Send + Sync>>(e.into()),
    };
    ui.c.enter_parent_frame().await?;
    retry?;
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
    let reads = wait_until!("a read after the 429, without a click", {
        let reads = ui.service_calls_to("/like_state");
        R::Ok((reads.len() >= before + 2).then_some(reads))
    })?;
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

async fn twenty_rapid_clicks_end_right(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "").await?;
    ui.wait_app("ready", ready).await?;
    ui.sandbox.faults.set(
        "/like",
        Fault {
            latency_ms: 500,
            ..Fault::default()
        },
    );
    let burst = |clicks: usize| async move {
        ui.c.enter_frame(0).await?;
        let result: R<()> = async {
            let heart = ui.c.find(Locator::Css("button.heart")).await?;
            let mut mouse = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
                element: heart,
                duration: None,
                x: 0.0,
                y: 0.0,
            });
            for _ in 0..clicks {
                mouse = mouse
                    .then(PointerAction::Down {
                        button: MOUSE_BUTTON_LEFT,
                    })
                    .then(PointerAction::Up {
                        button: MOUSE_BUTTON_LEFT,
                    });
            }
            ui.c.perform_actions(mouse).await?;
            Ok(())
        }
        .await;
        ui.c.enter_parent_frame().await?;
        result
    };
    // 20 clicks from "not liked": the last intent is "not liked". The first click sends a like
    // at once, so settled means: that call arrived, and the app and the origin agree again.
    burst(20).await?;
    wait_until!("the last intent (not liked) to settle", {
        async {
            let app = ui.app().await?;
            let calls = ui.service_calls_to("/like");
            let settled = ready(&app)
                && app["pressed"] == "false"
                && !calls.is_empty()
                && calls.iter().all(|c| c.status != 0)
                && !ui.liked_in_origin(PHOTO_62)?;
            R::Ok(settled.then_some(()))
        }
        .await
    })?;
    let after_twenty = ui.service_calls_to("/like").len();
    // One more: "liked".
    burst(1).await?;
    ui.wait_app("one more click to like", |v| {
        ready(v) && v["pressed"] == "true"
    })
    .await?;
    wait_until!("the origin to agree", {
        ui.liked_in_origin(PHOTO_62).map(|l| l.then_some(()))
    })?;
    if after_twenty > 3 {
        return fail(format!("{after_twenty} like requests for 20 clicks"));
    }
    eprintln!("    20 clicks → {after_twenty} /like request(s)");
    Ok(())
}

async fn the_iframe_is_as_tall_as_its_content(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "").await?;
    ui.wait_app("ready", ready).await?;
    let fits = |label: &'static str| async move {
        wait_until!(label, {
            async {
                let app = ui.app().await?;
                let host = ui.host().await?;
                let content = app["scroll"].as_f64().unwrap_or(-1.0);
                let frame = host["frameHeight"].as_f64().unwrap_or(-2.0);
                R::Ok(((frame - content).abs() <= 1.0 && frame > 0.0).then_some((frame, content)))
            }
            .await
        })
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

async fn dark_mode(ui: &Ui<'_>) -> R<()> {
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

async fn a_non_english_locale(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "?locale=de").await?;
    let app = ui.wait_app("ready", ready).await?;
    if app["label"] != "„Gefällt mir“ als @omniwear" || app["lang"] != "de" {
        return fail(format!("German UI: {app}"));
    }
    ui.screenshot("ready-de").await
}

/// From the top of the agent's page, Tab alone reaches the heart inside the iframe, which
/// shows its focus; Space likes, Enter unlikes. Keys go to the page as a keyboard's would.
async fn keyboard_only(ui: &Ui<'_>) -> R<()> {
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

// ---------------------------------------------------------------- runner

/// A package with only the protocol probe as its `iframe.html`.
fn probe_package() -> R<PathBuf> {
    let dir = workspace_target().join("e2e").join("probe-package");
    std::fs::create_dir_all(dir.join("assets"))?;
    std::fs::write(
        dir.join("assets/iframe.html"),
        include_str!("fixtures/protocol.html"),
    )?;
    Ok(dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e() {
    let package = env_path("ZENDESK_HEART_PACKAGE_DIR");
    let sdk = env_path("ZENDESK_HEART_ZAF_SDK");
    let (package, sdk) = match (package, sdk) {
        (Ok(p), Ok(s)) => (p, s),
        (p, s) => panic!(
            "{}",
            [p.err(), s.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    if !package.join("assets/iframe.html").is_file() {
        panic!(
            "{} has no assets/iframe.html; run `cargo xtask test`",
            package.display()
        );
    }
    let probe = probe_package().expect("probe package");
    // The integration's certificate for this run, trusted by the browser (and nothing else).
    let identity = sandbox::tls::Identity::generate().expect("certificate");
    let package = copy_package(&package, "package").expect("a copy of the package");
    let only = std::env::var("E2E_ONLY").unwrap_or_default();
    let cases: Vec<(&str, Case, bool)> = vec![
        case!(protocol_with_the_real_sdk, protocol),
        case!(loads_the_seeded_state_through_the_proxy),
        case!(a_click_likes_the_photo),
        case!(another_agents_change_shows_on_activation),
        case!(an_email_ticket_hides_the_app),
        case!(a_wrong_token_shows_the_error),
        case!(each_fault_shows_its_message_and_rolls_back),
        case!(load_errors_recover),
        case!(twenty_rapid_clicks_end_right),
        case!(the_iframe_is_as_tall_as_its_content),
        case!(dark_mode),
        case!(a_non_english_locale),
        case!(keyboard_only),
        case!(the_caption_and_name_say_who_likes),
        case!(without_an_account_the_business_account_likes),
        case!(a_hostile_handle_is_plain_text_within_the_panel),
        case!(listing_screenshots_without_sandbox_controls),
        case!(another_package_shows_its_own_name),
        case!(channel_install_add_an_account_in_the_browser_pull_and_like),
        case!(channel_a_wrong_token_is_refused_in_the_admin_ui),
        case!(channel_an_edited_token_later_revoked_is_refused_on_the_heart),
        case!(channel_a_forged_external_id_changes_nothing),
        case!(channel_metadata_needs_update_shows_on_the_admin_page),
    ];

    let driver = start_driver().await.expect("chromedriver");
    let profile = workspace_target()
        .join("e2e")
        .join(format!("profile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).expect("profile dir");
    // Chromium cannot use a profile path with `..` in it.
    let profile = profile.canonicalize().expect("profile dir");
    // A 1280×800 viewport, the size of the screenshots.
    let client = start_browser(&driver, &profile, &[identity.chromium_flag()], (1280, 800))
        .await
        .expect("browser");

    let started = Instant::now();
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, run, protocol) in cases {
        if !name.contains(&only) {
            continue;
        }
        ran += 1;
        let config = Config {
            // Below the app's own 15 s request timeout, so a slow service is a 504 from the proxy.
            proxy_timeout_ms: 1_000,
            ..Config::default()
        };
        let dir = if protocol { &probe } else { &package };
        let sandbox = start_sandbox(config_for(name, config), dir, &sdk, &identity).await;
        let sandbox = match sandbox {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{name}: the sandbox did not start: {e}"));
                continue;
            }
        };
        let ui = Ui {
            c: &client,
            sandbox,
            tls: &identity,
            sdk: &sdk,
            package: &package,
        };
        let t = Instant::now();
        let outcome = run(&ui).await;
        let secs = t.elapsed().as_secs_f32();
        match outcome {
            Ok(()) => eprintln!("  ok    {name} ({secs:.1} s)"),
            Err(e) => {
                let _ = ui.screenshot(&format!("FAILED-{name}")).await;
                eprintln!("  FAIL  {name} ({secs:.1} s): {e}");
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    let _ = client.close().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_dir_all(&package);
    eprintln!(
        "e2e: {ran} case(s) in {:.1} s; screenshots in {}",
        started.elapsed().as_secs_f32(),
        screenshot_dir().display()
    );
    assert!(ran > 0, "E2E_ONLY={only:?} matched no case");
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));
}
