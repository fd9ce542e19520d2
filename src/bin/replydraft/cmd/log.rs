//! `log`: the letters the correspondence log holds, as lines, JSON or CSV.

use crate::Failure;
use crate::args::{LogArgs, LogFormat};
use crate::options::date;
use crate::output::{count, stdout_error};
use replydraft::{CorrespondenceLog, Error, LogQuery, Sent};
use std::io::Write;
use std::process::ExitCode;

pub fn run(a: LogArgs) -> Result<ExitCode, Failure> {
    if !a.log.exists() {
        return Err(Failure::Usage(format!("{}: no correspondence log here (give --log FILE)", a.log.display())));
    }
    let log = CorrespondenceLog::open(&a.log)?;
    let mut query = LogQuery::default();
    query.recipient = a.recipient;
    query.topic = a.topic;
    query.since = date(&a.since)?;
    let letters = log.query(&query)?;
    let blocks = |s: &Sent| s.blocks.iter().map(|(b, _)| b.as_str()).collect::<Vec<_>>().join(" ");
    let mut out = std::io::stdout().lock();
    match a.format {
        LogFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&letters).unwrap_or_default()).map_err(stdout_error)?
        }
        LogFormat::Csv => {
            let csv_error =
                |e: &dyn std::fmt::Display| Error::Encode { what: "the CSV".into(), problem: e.to_string() };
            let mut w = csv::Writer::from_writer(Vec::new());
            let header = ["id", "date", "recipient", "topic", "blocks", "findings", "output"];
            w.write_record(header).map_err(|e| csv_error(&e))?;
            for l in &letters {
                let row = [
                    l.id.to_string(),
                    l.date.to_string(),
                    l.recipient.clone(),
                    l.topic.clone(),
                    blocks(l),
                    l.findings.to_string(),
                    l.output.clone().unwrap_or_default(),
                ];
                w.write_record(&row).map_err(|e| csv_error(&e))?;
            }
            let bytes = w.into_inner().map_err(|e| csv_error(&e))?;
            out.write_all(&bytes).map_err(stdout_error)?;
        }
        LogFormat::Text => {
            for l in &letters {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    l.date,
                    l.recipient,
                    l.topic,
                    l.output.as_deref().unwrap_or("-"),
                    count(l.findings, "finding")
                )
                .map_err(stdout_error)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
