//! `facts`: the sources the facts base is built from, with the date each is known to.

use crate::Failure;
use crate::args::{FactsArgs, ReportFormat};
use crate::output::stdout_error;
use std::io::Write;
use std::process::ExitCode;

pub fn run(a: FactsArgs) -> Result<ExitCode, Failure> {
    let library = a.library.load()?;
    let sources = library.facts().sources();
    let mut out = std::io::stdout().lock();
    let known = |d: Option<replydraft::Date>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    match a.format {
        ReportFormat::Json => {
            let list: Vec<serde_json::Value> = sources
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "file": s.file, "what": s.what, "rows": s.rows,
                        "known_to": s.known_to.map(|d| d.to_string()),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "known_to": library.facts().known_to().map(|d| d.to_string()),
                "sources": list,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default()).map_err(stdout_error)?;
        }
        ReportFormat::Text => {
            let width = sources.iter().map(|s| s.file.len()).max().unwrap_or(4).max(4);
            writeln!(out, "{:width$}  {:>6}  {:10}  what", "file", "rows", "known to").map_err(stdout_error)?;
            for s in sources {
                writeln!(out, "{:width$}  {:>6}  {:10}  {}", s.file, s.rows, known(s.known_to), s.what)
                    .map_err(stdout_error)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
