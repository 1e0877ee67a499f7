//! The structure stays one-way: every module under `src/` is a node, every
//! `crate::…`, `super::…` path in its code an arrow to the module that path
//! names, and no arrows may form a circle. A circle means two modules each
//! hold half of one thing; the fix is to move that thing to a third module.
//!
//! Test modules (`#[cfg(test)]` and below, and `*_tests.rs` files) are left
//! out: tests may reach anywhere. A file's `mod` declarations are not arrows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`crate::domain::registration`) → source without comments.
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        // The binary is not a module of the crate; `*_tests.rs` files are
        // test modules kept beside what they test.
        .filter(|file| !file.ends_with("main.rs") && !file.to_string_lossy().ends_with("_tests.rs"))
        .map(|file| {
            let relative = file.strip_prefix(&root).unwrap().with_extension("");
            let mut segments: Vec<String> = relative.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
                segments.pop();
            }
            let name = std::iter::once("crate".to_string()).chain(segments).collect::<Vec<_>>().join("::");
            let text = std::fs::read_to_string(&file).unwrap();
            (name, code_only(&text))
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The code before its test module, without comments and string literals
/// (a message that mentions `crate::x` is not an import).
fn code_only(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if text[i..].starts_with("//") {
            i += text[i..].find('\n').unwrap_or(text.len() - i);
        } else if text[i..].starts_with("/*") {
            i += text[i..].find("*/").map_or(text.len() - i, |end| end + 2);
        } else if bytes[i] == b'"' && (i == 0 || bytes[i - 1] != b'\'') {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Every full path a piece of code names from `crate` or `super`, with
/// `use a::{b, c::{d}}` groups expanded; `super` paths are made absolute.
fn paths_named(module: &str, code: &str, is_dir_module: bool) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        let base: Option<(Vec<String>, usize)> = if at_word_start && rest.starts_with("crate::") {
            Some((vec!["crate".into()], 7))
        } else if at_word_start && rest.starts_with("super::") {
            let mut here: Vec<String> = module.split("::").map(String::from).collect();
            // `super` in `a/mod.rs` is `a`'s parent; in `a/b.rs` it is `a`.
            if is_dir_module {
                here.pop();
            }
            here.pop();
            let mut consumed = 7;
            while chars[i + consumed..].iter().take(7).collect::<String>() == "super::" {
                here.pop();
                consumed += 7;
            }
            Some((here, consumed))
        } else if at_word_start && rest.starts_with("use ") && is_dir_module {
            // `use child::item;` in a folder's mod.rs names a child module.
            let after: String = chars[i + 4..].iter().collect();
            let first: String = after.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let skipped = after.len() - after.trim_start().len();
            match first.as_str() {
                "" | "crate" | "super" | "self" | "std" | "core" | "alloc" => None,
                _ => Some((module.split("::").map(String::from).collect(), 4 + skipped)),
            }
        } else {
            None
        };
        match base {
            Some((prefix, consumed)) => {
                let (end, mut paths) = parse_tree(&chars, i + consumed, prefix);
                found.append(&mut paths);
                i = end.max(i + 1);
            }
            None => i += 1,
        }
    }
    found
}

/// Reads `seg::seg::{tree, tree}` from `at`, returning where it stopped and
/// the full paths it named.
fn parse_tree(chars: &[char], mut at: usize, mut prefix: Vec<String>) -> (usize, Vec<Vec<String>>) {
    loop {
        while at < chars.len() && chars[at].is_whitespace() {
            at += 1;
        }
        if at < chars.len() && chars[at] == '{' {
            at += 1;
            let mut paths = Vec::new();
            loop {
                while at < chars.len() && (chars[at].is_whitespace() || chars[at] == ',') {
                    at += 1;
                }
                if at >= chars.len() || chars[at] == '}' {
                    return (at + 1, paths);
                }
                let (end, mut inner) = parse_tree(chars, at, prefix.clone());
                paths.append(&mut inner);
                at = end;
                // skip `as alias`
                while at < chars.len() && !matches!(chars[at], ',' | '}') {
                    at += 1;
                }
            }
        }
        let start = at;
        while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
            at += 1;
        }
        if start == at {
            return (at, vec![prefix]);
        }
        let segment: String = chars[start..at].iter().collect();
        if segment != "self" {
            prefix.push(segment);
        }
        if chars[at..].iter().take(2).collect::<String>() == "::" {
            at += 2;
        } else {
            return (at, vec![prefix]);
        }
    }
}

/// The arrows between modules: for each module, the modules its code names.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = modules();
    let names: BTreeSet<String> = sources.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, code) in &sources {
        let relative: Vec<&str> = module.split("::").skip(1).collect();
        let is_dir_module = module == "crate" || root.join(relative.join("/")).is_dir();
        let mut targets = BTreeSet::new();
        for path in paths_named(module, code, is_dir_module) {
            // The longest prefix of the path that is a module file.
            let target = (1..=path.len()).rev().map(|n| path[..n].join("::")).find(|p| names.contains(p));
            if let Some(target) = target {
                if &target != module {
                    targets.insert(target);
                }
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

/// Tarjan's strongly connected components with more than one module.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        state.index.insert(node, state.next);
        state.low.insert(node, state.next);
        state.next += 1;
        state.stack.push(node);
        state.on_stack.insert(node);
        for target in &state.graph[node] {
            let target = target.as_str();
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low[node].min(state.low[target]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.low[node].min(state.index[target]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            loop {
                let member = state.stack.pop().unwrap();
                state.on_stack.remove(member);
                component.push(member.to_string());
                if member == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state =
        State { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on_stack: BTreeSet::new(), next: 0, found: Vec::new() };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

#[test]
fn no_two_modules_import_each_other_even_through_others() {
    let graph = import_graph();
    assert!(graph.len() > 50, "the source tree was not found: {} modules", graph.len());
    let circles = circles(&graph);
    let described: Vec<String> = circles
        .iter()
        .map(|members| {
            let arrows: Vec<String> = members
                .iter()
                .flat_map(|from| graph[from].iter().filter(|to| members.contains(to)).map(move |to| format!("  {from} → {to}")))
                .collect();
            format!("{}:\n{}", members.join(", "), arrows.join("\n"))
        })
        .collect();
    assert!(circles.is_empty(), "import circles:\n{}", described.join("\n\n"));
}

#[test]
fn the_circle_check_sees_a_circle_and_a_super_path() {
    let code_a = "use crate::b::{thing, other::{x as y}};\nfn f() { super::c::g(); }";
    let paths = paths_named("crate::a", &code_only(code_a), false);
    assert!(paths.contains(&vec!["crate".into(), "b".into(), "thing".into()]));
    assert!(paths.contains(&vec!["crate".into(), "b".into(), "other".into(), "x".into()]));
    assert!(paths.contains(&vec!["crate".into(), "c".into(), "g".into()]));
    let relative = paths_named("crate::a", &code_only("pub use child::thing;\nuse std::fmt;"), true);
    assert!(relative.contains(&vec!["crate".into(), "a".into(), "child".into(), "thing".into()]), "{relative:?}");
    let relative = paths_named("crate::a", &code_only("pub use child::thing;\nuse std::fmt;"), true);
    assert!(relative.contains(&vec!["crate".into(), "a".into(), "child".into(), "thing".into()]), "{relative:?}");
    let commented = "// use crate::b;\nlet s = \"crate::b\";";
    assert!(paths_named("crate::a", &code_only(commented), false).is_empty());

    let graph: BTreeMap<String, BTreeSet<String>> = [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec!["a"])]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
    assert_eq!(circles(&graph), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
}
