//! `suggest`: the library's topics ranked for an incoming message.

use crate::Failure;
use crate::args::{ReportFormat, SuggestArgs};
use crate::input::read_input;
use crate::output::stdout_error;
use replydraft::Desk;
use std::io::Write;
use std::process::ExitCode;

pub fn run(a: SuggestArgs) -> Result<ExitCode, Failure> {
    let desk = Desk::new(a.library.load()?);
    let (_, text) = read_input(&a.file)?;
    let found = desk.suggest(&text);
    let mut out = std::io::stdout().lock();
    match a.format {
        ReportFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&found).unwrap_or_default()).map_err(stdout_error)?
        }
        ReportFormat::Text => {
            for s in found.iter().take(3) {
                writeln!(out, "{}\t{:.3}\t{}\t{}", s.topic, s.score, s.title, s.matched.join(", "))
                    .map_err(stdout_error)?;
            }
        }
    }
    if found.is_empty() {
        eprintln!("replydraft: no topic matches this message");
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
