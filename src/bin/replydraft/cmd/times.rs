//! `times`: the time expressions of a text, with their TIMEX3 values and intervals.

use crate::Failure;
use crate::args::{ReportFormat, TimesArgs};
use crate::input::read_text;
use crate::output::stdout_error;
use replydraft::parse_date;
use std::io::Write;
use std::process::ExitCode;

pub fn run(a: TimesArgs) -> Result<ExitCode, Failure> {
    let anchor = parse_date(&a.reference)?;
    let text = read_text(&a.file)?;
    let found = replydraft::timex::find(&text, anchor);
    let mut out = std::io::stdout().lock();
    match a.format {
        ReportFormat::Json => {
            let timexes = found.iter().map(|t| {
                let mut v = serde_json::to_value(t).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("text".into(), text[t.start..t.end].into());
                }
                v
            });
            let json = serde_json::json!({ "ref": anchor, "timexes": timexes.collect::<Vec<_>>() });
            writeln!(out, "{json}").map_err(stdout_error)?
        }
        ReportFormat::Text => {
            for t in &found {
                let span = match (t.first, t.last) {
                    (Some(a), Some(b)) => format!("\t{a}..{b}"),
                    _ => String::new(),
                };
                let (kind, said) = (t.kind.name(), &text[t.start..t.end]);
                writeln!(out, "{}..{}\t{kind}\t{}\t{said}{span}", t.start, t.end, t.value).map_err(stdout_error)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
