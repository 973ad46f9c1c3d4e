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

mod agents;
mod world;

use std::path::PathBuf;
use std::sync::Arc;

use heart_integration::testing::{Nginx, RedisServer, Replica, free_port, wait_for_port};
use sandbox::{Options, Sandbox};
use serde_json::{Value, json};

use agents::{load, origin_reads, percentile, sign_in};
use world::{Backend, Tls, config, constant, package, replica_args};

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
