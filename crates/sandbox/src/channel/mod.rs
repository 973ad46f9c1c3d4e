//! Zendesk's side of the Channel framework, driven by the app package: installing the
//! integration its `requirements.json` declares, the accounts (integration instances) an admin
//! adds through the integration's own admin UI, the pulls that turn external resources into
//! tickets, and the tickets themselves.
//!
//! [`Desk`] holds the data and its rules (`channel/desk.rs`: no I/O, unit-tested); [`Framework`] does
//! the HTTP (`channel/framework.rs`: manifest fetch, the admin UI exchange, pulls). Here: the data's
//! types and Zendesk's limits on it.

pub mod admin;
pub mod api;
mod desk;
pub mod events;
pub mod form;
mod framework;
pub mod limits;
pub mod manifest;
pub mod pull;
pub mod requirements;
pub mod script;

use std::collections::BTreeSet;

use serde::Serialize;

pub use desk::Desk;
pub use desk::{Imported, Reply};
pub use framework::Framework;
pub use manifest::IntegrationManifest;
pub use pull::{PullAnswer, PullError, PullReport, Resource};
pub use requirements::ChannelRequirement;

/// Zendesk's limits on what an integration stores with it.
pub const MAX_METADATA: usize = 5000;
pub const MAX_STATE: usize = 5000;
pub const MAX_ACCOUNT_NAME: usize = 255;

pub type InstanceId = u64;

/// Where the integration the app declares stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Install {
    NotInstalled,
    Installed { manifest: Box<IntegrationManifest> },
    Failed { error: String },
}

/// Who added or last changed an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// The sandbox's start-up script, through the admin UI's form.
    Script,
    /// A person (or a browser test) on the admin page.
    Admin,
}

/// An integration instance ("account" on the admin page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instance {
    pub id: InstanceId,
    pub name: String,
    /// What the admin UI posted back; the proxy forwards it as `instance_metadata`.
    #[serde(skip)]
    pub metadata: String,
    #[serde(skip)]
    pub state: String,
    /// The integration asked for the admin to revisit the account (`metadata_needs_update`).
    pub needs_update: bool,
    pub by: By,
    pub last_pull: Option<PullReport>,
    /// With a push client: the id the integration pushes to (`instance_push_id`).
    pub push_id: Option<String>,
    /// …and the bearer token it pushes with (`zendesk_access_token`).
    #[serde(skip)]
    pub push_token: Option<String>,
}

/// A comment on a ticket: from a resource (pulled or pushed), or an agent's reply sent back
/// through the integration (channelback).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: u64,
    pub author: String,
    /// The resource's author's `external_id` (none for an agent's reply).
    pub author_id: Option<String>,
    pub body: String,
    pub external_id: Option<String>,
    pub created_at: Option<String>,
    /// An agent's reply, sent back to the origin by the integration.
    pub by_agent: bool,
    /// What the integration reported about this reply later (`channelback/report_error`).
    pub reported_error: Option<String>,
}

/// A ticket: from the config (e.g. email) or from a pull.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ticket {
    pub id: u64,
    pub subject: String,
    pub requester: String,
    pub description: String,
    /// `any_channel` for tickets of an integration instance.
    pub channel: String,
    pub instance: Option<InstanceId>,
    pub external_id: Option<String>,
    /// The comment id of the description (the first resource).
    pub comment_id: u64,
    /// The first resource's author's `external_id`.
    pub requester_id: Option<String>,
    /// The first resource's `thread_id`.
    pub thread_id: Option<String>,
    /// Whether the latest resource lets an agent reply through the integration.
    pub allow_channelback: bool,
    /// Comments after the first (the description).
    pub comments: Vec<Comment>,
    /// The resources' external ids and thread ids that belong here.
    #[serde(skip)]
    thread_keys: BTreeSet<String>,
}

impl Ticket {
    /// What an agent's reply answers: the latest resource's `external_id` and its author's.
    pub fn reply_target(&self) -> Option<(String, Option<String>)> {
        self.comments
            .iter()
            .rev()
            .filter(|c| !c.by_agent)
            .find_map(|c| c.external_id.clone().map(|id| (id, c.author_id.clone())))
            .or_else(|| {
                self.external_id
                    .clone()
                    .map(|id| (id, self.requester_id.clone()))
            })
    }
}
