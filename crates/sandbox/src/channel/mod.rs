//! Zendesk's side of the Channel framework, driven by the app package: installing the
//! integration its `requirements.json` declares, the accounts (integration instances) an admin
//! adds through the integration's own admin UI, the pulls that turn external resources into
//! tickets, and the tickets themselves.
//!
//! [`Desk`] holds the data and its rules (`channel/desk.rs`: no I/O, unit-tested); [`Framework`] does
//! the HTTP (`channel/framework.rs`: manifest fetch, the admin UI exchange, pulls). Here: the data's
//! types and Zendesk's limits on it.

pub mod admin;
mod desk;
pub mod form;
mod framework;
pub mod manifest;
pub mod pull;
pub mod requirements;
pub mod script;

use std::collections::BTreeSet;

use serde::Serialize;

pub use desk::Desk;
pub use framework::Framework;
pub use manifest::IntegrationManifest;
pub use pull::{PullAnswer, PullReport, Resource};
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
}

/// A comment on a ticket, from a pulled resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub author: String,
    pub body: String,
    pub external_id: Option<String>,
    pub created_at: Option<String>,
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
    /// Comments after the first (the description).
    pub comments: Vec<Comment>,
    /// The resources' external ids and thread ids that belong here.
    #[serde(skip)]
    thread_keys: BTreeSet<String>,
}
