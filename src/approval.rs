//! The approval gate's edits: `replydraft approve` and `retire` change one block's
//! record in the library file that defines it, in place, keeping every comment,
//! blank line and the order of everything else (`toml_edit`).
//!
//! An approval records who, when, and the hash of the text approved
//! ([`crate::text_hash`]); a text edited afterwards is no longer approved
//! ([`crate::Approval::Changed`]) until it is approved again.

use crate::error::{Error, Result};
use crate::library::{Approval, Block, Library};
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use toml_edit::{Document, Item, Table, Value};

/// What to record on a block.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Approved by someone on a date: status `approved`, `approved_by`, `approved_on`
    /// and `approved_hash` set.
    Approve {
        /// Who approves.
        by: String,
        /// When.
        on: Date,
    },
    /// No longer to be used: status `retired` (the approval record is kept as history).
    Retire,
}

/// `source` (the library file `file`) with `decision` recorded on the `[[block]]`
/// whose id is `id`, `hash` being the block's approval hash as the library loads it
/// ([`crate::Block::approval_hash`]). Only the values recorded change: a value already
/// there is replaced where it stands (a comment after it stays), a new one is added
/// after the block's last line, in the file's line endings; every other byte (a
/// byte-order mark, CRLF line endings, comments, blank lines, order) stays as written.
///
/// ```
/// use replydraft::{Decision, parse_date, record_decision};
/// let file = "# Our lines\r\n[[block]]\r\nid = \"thanks\"  # the opening\r\ntitle = \"Thanks\"\r\nrole = \"opening\"\r\ntext = \"Thank you.\"\r\nas_of = 2026-01-05\r\nstatus = \"draft\"  # until Jo reads it\r\n";
/// let on = parse_date("2026-12-06")?;
/// let out = record_decision("lines.toml", file, "thanks", "v2:sha256:ab", &Decision::Approve { by: "Jo Bloggs".into(), on })?;
/// assert!(out.starts_with("# Our lines\r\n[[block]]\r\nid = \"thanks\"  # the opening\r\n"));
/// assert!(out.contains("status = \"approved\"  # until Jo reads it\r\napproved_by = \"Jo Bloggs\"\r\n"));
/// assert!(out.contains("approved_on = 2026-12-06\r\napproved_hash = \"v2:sha256:ab\"\r\n"));
/// # Ok::<(), replydraft::Error>(())
/// ```
pub fn record_decision(file: &str, source: &str, id: &str, hash: &str, decision: &Decision) -> Result<String> {
    let invalid = |problem: String| Error::Edit { file: file.to_string(), problem };
    let record = match decision {
        Decision::Approve { by, on } => {
            let date: toml_edit::Datetime =
                on.to_string().parse().map_err(|e| invalid(format!("the date {on} cannot be written: {e}")))?;
            vec![
                ("status", Value::from("approved")),
                ("approved_by", Value::from(by.as_str())),
                ("approved_on", Value::from(date)),
                ("approved_hash", Value::from(hash)),
            ]
        }
        Decision::Retire => vec![("status", Value::from("retired"))],
    };
    // Spans are byte offsets in `source` (a byte-order mark included).
    let doc = Document::parse(source).map_err(|e| invalid(format!("not TOML: {e}")))?;
    let table = block_table(&doc, id).map_err(invalid)?;
    let last = values_end(table).ok_or_else(|| invalid(format!("block `{id}` has no values to edit")))?;
    // New values go on lines of their own after the block's last value, indented and
    // ended as that line is.
    let line_start = source[..last].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = source[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let (at, eol, before) = match source[last..].find('\n').map(|i| last + i) {
        Some(nl) if source[..nl].ends_with('\r') => (nl + 1, "\r\n", ""),
        Some(nl) => (nl + 1, "\n", ""),
        // The last line has no line ending: one goes before the new lines.
        None => {
            let eol = if source.contains("\r\n") { "\r\n" } else { "\n" };
            (source.len(), eol, eol)
        }
    };
    let (mut edits, mut added) = (Vec::new(), String::new());
    for (key, value) in &record {
        match table.get(key) {
            Some(item) => {
                let span = item
                    .as_value()
                    .and_then(|v| v.span())
                    .ok_or_else(|| invalid(format!("block `{id}`: `{key}` is not a plain value")))?;
                edits.push((span, value.to_string()));
            }
            None => added.push_str(&format!("{indent}{key} = {value}{eol}")),
        }
    }
    if !added.is_empty() {
        edits.push((at..at, format!("{before}{added}")));
    }
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(source.len() + 256);
    let mut from = 0;
    for (span, text) in &edits {
        out.push_str(&source[from..span.start]);
        out.push_str(text);
        from = span.end;
    }
    out.push_str(&source[from..]);
    // The edited file must read back with the block holding what was recorded.
    let check = Document::parse(out.as_str()).map_err(|e| invalid(format!("the edit would not be TOML: {e}")))?;
    let edited = block_table(&check, id).map_err(invalid)?;
    let recorded = |key: &str, value: &Value| {
        edited.get(key).and_then(|i| i.as_value()).is_some_and(|v| {
            let mut v = v.clone();
            v.decor_mut().clear();
            v.to_string() == value.to_string()
        })
    };
    if !record.iter().all(|(key, value)| recorded(key, value)) {
        return Err(invalid(format!("block `{id}` did not take the change")));
    }
    Ok(out)
}

/// The `[[block]]` table of `doc` whose id is `id`.
fn block_table<'d>(doc: &'d Document<&str>, id: &str) -> std::result::Result<&'d Table, String> {
    let blocks = doc
        .get("block")
        .and_then(|b| b.as_array_of_tables())
        .ok_or_else(|| "no [[block]] tables to edit".to_string())?;
    blocks
        .iter()
        .find(|t| t.get("id").and_then(|v| v.as_str()) == Some(id))
        .ok_or_else(|| format!("no [[block]] with id `{id}`"))
}

/// Where the last value written on `table`'s own lines ends (dotted keys included;
/// sub-tables are written under headers of their own, after it).
fn values_end(table: &Table) -> Option<usize> {
    table
        .iter()
        .filter_map(|(_, item)| match item {
            Item::Value(v) => v.span().map(|s| s.end),
            Item::Table(t) if t.is_dotted() => values_end(t),
            _ => None,
        })
        .max()
}

/// Records `decision` on block `id` of the library at `path` (a directory or a
/// TOML file), in the file that defines it, and checks the result: the library
/// still loads and the block's state is the one recorded. Returns the file changed.
///
/// The file is replaced atomically; nothing is written when any step fails.
///
/// ```
/// use replydraft::{Approval, Decision, Library, decide, parse_date};
/// let dir = std::env::temp_dir().join(format!("replydraft-doc-decide-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let file = dir.join("lines.toml");
/// std::fs::write(&file, "[[block]]\nid = \"thanks\"\ntitle = \"Thanks\"\nrole = \"opening\"\ntext = \"Thank you.\"\nas_of = 2026-01-05\nstatus = \"draft\"\n").unwrap();
/// let on = parse_date("2026-12-06")?;
/// decide(&file, "thanks", &Decision::Approve { by: "Jo Bloggs".into(), on })?;
/// let library = Library::load(&file)?;
/// assert_eq!(library.block("thanks").unwrap().approval(), Approval::Approved { by: "Jo Bloggs".into(), on });
/// decide(&file, "thanks", &Decision::Retire)?;
/// assert_eq!(Library::load(&file)?.block("thanks").unwrap().approval(), Approval::Retired);
/// # Ok::<(), replydraft::Error>(())
/// ```
pub fn decide(path: &Path, id: &str, decision: &Decision) -> Result<PathBuf> {
    let file = file_of(path, id)?;
    // Held until the file is replaced: a second `approve` or `retire` of this file
    // waits, then reads the file this one wrote, so that both edits land.
    let _lock = crate::files::lock(&file)?;
    let library = Library::load(path)?;
    let block = find_block(&library, id)?;
    if block_file(path, block) != file {
        let problem = format!("block `{id}` moved while waiting to edit it");
        return Err(Error::Edit { file: file.display().to_string(), problem });
    }
    let source = std::fs::read_to_string(&file).map_err(|e| Error::io(file.display(), e))?;
    let edited = record_decision(&block.at.file, &source, id, &block.approval_hash(), decision)?;
    // The edited library must load, and the block be in the state recorded.
    let mut files = Library::sources(path)?;
    let name = if path.is_dir() { block.at.file.clone() } else { path.display().to_string() };
    for (n, text) in &mut files {
        if *n == name {
            *text = edited.clone();
        }
    }
    let after = Library::from_files(files)?;
    let state = after.block(id).map(|b| b.approval());
    let fine = match decision {
        Decision::Approve { .. } => state.as_ref().is_some_and(|s| matches!(s, Approval::Approved { .. })),
        Decision::Retire => state == Some(Approval::Retired),
    };
    if !fine {
        let problem = format!("block `{id}` did not take the change (is it defined twice, or inline?)");
        return Err(Error::Edit { file: file.display().to_string(), problem });
    }
    // Replaced atomically, keeping its mode (a shared library stays readable to the office).
    crate::files::write_atomic(&file, edited.as_bytes(), true)?;
    Ok(file)
}

/// The file that defines `block` of the library at `path` (a directory or a file).
fn block_file(path: &Path, block: &Block) -> PathBuf {
    if path.is_dir() { path.join(&block.at.file) } else { path.to_path_buf() }
}

/// The file of the library at `path` that defines block `id`.
fn file_of(path: &Path, id: &str) -> Result<PathBuf> {
    Ok(block_file(path, find_block(&Library::load(path)?, id)?))
}

/// Block `id`, or an error naming the nearest id there is.
fn find_block<'l>(library: &'l Library, id: &str) -> Result<&'l Block> {
    library.block(id).ok_or_else(|| {
        let ids = library.blocks().iter().map(|b| b.id.as_str());
        Error::unknown("block", id, ids)
    })
}
