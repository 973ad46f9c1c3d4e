//! The fault matrix: for the read and for the set, every fault the sandbox can inject, end to end
//! in headless Chromium with the real SDK, the real proxy and the reference service. Each cell is
//! a test of its own (`read/429 Retry-After date`, …); then a soak of 1,000 clicks.
//!
//! Every cell asserts what the agent ends up seeing (the heart against the origin's value, the
//! message, whether "Try again" is offered), how many requests the app sent, and that nothing is
//! left pending: no timer or `client.request` in the iframe, no call in the proxy.
//!
//! The app's deadlines and backoff are shortened through `window.zendeskHeartTiming`
//! (`support/probe.js`), the proxy's timeout through the sandbox config: no test sleeps.
//! Needs the built package, like `e2e.rs`: run through `cargo xtask test`.

mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use fantoccini::Client;
use libtest_mimic::{Arguments, Failed, Trial};
use sandbox::channel::requirements;
use sandbox::{Config, Fault, Hang, Options, ProxyFault, Sandbox};
use serde_json::Value;
use support::{Driver, R, Ui, env_path, fail, workspace_target};

const PHOTO: &str = "ig:17895695668004550";

/// The app's timing in the matrix: a 3 s deadline (Zendesk is asked for 60 s, so the app's own
/// deadline is what ends a call that is never answered), backoff from 200 ms up to 800 ms.
const MATRIX_TIMING: &str = r#"{"request_timeout_ms": 60000, "deadline_ms": 3000,
  "backoff_base_ms": 200, "backoff_cap_ms": 800, "auto_retries": 3, "max_wait_ms": 5000,
  "set_max_age_ms": 60000}"#;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    Read,
    Set,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::Read => "read",
            Call::Set => "set",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Call::Read => "/like_state",
            Call::Set => "/like",
        }
    }
}

#[derive(Clone, Debug)]
enum Inject {
    Service(Fault),
    Proxy(ProxyFault),
}

/// What the heart shows at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Heart {
    /// The origin's value.
    Origin,
    /// No heart at all (no guess).
    Absent,
}

#[derive(Clone, Debug)]
struct Expect {
    /// `data-state`; `hidden` also means the host hid the app's box.
    state: &'static str,
    heart: Heart,
    /// Whether the origin has the like at the end (the set asks for it).
    liked: bool,
    says: Vec<&'static str>,
    retry: bool,
    /// Calls the app sent for this one read or click (retries and checks included).
    requests: u64,
}

struct Cell {
    fault: &'static str,
    inject: Inject,
    read: Expect,
    set: Expect,
    /// At least this long between the first two calls (a `Retry-After` floor).
    gap_ms: u64,
    /// The proxy holds a call: released once the app has given up on it.
    held: bool,
    /// The browser itself may resend a call whose connection dropped before any answer: the
    /// proxy then sees more calls than the app sent.
    resent: bool,
}

fn service(f: Fault) -> Inject {
    Inject::Service(f)
}

fn proxy(f: ProxyFault) -> Inject {
    Inject::Proxy(f)
}

fn once(f: Fault) -> Fault {
    Fault {
        times: Some(1),
        ..f
    }
}

fn expect(
    state: &'static str,
    heart: Heart,
    liked: bool,
    says: &[&'static str],
    retry: bool,
    requests: u64,
) -> Expect {
    Expect {
        state,
        heart,
        liked,
        says: says.to_vec(),
        retry,
        requests,
    }
}

const UNSURE: &str = "may or may not have gone through";

fn cells() -> Vec<Cell> {
    use Heart::{Absent, Origin};
    // What the agent sees after a failed read: no heart, the reason, "Try again".
    let read_error = |says: &[&'static str]| expect("error", Absent, false, says, true, 1);
    // After a refused set: rolled back, the reason, "Try again".
    let refused = |says: &[&'static str]| expect("error", Origin, false, says, true, 1);
    // After a set with an unknown outcome: read again, shown as the origin has it.
    let unsure = |liked: bool, reason: &'static str| {
        expect("error", Origin, liked, &[reason, UNSURE], !liked, 2)
    };
    let fine = |liked: bool, requests| expect("ready", Origin, liked, &[], false, requests);
    let cell = |fault, inject, read, set| Cell {
        fault,
        inject,
        read,
        set,
        gap_ms: 0,
        held: false,
        resent: false,
    };
    vec![
        cell(
            "latency 300 ms",
            service(Fault {
                latency_ms: 300,
                ..Fault::default()
            }),
            fine(false, 1),
            fine(true, 1),
        ),
        Cell {
            held: true,
            ..cell(
                "never answered (own deadline)",
                proxy(ProxyFault {
                    hang: Some(Hang::After),
                    ..ProxyFault::default()
                }),
                read_error(&["Zendesk did not answer in time"]),
                unsure(true, "Zendesk did not answer in time"),
            )
        },
        cell(
            "401 from the service",
            service(Fault {
                status: Some(401),
                ..Fault::default()
            }),
            read_error(&["access was refused (401)"]),
            refused(&["access was refused (401)"]),
        ),
        cell(
            "401 from Zendesk",
            proxy(ProxyFault {
                status: Some(401),
                ..ProxyFault::default()
            }),
            read_error(&["access was refused (401)"]),
            refused(&["access was refused (401)"]),
        ),
        cell(
            "403 from the service",
            service(Fault {
                status: Some(403),
                ..Fault::default()
            }),
            read_error(&["access was refused (403)"]),
            refused(&["access was refused (403)"]),
        ),
        cell(
            "403 from Zendesk",
            proxy(ProxyFault {
                status: Some(403),
                ..ProxyFault::default()
            }),
            read_error(&["access was refused (403)"]),
            refused(&["access was refused (403)"]),
        ),
        cell(
            "404 from Zendesk (no integration)",
            proxy(ProxyFault {
                status: Some(404),
                ..ProxyFault::default()
            }),
            expect("hidden", Absent, false, &[], false, 1),
            // The app (heart and all) is hidden; what it holds is the origin's value.
            expect("hidden", Origin, false, &[], false, 1),
        ),
        cell(
            "404 from the service",
            service(Fault {
                status: Some(404),
                ..Fault::default()
            }),
            read_error(&["(404)", "check the setting state_path"]),
            refused(&["(404)", "check the setting like_path"]),
        ),
        cell(
            "422 from the service",
            service(Fault {
                status: Some(422),
                ..Fault::default()
            }),
            read_error(&["(422)", "check the setting state_path"]),
            refused(&["(422)", "check the setting like_path"]),
        ),
        Cell {
            gap_ms: 1_000,
            ..cell(
                "429 Retry-After 1 s",
                service(once(Fault {
                    retry_after: Some(1),
                    ..Fault::default()
                })),
                fine(false, 2),
                fine(true, 2),
            )
        },
        Cell {
            gap_ms: 900,
            ..cell(
                "429 Retry-After a date",
                service(once(Fault {
                    retry_after_date_s: Some(2),
                    ..Fault::default()
                })),
                fine(false, 2),
                fine(true, 2),
            )
        },
        Cell {
            gap_ms: 100,
            ..cell(
                "429 without Retry-After",
                service(once(Fault {
                    status: Some(429),
                    ..Fault::default()
                })),
                fine(false, 2),
                fine(true, 2),
            )
        },
        Cell {
            gap_ms: 100,
            ..cell(
                "429 Retry-After 0",
                service(once(Fault {
                    retry_after: Some(0),
                    ..Fault::default()
                })),
                fine(false, 2),
                fine(true, 2),
            )
        },
        cell(
            "429 Retry-After an hour",
            service(Fault {
                retry_after: Some(3_600),
                ..Fault::default()
            }),
            read_error(&["too many requests (429)."]),
            refused(&["too many requests (429)."]),
        ),
        cell(
            "429 for good",
            service(Fault {
                status: Some(429),
                ..Fault::default()
            }),
            expect(
                "error",
                Absent,
                false,
                &["too many requests (429)."],
                true,
                4,
            ),
            expect(
                "error",
                Origin,
                false,
                &["too many requests (429)."],
                true,
                4,
            ),
        ),
        Cell {
            gap_ms: 1_000,
            ..cell(
                "429 from Zendesk, Retry-After 1 s",
                proxy(ProxyFault {
                    status: Some(429),
                    retry_after: Some("1".into()),
                    times: Some(1),
                    ..ProxyFault::default()
                }),
                fine(false, 2),
                fine(true, 2),
            )
        },
        cell(
            "500 from the service",
            service(Fault {
                status: Some(500),
                ..Fault::default()
            }),
            read_error(&["integration service failed (500)"]),
            refused(&["integration service failed (500)"]),
        ),
        cell(
            "500 from Zendesk",
            proxy(ProxyFault {
                status: Some(500),
                ..ProxyFault::default()
            }),
            read_error(&["integration service failed (500)"]),
            refused(&["integration service failed (500)"]),
        ),
        cell(
            "502 from the service",
            service(Fault {
                status: Some(502),
                ..Fault::default()
            }),
            read_error(&["(502)"]),
            unsure(false, "(502)"),
        ),
        cell(
            "504 after the service applied it",
            service(Fault {
                after_status: Some(504),
                ..Fault::default()
            }),
            read_error(&["(504)"]),
            unsure(true, "(504)"),
        ),
        cell(
            "malformed JSON",
            service(Fault {
                malformed_json: true,
                ..Fault::default()
            }),
            read_error(&["(502)"]),
            unsure(false, "(502)"),
        ),
        cell(
            "wrong types",
            service(Fault {
                wrong_types: true,
                ..Fault::default()
            }),
            read_error(&["answer could not be read"]),
            unsure(false, "answer could not be read"),
        ),
        cell(
            "a 10 MB answer",
            service(Fault {
                pad_bytes: Some(10_000_000),
                ..Fault::default()
            }),
            fine(false, 1),
            fine(true, 1),
        ),
        cell(
            "an HTML page with 200",
            proxy(ProxyFault {
                html: true,
                ..ProxyFault::default()
            }),
            read_error(&["answer could not be read"]),
            unsure(false, "answer could not be read"),
        ),
        cell(
            "204 No Content",
            proxy(ProxyFault {
                no_content: true,
                ..ProxyFault::default()
            }),
            read_error(&["answer could not be read"]),
            unsure(false, "answer could not be read"),
        ),
        cell(
            "dropped before the service applied it",
            service(Fault {
                drop_connection: true,
                ..Fault::default()
            }),
            read_error(&["(502)"]),
            unsure(false, "(502)"),
        ),
        cell(
            "dropped after the service applied it",
            service(Fault {
                after_drop: true,
                ..Fault::default()
            }),
            read_error(&["(502)"]),
            unsure(true, "(502)"),
        ),
        Cell {
            resent: true,
            ..cell(
                "connection to Zendesk lost",
                proxy(ProxyFault {
                    drop_connection: true,
                    ..ProxyFault::default()
                }),
                read_error(&["Zendesk could not be reached"]),
                unsure(false, "Zendesk could not be reached"),
            )
        },
    ]
}

/// What every trial needs: the built package, the SDK, and the one browser they share.
struct Shared {
    rt: tokio::runtime::Runtime,
    inputs: Result<(PathBuf, PathBuf), String>,
    browser: Mutex<Option<(Driver, Client)>>,
    profile: PathBuf,
}

impl Shared {
    async fn client(&self) -> R<Client> {
        if let Some((_, client)) = self.browser.lock().map_err(|_| "poisoned")?.as_ref() {
            return Ok(client.clone());
        }
        let driver = support::start_driver().await?;
        let _ = std::fs::remove_dir_all(&self.profile);
        std::fs::create_dir_all(&self.profile)?;
        // Chromium cannot use a profile path with `..` in it.
        let profile = self.profile.canonicalize()?;
        // `gc()` exposed and exact `performance.memory`, for the soak's heap figures.
        let flags = ["--js-flags=--expose-gc", "--enable-precise-memory-info"].map(String::from);
        let client = support::start_browser(&driver, &profile, &flags, (1280, 900)).await?;
        *self.browser.lock().map_err(|_| "poisoned")? = Some((driver, client.clone()));
        Ok(client)
    }

    fn close(&self) {
        let taken = self.browser.lock().ok().and_then(|mut b| b.take());
        if let Some((driver, client)) = taken {
            let _ = self.rt.block_on(client.close());
            drop(driver);
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    async fn sandbox(&self, config: Config, timing: &str) -> R<Sandbox> {
        let (package, sdk) = self.inputs.clone()?;
        let script = include_str!("support/probe.js").replace("__TIMING__", timing);
        // The package names the integration of this sandbox, on the free port it gets.
        let integration_port = requirements::point_at_free_port(&package)?;
        Ok(Sandbox::start(Options {
            config: Config {
                integration_port,
                pull_interval_ms: 0,
                ..config.on_free_ports()
            },
            package_dir: Some(package),
            zaf_sdk: Some(sdk),
            head_script: Some(script),
            tls: None,
        })
        .await?)
    }
}

fn matrix_config() -> Config {
    Config {
        proxy_timeout_ms: 1_000,
        ..Config::default()
    }
}

fn inject(sandbox: &Sandbox, path: &str, inject: &Inject) {
    match inject {
        Inject::Service(f) => sandbox.faults.set(path, f.clone()),
        Inject::Proxy(f) => sandbox.faults.set_proxy(path, f.clone()),
    }
}

/// `aria-pressed` for a like-state.
fn pressed(liked: bool) -> &'static str {
    if liked { "true" } else { "false" }
}

/// Nothing pending in the iframe (no timer, no unsettled `client.request`) nor in the proxy.
fn quiet(ui: &Ui<'_>, app: &Value) -> bool {
    app["timers"] == 0 && app["pending"] == 0 && ui.sandbox.log.proxy_pending() == 0
}

fn shows(app: &Value, e: &Expect) -> bool {
    app["state"] == e.state
        && (e.state != "error" || !app["status"].as_str().unwrap_or("").is_empty())
}

async fn run_cell(shared: &Shared, c: &Client, call: Call, cell: &Cell) -> R<String> {
    let sandbox = shared.sandbox(matrix_config(), MATRIX_TIMING).await?;
    let ui = Ui { c, sandbox };
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
    let host = ui.host().await?;
    for event in ["app.activated", "ticket.updated", "colorScheme.changed"] {
        if host["subscribed"][event] != 1 {
            problems.push(format!(
                "{event} has {} subscriber(s)",
                host["subscribed"][event]
            ));
        }
    }
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
async fn quick_clicks(shared: &Shared, c: &Client) -> R<String> {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let ui = Ui {
        c,
        sandbox: shared.sandbox(matrix_config(), MATRIX_TIMING).await?,
    };
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
    c.enter_frame(0).await?;
    let clicked: R<()> = async {
        let heart = c.find(fantoccini::Locator::Css("button.heart")).await?;
        let mut mouse = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
            element: heart,
            duration: None,
            x: 0.0,
            y: 0.0,
        });
        for _ in 0..100 {
            mouse = mouse
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                });
        }
        c.perform_actions(mouse).await?;
        Ok(())
    }
    .await;
    c.enter_parent_frame().await?;
    clicked?;
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
async fn wasm_as_octet_stream(shared: &Shared, c: &Client) -> R<String> {
    let config = Config {
        wasm_octet_stream: true,
        ..matrix_config()
    };
    let ui = Ui {
        c,
        sandbox: shared.sandbox(config, MATRIX_TIMING).await?,
    };
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

/// A state the matrix reaches, to check with axe-core.
#[derive(Clone, Copy, Debug)]
enum State {
    Loading,
    Ready,
    Saving,
    ReadFailed,
    SetRefused,
    SetUnsure,
    Waiting,
    Misconfigured,
}

impl State {
    const ALL: [State; 8] = [
        State::Loading,
        State::Ready,
        State::Saving,
        State::ReadFailed,
        State::SetRefused,
        State::SetUnsure,
        State::Waiting,
        State::Misconfigured,
    ];

    fn name(self) -> &'static str {
        match self {
            State::Loading => "loading",
            State::Ready => "ready",
            State::Saving => "saving",
            State::ReadFailed => "read failed",
            State::SetRefused => "set refused",
            State::SetUnsure => "set unsure",
            State::Waiting => "rate-limit wait",
            State::Misconfigured => "misconfigured",
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Variant {
    Light,
    Dark,
    Japanese,
}

impl Variant {
    const ALL: [Variant; 3] = [Variant::Light, Variant::Dark, Variant::Japanese];

    fn name(self) -> &'static str {
        match self {
            Variant::Light => "(light)",
            Variant::Dark => "(dark)",
            Variant::Japanese => "(ja, dark)",
        }
    }

    fn query(self) -> &'static str {
        match self {
            Variant::Light => "",
            Variant::Dark => "?color_scheme=dark",
            Variant::Japanese => "?color_scheme=dark&locale=ja",
        }
    }
}

/// axe-core rules that judge a whole page, not a fragment: the app is a widget in Zendesk's
/// sidebar, inside the agent's page, which has its own headings and landmarks.
const EXEMPT: [(&str, &str); 1] = [(
    "page-has-heading-one",
    "a sidebar widget has no page heading: Zendesk's page has it",
)];

/// Runs axe-core in the app's iframe, against what the agent sees: the iframe is transparent,
/// so its document gets the colour of the host's panel behind it first.
async fn axe(ui: &Ui<'_>, source: &str) -> R<Vec<Value>> {
    let panel =
        ui.c.execute(
            "return getComputedStyle(document.getElementById('app-box')).backgroundColor;",
            vec![],
        )
        .await?;
    ui.c.enter_frame(0).await?;
    let out: R<Value> = async {
        ui.c.execute(
            &format!("{source}\n;document.documentElement.style.backgroundColor = arguments[0]; return typeof axe;"),
            vec![panel],
        )
        .await?;
        Ok(ui
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, {resultTypes: ['violations']}).then(\
                   (r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact, \
                     help: v.help, nodes: v.nodes.map((n) => n.target.join(' '))}))),\
                   (e) => done([{id: 'axe-error', help: String(e)}]));",
                vec![],
            )
            .await?)
    }
    .await;
    ui.c.enter_parent_frame().await?;
    Ok(out?.as_array().cloned().unwrap_or_default())
}

async fn accessible(shared: &Shared, c: &Client, state: State, variant: Variant) -> R<String> {
    let axe_path = support::env_path("ZENDESK_HEART_AXE")?;
    let source = std::fs::read_to_string(&axe_path)?;
    let mut config = matrix_config();
    if let State::Misconfigured = state {
        config
            .settings
            .insert("like_path".into(), "http://svc.example/like".into());
    }
    let ui = Ui {
        c,
        sandbox: shared.sandbox(config, MATRIX_TIMING).await?,
    };
    let faults = &ui.sandbox.faults;
    let hold = ProxyFault {
        hang: Some(Hang::Before),
        ..ProxyFault::default()
    };
    if let State::Loading = state {
        faults.set_proxy("/like_state", hold.clone());
    }
    if let State::ReadFailed = state {
        faults.set(
            "/like_state",
            Fault {
                status: Some(500),
                ..Fault::default()
            },
        );
    }
    ui.open(62, variant.query()).await?;
    let set_fault = match state {
        State::Saving => Some(Inject::Proxy(hold)),
        State::SetRefused => Some(Inject::Service(Fault {
            status: Some(401),
            ..Fault::default()
        })),
        State::SetUnsure => Some(Inject::Service(Fault {
            after_drop: true,
            ..Fault::default()
        })),
        // Under the matrix's 5 s longest automatic wait: the app waits it out by itself.
        State::Waiting => Some(Inject::Service(Fault {
            retry_after: Some(4),
            ..Fault::default()
        })),
        _ => None,
    };
    if let Some(fault) = set_fault {
        ui.wait_app("ready", |v| v["state"] == "ready").await?;
        inject(&ui.sandbox, "/like", &fault);
        ui.click_heart().await?;
    }
    let want = |v: &Value| -> bool {
        let status = v["status"].as_str().unwrap_or("");
        let shown = match state {
            State::Loading => v["state"] == "loading",
            State::Ready => v["state"] == "ready",
            State::Saving => v["state"] == "saving",
            State::ReadFailed | State::SetRefused => v["state"] == "error" && v["retry"] == true,
            State::SetUnsure => v["state"] == "error" && !v["pressed"].is_null(),
            State::Waiting => v["state"] == "error" && v["retry"] == false,
            State::Misconfigured => v["state"] == "misconfigured",
        };
        shown
            && (matches!(state, State::Loading | State::Ready | State::Saving)
                || !status.is_empty())
    };
    let app = ui.wait_app(state.name(), want).await?;
    let lang = match variant {
        Variant::Japanese => "ja",
        _ => "en",
    };
    let mut problems = Vec::new();
    if app["htmlLang"] != lang {
        problems.push(format!("<html lang={}>, expected {lang}", app["htmlLang"]));
    }
    let violations = axe(&ui, &source).await?;
    let mut exempted = Vec::new();
    for v in &violations {
        let id = v["id"].as_str().unwrap_or("");
        if EXEMPT.iter().any(|(rule, _)| *rule == id) {
            exempted.push(id.to_owned());
        } else {
            problems.push(format!(
                "{id} ({}): {} at {}",
                v["impact"], v["help"], v["nodes"]
            ));
        }
    }
    let _ = ui
        .screenshot(&format!("a11y-{}-{}", state.name(), variant.name()))
        .await;
    if !problems.is_empty() {
        return fail(format!("{}\n  app: {app}", problems.join("\n  ")));
    }
    Ok(format!(
        "{} {}: no violations (exempt: {})",
        state.name(),
        variant.name(),
        if exempted.is_empty() {
            "none hit".into()
        } else {
            exempted.join(", ")
        }
    ))
}

const SOAK_CLICKS: usize = 1_000;

/// The soak's timing: everything short, so that 1,000 clicks take seconds.
const SOAK_TIMING: &str = r#"{"request_timeout_ms": 60000, "deadline_ms": 600,
  "backoff_base_ms": 20, "backoff_cap_ms": 100, "auto_retries": 3, "max_wait_ms": 2000,
  "set_max_age_ms": 60000}"#;

/// A small seeded generator (xorshift64*), so a failing soak can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n.max(1)
    }
}

/// A fault the soak may set: every one of them either fails before the origin changes or
/// changes it before the answer, so that reading the state again always tells the truth.
fn soak_fault(rng: &mut Rng) -> (&'static str, Inject) {
    let path = if rng.below(3) == 0 {
        "/like_state"
    } else {
        "/like"
    };
    let times = Some(1 + rng.below(2) as u32);
    let latency_ms = rng.below(30);
    let f = |fault: Fault| {
        Inject::Service(Fault {
            latency_ms,
            times,
            ..fault
        })
    };
    let p = |fault: ProxyFault| Inject::Proxy(ProxyFault { times, ..fault });
    let inject = match rng.below(18) {
        0 => f(Fault::default()),
        1 => f(Fault {
            status: Some([401, 403, 404, 422, 500][rng.below(5) as usize]),
            ..Fault::default()
        }),
        2 => f(Fault {
            status: Some(502),
            ..Fault::default()
        }),
        3 => f(Fault {
            malformed_json: true,
            ..Fault::default()
        }),
        4 => f(Fault {
            wrong_types: true,
            ..Fault::default()
        }),
        5 => f(Fault {
            retry_after: Some(0),
            ..Fault::default()
        }),
        6 => f(Fault {
            status: Some(429),
            ..Fault::default()
        }),
        7 => f(Fault {
            drop_connection: true,
            ..Fault::default()
        }),
        8 => f(Fault {
            after_status: Some(504),
            ..Fault::default()
        }),
        9 => f(Fault {
            after_drop: true,
            ..Fault::default()
        }),
        10 => p(ProxyFault {
            status: Some([401, 403, 500][rng.below(3) as usize]),
            ..ProxyFault::default()
        }),
        11 => p(ProxyFault {
            status: Some(429),
            retry_after: Some("0".into()),
            ..ProxyFault::default()
        }),
        12 => p(ProxyFault {
            html: true,
            ..ProxyFault::default()
        }),
        13 => p(ProxyFault {
            no_content: true,
            ..ProxyFault::default()
        }),
        14 => p(ProxyFault {
            drop_connection: true,
            ..ProxyFault::default()
        }),
        // A set held after it was applied; a read held before it reached the service. (A set
        // held before would reach the origin after the app read it again: a change the app
        // cannot know of until the next activation.)
        15 => p(ProxyFault {
            hang: Some(if path == "/like" {
                Hang::After
            } else {
                Hang::Before
            }),
            ..ProxyFault::default()
        }),
        _ => f(Fault {
            latency_ms: latency_ms * 3,
            ..Fault::default()
        }),
    };
    (path, inject)
}

/// Forces a garbage collection in the iframe, then reads the probe.
const GC_PROBE: &str = "if (window.gc) { gc(); gc(); } return window.__probe();";

async fn soak(shared: &Shared, c: &Client) -> R<String> {
    let seed = std::env::var("FAULTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("    soak seed {seed} (FAULTS_SEED={seed} replays it)");
    let mut rng = Rng(seed | 1);
    let ui = Ui {
        c,
        sandbox: shared.sandbox(matrix_config(), SOAK_TIMING).await?,
    };
    ui.open(62, "").await?;
    ui.wait_app("ready", |v| v["state"] == "ready" && quiet(&ui, v))
        .await?;
    // The agent presses the heart; when the heart cannot be pressed and "Try again" is offered,
    // that instead.
    let click = "const b = document.querySelector('button.heart');\
        if (b && b.getAttribute('aria-disabled') !== 'true') { b.click(); return 'heart'; }\
        const r = document.querySelector('button.retry');\
        if (r) { r.click(); return 'retry'; }\
        return 'none';";
    c.enter_frame(0).await?;
    let mut retries = 0u64;
    let run: R<(u64, Vec<Value>)> = async {
        let mut delivered = 0u64;
        let mut samples = Vec::new();
        for i in 0..SOAK_CLICKS {
            if i % 250 == 0 {
                samples.push(c.execute(GC_PROBE, vec![]).await?);
            }
            if rng.below(4) == 0 {
                let (path, fault) = soak_fault(&mut rng);
                inject(&ui.sandbox, path, &fault);
            }
            match c.execute(click, vec![]).await?.as_str() {
                Some("heart") => delivered += 1,
                Some("retry") => retries += 1,
                _ => {}
            }
        }
        Ok((delivered, samples))
    }
    .await;
    c.enter_parent_frame().await?;
    let (delivered, mut samples) = run?;
    // The faults end; an activation (the agent coming back to the ticket) reads the state.
    ui.sandbox.faults.clear_all();
    ui.wait_app("quiet after the clicks", |v| quiet(&ui, v))
        .await?;
    ui.c.find(fantoccini::Locator::Css("#fire-activated"))
        .await?
        .click()
        .await?;
    let app = ui
        .wait_app("the heart again, quiet", |v| {
            !v["pressed"].is_null() && v["state"] != "loading" && quiet(&ui, v)
        })
        .await?;
    samples.push(ui.in_app(GC_PROBE).await?);
    let origin = ui.liked_in_origin(PHOTO)?;
    let mut problems = Vec::new();
    if app["pressed"].as_str() != Some(pressed(origin)) {
        problems.push(format!(
            "heart {} but the origin says liked={origin}",
            app["pressed"]
        ));
    }
    let requests = app["requests"].as_u64().unwrap_or(0);
    // A press sends at most one set (or read), one read after an unsure set, and three
    // retries of each.
    let presses = delivered + retries;
    let bound = 8 * presses + 10;
    if requests > bound {
        problems.push(format!(
            "{requests} requests for {presses} presses (bound {bound})"
        ));
    }
    let first = &samples[1];
    let last = samples.last().ok_or("no samples")?;
    let figure = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    let heap_growth = figure(last, "heap") - figure(first, "heap");
    let wasm_growth = figure(last, "wasm") - figure(first, "wasm");
    if heap_growth.is_nan() || heap_growth >= 1_048_576.0 {
        problems.push(format!("the JS heap grew by {heap_growth} bytes"));
    }
    if wasm_growth.is_nan() || wasm_growth > 65_536.0 {
        problems.push(format!("the wasm memory grew by {wasm_growth} bytes"));
    }
    if last["listeners"] != first["listeners"] {
        problems.push(format!(
            "listeners: {} → {}",
            first["listeners"], last["listeners"]
        ));
    }
    let host = ui.host().await?;
    for event in ["app.activated", "ticket.updated", "colorScheme.changed"] {
        if host["subscribed"][event] != 1 {
            problems.push(format!(
                "{event} has {} subscriber(s)",
                host["subscribed"][event]
            ));
        }
    }
    let heap: Vec<String> = samples
        .iter()
        .map(|s| format!("{:.2}", figure(s, "heap") / 1_048_576.0))
        .collect();
    let summary = format!(
        "seed {seed}: {SOAK_CLICKS} clicks: {delivered} on the heart, {retries} on \"Try again\", \
         {} on neither (a heart disabled while a rate limit is waited out, or being read), \
         {requests} requests ({} at the proxy), heart = origin = {origin}; JS heap after \
         GC per 250 clicks (MiB): {}; growth {heap_growth:+.0} bytes; wasm memory {} → {} bytes; \
         listeners {} → {}",
        SOAK_CLICKS as u64 - delivered - retries,
        ui.sandbox.log.proxy_total(),
        heap.join(" → "),
        first["wasm"],
        last["wasm"],
        first["listeners"],
        last["listeners"],
    );
    eprintln!("    {summary}");
    if problems.is_empty() {
        Ok(summary)
    } else {
        fail(format!(
            "{}\n  {summary}\n  app: {app}",
            problems.join("\n  ")
        ))
    }
}

fn main() {
    let mut args = Arguments::from_args();
    // One browser, one page: cells run one after the other.
    args.test_threads = Some(1);
    let inputs = env_path("ZENDESK_HEART_PACKAGE_DIR").and_then(|p| {
        let sdk = env_path("ZENDESK_HEART_ZAF_SDK")?;
        if p.join("assets/iframe.html").is_file() {
            let copy = support::copy_package(&p, "faults-package")
                .map_err(|e| format!("copying {}: {e}", p.display()))?;
            Ok((copy, sdk))
        } else {
            Err(format!(
                "{} has no assets/iframe.html; run `cargo xtask test`",
                p.display()
            ))
        }
    });
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("no tokio runtime: {e}");
            std::process::exit(101);
        }
    };
    let shared = Arc::new(Shared {
        rt,
        inputs,
        browser: Mutex::new(None),
        profile: workspace_target()
            .join("e2e")
            .join(format!("faults-profile-{}", std::process::id())),
    });
    let verbose = std::env::var_os("FAULTS_VERBOSE").is_some();
    let trial = |name: String, job: Job| {
        let shared = shared.clone();
        Trial::test(name, move || {
            let outcome = shared.rt.block_on(async {
                let c = shared.client().await?;
                job.run(&shared, &c).await
            });
            match outcome {
                Ok(line) => {
                    if verbose {
                        eprintln!("    {line}");
                    }
                    Ok(())
                }
                Err(e) => Err(Failed::from(e.to_string())),
            }
        })
    };
    let mut trials = Vec::new();
    let all = Arc::new(cells());
    for call in [Call::Read, Call::Set] {
        for (i, cell) in all.iter().enumerate() {
            trials.push(trial(
                format!("{}/{}", call.name(), cell.fault),
                Job::Cell(call, all.clone(), i),
            ));
        }
    }
    trials.push(trial("100 quick clicks".into(), Job::QuickClicks));
    trials.push(trial(
        "wasm served as application/octet-stream".into(),
        Job::OctetStream,
    ));
    for variant in Variant::ALL {
        for state in State::ALL {
            trials.push(trial(
                format!("a11y/{} {}", state.name(), variant.name()),
                Job::A11y(state, variant),
            ));
        }
    }
    trials.push(trial(
        format!("soak: {SOAK_CLICKS} clicks with random faults"),
        Job::Soak,
    ));
    let conclusion = libtest_mimic::run(&args, trials);
    shared.close();
    conclusion.exit();
}

enum Job {
    Cell(Call, Arc<Vec<Cell>>, usize),
    QuickClicks,
    OctetStream,
    Soak,
    A11y(State, Variant),
}

impl Job {
    async fn run(&self, shared: &Shared, c: &Client) -> R<String> {
        match self {
            Job::Cell(call, cells, i) => run_cell(shared, c, *call, &cells[*i]).await,
            Job::QuickClicks => quick_clicks(shared, c).await,
            Job::OctetStream => wasm_as_octet_stream(shared, c).await,
            Job::Soak => soak(shared, c).await,
            Job::A11y(state, variant) => accessible(shared, c, *state, *variant).await,
        }
    }
}
