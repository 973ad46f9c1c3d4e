//! Rust source read as Rust (`syn`): a crate's module files from its root through its `mod`
//! declarations, what each top-level module's shipped code names of the others (`crate::`,
//! `super::`, `use` trees; `#[cfg(test)]` items and test files left out), the JS crates a file
//! names, and the JS bindings it declares.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::{self, Visit};

/// A file of a crate, and where it stands in the crate's module tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleFile {
    pub path: PathBuf,
    /// The module path (`["channel", "desk"]`); empty for the crate root.
    pub module: Vec<String>,
    /// Declared under `#[cfg(test)]` (itself or an ancestor): test code.
    pub test_only: bool,
}

impl ModuleFile {
    /// The top-level module it belongs to (`None` for the crate root).
    pub fn top(&self) -> Option<&str> {
        self.module.first().map(String::as_str)
    }
}

pub fn parse(path: &Path) -> syn::File {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    syn::parse_file(&text)
        .unwrap_or_else(|e| panic!("{} is not Rust syn can read: {e}", path.display()))
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && {
            let mut test = false;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("test") {
                    test = true;
                } else {
                    // cfg(all(test, …)) and friends: look inside.
                    let _ = meta.parse_nested_meta(|inner| {
                        test |= inner.path.is_ident("test");
                        Ok(())
                    });
                }
                Ok(())
            });
            test
        }
    })
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("path") {
            return None;
        }
        match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        }
    })
}

/// The folder a file's child modules live in: its own for a crate root or a `mod.rs`,
/// `<dir>/<name>/` for `<dir>/<name>.rs`.
fn children_dir(file: &Path, is_root: bool) -> PathBuf {
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if is_root || stem == "mod" {
        dir
    } else {
        dir.join(stem)
    }
}

/// Every file of the crate rooted at `root`, found through its `mod` declarations (inline
/// modules are in their file; `#[path]` is followed).
pub fn module_files(root: &Path) -> Vec<ModuleFile> {
    let mut out = Vec::new();
    let mut queue = vec![(root.to_path_buf(), Vec::<String>::new(), false, true)];
    while let Some((path, module, test_only, is_root)) = queue.pop() {
        let file = parse(&path);
        let dir = children_dir(&path, is_root);
        collect_mods(&file.items, &dir, &module, test_only, &mut queue);
        out.push(ModuleFile {
            path,
            module,
            test_only,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

type Queue = Vec<(PathBuf, Vec<String>, bool, bool)>;

fn collect_mods(
    items: &[syn::Item],
    dir: &Path,
    module: &[String],
    test_only: bool,
    queue: &mut Queue,
) {
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        let name = m.ident.to_string();
        let test = test_only || is_cfg_test(&m.attrs);
        let mut child = module.to_vec();
        child.push(name.clone());
        match &m.content {
            // Inline: its own `mod` declarations are under `<dir>/<name>/`.
            Some((_, inner)) => collect_mods(inner, &dir.join(&name), &child, test, queue),
            None => {
                let path = match path_attr(&m.attrs) {
                    Some(p) => dir.join(p),
                    None if dir.join(format!("{name}.rs")).is_file() => {
                        dir.join(format!("{name}.rs"))
                    }
                    None => dir.join(&name).join("mod.rs"),
                };
                if path.is_file() {
                    queue.push((path, child, test, false));
                }
            }
        }
    }
}

/// The crate's top-level modules, each with the others its shipped code names.
pub fn module_graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = module_files(root);
    let mut tops: BTreeSet<String> = files
        .iter()
        .filter(|f| !f.test_only)
        .filter_map(|f| f.top().map(str::to_owned))
        .collect();
    // Modules written inline in the crate's root are top-level modules too.
    for item in &parse(root).items {
        if let syn::Item::Mod(m) = item
            && m.content.is_some()
            && !is_cfg_test(&m.attrs)
        {
            tops.insert(m.ident.to_string());
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> =
        tops.iter().map(|t| (t.clone(), BTreeSet::new())).collect();
    for file in files.iter().filter(|f| !f.test_only) {
        let mut refs = References {
            module: file.module.clone(),
            found: Vec::new(),
        };
        refs.visit_file(&parse(&file.path));
        for (from, to) in refs.found {
            if from != to && tops.contains(&from) && tops.contains(&to) {
                graph.entry(from).or_default().insert(to);
            }
        }
    }
    graph
}

/// The top-level modules a file names, resolving `crate::`, `super::` and `self::` against the
/// module the code is in: (the top-level module the code is in, the one it names).
struct References {
    module: Vec<String>,
    found: Vec<(String, String)>,
}

impl References {
    fn resolve(&mut self, segments: &[String]) {
        let mut at: Vec<String> = self.module.clone();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                at.clear();
                rest = &rest[1..];
            }
            Some("super" | "self") => {
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "super" => {
                            at.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            _ => return,
        }
        let named = at.first().or_else(|| rest.first()).cloned();
        if let (Some(from), Some(named)) = (self.module.first().cloned(), named) {
            self.found.push((from, named));
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.resolve(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.resolve(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.resolve(&prefix.clone()),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix, item);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for References {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Const(c) => &c.attrs,
            syn::Item::Static(s) => &s.attrs,
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Enum(e) => &e.attrs,
            syn::Item::Trait(t) => &t.attrs,
            syn::Item::Type(t) => &t.attrs,
            syn::Item::Macro(m) => &m.attrs,
            _ => return visit::visit_item(self, item),
        };
        if is_cfg_test(attrs) {
            return;
        }
        if let syn::Item::Mod(m) = item
            && let Some((_, items)) = &m.content
        {
            self.module.push(m.ident.to_string());
            for item in items {
                self.visit_item(item);
            }
            self.module.pop();
            return;
        }
        visit::visit_item(self, item);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.resolve(&segments);
        visit::visit_path(self, path);
    }

    fn visit_vis_restricted(&mut self, _: &'ast syn::VisRestricted) {
        // `pub(crate)`, `pub(super)`: visibility, not a reference.
    }
}

/// The first segment of every path and `use` tree of a file, and its `extern crate`s: the
/// crates and modules it names.
pub fn named_roots(file: &syn::File) -> BTreeSet<String> {
    struct Roots(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Roots {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if let Some(first) = path.segments.first() {
                self.0.insert(first.ident.to_string());
            }
            visit::visit_path(self, path);
        }
        fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
            match tree {
                syn::UseTree::Path(p) => {
                    self.0.insert(p.ident.to_string());
                }
                syn::UseTree::Name(n) => {
                    self.0.insert(n.ident.to_string());
                }
                syn::UseTree::Rename(r) => {
                    self.0.insert(r.ident.to_string());
                }
                syn::UseTree::Group(g) => {
                    for item in &g.items {
                        self.visit_use_tree(item);
                    }
                }
                syn::UseTree::Glob(_) => {}
            }
        }
        fn visit_item_extern_crate(&mut self, e: &'ast syn::ItemExternCrate) {
            self.0.insert(e.ident.to_string());
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.visit_path(&m.path);
            // Paths inside a macro's tokens (`format!("{}", js_sys::x())`) count too.
            for token in m.tokens.clone() {
                if let proc_macro2::TokenTree::Ident(ident) = token {
                    self.0.insert(ident.to_string());
                }
            }
        }
    }
    let mut roots = Roots(BTreeSet::new());
    roots.visit_file(file);
    roots.0
}

/// The JS bindings a file declares: `#[wasm_bindgen]` items and `extern` blocks, by kind and name.
pub fn js_bindings(file: &syn::File) -> Vec<String> {
    struct Bindings(Vec<String>);
    fn bound(attrs: &[syn::Attribute]) -> bool {
        attrs.iter().any(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "wasm_bindgen")
        })
    }
    impl<'ast> Visit<'ast> for Bindings {
        fn visit_item(&mut self, item: &'ast syn::Item) {
            match item {
                syn::Item::ForeignMod(_) => self.0.push("an extern block".into()),
                syn::Item::Fn(f) if bound(&f.attrs) => self.0.push(format!("fn {}", f.sig.ident)),
                syn::Item::Struct(s) if bound(&s.attrs) => {
                    self.0.push(format!("struct {}", s.ident))
                }
                syn::Item::Enum(e) if bound(&e.attrs) => self.0.push(format!("enum {}", e.ident)),
                syn::Item::Impl(i) if bound(&i.attrs) => self.0.push("an impl".into()),
                _ => {}
            }
            visit::visit_item(self, item);
        }
    }
    let mut b = Bindings(Vec::new());
    b.visit_file(file);
    b.0
}

/// The `//!` lines a file begins with, without their `//!`.
pub fn leading_doc(text: &str) -> Vec<&str> {
    text.lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(str::trim)
        .collect()
}

/// A cycle of `graph` as the path around it (its first module again at the end), if it has one.
pub fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A crate of made-up files in a temporary folder.
    fn scratch(files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "tidy-source-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = fs::remove_dir_all(&dir);
        for (name, text) in files {
            let path = dir.join(name);
            fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            fs::write(path, text).expect("write");
        }
        dir
    }

    #[test]
    fn the_graph_follows_mods_and_leaves_tests_out() {
        let dir = scratch(&[
            (
                "lib.rs",
                "mod a; mod b; mod c; pub mod d { pub fn f() {} }\n#[cfg(test)] mod t;",
            ),
            (
                "a.rs",
                "use crate::b::X; mod inner;\n#[cfg(test)]\nmod tests { use crate::c; }\nfn g() { crate::d::f(); }",
            ),
            ("a/inner.rs", "use super::super::c::Y; pub(crate) fn h() {}"),
            ("b/mod.rs", "pub struct X; use self::z::W; mod z;"),
            ("b/z.rs", "pub struct W;"),
            (
                "c.rs",
                "pub struct Y;\n#[cfg(all(test, unix))] use crate::a;",
            ),
            ("t.rs", "use crate::a;"),
        ]);
        let files = module_files(&dir.join("lib.rs"));
        let modules: Vec<(Vec<String>, bool)> = files
            .iter()
            .map(|f| (f.module.clone(), f.test_only))
            .collect();
        assert!(
            modules.contains(&(vec!["a".into(), "inner".into()], false)),
            "{modules:?}"
        );
        assert!(modules.contains(&(vec!["t".into()], true)), "{modules:?}");
        let graph = module_graph(&dir.join("lib.rs"));
        let edges: Vec<String> = graph
            .iter()
            .map(|(m, uses)| format!("{m}→{}", uses.iter().cloned().collect::<Vec<_>>().join(",")))
            .collect();
        assert_eq!(edges, ["a→b,c,d", "b→", "c→", "d→"]);
        assert_eq!(find_cycle(&graph), None);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn finds_a_cycle_and_js_bindings() {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in [("a", "b"), ("b", "c"), ("c", "b")] {
            graph.entry(from.into()).or_default().insert(to.into());
            graph.entry(to.into()).or_default();
        }
        assert_eq!(
            find_cycle(&graph),
            Some(vec!["b".into(), "c".into(), "b".into()])
        );
        let file: syn::File = syn::parse_str(
            "use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\nextern \"C\" { fn f(); }\n\
             #[wasm_bindgen_test] fn t() {}\nfn g() { let s = \"#[wasm_bindgen]\"; }",
        )
        .expect("rust");
        assert_eq!(js_bindings(&file), ["an extern block"]);
        let roots = named_roots(
            &syn::parse_str("use js_sys::Array; fn f() { println!(\"{}\", web_sys::x()); }")
                .expect("rust"),
        );
        assert!(
            roots.contains("js_sys") && roots.contains("web_sys"),
            "{roots:?}"
        );
    }
}
