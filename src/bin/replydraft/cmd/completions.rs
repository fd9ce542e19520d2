//! `completions` and `man`: the shell completion script and the manual page, made
//! from the flags' definitions. Both are written to memory first: clap_complete
//! panics on a failed write.

use crate::Failure;
use crate::args::{Cli, CompletionsArgs};
use crate::output::stdout_error;
use std::io::Write;
use std::process::ExitCode;

pub fn completions(a: CompletionsArgs) -> Result<ExitCode, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut <Cli as clap::CommandFactory>::command(), "replydraft", &mut script);
    std::io::stdout().lock().write_all(&script).map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

pub fn man() -> Result<ExitCode, Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page).map_err(stdout_error)?;
    std::io::stdout().lock().write_all(&page).map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
