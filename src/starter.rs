//! A starter library for an office (`replydraft init`): the current editions of the
//! default topics, the blocks they use, the facts base and the layouts, signed by the
//! office's own sender.

use crate::error::{Error, Result};
use crate::library::{EMBEDDED, Library, Sender};
use std::collections::HashSet;

/// What goes beside the files: how to edit them.
const README: &str = include_str!("starter_readme.md");

/// The files of a starter library, as `(relative path, contents)`, for `sender`: every
/// topic's latest edition with `sender` as its default signer, exactly the blocks those
/// editions use (with their comments and layout as written; without `refreshes`, as the
/// older blocks stay behind), the facts base, the
/// layouts, `senders.toml` holding `sender` alone, and a `README.md` on editing them.
/// The files load with [`Library::from_files`] (or `--library DIR` once written).
///
/// ```
/// let mut sender = replydraft::Library::embedded().unwrap().sender("lee-barron").unwrap().clone();
/// sender.id = "jo-bloggs".into();
/// sender.name = "Jo Bloggs".into();
/// sender.office = None;
/// let files = replydraft::starter_files(&sender).unwrap();
/// let library = replydraft::Library::from_files(files).unwrap();
/// let topic = library.topic("care-funding").unwrap();
/// assert_eq!(topic.sender.as_deref(), Some("jo-bloggs"));
/// assert!(library.block("funding-2026").is_some() && library.block("funding-concerns").is_none());
/// ```
pub fn starter_files(sender: &Sender) -> Result<Vec<(String, String)>> {
    let library = Library::embedded()?;
    let latest: Vec<&crate::Topic> = library.latest_topics().collect();
    let used = library.with_all_includes(&latest);
    let current: HashSet<(&str, Option<String>)> =
        latest.iter().map(|t| (t.id.as_str(), t.from.map(|d| d.to_string()))).collect();
    let mut files = Vec::new();
    for (name, text) in EMBEDDED {
        if !name.ends_with(".toml") {
            files.push((name.to_string(), text.to_string()));
            continue;
        }
        let mut doc: toml_edit::DocumentMut =
            text.parse().map_err(|e| Error::Encode { what: format!("embedded {name}"), problem: format!("{e}") })?;
        let id = |t: &toml_edit::Table| t.get("id").and_then(|v| v.as_str()).unwrap_or("").to_string();
        doc.remove("sender");
        if let Some(blocks) = doc.get_mut("block").and_then(|b| b.as_array_of_tables_mut()) {
            blocks.retain(|t| used.contains(id(t).as_str()));
            // The blocks they refresh are history the starter does not carry.
            for t in blocks.iter_mut() {
                t.remove("refreshes");
            }
        }
        if let Some(topics) = doc.get_mut("topic").and_then(|b| b.as_array_of_tables_mut()) {
            topics.retain(|t| {
                let from = t.get("from").and_then(|v| v.as_datetime()).map(|d| d.to_string());
                current.contains(&(id(t).as_str(), from))
            });
            for t in topics.iter_mut() {
                t.insert("sender", toml_edit::value(sender.id.as_str()));
            }
        }
        doc.retain(|_, item| item.as_array_of_tables().is_none_or(|a| !a.is_empty()));
        if !doc.is_empty() {
            files.push((name.to_string(), doc.to_string()));
        }
    }
    #[derive(serde::Serialize)]
    struct Senders<'a> {
        sender: [&'a Sender; 1],
    }
    let senders = toml::to_string(&Senders { sender: [sender] })
        .map_err(|e| Error::Encode { what: "the sender".into(), problem: e.to_string() })?;
    files.push((
        "senders.toml".into(),
        format!("# Who signs. `office` names an office in facts.toml (then a letter signed out of office is flagged).\n\n{senders}"),
    ));
    files.push(("README.md".into(), README.to_string()));
    files.sort();
    Ok(files)
}
