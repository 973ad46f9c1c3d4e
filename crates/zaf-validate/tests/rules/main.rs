//! One row per rule: a package that breaks it (the finding must carry the rule's key, with the
//! rule's severity) and a close sibling that keeps it (no finding with that key, and Zendesk
//! accepts it). Every package starts as the fixture of Zendesk's basic app scaffold. The rows
//! live by rule family in `rules/` (manifest, translations, requirements, files, ours); here,
//! what holds for every rule, and the JSON report.

mod files;
mod manifest;
mod ours;
mod requirements;
mod support;
mod translations;

use std::collections::BTreeSet;
use std::path::Path;

use zaf_validate::rules::{self, RULES};
use zaf_validate::{Options, Severity, Whose, validate};

use support::{Case, keys, params, scaffold};

/// Every family's rows, in the order Zendesk's validator runs the families.
const FAMILIES: &[(&str, &[Case])] = &[
    ("manifest", manifest::CASES),
    ("translations", translations::CASES),
    ("requirements", requirements::CASES),
    ("files", files::CASES),
    ("ours", ours::CASES),
];

/// Every row, with its family and its place there (for the failure messages).
fn cases() -> impl Iterator<Item = (&'static str, usize, &'static Case)> {
    FAMILIES.iter().flat_map(|(family, cases)| {
        cases
            .iter()
            .enumerate()
            .map(move |(i, case)| (*family, i, case))
    })
}

#[test]
fn the_scaffold_validates_clean() {
    let report = validate(&scaffold(), &Options { strict: true });
    assert!(report.findings.is_empty(), "{}", report);
    assert!(report.accepted());
}

#[test]
fn every_rule_breaks_and_holds() {
    let mut failures = Vec::new();
    for (family, i, case) in cases() {
        let rule = rules::find(case.key)
            .unwrap_or_else(|| panic!("{family} case {i}: `{}` is not in rules::RULES", case.key));

        let mut broken = scaffold();
        (case.invalid)(&mut broken);
        let report = validate(&broken, &Options::default());
        match report.findings.iter().find(|f| f.key == case.key) {
            None => failures.push(format!(
                "{family} case {i} `{}`: not reported; got {:?}",
                case.key,
                keys(&report)
            )),
            Some(f) if f.severity != rule.severity || f.whose != rule.whose => {
                failures.push(format!(
                    "{family} case {i} `{}`: wrong severity or whose: {f}",
                    case.key
                ))
            }
            Some(f) if f.message.trim().is_empty() => {
                failures.push(format!("{family} case {i} `{}`: no message", case.key))
            }
            Some(_) => {}
        }
        if rule.severity == Severity::Error && report.accepted() {
            failures.push(format!(
                "{family} case {i} `{}`: an error, yet accepted",
                case.key
            ));
        }
        if rule.whose == Whose::Ours {
            let strict = validate(&broken, &Options { strict: true });
            let f = strict.findings.iter().find(|f| f.key == case.key);
            if f.map(|f| f.severity) != Some(Severity::Error) {
                failures.push(format!(
                    "{family} case {i} `{}`: not an error under --strict",
                    case.key
                ));
            }
        }

        let mut kept = scaffold();
        (case.valid)(&mut kept);
        let report = validate(&kept, &Options::default());
        if report.has(case.key) || !report.accepted() {
            failures.push(format!(
                "{family} case {i} `{}`: the valid sibling is flagged: {:?}",
                case.key,
                keys(&report)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_case() {
    let covered: BTreeSet<&str> = cases().map(|(_, _, c)| c.key).collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.key)
        .filter(|k| !covered.contains(k))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}

#[test]
fn the_readme_lists_every_rule_with_its_severity() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let mut missing = Vec::new();
    for rule in RULES {
        let whose = match rule.whose {
            Whose::Zendesk => "Zendesk",
            Whose::ZendeskUpload => "Zendesk upload",
            Whose::Ours => "ours",
        };
        let row = format!(
            "| `{}` | {} | {} |",
            rule.key,
            rule.severity.as_str(),
            whose
        );
        if !readme.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "README rows missing:\n{}",
        missing.join("\n")
    );
}

#[test]
fn json_output_carries_file_key_severity_origin_and_message() {
    let mut p = scaffold();
    params(&mut p, r#"[{"name": "a"}, {"name": "a"}]"#);
    p.remove("assets/logo.png");
    let json = validate(&p, &Options::default()).to_json();
    assert!(
        json.starts_with(
            r#"{"accepted":false,"zendesk_accepts":false,"strict":false,"errors":1,"warnings":2,"#
        ),
        "{json}"
    );
    assert!(
        json.contains(r#"{"file":"manifest.json","key":"duplicate_parameters","severity":"error","origin":"zendesk","message":"#),
        "{json}"
    );
    assert!(
        json.contains(r#"{"file":"assets/logo.png","key":"logo_missing","severity":"warning","origin":"ours","message":"#),
        "{json}"
    );
    let parsed = zaf_validate::json::parse(json.as_bytes(), zaf_validate::json::Duplicates::Refuse);
    assert!(parsed.is_ok(), "{json}");
}
