//! `integration --replica-bin <heart-integration> --out <file.json> [--rate N] [--seconds N]
//! [--photos N] [--ttl-seconds N] [--origin-latency-ms N]`
//!
//! How the integration service spares its origin and what it costs in time, under the load of
//! many agents. Simulated agents open tickets (each opening is one read of the like-state
//! through the sandbox's Any Channel proxy, as the app makes) at a fixed rate for a fixed time,
//! over a set of photos, and a liker toggles likes meanwhile (answered 429, it waits the
//! `Retry-After` and sends again, as the app does). Everything on loopback, bounded in time.
//!
//! One sandbox serves every run, its manifest on one port behind which each run puts what it
//! measures: a handler that answers a constant JSON (the limit of this machine and of the
//! proxy), then `heart-integration` as one replica in memory without and with its cache, and as
//! two replicas behind nginx sharing Redis. The mock Instagram counts the calls it gets.
//!
//! A benchmark, not a test: it reports, it does not judge. Run by `cargo xtask bench
//! integration`, which builds the service first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use heart_integration::testing::{Nginx, RedisServer, Replica, free_port, wait_for_port};
use sandbox::config::{Account, CommentSeed, Config, Photo, Startup, StartupAccount};
use sandbox::{Options, Sandbox};
use serde_json::{Value, json};
use tokio::sync::watch;

struct Args {
    replica_bin: PathBuf,
    out: PathBuf,
    rate: u32,
    seconds: u64,
    photos: usize,
    ttl_seconds: u64,
    origin_latency_ms: u64,
}

const USAGE: &str = "usage: integration --replica-bin <heart-integration> --out <file.json> [--rate N] [--seconds N] [--photos N] [--ttl-seconds N] [--origin-latency-ms N]";

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut out = Args {
        replica_bin: PathBuf::new(),
        out: PathBuf::new(),
        rate: 200,
        seconds: 20,
        photos: 50,
        ttl_seconds: 5,
        origin_latency_ms: 0,
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--replica-bin" => out.replica_bin = PathBuf::from(value()?),
            "--out" => out.out = PathBuf::from(value()?),
            "--rate" => out.rate = u32::try_from(number(value()?)?).map_err(|e| e.to_string())?,
            "--seconds" => out.seconds = number(value()?)?,
            "--photos" => {
                out.photos = usize::try_from(number(value()?)?).map_err(|e| e.to_string())?
            }
            "--ttl-seconds" => out.ttl_seconds = number(value()?)?,
            "--origin-latency-ms" => out.origin_latency_ms = number(value()?)?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if out.replica_bin.as_os_str().is_empty() || out.out.as_os_str().is_empty() {
        return Err("--replica-bin and --out are required".into());
    }
    if !(1..=2_000).contains(&out.rate)
        || !(1..=600).contains(&out.seconds)
        || !(1..=200).contains(&out.photos)
        || !(1..=600).contains(&out.ttl_seconds)
    {
        return Err("--rate 1–2000, --seconds 1–600, --photos 1–200, --ttl-seconds 1–600".into());
    }
    Ok(out)
}

/// Photo `i` of the business account, with one comment: its pull makes one ticket per photo.
fn photo_id(i: usize) -> String {
    format!("ig:900000000{i:04}")
}

fn config(photos: usize, origin_latency_ms: u64, origin_port: u16) -> Config {
    let mut accounts = BTreeMap::new();
    accounts.insert(
        "omniwear".to_owned(),
        Account {
            token: "omniwear-bench-token".into(),
            other_tokens: Vec::new(),
            revoke_after_startup: false,
            handle: None,
            photos: (0..photos)
                .map(|i| Photo {
                    id: photo_id(i),
                    caption: format!("Photo {i}"),
                    like_count: 10,
                    liked: false,
                    mentions: Vec::new(),
                    comments: vec![CommentSeed {
                        id: format!("c{i}"),
                        author: "@customer".into(),
                        text: format!("A question about photo {i}"),
                    }],
                })
                .collect(),
        },
    );
    Config {
        origin_port,
        origin_latency_ms,
        pull_interval_ms: 0,
        proxy_timeout_ms: 10_000,
        tickets: Vec::new(),
        accounts,
        startup: Startup {
            install: true,
            accounts: vec![StartupAccount {
                name: "Omniwear".into(),
                fields: [("account", "omniwear"), ("token", "omniwear-bench-token")]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            }],
            pull: true,
        },
        ..Config::default().on_free_ports()
    }
}

/// A package that declares the integration at `https://localhost:<port>` (what the sandbox installs).
fn package(dir: &Path, port: u16) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("assets"))?;
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"name": "Integration bench", "version": "1.0.0", "frameworkVersion": "2.0"}"#,
    )?;
    std::fs::write(
        dir.join("assets/iframe.html"),
        "<!doctype html><title>bench</title>",
    )?;
    std::fs::write(
        dir.join("requirements.json"),
        json!({"channel_integrations": {"bench": {"manifest_url": format!("https://localhost:{port}/manifest.json")}}})
            .to_string(),
    )
}

/// What stands behind the manifest's port during one run.
enum Backend {
    Constant(watch::Sender<bool>),
    One(Replica),
    Two([Replica; 2], Nginx, RedisServer),
}

impl Backend {
    fn stop(self) {
        match self {
            Backend::Constant(stop) => {
                let _ = stop.send(true);
            }
            Backend::One(replica) => drop(replica),
            Backend::Two(replicas, nginx, redis) => {
                drop(nginx);
                drop(replicas);
                drop(redis);
            }
        }
    }
}

struct Tls {
    cert: PathBuf,
    key: PathBuf,
    cert_pem: String,
    key_pem: String,
}

fn replica_args(sandbox_origin: &str, port: u16, ttl_s: u64, extra: &[String]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--public-url".to_owned(),
        format!("https://localhost:{port}"),
        "--origin-url".into(),
        sandbox_origin.to_owned(),
        "--cache-ttl".into(),
        if ttl_s == 0 {
            "0".into()
        } else {
            format!("{ttl_s}s")
        },
        "--origin-budget".into(),
        "0".into(),
        "--log".into(),
        "warn".into(),
        "--dev".into(),
    ]
    .to_vec();
    args.extend_from_slice(extra);
    args
}

/// Answers every POST with one constant like-state: the most a service could do.
async fn constant(port: u16, tls: &Tls) -> Result<Backend, String> {
    let config = heart_integration::server::tls_config(&tls.cert, &tls.key)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("binding {port}: {e}"))?;
    let router = Router::new().fallback(post(|| async {
        axum::Json(json!({"liked": false, "like_count": 10}))
    }));
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(heart_integration::server::serve(
        listener,
        router,
        Some(config),
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        },
        Duration::from_millis(200),
    ));
    Ok(Backend::Constant(stop))
}

/// The agent's session: its cookie and CSRF token, from a ticket page.
struct Agent {
    client: reqwest::Client,
    host: String,
    cookie: String,
    csrf: String,
}

async fn sign_in(sandbox: &Sandbox, ticket: u64) -> Result<Agent, String> {
    let host = format!("http://{}", sandbox.host_addr);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .map_err(|e| e.to_string())?;
    let page = client
        .get(format!("{host}/agent/tickets/{ticket}"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let cookie = page
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("no session cookie")?
        .to_owned();
    let html = page.text().await.map_err(|e| e.to_string())?;
    let marker = "\"csrfToken\":\"";
    let at = html.find(marker).ok_or("no CSRF token on the page")? + marker.len();
    let csrf = html[at..].split('"').next().unwrap_or_default().to_owned();
    Ok(Agent {
        client,
        host,
        cookie,
        csrf,
    })
}

/// One proxied call: its status, its `Retry-After`, its answer's `liked`.
struct Called {
    status: u16,
    retry_after: Option<u64>,
    liked: Option<bool>,
}

impl Agent {
    async fn call(&self, ticket: u64, path: &str, body: &Value) -> Called {
        let sent = self
            .client
            .post(format!("{}/api/v2/any_channel/proxy.json", self.host))
            .query(&[
                ("ticket_id", ticket.to_string()),
                ("post_to_path", path.to_owned()),
            ])
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await;
        let Ok(response) = sent else {
            return Called {
                status: 0,
                retry_after: None,
                liked: None,
            };
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let liked = response
            .text()
            .await
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["liked"].as_bool());
        Called {
            status,
            retry_after,
            liked,
        }
    }
}

/// What one run measured.
struct Measured {
    openings: u64,
    failed_reads: u64,
    sets: u64,
    lost_sets: u64,
    latencies_ms: Vec<f64>,
    elapsed: Duration,
}

/// Opens tickets at `rate` per second for `seconds` (open loop: a late answer does not delay
/// the next opening), while one liker toggles likes on the first photos in turn.
async fn load(
    agent: Arc<Agent>,
    sandbox: &Sandbox,
    tickets: &[(u64, String)],
    rate: u32,
    seconds: u64,
    check_sets: bool,
) -> Measured {
    let total = u64::from(rate) * seconds;
    let started = Instant::now();
    let period = Duration::from_secs(1) / rate;
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let failed = Arc::new(AtomicU64::new(0));
    let mut reads = tokio::task::JoinSet::new();

    // The liker: like, then unlike, photo after photo, each set sent again after a 429.
    let liker = {
        let agent = agent.clone();
        let tickets: Vec<(u64, String)> = tickets.iter().take(5).cloned().collect();
        let deadline = started + Duration::from_secs(seconds);
        tokio::spawn(async move {
            let mut acked: BTreeMap<String, bool> = BTreeMap::new();
            let mut sets = 0u64;
            let mut lost = 0u64;
            let mut round = 0usize;
            while Instant::now() < deadline {
                let (ticket, photo) = &tickets[round % tickets.len()];
                let liked = (round / tickets.len()).is_multiple_of(2);
                round += 1;
                sets += 1;
                let body =
                    json!({"ticket_id": ticket.to_string(), "external_id": photo, "liked": liked});
                let mut done = false;
                for _ in 0..20 {
                    let called = agent.call(*ticket, "/like", &body).await;
                    match called.status {
                        200 if called.liked == Some(liked) => {
                            acked.insert(photo.clone(), liked);
                            done = true;
                            break;
                        }
                        429 => {
                            let wait = called.retry_after.unwrap_or(1).min(5);
                            tokio::time::sleep(Duration::from_secs(wait)).await;
                        }
                        _ => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
                if !done {
                    lost += 1;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            (sets, lost, acked)
        })
    };

    let mut latencies = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    for i in 0..total {
        let scheduled = ticker.tick().await;
        let (ticket, photo) = tickets[usize::try_from(i).unwrap_or(0) % tickets.len()].clone();
        let (agent, failed) = (agent.clone(), failed.clone());
        reads.spawn(async move {
            let body = json!({"ticket_id": ticket.to_string(), "external_id": photo});
            let called = agent.call(ticket, "/like_state", &body).await;
            if called.status != 200 {
                failed.fetch_add(1, Ordering::Relaxed);
            }
            // From when the opening was due: a queue in front of it counts.
            scheduled.elapsed().as_secs_f64() * 1_000.0
        });
        while let Some(Ok(ms)) = reads.try_join_next() {
            latencies.push(ms);
        }
    }
    while let Some(joined) = reads.join_next().await {
        if let Ok(ms) = joined {
            latencies.push(ms);
        }
    }
    let elapsed = started.elapsed();
    let (sets, mut lost_sets, acked) = liker.await.unwrap_or_default();
    if check_sets {
        // Every acknowledged set is what the origin has now.
        for (photo, liked) in &acked {
            let on_origin = sandbox.origin.photo("omniwear", photo).map(|p| p.liked);
            if on_origin != Some(*liked) {
                lost_sets += 1;
            }
        }
    }
    Measured {
        openings: total,
        failed_reads: failed.load(Ordering::Relaxed),
        sets,
        lost_sets,
        latencies_ms: latencies,
        elapsed,
    }
}

fn origin_reads(sandbox: &Sandbox) -> u64 {
    sandbox.origin.api_calls().values().map(|c| c.reads).sum()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("integration: {e}\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("integration: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let work = std::env::temp_dir().join(format!("heart-bench-integration-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let identity = sandbox::tls::Identity::generate()?;
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let tls = Tls {
        cert: work.join("cert.pem"),
        key: work.join("key.pem"),
        cert_pem: identity.certificate_pem().to_owned(),
        key_pem: identity.key_pem().to_owned(),
    };
    std::fs::write(&tls.cert, &tls.cert_pem).map_err(|e| e.to_string())?;
    std::fs::write(&tls.key, &tls.key_pem).map_err(|e| e.to_string())?;
    let port = free_port();
    let origin_port = free_port();
    package(&work.join("package"), port).map_err(|e| e.to_string())?;
    let origin_url = format!("http://127.0.0.1:{origin_port}");

    // One replica first: the sandbox installs the integration through it, adds the account
    // and pulls one ticket per photo.
    let setup = Replica::start_on(
        port,
        &args.replica_bin,
        &replica_args(
            &origin_url,
            port,
            0,
            &[
                "--tls-cert".into(),
                tls.cert.display().to_string(),
                "--tls-key".into(),
                tls.key.display().to_string(),
            ],
        ),
    );
    let sandbox = Sandbox::start(Options {
        config: config(args.photos, args.origin_latency_ms, origin_port),
        package_dir: Some(work.join("package")),
        zaf_sdk: None,
        head_script: None,
        tls: Some(identity.clone()),
        ..Options::default()
    })
    .await
    .map_err(|e| format!("the sandbox: {e}"))?;
    drop(setup);
    let tickets: Vec<(u64, String)> = sandbox
        .channel
        .desk
        .tickets()
        .into_iter()
        .filter_map(|t| Some((t.id, t.external_id?)))
        .filter(|(_, photo)| photo.starts_with("ig:9"))
        .collect();
    if tickets.len() != args.photos {
        return Err(format!(
            "the pull made {} tickets for {} photos",
            tickets.len(),
            args.photos
        ));
    }
    let agent = Arc::new(sign_in(&sandbox, tickets[0].0).await?);
    let tls_args = [
        "--tls-cert".to_owned(),
        tls.cert.display().to_string(),
        "--tls-key".into(),
        tls.key.display().to_string(),
    ];

    let runs: [(&str, u32, &str, u64); 4] = [
        ("limit", 0, "-", 0),
        ("1 replica, no cache", 1, "memory", 0),
        ("1 replica", 1, "memory", args.ttl_seconds),
        ("2 replicas", 2, "redis", args.ttl_seconds),
    ];
    let mut results = Vec::new();
    let mut limit = json!(null);
    println!(
        "\n{} openings/s for {} s over {} photos (cache TTL {} s), origin latency {} ms; each run in turn behind https://localhost:{port}",
        args.rate, args.seconds, args.photos, args.ttl_seconds, args.origin_latency_ms
    );
    println!(
        "\n| run | store | openings | photos | window s | TTL s | origin reads | sets | lost sets | rps | p50 ms | p99 ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for (name, replicas, store, ttl) in runs {
        let backend = match replicas {
            0 => constant(port, &tls).await?,
            1 => Backend::One(Replica::start_on(
                port,
                &args.replica_bin,
                &replica_args(&origin_url, port, ttl, &tls_args),
            )),
            _ => {
                let redis = RedisServer::start();
                let extra = [
                    "--redis".to_owned(),
                    redis.url(),
                    "--trust-forwarded-for".into(),
                ];
                let a = Replica::start(
                    &args.replica_bin,
                    &replica_args(&origin_url, port, ttl, &extra),
                );
                let b = Replica::start(
                    &args.replica_bin,
                    &replica_args(&origin_url, port, ttl, &extra),
                );
                let nginx = Nginx::start(port, &tls.cert_pem, &tls.key_pem, &[a.port, b.port]);
                Backend::Two([a, b], nginx, redis)
            }
        };
        wait_for_port(port, name);
        // A few calls first: the proxy's pooled connections meet the new backend.
        for (ticket, photo) in tickets.iter().take(3) {
            let _ = agent
                .call(
                    *ticket,
                    "/like_state",
                    &json!({"ticket_id": ticket.to_string(), "external_id": photo}),
                )
                .await;
        }
        let reads_before = origin_reads(&sandbox);
        let measured = load(
            agent.clone(),
            &sandbox,
            &tickets,
            args.rate,
            args.seconds,
            replicas > 0,
        )
        .await;
        let reads = origin_reads(&sandbox) - reads_before;
        backend.stop();
        let mut sorted = measured.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        let rps = sorted.len() as f64 / measured.elapsed.as_secs_f64();
        let (p50, p99) = (percentile(&sorted, 0.50), percentile(&sorted, 0.99));
        let (sets, lost) = if replicas == 0 {
            // The constant handler takes no like: the limit's sets only keep the load the same.
            ("–".to_owned(), "–".to_owned())
        } else {
            (measured.sets.to_string(), measured.lost_sets.to_string())
        };
        println!(
            "| {name} | {store} | {} | {} | {} | {ttl} | {reads} | {sets} | {lost} | {rps:.0} | {p50:.1} | {p99:.1} |",
            measured.openings, args.photos, args.seconds
        );
        if measured.failed_reads > 0 {
            println!(
                "  ({name}: {} opening(s) not answered 200)",
                measured.failed_reads
            );
        }
        if replicas == 0 {
            limit = json!({"rps": rps, "p50_ms": p50, "p99_ms": p99});
        } else {
            results.push(json!({
                "name": name,
                "replicas": replicas,
                "store": store,
                "openings": measured.openings,
                "failed_openings": measured.failed_reads,
                "photos": args.photos,
                "window_s": args.seconds,
                "ttl_s": ttl,
                "origin_reads": reads,
                "origin_reads_bound": if ttl == 0 { Value::Null } else {
                    json!(2 * args.photos as u64 * (args.seconds.div_ceil(ttl) + 1))
                },
                "sets": measured.sets,
                "lost_sets": measured.lost_sets,
                "rps": rps,
                "p50_ms": p50,
                "p99_ms": p99,
            }));
        }
    }
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&work);
    let report = json!({"runs": results, "limit": limit});
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(
        &args.out,
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    )
    .map_err(|e| format!("writing {}: {e}", args.out.display()))?;
    println!("\nwritten: {}", args.out.display());
    Ok(())
}
