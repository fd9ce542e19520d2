//! The `replydraft` command: parses arguments, calls the library, prints.

use clap::{Parser, Subcommand};
use replydraft::{DraftRequest, Error, Format, Library, Severity, parse_date};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "replydraft", version, about = "Drafts replies to constituents and flags what is no longer true")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct LibraryArg {
    /// A library directory or TOML file (default: the embedded library).
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
}

impl LibraryArg {
    fn load(&self) -> Result<Library, Error> {
        match &self.library {
            Some(p) => Library::load(p),
            None => Library::embedded(),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// List topics, one a line, the id first.
    Topics {
        #[command(flatten)]
        library: LibraryArg,
    },
    /// List blocks, one a line: id, role, status, as_of, title.
    Blocks {
        /// Only the blocks of this topic, in letter order.
        #[arg(long)]
        topic: Option<String>,
        #[command(flatten)]
        library: LibraryArg,
    },
    /// Draft a letter on a topic.
    Draft(Box<DraftArgs>),
}

#[derive(clap::Args)]
struct DraftArgs {
    /// Topic id (see `replydraft topics`).
    #[arg(long)]
    topic: String,
    /// Sender id (default: the topic's sender).
    #[arg(long)]
    sender: Option<String>,
    /// The recipient's name.
    #[arg(long = "to", value_name = "NAME")]
    to: Option<String>,
    /// The greeting without its comma (default: "Dear NAME", or "Dear Constituent").
    #[arg(long)]
    salutation: Option<String>,
    /// A recipient address line (repeat for each line).
    #[arg(long = "address", value_name = "LINE")]
    address: Vec<String>,
    /// The recipient's email address.
    #[arg(long)]
    email: Option<String>,
    /// A merge field for blocks, NAME=VALUE (repeatable); blocks use it as {{recipient.NAME}}.
    #[arg(long = "field", value_name = "NAME=VALUE")]
    fields: Vec<String>,
    /// A subject line.
    #[arg(long)]
    subject: Option<String>,
    /// The date of the reply, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Add a block: an optional one, an alternative, or any other (repeatable).
    #[arg(long = "include", value_name = "ID")]
    include: Vec<String>,
    /// Leave a block out (repeatable).
    #[arg(long = "exclude", value_name = "ID")]
    exclude: Vec<String>,
    /// Output format: text, markdown, html or json.
    #[arg(long, default_value = "text")]
    format: String,
    /// Layout: letter (default) or body.
    #[arg(long)]
    layout: Option<String>,
    /// Exit 1 when any claim in the draft is out of date (an error finding).
    #[arg(long)]
    deny_stale: bool,
    #[command(flatten)]
    library: LibraryArg,
}

fn today() -> replydraft::Date {
    jiff::Zoned::now().date()
}

fn date_or_today(date: &Option<String>) -> Result<replydraft::Date, Error> {
    date.as_deref().map_or_else(|| Ok(today()), parse_date)
}

fn print_findings(findings: &[replydraft::Finding]) {
    let mut err = std::io::stderr().lock();
    for f in findings {
        let since = f.since.map(|d| format!(" since {d}")).unwrap_or_default();
        let block = f.block.as_deref().map(|b| format!(" [{b}]")).unwrap_or_default();
        let _ = writeln!(
            err,
            "{}: {}{}{}: \"{}\" (bytes {}..{})",
            f.severity, f.kind, block, since, f.text, f.start, f.end
        );
        let _ = writeln!(err, "  {}", f.message);
        if let Some(s) = &f.suggestion {
            let _ = writeln!(err, "  suggestion: {s}");
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let mut out = std::io::stdout().lock();
    let io = |e| Error::Io { path: "stdout".into(), source: e };
    match cli.command {
        Command::Topics { library } => {
            for t in library.load()?.topics() {
                writeln!(out, "{}\t{}", t.id, t.title).map_err(io)?;
            }
        }
        Command::Blocks { topic, library } => {
            let library = library.load()?;
            let ids: Vec<String> = match &topic {
                Some(t) => {
                    let mut r = DraftRequest::new(t.clone(), today());
                    let topic = library.topic(t).ok_or_else(|| Error::Request(format!("unknown topic `{t}`")))?;
                    r.include = topic.optional.clone();
                    library.resolve_blocks(&r)?
                }
                None => library.blocks().iter().map(|b| b.id.clone()).collect(),
            };
            for id in ids {
                if let Some(b) = library.block(&id) {
                    let role = serde_json::to_value(b.role)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default();
                    let status = serde_json::to_value(b.status)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default();
                    writeln!(out, "{}\t{role}\t{status}\t{}\t{}", b.id, b.as_of, b.title).map_err(io)?;
                }
            }
        }
        Command::Draft(a) => {
            let a = *a;
            let library = a.library.load()?;
            let mut request = DraftRequest::new(a.topic, date_or_today(&a.date)?);
            request.sender = a.sender;
            request.recipient.name = a.to;
            request.recipient.salutation = a.salutation;
            request.recipient.address = a.address;
            request.recipient.email = a.email;
            for f in &a.fields {
                let (k, v) =
                    f.split_once('=').ok_or_else(|| Error::Request(format!("--field `{f}`: write NAME=VALUE")))?;
                request.recipient.fields.insert(k.trim().to_string(), v.to_string());
            }
            request.subject = a.subject;
            request.include = a.include;
            request.exclude = a.exclude;
            request.format = a.format.parse::<Format>()?;
            request.layout = a.layout;
            let draft = library.draft(&request)?;
            if request.format == Format::Json {
                out.write_all(draft.to_json().as_bytes()).map_err(io)?;
            } else {
                out.write_all(draft.text.as_bytes()).map_err(io)?;
                print_findings(&draft.findings);
            }
            if a.deny_stale && draft.findings.iter().any(|f| f.severity == Severity::Error) {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("replydraft: {e}");
            ExitCode::from(2)
        }
    }
}
