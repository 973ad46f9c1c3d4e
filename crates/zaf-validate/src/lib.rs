//! Offline validation of a Zendesk Apps framework (ZAF v2) package, folder or zip: the verdict
//! Zendesk's own validator (`zendesk_apps_support`) would give, with its keys and severities,
//! without a Zendesk account or a network; plus checks of ours, marked as such.
//!
//! ```no_run
//! use zaf_validate::{Options, Package, validate};
//! let package = Package::from_path(std::path::Path::new("my-app.zip"))?;
//! let report = validate(&package, &Options::default());
//! println!("{report}");
//! assert!(report.accepted());
//! # Ok::<(), zaf_validate::LoadError>(())
//! ```

pub mod cli;
pub mod json;
mod ours;
pub mod package;
pub mod png;
pub mod report;
mod ruby;
pub mod rules;
mod uri;
mod zendesk;

pub use ours::MAX_ZIP_BYTES;
pub use package::{LoadError, Package};
pub use report::{Finding, Report, Severity, Whose};

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Report the checks of ours as errors instead of warnings.
    pub strict: bool,
}

/// Every finding for the package: Zendesk's errors and warnings (in Zendesk's order), then the
/// 2 MB upload limit and the checks of ours.
pub fn validate(package: &Package, options: &Options) -> Report {
    let mut report = Report::new(options.strict);
    let out = zendesk::validate(package);
    for (severity, items) in [
        (Severity::Error, out.errors),
        (Severity::Warning, out.warnings),
    ] {
        for item in items {
            report.push(
                Whose::Zendesk,
                severity,
                item.key,
                item.file.as_deref(),
                item.message,
            );
        }
    }
    // Listed already as Zendesk's flow found them (at most `MAX_LISTED` of a key).
    for item in out.ours {
        let severity = report.ours_severity();
        report.push(
            Whose::Ours,
            severity,
            item.key,
            item.file.as_deref(),
            item.message,
        );
    }
    ours::check(package, &mut report);
    report.list_unlisted();
    report
}
