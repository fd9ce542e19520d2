//! The one error type of the crate, carrying where the problem is.

use std::fmt;

/// A place in an input file: file name, 1-based line and column.
///
/// ```
/// let at = replydraft::Location::new("topics.toml", 3, 10);
/// assert_eq!(at.to_string(), "topics.toml:3:10");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The file, as named when the library was loaded (relative to its root).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl Location {
    /// A location from its parts.
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Location {
        Location { file: file.into(), line, column }
    }

    /// The location of byte `offset` in `text`, a file named `file`.
    ///
    /// ```
    /// let at = replydraft::Location::at_offset("a.toml", "x = 1\ny = 2\n", 8);
    /// assert_eq!((at.line, at.column), (2, 3));
    /// ```
    pub fn at_offset(file: &str, text: &str, offset: usize) -> Location {
        LineIndex::new(text).at(file, offset)
    }
}

/// The line starts of a text, found once, so that the location of any offset is a
/// binary search and a count within its line (loading a file of many items is then
/// linear in its size, not quadratic).
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    /// The location of byte `offset` (clamped to the text, moved back to a character boundary).
    pub(crate) fn at(&self, file: &str, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let column = self.text[self.starts[line - 1]..offset].chars().count() + 1;
        Location { file: file.to_string(), line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

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
