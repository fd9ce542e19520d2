//! `check`: letters nobody here wrote, judged at a date; findings for people, JSON, or
//! a review page.

use crate::Failure;
use crate::args::{CheckArgs, CheckFormat};
use crate::diagnostics::{color_for, render_findings};
use crate::input::read_input;
use crate::options::{date, date_or_today, signer};
use crate::output::{count, facts_notice, stdout_error};
use replydraft::{CheckOptions, CheckReport, Desk, Finding, Severity};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(a: CheckArgs) -> Result<ExitCode, Failure> {
    if a.out.is_some() && a.format == CheckFormat::Text {
        return Err(Failure::Usage("--out writes a report: give --format json or html".into()));
    }
    let desk = Desk::new(a.library.load()?);
    let library = desk.library();
    let mut options = CheckOptions::new(date_or_today(&a.date)?);
    options.written = date(&a.written)?;
    let options = signer(library, options, &a.signer, &a.sender)?;
    let files = if a.files.is_empty() { vec![PathBuf::from("-")] } else { a.files };
    let inputs = files.iter().map(|p| read_input(p)).collect::<Result<Vec<_>, _>>()?;
    let report =
        CheckReport::new(inputs.iter().map(|(p, t)| desk.check(p, t, &options)).collect(), &options, library.facts());
    facts_notice(library, report.date);
    let mut out = std::io::stdout().lock();
    if a.format == CheckFormat::Json && a.out.is_none() {
        // Written as it is serialised: a long letter's report is never held whole.
        let mut buffered = std::io::BufWriter::new(&mut out);
        report.write_json(&mut buffered).and_then(|()| buffered.flush()).map_err(stdout_error)?;
    } else if a.format != CheckFormat::Text {
        let doc = if a.format == CheckFormat::Json {
            report.to_json()
        } else {
            let texts: Vec<&str> = inputs.iter().map(|(_, t)| t.as_str()).collect();
            replydraft::Review::of_check(&report, &texts).to_html()
        };
        match &a.out {
            Some(path) => replydraft::cli::write_atomic(path, doc.as_bytes(), a.force)?,
            None => out.write_all(doc.as_bytes()).map_err(stdout_error)?,
        }
    } else {
        let color = color_for(std::io::IsTerminal::is_terminal(&std::io::stdout()));
        for (file, (_, text)) in report.files.iter().zip(&inputs) {
            let matched = file.paragraphs.iter().filter(|p| p.block.is_some()).count();
            let written = file.written.map_or("unknown".to_string(), |d| d.to_string());
            writeln!(
                out,
                "{} (written {written}; checked at {}; {matched} of {} paragraphs match library blocks)",
                file.path,
                report.date,
                file.paragraphs.len()
            )
            .map_err(stdout_error)?;
            let shown: Vec<&Finding> = file.findings.iter().filter(|f| a.all || f.severity != Severity::Info).collect();
            let hidden = file.findings.len() - shown.len();
            out.write_all(render_findings(&file.path, text, &shown, color).as_bytes()).map_err(stdout_error)?;
            let of = |s| file.findings.iter().filter(|f| f.severity == s).count();
            let more = if hidden > 0 { " (--all shows info)" } else { "" };
            writeln!(
                out,
                "  {}, {}, {} info{more}\n",
                count(of(Severity::Error), "error"),
                count(of(Severity::Warning), "warning"),
                of(Severity::Info)
            )
            .map_err(stdout_error)?;
        }
    }
    if a.deny_stale && report.has_errors() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
