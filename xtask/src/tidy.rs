//! The map checks itself: every `**Architecture invariant:**` line of ARCHITECTURE.md is a rule
//! that a test here enforces on the workspace, and a line no test knows fails too. The
//! workspace comes from `cargo metadata` (`tidy/workspace.rs`), the source is read as Rust with
//! `syn` (`tidy/source.rs`), and the map itself is spot-checked: the paths it names exist, and
//! each module graph it draws is the one the code has. Tests only (`cargo test -p xtask`);
//! `cargo test -p xtask tidy::tests::prints_the_module_graphs -- --nocapture` prints every
//! crate's graph in the map's own form.

mod source;
mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use source::ModuleFile;
use workspace::Package;

/// How the map begins each rule this file enforces.
const PREFIX: &str = "**Architecture invariant:**";

// The words that tell which rule an invariant line states, one per test below.
const PURE: &str = "the pure modules are";
const BINDINGS: &str = "declares JS bindings";
const NO_CYCLE: &str = "modules form no cycle";
const DOC: &str = "begins with a `//!` doc";
const LONG: &str = "unless its `//!` doc has a line beginning `Long:`";
const LEAVES: &str = "depend on nothing of the workspace";
const STANDALONE: &str = "depends on the contract alone";
const PATHS: &str = "the paths this map names exist";
const GRAPHS: &str = "module graph this map draws";
const RULES: &[&str] = &[
    PURE, BINDINGS, NO_CYCLE, DOC, LONG, LEAVES, STANDALONE, PATHS, GRAPHS,
];

/// The workspace's root (the folder above xtask).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| panic!("xtask's folder has no parent"))
        .to_path_buf()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// `path` relative to the workspace's root, with `/` between its parts.
fn shown(path: &Path) -> String {
    let relative = path.strip_prefix(root()).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn architecture() -> String {
    read(&root().join("ARCHITECTURE.md"))
}

/// ARCHITECTURE.md's invariant lines, each without its prefix.
fn invariants(map: &str) -> Vec<&str> {
    map.lines()
        .filter_map(|line| line.strip_prefix(PREFIX))
        .map(str::trim)
        .collect()
}

/// The one invariant line that states `rule`.
fn invariant<'a>(map: &'a str, rule: &str) -> &'a str {
    let lines: Vec<&str> = invariants(map)
        .into_iter()
        .filter(|line| line.contains(rule))
        .collect();
    match lines[..] {
        [line] => line,
        [] => panic!(
            "ARCHITECTURE.md has no line `{PREFIX} … {rule} …` (in `## Invariants`): the tidy \
             test (xtask/src/tidy.rs) reads the rule from there"
        ),
        _ => panic!(
            "ARCHITECTURE.md states `{rule}` on {} invariant lines",
            lines.len()
        ),
    }
}

/// The names written between backticks in `text`, in order.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// From the pure-module line: the modules (every backticked name before its first colon) and
/// the JS crates they must not name (every backticked name after it).
fn pure_modules_and_js_crates(line: &str) -> (Vec<&str>, Vec<&str>) {
    let Some((modules, crates)) = line.split_once(':') else {
        panic!("the pure-module invariant has no `:` after its list of modules: {line}");
    };
    let (modules, crates) = (backticked(modules), backticked(crates));
    assert!(
        !modules.is_empty(),
        "the pure-module invariant names no module (`name`, before its colon): {line}"
    );
    assert!(
        !crates.is_empty(),
        "the pure-module invariant names no JS crate (`name`, after its colon): {line}"
    );
    (modules, crates)
}

fn packages() -> Vec<Package> {
    workspace::packages(&root())
}

fn package<'a>(packages: &'a [Package], name: &str) -> &'a Package {
    packages
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no package of the workspace is named `{name}`"))
}

/// Every `.rs` file under `dir` (none when it does not exist), sorted; `target` and hidden
/// folders are skipped.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                out.extend(rust_files(&path));
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every `.rs` file of the workspace's packages (their `src/`, `tests/`, `examples/` and
/// `benches/`); a package inside another (the app at the root) is not counted twice, and a
/// crate outside the workspace (a fuzz crate) is not counted at all.
fn workspace_files(packages: &[Package]) -> Vec<PathBuf> {
    let mut out: BTreeSet<PathBuf> = BTreeSet::new();
    for p in packages {
        for dir in ["src", "tests", "examples", "benches"] {
            out.extend(rust_files(&p.dir.join(dir)));
        }
    }
    out.into_iter().collect()
}

/// Each shipped crate of the workspace (a package's lib or one of its bins), named
/// `package` or `package (bin name)`, with its module graph.
fn crate_graphs(packages: &[Package]) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut out = BTreeMap::new();
    for p in packages {
        for target in &p.targets {
            let graph = source::module_graph(&target.root);
            // A bin on top of its package's lib (`main.rs` beside `lib.rs`) has no modules of
            // its own worth a graph.
            if !graph.is_empty() {
                out.insert(p.crate_name(target), graph);
            }
        }
    }
    out
}

/// The app's top-level modules and their files (`src/lib.rs`'s crate).
fn app_modules(packages: &[Package]) -> BTreeMap<String, Vec<ModuleFile>> {
    let app = package(packages, "zendesk-heart");
    let lib = app.dir.join("src/lib.rs");
    let mut out: BTreeMap<String, Vec<ModuleFile>> = BTreeMap::new();
    for file in source::module_files(&lib) {
        if let Some(top) = file.top() {
            out.entry(top.to_owned()).or_default().push(file.clone());
        }
    }
    out
}

/// A graph in the map's form: a line per module, `module → a, b` (`→` and nothing after for
/// none).
fn drawn(graph: &BTreeMap<String, BTreeSet<String>>) -> String {
    graph
        .iter()
        .map(|(module, uses)| {
            let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
            format!("{module} → {}", uses.join(", "))
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The graphs the map draws, by crate: each paragraph that begins "The module graph of
/// `<crate>`" and ends with `:` is followed by a fenced block of lines `module → a, b`. A
/// paragraph of that form without its block reads as a graph no crate has.
fn drawn_graphs(map: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let lines: Vec<&str> = map.lines().map(str::trim_end).collect();
    for (i, line) in lines.iter().enumerate() {
        let Some((name, _)) = line
            .strip_prefix("The module graph of `")
            .and_then(|tail| tail.split_once('`'))
        else {
            continue;
        };
        let mut rest = lines[i..].iter().copied();
        let paragraph_ends = rest.by_ref().find(|l| l.is_empty() || l.ends_with(':'));
        let fence = rest.by_ref().find(|l| !l.is_empty());
        let block = match (paragraph_ends, fence) {
            (Some(end), Some(fence)) if end.ends_with(':') && fence.starts_with("```") => rest
                .take_while(|l| !l.starts_with("```"))
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("\n"),
            _ => "(no fenced block after the paragraph that names it)".to_owned(),
        };
        out.insert(name.to_owned(), block);
    }
    out
}

/// Whether a backticked name of the map is a path in this repository it means to name: a
/// relative path to a file or folder (an extension or a trailing `/`), no placeholder, no glob.
fn looks_like_path(name: &str) -> bool {
    const KINDS: &[&str] = &[".rs", ".md", ".js", ".html", ".json", ".toml", ".css"];
    !name.contains([' ', '<', '>', '*', '…', '{', '='])
        && !name.starts_with(['/', '.', '-', '~'])
        && !name.contains("://")
        && (name.contains('/') || name.ends_with(".rs"))
        && (KINDS.iter().any(|k| name.ends_with(k)) || name.ends_with('/'))
}

#[cfg(test)]
mod tests;
