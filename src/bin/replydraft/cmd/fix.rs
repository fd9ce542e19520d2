//! `fix`: a letter written out with every certain change applied, saying what changed.

use crate::Failure;
use crate::args::FixArgs;
use crate::diagnostics::Lines;
use crate::input::{letter_text, read_bytes};
use crate::options::{date, date_or_today};
use crate::output::{count, stdout_error};
use replydraft::{CheckOptions, Desk};
use std::io::Write;
use std::process::ExitCode;

pub fn run(a: FixArgs) -> Result<ExitCode, Failure> {
    let desk = Desk::new(a.library.load()?);
    let mut options = CheckOptions::new(date_or_today(&a.date)?);
    options.written = date(&a.written)?;
    let (name, bytes) = read_bytes(&a.file)?;
    let text = letter_text(&name, &bytes)?;
    let report = desk.check(&name, &text, &options);
    if report.written.is_none() {
        return Err(Failure::Usage(format!(
            "{name}: when the letter was written is unknown: pass --written YYYY-MM-DD"
        )));
    }
    let (fixed, applied) = report.fixed(&text);
    // An email is written back whole: only its body's text changes.
    let fixed = replydraft::rewrite_letter(&name, &bytes, &fixed)?;
    let mut err = std::io::stderr().lock();
    let mut lines = Lines::new(&text);
    for f in &applied {
        let replacement = f.replacement.as_deref().unwrap_or_default();
        let _ = writeln!(err, "{name}:{}: \"{}\" -> \"{replacement}\"", lines.at(f.start), f.text);
    }
    let _ = writeln!(err, "{}", count(applied.len(), "change"));
    match &a.out {
        Some(path) => replydraft::cli::write_atomic(path, &fixed, a.force)?,
        None => std::io::stdout().lock().write_all(&fixed).map_err(stdout_error)?,
    }
    Ok(ExitCode::SUCCESS)
}
