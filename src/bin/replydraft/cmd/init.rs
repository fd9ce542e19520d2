//! `init`: a starter library for an office, written into a directory.

use crate::Failure;
use crate::args::InitArgs;
use crate::output::{count, parent_dir};
use replydraft::{Error, Library};
use std::process::ExitCode;

pub fn run(a: InitArgs) -> Result<ExitCode, Failure> {
    let InitArgs { dir, name, office_title, office, force } = a;
    let id = replydraft::text::slug(&name);
    if id.is_empty() {
        return Err(Failure::Usage(format!("--name {name:?}: give a name with letters in it")));
    }
    let mut sender = Library::embedded()?
        .senders()
        .first()
        .cloned()
        .ok_or_else(|| Failure::Usage("the default library has no sender to start from".into()))?;
    sender.id = id;
    sender.signature = vec![name.clone(), office_title.clone()];
    (sender.name, sender.office_title, sender.office) = (name, office_title, office);
    sender.letterhead = Vec::new();
    sender.address = vec!["House of Commons".into(), "London SW1A 0AA".into()];
    sender.signoff = "Yours sincerely,".into();
    sender.date_style = replydraft::DateStyle::default();
    let files = replydraft::starter_files(&sender)?;
    // The written library must load: an unknown --office is named here, not later.
    let first_topic = Library::from_files(files.clone())?.latest_topics().next().map(|t| t.id.clone());
    if !force {
        if let Some((n, _)) = files.iter().find(|(n, _)| dir.join(n).exists()) {
            return Err(Error::Exists { path: dir.join(n).display().to_string() }.into());
        }
    }
    for (n, text) in &files {
        let path = dir.join(n);
        std::fs::create_dir_all(parent_dir(&path))
            .map_err(|e| Error::Io { path: path.display().to_string(), source: e })?;
        replydraft::cli::write_atomic(&path, text.as_bytes(), force)?;
    }
    eprintln!(
        "replydraft: wrote {} to {}; try: replydraft draft --library {} --topic {}",
        count(files.len(), "file"),
        dir.display(),
        dir.display(),
        first_topic.as_deref().unwrap_or("TOPIC")
    );
    Ok(ExitCode::SUCCESS)
}
