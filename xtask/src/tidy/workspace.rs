//! The workspace as Cargo sees it (`cargo metadata --no-deps`): its packages, their folders,
//! their targets' root files, and the dependencies each declares, by kind.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// One package of the workspace.
#[derive(Clone, Debug)]
pub struct Package {
    pub name: String,
    pub dir: PathBuf,
    /// Its shipped targets (`lib` and `bin`), each a crate of its own.
    pub targets: Vec<Target>,
    /// Its dependencies on other packages of the workspace: (name, kind), kind `normal`,
    /// `dev` or `build`; a dev-dependency on itself (a feature for its tests) left out.
    pub workspace_deps: Vec<(String, String)>,
}

/// A lib or bin target: its name (a lib's with `_`), whether it is the lib, its root file.
#[derive(Clone, Debug)]
pub struct Target {
    pub name: String,
    pub lib: bool,
    pub root: PathBuf,
}

impl Package {
    /// How the map names the crate of `target`: the package's name for its lib, or for its one
    /// bin when it has no lib; `package (bin)` otherwise.
    pub fn crate_name(&self, target: &Target) -> String {
        let has_lib = self.targets.iter().any(|t| t.lib);
        if target.lib || (!has_lib && target.name == self.name) {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, target.name)
        }
    }

    /// Its workspace dependencies of `kinds`, each once, in order.
    pub fn depends_on(&self, kinds: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (name, kind) in &self.workspace_deps {
            if kinds.contains(&kind.as_str()) && !out.contains(name) {
                out.push(name.clone());
            }
        }
        out
    }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Reads `cargo metadata` for the workspace at `root`.
pub fn packages(root: &std::path::Path) -> Vec<Package> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("running cargo metadata: {e}"));
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// Reads `cargo metadata`'s JSON.
pub fn parse(json: &str) -> Vec<Package> {
    let value: Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("cargo metadata's JSON: {e}"));
    let list = value["packages"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = list.iter().map(|p| text(p, "name")).collect();
    list.iter()
        .map(|p| {
            let name = text(p, "name");
            let manifest = PathBuf::from(text(p, "manifest_path"));
            let dir = manifest.parent().map(PathBuf::from).unwrap_or_default();
            let targets = p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| {
                    let kinds: Vec<&str> = t["kind"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    let lib = kinds
                        .iter()
                        .any(|k| matches!(*k, "lib" | "rlib" | "cdylib"));
                    (lib || kinds.contains(&"bin")).then(|| Target {
                        name: text(t, "name"),
                        lib,
                        root: PathBuf::from(text(t, "src_path")),
                    })
                })
                .collect();
            let workspace_deps = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| {
                    let dep = text(d, "name");
                    let kind = d["kind"].as_str().unwrap_or("normal").to_owned();
                    let ours = names.contains(&dep) || d.get("path").is_some_and(|p| p.is_string());
                    let itself = dep == name && kind == "dev";
                    (ours && !itself).then_some((dep, kind))
                })
                .collect();
            Package {
                name,
                dir,
                targets,
                workspace_deps,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_packages_targets_and_workspace_dependencies() {
        let json = r#"{"packages": [
          {"name": "a", "manifest_path": "/w/crates/a/Cargo.toml",
           "targets": [{"name": "a", "kind": ["lib"], "src_path": "/w/crates/a/src/lib.rs"},
                       {"kind": ["test"], "src_path": "/w/crates/a/tests/t.rs"},
                       {"name": "a", "kind": ["bin"], "src_path": "/w/crates/a/src/main.rs"}],
           "dependencies": [{"name": "b", "kind": null, "path": "/w/crates/b"},
                            {"name": "serde", "kind": null},
                            {"name": "a", "kind": "dev", "path": "/w/crates/a"},
                            {"name": "b", "kind": "dev", "path": "/w/crates/b"}]},
          {"name": "b", "manifest_path": "/w/crates/b/Cargo.toml", "targets": [], "dependencies": []}
        ]}"#;
        let packages = parse(json);
        assert_eq!(packages[0].targets.len(), 2, "lib and bin, not the test");
        let names: Vec<String> = packages[0]
            .targets
            .iter()
            .map(|t| packages[0].crate_name(t))
            .collect();
        assert_eq!(names, ["a", "a (a)"]);
        assert_eq!(packages[0].depends_on(&["normal"]), ["b"]);
        assert_eq!(packages[0].depends_on(&["normal", "dev"]), ["b"]);
        assert!(
            packages[1]
                .depends_on(&["normal", "dev", "build"])
                .is_empty()
        );
    }
}
