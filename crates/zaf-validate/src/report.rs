//! Findings, and the report that prints them for people (`Display`) or machines (`to_json`).
//! A report lists at most `MAX_LISTED` findings of one key (`Listing`).

use std::collections::HashMap;
use std::fmt;

use crate::json::write_str;

/// A report lists at most this many findings of one key; the others are counted, and one more
/// finding of that key says how many there were. No real package comes near it; a hostile one
/// can have a finding per entry of a JSON file, millions of them.
pub const MAX_LISTED: usize = 1000;

/// How many findings of each key came, so that at most `MAX_LISTED` of each are listed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Listing {
    counts: HashMap<String, usize>,
    /// The keys past the limit, in the order they passed it.
    over: Vec<String>,
}

impl Listing {
    /// Counts one more finding of `key`; whether it is listed.
    pub(crate) fn admit(&mut self, key: &str) -> bool {
        let count = match self.counts.get_mut(key) {
            Some(count) => {
                *count += 1;
                *count
            }
            None => {
                self.counts.insert(key.to_string(), 1);
                1
            }
        };
        if count == MAX_LISTED + 1 {
            self.over.push(key.to_string());
        }
        count <= MAX_LISTED
    }

    /// Each key past the limit, with the message of the finding that counts the ones not
    /// listed; the listing starts again.
    pub(crate) fn take_unlisted(&mut self) -> Vec<(String, String)> {
        let over = std::mem::take(&mut self.over);
        let counts = std::mem::take(&mut self.counts);
        over.into_iter()
            .map(|key| {
                let unlisted = counts.get(&key).map_or(0, |c| c - MAX_LISTED);
                let message = format!(
                    "and {unlisted} more like the findings above, not listed (a report lists {MAX_LISTED} findings of a kind)"
                );
                (key, message)
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Whose rule a finding is (the JSON output's `origin`, its name there since the first release).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// Zendesk's validator (`zendesk_apps_support`): its key, its severity.
    Zendesk,
    /// Zendesk's upload (Admin Center / Apps API), not its validator: the 2 MB zip limit.
    ZendeskUpload,
    /// A check Zendesk does not make: a warning, or an error under `--strict`.
    Ours,
}

impl Whose {
    pub fn as_str(self) -> &'static str {
        match self {
            Whose::Zendesk => "zendesk",
            Whose::ZendeskUpload => "zendesk-upload",
            Whose::Ours => "ours",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub key: String,
    pub severity: Severity,
    pub whose: Whose,
    /// The file the finding is about, relative to the package root.
    pub file: Option<String>,
    /// What is wrong and what to change.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whose = match self.whose {
            Whose::Zendesk => "",
            Whose::ZendeskUpload => "zendesk upload: ",
            Whose::Ours => "ours: ",
        };
        write!(f, "{} [{whose}{}] ", self.severity.as_str(), self.key)?;
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Checks of ours are errors, not warnings.
    pub strict: bool,
    /// The findings of ours, at most `MAX_LISTED` of a key.
    listing: Listing,
}

impl Report {
    pub fn new(strict: bool) -> Self {
        Self {
            findings: Vec::new(),
            strict,
            listing: Listing::default(),
        }
    }

    /// No errors: Zendesk would accept the package (and, under `--strict`, so do our checks).
    pub fn accepted(&self) -> bool {
        self.errors() == 0
    }

    /// Zendesk would accept the package, whatever our own checks say.
    pub fn zendesk_accepts(&self) -> bool {
        !self
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.whose != Whose::Ours)
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has(&self, key: &str) -> bool {
        self.findings.iter().any(|f| f.key == key)
    }

    pub(crate) fn push(
        &mut self,
        whose: Whose,
        severity: Severity,
        key: &str,
        file: Option<&str>,
        message: String,
    ) {
        self.findings.push(Finding {
            key: key.to_string(),
            severity,
            whose,
            file: file.map(str::to_string),
            message,
        });
    }

    /// A finding of ours: a warning, or an error when the report is strict. Tools that add their
    /// own project rules (a size budget, say) report them through this. Past `MAX_LISTED` of a
    /// key, a finding is counted, not listed (`list_unlisted` adds the count).
    pub fn ours(&mut self, key: &str, file: Option<&str>, message: impl Into<String>) {
        if self.listing.admit(key) {
            self.push(Whose::Ours, self.ours_severity(), key, file, message.into());
        }
    }

    /// A finding of ours is a warning, or an error when the report is strict.
    pub(crate) fn ours_severity(&self) -> Severity {
        if self.strict {
            Severity::Error
        } else {
            Severity::Warning
        }
    }

    /// One finding for each key of ours with findings not listed, saying how many.
    pub fn list_unlisted(&mut self) {
        for (key, message) in self.listing.take_unlisted() {
            self.push(Whose::Ours, self.ours_severity(), &key, None, message);
        }
    }

    /// Errors first, each group in the order it was found.
    pub fn sorted(&self) -> Vec<&Finding> {
        let mut all: Vec<&Finding> = self.findings.iter().collect();
        all.sort_by_key(|f| f.severity);
        all
    }

    pub fn verdict(&self) -> String {
        let (e, w) = (self.errors(), self.warnings());
        let counts = format!(
            "{e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        );
        if self.accepted() {
            format!("Zendesk would accept this package ({counts})")
        } else if self.zendesk_accepts() {
            format!(
                "Zendesk would accept this package, but it fails checks of ours under --strict ({counts})"
            )
        } else {
            format!("Zendesk would reject this package ({counts})")
        }
    }

    /// `{"accepted": …, "zendesk_accepts": …, "strict": …, "errors": n, "warnings": n,
    /// "findings": [{file, key, severity, origin, message}]}`
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        out.push_str(&format!(
            "\"accepted\":{},\"zendesk_accepts\":{},\"strict\":{},\"errors\":{},\"warnings\":{},\"findings\":[",
            self.accepted(),
            self.zendesk_accepts(),
            self.strict,
            self.errors(),
            self.warnings()
        ));
        for (i, f) in self.sorted().into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"file\":");
            match &f.file {
                Some(file) => write_str(file, &mut out),
                None => out.push_str("null"),
            }
            out.push_str(",\"key\":");
            write_str(&f.key, &mut out);
            out.push_str(",\"severity\":");
            write_str(f.severity.as_str(), &mut out);
            out.push_str(",\"origin\":");
            write_str(f.whose.as_str(), &mut out);
            out.push_str(",\"message\":");
            write_str(&f.message, &mut out);
            out.push('}');
        }
        out.push_str("]}");
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in self.sorted() {
            writeln!(f, "{finding}")?;
        }
        write!(f, "{}", self.verdict())
    }
}
