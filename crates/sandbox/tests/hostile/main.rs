//! Hostile input, tried from outside over real HTTP(S), as an attacker or a careless user would:
//! nothing secret in the log (after a pull, the admin UI exchange and a proxied call, in the
//! request log and in the log lines), controls only the agent's own page can use, numbers past
//! their bounds refused, bodies and answers bounded by bytes, sessions that page loads from
//! elsewhere cannot push out, requests for another host (DNS rebinding) refused on every
//! listener. (Deadlines: `tests/stalled.rs`.)
//!
//! This file holds what the modules share; the tests live by concern: no secret in the log in
//! `secrets.rs`, the controls in `controls.rs`, numbers and bytes past their bounds in
//! `bounds.rs`, sessions in `sessions.rs`, other hosts in `hosts.rs`.

#[path = "../common/mod.rs"]
mod common;

mod bounds;
mod controls;
mod hosts;
mod secrets;
mod sessions;

use common::{Agent, Answer, PHOTO_62};
use serde_json::json;

/// The agent's read of ticket 62's like-state, through the proxy.
async fn read_62(agent: &Agent) -> Answer {
    let body = json!({"ticket_id": "62", "external_id": PHOTO_62});
    agent.proxy(62, "/like_state", body).await
}
