//! Packages made to be slow (`hostile/packages.rs`): each gets its verdict, with the right exit
//! status, from the binary; every scan grows linearly with its input (the time on an input 4
//! times as large, measured side by side in one run, is far from the 16 times of a quadratic
//! scan); and past the bounds a package cannot be read (exit status 2).

mod hostile {
    pub mod packages;
}

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hostile::packages;
use zaf_validate::package::{MAX_ENTRIES, MAX_JSON_NODES, MAX_UNPACKED_BYTES};
use zaf_validate::{Options, Package, validate};

/// The tests that time or load the machine run one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

const KIB: usize = 1024;

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zaf-validate-hostile-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn run(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zaf-validate"))
        .arg(path)
        .output()
        .expect("the binary runs")
}

struct Verdict {
    name: &'static str,
    package: Package,
    exit: i32,
    /// A line of the report that only the end of the hostile input makes.
    line: &'static str,
}

#[test]
fn each_slow_package_gets_its_verdict() {
    let _serial = one_at_a_time();
    let verdicts = [
        Verdict {
            name: "secret-line",
            package: packages::secret_line(1024 * KIB),
            exit: 0,
            line: "warning [application_secret] assets/main.js: possible password or token",
        },
        Verdict {
            name: "translation-keys",
            package: packages::translation_keys(200_000),
            exit: 1,
            line: "error [translation.missing_required_key_on_leaf] translations/en.json: missing required key label on leaf setting",
        },
        Verdict {
            name: "urls",
            package: packages::distinct_urls(60_000),
            exit: 0,
            line: "http://host-59999.example/path: use https instead",
        },
        Verdict {
            name: "parameters",
            package: packages::parameters(60_000),
            exit: 1,
            line: "error [duplicate_parameters] manifest.json: duplicate app parameters defined: setting_59998;",
        },
        Verdict {
            name: "locations",
            package: packages::locations(60_000),
            exit: 1,
            line: "place_59999 are invalid locations in Support",
        },
        Verdict {
            name: "translation-labels",
            package: packages::translation_labels(100_000),
            exit: 1,
            line: "missing required key label on leaf s99999",
        },
        Verdict {
            name: "secret-prefixes",
            package: packages::secret_prefixes(1024 * KIB),
            exit: 0,
            line: "warning [application_secret] assets/keys.js: possible Slack token",
        },
        Verdict {
            name: "svg-tags",
            package: packages::svg_tags(20_000),
            exit: 0,
            line: "warning [sanitised_svg] assets/logo.svg: Zendesk edits the markup of assets/logo.svg (the <script> element)",
        },
    ];
    let dir = scratch("verdicts");
    for v in verdicts {
        let zip = dir.join(format!("{}.zip", v.name));
        std::fs::write(&zip, v.package.to_zip().expect("zips")).expect("writes");
        let out = run(&zip);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(v.exit), "{}: {stdout}", v.name);
        assert!(
            stdout.contains(v.line),
            "{}: no {:?} in\n{stdout}",
            v.name,
            v.line
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A generator of a hostile package of a given size.
type Make = fn(usize) -> Package;

/// The time this thread has run on a CPU, where Linux tells it (so that other work on the
/// machine, which takes the CPU from a long run more often than from a short one, does not
/// count); it advances by the scheduler's ticks.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// This thread's CPU time where Linux tells it, else the time since `since`.
fn clock(since: Instant) -> Duration {
    thread_cpu_time().unwrap_or_else(|| since.elapsed())
}

/// What one run of `validate` on `package` costs: runs it until at least 60 ms have gone, many
/// times over for a small package, so that the clock's ticks do not matter.
fn cost(package: &Package) -> Duration {
    let since = Instant::now();
    let start = clock(since);
    let mut runs = 0;
    loop {
        let report = validate(package, &Options::default());
        assert!(!report.verdict().is_empty());
        runs += 1;
        let spent = clock(since).saturating_sub(start);
        if spent >= Duration::from_millis(60) {
            return spent / runs;
        }
    }
}

/// The cheapest of a few measures of each package, taken alternately.
fn fastest(packages: [&Package; 2]) -> [Duration; 2] {
    let mut best = [Duration::MAX; 2];
    for _ in 0..3 {
        for (package, best) in packages.iter().zip(best.iter_mut()) {
            *best = (*best).min(cost(package));
        }
    }
    best
}

#[test]
fn every_scan_grows_linearly_with_its_input() {
    let _serial = one_at_a_time();
    // (what, the package of size n, n): n is large enough that a scan quadratic in it would
    // take most of the time.
    let cases: [(&str, Make, usize); 8] = [
        ("secret scan", packages::secret_line, 256 * KIB),
        ("URL list", packages::distinct_urls, 8_000),
        ("repeated keys", packages::translation_keys, 20_000),
        ("settings' labels", packages::translation_labels, 20_000),
        ("duplicate settings", packages::parameters, 16_000),
        ("locations", packages::locations, 16_000),
        ("secret prefixes", packages::secret_prefixes, 256 * KIB),
        ("SVG tags", packages::svg_tags, 4_000),
    ];
    let mut failures = Vec::new();
    for (what, make, n) in cases {
        let (small, large) = (make(n), make(4 * n));
        let [t_small, t_large] = fastest([&small, &large]);
        let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-6);
        println!("{what}: n {t_small:?}, 4n {t_large:?}, ratio {ratio:.1}");
        // Linear is 4 (and a fixed cost brings it below); quadratic is 16.
        if ratio > 9.0 {
            failures.push(format!(
                "{what}: 4 times the input took {ratio:.1} times as long"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A zip of the scaffold plus `extra` files, streamed.
fn zip_with(extra: &[(String, &[u8])]) -> Vec<u8> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in packages::scaffold()
        .files()
        .map(|(p, b)| (p.to_string(), b))
        .chain(extra.iter().map(|(p, b)| (p.clone(), *b)))
    {
        zip.start_file(path, options).expect("starts an entry");
        zip.write_all(bytes).expect("writes");
    }
    zip.finish().expect("finishes").into_inner()
}

#[test]
fn past_a_bound_a_package_cannot_be_read() {
    let _serial = one_at_a_time();
    let dir = scratch("bounds");
    let line = packages::secret_line_text(MAX_UNPACKED_BYTES as usize + 1);
    let entries: Vec<(String, &[u8])> = (0..MAX_ENTRIES)
        .map(|i| (format!("assets/{i}.txt"), &b""[..]))
        .collect();
    let values = format!("[{}0]", "0,".repeat(MAX_JSON_NODES as usize));
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "bomb",
            zip_with(&[("assets/main.js".into(), line.as_bytes())]),
            "the package unpacks to more than 33554432 bytes",
        ),
        ("entries", zip_with(&entries), "more than 10000 entries"),
        (
            "values",
            zip_with(&[("translations/fr.json".into(), values.as_bytes())]),
            "more than 500000 JSON values and keys together (at translations/fr.json)",
        ),
    ];
    for (name, zip, why) in cases {
        assert!(zip.len() as u64 <= zaf_validate::MAX_ZIP_BYTES, "{name}");
        let error = Package::from_zip(&zip).expect_err(name).0;
        assert!(error.contains(why), "{name}: {error}");
        let path = dir.join(format!("{name}.zip"));
        std::fs::write(&path, &zip).expect("writes");
        let out = run(&path);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(why), "{name}");
    }

    // Just within the bounds, the same kinds of package are judged.
    let within: Vec<(String, &[u8])> = (0..MAX_ENTRIES - 20)
        .map(|i| (format!("assets/{i}.txt"), &b""[..]))
        .collect();
    assert!(Package::from_zip(&zip_with(&within)).is_ok());
    let values = format!("[{}0]", "0,".repeat(MAX_JSON_NODES as usize - 100));
    assert!(
        Package::from_zip(&zip_with(&[(
            "translations/fr.json".into(),
            values.as_bytes()
        )]))
        .is_ok()
    );

    // A folder is held to the same bounds; a zip file is not read past them.
    let folder = dir.join("folder");
    std::fs::create_dir_all(folder.join("assets")).expect("folder");
    std::fs::write(folder.join("assets/main.js"), &line).expect("writes");
    let error = Package::from_dir(&folder).expect_err("too big a folder").0;
    assert!(error.contains("unpacks to more than"), "{error}");
    let big = dir.join("big.zip");
    std::fs::write(&big, &line).expect("writes");
    assert_eq!(run(&big).status.code(), Some(2));
    let error = Package::from_path(&big).expect_err("too big a file").0;
    assert!(error.contains("the file is larger than"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}
