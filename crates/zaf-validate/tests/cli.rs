//! The `zaf-validate` binary: folder and zip, exit status, `--json`, `--strict`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zaf_validate::Package;
use zaf_validate::json::{self, Duplicates, Json};

fn scaffold_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic-scaffold")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zaf-validate"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zaf-validate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_scaffold_folder_and_its_zip_are_accepted() {
    let dir = scaffold_dir();
    let out = run(&[dir.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("Zendesk would accept this package (0 errors, 0 warnings)"));

    let zip = scratch("zip").join("scaffold.zip");
    let package = Package::from_dir(&dir).expect("loads");
    std::fs::write(&zip, package.to_zip().expect("zips")).expect("writes");
    let out = run(&["--strict", zip.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let _ = zip.parent().map(std::fs::remove_dir_all);
}

#[test]
fn a_rejected_package_exits_1_and_json_lists_the_findings() {
    let mut package = Package::from_dir(&scaffold_dir()).expect("loads");
    package.insert("assets/tool.sh", b"echo hi".to_vec());
    let zip = scratch("rejected").join("app.zip");
    std::fs::write(&zip, package.to_zip().expect("zips")).expect("writes");

    let out = run(&["--json", zip.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    let report = json::parse(stdout(&out).trim().as_bytes(), Duplicates::Refuse).expect("JSON");
    assert_eq!(report.get("accepted"), Some(&Json::Bool(false)));
    let findings = report
        .get("findings")
        .and_then(Json::as_arr)
        .expect("findings");
    assert_eq!(findings.len(), 1, "{report}");
    let f = &findings[0];
    assert_eq!(
        f.get("key").and_then(Json::as_str),
        Some("unsupported_mime_type_detected")
    );
    assert_eq!(f.get("severity").and_then(Json::as_str), Some("error"));
    assert_eq!(f.get("origin").and_then(Json::as_str), Some("zendesk"));
    assert_eq!(f.get("file").and_then(Json::as_str), Some("assets/tool.sh"));
    let _ = zip.parent().map(std::fs::remove_dir_all);
}

#[test]
fn strict_turns_our_warnings_into_a_rejection() {
    let dir = scratch("strict");
    let mut package = Package::from_dir(&scaffold_dir()).expect("loads");
    package.remove("assets/logo-small.png");
    for (path, bytes) in package.files() {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("folders");
        std::fs::write(target, bytes).expect("writes");
    }
    let path = dir.to_str().expect("utf-8 path");
    let out = run(&[path]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning [ours: logo_missing] assets/logo-small.png"));
    let out = run(&["--strict", path]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("error [ours: logo_missing] assets/logo-small.png"));
    assert!(
        stdout(&out).contains(
            "Zendesk would accept this package, but it fails checks of ours under --strict"
        ),
        "{}",
        stdout(&out)
    );
    let json = stdout(&run(&["--strict", "--json", path]));
    assert!(
        json.starts_with(r#"{"accepted":false,"zendesk_accepts":true,"strict":true,"#),
        "{json}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unreadable_packages_and_bad_arguments_exit_2() {
    let missing = scratch("missing").join("nothing.zip");
    let out = run(&[missing.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the package"));

    let not_zip = scratch("notzip").join("app.zip");
    std::fs::write(&not_zip, b"plain text").expect("writes");
    assert_eq!(
        run(&[not_zip.to_str().expect("utf-8 path")]).status.code(),
        Some(2)
    );

    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["--colour", "x"]).status.code(), Some(2));
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("usage: zaf-validate"));
    for dir in [missing.parent(), not_zip.parent()].into_iter().flatten() {
        let _ = std::fs::remove_dir_all(dir);
    }
}
