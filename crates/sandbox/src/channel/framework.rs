//! [`Framework`]: Zendesk's side of the Channel framework with its HTTP client. It installs the
//! integration from its manifest (and calls its health check), opens admin UI exchanges (with
//! the push credentials when the manifest has a push client), pulls accounts (now, or every
//! `pull_interval_ms`), sends agents' replies back through `channelback_url`, and sends the
//! integration its events. Every call has a deadline; what it brings back is checked against
//! Zendesk's limits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Url, header};
use serde_json::{Value, json};

use super::events::{self, Sent};
use super::limits::{self, Violation};
use super::{
    By, ChannelRequirement, Desk, Imported, Install, InstanceId, PullError, PullReport, manifest,
    pull,
};
use crate::config::Config;
use crate::log::RequestLog;

/// How long Zendesk waits for an integration's channelback, health check or event callback.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// The most bytes of a channelback's answer read.
const MAX_ANSWER: usize = 64 * 1024;

/// The integration's health check as last called: when, and its status or why it failed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    pub at_ms: u64,
    pub result: Result<u16, String>,
}

/// Why a reply did not reach the origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyFailed {
    pub error: String,
    pub violations: Vec<Violation>,
}

/// Zendesk's side, with its HTTP client: installs, runs admin UI exchanges, pulls, replies,
/// sends events.
pub struct Framework {
    pub desk: Desk,
    /// What the package's `requirements.json` declares; none for a package without one.
    pub requirement: Option<ChannelRequirement>,
    /// Trusts the sandbox's own certificate, the system's roots and `--integration-ca`; no
    /// redirects.
    pub client: reqwest::Client,
    pub config: Arc<Config>,
    /// The host's origin as a browser reaches it (`http://localhost:4567`): `return_url`s.
    pub host_url: String,
    pub log: Arc<RequestLog>,
    /// The integration certificate's SPKI hash, for the admin page's note.
    pub spki_sha256: String,
    /// The integration's certificate, for a person to import.
    pub certificate_pem: String,
    /// The health check's last answer.
    pub health: Mutex<Option<Health>>,
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

impl Framework {
    /// Reads the manifest from the requirement's URL and installs the integration, or records
    /// why it could not; then calls its health check, if it has one.
    pub async fn install(&self) -> Install {
        let Some(requirement) = &self.requirement else {
            return Install::NotInstalled;
        };
        let install = match manifest::fetch(&self.client, &requirement.manifest_url).await {
            Ok(manifest) => {
                tracing::info!(
                    integration = %manifest.name,
                    manifest_url = %requirement.manifest_url,
                    "installed the channel integration"
                );
                Install::Installed {
                    manifest: Box::new(manifest),
                }
            }
            Err(error) => {
                tracing::error!(%error, "cannot install the channel integration");
                Install::Failed { error }
            }
        };
        self.desk.set_install(install.clone());
        if let Install::Installed { manifest } = &install
            && let Some(url) = &manifest.urls.healthcheck_url
        {
            self.check_health(url).await;
        }
        install
    }

    async fn check_health(&self, url: &Url) {
        let result = self
            .client
            .get(url.clone())
            .timeout(CALL_TIMEOUT)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .map_err(|e| manifest::describe(&e));
        if let Ok(mut health) = self.health.lock() {
            *health = Some(Health {
                at_ms: self.log.now_ms(),
                result,
            });
        }
    }

    /// The health check's last answer.
    pub fn health(&self) -> Option<Health> {
        self.health.lock().ok().and_then(|h| h.clone())
    }

    /// The form Zendesk POSTs to `admin_ui` to add (`None`) or edit an account.
    pub fn admin_ui_form(
        &self,
        instance: Option<InstanceId>,
        by: By,
        locale: &str,
    ) -> Option<(Url, Vec<(String, String)>)> {
        let manifest = self.desk.manifest()?;
        let existing = instance.and_then(|id| self.desk.instance(id));
        if instance.is_some() && existing.is_none() {
            return None;
        }
        let (key, push) = self
            .desk
            .open_exchange(instance, by, manifest.push_client_id.is_some());
        let (name, metadata, state) = existing
            .map(|i| (i.name, i.metadata, i.state))
            .unwrap_or_default();
        let mut fields = vec![
            (
                "return_url".to_owned(),
                format!("{}/admin/channels/return/{key}", self.host_url),
            ),
            ("subdomain".to_owned(), events::SUBDOMAIN.to_owned()),
            ("locale".to_owned(), locale.to_owned()),
            ("name".to_owned(), name),
            ("metadata".to_owned(), metadata),
            ("state".to_owned(), state),
        ];
        if let Some((push_id, token)) = push {
            fields.push(("instance_push_id".to_owned(), push_id));
            fields.push(("zendesk_access_token".to_owned(), token));
        }
        Some((manifest.urls.admin_ui, fields))
    }

    /// Pulls one account: POSTs its `metadata` and `state` to `pull_url` and applies the answer.
    /// A pull that changes nothing logs at debug level; one that brings tickets in, drops
    /// duplicates or fails is said at info or warn (and sent to the integration as events).
    pub async fn pull(&self, id: InstanceId) -> Option<PullReport> {
        let instance = self.desk.instance(id)?;
        let at_ms = self.log.now_ms();
        let request_id = crate::host::random_hex();
        let Some(pull_url) = self.desk.manifest().and_then(|m| m.urls.pull_url) else {
            return self.desk.pull_failed(
                id,
                at_ms,
                PullError::Failed("the integration has no pull_url".into()),
            );
        };
        match pull::request(&self.client, &pull_url, &instance.metadata, &instance.state).await {
            Ok(answer) => {
                let (report, outcomes) = self.desk.apply_pull(id, at_ms, answer)?;
                let changed = report.needs_update != instance.needs_update;
                if !changed
                    && report.tickets.is_empty()
                    && report.comments.is_empty()
                    && report.seen.is_empty()
                {
                    tracing::debug!(instance = id, "pulled: nothing new");
                } else {
                    tracing::info!(
                        instance = id,
                        tickets = ?report.tickets,
                        comments = report.comments.len(),
                        dropped = report.seen.len(),
                        needs_update = report.needs_update,
                        "pulled"
                    );
                }
                if let Some(data) = events::resources_created(&request_id, &outcomes) {
                    self.send_event("resources_created_from_external_ids", None, data);
                }
                if !report.seen.is_empty() {
                    let duplicates: Vec<Value> = report
                        .seen
                        .iter()
                        .map(|e| json!({"external_id": e, "request_id": request_id}))
                        .collect();
                    self.send_event(
                        "pull_request",
                        Some("duplicate external_ids were dropped"),
                        json!({"integration_instance_name": instance.name, "url": pull_url.as_str(),
                               "request_id": request_id, "duplicate_external_ids": duplicates}),
                    );
                }
                Some(report)
            }
            Err(error) => {
                let text = match &error {
                    PullError::Failed(e) => e.clone(),
                    PullError::Refused(v) => format!("refused: {}", limits::describe(v)),
                };
                tracing::warn!(instance = id, error = %text, "pull failed");
                self.send_event(
                    "pull_request",
                    Some(&text),
                    json!({"integration_instance_name": instance.name, "url": pull_url.as_str(),
                           "request_id": request_id, "duplicate_external_ids": []}),
                );
                self.desk.pull_failed(id, at_ms, error)
            }
        }
    }

    pub async fn pull_all(&self) -> Vec<(InstanceId, Option<PullReport>)> {
        let mut out = Vec::new();
        for instance in self.desk.instances() {
            out.push((instance.id, self.pull(instance.id).await));
        }
        out
    }

    /// Pulls every account every `pull_interval_ms`, until `stop`.
    pub fn spawn_periodic_pull(self: &Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        let period = self.config.pull_interval_ms;
        if period == 0 {
            return;
        }
        let framework = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(Duration::from_millis(period));
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticker.tick().await;
            loop {
                tokio::select! {
                    _ = ticker.tick() => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
                if framework.desk.manifest().is_some() {
                    framework.pull_all().await;
                }
            }
        });
    }

    /// Sends an agent's reply (`request_id`, made by `Desk::start_reply`) to the origin through
    /// the integration's `channelback_url`, as Zendesk does: a form with the `message`, the
    /// resource it answers (`parent_id`) and its author (`recipient_id`), the account's
    /// `metadata`, the reply's `request_unique_identifier` (the same on every try) and the
    /// ticket's `thread_id`. The answer must be within Zendesk's limits; then the reply is a
    /// comment carrying the `external_id` it answered.
    pub async fn channelback(&self, request_id: &str, agent: &str) -> Result<u64, ReplyFailed> {
        let failed = |error: String| ReplyFailed {
            error,
            violations: Vec::new(),
        };
        let reply = self
            .desk
            .reply(request_id)
            .ok_or_else(|| failed("no such reply".into()))?;
        let ticket = self
            .desk
            .ticket(reply.ticket)
            .ok_or_else(|| failed("no such ticket".into()))?;
        let instance = self
            .desk
            .instance_of_ticket(ticket.id)
            .ok_or_else(|| failed("the ticket's account no longer exists".into()))?;
        let url = self
            .desk
            .manifest()
            .and_then(|m| m.urls.channelback_url)
            .ok_or_else(|| failed("the integration has no channelback_url".into()))?;
        let (parent_id, recipient_id) = ticket.reply_target().unwrap_or_default();
        let mut form = vec![
            ("message", reply.message.clone()),
            ("parent_id", parent_id),
            ("recipient_id", recipient_id.unwrap_or_default()),
            ("metadata", instance.metadata.clone()),
            ("request_unique_identifier", request_id.to_owned()),
        ];
        if let Some(thread) = &ticket.thread_id {
            form.push(("thread_id", thread.clone()));
        }
        let outcome = self.post_channelback(&url, &form).await;
        match outcome {
            Ok(answer) => {
                let external_id = answer
                    .get("external_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let allow = answer.get("allow_channelback").and_then(Value::as_bool);
                self.desk.update_instance(
                    instance.id,
                    answer.get("metadata_needs_update").and_then(Value::as_bool),
                    answer
                        .get("metadata")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                );
                let (ticket_id, comment) = self
                    .desk
                    .reply_sent(request_id, external_id, allow, agent)
                    .ok_or_else(|| failed("the ticket went away".into()))?;
                tracing::info!(
                    ticket = ticket_id,
                    external_id,
                    "reply sent back through the integration"
                );
                self.send_event(
                    "resources_created_from_external_ids",
                    None,
                    json!({"request_id": request_id, "resource_events": [{
                        "type_id": "external_id_associated_with_channelback",
                        "external_id": external_id, "ticket_id": ticket_id, "comment_id": comment}]}),
                );
                Ok(comment)
            }
            Err(failure) => {
                tracing::warn!(ticket = ticket.id, error = %failure.error, "reply not sent");
                self.desk.reply_failed(
                    request_id,
                    failure.error.clone(),
                    failure.violations.clone(),
                );
                self.send_event(
                    "channelback",
                    Some(&failure.error),
                    json!({"integration_instance_name": instance.name, "url": url.as_str(),
                           "request_id": request_id}),
                );
                Err(failure)
            }
        }
    }

    async fn post_channelback(
        &self,
        url: &Url,
        form: &[(&str, String)],
    ) -> Result<Value, ReplyFailed> {
        let failed = |error: String| ReplyFailed {
            error,
            violations: Vec::new(),
        };
        let response = self
            .client
            .post(url.clone())
            .timeout(CALL_TIMEOUT)
            .header(header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(|e| {
                failed(format!(
                    "the integration could not be reached: {}",
                    manifest::describe(&e)
                ))
            })?;
        let status = response.status();
        let mut bytes = Vec::new();
        let mut response = response;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(format!("reading the answer: {}", manifest::describe(&e))))?
        {
            if bytes.len() + chunk.len() > MAX_ANSWER {
                return Err(failed(format!("the answer is over {MAX_ANSWER} bytes")));
            }
            bytes.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            return Err(failed(format!(
                "the integration answered HTTP {}",
                status.as_u16()
            )));
        }
        let answer: Value = serde_json::from_slice(&bytes)
            .map_err(|_| failed("the integration's answer is not JSON".into()))?;
        let violations = limits::check(&answer, &limits::CHANNELBACK, "");
        if violations.is_empty() {
            Ok(answer)
        } else {
            Err(ReplyFailed {
                error: format!(
                    "the integration's answer breaks Zendesk's limits: {}",
                    limits::describe(&violations)
                ),
                violations,
            })
        }
    }

    /// Removes an account; the integration hears of it (`destroy_integration_instance`).
    pub fn remove(&self, id: InstanceId) -> bool {
        let Some(instance) = self.desk.remove_instance(id) else {
            return false;
        };
        tracing::info!(instance = id, name = %instance.name, "account removed");
        self.send_event(
            "destroy_integration_instance",
            None,
            json!({"metadata": instance.metadata}),
        );
        true
    }

    /// A new account was saved (`create_integration_instance`).
    pub fn created(&self, id: InstanceId) {
        if let Some(instance) = self.desk.instance(id) {
            self.send_event(
                "create_integration_instance",
                None,
                json!({"metadata": instance.metadata}),
            );
        }
    }

    /// Resources pushed or pulled became tickets or comments (`resources_created_from_external_ids`).
    pub fn imported(&self, request_id: &str, outcomes: &[(String, Imported)]) {
        if let Some(data) = events::resources_created(request_id, outcomes) {
            self.send_event("resources_created_from_external_ids", None, data);
        }
    }

    /// Sends one event to the manifest's `event_callback_url` (if it has one), in the
    /// background, and records it for the admin page.
    pub fn send_event(&self, type_id: &str, error: Option<&str>, data: Value) {
        let Some(manifest) = self.desk.manifest() else {
            return;
        };
        let Some(url) = manifest.urls.event_callback_url.clone() else {
            return;
        };
        let event = events::event(&manifest, type_id, &now_rfc3339(), error, data);
        let summary = match error {
            Some(e) => format!("{type_id}: {e}"),
            None => type_id.to_owned(),
        };
        let client = self.client.clone();
        let at_ms = self.log.now_ms();
        let type_id = type_id.to_owned();
        let desk_events = self.events_sink();
        tokio::spawn(async move {
            let delivered = client
                .post(url)
                .timeout(CALL_TIMEOUT)
                .header(header::CONTENT_TYPE, "application/json")
                .body(json!({"events": [event]}).to_string())
                .send()
                .await
                .map(|r| r.status().as_u16())
                .map_err(|e| manifest::describe(&e));
            if let Err(e) = &delivered {
                tracing::warn!(event = %type_id, error = %e, "the event callback failed");
            }
            desk_events(Sent {
                at_ms,
                type_id,
                summary,
                delivered,
            });
        });
    }

    /// Where a delivered event is recorded (the desk, shared with the background task).
    fn events_sink(&self) -> impl FnOnce(Sent) + Send + 'static {
        let desk = self.desk.clone();
        move |sent| desk.record_event(sent)
    }
}
