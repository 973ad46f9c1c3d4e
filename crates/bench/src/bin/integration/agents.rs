//! The load: agents' sessions, openings at a fixed rate through the proxy with a liker
//! toggling meanwhile, and what was measured.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sandbox::Sandbox;
use serde_json::{Value, json};

/// The agent's session: its cookie and CSRF token, from a ticket page.
pub(crate) struct Agent {
    client: reqwest::Client,
    host: String,
    cookie: String,
    csrf: String,
}

pub(crate) async fn sign_in(sandbox: &Sandbox, ticket: u64) -> Result<Agent, String> {
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
pub(crate) struct Called {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<u64>,
    pub(crate) liked: Option<bool>,
}

impl Agent {
    pub(crate) async fn call(&self, ticket: u64, path: &str, body: &Value) -> Called {
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
pub(crate) struct Measured {
    pub(crate) openings: u64,
    pub(crate) failed_reads: u64,
    pub(crate) sets: u64,
    pub(crate) lost_sets: u64,
    pub(crate) latencies_ms: Vec<f64>,
    pub(crate) elapsed: Duration,
}

/// Opens tickets at `rate` per second for `seconds` (open loop: a late answer does not delay
/// the next opening), while one liker toggles likes on the first photos in turn.
pub(crate) async fn load(
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
            let on_origin = sandbox.instagram.photo("omniwear", photo).map(|p| p.liked);
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

pub(crate) fn origin_reads(sandbox: &Sandbox) -> u64 {
    sandbox
        .instagram
        .api_calls()
        .values()
        .map(|c| c.reads)
        .sum()
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}
