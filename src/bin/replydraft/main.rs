//! The `replydraft` command: parses arguments, calls the library, prints.

use clap::{Parser, Subcommand};
// mimalloc keeps freed memory for reuse: with the system allocator, loading a large
// library returned big buffers to the kernel and faulted them back in, about a third
// of a `check` process's time at 10k blocks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use replydraft::{CheckOptions, DraftRequest, Error, Finding, Format, Library, Severity, parse_date, today};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "replydraft", version, about = "Drafts replies to constituents and flags what is no longer true")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour findings: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// How `check`, `validate` and `campaigns` report.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    /// Lines for people.
    Text,
    /// One JSON document.
    Json,
}

/// How `log` lists letters.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// One letter a line.
    Text,
    /// One JSON document.
    Json,
    /// CSV with a header.
    Csv,
}

/// How `check` reports.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    /// Findings with the letter's line, the span underlined (rustc style).
    Text,
    /// One JSON document.
    Json,
    /// A self-contained review page: the letters as written, findings highlighted.
    Html,
}

/// What a letter is written as.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LetterFormat {
    /// Plain text.
    #[value(alias = "txt")]
    Text,
    /// Markdown.
    #[value(alias = "md")]
    Markdown,
    /// HTML, every value escaped.
    Html,
    /// The letter and its findings as JSON (draft only).
    Json,
    /// A Word document (needs --out).
    Docx,
    /// An email message (RFC 5322, text and HTML parts) to the recipient's address.
    Eml,
}

impl From<LetterFormat> for Format {
    fn from(f: LetterFormat) -> Format {
        match f {
            LetterFormat::Text | LetterFormat::Docx | LetterFormat::Eml => Format::Text,
            LetterFormat::Markdown => Format::Markdown,
            LetterFormat::Html => Format::Html,
            LetterFormat::Json => Format::Json,
        }
    }
}

impl LetterFormat {
    /// The file name extension of a letter in this format.
    fn extension(self) -> &'static str {
        match self {
            LetterFormat::Text => "txt",
            LetterFormat::Markdown => "md",
            LetterFormat::Html => "html",
            LetterFormat::Json => "json",
            LetterFormat::Docx => "docx",
            LetterFormat::Eml => "eml",
        }
    }
}

#[derive(clap::Args)]
struct LibraryArg {
    /// A library directory or TOML file (default: the embedded library). Repeat it to
    /// combine libraries; `default` names the embedded one (for example
    /// `--library default --library ingested.toml`).
    #[arg(long, value_name = "DIR")]
    library: Vec<PathBuf>,
}

impl LibraryArg {
    fn load(&self) -> Result<Library, Error> {
        if self.library.is_empty() {
            return Library::embedded();
        }
        let library = Library::combine(self.library.iter().map(PathBuf::as_path))?;
        // The process ends after one command: a large library is not worth freeing
        // block by block on the way out (milliseconds at 10k blocks).
        std::mem::forget(library.clone());
        Ok(library)
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
    /// Check letters (files, or - for standard input) for out-of-date statements.
    Check {
        /// Letters to check; `-` or nothing reads standard input.
        files: Vec<PathBuf>,
        /// The date to judge them at, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// When the letters were written (default: inferred from each letter's own dates).
        #[arg(long)]
        written: Option<String>,
        /// Output format (html: a review page, for `> review.html` or --out).
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Write the report to this file instead of standard output (never overwrites
        /// without --force).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Overwrite FILE if it exists.
        #[arg(long, requires = "out")]
        force: bool,
        /// Show info findings too in text output.
        #[arg(long)]
        all: bool,
        /// Exit 1 when any error finding exists.
        #[arg(long)]
        deny_stale: bool,
        #[command(flatten)]
        library: LibraryArg,
    },
    /// Draft one letter per row of a CSV of recipients.
    Bulk(Box<BulkArgs>),
    /// Reply to an incoming letter or email in one step: read who wrote it, pick the
    /// topic (suggest), draft the reply, check it, print the findings.
    Reply(Box<ReplyArgs>),
    /// Propose blocks from a corpus of past letters (one letter per file).
    Ingest {
        /// Directories (walked for .txt/.eml files) or files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Propose blocks used by at least this many letters.
        #[arg(long, default_value_t = 2)]
        min_letters: usize,
        /// Paragraphs at least this similar are variants of one block (0 to 1).
        #[arg(long, default_value_t = 0.8)]
        threshold: f32,
        /// The as_of date of the proposed blocks (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// The TOML file to write.
        #[arg(long, value_name = "FILE.toml")]
        out: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
        /// Stop at the first letter that cannot be read (default: warn and go on).
        #[arg(long)]
        strict: bool,
    },
    /// Group incoming messages that share most of their text into campaigns, largest first.
    Campaigns {
        /// Directories (walked for .txt/.eml files) or files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Messages at least this similar (word ratio, 0 to 1) are one campaign.
        #[arg(long, default_value_t = 0.7)]
        threshold: f32,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Stop at the first message that cannot be read (default: warn and go on).
        #[arg(long)]
        strict: bool,
    },
    /// Rank the library's topics for an incoming message (top three).
    Suggest {
        /// The message, or - for standard input.
        #[arg(default_value = "-")]
        file: PathBuf,
        /// Output format (json: every topic that fits, with its score and matched words).
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        library: LibraryArg,
    },
    /// Write a letter out with every certain change applied: relative expressions
    /// ("last year", "today") replaced by the dates they meant; prints what changed.
    Fix {
        /// The letter, or - for standard input.
        #[arg(default_value = "-")]
        file: PathBuf,
        /// When the letter was written, YYYY-MM-DD (default: inferred from its own dates).
        #[arg(long)]
        written: Option<String>,
        /// The date it is read at (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Where to write the fixed letter (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        library: LibraryArg,
    },
    /// Find the time expressions in a text: TIMEX3 type and value, the interval each
    /// denotes, UTF-8 byte offsets into the file.
    Times {
        /// The text, or - for standard input.
        #[arg(default_value = "-")]
        file: PathBuf,
        /// The date the text was written, YYYY-MM-DD: "last year", "Friday" and "in
        /// June" are read from it.
        #[arg(long = "ref", value_name = "YYYY-MM-DD")]
        reference: String,
        /// Output format (json: `{"timexes":[{start, end, type, value, first, last}]}`).
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Report library health: every claim out of date at a date, grouped by block.
    Validate {
        /// The date, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Exit 1 when any error finding exists or a sender can no longer sign.
        #[arg(long)]
        deny_stale: bool,
        #[command(flatten)]
        library: LibraryArg,
    },
    /// Write a starter library for an office into DIR: the current topics and the
    /// blocks they use, the facts base, the layouts, your sender, and a README on
    /// editing them (then: `replydraft draft --library DIR --topic ...`).
    Init {
        /// The directory to write (created if needed).
        dir: PathBuf,
        /// Who signs: the full name, as in the facts base's tenures.
        #[arg(long)]
        name: String,
        /// The office as printed under the name.
        #[arg(long, default_value = "Member of Parliament")]
        office_title: String,
        /// The office's id in the facts base (for example mp-daventry): letters signed
        /// out of office are then flagged.
        #[arg(long)]
        office: Option<String>,
        /// Overwrite files that exist already.
        #[arg(long)]
        force: bool,
    },
    /// Approve a block: record who approved it, when, and the hash of what it says and
    /// how it is checked, in the library file that defines it (comments and formatting kept).
    Approve {
        /// The block id.
        block: String,
        /// Who approves it.
        #[arg(long, value_name = "NAME")]
        by: String,
        /// The date of the approval, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// The library directory or TOML file to edit.
        #[arg(long, value_name = "DIR")]
        library: PathBuf,
    },
    /// Retire a block: it is no longer to be used (bulk refuses it; draft and check flag it).
    Retire {
        /// The block id.
        block: String,
        /// The library directory or TOML file to edit.
        #[arg(long, value_name = "DIR")]
        library: PathBuf,
    },
    /// List letters in the correspondence log, oldest first.
    Log {
        /// Only letters to this recipient: a key (email:…, name:…), an email, or a name.
        #[arg(long)]
        recipient: Option<String>,
        /// Only letters on this topic.
        #[arg(long)]
        topic: Option<String>,
        /// Only letters dated on or after this day, YYYY-MM-DD.
        #[arg(long)]
        since: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        format: LogFormat,
        /// The log file.
        #[arg(long, value_name = "FILE", default_value = "replydraft.db")]
        log: PathBuf,
    },
    /// Print a shell completion script (for example `replydraft completions bash >
    /// ~/.local/share/bash-completion/completions/replydraft`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page, in roff (`replydraft man > replydraft.1; man ./replydraft.1`).
    Man,
}

/// What every letter needs: shared by `draft` and `bulk`.
#[derive(clap::Args)]
struct LetterArgs {
    /// Topic id (see `replydraft topics`).
    #[arg(long)]
    topic: String,
    /// Sender id (default: the topic's sender).
    #[arg(long)]
    sender: Option<String>,
    /// A subject line.
    #[arg(long)]
    subject: Option<String>,
    /// The date of the letter, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Add a block: an optional one, an alternative, or any other (repeatable).
    #[arg(long = "include", value_name = "ID")]
    include: Vec<String>,
    /// Leave a block out (repeatable).
    #[arg(long = "exclude", value_name = "ID")]
    exclude: Vec<String>,
    /// Output format (json: draft only; docx: with --out).
    #[arg(long, value_enum, default_value_t = LetterFormat::Text)]
    format: LetterFormat,
    /// The address email replies are sent from (--format eml; default: the sender's `email`).
    #[arg(long, value_name = "ADDRESS")]
    from: Option<String>,
    /// Layout: letter (default) or body.
    #[arg(long)]
    layout: Option<String>,
    /// Exit 1 when any claim in the letter is out of date (an error finding).
    #[arg(long)]
    deny_stale: bool,
    /// Record each letter in the correspondence log (default file: replydraft.db).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "replydraft.db")]
    log: Option<PathBuf>,
    #[command(flatten)]
    library: LibraryArg,
}

impl LetterArgs {
    /// The request these options describe (recipient not set).
    fn request(&self) -> Result<DraftRequest, Error> {
        let mut request = DraftRequest::new(self.topic.clone(), date_or_today(&self.date)?);
        request.sender = self.sender.clone();
        request.subject = self.subject.clone();
        request.include = self.include.clone();
        request.exclude = self.exclude.clone();
        request.layout = self.layout.clone();
        request.format = self.format.into();
        Ok(request)
    }
}

#[derive(clap::Args)]
struct DraftArgs {
    #[command(flatten)]
    letter: LetterArgs,
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
    #[command(flatten)]
    output: OutputArgs,
}

/// Where one letter goes: shared by `draft` and `reply`.
#[derive(clap::Args)]
struct OutputArgs {
    /// Write the letter to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write a review page of the letter: its text, every finding highlighted.
    #[arg(long, value_name = "FILE.html")]
    review: Option<PathBuf>,
    /// Overwrite --out and --review files that exist.
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
struct ReplyArgs {
    /// The incoming letter (.txt) or email (.eml), or - for standard input.
    incoming: PathBuf,
    /// The topic (default: the one suggest clearly ranks first).
    #[arg(long)]
    topic: Option<String>,
    /// Sender id (default: the topic's sender).
    #[arg(long)]
    sender: Option<String>,
    /// The date of the reply, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Output format (docx: with --out).
    #[arg(long, value_enum, default_value_t = LetterFormat::Text)]
    format: LetterFormat,
    /// The address email replies are sent from (--format eml; default: the sender's `email`).
    #[arg(long, value_name = "ADDRESS")]
    from: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
    /// Exit 1 when any claim in the reply is out of date (an error finding).
    #[arg(long)]
    deny_stale: bool,
    /// Record the reply in the correspondence log (default file: replydraft.db).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "replydraft.db")]
    log: Option<PathBuf>,
    #[command(flatten)]
    library: LibraryArg,
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("output").required(true).args(["out", "jsonl"]))]
struct BulkArgs {
    #[command(flatten)]
    letter: LetterArgs,
    /// The recipients: a CSV file with a header (name, salutation, address, email, other merge fields), or -.
    #[arg(long, value_name = "FILE.csv")]
    recipients: PathBuf,
    /// Write one file per letter into this directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write one JSON line per letter to this file, or - for stdout.
    #[arg(long, value_name = "FILE")]
    jsonl: Option<PathBuf>,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
    /// Fail the whole run on the first bad row (and leave no output), instead of skipping it.
    #[arg(long)]
    strict: bool,
    /// Continue an interrupted `--out` run: letters already written with the same text are kept.
    #[arg(long, conflicts_with = "strict")]
    resume: bool,
    /// Send letters with blocks that are not approved (drafts, texts changed since approval, retired).
    #[arg(long)]
    allow_unapproved: bool,
    /// Send letters with out-of-date claims (error findings at the letter's date).
    #[arg(long)]
    allow_stale: bool,
    /// Skip recipients the log shows were sent a letter on the topic (reported per row).
    #[arg(long, requires = "log")]
    skip_sent: bool,
    /// With --skip-sent: only letters sent in the last DAYS days count.
    #[arg(long, value_name = "DAYS", requires = "skip_sent", value_parser = clap::value_parser!(i64).range(0..=3_652_425))]
    within: Option<i64>,
}

/// Temporary files and staging directories to remove if a signal ends the run. The
/// signal handler holds the lock while it cleans up, and a run holds it while it moves
/// its output into place, so an interrupt never leaves half of an all-or-nothing run.
static CLEANUP: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn cleanup_list() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    CLEANUP.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Set once a signal has come: no further output is begun.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// On SIGINT, SIGTERM or SIGHUP: remove what the run registered, and exit 130 at once
/// (even while waiting on standard input). A file being written (see [`uninterrupted`])
/// is finished first.
/// A file written through a temporary one, made and put on the cleanup list under
/// the list's lock, so that a signal between the two cannot leave the temporary file.
fn temp_file(path: &std::path::Path, force: bool) -> Result<replydraft::cli::AtomicFile, Error> {
    let mut list = cleanup_list();
    let file = replydraft::cli::AtomicFile::create(path, force)?;
    list.extend(file.temp_path().map(PathBuf::from));
    Ok(file)
}

fn on_signal() {
    STOPPING.store(true, std::sync::atomic::Ordering::SeqCst);
    let list = cleanup_list();
    for p in list.iter() {
        let _ = if p.is_dir() { std::fs::remove_dir_all(p) } else { std::fs::remove_file(p) };
    }
    eprintln!("replydraft: interrupted; no partial output left");
    std::process::exit(130);
}

/// Runs `f`, which writes one file (a temporary file moved into place), with the cleanup
/// list held: a signal that comes meanwhile waits until the file is whole, so no
/// temporary file is left behind. Once a signal has come, no file is begun.
fn uninterrupted<T>(f: impl FnOnce() -> T) -> T {
    if STOPPING.load(std::sync::atomic::Ordering::SeqCst) {
        // The signal's handler ends the process.
        loop {
            std::thread::park();
        }
    }
    let _held = cleanup_list();
    f()
}

fn progress(what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {pos} {msg} ({per_sec}, {elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
}

/// "1 letter", "2 letters".
fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// On stderr, when `date` is after the facts base's `known_to`: who holds an office
/// since then is not known (such findings are warnings, never "fine").
fn facts_notice(library: &Library, date: replydraft::Date) {
    if let Some(known) = library.facts().unknown_since(date) {
        eprintln!("replydraft: facts known to {known}; judged at {date}: office holders since then are unverified");
    }
}

/// "4 topics", or "4 topics (8 editions)" when some topic has more than one edition.
fn topic_count(library: &Library) -> String {
    let (topics, editions) = (library.latest_topics().count(), library.topics().len());
    if editions > topics { format!("{} ({editions} editions)", count(topics, "topic")) } else { count(topics, "topic") }
}

/// The directory a file is written in (`.` for a bare file name).
fn parent_dir(path: &std::path::Path) -> &std::path::Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."))
}

/// Removes the temporary files that killed runs left in `dir`, saying so.
fn sweep(dir: &std::path::Path) {
    for p in replydraft::cli::remove_stale_temps(dir) {
        eprintln!("replydraft: removed {}, left by an interrupted run", p.display());
    }
}

/// Where bulk letters go.
enum Sink {
    /// JSON lines to standard output.
    Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>),
    /// JSON lines to a file, moved into place at the end.
    Jsonl(replydraft::cli::AtomicFile),
    /// One file per letter in a directory; with `--strict`, staged first.
    Dir(PathBuf, Option<replydraft::cli::Staging>),
}

impl Sink {
    /// Writes out standard output's buffer: its letters are sent only once this succeeds.
    fn flush_stream(&mut self) -> Result<(), Error> {
        match self {
            Sink::Stdout(w) => w.flush().map_err(|e| Error::Io { path: "stdout".into(), source: e }),
            _ => Ok(()),
        }
    }

    /// Where the letter `name` is recorded as written: its own file, or the run's one
    /// output (`single`, made absolute once, not per letter).
    fn recorded_output(&self, single: &Option<String>, name: &str) -> Option<String> {
        match self {
            Sink::Dir(..) => output_path(self, None, name),
            _ => single.clone(),
        }
    }

    /// What will show that this run wrote the letter `name` with `payload` (`renamed`:
    /// the proof for JSON lines, the same for every letter).
    fn proof(&self, name: &str, payload: &[u8], renamed: &replydraft::Proof) -> replydraft::Proof {
        match self {
            Sink::Dir(dir, _) => replydraft::Proof::file(&dir.join(name), payload),
            _ => renamed.clone(),
        }
    }
}

fn bulk(a: BulkArgs) -> Result<ExitCode, Error> {
    let library = a.letter.library.load()?;
    let request = a.letter.request()?;
    let format = a.letter.format;
    if format == LetterFormat::Json {
        return Err(Error::Request(
            "bulk writes text, markdown, html, docx or eml letters; use --jsonl for JSON lines".into(),
        ));
    }
    // Word documents and messages are made one by one from a full draft of each row.
    let binary = matches!(format, LetterFormat::Docx | LetterFormat::Eml);
    if binary && a.jsonl.is_some() {
        return Err(Error::Request(format!("--format {}: give --out DIR (one file per letter)", format.extension())));
    }
    let ext = format.extension();
    // The approval gate, before anything is read or written.
    let unapproved = library.unapproved(&request)?;
    if !unapproved.is_empty() && !a.allow_unapproved {
        let list: Vec<String> = unapproved.iter().map(|(id, state)| format!("{id} ({state})")).collect();
        return Err(Error::Request(format!(
            "bulk sends only approved blocks; not approved: {} (approve them: replydraft approve ID --by NAME, or pass --allow-unapproved)",
            list.join(", ")
        )));
    }
    let mut drafter = library.bulk(&request)?;
    let source = a.recipients.display().to_string();
    let input: Box<dyn std::io::Read> = if source == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(&a.recipients).map_err(|e| Error::Io { path: source.clone(), source: e })?)
    };
    // The output first (an unwritable target fails before any input is read), then the CSV header.
    let mut sink = match (&a.jsonl, &a.out) {
        (Some(path), _) if path.as_os_str() == "-" => {
            Sink::Stdout(std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock()))
        }
        (Some(path), _) => {
            sweep(parent_dir(path));
            Sink::Jsonl(temp_file(path, a.force)?)
        }
        (None, Some(dir)) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io { path: dir.display().to_string(), source: e })?;
            sweep(dir);
            // Made and listed under the cleanup lock: a signal in between cannot miss it.
            let mut list = cleanup_list();
            let staging = if a.strict { Some(replydraft::cli::Staging::new(dir)?) } else { None };
            list.extend(staging.as_ref().map(|s| s.path().to_path_buf()));
            drop(list);
            Sink::Dir(dir.clone(), staging)
        }
        (None, None) => return Err(Error::Request("give --out DIR or --jsonl FILE".into())),
    };
    let rows = replydraft::recipients(std::io::BufReader::with_capacity(1 << 16, input), &source)?;

    let bar = progress("letters");
    let mut run = Run {
        written: 0,
        resumed: 0,
        bad: 0,
        skipped: 0,
        confirm_at_end: Vec::new(),
        sent: Default::default(),
        queued: Default::default(),
    };
    // The correspondence log: who was sent a letter on the topic already (--skip-sent),
    // and each letter recorded pending before it is written, confirmed after.
    let mut log = a.letter.log.as_deref().map(replydraft::CorrespondenceLog::open).transpose()?;
    run.sent = match (&log, a.skip_sent) {
        (Some(log), true) => {
            let since = a.within.map(|days| request.date.saturating_sub(jiff::Span::new().days(days)));
            log.sent_on(&request.topic, since)?
        }
        (None, true) => return Err(Error::Request("--skip-sent needs the log: give --log [FILE]".into())),
        _ => Default::default(),
    };
    let logged = logged_blocks(&library, &if log.is_some() { library.resolve_blocks(&request)? } else { Vec::new() });
    let mut batch: Vec<Queued> = Vec::new();
    let mut records: Vec<replydraft::Sent> = Vec::new();
    // Letters of JSON lines, --strict or standard output are recorded on a thread of
    // their own, beside the drafting; each letter of a file per letter is recorded
    // before its file is written, on this thread.
    let mut recorder = match log.take() {
        Some(l) if !matches!(sink, Sink::Dir(_, None)) => Recorder::start(l, !matches!(sink, Sink::Stdout(_))),
        other => {
            log = other;
            Recorder::none()
        }
    };
    // Where JSON lines go (one file for every letter; none for standard output), and
    // what will show that this run wrote them: its temporary file, moved into place.
    let single_output = match &sink {
        Sink::Dir(..) => None,
        _ => output_path(&sink, a.jsonl.as_deref(), ""),
    };
    let renamed = match &sink {
        Sink::Jsonl(f) => f.temp_path().map(replydraft::Proof::renamed).unwrap_or_default(),
        _ => replydraft::Proof::default(),
    };
    let mut buf = String::with_capacity(8192);
    let mut bytes: Vec<u8> = Vec::new();
    // Standard error is locked per message, never across the loop: the signal handler
    // writes to it too.
    for (row, line, recipient) in rows {
        buf.clear();
        let recipient = recipient.and_then(|r| {
            match &sink {
                Sink::Stdout(_) | Sink::Jsonl(_) => drafter.json_line_into(row, &r, &mut buf)?,
                Sink::Dir(..) if binary => {
                    let mut one = request.clone();
                    one.recipient = r.clone();
                    bytes = letter_bytes(&library, &one, format, a.letter.from.as_deref())?.1;
                    // The first letter also gives the run's findings (as text letters do).
                    if drafter.findings().is_none() {
                        drafter.render_into(&r, &mut buf)?;
                    }
                }
                Sink::Dir(..) => drafter.render_into(&r, &mut buf)?,
            }
            Ok(r)
        });
        // Claims do not depend on the recipient: the first letter rendered tells whether
        // every letter is stale, and then nothing is written (unless --allow-stale).
        if !a.allow_stale && run.written == 0 && run.resumed == 0 {
            if let Some(findings) = drafter.findings().filter(|f| f.iter().any(|f| f.severity == Severity::Error)) {
                bar.finish_and_clear();
                print_bare_findings(findings);
                eprintln!(
                    "replydraft: the letter has out-of-date claims; no letters written (pass --allow-stale to send them anyway)"
                );
                return Ok(ExitCode::from(1));
            }
        }
        let r = match recipient {
            Ok(r) => r,
            Err(e) => {
                run.settle(Err(e), &a, &source, row, line, &bar)?;
                continue;
            }
        };
        let r = r.normalized();
        let key = replydraft::recipient_key(&r);
        // Someone whose letter is queued, not yet written: write it first, to know.
        if let (Some(log), Some(k)) = (&mut log, key.as_ref().filter(|_| a.skip_sent)) {
            if run.queued.contains(k) {
                run.flush(log, &mut batch, &mut sink, &a, &source, &bar)?;
            }
        }
        if let Some(when) = key.as_ref().filter(|_| a.skip_sent).and_then(|k| run.sent.get(k)) {
            run.skipped += 1;
            let who = r.name.as_deref().or(r.email.as_deref()).unwrap_or("this recipient");
            bar.suspend(|| {
                eprintln!(
                    "replydraft: {source}:{line}: row {row}: skipped: {who} was sent a letter on {} on {when} (--skip-sent)",
                    request.topic
                )
            });
            continue;
        }
        let name = replydraft::cli::letter_file_name(row, r.name.as_deref(), ext);
        let payload: &[u8] = if binary { &bytes } else { buf.as_bytes() };
        match (&mut log, recorder.tx.is_some()) {
            // A file per letter: recorded pending before it is written (see `Run::flush`).
            (Some(log), _) => {
                let mut sent = replydraft::Sent::new(key.clone(), &request.topic, logged.clone(), request.date);
                sent.output = sink.recorded_output(&single_output, &name);
                sent.findings = drafter.findings().map_or(0, <[_]>::len);
                sent.proof = sink.proof(&name, payload, &renamed);
                if let Some(k) = key.filter(|_| a.skip_sent) {
                    run.queued.insert(k);
                }
                batch.push(Queued { row, line, name, payload: payload.to_vec(), sent });
                if batch.len() >= LOG_BATCH {
                    run.flush(log, &mut batch, &mut sink, &a, &source, &bar)?;
                }
            }
            // Output that appears only at the end (JSON lines, --strict), or standard
            // output: written now, recorded in batches on the recorder's thread
            // (pending, confirmed once the output is in place; standard output's once
            // flushed).
            (None, true) => {
                let written = run.written;
                let outcome = write_letter(&mut sink, &a, &name, payload, &mut run.resumed);
                run.settle(outcome, &a, &source, row, line, &bar)?;
                if run.written > written {
                    let mut sent = replydraft::Sent::new(key.clone(), &request.topic, logged.clone(), request.date);
                    sent.output = sink.recorded_output(&single_output, &name);
                    sent.findings = drafter.findings().map_or(0, <[_]>::len);
                    sent.proof = sink.proof(&name, payload, &renamed);
                    records.push(sent);
                    if records.len() >= LOG_BATCH {
                        sink.flush_stream()?;
                        recorder.send(std::mem::take(&mut records))?;
                    }
                    if let Some(k) = key.filter(|_| a.skip_sent) {
                        run.sent.insert(k, request.date);
                    }
                }
            }
            (None, false) => {
                let outcome = write_letter(&mut sink, &a, &name, payload, &mut run.resumed);
                run.settle(outcome, &a, &source, row, line, &bar)?;
            }
        }
        if run.written % 4096 == 0 {
            bar.set_position(run.written as u64);
        }
    }
    if let Some(log) = &mut log {
        run.flush(log, &mut batch, &mut sink, &a, &source, &bar)?;
    }
    sink.flush_stream()?;
    recorder.send(std::mem::take(&mut records))?;
    let (recorded, to_confirm) = recorder.finish()?;
    if let Some(l) = recorded {
        log = Some(l);
    }
    run.confirm_at_end.extend(to_confirm);
    bar.finish_and_clear();
    {
        let mut list = cleanup_list();
        match sink {
            Sink::Stdout(mut w) => w.flush().map_err(|e| Error::Io { path: "stdout".into(), source: e })?,
            Sink::Jsonl(f) => f.commit()?,
            Sink::Dir(_, Some(staging)) => staging.commit(a.force)?,
            Sink::Dir(_, None) => {}
        }
        list.clear();
    }
    // All-or-nothing output is in place: its letters are sent.
    if let Some(log) = &mut log {
        for batch in &run.confirm_at_end {
            log.confirm(batch, &[])?;
        }
    }
    let findings = drafter.findings().unwrap_or_default().to_vec();
    print_bare_findings(&findings);
    let (written, bad) = (run.written, run.bad);
    let resumed =
        if run.resumed > 0 { format!(" ({} already there from an earlier run)", run.resumed) } else { String::new() };
    let skipped =
        if a.skip_sent { format!(", {} already sent", count(run.skipped, "recipient")) } else { String::new() };
    eprintln!("replydraft: {} written{resumed}, {} skipped{skipped}", count(written, "letter"), count(bad, "bad row"));
    if written == 0 && bad > 0 {
        return Ok(ExitCode::from(2));
    }
    if a.letter.deny_stale && findings.iter().any(|f| f.severity == Severity::Error) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// What the recorder's thread hands back: the log, and the batches it recorded pending.
type Recorded = (replydraft::CorrespondenceLog, Vec<replydraft::Batch>);

/// The recorder's thread: records batches of letters, pending (`pending`) or sent,
/// and hands back the log and the ids to confirm.
struct Recorder {
    tx: Option<std::sync::mpsc::SyncSender<Vec<replydraft::Sent>>>,
    handle: Option<std::thread::JoinHandle<Result<Recorded, Error>>>,
}

impl Recorder {
    fn none() -> Recorder {
        Recorder { tx: None, handle: None }
    }

    fn start(mut log: replydraft::CorrespondenceLog, pending: bool) -> Recorder {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<replydraft::Sent>>(4);
        let handle = std::thread::spawn(move || {
            let mut ids = Vec::new();
            for batch in rx {
                if pending {
                    ids.push(log.begin(&batch)?);
                } else {
                    log.record(&batch)?;
                }
            }
            Ok((log, ids))
        });
        Recorder { tx: Some(tx), handle: Some(handle) }
    }

    /// Hands a batch to the thread; if the thread has stopped, its error.
    fn send(&mut self, batch: Vec<replydraft::Sent>) -> Result<(), Error> {
        if batch.is_empty() {
            return Ok(());
        }
        match &self.tx {
            Some(tx) if tx.send(batch).is_ok() => Ok(()),
            Some(_) => self.finish().map(|_| ()),
            None => Ok(()),
        }
    }

    /// Waits for the thread (it records what it was handed): the log back, and the ids
    /// recorded pending.
    fn finish(&mut self) -> Result<(Option<replydraft::CorrespondenceLog>, Vec<replydraft::Batch>), Error> {
        self.tx = None;
        match self.handle.take() {
            Some(h) => {
                let (log, ids) =
                    h.join().map_err(|_| Error::Request("the correspondence log's writer stopped".into()))??;
                Ok((Some(log), ids))
            }
            None => Ok((None, Vec::new())),
        }
    }
}

impl Drop for Recorder {
    /// A run that ends early still records the letters it handed over (written ones).
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// Letters recorded in the log per transaction.
const LOG_BATCH: usize = 8192;

/// A rendered letter waiting to be recorded and written.
struct Queued {
    row: usize,
    line: u64,
    name: String,
    payload: Vec<u8>,
    sent: replydraft::Sent,
}

/// What a bulk run has done so far.
struct Run {
    written: usize,
    resumed: usize,
    bad: usize,
    skipped: usize,
    /// Logged letters of all-or-nothing output, confirmed once it is in place.
    confirm_at_end: Vec<replydraft::Batch>,
    /// With --skip-sent: who was sent a letter on the topic (by the log, or written by
    /// this run), and when.
    sent: std::collections::HashMap<String, replydraft::Date>,
    /// With --skip-sent: who has a letter queued, not yet written.
    queued: std::collections::HashSet<String>,
}

impl Run {
    /// Counts one row's outcome: an error that is the output's ends the run, a bad
    /// row is reported and skipped (under --strict, it ends the run).
    fn settle(
        &mut self,
        outcome: Result<(), Error>,
        a: &BulkArgs,
        source: &str,
        row: usize,
        line: u64,
        bar: &indicatif::ProgressBar,
    ) -> Result<(), Error> {
        match outcome {
            Ok(()) => self.written += 1,
            // Output that cannot be written at all (a full disk, a closed pipe) ends the run.
            Err(e @ Error::Io { .. }) => {
                bar.finish_and_clear();
                return Err(e);
            }
            Err(e) => {
                let msg = e.to_string();
                let msg = if msg.contains(&format!("row {row}")) {
                    msg
                } else {
                    format!("{source}:{line}: row {row}: {msg}")
                };
                if a.strict {
                    bar.finish_and_clear();
                    // Dropping the sink removes the staging directory or temporary file.
                    return Err(Error::Request(format!("{msg} (--strict: no output kept)")));
                }
                self.bad += 1;
                bar.suspend(|| eprintln!("replydraft: {msg}; row skipped"));
            }
        }
        Ok(())
    }

    /// Records the queued letters pending, writes them, and confirms those written
    /// (those of all-or-nothing output once it is in place) and takes out the rest.
    fn flush(
        &mut self,
        log: &mut replydraft::CorrespondenceLog,
        batch: &mut Vec<Queued>,
        sink: &mut Sink,
        a: &BulkArgs,
        source: &str,
        bar: &indicatif::ProgressBar,
    ) -> Result<(), Error> {
        if batch.is_empty() {
            return Ok(());
        }
        let sent: Vec<replydraft::Sent> = batch.iter().map(|q| q.sent.clone()).collect();
        let recorded = log.begin(&sent)?;
        self.queued.clear();
        let mut failed = Vec::new();
        for (q, id) in batch.drain(..).zip(recorded.letters.iter().copied()) {
            let (written, resumed) = (self.written, self.resumed);
            let outcome = write_letter(sink, a, &q.name, &q.payload, &mut self.resumed);
            let settled = self.settle(outcome, a, source, q.row, q.line, bar);
            // Not written, or already there from the interrupted run (whose log settled it).
            if self.written == written || self.resumed > resumed {
                failed.push(id);
            } else if a.skip_sent && !q.sent.recipient.is_empty() {
                self.sent.insert(q.sent.recipient, q.sent.date);
            }
            // A run ended by its output leaves the batch pending: the next open of the
            // log keeps the letters whose files exist.
            settled?;
        }
        log.confirm(&recorded, &failed)
    }
}

/// Where a bulk letter is written, as the log records it: an absolute path (so that the
/// log can tell later whether it exists), or none for standard output.
fn output_path(sink: &Sink, jsonl: Option<&std::path::Path>, name: &str) -> Option<String> {
    let path = match sink {
        Sink::Stdout(_) => return None,
        Sink::Jsonl(_) => jsonl?.to_path_buf(),
        Sink::Dir(dir, _) => dir.join(name),
    };
    Some(std::path::absolute(&path).unwrap_or(path).display().to_string())
}

/// Writes one bulk letter to the sink; `resumed` counts letters an earlier run wrote.
fn write_letter(sink: &mut Sink, a: &BulkArgs, name: &str, payload: &[u8], resumed: &mut usize) -> Result<(), Error> {
    match sink {
        Sink::Stdout(w) => w.write_all(payload).map_err(|e| Error::Io { path: "stdout".into(), source: e }),
        Sink::Jsonl(f) => f.write_all(payload).map_err(|e| Error::Io {
            path: a.jsonl.as_ref().map_or(String::new(), |p| p.display().to_string()),
            source: e,
        }),
        Sink::Dir(_, Some(staging)) => uninterrupted(|| staging.write(name, payload)),
        Sink::Dir(dir, None) => {
            let path = dir.join(name);
            if a.resume && !a.force {
                if let Ok(old) = std::fs::read(&path) {
                    if old == payload {
                        *resumed += 1;
                        return Ok(());
                    }
                    return Err(Error::Request(format!(
                        "{}: exists with other content (use --force to overwrite)",
                        path.display()
                    )));
                }
            }
            uninterrupted(|| replydraft::cli::write_atomic(&path, payload, a.force))
        }
    }
}

/// The blocks of a letter as the log records them: each id with the hash of its text.
fn logged_blocks(library: &Library, ids: &[String]) -> std::sync::Arc<[(String, String)]> {
    ids.iter().filter_map(|id| library.block(id).map(|b| (id.clone(), replydraft::text_hash(&b.text)))).collect()
}

/// A letter in `format`: its plain-text (or JSON, Markdown, HTML) draft and the bytes to write.
fn letter_bytes(
    library: &Library,
    request: &DraftRequest,
    format: LetterFormat,
    from: Option<&str>,
) -> Result<(replydraft::Draft, Vec<u8>), Error> {
    Ok(match format {
        LetterFormat::Docx => {
            let draft = library.draft(request)?;
            let bytes = library.docx(&draft)?;
            (draft, bytes)
        }
        LetterFormat::Eml => {
            let email = library.email(request, from)?;
            (email.draft, email.message)
        }
        LetterFormat::Json => {
            let draft = library.draft(request)?;
            let bytes = draft.to_json().into_bytes();
            (draft, bytes)
        }
        _ => {
            let draft = library.draft(request)?;
            let bytes = draft.text.clone().into_bytes();
            (draft, bytes)
        }
    })
}

/// The review page of `draft` (re-drafted as plain text when it is another format),
/// written to a temporary file for `path`: in place once committed.
fn review_page(
    library: &Library,
    request: &DraftRequest,
    draft: &replydraft::Draft,
    path: &std::path::Path,
    force: bool,
) -> Result<replydraft::cli::AtomicFile, Error> {
    let plain;
    let shown = if draft.format == Format::Text {
        draft
    } else {
        let mut r = request.clone();
        r.format = Format::Text;
        plain = library.draft(&r)?;
        &plain
    };
    let mut page = temp_file(path, force)?;
    page.write_all(replydraft::Review::of_draft(shown).to_html().as_bytes())
        .map_err(|e| Error::Io { path: path.display().to_string(), source: e })?;
    Ok(page)
}

fn reply(a: ReplyArgs) -> Result<ExitCode, Error> {
    let library = a.library.load()?;
    let (name, bytes) = read_bytes(&a.incoming)?;
    let incoming = replydraft::Incoming::read(&name, &bytes)?;
    let topic = match a.topic {
        Some(t) => t,
        None => match library.reply_topic(&incoming) {
            replydraft::TopicChoice::Chosen(t) => t,
            replydraft::TopicChoice::Unclear(top) => {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "replydraft: {name}: no topic clearly leads; choose one with --topic:");
                for s in &top {
                    let _ = writeln!(err, "  {}\t{:.3}\t{}", s.topic, s.score, s.title);
                }
                return Ok(ExitCode::from(2));
            }
            _ => {
                return Err(Error::Request(format!(
                    "{name}: no topic of the library fits this message; choose one with --topic (see `replydraft topics`)"
                )));
            }
        },
    };
    let mut request = library.reply_request(&incoming, &topic, date_or_today(&a.date)?)?;
    request.sender = a.sender;
    request.format = a.format.into();
    for note in &incoming.notes {
        eprintln!("replydraft: {name}: {note}");
    }
    let r = &request.recipient;
    eprintln!(
        "replydraft: replying to {}{}{} on {topic}",
        r.name.as_deref().unwrap_or("an unnamed writer"),
        r.email.as_deref().map(|e| format!(" <{e}>")).unwrap_or_default(),
        if r.address.is_empty() { String::new() } else { format!(", {}", r.address.join(", ")) }
    );
    let out = Delivery { log: a.log, format: a.format, from: a.from, output: a.output, deny_stale: a.deny_stale };
    deliver(&library, &request, &out)
}

/// Where and how one letter goes: shared by `draft` and `reply`.
struct Delivery {
    log: Option<PathBuf>,
    format: LetterFormat,
    from: Option<String>,
    output: OutputArgs,
    deny_stale: bool,
}

/// Drafts `request`, writes the letter (and its review page), prints its findings.
/// Everything is made before anything is written, and the review page is moved into
/// place only after the letter: a failure leaves no file (but a letter that replaced
/// one or went to standard output, which stays, and is logged).
fn deliver(library: &Library, request: &DraftRequest, d: &Delivery) -> Result<ExitCode, Error> {
    if d.format == LetterFormat::Docx && d.output.out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(Error::Request("a Word document is not for the terminal: give --out FILE.docx".into()));
    }
    let (draft, bytes) = letter_bytes(library, request, d.format, d.from.as_deref())?;
    facts_notice(library, request.date);
    let review = d.output.review.as_ref().map(|path| review_page(library, request, &draft, path, d.output.force));
    let review = review.transpose()?;
    // Recorded pending before the letter is written, confirmed after (see `bulk`).
    let mut logged = None;
    if let Some(path) = &d.log {
        let mut log = replydraft::CorrespondenceLog::open(path)?;
        let ids: Vec<String> = draft.blocks.iter().filter(|b| b.parent.is_none()).map(|b| b.id.clone()).collect();
        let mut sent = replydraft::Sent::new(
            replydraft::recipient_key(&request.recipient.normalized()),
            &draft.topic,
            logged_blocks(library, &ids),
            draft.date,
        );
        sent.output = d.output.out.as_ref().map(|p| std::path::absolute(p).unwrap_or(p.clone()).display().to_string());
        sent.findings = draft.findings.len();
        if let Some(path) = &d.output.out {
            sent.proof = replydraft::Proof::file(path, &bytes);
        }
        let id = log.begin(&[sent])?;
        logged = Some((log, id));
    }
    let new = d.output.out.as_ref().is_some_and(|p| std::fs::symlink_metadata(p).is_err());
    let mut written = match &d.output.out {
        Some(path) => uninterrupted(|| replydraft::cli::write_atomic(path, &bytes, d.output.force)),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes).and_then(|()| out.flush()).map_err(|e| Error::Io { path: "stdout".into(), source: e })
        }
    };
    let mut kept = written.is_ok();
    if let (Ok(()), Some(page)) = (&written, review) {
        let mut list = cleanup_list();
        written = page.commit();
        list.clear();
        // No page: a letter new in its file goes too.
        if let (Err(_), Some(path), true) = (&written, &d.output.out, new) {
            kept = std::fs::remove_file(path).is_err();
        }
    }
    if let Some((mut log, id)) = logged {
        if kept { log.confirm(&id, &[])? } else { log.cancel(&id)? }
    }
    written?;
    if d.format != LetterFormat::Json {
        print_findings(&draft.text, &draft.findings);
    }
    if d.deny_stale && draft.findings.iter().any(|f| f.severity == Severity::Error) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn draft(a: DraftArgs) -> Result<ExitCode, Error> {
    let library = a.letter.library.load()?;
    let mut request = a.letter.request()?;
    request.recipient.name = a.to;
    request.recipient.salutation = a.salutation;
    request.recipient.address = a.address;
    request.recipient.email = a.email;
    for f in &a.fields {
        let (k, v) = f.split_once('=').ok_or_else(|| Error::Request(format!("--field `{f}`: write NAME=VALUE")))?;
        request.recipient.fields.insert(k.trim().to_string(), v.to_string());
    }
    let out = Delivery {
        log: a.letter.log.clone(),
        format: a.letter.format,
        from: a.letter.from.clone(),
        output: a.output,
        deny_stale: a.letter.deny_stale,
    };
    deliver(&library, &request, &out)
}

fn check_threshold(t: f32) -> Result<(), Error> {
    if (0.0..=1.0).contains(&t) {
        Ok(())
    } else {
        Err(Error::Request(format!("--threshold {t}: give a similarity from 0 to 1")))
    }
}

fn date_or_today(date: &Option<String>) -> Result<replydraft::Date, Error> {
    date.as_deref().map_or_else(|| Ok(today()), parse_date)
}

/// One finding in text form; `at` says where it is (bytes, or file:line:column).
fn write_finding(out: &mut dyn Write, at: &str, f: &Finding) -> std::io::Result<()> {
    let since = f.since.map(|d| format!(" since {d}")).unwrap_or_default();
    let block = f.block.as_deref().map(|b| format!(" [{b}]")).unwrap_or_default();
    let mut text: String = f.text.chars().take(100).collect();
    if text.len() < f.text.len() {
        text.push('…');
    }
    writeln!(out, "{at}{}: {}{}{}: \"{}\"", f.severity, f.kind, block, since, text.replace('\n', " "))?;
    writeln!(out, "    {}", f.message)?;
    if let Some(s) = &f.suggestion {
        writeln!(out, "    suggestion: {s}")?;
    }
    if let Some(r) = &f.replacement {
        writeln!(out, "    replace with: \"{r}\" (replydraft fix applies it)")?;
    }
    Ok(())
}

/// Whether findings are coloured: `--color`, then NO_COLOR, then whether the stream
/// is a terminal.
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// When to colour output.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    /// When the output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

fn color_for(terminal: bool) -> bool {
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Findings about `text` as rustc prints diagnostics: the severity and kind, the
/// message, the file, line and column, the line itself with the span underlined, and
/// the date, suggestion and replacement as notes.
fn render_findings(path: &str, text: &str, findings: &[&Finding], color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut lines = Lines::new(text);
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::NOTE,
        };
        let title = level.primary_title(f.message.as_str()).id(f.kind.name());
        let mut extra = Vec::new();
        if let Some(b) = &f.block {
            extra.push(Level::NOTE.message(format!("in block `{b}`")));
        }
        if let Some(source) = &f.source {
            extra.push(Level::NOTE.message(format!("source: {source}")));
        }
        if let Some(s) = &f.suggestion {
            extra.push(Level::HELP.message(s.as_str()));
        }
        if let Some(r) = &f.replacement {
            extra.push(Level::HELP.message(format!("replace with \"{r}\" (`replydraft fix` applies it)")));
        }
        let label = f.since.map(|d| format!("since {d}"));
        let group = if text.get(f.start..f.end).is_some() && f.start <= f.end {
            // Only the lines the span is on, and of a very long line only the part
            // around the span: a long letter is not re-read per finding.
            let (line, from, to) = lines.around(f.start, f.end);
            let mut annotation = AnnotationKind::Primary.span(f.start - from..f.end - from);
            if let Some(l) = &label {
                annotation = annotation.label(l.as_str());
            }
            let snippet = Snippet::source(&text[from..to]).line_start(line).annotation(annotation);
            if lines.starts_line(from) {
                Group::with_title(title).element(snippet.path(path))
            } else {
                let column = lines.at(f.start).split(':').nth(1).and_then(|c| c.parse().ok()).unwrap_or(1);
                Group::with_title(title)
                    .element(annotate_snippets::Origin::path(path).line(line).char_column(column))
                    .element(snippet)
            }
        } else {
            Group::with_title(title)
        };
        let group: Group = group.elements(extra);
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// Findings without their letter (bulk letters differ per row), on standard error.
fn print_bare_findings(findings: &[Finding]) {
    let mut err = std::io::stderr().lock();
    for f in findings {
        let _ = write_finding(&mut err, &format!("bytes {}..{}: ", f.start, f.end), f);
    }
}

/// A draft's findings, on standard error.
fn print_findings(text: &str, findings: &[Finding]) {
    use std::io::IsTerminal;
    if findings.is_empty() {
        return;
    }
    let all: Vec<&Finding> = findings.iter().collect();
    let shown = render_findings("letter", text, &all, color_for(std::io::stderr().is_terminal()));
    let _ = std::io::stderr().lock().write_all(shown.as_bytes());
}

/// The bytes of a file, or of standard input for `-` (saying so on a terminal).
fn read_bytes(path: &std::path::Path) -> Result<(String, Vec<u8>), Error> {
    let name = path.display().to_string();
    let bytes = if name == "-" {
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            eprintln!("replydraft: reading a letter from standard input; Ctrl-D to end");
        }
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Error::Io { path: name.clone(), source: e })?;
        buf
    } else {
        std::fs::read(path).map_err(|e| Error::Io { path: name.clone(), source: e })?
    };
    Ok((name, bytes))
}

fn read_input(path: &std::path::Path) -> Result<(String, String), Error> {
    let (name, bytes) = read_bytes(path)?;
    let text = letter_text(&name, &bytes)?;
    Ok((name, text))
}

/// The text of a letter or email (see `read_letter`), saying how it was decoded.
fn letter_text(name: &str, bytes: &[u8]) -> Result<String, Error> {
    let letter = replydraft::read_letter(name, bytes)?;
    if let Some(encoding) = &letter.encoding {
        eprintln!("replydraft: {name}: not UTF-8; read as {encoding}");
    }
    Ok(letter.text)
}

/// A text for `times`: UTF-8 as it is, so that offsets are the file's own; anything
/// else decoded as a letter is.
fn read_text(path: &std::path::Path) -> Result<String, Error> {
    if path.as_os_str() == "-" {
        return read_input(path).map(|(_, text)| text);
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Io { path: name.clone(), source: e })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => letter_text(&name, e.as_bytes()),
    }
}

/// The letters under `inputs`, saying what was passed over.
fn corpus_paths(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let found = replydraft::letter_paths(inputs)?;
    for (p, why) in &found.skipped {
        eprintln!("replydraft: {}: skipped: {why}", p.display());
    }
    Ok(found.files)
}

/// Reads letters of a corpus; one that cannot be read or is not text is passed over
/// with a warning instead of stopping the run (with `strict`, it stops the run).
fn read_corpus(paths: &[PathBuf], strict: bool) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        match read_input(p) {
            Ok(letter) => out.push(letter),
            Err(e) if strict => return Err(Error::Request(format!("{e} (--strict)"))),
            Err(e) => eprintln!("replydraft: {e}; skipped"),
        }
    }
    Ok(out)
}

/// `line:column` of byte offsets. Line starts are found once per letter, and columns
/// are counted on from the previous offset when offsets come in order (as findings do).
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// (offset, line, column) of the last answer.
    cursor: (usize, usize, usize),
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        // A line ends at \n, \r\n or a lone \r, as the library splits paragraphs.
        let starts = std::iter::once(0)
            .chain(replydraft::text::lines(text).scan(0, |pos, l| {
                *pos += l.len();
                Some(*pos)
            }))
            .filter(|&p| p < text.len())
            .collect();
        Lines { text, starts, cursor: (0, 1, 1) }
    }

    /// The line number of `start`, and the byte range to show for `start..end`: the
    /// lines it is on, cut to about 200 bytes either side of it on a very long line.
    fn around(&self, start: usize, end: usize) -> (usize, usize, usize) {
        const SIDE: usize = 200;
        let line = self.starts.partition_point(|&s| s <= start).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0);
        let last = self.starts.partition_point(|&s| s <= end.max(start)).max(1);
        let line_end = self.starts.get(last).copied().unwrap_or(self.text.len());
        let line_end = line_end - self.text[..line_end].chars().rev().take_while(|c| matches!(c, '\n' | '\r')).count();
        let line_end = line_end.max(end);
        let mut from = start.saturating_sub(SIDE).max(line_start);
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (end + SIDE).min(line_end);
        while !self.text.is_char_boundary(to) {
            to += 1;
        }
        (line, from, to)
    }

    /// Whether `offset` starts a line.
    fn starts_line(&self, offset: usize) -> bool {
        self.starts.binary_search(&offset).is_ok()
    }

    fn at(&mut self, offset: usize) -> String {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let (from, column) = match self.cursor {
            (o, l, c) if l == line && o <= offset => (o, c),
            _ => (self.starts[line - 1], 1),
        };
        let column = column + self.text.get(from..offset).map_or(0, |t| t.chars().count());
        self.cursor = (offset, line, column);
        format!("{line}:{column}")
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let choice = match cli.color {
        ColorChoice::Auto => 0,
        ColorChoice::Always => 1,
        ColorChoice::Never => 2,
    };
    COLOR.store(choice, std::sync::atomic::Ordering::Relaxed);
    let mut out = std::io::stdout().lock();
    let io = |e| Error::Io { path: "stdout".into(), source: e };
    match cli.command {
        Command::Topics { library } => {
            // One line per topic id: its latest edition.
            let library = library.load()?;
            for t in library.latest_topics() {
                writeln!(out, "{}\t{}", t.id, t.title).map_err(io)?;
            }
        }
        Command::Blocks { topic, library } => {
            let library = library.load()?;
            let ids: Vec<String> = match &topic {
                Some(t) => {
                    let mut r = DraftRequest::new(t.clone(), today());
                    let topic =
                        library.topic_at(t, r.date).ok_or_else(|| Error::Request(format!("unknown topic `{t}`")))?;
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
        Command::Draft(a) => return draft(*a),
        Command::Check { files, date, written, format, out: target, force, all, deny_stale, library } => {
            if target.is_some() && format == CheckFormat::Text {
                return Err(Error::Request("--out writes a report: give --format json or html".into()));
            }
            let library = library.load()?;
            let mut options = CheckOptions::new(date_or_today(&date)?);
            options.written = written.as_deref().map(parse_date).transpose()?;
            let files = if files.is_empty() { vec![PathBuf::from("-")] } else { files };
            let inputs = files.iter().map(|p| read_input(p)).collect::<Result<Vec<_>, _>>()?;
            let report = library.check(inputs.iter().map(|(p, t)| (p.as_str(), t.as_str())), &options);
            facts_notice(&library, report.date);
            if format != CheckFormat::Text {
                let doc = if format == CheckFormat::Json {
                    report.to_json()
                } else {
                    let texts: Vec<&str> = inputs.iter().map(|(_, t)| t.as_str()).collect();
                    replydraft::Review::of_check(&report, &texts).to_html()
                };
                match target {
                    Some(path) => replydraft::cli::write_atomic(&path, doc.as_bytes(), force)?,
                    None => out.write_all(doc.as_bytes()).map_err(io)?,
                }
            } else {
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
                    .map_err(io)?;
                    let shown: Vec<&Finding> =
                        file.findings.iter().filter(|f| all || f.severity != Severity::Info).collect();
                    let hidden = file.findings.len() - shown.len();
                    let color = color_for(std::io::IsTerminal::is_terminal(&std::io::stdout()));
                    out.write_all(render_findings(&file.path, text, &shown, color).as_bytes()).map_err(io)?;
                    let of = |s| file.findings.iter().filter(|f| f.severity == s).count();
                    let more = if hidden > 0 { " (--all shows info)" } else { "" };
                    writeln!(
                        out,
                        "  {}, {}, {} info{more}\n",
                        count(of(Severity::Error), "error"),
                        count(of(Severity::Warning), "warning"),
                        of(Severity::Info)
                    )
                    .map_err(io)?;
                }
            }
            if deny_stale && report.has_errors() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Bulk(a) => return bulk(*a),
        Command::Approve { block, by, date, library } => {
            let by = by.trim().to_string();
            if by.is_empty() || by.contains(char::is_control) {
                return Err(Error::Request("--by: give the approver's name".into()));
            }
            let on = date_or_today(&date)?;
            let file = Library::decide(&library, &block, &replydraft::Decision::Approve { by: by.clone(), on })?;
            eprintln!("replydraft: {block} approved by {by} on {on} ({})", file.display());
        }
        Command::Log { recipient, topic, since, format, log } => {
            if !log.exists() {
                return Err(Error::Request(format!("{}: no correspondence log here (give --log FILE)", log.display())));
            }
            let log = replydraft::CorrespondenceLog::open(&log)?;
            let mut query = replydraft::LogQuery::default();
            query.recipient = recipient;
            query.topic = topic;
            query.since = since.as_deref().map(parse_date).transpose()?;
            let letters = log.query(&query)?;
            let blocks = |s: &replydraft::Sent| s.blocks.iter().map(|(b, _)| b.as_str()).collect::<Vec<_>>().join(" ");
            match format {
                LogFormat::Json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&letters).unwrap_or_default()).map_err(io)?
                }
                LogFormat::Csv => {
                    let mut w = csv::Writer::from_writer(Vec::new());
                    let header = ["id", "date", "recipient", "topic", "blocks", "findings", "output"];
                    w.write_record(header).map_err(|e| Error::Request(e.to_string()))?;
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
                        w.write_record(&row).map_err(|e| Error::Request(e.to_string()))?;
                    }
                    let bytes = w.into_inner().map_err(|e| Error::Request(e.to_string()))?;
                    out.write_all(&bytes).map_err(io)?;
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
                        .map_err(io)?;
                    }
                }
            }
        }
        Command::Retire { block, library } => {
            let file = Library::decide(&library, &block, &replydraft::Decision::Retire)?;
            eprintln!("replydraft: {block} retired ({})", file.display());
        }
        Command::Reply(a) => return reply(*a),
        Command::Ingest { inputs, min_letters, threshold, as_of, out: path, force, strict } => {
            check_threshold(threshold)?;
            let mut options = replydraft::IngestOptions::new(date_or_today(&as_of)?);
            options.min_letters = min_letters.max(1);
            options.threshold = threshold;
            if path.exists() && !force {
                return Err(Error::Exists { path: path.display().to_string() });
            }
            sweep(parent_dir(&path));
            let paths = corpus_paths(&inputs)?;
            let bar = progress("letters read");
            let mut corpus = replydraft::Corpus::new();
            for chunk in paths.chunks(2048) {
                let letters = read_corpus(chunk, strict)?;
                corpus.add(letters);
                bar.inc(chunk.len() as u64);
            }
            bar.set_message("grouping paragraphs");
            let proposed = corpus.propose(&options);
            bar.finish_and_clear();
            replydraft::cli::write_atomic(&path, corpus.to_toml(&proposed, &options).as_bytes(), force)?;
            let (l, p, d) = corpus.counts();
            eprintln!(
                "replydraft: {}, {} ({d} distinct): {} proposed in {}",
                count(l, "letter"),
                count(p, "paragraph"),
                count(proposed.len(), "block"),
                path.display()
            );
        }
        Command::Init { dir, name, office_title, office, force } => {
            let id = replydraft::text::slug(&name);
            if id.is_empty() {
                return Err(Error::Request(format!("--name {name:?}: give a name with letters in it")));
            }
            let mut sender = Library::embedded()?
                .senders()
                .first()
                .cloned()
                .ok_or_else(|| Error::Request("the default library has no sender to start from".into()))?;
            sender.id = id;
            sender.signature = vec![name.clone(), office_title.clone()];
            (sender.name, sender.office_title, sender.office) = (name, office_title, office);
            sender.letterhead = Vec::new();
            sender.address = vec!["House of Commons".into(), "London SW1A 0AA".into()];
            sender.signoff = "Yours sincerely,".into();
            sender.date_style = replydraft::DateStyle::default();
            let files = replydraft::starter_files(&sender)?;
            // The written library must load: an unknown --office is named here, not later.
            let first_topic = Library::from_files(files.clone())?.latest_topics().next().map(|t| t.id.clone());
            if !force {
                if let Some((n, _)) = files.iter().find(|(n, _)| dir.join(n).exists()) {
                    let at = dir.join(n);
                    return Err(Error::Exists { path: at.display().to_string() });
                }
            }
            for (n, text) in &files {
                let path = dir.join(n);
                std::fs::create_dir_all(parent_dir(&path))
                    .map_err(|e| Error::Io { path: path.display().to_string(), source: e })?;
                replydraft::cli::write_atomic(&path, text.as_bytes(), force)?;
            }
            eprintln!(
                "replydraft: wrote {} to {}; try: replydraft draft --library {} --topic {}",
                count(files.len(), "file"),
                dir.display(),
                dir.display(),
                first_topic.as_deref().unwrap_or("TOPIC")
            );
        }
        Command::Campaigns { inputs, threshold, format, strict } => {
            check_threshold(threshold)?;
            let paths = corpus_paths(&inputs)?;
            let messages = read_corpus(&paths, strict)?;
            let campaigns = replydraft::campaigns(&messages, threshold);
            match format {
                ReportFormat::Json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&campaigns).unwrap_or_default()).map_err(io)?
                }
                ReportFormat::Text => {
                    for (i, c) in campaigns.iter().enumerate() {
                        let rep: String = c
                            .representative
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .chars()
                            .take(160)
                            .collect();
                        writeln!(out, "campaign {} ({}): {rep}", i + 1, count(c.members.len(), "message"))
                            .map_err(io)?;
                        for m in &c.members {
                            writeln!(out, "  {m}").map_err(io)?;
                        }
                    }
                }
            }
        }
        Command::Suggest { file, format, library } => {
            let library = library.load()?;
            let (_, text) = read_input(&file)?;
            let found = library.suggest(&text);
            match format {
                ReportFormat::Json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&found).unwrap_or_default()).map_err(io)?
                }
                ReportFormat::Text => {
                    for s in found.iter().take(3) {
                        writeln!(out, "{}\t{:.3}\t{}\t{}", s.topic, s.score, s.title, s.matched.join(", "))
                            .map_err(io)?;
                    }
                }
            }
            if found.is_empty() {
                eprintln!("replydraft: no topic matches this message");
                return Ok(ExitCode::from(3));
            }
        }
        Command::Fix { file, written, date, out: target, force, library } => {
            let library = library.load()?;
            let mut options = CheckOptions::new(date_or_today(&date)?);
            options.written = written.as_deref().map(parse_date).transpose()?;
            let (name, bytes) = read_bytes(&file)?;
            let text = letter_text(&name, &bytes)?;
            let report = library.check_letter(&name, &text, &options);
            if report.written.is_none() {
                return Err(Error::Request(format!(
                    "{name}: when the letter was written is unknown: pass --written YYYY-MM-DD"
                )));
            }
            let (fixed, applied) = report.fixed(&text);
            // An email is written back whole: only its body's text changes.
            let fixed = replydraft::rewrite_letter(&name, &bytes, &fixed)?;
            let mut err = std::io::stderr().lock();
            let mut lines = Lines::new(&text);
            for f in &applied {
                let _ = writeln!(
                    err,
                    "{name}:{}: \"{}\" -> \"{}\"",
                    lines.at(f.start),
                    f.text,
                    f.replacement.as_deref().unwrap_or_default()
                );
            }
            let _ = writeln!(err, "{}", count(applied.len(), "change"));
            match target {
                Some(path) => replydraft::cli::write_atomic(&path, &fixed, force)?,
                None => out.write_all(&fixed).map_err(io)?,
            }
        }
        Command::Times { file, reference, format } => {
            let anchor = parse_date(&reference)?;
            let text = read_text(&file)?;
            let found = replydraft::timex::find(&text, anchor);
            match format {
                ReportFormat::Json => {
                    let json = serde_json::json!({ "ref": anchor, "timexes": found.iter().map(|t| {
                        let mut v = serde_json::to_value(t).unwrap_or_default();
                        if let Some(o) = v.as_object_mut() {
                            o.insert("text".into(), text[t.start..t.end].into());
                        }
                        v
                    }).collect::<Vec<_>>() });
                    writeln!(out, "{json}").map_err(io)?
                }
                ReportFormat::Text => {
                    for t in &found {
                        let span = match (t.first, t.last) {
                            (Some(a), Some(b)) => format!("\t{a}..{b}"),
                            _ => String::new(),
                        };
                        writeln!(
                            out,
                            "{}..{}\t{}\t{}\t{}{span}",
                            t.start,
                            t.end,
                            t.kind.name(),
                            t.value,
                            &text[t.start..t.end]
                        )
                        .map_err(io)?;
                    }
                }
            }
        }
        // Both are written to memory first: clap_complete panics on a failed write.
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "replydraft", &mut script);
            out.write_all(&script).map_err(io)?;
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page).map_err(io)?;
            out.write_all(&page).map_err(io)?;
        }
        Command::Validate { date, format, deny_stale, library } => {
            let library = library.load()?;
            let v = library.validate(date_or_today(&date)?);
            match format {
                ReportFormat::Json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(io)?
                }
                ReportFormat::Text => {
                    writeln!(
                        out,
                        "library: {}, {}, {}; at {}",
                        count(library.blocks().len(), "block"),
                        topic_count(&library),
                        count(library.senders().len(), "sender"),
                        v.date
                    )
                    .map_err(io)?;
                    for b in &v.blocks {
                        writeln!(out, "block {} ({})", b.block, b.at).map_err(io)?;
                        for f in &b.findings {
                            write_finding(&mut out, "  ", f).map_err(io)?;
                        }
                    }
                    for (id, why) in &v.senders {
                        writeln!(out, "sender {id}: {why}").map_err(io)?;
                    }
                    for (id, why) in &v.awaiting_approval {
                        writeln!(out, "awaiting approval: {id} ({why})").map_err(io)?;
                    }
                    for (id, on, by) in &v.approvals_due {
                        writeln!(out, "approval due again: {id} (approved {on}; to be reviewed by {by})")
                            .map_err(io)?;
                    }
                    if !v.unrecorded.is_empty() {
                        writeln!(
                            out,
                            "approved with no record of who approved them: {} ({}; `replydraft approve ID --by NAME` records it)",
                            count(v.unrecorded.len(), "block"),
                            v.unrecorded.join(", ")
                        )
                        .map_err(io)?;
                    }
                    if let Some(known) = v.facts_known_to.filter(|_| v.facts_behind()) {
                        writeln!(out, "warning: the facts base is known to {known}, more than six months before {}: add what has happened since (offices, events, bills) and move `known_to` on", v.date).map_err(io)?;
                    }
                    if !v.superseded_blocks.is_empty() || !v.superseded_senders.is_empty() {
                        writeln!(
                            out,
                            "not judged: {} and {} that only superseded topic editions use (kept for older letters)",
                            count(v.superseded_blocks.len(), "block"),
                            count(v.superseded_senders.len(), "sender")
                        )
                        .map_err(io)?;
                    }
                    writeln!(
                        out,
                        "{}, {} in {}; {} cannot sign",
                        count(v.errors(), "error"),
                        count(v.warnings(), "warning"),
                        count(v.blocks.len(), "block"),
                        count(v.senders.len(), "sender")
                    )
                    .map_err(io)?;
                }
            }
            if deny_stale && !v.is_clean() {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the command line adds to a library error: the flag that changes the outcome
/// (the library's own messages never name a flag).
fn hint(e: &Error) -> &'static str {
    match e {
        Error::Exists { .. } => " (use --force to overwrite)",
        _ => "",
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = ctrlc::set_handler(on_signal);
    match run(cli) {
        Ok(code) => code,
        // A reader that stops early (`| head`) is not an error: end quietly, as other tools do.
        Err(Error::Io { path, source }) if path == "stdout" && source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        // One style with clap's own usage errors: `error: …`, exit 2.
        Err(e) => {
            eprintln!("error: {e}{}", hint(&e));
            ExitCode::from(2)
        }
    }
}
