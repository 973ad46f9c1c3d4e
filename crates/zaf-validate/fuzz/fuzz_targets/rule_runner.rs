//! The whole rule runner on a package made from the input: Zendesk's basic scaffold with some
//! of its files replaced or added. The input is split at 0xFF bytes; a part `path\0content`
//! is the file at `path`, any other part the content of the next file of `PATHS`. Every
//! package gets a report without a panic, and the report's JSON reads as JSON.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zaf_validate::json::{self, Duplicates};
use zaf_validate::{Options, Package, validate};

/// Where the parts without a path of their own go, in turn.
const PATHS: [&str; 6] = [
    "manifest.json",
    "translations/en.json",
    "requirements.json",
    "assets/main.js",
    "assets/logo.svg",
    "translations/fr.json",
];

fn scaffold() -> &'static Package {
    static SCAFFOLD: OnceLock<Package> = OnceLock::new();
    SCAFFOLD.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/basic-scaffold");
        Package::from_dir(&dir).expect("the scaffold fixture loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let mut package = scaffold().clone();
    for (i, part) in data.split(|&b| b == 0xFF).enumerate() {
        match part.iter().position(|&b| b == 0) {
            Some(at) => {
                let path = String::from_utf8_lossy(&part[..at]).into_owned();
                package.insert(path, part[at + 1..].to_vec());
            }
            None => package.insert(PATHS[i % PATHS.len()], part.to_vec()),
        }
    }
    let strict = data.len() % 2 == 1;
    let report = validate(&package, &Options { strict });
    let text = report.to_string();
    assert!(text.ends_with(&report.verdict()));
    let out = report.to_json();
    json::parse(out.as_bytes(), Duplicates::Refuse)
        .unwrap_or_else(|e| panic!("the report's JSON does not read: {e}\n{out}"));
});
