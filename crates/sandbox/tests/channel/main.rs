//! Zendesk's side of the Channel framework over real HTTP(S): the package's requirements, the
//! manifest, the admin UI exchange, pulls, and what the reference integration refuses.
//!
//! This file holds what the modules share; the tests live by concern: installing from the
//! package's requirements and the manifest in `install.rs`, the accounts (the start-up script
//! and the admin UI exchange) in `accounts.rs`, pulls in `pulls.rs`, and what the reference
//! integration refuses (other accounts' photos, other tickets' instances, unknown clickthroughs,
//! certificates not the sandbox's) in `refusals.rs`.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod install;
mod pulls;
mod refusals;

/// The photo of ticket 65, the Outdoor account's (those of tickets 62 and 64 are in `common`).
const PHOTO_65: &str = "ig:17860000000000001";
