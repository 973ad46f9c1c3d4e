//! The tests that enforce each invariant line of ARCHITECTURE.md, and the readers' own tests.

use super::*;

#[test]
fn pure_modules_name_no_js_crate() {
    let map = architecture();
    let (pure, js) = pure_modules_and_js_crates(invariant(&map, PURE));
    let modules = app_modules(&packages());
    let mut broken = Vec::new();
    for module in &pure {
        let Some(files) = modules.get(*module) else {
            panic!(
                "ARCHITECTURE.md lists `{module}` as a pure module, but the app has no \
                 module `{module}`"
            );
        };
        for file in files {
            let named = source::named_roots(&source::parse(&file.path));
            let js_named: Vec<&str> = js.iter().copied().filter(|c| named.contains(*c)).collect();
            if !js_named.is_empty() {
                broken.push(format!("{} names {js_named:?}", shown(&file.path)));
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
        let bindings = source::js_bindings(&source::parse(&file));
        if shown == bridge {
            in_bridge = bindings.len();
            continue;
        }
        broken.extend(bindings.iter().map(|b| format!("{shown}: {b}")));
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
fn no_crate_has_a_module_cycle() {
    invariant(&architecture(), NO_CYCLE);
    let graphs = crate_graphs(&packages());
    assert!(graphs.len() >= 5, "found only {:?}", graphs.keys());
    let cycles: Vec<String> = graphs
        .iter()
        .filter_map(|(name, graph)| {
            source::find_cycle(graph).map(|c| format!("{name}: {}", c.join(" → ")))
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "modules form a cycle through `crate::`/`super::` references:\n  {}",
        cycles.join("\n  ")
    );
}

#[test]
fn prints_the_module_graphs() {
    for (name, graph) in crate_graphs(&packages()) {
        println!(
            "The module graph of `{name}`:\n```\n{}\n```\n",
            drawn(&graph)
        );
    }
}

#[test]
fn the_graphs_the_map_draws_are_the_codes() {
    let map = architecture();
    invariant(&map, GRAPHS);
    let drawn_in_map = drawn_graphs(&map);
    let graphs = crate_graphs(&packages());
    let mut wrong = Vec::new();
    for (name, graph) in &graphs {
        let has_edges = graph.values().any(|uses| !uses.is_empty());
        if has_edges && !drawn_in_map.contains_key(name) {
            wrong.push(format!(
                "the map draws no module graph of `{name}`, whose modules use one another; it \
                 is now:\n```\n{}\n```",
                drawn(graph)
            ));
        }
    }
    for (name, in_map) in &drawn_in_map {
        let Some(graph) = graphs.get(name) else {
            wrong.push(format!(
                "the map draws `{name}`, which is no crate of the workspace"
            ));
            continue;
        };
        let actual = drawn(graph);
        if *in_map != actual {
            wrong.push(format!(
                "the module graph of `{name}` is now:\n```\n{actual}\n```\nand the map draws:\n```\n{in_map}\n```"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn the_paths_the_map_names_exist() {
    let map = architecture();
    invariant(&map, PATHS);
    let packages = packages();
    let root = root();
    let files: Vec<String> = workspace_files(&packages)
        .iter()
        .map(|f| shown(f))
        .collect();
    let mut bases: Vec<PathBuf> = vec![root.clone()];
    for p in &packages {
        bases.push(p.dir.clone());
        bases.push(p.dir.join("src"));
    }
    let mut checked = 0;
    let mut missing = Vec::new();
    for name in backticked(&map).into_iter().filter(|n| looks_like_path(n)) {
        checked += 1;
        let exists = bases.iter().any(|b| b.join(name).exists())
            || files.iter().any(|f| f.ends_with(&format!("/{name}")));
        if !exists {
            missing.push(name);
        }
    }
    assert!(checked > 30, "the map names only {checked} paths");
    missing.sort_unstable();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist (from the root, a package's folder or \
         its src/, or as the end of a source file's path):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn every_file_begins_with_a_doc() {
    invariant(&architecture(), DOC);
    let files = workspace_files(&packages());
    assert!(files.len() > 50, "found only {} .rs files", files.len());
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
    let mut long = Vec::new();
    for file in workspace_files(&packages()) {
        let text = read(&file);
        let lines = text.lines().count();
        let says_why = source::leading_doc(&text)
            .iter()
            .any(|l| l.starts_with("Long:"));
        if lines > limit && !says_why {
            long.push(format!("{} ({lines} lines)", shown(&file)));
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
    let packages = packages();
    for leaf in ["heart-contract", "zaf-validate"] {
        assert!(
            names.contains(&leaf),
            "the invariant names no `{leaf}`: {line}"
        );
        let found = package(&packages, leaf).depends_on(&["normal", "dev", "build"]);
        assert!(
            found.is_empty(),
            "{leaf} depends on nothing of the workspace, yet on {found:?}"
        );
    }
    let found = package(&packages, "sandbox").depends_on(&["normal", "dev", "build"]);
    assert!(
        !found.iter().any(|dep| dep == "zendesk-heart"),
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
    let packages = packages();
    assert_eq!(
        package(&packages, "heart-integration").depends_on(&["normal", "dev", "build"]),
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
}

#[test]
#[should_panic(expected = "no line `**Architecture invariant:** … the pure modules are")]
fn a_missing_invariant_line_is_named() {
    invariant("# Architecture\n\nNo invariants here.\n", PURE);
}

#[test]
fn reads_the_graphs_the_map_draws_and_the_paths_it_names() {
    let map = "Text.\n\nThe module graph of `x` (the\nrest):\n\n```\na → b, c\nb →\n```\n\nThe module graph of `y`:\n\nno block\n\nAnd `src/a.rs`, \
               `crates/x/`, `tidy.rs`, `a, b`, `<dir>/x.rs`, `https://x/y.rs`, `cargo xtask test`.";
    let graphs = drawn_graphs(map);
    assert_eq!(graphs.get("x").map(String::as_str), Some("a → b, c\nb →"));
    assert_eq!(
        graphs.get("y").map(String::as_str),
        Some("(no fenced block after the paragraph that names it)")
    );
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.insert("a".into(), ["b".into(), "c".into()].into());
    graph.insert("b".into(), BTreeSet::new());
    assert_eq!(drawn(&graph), "a → b, c\nb →");
    let paths: Vec<&str> = backticked(map)
        .into_iter()
        .filter(|n| looks_like_path(n))
        .collect();
    assert_eq!(paths, ["src/a.rs", "crates/x/", "tidy.rs"]);
}
