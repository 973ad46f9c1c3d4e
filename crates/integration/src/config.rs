//! The service's configuration: flags, each also read from a `HEART_…` environment variable
//! (`--help` lists both), checked into [`Settings`]. A value that cannot work stops the start
//! with the setting's name; the production rules hold unless `--dev` loosens them for a local
//! run.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use reqwest::Url;

use crate::ServiceSettings;
use crate::guard::GuardOptions;
use crate::origin::HttpOriginOptions;
use crate::store::Bucket;

/// How log lines look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// For people: one line per event.
    Text,
    /// JSON lines, for a log pipeline.
    Json,
}

/// The command line of `heart-integration`.
#[derive(Debug, Parser)]
#[command(
    name = "heart-integration",
    version,
    args_override_self = true,
    allow_negative_numbers = true,
    about = "The heart's Channel framework integration service: Zendesk's Any Channel proxy calls it to read and set the business account's like on the photo behind a ticket.",
    after_help = "Durations are a number and a unit: 250ms, 30s, 5m, 1h (0 turns a cache or budget off).\nWithout --tls-cert/--tls-key it serves plain HTTP, for a TLS-terminating proxy in front.\nSIGTERM or Ctrl-C: stop accepting, finish the calls in flight within --shutdown-grace, exit 0\n(1 if the grace period ran out and calls were cut)."
)]
pub struct Args {
    /// Address to listen on (IP:PORT).
    #[arg(
        long,
        env = "HEART_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub listen: String,
    /// The service's public https URL: what the manifest advertises and Zendesk calls.
    #[arg(long, env = "HEART_PUBLIC_URL", value_name = "URL")]
    pub public_url: String,
    /// The origin API's base URL (https; the sandbox's mock Instagram with --dev).
    #[arg(long, env = "HEART_ORIGIN_URL", value_name = "URL")]
    pub origin_url: String,
    /// A PEM certificate chain to serve HTTPS with (needs --tls-key).
    #[arg(long, env = "HEART_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "HEART_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Keep the cache and the budgets in Redis, shared by every replica (redis://… or rediss://…).
    /// Without it they live in this process's memory.
    #[arg(long, env = "HEART_REDIS_URL", value_name = "URL")]
    pub redis: Option<String>,
    /// The deadline of one Redis operation.
    #[arg(long, env = "HEART_REDIS_TIMEOUT", default_value = "250ms", value_name = "DURATION", value_parser = duration)]
    pub redis_timeout: Duration,
    /// How long what a read needs from the origin is cached (0: not cached).
    #[arg(long, env = "HEART_CACHE_TTL", default_value = "30s", value_name = "DURATION", value_parser = duration)]
    pub cache_ttl: Duration,
    /// Origin calls one account may make per --origin-budget-window (0: unlimited); a tenth (at
    /// least two) is kept for likes.
    #[arg(
        long,
        env = "HEART_ORIGIN_BUDGET",
        default_value_t = 200,
        value_name = "CALLS"
    )]
    pub origin_budget: u32,
    /// The window of --origin-budget.
    #[arg(long, env = "HEART_ORIGIN_BUDGET_WINDOW", default_value = "1h", value_name = "DURATION", value_parser = duration)]
    pub origin_budget_window: Duration,
    /// The deadline of one origin call.
    #[arg(long, env = "HEART_ORIGIN_TIMEOUT", default_value = "5s", value_name = "DURATION", value_parser = duration)]
    pub origin_timeout: Duration,
    /// How often a failed origin read is tried again (writes never are).
    #[arg(
        long,
        env = "HEART_ORIGIN_RETRIES",
        default_value_t = 2,
        value_name = "N"
    )]
    pub origin_retries: u32,
    /// The wait before the first retry; it doubles for each next one.
    #[arg(long, env = "HEART_ORIGIN_RETRY_BACKOFF", default_value = "100ms", value_name = "DURATION", value_parser = duration)]
    pub origin_retry_backoff: Duration,
    /// The longest a request may take, origin calls and retries included.
    #[arg(long, env = "HEART_REQUEST_TIMEOUT", default_value = "15s", value_name = "DURATION", value_parser = duration)]
    pub request_timeout: Duration,
    /// On SIGTERM, how long the calls in flight may take to finish.
    #[arg(long, env = "HEART_SHUTDOWN_GRACE", default_value = "10s", value_name = "DURATION", value_parser = duration)]
    pub shutdown_grace: Duration,
    /// The largest request body read, in bytes.
    #[arg(
        long,
        env = "HEART_MAX_BODY",
        default_value_t = 65_536,
        value_name = "BYTES"
    )]
    pub max_body: usize,
    /// Refused admin UI tokens one client address may send per 15 minutes.
    #[arg(
        long,
        env = "HEART_ADMIN_GUESSES",
        default_value_t = 10,
        value_name = "N"
    )]
    pub admin_guesses: u64,
    /// Take the client's address from the last X-Forwarded-For entry (only behind a proxy that sets it).
    #[arg(long, env = "HEART_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// The manifest's name.
    #[arg(
        long,
        env = "HEART_NAME",
        default_value = "Instagram (heart)",
        value_name = "NAME"
    )]
    pub name: String,
    /// The manifest's id.
    #[arg(
        long,
        env = "HEART_MANIFEST_ID",
        default_value = "com.example.heart.instagram",
        value_name = "ID"
    )]
    pub manifest_id: String,
    /// Log format.
    #[arg(
        long,
        env = "HEART_LOG_FORMAT",
        value_enum,
        default_value = "text",
        value_name = "FORMAT"
    )]
    pub log_format: LogFormat,
    /// Which log lines (a tracing filter: info, debug, heart_integration=debug,…).
    #[arg(long, env = "HEART_LOG", default_value = "info", value_name = "FILTER")]
    pub log: String,
    /// A local run: loopback and http return_urls, framing by loopback pages, http URLs.
    #[arg(long, env = "HEART_DEV")]
    pub dev: bool,
}

/// The configuration, checked.
#[derive(Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The Redis URL (may carry a password: never shown, see [`Settings::describe`]).
    pub redis: Option<String>,
    pub redis_timeout: Duration,
    pub service: ServiceSettings,
    pub guard: GuardOptions,
    pub origin: HttpOriginOptions,
    pub shutdown_grace: Duration,
    pub log_format: LogFormat,
    pub log: String,
}

/// A duration: a whole number and `ms`, `s`, `m` or `h`; `0` alone is zero.
pub fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} needs a unit: ms, s, m or h"))?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number and a unit"))?;
    let ms = match unit {
        "ms" => Some(n),
        "s" => n.checked_mul(1_000),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        _ => return Err(format!("{text:?}: the unit is ms, s, m or h")),
    };
    ms.filter(|ms| *ms <= 7 * 24 * 3_600_000)
        .map(Duration::from_millis)
        .ok_or_else(|| format!("{text:?} is over a week"))
}

/// An http(s) URL with a host, no credentials, query or fragment; https unless `dev`.
fn service_url(flag: &str, env: &str, text: &str, dev: bool) -> Result<Url, String> {
    let named = |why: String| format!("{flag} ({env}): {why}");
    let url = Url::parse(text.trim()).map_err(|e| named(format!("not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if dev => {}
        "http" => {
            return Err(named(
                "must be an https:// URL (http only with --dev, for a local run)".into(),
            ));
        }
        other => return Err(named(format!("must be an https:// URL, not {other}:"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(named("has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(named("must not carry a user or password".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(named("must not have a query or fragment".into()));
    }
    Ok(url)
}

impl Args {
    /// Checks every value against the others.
    pub fn settings(self) -> Result<Settings, String> {
        let listen: SocketAddr = self.listen.trim().parse().map_err(|_| {
            format!(
                "--listen (HEART_LISTEN): {:?} is not IP:PORT (e.g. 0.0.0.0:8080)",
                self.listen
            )
        })?;
        let public_url = service_url(
            "--public-url",
            "HEART_PUBLIC_URL",
            &self.public_url,
            self.dev,
        )?;
        let origin_url = service_url(
            "--origin-url",
            "HEART_ORIGIN_URL",
            &self.origin_url,
            self.dev,
        )?;
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            (Some(_), None) => return Err("--tls-cert (HEART_TLS_CERT) needs --tls-key".into()),
            (None, Some(_)) => return Err("--tls-key (HEART_TLS_KEY) needs --tls-cert".into()),
        };
        if let Some(redis) = &self.redis
            && !(redis.starts_with("redis://")
                || redis.starts_with("rediss://")
                || redis.starts_with("redis+unix://")
                || redis.starts_with("unix://"))
        {
            return Err(
                "--redis (HEART_REDIS_URL): must be a redis://, rediss:// or unix:// URL".into(),
            );
        }
        if self.redis_timeout.is_zero() {
            return Err("--redis-timeout (HEART_REDIS_TIMEOUT): must be over 0".into());
        }
        if self.origin_timeout.is_zero() {
            return Err("--origin-timeout (HEART_ORIGIN_TIMEOUT): must be over 0".into());
        }
        if self.request_timeout <= self.origin_timeout {
            return Err(format!(
                "--request-timeout (HEART_REQUEST_TIMEOUT): must be longer than --origin-timeout ({} ms)",
                self.origin_timeout.as_millis()
            ));
        }
        if self.origin_retries > 10 {
            return Err("--origin-retries (HEART_ORIGIN_RETRIES): at most 10".into());
        }
        if self.origin_budget > 0 && self.origin_budget_window.is_zero() {
            return Err(
                "--origin-budget-window (HEART_ORIGIN_BUDGET_WINDOW): must be over 0 with a budget"
                    .into(),
            );
        }
        if !(1_024..=16 << 20).contains(&self.max_body) {
            return Err("--max-body (HEART_MAX_BODY): from 1024 bytes to 16 MiB".into());
        }
        if self.admin_guesses == 0 {
            return Err("--admin-guesses (HEART_ADMIN_GUESSES): at least 1".into());
        }
        for (flag, env, value, max) in [
            ("--name", "HEART_NAME", &self.name, 255),
            ("--manifest-id", "HEART_MANIFEST_ID", &self.manifest_id, 511),
        ] {
            let chars = value.chars().count();
            if chars == 0 || chars > max || value.chars().any(char::is_control) {
                return Err(format!(
                    "{flag} ({env}): 1 to {max} characters, no control characters (Zendesk's limit)"
                ));
            }
        }
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .map_err(|e| format!("--log (HEART_LOG): {e}"))?;

        let mut service = ServiceSettings::new(public_url);
        service.name = self.name;
        service.manifest_id = self.manifest_id;
        service.dev = self.dev;
        service.trust_forwarded_for = self.trust_forwarded_for;
        service.guesses.refusals = self.admin_guesses;
        service.max_body = self.max_body;
        service.request_timeout = self.request_timeout;
        let guard = GuardOptions {
            ttl: self.cache_ttl,
            budget: (self.origin_budget > 0).then_some(Bucket {
                capacity: self.origin_budget,
                per: self.origin_budget_window,
            }),
            wait_for_other: self.origin_timeout,
            ..GuardOptions::default()
        };
        let origin = HttpOriginOptions {
            timeout: self.origin_timeout,
            read_retries: self.origin_retries,
            retry_backoff: self.origin_retry_backoff,
            ..HttpOriginOptions::new(origin_url)
        };
        Ok(Settings {
            listen,
            tls,
            redis: self.redis,
            redis_timeout: self.redis_timeout,
            service,
            guard,
            origin,
            shutdown_grace: self.shutdown_grace,
            log_format: self.log_format,
            log: self.log,
        })
    }
}

impl Settings {
    /// The settings for the start-up log line: nothing secret (the Redis URL without its
    /// password).
    pub fn describe(&self) -> String {
        let redis = self.redis.as_deref().map(redact_url);
        format!(
            "listen={} tls={} public_url={} origin_url={} store={} cache_ttl_ms={} budget={} dev={}",
            self.listen,
            self.tls.is_some(),
            self.service.public_url,
            self.origin.base,
            redis.as_deref().unwrap_or("memory"),
            self.guard.ttl.as_millis(),
            match &self.guard.budget {
                Some(b) => format!("{}/{}s", b.capacity, b.per.as_secs()),
                None => "unlimited".into(),
            },
            self.service.dev,
        )
    }
}

/// A URL with any user and password replaced by `***`.
pub fn redact_url(text: &str) -> String {
    match Url::parse(text) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("***");
            let _ = url.set_password(None);
            url.to_string()
        }
        Ok(url) => url.to_string(),
        Err(_) => "(not a URL)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Settings, String> {
        let mut all = vec![
            "heart-integration",
            "--public-url",
            "https://heart.example.com",
            "--origin-url",
            "https://graph.example.com",
        ];
        all.extend_from_slice(args);
        Args::try_parse_from(all)
            .map_err(|e| e.to_string())?
            .settings()
    }

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(duration("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(duration("0"), Ok(Duration::ZERO));
        for bad in [
            "",
            "30",
            "s",
            "1.5s",
            "-1s",
            "1d",
            "99999999999999999999s",
            "169h",
        ] {
            assert!(duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn production_by_default_and_dev_loosens() {
        let s = parse(&[]).expect("defaults");
        assert_eq!(s.service.public_url.as_str(), "https://heart.example.com/");
        assert!(!s.service.dev);
        assert_eq!(s.guard.ttl, Duration::from_secs(30));
        assert_eq!(
            s.guard.budget,
            Some(Bucket {
                capacity: 200,
                per: Duration::from_secs(3_600)
            })
        );
        let err = parse(&["--public-url", "http://localhost:9"])
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("--public-url") && err.contains("--dev"),
            "{err}"
        );
        let dev = parse(&[
            "--dev",
            "--public-url",
            "http://localhost:9",
            "--origin-url",
            "http://127.0.0.1:1",
        ])
        .expect("dev");
        assert!(dev.service.dev);
    }

    #[test]
    fn a_bad_value_names_its_setting() {
        for (args, name) in [
            (&["--listen", "localhost"][..], "--listen"),
            (&["--cache-ttl", "30"], "--cache-ttl"),
            (&["--origin-url", "ftp://x"], "--origin-url"),
            (&["--public-url", "https://u:p@x"], "--public-url"),
            (&["--public-url", "https://x/?q=1"], "--public-url"),
            (&["--tls-cert", "c.pem"], "--tls-cert"),
            (&["--redis", "http://x"], "--redis"),
            (
                &["--request-timeout", "1s", "--origin-timeout", "5s"],
                "--request-timeout",
            ),
            (&["--max-body", "12"], "--max-body"),
            (&["--log-format", "xml"], "--log-format"),
            (&["--log", "=[bad"], "--log"),
            (&["--name", ""], "--name"),
            (&["--origin-budget", "-1"], "--origin-budget"),
        ] {
            let err = parse(args).err().unwrap_or_default();
            assert!(err.contains(name), "{args:?}: {err}");
        }
    }

    #[test]
    fn nothing_secret_is_described() {
        let s = parse(&["--redis", "redis://user:hunter2@cache.internal:6379/0"]).expect("redis");
        let shown = s.describe();
        assert!(
            !shown.contains("hunter2") && !shown.contains("user"),
            "{shown}"
        );
        assert!(shown.contains("cache.internal"), "{shown}");
    }
}
