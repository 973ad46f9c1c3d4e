//! The benchmark's command line: the packages to time, how many loads, and the conditions
//! (warm or cold, each service latency) every load is timed under.

use std::path::PathBuf;

/// How the browser meets each load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One browser for every load of the condition: a reload of the ticket.
    Warm,
    /// A fresh browser, with an empty profile, for every load.
    Cold,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Warm => "warm",
            Mode::Cold => "cold",
        }
    }
}

/// What one set of alternated loads is timed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Condition {
    pub mode: Mode,
    /// The integration service's answer delay, in ms.
    pub latency_ms: u64,
}

impl Condition {
    pub fn describe(self) -> String {
        format!(
            "{}, service latency {} ms",
            self.mode.name(),
            self.latency_ms
        )
    }
}

pub struct Args {
    pub app: PathBuf,
    pub baseline: PathBuf,
    pub zaf_sdk: PathBuf,
    pub runs: usize,
    pub out: Option<PathBuf>,
    pub also: Vec<(String, PathBuf)>,
    modes: Vec<Mode>,
    latencies: Vec<u64>,
}

impl Args {
    /// Every condition, latency by latency, warm before cold.
    pub fn conditions(&self) -> Vec<Condition> {
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

pub fn parse_args() -> Result<Args, String> {
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
}
