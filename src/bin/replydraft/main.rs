//! The `replydraft` command: parses the flags (`args.rs`), turns them into the
//! library's options (`options.rs`), runs one subcommand (`cmd/`, a module each), and
//! maps what fails to an exit code and a hint. Exit codes: 0 ok, 1 out-of-date claims
//! under `--deny-stale` (or a bulk run stopped by them), 2 bad input or usage, 3 no
//! topic fits (`suggest`), 130 interrupted.

mod args;
mod cmd;
mod diagnostics;
mod input;
mod options;
mod output;

// mimalloc keeps freed memory for reuse: with the system allocator, loading a large
// library returned big buffers to the kernel and faulted them back in, about a third
// of a `check` process's time at 10k blocks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use args::Command;
use clap::Parser;
use replydraft::{Cleanup, Error};
use std::process::ExitCode;

/// What a signal must leave no trace of: the temporary files and staging directories
/// of the run (the library registers them; see [`Cleanup`]).
static CLEANUP: Cleanup = Cleanup::new();

/// What ends a command with exit code 2.
enum Failure {
    /// A library error; the command line adds its hint.
    Library(Error),
    /// A library error, with what a flag of the run adds to it.
    Hinted(Error, &'static str),
    /// A usage error of the command line's own (it names flags).
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Library(e)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Library(e) => write!(f, "{e}{}", hint(e)),
            Failure::Hinted(e, more) => write!(f, "{e}{}{more}", hint(e)),
            Failure::Usage(message) => f.write_str(message),
        }
    }
}

/// What the command line adds to a library error: the flag or command that changes
/// the outcome (the library's own messages never name one).
fn hint(e: &Error) -> &'static str {
    match e {
        Error::Exists { .. } | Error::Differs { .. } => " (use --force to overwrite)",
        Error::Unapproved { .. } => " (approve them: replydraft approve ID --by NAME, or pass --allow-unapproved)",
        Error::Row { error, .. } => hint(error),
        _ => "",
    }
}

/// On SIGINT, SIGTERM or SIGHUP: remove what the run registered (a file being written
/// is finished first), and exit 130 at once (even while waiting on standard input).
fn on_signal() {
    CLEANUP.stop();
    eprintln!("replydraft: interrupted; no partial output left");
    std::process::exit(130);
}

fn run(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Topics(a) => cmd::list::topics(a),
        Command::Blocks(a) => cmd::list::blocks(a),
        Command::Draft(a) => cmd::draft::run(*a),
        Command::Check(a) => cmd::check::run(a),
        Command::Bulk(a) => cmd::bulk::run(*a),
        Command::Reply(a) => cmd::reply::run(*a),
        Command::Ingest(a) => cmd::ingest::run(a),
        Command::Campaigns(a) => cmd::campaigns::run(a),
        Command::Suggest(a) => cmd::suggest::run(a),
        Command::Fix(a) => cmd::fix::run(a),
        Command::Times(a) => cmd::times::run(a),
        Command::Validate(a) => cmd::validate::run(a),
        Command::Facts(a) => cmd::facts::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Approve(a) => cmd::approve::approve(a),
        Command::Retire(a) => cmd::approve::retire(a),
        Command::Log(a) => cmd::log::run(a),
        Command::Completions(a) => cmd::completions::completions(a),
        Command::Man => cmd::completions::man(),
    }
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let _ = ctrlc::set_handler(on_signal);
    diagnostics::set_color(cli.color);
    match run(cli.command) {
        Ok(code) => code,
        // A reader that stops early (`| head`) is not an error: end quietly, as other tools do.
        Err(Failure::Library(Error::Io { path, source }))
            if path == replydraft::STREAM && source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        // Stopped by a signal: its handler is removing what the run left, and ends the process.
        Err(Failure::Library(Error::Interrupted)) if CLEANUP.is_stopped() => loop {
            std::thread::park();
        },
        // One style with clap's own usage errors: `error: …`, exit 2.
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(2)
        }
    }
}
