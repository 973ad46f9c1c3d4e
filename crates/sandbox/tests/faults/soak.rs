//! The soak: 1,000 clicks on the heart (or "Try again") while random faults come and go, from a
//! seed that `FAULTS_SEED` replays; at the end the heart agrees with the origin, the requests stay
//! bounded, and neither the JS heap nor the wasm memory nor the listeners grow.

use sandbox::browser::fantoccini::Client;
use sandbox::browser::{Page, R, fail};
use sandbox::{Fault, Hang, ProxyFault};
use serde_json::Value;

use crate::Shared;
use crate::cells::Inject;
use crate::matrix::{PHOTO, inject, matrix_config, pressed, quiet, subscription_problems};

pub const SOAK_CLICKS: usize = 1_000;

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

pub async fn soak(shared: &Shared, c: &Client) -> R<String> {
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
    let ui = Page::new(c, shared.sandbox(matrix_config(), SOAK_TIMING).await?);
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
    problems.extend(subscription_problems(&ui).await?);
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
