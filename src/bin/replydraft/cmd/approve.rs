//! `approve` and `retire`: a decision on a block, recorded in the library file that
//! defines it.

use crate::Failure;
use crate::args::{ApproveArgs, RetireArgs};
use crate::options::date_or_today;
use replydraft::{Decision, decide};
use std::process::ExitCode;

pub fn approve(a: ApproveArgs) -> Result<ExitCode, Failure> {
    let by = a.by.trim().to_string();
    if by.is_empty() || by.contains(char::is_control) {
        return Err(Failure::Usage("--by: give the approver's name".into()));
    }
    let on = date_or_today(&a.date)?;
    let file = decide(&a.library, &a.block, &Decision::Approve { by: by.clone(), on })?;
    eprintln!("replydraft: {} approved by {by} on {on} ({})", a.block, file.display());
    Ok(ExitCode::SUCCESS)
}

pub fn retire(a: RetireArgs) -> Result<ExitCode, Failure> {
    let file = decide(&a.library, &a.block, &Decision::Retire)?;
    eprintln!("replydraft: {} retired ({})", a.block, file.display());
    Ok(ExitCode::SUCCESS)
}
