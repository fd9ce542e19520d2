//! The one error type of the crate, carrying where the problem is.

use std::fmt;

/// A place in an input file: file name, 1-based line and column. It is the time crate's,
/// whose rules loader locates errors in the same way (one place for it, and for the
/// index of a text's lines that finds it).
///
/// ```
/// let at = replydraft::Location::new("topics.toml", 3, 10);
/// assert_eq!(at.to_string(), "topics.toml:3:10");
/// let at = replydraft::Location::at_offset("a.toml", "x = 1\ny = 2\n", 8);
/// assert_eq!((at.line, at.column), (2, 3));
/// ```
pub use replydraft_time::rules::Location;

pub(crate) use replydraft_time::rules::LineIndex;

/// Everything that can go wrong in replydraft. Every variant says where.
///
/// ```
/// use replydraft::{Desk, DraftRequest, Library};
/// let desk = Desk::new(Library::embedded().unwrap());
/// let request = DraftRequest::new("no-such-topic", "2024-01-01".parse().unwrap());
/// let err = desk.draft(&request).unwrap_err();
/// assert!(err.is_bad_request());
/// assert!(err.to_string().contains("no-such-topic"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be parsed (malformed TOML, a wrong type, an unknown field, a bad date).
    #[error("{at}: {message}")]
    Syntax {
        /// Where.
        at: Location,
        /// What is wrong, and how to fix it where that is known.
        message: String,
    },
    /// The library parsed but is inconsistent: duplicate or dangling ids, a claim quote
    /// that is not in its block, a template syntax error, an include cycle.
    #[error("{at}: {message}")]
    Invalid {
        /// Where.
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// Rendering a block or layout failed, typically a missing merge field.
    #[error("{template}{}: {message}", field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
    Render {
        /// `block \`id\`` or `layout \`name\``.
        template: String,
        /// The merge field at fault, when known.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A request names something the library does not have: a topic, block or sender.
    #[error("unknown {what} `{name}`{}", did_you(suggestion))]
    Unknown {
        /// `topic`, `block` or `sender`.
        what: &'static str,
        /// The name as given.
        name: String,
        /// The nearest name there is, when one is close.
        suggestion: Option<String>,
    },
    /// A topic with no default sender, drafted without naming one.
    #[error("topic `{topic}` has no default sender: choose one of {}", choices.join(", "))]
    NoSender {
        /// The topic.
        topic: String,
        /// The senders there are.
        choices: Vec<String>,
    },
    /// No layout of this name for the format asked for.
    #[error("no layout `{layout}` for format {format}{}", did_you(suggestion))]
    NoLayout {
        /// The layout as named.
        layout: String,
        /// The format (`Text`, `Html` ...).
        format: String,
        /// The nearest layout there is, when one is close.
        suggestion: Option<String>,
    },
    /// A value that cannot be read: a date, a length of time, a format's name.
    #[error("invalid {what} `{value}`: {problem}")]
    Value {
        /// What the value was to be (`date`, `length of time`, `format`).
        what: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong, and how to write it.
        problem: String,
    },
    /// An email message for a recipient who has no email address.
    #[error("{recipient}: no email address to send to (give the recipient an email address, or an email column)")]
    NoRecipientEmail {
        /// The recipient's name, or "the recipient".
        recipient: String,
    },
    /// An email message from a sender who has no email address, and none given.
    #[error("sender `{sender}` has no email address: give a From address, or set `email` in its [[sender]]")]
    NoSenderEmail {
        /// The sender's id.
        sender: String,
    },
    /// An input that is not text (or not UTF-8 where UTF-8 is needed).
    #[error("{file}{}: {problem}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    NotText {
        /// The file (or `-`).
        file: String,
        /// The line of the first bad byte, when known.
        line: Option<usize>,
        /// What is wrong.
        problem: String,
    },
    /// A path that cannot be used as asked: a directory where a file is wanted, a
    /// symbolic link to be replaced, a library directory with no library files.
    #[error("{path}: {problem}")]
    Path {
        /// The path.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A file to be written exists already with other content, when a run that was
    /// interrupted is resumed.
    #[error("{path}: exists with other content")]
    Differs {
        /// The file.
        path: String,
    },
    /// A library file that cannot be edited as asked (recording an approval or a
    /// retirement).
    #[error("{file}: {problem}")]
    Edit {
        /// The library file.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// A CSV of recipients that cannot be read, or one row of it.
    #[error(
        "{file}:{line}: {}{problem}{}",
        row.map(|r| format!("row {r}: ")).unwrap_or_default(),
        text.as_deref().map(|t| format!(" (the line reads: {t:?})")).unwrap_or_default()
    )]
    Csv {
        /// The CSV as named (`-` for standard input).
        file: String,
        /// The line in it.
        line: u64,
        /// The data row (1-based), for an error in a row.
        row: Option<usize>,
        /// What is wrong.
        problem: String,
        /// The row's raw text as it stands in the file (its first line, at most 200
        /// characters), for a row that could not be read.
        text: Option<String>,
    },
    /// The letter of one row of a bulk run could not be made.
    #[error("{file}:{line}: row {row}: {error}")]
    Row {
        /// The CSV as named.
        file: String,
        /// The row's line in it.
        line: u64,
        /// The data row (1-based).
        row: usize,
        /// Why its letter could not be made.
        #[source]
        error: Box<Error>,
    },
    /// A correspondence log that cannot be used: not a log, a newer schema, a bad row,
    /// a writer that stopped.
    #[error("{path}: {problem}")]
    Log {
        /// The log file.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// The correspondence log's database failed.
    #[cfg(feature = "log")]
    #[error("{path}: correspondence log: {source}")]
    Database {
        /// The log file.
        path: String,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A bulk run's letter would hold blocks that may not go out (drafts, texts changed
    /// since approval, retired blocks): the approval gate.
    #[error("bulk sends only approved blocks; not approved: {}", blocks.iter().map(|(id, state)| format!("{id} ({state})")).collect::<Vec<_>>().join(", "))]
    Unapproved {
        /// Each block with its state (`draft`, `retired` ...).
        blocks: Vec<(String, String)>,
    },
    /// A letter with out-of-date claims (error findings at its date), where none may go
    /// out: the stale gate.
    #[error("the letter has {errors} out-of-date claim{}", if *errors == 1 { "" } else { "s" })]
    Stale {
        /// How many error findings.
        errors: usize,
    },
    /// Something asked for that this kind of output cannot do.
    #[error("{what}")]
    Unsupported {
        /// What cannot be done, and what can.
        what: String,
    },
    /// Output could not be encoded (a Word document, an email message, TOML).
    #[error("could not write {what}: {problem}")]
    Encode {
        /// What was being written.
        what: String,
        /// The encoder's error.
        problem: String,
    },
    /// A run stopped because its caller asked it to ([`Cleanup::stop`](crate::Cleanup::stop)).
    #[error("interrupted")]
    Interrupted,
    /// An email address that cannot be used: not of the form `name@domain`, or holding
    /// white space or a control character.
    #[error("{address:?} is not an email address: {reason}")]
    Address {
        /// The address as given.
        address: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An incoming message that cannot be read or written back safely: who sent it is in
    /// doubt (two `From:` fields, a `Sender:` that differs), or its text cannot be
    /// rewritten in place.
    #[error("{file}: {message}")]
    Message {
        /// The file the message came from.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A file to be written exists already, and replacing it was not asked for.
    #[error("{path}: exists already")]
    Exists {
        /// The file.
        path: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl Error {
    /// True for errors in library files (syntax or consistency).
    pub fn is_library(&self) -> bool {
        matches!(self, Error::Syntax { .. } | Error::Invalid { .. })
    }

    /// True when rendering failed (a missing merge field, a bad condition).
    pub fn is_render(&self) -> bool {
        matches!(self, Error::Render { .. })
    }

    /// True when a request was unusable (unknown topic, sender or block, bad value).
    pub fn is_bad_request(&self) -> bool {
        matches!(
            self,
            Error::Unknown { .. }
                | Error::NoSender { .. }
                | Error::NoLayout { .. }
                | Error::Value { .. }
                | Error::NoRecipientEmail { .. }
                | Error::NoSenderEmail { .. }
                | Error::NotText { .. }
                | Error::Path { .. }
                | Error::Differs { .. }
                | Error::Csv { .. }
                | Error::Row { .. }
                | Error::Unapproved { .. }
                | Error::Unsupported { .. }
                | Error::Address { .. }
                | Error::Message { .. }
                | Error::Exists { .. }
        )
    }

    /// True for I/O failures.
    pub fn is_io(&self) -> bool {
        matches!(self, Error::Io { .. })
    }

    /// Where the problem is, for errors tied to a file position.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Syntax { at, .. } | Error::Invalid { at, .. } => Some(at),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl fmt::Display, source: std::io::Error) -> Error {
        Error::Io { path: path.to_string(), source }
    }

    /// An unknown `what` (topic, block, sender) named `name`, with the nearest of `known`.
    pub(crate) fn unknown<'a>(what: &'static str, name: &str, known: impl IntoIterator<Item = &'a str>) -> Error {
        Error::Unknown { what, name: name.to_string(), suggestion: did_you_mean(name, known).map(String::from) }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `" (did you mean `x`?)"` for a suggestion, or nothing.
fn did_you(suggestion: &Option<String>) -> String {
    suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
}

/// The closest of `candidates` to `word`, for "did you mean" hints.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (similar::TextDiff::from_chars(word, c).ratio(), c))
        .filter(|(r, _)| *r >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` or nothing.
pub(crate) fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default()
}
