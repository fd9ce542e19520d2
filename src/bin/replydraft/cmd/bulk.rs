//! `bulk`: one letter per row of a CSV of recipients. The library runs it
//! ([`BulkRun`]: the approval and stale gates, the writing, the log); this module
//! reads the flags, shows progress and prints what happened.

use crate::args::BulkArgs;
use crate::diagnostics::print_bare_findings;
use crate::output::{count, progress, removed};
use crate::{CLEANUP, Failure, hint};
use replydraft::{BulkEvent, BulkRun, Desk, Error, stale_gate};
use std::process::ExitCode;

pub fn run(a: BulkArgs) -> Result<ExitCode, Failure> {
    let desk = Desk::new(a.letter.library.load()?);
    let request = a.letter.request()?;
    let options = a.options(&request)?;
    let mut run = BulkRun::new(&desk, &request, options)?;
    let source = a.recipients.display().to_string();
    let input: Box<dyn std::io::Read> = if source == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(&a.recipients).map_err(|e| Error::Io { path: source.clone(), source: e })?)
    };
    let output = a.output()?;
    let bar = progress("letters");
    // Standard error is locked per message, never across the run: the signal handler
    // writes to it too.
    let mut events = |event: BulkEvent<'_>| match event {
        BulkEvent::Removed(path) => removed(path),
        BulkEvent::Skipped(e) => bar.suspend(|| eprintln!("replydraft: {e}{}; row skipped", hint(e))),
        BulkEvent::AlreadySent { file, line, row, who, topic, when } => bar.suspend(|| {
            eprintln!(
                "replydraft: {file}:{line}: row {row}: skipped: {who} was sent a letter on {topic} on {when}{}",
                if a.skip_sent { " (--skip-sent)" } else { " (pass --resend to send again)" }
            )
        }),
        BulkEvent::Written(n) => bar.set_position(n as u64),
        _ => {}
    };
    let done = run.run(input, &source, output, &CLEANUP, &mut events);
    bar.finish_and_clear();
    let summary = match done {
        Err(Error::Stale { .. }) => {
            print_bare_findings(run.findings());
            eprintln!(
                "replydraft: the letter has out-of-date claims; no letters written (pass --allow-stale to send them anyway)"
            );
            return Ok(ExitCode::from(1));
        }
        // Nothing is kept: the library removed the staging directory or temporary file.
        Err(e @ (Error::Csv { row: Some(_), .. } | Error::Row { .. })) if a.strict => {
            return Err(Failure::Hinted(e, " (--strict: no output kept)"));
        }
        done => done?,
    };
    print_bare_findings(&summary.findings);
    let resumed = if summary.resumed > 0 {
        format!(" ({} already there from an earlier run)", summary.resumed)
    } else {
        String::new()
    };
    let skipped = if summary.skipped > 0 || a.skip_sent {
        format!(", {} already sent", count(summary.skipped, "recipient"))
    } else {
        String::new()
    };
    eprintln!(
        "replydraft: {} written{resumed}, {} skipped{skipped}",
        count(summary.written, "letter"),
        count(summary.bad, "bad row")
    );
    // No row is lost silently: skipped rows fail the run unless the office says so.
    if summary.bad > 0 && (summary.written == 0 || !a.allow_bad_rows) {
        if summary.written > 0 {
            eprintln!(
                "replydraft: {} not written (see above); pass --allow-bad-rows to accept that",
                count(summary.bad, "recipient")
            );
        }
        return Ok(ExitCode::from(2));
    }
    if a.letter.deny_stale && stale_gate(&summary.findings).is_err() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
