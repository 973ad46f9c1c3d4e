//! The map checks itself: every `**Architecture invariant:**` line of ARCHITECTURE.md is a rule
//! that a test here enforces on the workspace's source, and a line no test knows fails too. The
//! pure modules are read from their line, so the map is the one list. Tests only (`cargo test -p
//! xtask`); `cargo test -p xtask tidy::tests::prints_the_module_graph -- --nocapture` prints the
//! app's module graph.
//!
//! The source is read as text: comments and the insides of string and character literals are
//! blanked first (`code`), so that only code is searched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::project::toml_string_in_table;

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
const RULES: &[&str] = &[PURE, BINDINGS, NO_CYCLE, DOC, LONG, LEAVES, STANDALONE];

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

fn architecture() -> String {
    read(&root().join("ARCHITECTURE.md"))
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

/// The crates of the workspace, by folder: the app at the root, `crates/*`, `xtask`.
fn crate_dirs() -> Vec<PathBuf> {
    let root = root();
    let mut dirs = vec![root.clone(), root.join("xtask")];
    let mut crates: Vec<PathBuf> = fs::read_dir(root.join("crates"))
        .unwrap_or_else(|e| panic!("reading crates/: {e}"))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    crates.sort();
    dirs.extend(crates);
    dirs
}

/// Every `.rs` file of the workspace: each crate's `src/` and `tests/`.
fn workspace_files() -> Vec<PathBuf> {
    crate_dirs()
        .iter()
        .flat_map(|dir| [dir.join("src"), dir.join("tests")])
        .flat_map(|dir| rust_files(&dir))
        .collect()
}

/// The app's top-level module a file of `src/` belongs to: `x` for `src/x.rs` and everything
/// under `src/x/`; `None` for the crate roots `lib.rs` and `main.rs`.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let mut parts = relative.components();
    let first = parts.next()?.as_os_str().to_string_lossy().into_owned();
    if parts.next().is_some() {
        return Some(first);
    }
    match first.strip_suffix(".rs") {
        Some("lib" | "main") | None => None,
        Some(name) => Some(name.to_owned()),
    }
}

/// The app's top-level modules with their files.
fn app_modules() -> BTreeMap<String, Vec<PathBuf>> {
    let src = root().join("src");
    let mut modules: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for file in rust_files(&src) {
        if let Some(module) = top_module(&src, &file) {
            modules.entry(module).or_default().push(file);
        }
    }
    modules
}

/// `text` with its comments removed and its string and character literals emptied (the quotes
/// stay), line breaks kept, so that line numbers still hold.
fn code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // Skips to `end` (the index after the literal or comment), keeping its line breaks.
    let skip = |out: &mut String, from: usize, end: usize| {
        let end = end.min(chars.len());
        out.extend(chars[from..end].iter().filter(|c| **c == '\n'));
        end
    };
    while let Some(c) = at(i) {
        let next = at(i + 1);
        if c == '/' && next == Some('/') {
            while at(i).is_some_and(|c| c != '\n') {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let (mut end, mut depth) = (i, 0);
            while end < chars.len() {
                match (at(end), at(end + 1)) {
                    (Some('/'), Some('*')) => (depth, end) = (depth + 1, end + 2),
                    (Some('*'), Some('/')) => (depth, end) = (depth - 1, end + 2),
                    _ => end += 1,
                }
                if depth == 0 {
                    break;
                }
            }
            i = skip(&mut out, i, end);
        } else if c == 'r'
            && (!is_ident(i.checked_sub(1).and_then(at))
                || (i.checked_sub(1).and_then(at) == Some('b')
                    && !is_ident(i.checked_sub(2).and_then(at))))
            && matches!(next, Some('#' | '"'))
        {
            // A raw string: r"…", r#"…"#, …; `r#ident` is not one.
            let hashes = (i + 1..).take_while(|&j| at(j) == Some('#')).count();
            let open = i + 1 + hashes;
            if at(open) != Some('"') {
                out.push(c);
                i += 1;
                continue;
            }
            let closing: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let rest: String = chars[open + 1..].iter().collect();
            let inside = rest
                .find(&closing)
                .map_or(rest.len(), |n| rest[..n].chars().count());
            out.push_str("\"\"");
            i = skip(
                &mut out,
                open + 1,
                open + 1 + inside + closing.chars().count(),
            );
        } else if c == '"' {
            let mut end = i + 1;
            while let Some(c) = at(end) {
                match c {
                    '\\' => end += 2,
                    '"' => break,
                    _ => end += 1,
                }
            }
            out.push_str("\"\"");
            i = skip(&mut out, i + 1, end + 1);
        } else if c == '\'' && next == Some('\\') {
            // An escaped character literal: '\n', '\'', '\u{…}'.
            let mut end = i + 3;
            while at(end).is_some_and(|c| c != '\'') {
                end += 1;
            }
            out.push_str("''");
            i = end + 1;
        } else if c == '\'' && at(i + 2) == Some('\'') {
            out.push_str("''");
            i += 3;
        } else {
            // Code, and lifetimes (`'a`).
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The identifiers of `code`.
fn identifiers(code: &str) -> impl Iterator<Item = &str> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with(|c: char| c.is_alphabetic() || c == '_'))
}

/// The first path segment after each `crate::` of `code`, and of each item of a
/// `crate::{…}` group.
fn crate_references(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = code[at + "crate::".len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            // Items at the group's own depth: `crate::{a, b::{c, d}, e}` names a, b, e.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        out.insert(ident(&group[i..]));
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out.remove("self");
    out
}

/// Whether `file` of `src/` holds tests only: a `tests.rs`, or a file under a `tests/` folder.
fn is_test_file(src: &Path, file: &Path) -> bool {
    let relative = file.strip_prefix(src).unwrap_or(file);
    relative.components().any(|c| c.as_os_str() == "tests")
        || relative.file_stem().is_some_and(|stem| stem == "tests")
}

/// `code` (as [`code`] leaves it) without its `#[cfg(test)]` items: each attribute and the item
/// after it, to the end of its `{…}` block or its `;`, become blank (line breaks kept).
fn without_test_items(code: &str) -> String {
    const ATTRIBUTE: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(start) = rest.find(ATTRIBUTE) {
        out.push_str(&rest[..start]);
        let item = &rest[start..];
        let mut depth = 0usize;
        let end = item
            .char_indices()
            .skip(ATTRIBUTE.len())
            .find_map(|(at, c)| {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 1 => return Some(at + 1),
                    '}' => depth = depth.saturating_sub(1),
                    ';' if depth == 0 => return Some(at + 1),
                    _ => {}
                }
                None
            })
            .unwrap_or(item.len());
        out.extend(item[..end].chars().map(|c| if c == '\n' { c } else { ' ' }));
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The app's module graph: each top-level module of `src/` and the others its shipped code
/// names through `crate::` (tests aside: they may use any module to check another).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = app_modules();
    let src = root().join("src");
    modules
        .iter()
        .map(|(module, files)| {
            let uses = files
                .iter()
                .filter(|file| !is_test_file(&src, file))
                .flat_map(|file| crate_references(&without_test_items(&code(&read(file)))))
                .filter(|used| used != module && modules.contains_key(used))
                .collect();
            (module.clone(), uses)
        })
        .collect()
}

/// A cycle of `graph` as the path around it (its first module again at the end), if it has one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(graph, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(graph, node, &mut Vec::new(), &mut done))
}

/// The lines where `code` (see `code`) declares JS bindings: a `#[wasm_bindgen]` item (the
/// attribute's path ends in `wasm_bindgen`) or an `extern "…" { … }` block.
fn js_binding_lines(code: &str) -> Vec<usize> {
    let mut lines = BTreeSet::new();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    for (at, _) in code.match_indices("#[") {
        let path: String = code[at + 2..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | ' '))
            .filter(|c| *c != ' ')
            .collect();
        if path.rsplit("::").next() == Some("wasm_bindgen") {
            lines.insert(line_of(at));
        }
    }
    for (at, _) in code.match_indices("extern") {
        let before = code[..at].chars().next_back();
        let rest = code[at + "extern".len()..].trim_start();
        let rest = rest.strip_prefix("\"\"").unwrap_or(rest).trim_start();
        if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && rest.starts_with('{') {
            lines.insert(line_of(at));
        }
    }
    lines.into_iter().collect()
}

/// The `//!` lines a file begins with, without their `//!`.
fn leading_doc(text: &str) -> Vec<&str> {
    text.lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(str::trim)
        .collect()
}

/// The dependencies a Cargo.toml declares in any of its dependency tables: each name (or its
/// `package = "…"`) with the text of its specification.
fn dependencies(toml: &str) -> Vec<(String, String)> {
    /// What the lines under the last table header are.
    enum Table {
        Other,
        /// `[dependencies]`, `[target.'…'.dev-dependencies]`: one dependency a line.
        Many,
        /// `[dependencies.name]`: the lines of one dependency.
        One,
    }
    let mut out: Vec<(String, String)> = Vec::new();
    let mut table = Table::Other;
    for line in toml.lines() {
        let line = line.split(" #").next().unwrap_or(line).trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            let header = line.trim_matches(|c| c == '[' || c == ']');
            let (parent, last) = header.rsplit_once('.').unwrap_or(("", header));
            table = if last.ends_with("dependencies") {
                Table::Many
            } else if parent.ends_with("dependencies") {
                out.push((last.to_owned(), String::new()));
                Table::One
            } else {
                Table::Other
            };
            continue;
        }
        let entry = line.split_once('=').filter(|(key, _)| {
            key.trim()
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        });
        match (&table, entry) {
            (Table::Other, _) => {}
            (Table::Many, Some((key, spec))) => {
                out.push((key.trim().to_owned(), spec.trim().to_owned()));
            }
            (Table::Many | Table::One, _) => {
                if let Some((_, spec)) = out.last_mut() {
                    spec.push(' ');
                    spec.push_str(line);
                }
            }
        }
    }
    out.into_iter()
        .map(|(name, spec)| match quoted_after(&spec, "package") {
            Some(package) => (package, spec),
            None => (name, spec),
        })
        .collect()
}

/// The quoted value of `key = "…"` in a dependency's specification.
fn quoted_after(spec: &str, key: &str) -> Option<String> {
    spec.match_indices(key).find_map(|(at, _)| {
        let before = spec[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
        let rest = spec[at + key.len()..].trim_start().strip_prefix('=')?;
        let rest = rest.trim_start().strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_owned())
    })
}

/// The workspace's package names, by folder.
fn workspace_packages() -> BTreeMap<PathBuf, String> {
    crate_dirs()
        .into_iter()
        .map(|dir| {
            let toml = read(&dir.join("Cargo.toml"));
            let name = toml_string_in_table(&toml, "package", "name")
                .unwrap_or_else(|| panic!("{}/Cargo.toml names no package", dir.display()));
            (dir, name)
        })
        .collect()
}

/// The workspace packages the crate named `package` depends on (by name or by path), each once,
/// itself aside (a dev-dependency on itself only turns on a feature for its tests).
fn workspace_dependencies(package: &str) -> Vec<String> {
    let packages = workspace_packages();
    let Some((dir, _)) = packages.iter().find(|(_, name)| *name == package) else {
        panic!("no crate of the workspace is named `{package}`");
    };
    let mut out = Vec::new();
    for (name, spec) in dependencies(&read(&dir.join("Cargo.toml"))) {
        let by_path = quoted_after(&spec, "path").and_then(|path| {
            let target = dir.join(&path).canonicalize().ok()?;
            packages
                .iter()
                .find(|(dir, _)| dir.canonicalize().ok().as_ref() == Some(&target))
                .map(|(_, name)| name.clone())
                .or(Some(format!("{name} (path `{path}`)")))
        });
        let found = by_path.or_else(|| packages.values().any(|p| *p == name).then_some(name));
        // A crate's dev-dependency on itself (for a feature of its tests) is not a dependency.
        if let Some(found) = found
            && found != package
            && !out.contains(&found)
        {
            out.push(found);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pure_modules_name_no_js_crate() {
        let map = architecture();
        let (pure, js) = pure_modules_and_js_crates(invariant(&map, PURE));
        let modules = app_modules();
        let mut broken = Vec::new();
        for module in &pure {
            let Some(files) = modules.get(*module) else {
                panic!(
                    "ARCHITECTURE.md lists `{module}` as a pure module, but src/ has no \
                     {module}.rs nor {module}/"
                );
            };
            for file in files {
                let code = code(&read(file));
                let named: BTreeSet<&str> = identifiers(&code)
                    .filter(|word| js.contains(word))
                    .collect();
                if !named.is_empty() {
                    broken.push(format!("{} names {named:?}", shown(file)));
                }
            }
        }
        assert!(
            broken.is_empty(),
            "the pure modules {pure:?} must name no JS crate:\n  {}",
            broken.join("\n  ")
        );
    }

    #[test]
    fn only_the_bridge_declares_js_bindings() {
        let map = architecture();
        let line = invariant(&map, BINDINGS);
        let bridge = backticked(line)
            .into_iter()
            .find(|name| name.starts_with("src/") && name.ends_with(".rs"))
            .unwrap_or_else(|| panic!("the bindings invariant names no `src/….rs`: {line}"));
        let mut broken = Vec::new();
        let mut in_bridge = 0;
        for file in rust_files(&root().join("src")) {
            let shown = shown(&file);
            let lines = js_binding_lines(&code(&read(&file)));
            if shown == bridge {
                in_bridge = lines.len();
                continue;
            }
            broken.extend(lines.iter().map(|line| format!("{shown}:{line}")));
        }
        // The reader sees bindings where they are.
        assert!(in_bridge > 0, "found no JS bindings in {bridge}");
        assert!(
            broken.is_empty(),
            "only {bridge} declares JS bindings (`#[wasm_bindgen]`, `extern \"C\" {{}}`), yet:\n  {}",
            broken.join("\n  ")
        );
    }

    #[test]
    fn app_modules_form_no_cycle() {
        invariant(&architecture(), NO_CYCLE);
        let graph = module_graph();
        if let Some(cycle) = find_cycle(&graph) {
            panic!(
                "the app's modules form a cycle through `crate::` references: {}",
                cycle.join(" → ")
            );
        }
    }

    #[test]
    fn prints_the_module_graph() {
        let graph = module_graph();
        let map = architecture();
        let (pure, _) = pure_modules_and_js_crates(invariant(&map, PURE));
        println!("the app's modules and those each names through `crate::`:");
        for (module, uses) in &graph {
            let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
            let mark = if pure.contains(&module.as_str()) {
                " (pure)"
            } else {
                ""
            };
            println!("  {module}{mark} → {}", uses.join(", "));
        }
        for module in pure {
            assert!(graph.contains_key(module), "{module} is not in the graph");
        }
    }

    #[test]
    fn every_file_begins_with_a_doc() {
        invariant(&architecture(), DOC);
        let files = workspace_files();
        assert!(files.len() > 20, "found only {} .rs files", files.len());
        let undocumented: Vec<String> = files
            .iter()
            .filter(|file| !read(file).starts_with("//!"))
            .map(|file| shown(file))
            .collect();
        assert!(
            undocumented.is_empty(),
            "every .rs file begins with a `//!` doc that says what lives there; these do not:\n  {}",
            undocumented.join("\n  ")
        );
    }

    #[test]
    fn long_files_say_why() {
        let map = architecture();
        let line = invariant(&map, LONG);
        let limit: usize = line
            .split_once("over ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("the long-file invariant says no `over <n> lines`: {line}"));
        let root = root();
        let mut long = Vec::new();
        for dir in [root.join("src"), root.join("crates/sandbox/src")] {
            for file in rust_files(&dir) {
                let text = read(&file);
                let lines = text.lines().count();
                let says_why = leading_doc(&text).iter().any(|l| l.starts_with("Long:"));
                if lines > limit && !says_why {
                    long.push(format!("{} ({lines} lines)", shown(&file)));
                }
            }
        }
        assert!(
            long.is_empty(),
            "over {limit} lines without a `//! Long: <why>` line in the file's doc (split it by \
             concern, or say why not):\n  {}",
            long.join("\n  ")
        );
    }

    #[test]
    fn leaf_crates_depend_on_nothing_of_the_workspace() {
        let map = architecture();
        let line = invariant(&map, LEAVES);
        let names = backticked(line);
        for leaf in ["heart-contract", "zaf-validate"] {
            assert!(
                names.contains(&leaf),
                "the invariant names no `{leaf}`: {line}"
            );
            let found = workspace_dependencies(leaf);
            assert!(
                found.is_empty(),
                "{leaf} depends on nothing of the workspace, yet on {found:?}"
            );
        }
        // (Its tests take the sandbox itself with the `browser` feature: not counted.)
        let found = workspace_dependencies("sandbox");
        assert!(
            !found.iter().any(|dep| dep.starts_with("zendesk-heart")),
            "the sandbox meets the app only as its package, yet depends on {found:?}"
        );
        // The rule can see a dependency: the sandbox does depend on the contract, and runs the
        // integration service.
        assert_eq!(found, ["heart-contract", "heart-integration"]);
    }

    #[test]
    fn the_integration_service_depends_on_the_contract_alone() {
        let map = architecture();
        let line = invariant(&map, STANDALONE);
        let names = backticked(line);
        for name in ["heart-integration", "heart-contract", "sandbox"] {
            assert!(
                names.contains(&name),
                "the invariant names no `{name}`: {line}"
            );
        }
        assert_eq!(
            workspace_dependencies("heart-integration"),
            ["heart-contract"]
        );
    }

    #[test]
    fn every_invariant_is_enforced_here() {
        let map = architecture();
        let lines = invariants(&map);
        assert!(!lines.is_empty(), "ARCHITECTURE.md has no `{PREFIX}` line");
        for line in lines {
            let rules: Vec<&&str> = RULES.iter().filter(|rule| line.contains(**rule)).collect();
            assert_eq!(
                rules.len(),
                1,
                "each `{PREFIX}` line states one rule that xtask/src/tidy.rs enforces (its \
                 words are in RULES); this one matches {rules:?}: {line}"
            );
        }
    }

    // The readers themselves, on made-up input.

    #[test]
    fn reads_any_number_of_pure_modules() {
        let line = "the pure modules are `a`, `b_c`, `d`, `e`, `f`: they name no JS crate \
                    (`js_sys`, `yew`), so they are unit-tested natively.";
        assert_eq!(
            pure_modules_and_js_crates(line),
            (vec!["a", "b_c", "d", "e", "f"], vec!["js_sys", "yew"])
        );
        assert_eq!(
            pure_modules_and_js_crates(line.replacen("`a`, ", "", 1).as_str())
                .0
                .len(),
            4
        );
    }

    #[test]
    #[should_panic(expected = "no line `**Architecture invariant:** … the pure modules are")]
    fn a_missing_invariant_line_is_named() {
        invariant("# Architecture\n\nNo invariants here.\n", PURE);
    }

    #[test]
    fn comments_and_literals_are_not_code() {
        let text = "// use web_sys;\nlet a = \"js_sys::x\"; /* yew /* nested */ yew */ let b = 'y';\n\
                    let c = r#\"wasm_bindgen \"quoted\"\"#; let d = '\\''; fn f<'a>(x: &'a str) {}\n\
                    gloo_timers::x();";
        let code = code(text);
        let words: Vec<&str> = identifiers(&code).collect();
        for js in ["web_sys", "js_sys", "yew", "wasm_bindgen"] {
            assert!(!words.contains(&js), "{js} in {code:?}");
        }
        assert!(words.contains(&"gloo_timers"), "{code:?}");
        assert!(words.contains(&"a"), "{code:?}");
        assert_eq!(code.lines().count(), text.lines().count());
    }

    #[test]
    fn finds_crate_references_in_paths_and_groups() {
        let refs = crate_references(
            "use crate::a::X;\nuse crate::{b, c::{D, e::F}, self};\nfn f() { crate::g(); pub(crate) fn h() {} }\n\
             use other_crate::z;",
        );
        assert_eq!(refs.into_iter().collect::<Vec<_>>(), ["a", "b", "c", "g"]);
    }

    #[test]
    fn finds_js_bindings() {
        let text = "use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\nextern \"C\" {\n  \
                    #[wasm_bindgen(method)]\n  fn f(this: &X);\n}\nunsafe extern \"C\" {}\n\
                    extern crate core;\n#[wasm_bindgen_test]\nfn t() {}\npub extern \"C\" fn g() {}";
        assert_eq!(js_binding_lines(&code(text)), [2, 3, 4, 7]);
        assert!(js_binding_lines(&code("let x = \"#[wasm_bindgen]\";")).is_empty());
    }

    #[test]
    fn test_code_is_left_out_of_the_graph() {
        let code = "use crate::a;\n#[cfg(test)]\nmod tests {\n    use crate::b;\n    fn f() { crate::c(); }\n}\n\
                    #[cfg(test)]\nmod more;\nfn g() { crate::d(); }\n";
        let shipped = without_test_items(code);
        assert_eq!(shipped.lines().count(), code.lines().count());
        let names: Vec<String> = crate_references(&shipped).into_iter().collect();
        assert_eq!(names, ["a", "d"]);
        let src = Path::new("/w/src");
        assert!(is_test_file(src, Path::new("/w/src/state/tests/reads.rs")));
        assert!(is_test_file(src, Path::new("/w/src/view/tests.rs")));
        assert!(!is_test_file(src, Path::new("/w/src/state/mod.rs")));
    }

    #[test]
    fn finds_a_cycle_and_prints_its_path() {
        let graph = |edges: &[(&str, &str)]| {
            let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (from, to) in edges {
                graph
                    .entry((*from).into())
                    .or_default()
                    .insert((*to).into());
                graph.entry((*to).into()).or_default();
            }
            graph
        };
        assert_eq!(
            find_cycle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])),
            None
        );
        assert_eq!(
            find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "b")])),
            Some(vec!["b".into(), "c".into(), "b".into()])
        );
    }

    #[test]
    fn reads_the_dependencies_of_a_cargo_toml() {
        let toml = "[package]\nname = \"x\"\n\n[dependencies]\n\
                    a = { path = \"../a\" } # the a\nb = \"1\"\nc = { version = \"1\", features = [\n  \"f\",\n] }\n\
                    renamed = { package = \"real\", version = \"1\" }\n\n[lib]\npath = \"src/lib.rs\"\n\n\
                    [dev-dependencies.d]\npath = \"../d\"\n\n[target.'cfg(unix)'.build-dependencies]\ne = \"1\"\n";
        let deps = dependencies(toml);
        let names: Vec<&str> = deps.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "real", "d", "e"]);
        assert_eq!(quoted_after(&deps[0].1, "path").as_deref(), Some("../a"));
        assert_eq!(quoted_after(&deps[4].1, "path").as_deref(), Some("../d"));
        assert_eq!(quoted_after(&deps[1].1, "path"), None);
    }

    #[test]
    fn reads_the_leading_doc() {
        let text = "//! What lives here.\n//!\n//! Long: one table, kept whole.\nuse x;\n//! late";
        assert_eq!(
            leading_doc(text),
            ["What lives here.", "", "Long: one table, kept whole."]
        );
    }
}
