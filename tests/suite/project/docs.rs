//! The book (`docs/src`) and the READMEs (the repository's, the time crate's) link only
//! to files and headings that exist, every page is in the book's table of contents,
//! and the README stays a front page.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut out = vec![root().join("README.md"), root().join("crates/replydraft-time/README.md")];
    walk(&root().join("docs/src"), &mut out);
    out.sort();
    out
}

/// The anchors mdBook and GitHub give a page's headings: lower case, spaces to
/// hyphens, punctuation other than hyphens and underscores dropped.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut fence = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fence = !fence;
        }
        if fence || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let anchor: String = title
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        out.insert(anchor);
    }
    out
}

/// Every Markdown link target `](target)` outside code.
fn links(text: &str) -> Vec<String> {
    let mut fence = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fence = !fence;
        }
        if fence {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn every_link_in_the_book_and_readme_resolves() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() { page.clone() } else { page.parent().unwrap().join(file) };
            if !target.exists() {
                broken.push(format!("{}: {link} (no such file)", page.display()));
                continue;
            }
            if !anchor.is_empty() {
                let text = std::fs::read_to_string(&target).unwrap();
                if !anchors(&text).contains(anchor) {
                    broken.push(format!("{}: {link} (no such heading)", page.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_page_of_the_book_is_in_its_table_of_contents() {
    let src = root().join("docs/src");
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    let listed: BTreeSet<PathBuf> = links(&summary).iter().map(|l| src.join(l)).collect();
    for page in pages() {
        if page.starts_with(&src) && page.file_name().unwrap() != "SUMMARY.md" {
            assert!(listed.contains(&page), "{} is not in docs/src/SUMMARY.md", page.display());
        }
    }
}

#[test]
fn every_finding_kind_has_its_page() {
    let finding = std::fs::read_to_string(root().join("src/finding.rs")).unwrap();
    // The kinds as `FindingKind::name` writes them: `Variant => "kebab-name",` (in
    // `impl FindingKind`, not the names of severities or categories).
    let start = finding.find("impl FindingKind {").unwrap();
    let end = start + finding[start..].find("\n}\n").unwrap();
    let kinds: Vec<&str> = finding[start..end]
        .lines()
        .filter_map(|l| l.trim().split_once(" => \"").map(|(_, r)| r))
        .filter_map(|r| r.strip_suffix("\","))
        .filter(|k| !matches!(*k, "info" | "warning" | "error"))
        .collect();
    assert!(kinds.len() > 20, "kinds read from src/finding.rs: {kinds:?}");
    for kind in kinds {
        let page = root().join(format!("docs/src/findings/{kind}.md"));
        assert!(page.exists(), "finding kind `{kind}` has no page (docs/src/findings/{kind}.md)");
    }
}

#[test]
fn the_readme_is_a_front_page() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.len() <= 12 * 1024, "README.md is {} bytes; the rest belongs in docs/", readme.len());
}
