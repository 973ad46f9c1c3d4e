//! Resources into tickets: what a pull, a push or a reply's answer brings in becomes a ticket,
//! or a comment on the ticket of its thread (`thread_id`, or the resource its `parent_id`
//! names), once: an `external_id` is unique per integration instance, and a resource seen
//! before is dropped and said so.

use std::collections::BTreeSet;

use heart_contract::ANY_CHANNEL;

use super::{Data, Desk};
use crate::channel::{Comment, InstanceId, PullAnswer, PullError, PullReport, Resource, Ticket};

/// What became of one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    /// It opened a ticket; its message is the description, this comment id.
    NewTicket { ticket: u64, comment: u64 },
    /// It became a comment on the ticket of its thread.
    Comment { ticket: u64, comment: u64 },
    /// Its `external_id` was brought in for this account before: dropped.
    Duplicate,
    /// Its `parent_id` names nothing of this account's (a push refuses it).
    NoParent,
}

impl Data {
    pub(super) fn comment_id(&mut self) -> u64 {
        self.next_comment += 1;
        self.next_comment
    }

    fn seen(&self, id: InstanceId, external_id: &str) -> bool {
        self.tickets
            .values()
            .filter(|t| t.instance == Some(id))
            .any(|t| t.thread_keys.contains(external_id))
    }

    /// One resource of account `id`; `parent_required`: a `parent_id` must name a resource
    /// already here (the push's rule; a pull opens a ticket instead).
    fn import(&mut self, id: InstanceId, resource: &Resource, parent_required: bool) -> Imported {
        if self.seen(id, &resource.external_id) {
            return Imported::Duplicate;
        }
        let thread = resource.parent_id.as_ref().or(resource.thread_id.as_ref());
        let existing = thread.and_then(|key| {
            self.tickets
                .values()
                .find(|t| t.instance == Some(id) && t.thread_keys.contains(key))
                .map(|t| t.id)
        });
        if existing.is_none() && parent_required && resource.parent_id.is_some() {
            return Imported::NoParent;
        }
        let comment = self.comment_id();
        if let Some(ticket) = existing.and_then(|t| self.tickets.get_mut(&t)) {
            ticket.thread_keys.insert(resource.external_id.clone());
            ticket.allow_channelback = resource.allow_channelback;
            ticket.comments.push(Comment {
                id: comment,
                author: resource.author_name(),
                author_id: Some(resource.author_id.clone()),
                body: resource.message.clone(),
                external_id: Some(resource.external_id.clone()),
                created_at: resource.created_at.clone(),
                by_agent: false,
                reported_error: None,
            });
            return Imported::Comment {
                ticket: ticket.id,
                comment,
            };
        }
        let mut ticket_id = self.next_ticket;
        while self.tickets.contains_key(&ticket_id) {
            ticket_id += 1;
        }
        self.next_ticket = ticket_id + 1;
        let mut thread_keys = BTreeSet::new();
        thread_keys.insert(resource.external_id.clone());
        thread_keys.extend(resource.thread_id.clone());
        self.tickets.insert(
            ticket_id,
            Ticket {
                id: ticket_id,
                subject: resource.subject(),
                requester: resource.author_name(),
                description: resource.message.clone(),
                channel: ANY_CHANNEL.into(),
                instance: Some(id),
                external_id: Some(resource.external_id.clone()),
                comment_id: comment,
                requester_id: Some(resource.author_id.clone()),
                thread_id: resource.thread_id.clone(),
                allow_channelback: resource.allow_channelback,
                comments: Vec::new(),
                thread_keys,
            },
        );
        Imported::NewTicket {
            ticket: ticket_id,
            comment,
        }
    }
}

impl Desk {
    /// Brings `resources` in for account `id`, in order; what became of each.
    pub fn import(
        &self,
        id: InstanceId,
        resources: &[Resource],
        parent_required: bool,
    ) -> Vec<(String, Imported)> {
        let mut data = self.lock();
        resources
            .iter()
            .map(|r| (r.external_id.clone(), data.import(id, r, parent_required)))
            .collect()
    }

    /// A pull that brought nothing in: recorded on the account, nothing else changes.
    pub fn pull_failed(&self, id: InstanceId, at_ms: u64, error: PullError) -> Option<PullReport> {
        let mut data = self.lock();
        let instance = data.instances.get_mut(&id)?;
        let report = PullReport::failed(at_ms, error);
        instance.last_pull = Some(report.clone());
        Some(report)
    }

    /// Applies a pull's answer: stores `state` (and `metadata`), flags `metadata_needs_update`,
    /// and brings the resources in. The report says what each became; the list is for the
    /// integration's events.
    pub fn apply_pull(
        &self,
        id: InstanceId,
        at_ms: u64,
        answer: PullAnswer,
    ) -> Option<(PullReport, Vec<(String, Imported)>)> {
        let mut data = self.lock();
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
        let mut report = PullReport::ok(at_ms, instance.needs_update);
        let outcomes: Vec<(String, Imported)> = answer
            .resources
            .iter()
            .map(|r| (r.external_id.clone(), data.import(id, r, false)))
            .collect();
        for (external_id, outcome) in &outcomes {
            match outcome {
                Imported::NewTicket { ticket, .. } => report.tickets.push(*ticket),
                Imported::Comment { ticket, .. } => report.comments.push(*ticket),
                Imported::Duplicate => report.seen.push(external_id.clone()),
                Imported::NoParent => {}
            }
        }
        if !report.seen.is_empty() {
            report.problems.push(format!(
                "dropped {} resource(s) brought in before (an external_id is unique per account): {}",
                report.seen.len(),
                report.seen.join(", ")
            ));
        }
        if let Some(instance) = data.instances.get_mut(&id) {
            instance.last_pull = Some(report.clone());
        }
        Some((report, outcomes))
    }
}
