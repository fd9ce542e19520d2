//! `draft`: one letter on a topic, to standard output or a file, with its review page
//! and its findings.

use crate::Failure;
use crate::args::{DraftArgs, LetterFormat};
use crate::diagnostics::print_findings;
use crate::options::delivery;
use crate::output::facts_notice;
use replydraft::{Delivery, Desk, DraftRequest, stale_gate};
use std::process::ExitCode;

pub fn run(a: DraftArgs) -> Result<ExitCode, Failure> {
    let desk = Desk::new(a.letter.library.load()?);
    let request = a.request()?;
    let delivery = delivery(a.letter.format, &a.letter.from, &a.output, &a.letter.log)?;
    send(&desk, &request, &delivery, a.letter.deny_stale)
}

/// Delivers one letter (the library writes it, its review page and its log record,
/// see [`Delivery::deliver`]) and prints its findings; with `deny_stale`, exit 1 when
/// a claim in it is out of date. Shared by `draft` and `reply`.
pub fn send(desk: &Desk, request: &DraftRequest, delivery: &Delivery, deny_stale: bool) -> Result<ExitCode, Failure> {
    let draft = delivery.deliver(desk, request, &mut std::io::stdout().lock(), &crate::CLEANUP)?;
    facts_notice(desk.library(), request.date);
    if delivery.format != LetterFormat::Json.into() {
        print_findings(&draft.text, &draft.findings);
    }
    if deny_stale && stale_gate(&draft.findings).is_err() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
