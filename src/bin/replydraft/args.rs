//! The command line's flags (clap definitions): what each subcommand takes. Turning
//! them into the library's options and values is `options.rs`'s work.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "replydraft", version, about = "Drafts replies to constituents and flags what is no longer true")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour findings: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// How `check`, `validate` and `campaigns` report.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Lines for people.
    Text,
    /// One JSON document.
    Json,
}

/// How `log` lists letters.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One letter a line.
    Text,
    /// One JSON document.
    Json,
    /// CSV with a header.
    Csv,
}

/// How `check` reports.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Findings with the letter's line, the span underlined (rustc style).
    Text,
    /// One JSON document.
    Json,
    /// A self-contained review page: the letters as written, findings highlighted.
    Html,
}

/// What a letter is written as.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LetterFormat {
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

#[derive(clap::Args)]
pub struct LibraryArg {
    /// A library directory or TOML file (default: the embedded library). Repeat it to
    /// combine libraries; `default` names the embedded one (for example
    /// `--library default --library ingested.toml`).
    #[arg(long, value_name = "DIR")]
    pub library: Vec<PathBuf>,
    /// A facts pack to add to the library's facts: a facts TOML file, a register CSV
    /// or a policy table CSV (told by its content). Repeat it for several.
    #[arg(long, value_name = "FILE")]
    pub facts: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// List topics, one a line, the id first.
    Topics(TopicsArgs),
    /// List blocks, one a line: id, role, status, as_of, title.
    Blocks(BlocksArgs),
    /// Draft a letter on a topic.
    Draft(Box<DraftArgs>),
    /// Check letters (files, or - for standard input) for out-of-date statements.
    Check(CheckArgs),
    /// Draft one letter per row of a CSV of recipients.
    Bulk(Box<BulkArgs>),
    /// Reply to an incoming letter or email in one step: read who wrote it, pick the
    /// topic (suggest), draft the reply, check it, print the findings.
    Reply(Box<ReplyArgs>),
    /// Propose blocks from a corpus of past letters (one letter per file).
    Ingest(IngestArgs),
    /// Group incoming messages that share most of their text into campaigns, largest first.
    Campaigns(CampaignsArgs),
    /// Rank the library's topics for an incoming message (top three).
    Suggest(SuggestArgs),
    /// Write a letter out with every certain change applied: relative expressions
    /// ("last year", "today") replaced by the dates they meant; prints what changed.
    Fix(FixArgs),
    /// Find the time expressions in a text: TIMEX3 type and value, the interval each
    /// denotes, UTF-8 byte offsets into the file.
    Times(TimesArgs),
    /// Report library health: every claim out of date at a date, grouped by block.
    Validate(ValidateArgs),
    /// List the sources the facts base is built from: each file, what it is, its
    /// rows and the date it is known to.
    Facts(FactsArgs),
    /// Write a starter library for an office into DIR: the current topics and the
    /// blocks they use, the facts base, the layouts, your sender, and a README on
    /// editing them (then: `replydraft draft --library DIR --topic ...`).
    Init(InitArgs),
    /// Approve a block: record who approved it, when, and the hash of what it says and
    /// how it is checked, in the library file that defines it (comments and formatting kept).
    Approve(ApproveArgs),
    /// Retire a block: it is no longer to be used (bulk refuses it; draft and check flag it).
    Retire(RetireArgs),
    /// List letters in the correspondence log, oldest first.
    Log(LogArgs),
    /// Print a shell completion script (for example `replydraft completions bash >
    /// ~/.local/share/bash-completion/completions/replydraft`).
    Completions(CompletionsArgs),
    /// Print the manual page, in roff (`replydraft man > replydraft.1; man ./replydraft.1`).
    Man,
}

/// What every letter needs: shared by `draft` and `bulk`.
#[derive(clap::Args)]
pub struct LetterArgs {
    /// Topic id (see `replydraft topics`).
    #[arg(long)]
    pub topic: String,
    /// Sender id (default: the topic's sender).
    #[arg(long)]
    pub sender: Option<String>,
    /// A subject line.
    #[arg(long)]
    pub subject: Option<String>,
    /// The date of the letter, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Add a block: an optional one, an alternative, or any other (repeatable).
    #[arg(long = "include", value_name = "ID")]
    pub include: Vec<String>,
    /// Leave a block out (repeatable).
    #[arg(long = "exclude", value_name = "ID")]
    pub exclude: Vec<String>,
    /// Output format (json: draft only; docx: with --out).
    #[arg(long, value_enum, default_value_t = LetterFormat::Text)]
    pub format: LetterFormat,
    /// The address email replies are sent from (--format eml; default: the sender's `email`).
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// Layout: letter (default) or body.
    #[arg(long)]
    pub layout: Option<String>,
    /// Exit 1 when any claim in the letter is out of date (an error finding).
    #[arg(long)]
    pub deny_stale: bool,
    /// Record each letter in the correspondence log (default file: replydraft.db).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "replydraft.db")]
    pub log: Option<PathBuf>,
    #[command(flatten)]
    pub library: LibraryArg,
}

#[derive(clap::Args)]
pub struct DraftArgs {
    #[command(flatten)]
    pub letter: LetterArgs,
    /// The recipient's name.
    #[arg(long = "to", value_name = "NAME")]
    pub to: Option<String>,
    /// The greeting without its comma (default: "Dear NAME", or "Dear Constituent").
    #[arg(long)]
    pub salutation: Option<String>,
    /// A recipient address line (repeat for each line).
    #[arg(long = "address", value_name = "LINE")]
    pub address: Vec<String>,
    /// The recipient's email address.
    #[arg(long)]
    pub email: Option<String>,
    /// A merge field for blocks, NAME=VALUE (repeatable); blocks use it as {{recipient.NAME}}.
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub fields: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Where one letter goes: shared by `draft` and `reply`.
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Write the letter to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write a review page of the letter: its text, every finding highlighted.
    #[arg(long, value_name = "FILE.html")]
    pub review: Option<PathBuf>,
    /// Overwrite --out and --review files that exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(clap::Args)]
pub struct ReplyArgs {
    /// The incoming letter (.txt) or email (.eml), or - for standard input.
    pub incoming: PathBuf,
    /// The topic (default: the one suggest clearly ranks first).
    #[arg(long)]
    pub topic: Option<String>,
    /// Sender id (default: the topic's sender).
    #[arg(long)]
    pub sender: Option<String>,
    /// The date of the reply, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Output format (docx: with --out).
    #[arg(long, value_enum, default_value_t = LetterFormat::Text)]
    pub format: LetterFormat,
    /// The address email replies are sent from (--format eml; default: the sender's `email`).
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 1 when any claim in the reply is out of date (an error finding).
    #[arg(long)]
    pub deny_stale: bool,
    /// Record the reply in the correspondence log (default file: replydraft.db).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "replydraft.db")]
    pub log: Option<PathBuf>,
    #[command(flatten)]
    pub library: LibraryArg,
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("output").required(true).args(["out", "jsonl"]))]
pub struct BulkArgs {
    #[command(flatten)]
    pub letter: LetterArgs,
    /// The recipients: a CSV file with a header (name, salutation, address, email, other merge fields), or -.
    #[arg(long, value_name = "FILE.csv")]
    pub recipients: PathBuf,
    /// Write one file per letter into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write one JSON line per letter to this file, or - for stdout.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
    /// Fail the whole run on the first bad row (and leave no output), instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Exit 0 even when rows were skipped as bad (without it, a run that skipped any exits 2).
    #[arg(long, conflicts_with = "strict")]
    pub allow_bad_rows: bool,
    /// Continue an interrupted `--out` run: letters already written with the same text are kept.
    #[arg(long, conflicts_with = "strict")]
    pub resume: bool,
    /// Send letters with blocks that are not approved (drafts, texts changed since approval, retired).
    #[arg(long)]
    pub allow_unapproved: bool,
    /// Send letters with out-of-date claims (error findings at the letter's date).
    #[arg(long)]
    pub allow_stale: bool,
    /// Skip recipients the log shows were sent a letter on the topic at any time (reported per row);
    /// with --log alone, those sent one within --within days are skipped.
    #[arg(long, requires = "log", conflicts_with = "resend")]
    pub skip_sent: bool,
    /// With --log: recipients sent a letter on the topic in the last DAYS days are skipped (default 30).
    #[arg(long, value_name = "DAYS", requires = "log", value_parser = clap::value_parser!(i64).range(0..=3_652_425))]
    pub within: Option<i64>,
    /// With --log: write to recipients the log shows were sent a letter on the topic recently, too.
    #[arg(long, requires = "log")]
    pub resend: bool,
}

/// When to colour output.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When the output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

// The flags of `topics`.
#[derive(clap::Args)]
pub struct TopicsArgs {
    #[command(flatten)]
    pub library: LibraryArg,
}

// The flags of `blocks`.
#[derive(clap::Args)]
pub struct BlocksArgs {
    /// Only the blocks of this topic, in letter order.
    #[arg(long)]
    pub topic: Option<String>,
    #[command(flatten)]
    pub library: LibraryArg,
}

// The flags of `check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Letters to check; `-` or nothing reads standard input.
    pub files: Vec<PathBuf>,
    /// The date to judge them at, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// When the letters were written (default: inferred from each letter's own dates).
    #[arg(long)]
    pub written: Option<String>,
    /// Output format (html: a review page, for `> review.html` or --out).
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Write the report to this file instead of standard output (never overwrites
    /// without --force).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Show info findings too in text output.
    #[arg(long)]
    pub all: bool,
    /// Exit 1 when any error finding exists.
    #[arg(long)]
    pub deny_stale: bool,
    /// Who signs the letters, as the register names them ("Ann Lee"): their promises
    /// and seat lines are judged against the offices they hold at --date (default: read
    /// from each letter's signature, byline or header).
    #[arg(long, value_name = "NAME")]
    pub signer: Option<String>,
    /// The library sender (an id of senders.toml) who signs the letters: their name and office.
    #[arg(long, value_name = "ID", conflicts_with = "signer")]
    pub sender: Option<String>,
    #[command(flatten)]
    pub library: LibraryArg,
}

// The flags of `ingest`.
#[derive(clap::Args)]
pub struct IngestArgs {
    /// Directories (walked for .txt/.eml files) or files.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Propose blocks used by at least this many letters.
    #[arg(long, default_value_t = 2)]
    pub min_letters: usize,
    /// Paragraphs at least this similar are variants of one block (0 to 1).
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f32,
    /// The as_of date of the proposed blocks (default: today).
    #[arg(long)]
    pub as_of: Option<String>,
    /// The TOML file to write.
    #[arg(long, value_name = "FILE.toml")]
    pub out: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Stop at the first letter that cannot be read (default: warn and go on).
    #[arg(long)]
    pub strict: bool,
}

// The flags of `campaigns`.
#[derive(clap::Args)]
pub struct CampaignsArgs {
    /// Directories (walked for .txt/.eml files) or files.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Messages at least this similar (word ratio, 0 to 1) are one campaign.
    #[arg(long, default_value_t = 0.7)]
    pub threshold: f32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Stop at the first message that cannot be read (default: warn and go on).
    #[arg(long)]
    pub strict: bool,
}

// The flags of `suggest`.
#[derive(clap::Args)]
pub struct SuggestArgs {
    /// The message, or - for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Output format (json: every topic that fits, with its score and matched words).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub library: LibraryArg,
}

// The flags of `fix`.
#[derive(clap::Args)]
pub struct FixArgs {
    /// The letter, or - for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// When the letter was written, YYYY-MM-DD (default: inferred from its own dates).
    #[arg(long)]
    pub written: Option<String>,
    /// The date it is read at (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Where to write the fixed letter (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub library: LibraryArg,
}

// The flags of `times`.
#[derive(clap::Args)]
pub struct TimesArgs {
    /// The text, or - for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// The date the text was written, YYYY-MM-DD: "last year", "Friday" and "in
    /// June" are read from it.
    #[arg(long = "ref", value_name = "YYYY-MM-DD")]
    pub reference: String,
    /// Output format (json: `{"timexes":[{start, end, type, value, first, last}]}`).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

// The flags of `validate`.
#[derive(clap::Args)]
pub struct ValidateArgs {
    /// The date, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit 1 when any error finding exists or a sender can no longer sign.
    #[arg(long)]
    pub deny_stale: bool,
    #[command(flatten)]
    pub library: LibraryArg,
}

// The flags of `facts`.
#[derive(clap::Args)]
pub struct FactsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub library: LibraryArg,
}

// The flags of `init`.
#[derive(clap::Args)]
pub struct InitArgs {
    /// The directory to write (created if needed).
    pub dir: PathBuf,
    /// Who signs: the full name, as in the facts base's tenures.
    #[arg(long)]
    pub name: String,
    /// The office as printed under the name.
    #[arg(long, default_value = "Member of Parliament")]
    pub office_title: String,
    /// The office's id in the facts base (for example mp-daventry): letters signed
    /// out of office are then flagged.
    #[arg(long)]
    pub office: Option<String>,
    /// Overwrite files that exist already.
    #[arg(long)]
    pub force: bool,
}

// The flags of `approve`.
#[derive(clap::Args)]
pub struct ApproveArgs {
    /// The block id.
    pub block: String,
    /// Who approves it.
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// The date of the approval, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// The library directory or TOML file to edit.
    #[arg(long, value_name = "DIR")]
    pub library: PathBuf,
}

// The flags of `retire`.
#[derive(clap::Args)]
pub struct RetireArgs {
    /// The block id.
    pub block: String,
    /// The library directory or TOML file to edit.
    #[arg(long, value_name = "DIR")]
    pub library: PathBuf,
}

// The flags of `log`.
#[derive(clap::Args)]
pub struct LogArgs {
    /// Only letters to this recipient: a key (email:…, name:…), an email, or a name.
    #[arg(long)]
    pub recipient: Option<String>,
    /// Only letters on this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Only letters dated on or after this day, YYYY-MM-DD.
    #[arg(long)]
    pub since: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub format: LogFormat,
    /// The log file.
    #[arg(long, value_name = "FILE", default_value = "replydraft.db")]
    pub log: PathBuf,
}

// The flags of `completions`.
#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}
