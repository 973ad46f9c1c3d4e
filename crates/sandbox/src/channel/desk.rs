//! [`Desk`]: the sandbox's Zendesk data behind one lock (the install, the accounts, the
//! tickets, the admin UI exchanges in progress, the agents' replies sent back through the
//! integration, the events sent to it, what the start-up script did) and its rules: storing
//! what an admin UI posts back, and (`desk/import.rs`) turning resources, pulled, pushed or
//! made by a reply, into tickets and comments. No I/O.

mod import;
mod replies;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use heart_contract::ANY_CHANNEL;
use serde_json::{Value, json};

use super::events::Sent;
use super::limits::{self, Violation};
use super::{By, Install, Instance, InstanceId, IntegrationManifest, Ticket};
use crate::config;
pub use import::Imported;
pub use replies::Reply;

/// An admin UI exchange in progress: which account the `return_url` will update, and the push
/// credentials Zendesk handed the admin UI for a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Exchange {
    instance: Option<InstanceId>,
    by: By,
    push: Option<(String, String)>,
}

/// The sandbox's Zendesk data, behind one lock; a clone is another handle on the same data.
#[derive(Debug, Clone)]
pub struct Desk {
    data: Arc<Mutex<Data>>,
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
    next_comment: u64,
    replies: BTreeMap<String, Reply>,
    /// The events sent to the integration, newest last.
    events: VecDeque<Sent>,
}

/// How many open admin UI exchanges are kept (each page view opens some).
const MAX_EXCHANGES: usize = 200;
/// How many events are kept.
const MAX_EVENTS: usize = 200;

impl Desk {
    pub fn new(first_ticket_id: u64) -> Self {
        Self {
            data: Arc::new(Mutex::new(Data {
                install: Install::NotInstalled,
                instances: BTreeMap::new(),
                tickets: BTreeMap::new(),
                next_ticket: first_ticket_id.max(1),
                exchanges: HashMap::new(),
                exchange_order: VecDeque::new(),
                script: Vec::new(),
                next_comment: 1_000,
                replies: BTreeMap::new(),
                events: VecDeque::new(),
            })),
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
                comment_id: 0,
                requester_id: None,
                thread_id: None,
                allow_channelback: false,
                comments: Vec::new(),
                thread_keys,
            },
        );
        Ok(())
    }

    /// Opens an admin UI exchange; the key goes into the `return_url`. With `push` (the
    /// manifest has a `push_client_id`) it also answers the account's `instance_push_id` and
    /// `zendesk_access_token` (made now for a new account), which go to the admin UI too.
    pub fn open_exchange(
        &self,
        instance: Option<InstanceId>,
        by: By,
        push: bool,
    ) -> (String, Option<(String, String)>) {
        let key = crate::host::random_hex();
        let mut data = self.lock();
        let push = push.then(|| {
            instance
                .and_then(|id| data.instances.get(&id))
                .and_then(|i| Some((i.push_id.clone()?, i.push_token.clone()?)))
                .unwrap_or_else(|| (crate::host::random_hex(), crate::host::random_hex()))
        });
        data.exchanges.insert(
            key.clone(),
            Exchange {
                instance,
                by,
                push: push.clone(),
            },
        );
        data.exchange_order.push_back(key.clone());
        while data.exchange_order.len() > MAX_EXCHANGES {
            if let Some(old) = data.exchange_order.pop_front() {
                data.exchanges.remove(&old);
            }
        }
        (key, push)
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
        self.complete_exchange_checked(key, name, metadata, state)
            .map(|(id, _)| id)
            .map_err(|refused| match refused {
                Refused::Limits(violations) => format!(
                    "what the integration posted back breaks Zendesk's limits: {}",
                    limits::describe(&violations)
                ),
                Refused::Other(why) => why,
            })
    }

    /// The same, with whether the account is new, and the refusal in parts: Zendesk's limits
    /// broken, or another reason.
    pub fn complete_exchange_checked(
        &self,
        key: &str,
        name: &str,
        metadata: &str,
        state: Option<&str>,
    ) -> Result<(InstanceId, bool), Refused> {
        let name = name.trim();
        let mut posted = json!({"name": name, "metadata": metadata});
        if let Some(state) = state {
            posted["state"] = Value::from(state);
        }
        let violations = limits::check(&posted, &limits::RETURN, "");
        if !violations.is_empty() {
            return Err(Refused::Limits(violations));
        }
        let mut data = self.lock();
        let Some(exchange) = data.exchanges.remove(key) else {
            return Err(Refused::Other("this account setup has expired or was already saved: start it again from the admin page".into()));
        };
        data.exchange_order.retain(|k| k != key);
        let id = match exchange.instance {
            Some(id) => {
                let Some(instance) = data.instances.get_mut(&id) else {
                    return Err(Refused::Other(format!("account {id} no longer exists")));
                };
                instance.name = name.to_owned();
                instance.metadata = metadata.to_owned();
                if let Some(state) = state {
                    instance.state = state.to_owned();
                }
                instance.needs_update = false;
                instance.by = exchange.by;
                (id, false)
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
                        push_id: exchange.push.as_ref().map(|p| p.0.clone()),
                        push_token: exchange.push.map(|p| p.1),
                    },
                );
                (id, true)
            }
        };
        Ok(id)
    }

    /// The account the integration pushes to with `push_id`.
    pub fn instance_by_push_id(&self, push_id: &str) -> Option<Instance> {
        self.lock()
            .instances
            .values()
            .find(|i| i.push_id.as_deref() == Some(push_id))
            .cloned()
    }

    /// Removes an account (its tickets stay, no longer served by the proxy).
    pub fn remove_instance(&self, id: InstanceId) -> Option<Instance> {
        self.lock().instances.remove(&id)
    }

    /// Flags an account for the admin to revisit, and takes new metadata if the integration
    /// sent some.
    pub fn update_instance(
        &self,
        id: InstanceId,
        needs_update: Option<bool>,
        metadata: Option<String>,
    ) {
        let mut data = self.lock();
        if let Some(instance) = data.instances.get_mut(&id) {
            if let Some(flag) = needs_update {
                instance.needs_update = flag;
            }
            if let Some(metadata) = metadata {
                instance.metadata = metadata;
            }
        }
    }

    /// Records an event sent to the integration (or why it could not be).
    pub fn record_event(&self, sent: Sent) {
        let mut data = self.lock();
        data.events.push_back(sent);
        while data.events.len() > MAX_EVENTS {
            data.events.pop_front();
        }
    }

    /// The events sent, oldest first.
    pub fn events(&self) -> Vec<Sent> {
        self.lock().events.iter().cloned().collect()
    }
}

/// Why what the admin UI posted back was not stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    Limits(Vec<Violation>),
    Other(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::{PullAnswer, Resource};

    fn resource(external_id: &str, thread: Option<&str>, message: &str) -> Resource {
        Resource {
            external_id: external_id.into(),
            message: message.into(),
            thread_id: thread.map(str::to_owned),
            parent_id: None,
            created_at: Some("2026-05-01T10:00:00Z".into()),
            author_id: "lena".into(),
            author_name: Some("@lena.runs".into()),
            allow_channelback: true,
        }
    }

    fn answer(resources: Vec<Resource>) -> PullAnswer {
        PullAnswer {
            resources,
            state: Some("{\"after\":\"2\"}".into()),
            metadata: None,
            metadata_needs_update: None,
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
        let key = desk.open_exchange(None, By::Admin, false).0;
        let id = desk
            .complete_exchange(&key, "Omniwear", "{\"account\":\"omniwear\"}", None)
            .expect("saved");
        (desk, id)
    }

    #[test]
    fn resources_become_tickets_and_thread_into_them_once() {
        let (desk, id) = desk_with_account();
        let (report, _) = desk
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
        let (again, outcomes) = desk
            .apply_pull(id, 6, answer(vec![resource("ig:1", Some("ig:1"), "x")]))
            .expect("applied");
        assert!(again.tickets.is_empty() && again.comments.is_empty());
        assert_eq!(again.seen, ["ig:1"]);
        assert_eq!(outcomes, [("ig:1".to_owned(), Imported::Duplicate)]);
        assert!(
            again.problems[0].contains("unique per account"),
            "{:?}",
            again.problems
        );
        assert_eq!(desk.tickets().len(), 3);
    }

    #[test]
    fn state_is_kept_when_the_answer_has_none_and_the_flag_is_honoured() {
        let (desk, id) = desk_with_account();
        desk.apply_pull(id, 1, answer(vec![])).expect("first");
        let mut flagged = answer(vec![]);
        flagged.state = None;
        flagged.metadata_needs_update = Some(true);
        let (report, _) = desk.apply_pull(id, 2, flagged).expect("second");
        assert!(report.needs_update);
        let instance = desk.instance(id).expect("instance");
        assert_eq!(instance.state, "{\"after\":\"2\"}");
        assert!(instance.needs_update);
        // Editing the account clears the flag and keeps the state when none is posted back.
        let key = desk.open_exchange(Some(id), By::Admin, false).0;
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
        let key = desk.open_exchange(None, By::Admin, false).0;
        let long = "m".repeat(5_001);
        let err = desk
            .complete_exchange(&key, "A", &long, None)
            .expect_err("too long");
        assert!(
            err.contains("metadata: at most 5000 characters (found 5001 characters)"),
            "{err}"
        );
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
