//! `bench --app <package dir> --baseline <package dir> --zaf-sdk <file> [--runs N] [--out <file>]
//! [--also <name>=<package dir>]…`
//!
//! Loads the sandbox's ticket page in headless Chromium `runs` times for each of two packages,
//! alternating (app, baseline, app, …) so both see the same machine at the same moment (`--also`
//! adds more pages to the rotation, e.g. an earlier build of the app), and reads
//! what a probe injected first into each `iframe.html` recorded (see [`PROBE`]): time from the
//! iframe's navigation to the ready heart, first paint, wasm instantiation, and click → the new
//! state painted. Run through `cargo xtask bench`, which builds both packages.
//!
//! A benchmark, not a test: it reports, it does not judge.

mod stats;

use std::path::PathBuf;
use std::time::Duration;

use sandbox::browser::fantoccini::Client;
use sandbox::browser::{
    Patience, R, in_frame, serve_package, start_browser, start_driver, wait_within,
};
use sandbox::{Config, Sandbox};
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

struct Args {
    app: PathBuf,
    baseline: PathBuf,
    zaf_sdk: PathBuf,
    runs: usize,
    out: Option<PathBuf>,
    also: Vec<(String, PathBuf)>,
}

fn parse_args() -> Result<Args, String> {
    let (mut app, mut baseline, mut zaf_sdk, mut runs, mut out) = (None, None, None, 20, None);
    let mut also = Vec::new();
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
    samples: Vec<Map<String, Value>>,
}

async fn run(args: &Args) -> R<()> {
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
    std::fs::create_dir_all(&profile)?;
    // Chromium's default window: the pages are timed, not pictured.
    let browser = start_browser(&driver, &profile, &[], None).await?;
    let result = measure(&browser, &mut contenders, args.runs).await;
    let _ = browser.close().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    result?;

    let report = report(&contenders, args.runs);
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

async fn measure(browser: &Client, contenders: &mut [Contender], runs: usize) -> R<()> {
    // One warm-up load each: the first start of Chromium's renderer and compiler is not a ticket.
    for contender in contenders.iter() {
        load(browser, &contender.sandbox).await?;
    }
    for run in 0..runs {
        for contender in contenders.iter_mut() {
            let sample = load(browser, &contender.sandbox)
                .await
                .map_err(|e| format!("run {} of {}: {e}", run + 1, contender.name))?;
            contender.samples.push(sample);
        }
    }
    Ok(())
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

fn report(contenders: &[Contender], runs: usize) -> Value {
    let mut apps = Map::new();
    for contender in contenders {
        let mut measures = Map::new();
        for (key, what) in MEASURES {
            let values: Vec<f64> = contender
                .samples
                .iter()
                .filter_map(|s| s.get(key).and_then(Value::as_f64))
                .collect();
            let summary = Summary::of(&values);
            measures.insert(
                key.into(),
                json!({"what": what, "n": values.len(), "median_ms": summary.map(|s| s.median), "p90_ms": summary.map(|s| s.p90)}),
            );
        }
        measures.insert("samples".into(), json!(contender.samples));
        apps.insert(contender.name.clone(), Value::Object(measures));
    }
    let median = |app: &str| apps[app]["ready"]["median_ms"].as_f64();
    let ready = |name: &str| -> Vec<f64> {
        contenders
            .iter()
            .filter(|c| c.name == name)
            .flat_map(|c| c.samples.iter().filter_map(|s| s["ready"].as_f64()))
            .collect()
    };
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
    let names: Vec<&str> = contenders.iter().map(|c| c.name.as_str()).collect();
    json!({"runs": runs, "ticket": TICKET, "order": names, "ready_ratio_to_baseline": ratios,
        "ready_ratio_ci95": intervals, "apps": apps})
}

fn table(report: &Value) -> String {
    let cell = |v: &Value| v.as_f64().map_or("-".to_string(), |ms| format!("{ms:.1}"));
    let names: Vec<&str> = report["order"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = format!("{:<40}", "ms: median / p90");
    for name in &names {
        out.push_str(&format!(" {name:>21}"));
    }
    out.push('\n');
    for (key, what) in MEASURES {
        out.push_str(&format!("{what:<40}"));
        for name in &names {
            let m = &report["apps"][*name][key];
            out.push_str(&format!(
                " {:>10} {:>10}",
                cell(&m["median_ms"]),
                cell(&m["p90_ms"])
            ));
        }
        out.push('\n');
    }
    if let Some(ratios) = report["ready_ratio_to_baseline"].as_object() {
        for (name, ratio) in ratios {
            let interval = &report["ready_ratio_ci95"][name];
            let interval = match (interval[0].as_f64(), interval[1].as_f64()) {
                (Some(lo), Some(hi)) => format!(" (95% bootstrap interval {lo:.2}-{hi:.2})"),
                _ => String::new(),
            };
            out.push_str(&format!(
                "time to ready, {name} / baseline (medians): {}{interval}\n",
                ratio
                    .as_f64()
                    .map_or("-".to_string(), |r| format!("{r:.2}"))
            ));
        }
    }
    out
}
