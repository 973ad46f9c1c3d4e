//! An agent's replies to channel tickets, sent back to the origin through the integration's
//! `channelback_url` ([`super::super::Framework::channelback`] does the HTTP): each kept with its
//! `request_unique_identifier` until it reaches the origin (then it is a comment carrying the
//! `external_id` the integration answered), or with why it did not, for Try again.

use super::Desk;
use crate::channel::limits::Violation;
use crate::channel::{Comment, InstanceId};

/// How many replies are kept.
const MAX_REPLIES: usize = 500;

/// An agent's reply to a channel ticket, sent back to the origin through the integration's
/// `channelback_url`; tried again with the same `request_unique_identifier` after a failure.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Reply {
    pub request_id: String,
    pub ticket: u64,
    pub message: String,
    pub attempts: u32,
    /// Why the last attempt failed (and the reply is not on the ticket).
    pub error: Option<String>,
    /// The answer's violations of Zendesk's limits, if that was why.
    pub violations: Vec<Violation>,
    /// The comment it became.
    pub comment: Option<u64>,
}

impl Desk {
    /// A new reply of an agent's to `ticket` (not yet sent).
    pub fn start_reply(&self, ticket: u64, message: &str) -> Reply {
        let reply = Reply {
            request_id: crate::host::random_hex(),
            ticket,
            message: message.to_owned(),
            attempts: 0,
            error: None,
            violations: Vec::new(),
            comment: None,
        };
        let mut data = self.lock();
        if data.replies.len() >= MAX_REPLIES
            && let Some(oldest) = data.replies.keys().next().cloned()
        {
            data.replies.remove(&oldest);
        }
        data.replies.insert(reply.request_id.clone(), reply.clone());
        reply
    }

    pub fn reply(&self, request_id: &str) -> Option<Reply> {
        self.lock().replies.get(request_id).cloned()
    }

    /// The replies to `ticket` that have not reached the origin.
    pub fn failed_replies(&self, ticket: u64) -> Vec<Reply> {
        self.lock()
            .replies
            .values()
            .filter(|r| r.ticket == ticket && r.comment.is_none() && r.error.is_some())
            .cloned()
            .collect()
    }

    /// Records an attempt's failure (the reply waits for Try again).
    pub fn reply_failed(
        &self,
        request_id: &str,
        error: String,
        violations: Vec<Violation>,
    ) -> Option<Reply> {
        let mut data = self.lock();
        let reply = data.replies.get_mut(request_id)?;
        reply.attempts += 1;
        reply.error = Some(error);
        reply.violations = violations;
        Some(reply.clone())
    }

    /// An agent's reply reached the origin: it becomes a comment carrying the `external_id` the
    /// integration answered (so the same resource pulled later is a duplicate), and the
    /// ticket's `allow_channelback` follows the answer.
    pub fn reply_sent(
        &self,
        request_id: &str,
        external_id: &str,
        allow_channelback: Option<bool>,
        agent: &str,
    ) -> Option<(u64, u64)> {
        let mut data = self.lock();
        let reply = data.replies.get(request_id)?.clone();
        if let Some(done) = reply.comment {
            return Some((reply.ticket, done));
        }
        let comment = data.comment_id();
        let ticket = data.tickets.get_mut(&reply.ticket)?;
        ticket.thread_keys.insert(external_id.to_owned());
        if let Some(allow) = allow_channelback {
            ticket.allow_channelback = allow;
        }
        ticket.comments.push(Comment {
            id: comment,
            author: agent.to_owned(),
            author_id: None,
            body: reply.message.clone(),
            external_id: Some(external_id.to_owned()),
            created_at: None,
            by_agent: true,
            reported_error: None,
        });
        if let Some(r) = data.replies.get_mut(request_id) {
            r.attempts += 1;
            r.error = None;
            r.violations.clear();
            r.comment = Some(comment);
        }
        Some((reply.ticket, comment))
    }

    /// Marks the agent's reply that became `external_id` on a ticket of account `id` as failed
    /// later, as the integration reported; `false` if there is none.
    pub fn report_reply_error(&self, id: InstanceId, external_id: &str, description: &str) -> bool {
        let mut data = self.lock();
        let reply = data
            .tickets
            .values_mut()
            .filter(|t| t.instance == Some(id))
            .flat_map(|t| t.comments.iter_mut())
            .find(|c| c.by_agent && c.external_id.as_deref() == Some(external_id));
        match reply {
            Some(comment) => {
                comment.reported_error = Some(if description.is_empty() {
                    "the integration reported that it did not reach the origin".to_owned()
                } else {
                    description.to_owned()
                });
                true
            }
            None => false,
        }
    }
}
