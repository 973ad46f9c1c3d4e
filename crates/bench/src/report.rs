//! The report of a run: each page's measures (median, 90th percentile, the samples) under each
//! condition, the ratio of its time to ready to the baseline's with a bootstrap interval, as
//! JSON and as the table printed at the end.

use serde_json::{Map, Value, json};

use crate::args::Condition;
use crate::probe::{MEASURES, Record, TICKET};
use crate::stats::{self, Summary};

/// One page under test, as the report reads it.
pub struct Timings {
    pub name: String,
    /// The probe's records, by condition (in the order of [`crate::args::Args::conditions`]).
    pub samples: Vec<Vec<Record>>,
}

/// The report: for each condition, each page's measures and the time-to-ready ratio of each page
/// to the baseline with its 95% bootstrap interval.
pub fn report(contenders: &[&Timings], conditions: &[Condition], runs: usize) -> Value {
    let names: Vec<&str> = contenders.iter().map(|c| c.name.as_str()).collect();
    let blocks: Vec<Value> = conditions
        .iter()
        .enumerate()
        .map(|(at, condition)| {
            let samples = |c: &Timings| c.samples.get(at).cloned().unwrap_or_default();
            condition_report(contenders, *condition, samples)
        })
        .collect();
    json!({"runs": runs, "ticket": TICKET, "order": names, "conditions": blocks})
}

fn condition_report(
    contenders: &[&Timings],
    condition: Condition,
    samples: impl Fn(&Timings) -> Vec<Record>,
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

pub fn table(report: &Value) -> String {
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
    fn a_ratio_cell_carries_its_interval() {
        assert_eq!(
            ratio_cell(&json!(1.0834), &json!([1.051, 1.112])),
            "1.08 (1.05-1.11)"
        );
        assert_eq!(ratio_cell(&json!(1.2), &Value::Null), "1.20");
        assert_eq!(ratio_cell(&Value::Null, &Value::Null), "-");
    }
}
