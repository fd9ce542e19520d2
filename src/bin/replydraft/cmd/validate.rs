//! `validate`: the library's health at a date: every claim out of date, senders who
//! can no longer sign, approvals awaited or due, a facts base behind.

use crate::Failure;
use crate::args::{ReportFormat, ValidateArgs};
use crate::diagnostics::write_finding;
use crate::options::date_or_today;
use crate::output::{count, stdout_error, topic_count};
use replydraft::Desk;
use std::io::Write;
use std::process::ExitCode;

pub fn run(a: ValidateArgs) -> Result<ExitCode, Failure> {
    let desk = Desk::new(a.library.load()?);
    let library = desk.library();
    let mut out = std::io::stdout().lock();
    let v = desk.validate(date_or_today(&a.date)?);
    match a.format {
        ReportFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(stdout_error)?
        }
        ReportFormat::Text => {
            writeln!(
                out,
                "library: {}, {}, {}; at {}",
                count(library.blocks().len(), "block"),
                topic_count(library),
                count(library.senders().len(), "sender"),
                v.date
            )
            .map_err(stdout_error)?;
            for b in &v.blocks {
                writeln!(out, "block {} ({})", b.block, b.at).map_err(stdout_error)?;
                for f in &b.findings {
                    write_finding(&mut out, "  ", f).map_err(stdout_error)?;
                }
            }
            for (id, why) in &v.senders {
                writeln!(out, "sender {id}: {why}").map_err(stdout_error)?;
            }
            for (id, why) in &v.awaiting_approval {
                writeln!(out, "awaiting approval: {id} ({why})").map_err(stdout_error)?;
            }
            for (id, on, by) in &v.approvals_due {
                writeln!(out, "approval due again: {id} (approved {on}; to be reviewed by {by})")
                    .map_err(stdout_error)?;
            }
            if !v.unrecorded.is_empty() {
                writeln!(
                    out,
                    "approved with no record of who approved them: {} ({}; `replydraft approve ID --by NAME` records it)",
                    count(v.unrecorded.len(), "block"),
                    v.unrecorded.join(", ")
                )
                .map_err(stdout_error)?;
            }
            if let Some(known) = v.facts_known_to.filter(|_| v.facts_behind()) {
                writeln!(out, "warning: the facts base is known to {known}, more than six months before {}: add what has happened since (offices, events, bills) and move `known_to` on", v.date).map_err(stdout_error)?;
            }
            if !v.superseded_blocks.is_empty() || !v.superseded_senders.is_empty() {
                writeln!(
                    out,
                    "not judged: {} and {} that only superseded topic editions use (kept for older letters)",
                    count(v.superseded_blocks.len(), "block"),
                    count(v.superseded_senders.len(), "sender")
                )
                .map_err(stdout_error)?;
            }
            writeln!(
                out,
                "{}, {} in {}; {} cannot sign",
                count(v.errors(), "error"),
                count(v.warnings(), "warning"),
                count(v.blocks.len(), "block"),
                count(v.senders.len(), "sender")
            )
            .map_err(stdout_error)?;
        }
    }
    if a.deny_stale && !v.is_clean() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
