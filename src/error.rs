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
/// use replydraft::{Library, DraftRequest};
/// let library = Library::embedded().unwrap();
/// let request = DraftRequest::new("no-such-topic", "2024-01-01".parse().unwrap());
/// let err = library.draft(&request).unwrap_err();
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
    /// A request names something the library does not have, or is otherwise unusable.
    #[error("{0}")]
    Request(String),
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
        matches!(self, Error::Request(_) | Error::Address { .. } | Error::Message { .. } | Error::Exists { .. })
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
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
