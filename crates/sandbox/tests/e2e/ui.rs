//! The end-to-end cases' view of the browser: [`Ui`], the library's [`Page`] on a case's
//! sandbox plus what a case needs to start another sandbox of its own (the integration's
//! certificate the browser trusts, the SDK bundle, the run's copy of the app package); each
//! case's config, and how its sandbox starts.

use std::ops::Deref;
use std::path::Path;
use std::time::Duration;

use sandbox::browser::{Page, Patience, R, serve_package};
use sandbox::config::Startup;
use sandbox::tls::Identity;
use sandbox::{Config, Sandbox};
use serde_json::Value;

use crate::vendor::TestCa;

pub const PHOTO_62: &str = "ig:17895695668004550";
pub const PHOTO_64: &str = "ig:17841400008460056";

/// How long the cases wait for a condition, and how often they check it.
pub const PATIENCE: Patience = Patience {
    limit: Duration::from_secs(10),
    poll: Duration::from_millis(50),
};

/// The browser, pointed at one case's sandbox.
pub struct Ui<'a> {
    pub page: Page<'a>,
    /// What a case needs to start a sandbox of its own: the integration's certificate, which the
    /// browser trusts, and the SDK bundle.
    pub tls: &'a Identity,
    pub sdk: &'a Path,
    /// The run's copy of the app package.
    pub package: &'a Path,
    /// The CA of a vendor's own integration (`support/vendor.rs`), whose certificate the browser
    /// trusts as it trusts the sandbox's.
    pub vendor_ca: &'a TestCa,
}

impl<'a> Deref for Ui<'a> {
    type Target = Page<'a>;

    fn deref(&self) -> &Page<'a> {
        &self.page
    }
}

impl<'a> Ui<'a> {
    /// The same browser and inputs, pointed at another sandbox.
    pub fn with(&self, sandbox: Sandbox) -> Ui<'a> {
        Ui {
            page: Page {
                c: self.page.c,
                sandbox,
                patience: self.page.patience,
            },
            tls: self.tls,
            sdk: self.sdk,
            package: self.package,
            vendor_ca: self.vendor_ca,
        }
    }
}

pub fn ready(v: &Value) -> bool {
    v["state"] == "ready"
}

/// Cases that start from an empty sandbox: nothing installed, no account, no ticket but #63.
const EMPTY_START: [&str; 3] = [
    "channel_install_add_an_account_in_the_browser_pull_and_like",
    "channel_a_wrong_token_is_refused_in_the_admin_ui",
    "channel_an_edited_token_later_revoked_is_refused_on_the_heart",
];

/// Every case's config: no periodic pull (a case pulls when it means to); some start empty.
pub fn config_for(name: &str, config: Config) -> Config {
    Config {
        pull_interval_ms: 0,
        startup: if EMPTY_START.contains(&name) {
            Startup::empty()
        } else {
            config.startup.clone()
        },
        ..config
    }
}

/// Starts a case's sandbox on free ports, with `package` declaring the integration on the port
/// it gets, as a vendor's new app version names a new URL.
pub async fn start_sandbox(
    config: Config,
    package: &Path,
    sdk: &Path,
    tls: &Identity,
) -> R<Sandbox> {
    serve_package(config, package, sdk, None, Some(tls.clone())).await
}
