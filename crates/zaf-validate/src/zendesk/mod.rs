//! Zendesk's validator, rule for rule: what `ZendeskAppsSupport::Package#validate` reports, in
//! its order, with its keys and its severities. Where Zendesk stops (a manifest with errors
//! skips the translation and requirement checks), so does this.

mod files;
mod manifest;
pub(crate) mod model;
mod requirements;
mod translations;

use crate::json::{self, Duplicates, ParseError};
use crate::package::Package;
use crate::report::Listing;
use crate::ruby::{Crash, Rb};
use model::{LoadError, Manifest};

pub(crate) struct Item {
    pub key: &'static str,
    pub file: Option<String>,
    pub message: String,
}

/// The findings so far, at most `MAX_LISTED` of a key in each list (the others counted).
#[derive(Default)]
pub(crate) struct Out {
    pub errors: Vec<Item>,
    pub warnings: Vec<Item>,
    /// Checks of ours that Zendesk's flow leads to (a part Zendesk checks that we do not).
    pub ours: Vec<Item>,
    /// How many findings of each key each list was given.
    listings: [Listing; 3],
}

impl Out {
    pub fn error(&mut self, key: &'static str, file: Option<&str>, message: String) {
        self.error_with(key, file, || message);
    }
    /// An error whose message is only made if it is listed (for a rule that can find one per
    /// entry of a file).
    pub fn error_with(
        &mut self,
        key: &'static str,
        file: Option<&str>,
        message: impl FnOnce() -> String,
    ) {
        add(&mut self.listings[0], &mut self.errors, key, file, message);
    }
    pub fn warning(&mut self, key: &'static str, file: Option<&str>, message: String) {
        add(&mut self.listings[1], &mut self.warnings, key, file, || {
            message
        });
    }
    pub fn ours(&mut self, key: &'static str, file: Option<&str>, message: String) {
        add(&mut self.listings[2], &mut self.ours, key, file, || message);
    }

    /// Adds to each list one finding for each key with findings not listed, saying how many.
    fn list_unlisted(&mut self) {
        let lists = [&mut self.errors, &mut self.warnings, &mut self.ours];
        for (listing, items) in self.listings.iter_mut().zip(lists) {
            for (key, message) in listing.take_unlisted() {
                // The key as `&'static str`, from a finding of it that is listed.
                if let Some(key) = items.iter().map(|item| item.key).find(|k| *k == key) {
                    items.push(Item {
                        key,
                        file: None,
                        message,
                    });
                }
            }
        }
    }
}

fn add(
    listing: &mut Listing,
    items: &mut Vec<Item>,
    key: &'static str,
    file: Option<&str>,
    message: impl FnOnce() -> String,
) {
    if listing.admit(key) {
        items.push(Item {
            key,
            file: file.map(str::to_string),
            message: message(),
        });
    }
}

pub(crate) const EXCEPTION_KEY: &str = "validator_exception";

/// Zendesk's findings for the package.
pub(crate) fn validate(package: &Package) -> Out {
    let mut out = Out::default();
    if let Err(Crash(cause)) = run(package, &mut out) {
        // Zendesk's validator raises: no findings come back, the upload fails.
        // Zendesk's flow kept what it led to of ours.
        let [_, _, ours_listing] = std::mem::take(&mut out.listings);
        out = Out {
            ours: std::mem::take(&mut out.ours),
            listings: [Listing::default(), Listing::default(), ours_listing],
            ..Out::default()
        };
        out.error(
            EXCEPTION_KEY,
            None,
            format!(
                "Zendesk's validator fails with an internal error on this package, so the upload is refused without a validation message: {cause}"
            ),
        );
    }
    out.list_unlisted();
    out
}

fn run(package: &Package, out: &mut Out) -> Rb<()> {
    let manifest = read_manifest(package, out)?;
    if let Some(m) = &manifest {
        manifest::check(package, m, out)?;
    }
    if let Some(m) = manifest.as_ref().filter(|_| out.errors.is_empty()) {
        files::marketplace(package, m, out);
        files::source(package, m, out);
        translations::check(package, m, out)?;
        requirements::check(package, m, out)?;
        files::secure_settings(m, out)?;
        files::insecure_requests(package, out);
    }
    if package.has_file("assets/banner.png") {
        files::banner(package, out);
    }
    files::svgs(package, out);
    files::mime(package, out);
    files::secrets(package, out);
    Ok(())
}

fn read_manifest(package: &Package, out: &mut Out) -> Rb<Option<Manifest>> {
    const FILE: Option<&str> = Some("manifest.json");
    let Some(bytes) = package.get("manifest.json") else {
        let nested = package.listed().into_iter().find(|(p, _)| {
            p.split_once('/')
                .is_some_and(|(dir, rest)| !dir.is_empty() && rest == "manifest.json")
        });
        match nested {
            Some((path, _)) => out.error(
                "nested_manifest",
                None,
                format!(
                    "could not find manifest.json in the root of the zip file, but {path} was found: zip the contents of that folder, not the folder"
                ),
            ),
            None => out.error(
                "missing_manifest",
                None,
                "could not find manifest.json at the root of the package".into(),
            ),
        }
        return Ok(None);
    };
    let value = match json::parse(bytes, Duplicates::Refuse) {
        Ok(value) => value,
        Err(ParseError::DuplicateKey(key)) => {
            duplicate(out, &key);
            return Ok(None);
        }
        Err(e) => {
            out.error(
                "manifest_not_json",
                FILE,
                format!("manifest is not proper JSON: {e}"),
            );
            return Ok(None);
        }
    };
    match Manifest::new(value) {
        Ok(m) => Ok(Some(m)),
        Err(LoadError::Duplicate(key)) => {
            duplicate(out, &key);
            Ok(None)
        }
        Err(LoadError::Crash(crash)) => Err(crash),
    }
}

fn duplicate(out: &mut Out, key: &str) {
    out.error(
        "duplicate_manifest_keys",
        Some("manifest.json"),
        format!("duplicate keys are specified in the manifest.json file: \"{key}\" is set twice; keep one"),
    );
}
