//! [`Desk`]: the sandbox's Zendesk data behind one lock (the install, the accounts, the
//! tickets, the admin UI exchanges in progress, what the start-up script did) and its rules:
//! storing what an admin UI posts back, and turning a pull's resources into tickets and
//! comments. No I/O.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use heart_contract::ANY_CHANNEL;

use super::{
    By, Comment, Install, Instance, InstanceId, IntegrationManifest, MAX_ACCOUNT_NAME,
    MAX_METADATA, MAX_STATE, PullAnswer, PullReport, Ticket,
};
use crate::config;

/// An admin UI exchange in progress: which account the `return_url` will update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Exchange {
    instance: Option<InstanceId>,
    by: By,
}

/// The sandbox's Zendesk data, behind one lock.
#[derive(Debug)]
pub struct Desk {
    data: Mutex<Data>,
}

#[derive(Debug)]
struct Data {
    install: Install,
    instances: BTreeMap<InstanceId, Instance>,
    tickets: BTreeMap<u64, Ticket>,
    next_ticket: u64,
    exchanges: HashMap<String, Exchange>,
    exchange_order: VecDeque<String>,
    /// What the start-up script did, for the admin page.
    script: Vec<String>,
}

/// How many open admin UI exchanges are kept (each page view opens some).
const MAX_EXCHANGES: usize = 200;

impl Desk {
    pub fn new(first_ticket_id: u64) -> Self {
        Self {
            data: Mutex::new(Data {
                install: Install::NotInstalled,
                instances: BTreeMap::new(),
                tickets: BTreeMap::new(),
                next_ticket: first_ticket_id.max(1),
                exchanges: HashMap::new(),
                exchange_order: VecDeque::new(),
                script: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        // A poisoned lock only means a panic elsewhere; the data is still what it was.
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn install(&self) -> Install {
        self.lock().install.clone()
    }

    pub fn set_install(&self, install: Install) {
        self.lock().install = install;
    }

    pub fn manifest(&self) -> Option<IntegrationManifest> {
        match self.install() {
            Install::Installed { manifest } => Some(*manifest),
            _ => None,
        }
    }

    pub fn ticket(&self, id: u64) -> Option<Ticket> {
        self.lock().tickets.get(&id).cloned()
    }

    pub fn tickets(&self) -> Vec<Ticket> {
        self.lock().tickets.values().cloned().collect()
    }

    pub fn instance(&self, id: InstanceId) -> Option<Instance> {
        self.lock().instances.get(&id).cloned()
    }

    pub fn instances(&self) -> Vec<Instance> {
        self.lock().instances.values().cloned().collect()
    }

    pub fn instance_named(&self, name: &str) -> Option<Instance> {
        self.lock()
            .instances
            .values()
            .find(|i| i.name == name)
            .cloned()
    }

    /// The instance a ticket belongs to, if an integration instance created it.
    pub fn instance_of_ticket(&self, ticket: u64) -> Option<Instance> {
        let data = self.lock();
        let ticket = data.tickets.get(&ticket)?;
        if ticket.channel != ANY_CHANNEL {
            return None;
        }
        data.instances.get(&ticket.instance?).cloned()
    }

    pub fn script_steps(&self) -> Vec<String> {
        self.lock().script.clone()
    }

    pub fn record_step(&self, step: impl Into<String>) {
        let step = step.into();
        tracing::info!(step = %step, "start-up script");
        self.lock().script.push(step);
    }

    /// A config ticket; `instance` is the id its `instance` name resolved to.
    pub fn add_config_ticket(
        &self,
        t: &config::Ticket,
        instance: Option<InstanceId>,
    ) -> Result<(), String> {
        let mut data = self.lock();
        if data.tickets.contains_key(&t.id) {
            return Err(format!("ticket {} exists already", t.id));
        }
        let mut thread_keys = BTreeSet::new();
        thread_keys.extend(t.external_id.clone());
        data.tickets.insert(
            t.id,
            Ticket {
                id: t.id,
                subject: t.subject.clone(),
                requester: t.requester.clone(),
                description: t.description.clone(),
                channel: t.channel.clone(),
                instance,
                external_id: t.external_id.clone(),
                comments: Vec::new(),
                thread_keys,
            },
        );
        Ok(())
    }

    /// Opens an admin UI exchange; the key goes into the `return_url`.
    pub fn open_exchange(&self, instance: Option<InstanceId>, by: By) -> String {
        let key = crate::host::random_hex();
        let mut data = self.lock();
        data.exchanges
            .insert(key.clone(), Exchange { instance, by });
        data.exchange_order.push_back(key.clone());
        while data.exchange_order.len() > MAX_EXCHANGES {
            if let Some(old) = data.exchange_order.pop_front() {
                data.exchanges.remove(&old);
            }
        }
        key
    }

    /// What the admin UI posted to the `return_url`: stores the account (new, or the one being
    /// edited). `state` absent keeps the stored one.
    pub fn complete_exchange(
        &self,
        key: &str,
        name: &str,
        metadata: &str,
        state: Option<&str>,
    ) -> Result<InstanceId, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("the integration posted back no account name".into());
        }
        if name.chars().count() > MAX_ACCOUNT_NAME {
            return Err(format!(
                "the account name is over {MAX_ACCOUNT_NAME} characters"
            ));
        }
        if metadata.chars().count() > MAX_METADATA {
            return Err(format!("metadata is over {MAX_METADATA} characters"));
        }
        if state.is_some_and(|s| s.chars().count() > MAX_STATE) {
            return Err(format!("state is over {MAX_STATE} characters"));
        }
        let mut data = self.lock();
        let Some(exchange) = data.exchanges.remove(key) else {
            return Err("this account setup has expired or was already saved: start it again from the admin page".into());
        };
        data.exchange_order.retain(|k| k != key);
        let id = match exchange.instance {
            Some(id) => {
                let Some(instance) = data.instances.get_mut(&id) else {
                    return Err(format!("account {id} no longer exists"));
                };
                instance.name = name.to_owned();
                instance.metadata = metadata.to_owned();
                if let Some(state) = state {
                    instance.state = state.to_owned();
                }
                instance.needs_update = false;
                instance.by = exchange.by;
                id
            }
            None => {
                let id = data.instances.keys().next_back().map_or(1, |last| last + 1);
                data.instances.insert(
                    id,
                    Instance {
                        id,
                        name: name.to_owned(),
                        metadata: metadata.to_owned(),
                        state: state.unwrap_or("").to_owned(),
                        needs_update: false,
                        by: exchange.by,
                        last_pull: None,
                    },
                );
                id
            }
        };
        Ok(id)
    }

    /// A pull that failed: recorded on the account, nothing else changes.
    pub fn pull_failed(&self, id: InstanceId, at_ms: u64, error: String) -> Option<PullReport> {
        let mut data = self.lock();
        let instance = data.instances.get_mut(&id)?;
        let report = PullReport::failed(at_ms, error);
        instance.last_pull = Some(report.clone());
        Some(report)
    }

    /// Applies a pull's answer: stores `state` (and `metadata`), flags `metadata_needs_update`,
    /// and turns each resource not seen before into a ticket, or a comment on its thread's.
    pub fn apply_pull(&self, id: InstanceId, at_ms: u64, answer: PullAnswer) -> Option<PullReport> {
        let mut data = self.lock();
        let data = &mut *data;
        let instance = data.instances.get_mut(&id)?;
        if let Some(state) = answer.state {
            instance.state = state;
        }
        if let Some(metadata) = answer.metadata {
            instance.metadata = metadata;
        }
        if let Some(flag) = answer.metadata_needs_update {
            instance.needs_update = flag;
        }
        let mut report = PullReport::ok(at_ms, answer.problems, instance.needs_update);
        for resource in answer.resources {
            let ours = |t: &&mut Ticket| t.instance == Some(id);
            if data
                .tickets
                .values_mut()
                .filter(ours)
                .any(|t| t.thread_keys.contains(&resource.external_id))
            {
                report.seen += 1;
                continue;
            }
            let thread = resource.parent_id.as_ref().or(resource.thread_id.as_ref());
            let existing = thread.and_then(|key| {
                data.tickets
                    .values_mut()
                    .filter(ours)
                    .find(|t| t.thread_keys.contains(key))
            });
            match existing {
                Some(ticket) => {
                    ticket.thread_keys.insert(resource.external_id.clone());
                    ticket.comments.push(Comment {
                        author: resource.author_name(),
                        body: resource.message.clone(),
                        external_id: Some(resource.external_id.clone()),
                        created_at: resource.created_at.clone(),
                    });
                    report.comments.push(ticket.id);
                }
                None => {
                    let mut ticket_id = data.next_ticket;
                    while data.tickets.contains_key(&ticket_id) {
                        ticket_id += 1;
                    }
                    data.next_ticket = ticket_id + 1;
                    let mut thread_keys = BTreeSet::new();
                    thread_keys.insert(resource.external_id.clone());
                    thread_keys.extend(resource.thread_id.clone());
                    data.tickets.insert(
                        ticket_id,
                        Ticket {
                            id: ticket_id,
                            subject: resource.subject(),
                            requester: resource.author_name(),
                            description: resource.message.clone(),
                            channel: ANY_CHANNEL.into(),
                            instance: Some(id),
                            external_id: Some(resource.external_id.clone()),
                            comments: Vec::new(),
                            thread_keys,
                        },
                    );
                    report.tickets.push(ticket_id);
                }
            }
        }
        if let Some(instance) = data.instances.get_mut(&id) {
            instance.last_pull = Some(report.clone());
        }
        Some(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Resource;

    fn resource(external_id: &str, thread: Option<&str>, message: &str) -> Resource {
        Resource {
            external_id: external_id.into(),
            message: message.into(),
            thread_id: thread.map(str::to_owned),
            parent_id: None,
            created_at: Some("2026-05-01T10:00:00Z".into()),
            author_id: "lena".into(),
            author_name: Some("@lena.runs".into()),
        }
    }

    fn answer(resources: Vec<Resource>) -> PullAnswer {
        PullAnswer {
            resources,
            state: Some("{\"after\":\"2\"}".into()),
            metadata: None,
            metadata_needs_update: None,
            problems: Vec::new(),
        }
    }

    fn desk_with_account() -> (Desk, InstanceId) {
        let desk = Desk::new(62);
        desk.add_config_ticket(
            &config::Ticket {
                id: 63,
                subject: "email".into(),
                requester: "sam".into(),
                description: "d".into(),
                channel: "email".into(),
                instance: None,
                external_id: None,
            },
            None,
        )
        .expect("ticket");
        let key = desk.open_exchange(None, By::Admin);
        let id = desk
            .complete_exchange(&key, "Omniwear", "{\"account\":\"omniwear\"}", None)
            .expect("saved");
        (desk, id)
    }

    #[test]
    fn resources_become_tickets_and_thread_into_them_once() {
        let (desk, id) = desk_with_account();
        let report = desk
            .apply_pull(
                id,
                5,
                answer(vec![
                    resource("ig:1", Some("ig:1"), "Do you ship to Norway?"),
                    resource("ig:2", Some("ig:2"), "Love it"),
                    resource("ig:1/comments/9", Some("ig:1"), "Size 39 please"),
                ]),
            )
            .expect("applied");
        assert_eq!(
            report.tickets,
            vec![62, 64],
            "63 is taken by the email ticket"
        );
        assert_eq!(report.comments, vec![62]);
        let t = desk.ticket(62).expect("ticket 62");
        assert_eq!(t.channel, "any_channel");
        assert_eq!(t.instance, Some(id));
        assert_eq!(t.external_id.as_deref(), Some("ig:1"));
        assert_eq!(t.subject, "Do you ship to Norway?");
        assert_eq!(t.requester, "@lena.runs");
        assert_eq!(t.comments.len(), 1);
        assert_eq!(desk.instance(id).expect("i").state, "{\"after\":\"2\"}");
        assert_eq!(desk.instance_of_ticket(62).map(|i| i.id), Some(id));
        assert_eq!(desk.instance_of_ticket(63), None);

        // The same resources again change nothing.
        let again = desk
            .apply_pull(id, 6, answer(vec![resource("ig:1", Some("ig:1"), "x")]))
            .expect("applied");
        assert!(again.tickets.is_empty() && again.comments.is_empty());
        assert_eq!(again.seen, 1);
        assert_eq!(desk.tickets().len(), 3);
    }

    #[test]
    fn state_is_kept_when_the_answer_has_none_and_the_flag_is_honoured() {
        let (desk, id) = desk_with_account();
        desk.apply_pull(id, 1, answer(vec![])).expect("first");
        let mut flagged = answer(vec![]);
        flagged.state = None;
        flagged.metadata_needs_update = Some(true);
        let report = desk.apply_pull(id, 2, flagged).expect("second");
        assert!(report.needs_update);
        let instance = desk.instance(id).expect("instance");
        assert_eq!(instance.state, "{\"after\":\"2\"}");
        assert!(instance.needs_update);
        // Editing the account clears the flag and keeps the state when none is posted back.
        let key = desk.open_exchange(Some(id), By::Admin);
        desk.complete_exchange(
            &key,
            "Omniwear",
            "{\"account\":\"omniwear\",\"token\":\"new\"}",
            None,
        )
        .expect("edited");
        let instance = desk.instance(id).expect("instance");
        assert!(!instance.needs_update);
        assert_eq!(instance.state, "{\"after\":\"2\"}");
        assert!(instance.metadata.contains("new"));
    }

    #[test]
    fn a_return_url_works_once_and_checks_the_limits() {
        let desk = Desk::new(1);
        let key = desk.open_exchange(None, By::Admin);
        let long = "m".repeat(MAX_METADATA + 1);
        assert!(desk.complete_exchange(&key, "A", &long, None).is_err());
        assert!(desk.complete_exchange(&key, " ", "{}", None).is_err());
        // Refusals before the lookup leave the exchange open.
        assert_eq!(desk.complete_exchange(&key, "A", "{}", Some("s")), Ok(1));
        let err = desk
            .complete_exchange(&key, "A", "{}", None)
            .expect_err("used");
        assert!(err.contains("expired or was already saved"), "{err}");
        assert!(desk.complete_exchange("forged", "A", "{}", None).is_err());
        assert_eq!(desk.instances().len(), 1);
    }
}
