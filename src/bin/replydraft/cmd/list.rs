//! `topics` and `blocks`: what the library holds, one a line.

use crate::Failure;
use crate::args::{BlocksArgs, TopicsArgs};
use crate::output::stdout_error;
use replydraft::{Desk, DraftRequest, Error, today};
use std::io::Write;
use std::process::ExitCode;

/// `topics`: one line per topic id, its latest edition.
pub fn topics(a: TopicsArgs) -> Result<ExitCode, Failure> {
    let library = a.library.load()?;
    let mut out = std::io::stdout().lock();
    for t in library.latest_topics() {
        writeln!(out, "{}\t{}", t.id, t.title).map_err(stdout_error)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `blocks`: every block, or a topic's in letter order (its optional blocks too).
pub fn blocks(a: BlocksArgs) -> Result<ExitCode, Failure> {
    let desk = Desk::new(a.library.load()?);
    let library = desk.library();
    let ids: Vec<String> = match &a.topic {
        Some(t) => {
            let mut r = DraftRequest::new(t.clone(), today());
            let topic = library.topic_at(t, r.date).ok_or_else(|| Error::Unknown {
                what: "topic",
                name: t.clone(),
                suggestion: None,
            })?;
            r.include = topic.optional.clone();
            desk.resolve_blocks(&r)?
        }
        None => library.blocks().iter().map(|b| b.id.clone()).collect(),
    };
    let mut out = std::io::stdout().lock();
    let name = |v: serde_json::Result<serde_json::Value>| v.ok().and_then(|v| v.as_str().map(String::from));
    for id in ids {
        if let Some(b) = library.block(&id) {
            let role = name(serde_json::to_value(b.role)).unwrap_or_default();
            let status = name(serde_json::to_value(b.status)).unwrap_or_default();
            writeln!(out, "{}\t{role}\t{status}\t{}\t{}", b.id, b.as_of, b.title).map_err(stdout_error)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
