//! The crate's modules import one way: each module names (`crate::NAME`) only modules
//! listed before it in [`LAYERS`], so data flows from the library through recognition
//! and judgement to findings and output, with no circle. The order is the one the
//! crate's documentation gives ("How the modules stand"). `timex` is the time crate,
//! `crates/replydraft-time`, re-exported by the crate root: it imports nothing of this
//! crate, and the modules above the foundations reach it as `crate::timex`, so that
//! its place in the order holds.

use std::collections::BTreeSet;

/// The library's modules, lowest first.
const LAYERS: &[&str] = &[
    "error", "text", "date", "files", "facts", "policy", "finding", "template", "library", "timex", "voice", "clauses",
    "claims", "judge", "rules", "scan", "matching", "suggest", "cluster", "check", "render", "reply", "review",
    "approval", "log", "docx", "email", "bulk", "desk", "deliver", "golden", "ingest", "starter",
];

/// The crate root and the binary stand above every module.
const ROOTS: &[&str] = &["lib", "main"];

/// The command-line tool's files, a module per file.
const BINARY: &str = "src/bin/replydraft";

/// The modules that may name the time crate directly, for its general helpers (a
/// place in a file, date arithmetic, char boundaries), which they re-export.
const FOUNDATIONS: &[&str] = &["error", "text", "date", "files"];

/// The time crate's directory.
const TIME_CRATE: &str = "crates/replydraft-time";

/// The modules `source` names as `crate::NAME` (in code or in documentation links).
fn names(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in source.match_indices("crate::") {
        let rest = &source[i + "crate::".len()..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        // `crate::{a, b}` is not used in this crate; a bare `crate::` names nothing.
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// The directories of `src/` whose files are submodules of one module (`src/rules/*.rs`
/// of `rules`): read with it, as one text, so that they keep its place in the order.
const MODULE_DIRS: &[&str] = &["rules"];

/// The crate's modules by name, each with its source (a module's submodules in
/// [`MODULE_DIRS`] appended to it).
fn modules() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rust_files = |dir: &std::path::Path| -> Vec<std::path::PathBuf> {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        files.sort();
        files
    };
    let mut out: Vec<(String, String)> = rust_files(&dir)
        .into_iter()
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    for (module, source) in &mut out {
        if MODULE_DIRS.contains(&module.as_str()) {
            for file in rust_files(&dir.join(module.as_str())) {
                source.push_str(&std::fs::read_to_string(&file).unwrap());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_module_is_read_with_its_submodules() {
    // The rules' modules are read as `rules`: an upward import in any of them is seen.
    let rules = modules().into_iter().find(|(m, _)| m == "rules").map(|(_, s)| s).unwrap();
    assert!(rules.contains("struct Officeholders") && rules.contains("struct Commitments"), "src/rules/*.rs not read");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let code = path.is_dir()
            && std::fs::read_dir(&path).unwrap().any(|f| f.unwrap().path().extension().is_some_and(|x| x == "rs"));
        assert!(
            !code || MODULE_DIRS.contains(&name.as_str()) || name == "bin",
            "src/{name}/ holds Rust files the layering check does not read"
        );
    }
}

#[test]
fn every_module_has_a_place_in_the_order() {
    for (module, _) in modules() {
        assert!(
            LAYERS.contains(&module.as_str()) || ROOTS.contains(&module.as_str()),
            "src/{module}.rs is not in LAYERS: give it its place in the flow"
        );
    }
}

#[test]
fn no_module_imports_one_above_it() {
    let mut broken = Vec::new();
    for (module, source) in modules() {
        let Some(level) = LAYERS.iter().position(|m| *m == module) else { continue };
        for name in names(&source) {
            match LAYERS.iter().position(|m| *m == name) {
                Some(other) if other >= level && name != module => broken.push(format!("{module} → {name}")),
                _ => {}
            }
        }
    }
    assert!(broken.is_empty(), "modules importing one at or above their own layer: {broken:?}");
}

/// The binary's files (`src/bin/replydraft/**/*.rs`), by path, with their text.
fn binary_files() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINARY), &mut out);
    out.sort();
    out
}

#[test]
fn the_binary_reaches_the_library_only_through_its_public_api() {
    // The command line is a client of the crate like any other: it names the library as
    // `replydraft::…` (the compiler then allows only what is public), never compiles a
    // library file into itself, and its own `crate::` is only its own modules.
    let files = binary_files();
    assert!(files.iter().any(|(p, _)| p.ends_with("main.rs")), "no {BINARY}/main.rs");
    for (path, source) in &files {
        assert!(!source.contains("#[path") && !source.contains("include!("), "{path} compiles in a file by path");
        let internal: Vec<String> = names(source).into_iter().filter(|n| LAYERS.contains(&n.as_str())).collect();
        assert!(internal.is_empty(), "{path} names library modules as its own: {internal:?}");
    }
}

#[test]
fn the_binary_is_a_dispatcher_and_a_module_per_subcommand() {
    let files = binary_files();
    let main = files.iter().find(|(p, _)| p.ends_with("/main.rs")).map(|(_, s)| s.lines().count()).unwrap();
    assert!(main <= 150, "{BINARY}/main.rs has {main} lines: it parses, dispatches and maps errors");
    for (path, source) in &files {
        let lines = source.lines().count();
        assert!(lines <= 600, "{path} has {lines} lines: split it");
    }
    // The bulk runner is the library's, so that embedders get its guarantees.
    for (path, source) in &files {
        assert!(!source.contains("fn write_letter") && !source.contains("struct Recorder"), "{path} runs bulk itself");
    }
}

/// Whether `source` implements anything on `Library` (`impl Library`, `impl<'a> Library`,
/// `impl Trait for Library`).
fn impls_library(source: &str) -> bool {
    let is_library = |rest: &str| {
        rest.strip_prefix("Library").is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    };
    source.match_indices("impl").any(|(i, _)| {
        let mut rest = &source[i + "impl".len()..];
        if rest.starts_with('<') {
            rest = rest.split_once('>').map_or("", |(_, r)| r);
        }
        let head = rest.split('{').next().unwrap_or("");
        is_library(rest.trim_start()) || head.split(" for ").nth(1).is_some_and(|t| is_library(t.trim_start()))
    })
}

/// The library is data: its methods are all in `src/library.rs`, and nothing is kept
/// in it type-erased. What is done with a library, and the indexes built for it, are
/// the `Desk`'s (`src/desk.rs`).
#[test]
fn the_library_is_data() {
    for (module, source) in modules() {
        assert!(
            module == "library" || !impls_library(&source),
            "src/{module}.rs implements on Library: an operation goes on the Desk (src/desk.rs), its work in a module below"
        );
        assert!(
            !source.contains("dyn std::any::Any") && !source.contains("dyn Any"),
            "src/{module}.rs: a type-erased value"
        );
    }
}

#[test]
fn the_library_check_would_see_an_impl() {
    assert!(impls_library("impl Library {\n}"));
    assert!(impls_library("impl<'a> Library {}"));
    assert!(impls_library("impl std::fmt::Display for Library {}"));
    assert!(!impls_library("impl LibraryArg {}\nimpl Desk { fn library(&self) -> &Library { x } }"));
}

#[test]
fn the_check_would_see_an_upward_import() {
    // The reader the tests rely on finds names in paths, braces and documentation.
    let found = names(
        "use crate::render::Format;\n/// See [`crate::matching::BlockIndex`].\nlet x = crate::timex::find(t, d);",
    );
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["matching", "render", "timex"]);
}

#[test]
fn the_time_crate_imports_nothing_of_replydraft() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TIME_CRATE);
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let depends: Vec<&str> =
        manifest.lines().filter(|l| l.trim_start().starts_with("replydraft") && l.contains('=')).collect();
    assert!(depends.is_empty(), "{TIME_CRATE}/Cargo.toml depends on {depends:?}");
    let mut sources = 0;
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            assert!(!source.contains("replydraft::"), "{} names replydraft", path.display());
            sources += 1;
        }
    }
    assert!(sources >= 2, "the time crate's sources are not where the test reads them");
}

#[test]
fn modules_reach_the_time_crate_through_its_place() {
    for (module, source) in modules() {
        if source.contains("replydraft_time") {
            assert!(
                ROOTS.contains(&module.as_str()) || FOUNDATIONS.contains(&module.as_str()),
                "src/{module}.rs names `replydraft_time`: name it `crate::timex`, in its place in LAYERS"
            );
        }
    }
}
