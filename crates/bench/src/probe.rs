//! What is timed inside each page: the probe injected first into `iframe.html`, one load of the
//! ticket with its click, and the measures read from the probe's record.

use std::time::Duration;

use sandbox::Sandbox;
use sandbox::browser::fantoccini::Client;
use sandbox::browser::{Patience, R, in_frame, wait_within};
use serde_json::{Map, Value, json};

/// Injected first into the `<head>` of each `iframe.html`: it times the page from inside, so the
/// two apps are measured the same way without either carrying any instrumentation.
pub const PROBE: &str = r#"(function(){
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

/// The ticket every load opens.
pub const TICKET: u64 = 62;
/// How long a load's waits last, checked every 10 ms.
const PATIENCE: Patience = Patience {
    limit: Duration::from_secs(15),
    poll: Duration::from_millis(10),
};

/// The measures read from each load, in the order they are reported.
pub const MEASURES: [(&str, &str); 7] = [
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

/// What the probe reported of one load, with `instantiate` worked out from it.
pub type Record = Map<String, Value>;

/// Opens ticket 62, waits for the ready heart, clicks it, waits for the answer; the probe's record.
pub async fn load(browser: &Client, sandbox: &Sandbox) -> R<Record> {
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
