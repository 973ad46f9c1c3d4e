//! [`Framework`]: Zendesk's side of the Channel framework with its HTTP client. It installs
//! the integration from its manifest, opens admin UI exchanges, and pulls accounts (now, or
//! every `pull_interval_ms`).

use std::sync::Arc;

use reqwest::Url;

use super::{By, ChannelRequirement, Desk, Install, InstanceId, PullReport, manifest, pull};
use crate::config::Config;
use crate::log::RequestLog;

/// Zendesk's side, with its HTTP client: installs, runs admin UI exchanges, pulls.
pub struct Framework {
    pub desk: Desk,
    /// What the package's `requirements.json` declares.
    pub requirement: ChannelRequirement,
    /// Trusts the sandbox's own certificate only; no redirects.
    pub client: reqwest::Client,
    pub config: Arc<Config>,
    /// The host's origin as a browser reaches it (`http://localhost:4567`): `return_url`s.
    pub host_url: String,
    pub log: Arc<RequestLog>,
    /// The integration certificate's SPKI hash, for the admin page's note.
    pub spki_sha256: String,
    /// The integration's certificate, for a person to import.
    pub certificate_pem: String,
}

impl Framework {
    /// Reads the manifest from the requirement's URL and installs the integration, or records
    /// why it could not.
    pub async fn install(&self) -> Install {
        let install = match manifest::fetch(&self.client, &self.requirement.manifest_url).await {
            Ok(manifest) => {
                tracing::info!(
                    integration = %manifest.name,
                    manifest_url = %self.requirement.manifest_url,
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
        install
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
        let key = self.desk.open_exchange(instance, by);
        let (name, metadata, state) = existing
            .map(|i| (i.name, i.metadata, i.state))
            .unwrap_or_default();
        let fields = vec![
            (
                "return_url".to_owned(),
                format!("{}/admin/channels/return/{key}", self.host_url),
            ),
            ("subdomain".to_owned(), "sandbox".to_owned()),
            ("locale".to_owned(), locale.to_owned()),
            ("name".to_owned(), name),
            ("metadata".to_owned(), metadata),
            ("state".to_owned(), state),
        ];
        Some((manifest.urls.admin_ui, fields))
    }

    /// Pulls one account: POSTs its `metadata` and `state` to `pull_url` and applies the answer.
    pub async fn pull(&self, id: InstanceId) -> Option<PullReport> {
        let instance = self.desk.instance(id)?;
        let at_ms = self.log.now_ms();
        let Some(pull_url) = self.desk.manifest().and_then(|m| m.urls.pull_url) else {
            return self
                .desk
                .pull_failed(id, at_ms, "the integration has no pull_url".into());
        };
        match pull::request(&self.client, &pull_url, &instance.metadata, &instance.state).await {
            Ok(answer) => {
                let report = self.desk.apply_pull(id, at_ms, answer)?;
                tracing::info!(
                    instance = id,
                    tickets = ?report.tickets,
                    comments = report.comments.len(),
                    needs_update = report.needs_update,
                    "pulled"
                );
                Some(report)
            }
            Err(error) => {
                tracing::warn!(instance = id, %error, "pull failed");
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
            let mut ticker = tokio::time::interval(std::time::Duration::from_millis(period));
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
}
