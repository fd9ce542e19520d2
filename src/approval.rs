//! The approval gate's edits: `replydraft approve` and `retire` change one block's
//! record in the library file that defines it, in place, keeping every comment,
//! blank line and the order of everything else (`toml_edit`).
//!
//! An approval records who, when, and the hash of the text approved
//! ([`crate::text_hash`]); a text edited afterwards is no longer approved
//! ([`crate::Approval::Changed`]) until it is approved again.

use crate::error::{Error, Result};
use crate::library::{Approval, Library, text_hash};
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, value};

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
/// whose id is `id`, `hash` being the hash of its text as the library loads it.
/// Everything else in the file stays as written.
///
/// ```
/// use replydraft::{Decision, parse_date, record_decision};
/// let file = "# Our lines\n[[block]]\nid = \"thanks\"  # the opening\ntitle = \"Thanks\"\nrole = \"opening\"\ntext = \"Thank you.\"\nas_of = 2026-01-05\nstatus = \"draft\"\n";
/// let on = parse_date("2026-12-06")?;
/// let out = record_decision("lines.toml", file, "thanks", "sha256:ab", &Decision::Approve { by: "Jo Bloggs".into(), on })?;
/// assert!(out.starts_with("# Our lines\n[[block]]\nid = \"thanks\"  # the opening\n"));
/// assert!(out.contains("status = \"approved\"") && out.contains("approved_by = \"Jo Bloggs\""));
/// assert!(out.contains("approved_on = 2026-12-06") && out.contains("approved_hash = \"sha256:ab\""));
/// # Ok::<(), replydraft::Error>(())
/// ```
pub fn record_decision(file: &str, source: &str, id: &str, hash: &str, decision: &Decision) -> Result<String> {
    let invalid = |message: String| Error::Request(format!("{file}: {message}"));
    let mut doc: DocumentMut = source.parse().map_err(|e| invalid(format!("not TOML: {e}")))?;
    let blocks = doc
        .get_mut("block")
        .and_then(|b| b.as_array_of_tables_mut())
        .ok_or_else(|| invalid("no [[block]] tables to edit".into()))?;
    let table = blocks
        .iter_mut()
        .find(|t| t.get("id").and_then(|v| v.as_str()) == Some(id))
        .ok_or_else(|| invalid(format!("no [[block]] with id `{id}`")))?;
    match decision {
        Decision::Approve { by, on } => {
            let date: toml_edit::Datetime =
                on.to_string().parse().map_err(|e| invalid(format!("the date {on} cannot be written: {e}")))?;
            table["status"] = value("approved");
            table["approved_by"] = value(by.as_str());
            table["approved_on"] = value(date);
            table["approved_hash"] = value(hash);
        }
        Decision::Retire => table["status"] = value("retired"),
    }
    Ok(doc.to_string())
}

impl Library {
    /// Records `decision` on block `id` of the library at `path` (a directory or a
    /// TOML file), in the file that defines it, and checks the result: the library
    /// still loads and the block's state is the one recorded. Returns the file changed.
    ///
    /// The file is replaced atomically; nothing is written when any step fails.
    ///
    /// ```
    /// use replydraft::{Approval, Decision, Library, parse_date};
    /// let dir = std::env::temp_dir().join(format!("replydraft-doc-decide-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let file = dir.join("lines.toml");
    /// std::fs::write(&file, "[[block]]\nid = \"thanks\"\ntitle = \"Thanks\"\nrole = \"opening\"\ntext = \"Thank you.\"\nas_of = 2026-01-05\nstatus = \"draft\"\n").unwrap();
    /// let on = parse_date("2026-12-06")?;
    /// Library::decide(&file, "thanks", &Decision::Approve { by: "Jo Bloggs".into(), on })?;
    /// let library = Library::load(&file)?;
    /// assert_eq!(library.block("thanks").unwrap().approval(), Approval::Approved { by: "Jo Bloggs".into(), on });
    /// Library::decide(&file, "thanks", &Decision::Retire)?;
    /// assert_eq!(Library::load(&file)?.block("thanks").unwrap().approval(), Approval::Retired);
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn decide(path: &Path, id: &str, decision: &Decision) -> Result<PathBuf> {
        let library = Library::load(path)?;
        let block = library.block(id).ok_or_else(|| {
            let ids = library.blocks().iter().map(|b| b.id.as_str());
            Error::Request(format!("unknown block `{id}`{}", crate::error::hint(id, ids)))
        })?;
        let file = if path.is_dir() { path.join(&block.at.file) } else { path.to_path_buf() };
        let source = std::fs::read_to_string(&file).map_err(|e| Error::io(file.display(), e))?;
        let edited = record_decision(&block.at.file, &source, id, &text_hash(&block.text), decision)?;
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
            return Err(Error::Request(format!(
                "{}: block `{id}` did not take the change (is it defined twice, or inline?)",
                file.display()
            )));
        }
        let mode = std::fs::metadata(&file).map_err(|e| Error::io(file.display(), e))?.permissions();
        crate::files::write_atomic(&file, edited.as_bytes(), true)?;
        // The file keeps its mode (a shared library stays readable to the office).
        std::fs::set_permissions(&file, mode).map_err(|e| Error::io(file.display(), e))?;
        Ok(file)
    }
}
