//! `campaigns`: incoming messages that share most of their text, grouped.

use crate::Failure;
use crate::args::{CampaignsArgs, ReportFormat};
use crate::input::{corpus_paths, read_corpus};
use crate::options::threshold;
use crate::output::{count, stdout_error};
use std::io::Write;
use std::process::ExitCode;

pub fn run(a: CampaignsArgs) -> Result<ExitCode, Failure> {
    let threshold = threshold(a.threshold)?;
    let paths = corpus_paths(&a.inputs)?;
    let messages = read_corpus(&paths, a.strict)?;
    let campaigns = replydraft::campaigns(&messages, threshold);
    let mut out = std::io::stdout().lock();
    match a.format {
        ReportFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&campaigns).unwrap_or_default()).map_err(stdout_error)?
        }
        ReportFormat::Text => {
            for (i, c) in campaigns.iter().enumerate() {
                let rep: String =
                    c.representative.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(160).collect();
                writeln!(out, "campaign {} ({}): {rep}", i + 1, count(c.members.len(), "message"))
                    .map_err(stdout_error)?;
                for m in &c.members {
                    writeln!(out, "  {m}").map_err(stdout_error)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
