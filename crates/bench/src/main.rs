//! `bench --app <package dir> --baseline <package dir> --zaf-sdk <file> [--runs N] [--out <file>]
//! [--also <name>=<package dir>]… [--cold | --warm] [--latency MS[,MS…]]`
//!
//! Loads the sandbox's ticket page in headless Chromium `runs` times for each of two packages,
//! alternating (app, baseline, app, …) so both see the same machine at the same moment (`--also`
//! adds more pages to the rotation, e.g. an earlier build of the app), and reads
//! what a probe injected first into each `iframe.html` recorded (see [`PROBE`]): time from the
//! iframe's navigation to the ready heart, first paint, wasm instantiation, and click → the new
//! state painted. Run through `cargo xtask bench`, which builds both packages.
//!
//! Each load is timed under a [`Condition`]: warm (one browser reloads the ticket: its processes,
//! compiled code and connections are kept) or cold (a fresh browser with an empty profile for
//! every load, as an agent's first ticket of the day), and with the integration service
//! answering at once or `latency` ms late (the sandbox's fault injection, on both paths). By
//! default every load is timed warm and cold, at each latency asked for.
//!
//! A benchmark, not a test: it reports, it does not judge.

mod stats;

use std::path::PathBuf;
use std::time::Duration;

use sandbox::browser::fantoccini::Client;
use sandbox::browser::{
    Driver, Patience, R, fresh_profile, in_frame, serve_package, start_browser, start_driver,
    wait_within,
};
use sandbox::{Config, Fault, Sandbox};
use serde_json::{Map, Value, json};

use crate::stats::Summary;

/// Injected first into the `<head>` of each `iframe.html`: it times the page from inside, so the
/// two apps are measured the same way without either carrying any instrumentation.
const PROBE: &str = r#"(function(){
var b=window.__bench={ready:null,readyPaint:null,instStart:null,instEnd:null,clickAt:null,clickDom:null,clickPaint:null};
var W=WebAssembly;
function wrap(name){var f=W[name];if(!f)return;W[name]=function(){if(b.instStart===null)b.instStart=performance.now();return f.apply(W,arguments).then(function(r){b.instEnd=performance.now();return r;});};}
wrap('instantiateStreaming');wrap('instantiate');
function afterPaint(key){requestAnimationFrame(function(){b[key]=performance.now();});}
function check(){
 var heart=document.querySelector('[data-state="ready"] button.heart[aria-pressed]');
 if(heart&&b.ready===null){b.ready=performance.now();afterPaint('readyPaint');}
 if(b.clickAt!==null&&b.clickDom===null){var h=document.querySelector('button.heart');
  if(h&&h.getAttribute('aria-pressed')!==b.pressedBefore){b.clickDom=performance.now();afterPaint('clickPaint');}}
}
new MutationObserver(check).observe(document,{subtree:true,childList:true,attributes:true});
b.messages=[];window.addEventListener('message',function(e){var k;try{k=JSON.parse(e.data).key;}catch(x){k=e.data&&e.data.key;}
 if(k&&b.messages.length<50)b.messages.push([String(k).replace(/:\d+/,':N'),performance.now()]);},true);
b.click=function(){var h=document.querySelector('button.heart');b.pressedBefore=h.getAttribute('aria-pressed');b.clickAt=performance.now();h.click();};
b.report=function(){var p={};performance.getEntriesByType('paint').forEach(function(e){p[e.name]=e.startTime;});
 var wasm=performance.getEntriesByType('resource').filter(function(e){return /\.wasm$/.test(e.name);})[0];
 return {ready:b.ready,readyPaint:b.readyPaint,firstPaint:p['first-paint']||null,firstContentfulPaint:p['first-contentful-paint']||null,
  wasmFetched:wasm?wasm.responseEnd:null,instStart:b.instStart,instEnd:b.instEnd,
  clickToDom:b.clickDom===null?null:b.clickDom-b.clickAt,clickToPaint:b.clickPaint===null?null:b.clickPaint-b.clickAt,
  messages:b.messages};};
})();"#;

const TICKET: u64 = 62;
/// How long a load's waits last, checked every 10 ms.
const PATIENCE: Patience = Patience {
    limit: Duration::from_secs(15),
    poll: Duration::from_millis(10),
};

/// The measures read from each load, in the order they are reported.
const MEASURES: [(&str, &str); 7] = [
    ("ready", "navigation → ready heart in the DOM"),
    ("readyPaint", "navigation → ready heart painted"),
    (
        "firstContentfulPaint",
        "navigation → first contentful paint",
    ),
    ("wasmFetched", "navigation → wasm downloaded"),
    ("instantiate", "wasm compile + instantiate"),
    ("clickToDom", "click → new state in the DOM"),
    ("clickToPaint", "click → new state painted"),
];

/// The service paths whose answers `--latency` delays: the read and the set.
const SERVICE_PATHS: [&str; 2] = ["/like_state", "/like"];

/// How the browser meets each load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// One browser for every load of the condition: a reload of the ticket.
    Warm,
    /// A fresh browser, with an empty profile, for every load.
    Cold,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Warm => "warm",
            Mode::Cold => "cold",
        }
    }
}

/// What one set of alternated loads is timed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Condition {
    mode: Mode,
    /// The integration service's answer delay, in ms.
    latency_ms: u64,
}

impl Condition {
    fn describe(self) -> String {
        format!(
            "{}, service latency {} ms",
            self.mode.name(),
            self.latency_ms
        )
    }
}

struct Args {
    app: PathBuf,
    baseline: PathBuf,
    zaf_sdk: PathBuf,
    runs: usize,
    out: Option<PathBuf>,
    also: Vec<(String, PathBuf)>,
    modes: Vec<Mode>,
    latencies: Vec<u64>,
}

impl Args {
    /// Every condition, latency by latency, warm before cold.
    fn conditions(&self) -> Vec<Condition> {
        self.latencies
            .iter()
            .flat_map(|&latency_ms| {
                self.modes
                    .iter()
                    .map(move |&mode| Condition { mode, latency_ms })
            })
            .collect()
    }
}

/// `MS[,MS…]`: whole milliseconds, at most a minute each.
fn parse_latencies(value: &str) -> Result<Vec<u64>, String> {
    let latencies: Option<Vec<u64>> = value
        .split(',')
        .map(|ms| ms.trim().parse().ok().filter(|ms| *ms <= 60_000))
        .collect();
    latencies
        .filter(|l| !l.is_empty())
        .ok_or_else(|| format!("--latency takes MS[,MS…] (whole ms up to 60000), not {value:?}"))
}

fn parse_args() -> Result<Args, String> {
    let (mut app, mut baseline, mut zaf_sdk, mut runs, mut out) = (None, None, None, 20, None);
    let mut also = Vec::new();
    let (mut cold, mut warm, mut latencies) = (false, false, vec![0]);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--app" => app = Some(PathBuf::from(value()?)),
            "--baseline" => baseline = Some(PathBuf::from(value()?)),
            "--zaf-sdk" => zaf_sdk = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--also" => {
                let value = value()?;
                let (name, dir) = value
                    .split_once('=')
                    .filter(|(name, _)| !name.is_empty() && *name != "app" && *name != "baseline")
                    .ok_or("--also takes <name>=<package dir>, with a name other than app and baseline")?;
                also.push((name.to_string(), PathBuf::from(dir)));
            }
            "--cold" => cold = true,
            "--warm" => warm = true,
            "--latency" => latencies = parse_latencies(&value()?)?,
            "--runs" => {
                runs = value()?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--runs takes a whole number above 0")?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        app: app.ok_or("--app <package dir> is required")?,
        baseline: baseline.ok_or("--baseline <package dir> is required")?,
        zaf_sdk: zaf_sdk.ok_or("--zaf-sdk <file> is required")?,
        runs,
        out,
        also,
        // Neither flag, or both: every load is timed both ways.
        modes: match (warm, cold) {
            (true, false) => vec![Mode::Warm],
            (false, true) => vec![Mode::Cold],
            _ => vec![Mode::Warm, Mode::Cold],
        },
        latencies,
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("bench: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(&args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// One of the pages under test.
struct Contender {
    name: String,
    sandbox: Sandbox,
    /// The probe's records, by condition (in the order of [`Args::conditions`]).
    samples: Vec<Vec<Map<String, Value>>>,
}

async fn run(args: &Args) -> R<()> {
    let conditions = args.conditions();
    let mut contenders = Vec::new();
    let pages = [
        ("app".to_string(), args.app.clone()),
        ("baseline".to_string(), args.baseline.clone()),
    ];
    for (name, package) in pages.into_iter().chain(args.also.iter().cloned()) {
        if !package.join("assets/iframe.html").is_file() {
            return Err(format!("{} has no assets/iframe.html", package.display()).into());
        }
        // A copy that names the integration of this run's sandbox, on a free port.
        let copy = std::env::temp_dir().join(format!("heart-bench-{}-{name}", std::process::id()));
        sandbox::package::copy(&package, &copy)?;
        let sandbox = serve_package(
            Config::default(),
            &copy,
            &args.zaf_sdk,
            Some(PROBE.to_string()),
            None,
        )
        .await?;
        contenders.push(Contender {
            name,
            sandbox,
            samples: Vec::new(),
        });
    }

    let driver = start_driver().await?;
    let profile = std::env::temp_dir().join(format!("heart-bench-{}", std::process::id()));
    let mut result: R<()> = Ok(());
    for condition in &conditions {
        println!(
            "timing {} loads of each page, {}…",
            args.runs,
            condition.describe()
        );
        for contender in &mut contenders {
            delay_service(&contender.sandbox, condition.latency_ms);
            contender.samples.push(Vec::new());
        }
        result = match condition.mode {
            Mode::Warm => measure_warm(&driver, &profile, &mut contenders, args.runs).await,
            Mode::Cold => measure_cold(&driver, &profile, &mut contenders, args.runs).await,
        }
        .map_err(|e| format!("{}: {e}", condition.describe()).into());
        if result.is_err() {
            break;
        }
    }
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    result?;

    let report = report(&contenders, &conditions, args.runs);
    println!("{}", table(&report));
    if let Some(out) = &args.out {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(out, serde_json::to_string_pretty(&report)?)?;
        println!("written: {}", out.display());
    }
    Ok(())
}

/// Makes the integration service answer `latency_ms` late on both paths (0: at once).
fn delay_service(sandbox: &Sandbox, latency_ms: u64) {
    for path in SERVICE_PATHS {
        if latency_ms == 0 {
            sandbox.faults.clear(path);
        } else {
            sandbox.faults.set(
                path,
                Fault {
                    latency_ms,
                    times: None,
                    ..Fault::default()
                },
            );
        }
    }
}

/// One browser for every load: a warm-up load each, then `runs` rounds of alternated loads.
async fn measure_warm(
    driver: &Driver,
    profile: &std::path::Path,
    contenders: &mut [Contender],
    runs: usize,
) -> R<()> {
    // Chromium's default window: the pages are timed, not pictured.
    let browser = start_browser(driver, &fresh_profile(profile)?, &[], None).await?;
    let result = async {
        // The first start of Chromium's renderer and compiler is not a ticket.
        for contender in contenders.iter() {
            load(&browser, &contender.sandbox).await?;
        }
        for run in 0..runs {
            for contender in contenders.iter_mut() {
                let sample = load(&browser, &contender.sandbox)
                    .await
                    .map_err(|e| format!("run {} of {}: {e}", run + 1, contender.name))?;
                push(contender, sample);
            }
        }
        Ok(())
    }
    .await;
    let _ = browser.close().await;
    result
}

/// A fresh browser with an empty profile for every load: nothing of an earlier load is kept
/// (no HTTP or code cache, no renderer, no connection).
async fn measure_cold(
    driver: &Driver,
    profile: &std::path::Path,
    contenders: &mut [Contender],
    runs: usize,
) -> R<()> {
    for run in 0..runs {
        for contender in contenders.iter_mut() {
            let browser = start_browser(driver, &fresh_profile(profile)?, &[], None).await?;
            let sample = load(&browser, &contender.sandbox).await;
            let _ = browser.close().await;
            let sample =
                sample.map_err(|e| format!("run {} of {}: {e}", run + 1, contender.name))?;
            push(contender, sample);
        }
    }
    Ok(())
}

/// Adds a load's record to the contender's current condition.
fn push(contender: &mut Contender, sample: Map<String, Value>) {
    if let Some(samples) = contender.samples.last_mut() {
        samples.push(sample);
    }
}

/// Opens ticket 62, waits for the ready heart, clicks it, waits for the answer; the probe's record.
async fn load(browser: &Client, sandbox: &Sandbox) -> R<Map<String, Value>> {
    browser.goto(&sandbox.ticket_url(TICKET)).await?;
    poll(browser, "the ready heart", "return window.__bench && window.__bench.ready !== null && window.__bench.readyPaint !== null;").await?;
    in_frame(browser, "window.__bench.click(); return true;").await?;
    poll(
        browser,
        "the click to be painted and answered",
        "return window.__bench.clickPaint !== null && !!document.querySelector('[data-state=\"ready\"]');",
    )
    .await?;
    let mut record = match in_frame(browser, "return window.__bench.report();").await? {
        Value::Object(record) => record,
        other => return Err(format!("the probe reported {other}").into()),
    };
    let instantiate = match (record.get("instStart"), record.get("instEnd")) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => {
            json!(b.as_f64().unwrap_or(0.0) - a.as_f64().unwrap_or(0.0))
        }
        _ => Value::Null,
    };
    record.insert("instantiate".into(), instantiate);
    Ok(record)
}

async fn poll(browser: &Client, what: &str, script: &str) -> R<()> {
    wait_within(PATIENCE, what, || async {
        // Before the iframe exists, or while it navigates, the probe is not there yet.
        let done = matches!(in_frame(browser, script).await, Ok(Value::Bool(true)));
        Ok(done.then_some(()))
    })
    .await
}

/// The report: for each condition, each page's measures and the time-to-ready ratio of each page
/// to the baseline with its 95% bootstrap interval.
fn report(contenders: &[Contender], conditions: &[Condition], runs: usize) -> Value {
    let names: Vec<&str> = contenders.iter().map(|c| c.name.as_str()).collect();
    let blocks: Vec<Value> = conditions
        .iter()
        .enumerate()
        .map(|(at, condition)| {
            let samples = |c: &Contender| c.samples.get(at).cloned().unwrap_or_default();
            condition_report(contenders, *condition, samples)
        })
        .collect();
    json!({"runs": runs, "ticket": TICKET, "order": names, "conditions": blocks})
}

fn condition_report(
    contenders: &[Contender],
    condition: Condition,
    samples: impl Fn(&Contender) -> Vec<Map<String, Value>>,
) -> Value {
    let mut apps = Map::new();
    for contender in contenders {
        let samples = samples(contender);
        let mut measures = Map::new();
        for (key, what) in MEASURES {
            let values: Vec<f64> = samples
                .iter()
                .filter_map(|s| s.get(key).and_then(Value::as_f64))
                .collect();
            let summary = Summary::of(&values);
            measures.insert(
                key.into(),
                json!({"what": what, "n": values.len(), "median_ms": summary.map(|s| s.median), "p90_ms": summary.map(|s| s.p90)}),
            );
        }
        measures.insert("samples".into(), json!(samples));
        apps.insert(contender.name.clone(), Value::Object(measures));
    }
    let ready = |name: &str| -> Vec<f64> {
        contenders
            .iter()
            .filter(|c| c.name == name)
            .flat_map(|c| samples(c).into_iter().filter_map(|s| s["ready"].as_f64()))
            .collect()
    };
    let median = |name: &str| Summary::of(&ready(name)).map(|s| s.median);
    let mut ratios = Map::new();
    let mut intervals = Map::new();
    for contender in contenders.iter().filter(|c| c.name != "baseline") {
        let ratio = match (median(&contender.name), median("baseline")) {
            (Some(a), Some(b)) if b > 0.0 => json!(a / b),
            _ => Value::Null,
        };
        ratios.insert(contender.name.clone(), ratio);
        let interval = stats::ratio_interval(&ready(&contender.name), &ready("baseline"), 2000);
        intervals.insert(
            contender.name.clone(),
            json!(interval.map(|(lo, hi)| [lo, hi])),
        );
    }
    json!({"mode": condition.mode.name(), "latency_ms": condition.latency_ms,
        "ready_ratio_to_baseline": ratios, "ready_ratio_ci95": intervals, "apps": apps})
}

/// `1.08 (1.05-1.11)`: a ratio with its interval.
fn ratio_cell(ratio: &Value, interval: &Value) -> String {
    let ratio = ratio
        .as_f64()
        .map_or("-".to_string(), |r| format!("{r:.2}"));
    match (interval[0].as_f64(), interval[1].as_f64()) {
        (Some(lo), Some(hi)) => format!("{ratio} ({lo:.2}-{hi:.2})"),
        _ => ratio,
    }
}

fn table(report: &Value) -> String {
    let cell = |v: &Value| v.as_f64().map_or("-".to_string(), |ms| format!("{ms:.1}"));
    let names: Vec<&str> = report["order"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let conditions = report["conditions"].as_array().cloned().unwrap_or_default();
    let mut out = String::new();
    for block in &conditions {
        out.push_str(&format!(
            "\n{}, service latency {} ms\n{:<40}",
            block["mode"].as_str().unwrap_or("-"),
            block["latency_ms"],
            "ms: median / p90"
        ));
        for name in &names {
            out.push_str(&format!(" {name:>21}"));
        }
        out.push('\n');
        for (key, what) in MEASURES {
            out.push_str(&format!("{what:<40}"));
            for name in &names {
                let m = &block["apps"][*name][key];
                out.push_str(&format!(
                    " {:>10} {:>10}",
                    cell(&m["median_ms"]),
                    cell(&m["p90_ms"])
                ));
            }
            out.push('\n');
        }
    }
    out.push_str("\ntime to ready, ratio to the baseline (medians; 95% bootstrap interval):\n");
    out.push_str(&format!("{:<32}", "condition"));
    let others: Vec<&&str> = names.iter().filter(|n| **n != "baseline").collect();
    for name in &others {
        out.push_str(&format!(" {name:>20}"));
    }
    out.push('\n');
    for block in &conditions {
        let label = format!(
            "{}, {} ms",
            block["mode"].as_str().unwrap_or("-"),
            block["latency_ms"]
        );
        out.push_str(&format!("{label:<32}"));
        for name in &others {
            let cell = ratio_cell(
                &block["ready_ratio_to_baseline"][**name],
                &block["ready_ratio_ci95"][**name],
            );
            out.push_str(&format!(" {cell:>20}"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_are_whole_milliseconds_up_to_a_minute() {
        assert_eq!(parse_latencies("0"), Ok(vec![0]));
        assert_eq!(parse_latencies("0, 300"), Ok(vec![0, 300]));
        for bad in ["", "fast", "300ms", "-5", "60001", "0,,300"] {
            assert!(parse_latencies(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_conditions_are_every_latency_warm_then_cold() {
        let args = |modes: Vec<Mode>, latencies: Vec<u64>| Args {
            app: PathBuf::new(),
            baseline: PathBuf::new(),
            zaf_sdk: PathBuf::new(),
            runs: 1,
            out: None,
            also: Vec::new(),
            modes,
            latencies,
        };
        let both = args(vec![Mode::Warm, Mode::Cold], vec![0, 300]).conditions();
        let at = |mode, latency_ms| Condition { mode, latency_ms };
        assert_eq!(
            both,
            [
                at(Mode::Warm, 0),
                at(Mode::Cold, 0),
                at(Mode::Warm, 300),
                at(Mode::Cold, 300)
            ]
        );
        assert_eq!(
            args(vec![Mode::Cold], vec![300]).conditions(),
            [at(Mode::Cold, 300)]
        );
    }

    #[test]
    fn a_ratio_cell_carries_its_interval() {
        assert_eq!(
            ratio_cell(&json!(1.0834), &json!([1.051, 1.112])),
            "1.08 (1.05-1.11)"
        );
        assert_eq!(ratio_cell(&json!(1.2), &Value::Null), "1.20");
        assert_eq!(ratio_cell(&Value::Null, &Value::Null), "-");
    }
}
