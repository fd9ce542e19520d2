//! Helpers shared by the integration tests: running the binary, scratch directories.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The `replydraft` binary built for these tests.
pub fn replydraft() -> Command {
    Command::new(env!("CARGO_BIN_EXE_replydraft"))
}

/// Runs the binary: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = replydraft().args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// A new empty scratch directory, unique to this test process and `name`.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("replydraft-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A date written `YYYY-MM-DD` (tests use explicit dates, never today).
pub fn d(s: &str) -> replydraft::Date {
    replydraft::parse_date(s).unwrap()
}
