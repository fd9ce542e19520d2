//! Rules files: data (word lists, patterns, values) written in TOML and read into typed
//! structures, checked as they are read. One loader serves every rules file, the time
//! rules of this crate and those of the crates built on it: [`Source::load`] reads a
//! file into any `serde` type (whose structures deny unknown keys), and
//! [`Source::check`] compiles a value read with its place in the file ([`Spanned`]), so
//! that whatever is wrong — malformed TOML, an unknown or missing key, a pattern that
//! does not compile, a function there is none of — is a [`RulesError`] naming the file,
//! the line and the column.
//!
//! ```
//! use replydraft_time::rules::{Source, Spanned};
//!
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(deny_unknown_fields)]
//! struct Rules {
//!     greetings: Vec<String>,
//!     name: Spanned<String>,
//! }
//!
//! let source = Source::new("reply.toml", "greetings = ['dear']\nname = '[A-Z'\n");
//! let rules: Rules = source.load()?;
//! assert_eq!(rules.greetings, ["dear"]);
//! let err = source.check(&rules.name, |p| regex::Regex::new(p)).unwrap_err();
//! assert_eq!(err.location().to_string(), "reply.toml:2:8");
//!
//! let err = Source::new("reply.toml", "greetings = []\nnmae = 'x'\n").load::<Rules>().unwrap_err();
//! assert_eq!(err.location().line, 2);
//! assert!(err.to_string().starts_with("reply.toml:2:1: unknown field `nmae`"), "{err}");
//! # Ok::<(), replydraft_time::rules::RulesError>(())
//! ```

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use std::fmt;
use std::ops::Range;

/// A rules file: its name, as errors give it, and its text.
///
/// ```
/// let source = replydraft_time::rules::Source::new("voice.toml", "patterns = ['I will']\n");
/// assert_eq!(source.name(), "voice.toml");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    name: &'a str,
    text: &'a str,
}

impl<'a> Source<'a> {
    /// The file named `name` (as errors should name it), holding `text`.
    ///
    /// ```
    /// let source = replydraft_time::rules::Source::new("src/judge/rules.toml", "");
    /// assert_eq!(source.text(), "");
    /// ```
    pub const fn new(name: &'a str, text: &'a str) -> Source<'a> {
        Source { name, text }
    }

    /// The file's name.
    ///
    /// ```
    /// assert_eq!(replydraft_time::rules::Source::new("a.toml", "").name(), "a.toml");
    /// ```
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The file's text.
    ///
    /// ```
    /// assert_eq!(replydraft_time::rules::Source::new("a.toml", "x = 1").text(), "x = 1");
    /// ```
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Reads the file as a `T`. Malformed TOML, a key `T` does not know (give its
    /// structures `#[serde(deny_unknown_fields)]`), a missing key or a value of the wrong
    /// type is an error at its place in the file.
    ///
    /// ```
    /// use replydraft_time::rules::Source;
    /// #[derive(Debug, serde::Deserialize)]
    /// #[serde(deny_unknown_fields)]
    /// struct Rules { lead: f32 }
    /// assert_eq!(Source::new("a.toml", "lead = 1.5").load::<Rules>()?.lead, 1.5);
    /// let err = Source::new("a.toml", "\nlead = 'x'").load::<Rules>().unwrap_err();
    /// assert_eq!((err.location().line, err.location().column), (2, 8));
    /// # Ok::<(), replydraft_time::rules::RulesError>(())
    /// ```
    pub fn load<T: DeserializeOwned>(&self) -> Result<T, RulesError> {
        toml::from_str(self.text).map_err(|e| RulesError::Toml {
            at: self.locate(e.span().map_or(0, |s| s.start)),
            what: e.message().trim().to_string(),
        })
    }

    /// Compiles `value`, read from this file, with `compile` (a regular expression
    /// builder, say); its failure is a [`RulesError::Pattern`] at the value's place.
    ///
    /// ```
    /// use replydraft_time::rules::{Source, Spanned};
    /// #[derive(serde::Deserialize)]
    /// struct Rules { wrote: Spanned<String> }
    /// let source = Source::new("a.toml", "wrote = '(on'");
    /// let rules: Rules = source.load()?;
    /// let err = source.check(&rules.wrote, |p| regex::Regex::new(p)).unwrap_err();
    /// assert!(matches!(err, replydraft_time::rules::RulesError::Pattern { .. }));
    /// assert!(err.to_string().starts_with("a.toml:1:9: "), "{err}");
    /// # Ok::<(), replydraft_time::rules::RulesError>(())
    /// ```
    pub fn check<T, R, E: fmt::Display>(
        &self,
        value: &Spanned<T>,
        compile: impl FnOnce(&T) -> Result<R, E>,
    ) -> Result<R, RulesError> {
        compile(&value.value)
            .map_err(|e| RulesError::Pattern { at: self.locate(value.span.start), what: e.to_string() })
    }

    /// The place of byte `offset` of the file.
    ///
    /// ```
    /// let source = replydraft_time::rules::Source::new("a.toml", "x = 1\ny = 2\n");
    /// assert_eq!(source.locate(8).to_string(), "a.toml:2:3");
    /// ```
    pub fn locate(&self, offset: usize) -> Location {
        Location::at_offset(self.name, self.text, offset)
    }
}

/// A value of a rules file and its place there: its byte span in the file.
/// Deserialised by a [`Source`] (any other deserialiser has no places to give).
///
/// ```
/// use replydraft_time::rules::{Source, Spanned};
/// let words: std::collections::BTreeMap<String, Spanned<String>> = Source::new("a.toml", "w = 'x'").load()?;
/// assert_eq!(words["w"].get_ref(), "x");
/// assert_eq!(words["w"].span(), 4..7);
/// # Ok::<(), replydraft_time::rules::RulesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    value: T,
    span: Range<usize>,
}

impl<T> Spanned<T> {
    /// The value.
    ///
    /// ```
    /// # use replydraft_time::rules::{Source, Spanned};
    /// let n: Spanned<i64> = Source::new("a.toml", "n = 3").load::<std::collections::BTreeMap<String, _>>()?.remove("n").unwrap();
    /// assert_eq!(*n.get_ref(), 3);
    /// # Ok::<(), replydraft_time::rules::RulesError>(())
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// The value, taken out.
    ///
    /// ```
    /// # use replydraft_time::rules::{Source, Spanned};
    /// let n: Spanned<i64> = Source::new("a.toml", "n = 3").load::<std::collections::BTreeMap<String, _>>()?.remove("n").unwrap();
    /// assert_eq!(n.into_inner(), 3);
    /// # Ok::<(), replydraft_time::rules::RulesError>(())
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The value's byte span in its file.
    ///
    /// ```
    /// # use replydraft_time::rules::{Source, Spanned};
    /// let n: Spanned<i64> = Source::new("a.toml", "n = 3").load::<std::collections::BTreeMap<String, _>>()?.remove("n").unwrap();
    /// assert_eq!(n.span(), 4..5);
    /// # Ok::<(), replydraft_time::rules::RulesError>(())
    /// ```
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = toml::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned { span: spanned.span(), value: spanned.into_inner() })
    }
}

/// What is wrong with a rules file, and where.
///
/// ```
/// use replydraft_time::rules::{RulesError, Source};
/// let err = Source::new("a.toml", "x = [").load::<toml::Table>().unwrap_err();
/// assert!(matches!(err, RulesError::Toml { .. }));
/// assert_eq!(err.location().file, "a.toml");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RulesError {
    /// Not TOML, or not of the rules' shape: an unknown key, a missing one, a value of
    /// the wrong type.
    #[error("{at}: {what}")]
    Toml {
        /// Where.
        at: Location,
        /// What is wrong.
        what: String,
    },
    /// A pattern that does not compile.
    #[error("{at}: the pattern does not compile: {what}")]
    Pattern {
        /// Where the pattern is written.
        at: Location,
        /// What is wrong with it.
        what: String,
    },
    /// A rule's value calls a function there is none of.
    #[error("{at}: rule `{rule}` calls `{name}`, which is not a function of the rules")]
    Function {
        /// Where the value is written.
        at: Location,
        /// The rule.
        rule: String,
        /// The name called.
        name: String,
    },
}

impl RulesError {
    /// Where the problem is.
    ///
    /// ```
    /// use replydraft_time::rules::Source;
    /// let err = Source::new("a.toml", "x = 1\nx = 2").load::<toml::Table>().unwrap_err();
    /// assert_eq!(err.location().line, 2);
    /// ```
    pub fn location(&self) -> &Location {
        match self {
            RulesError::Toml { at, .. } | RulesError::Pattern { at, .. } | RulesError::Function { at, .. } => at,
        }
    }
}

/// A place in a file: its name, 1-based line and column.
///
/// ```
/// let at = replydraft_time::rules::Location::new("topics.toml", 3, 10);
/// assert_eq!(at.to_string(), "topics.toml:3:10");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The file, as named when it was read (relative to its root).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl Location {
    /// A location from its parts.
    ///
    /// ```
    /// let at = replydraft_time::rules::Location::new("a.toml", 1, 2);
    /// assert_eq!((at.line, at.column), (1, 2));
    /// ```
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Location {
        Location { file: file.into(), line, column }
    }

    /// The location of byte `offset` in `text`, a file named `file`.
    ///
    /// ```
    /// let at = replydraft_time::rules::Location::at_offset("a.toml", "x = 1\ny = 2\n", 8);
    /// assert_eq!((at.line, at.column), (2, 3));
    /// ```
    pub fn at_offset(file: &str, text: &str, offset: usize) -> Location {
        LineIndex::new(text).at(file, offset)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The line starts of a text, found once, so that the location of any offset is a
/// binary search and a count within its line (locating many items of a file is then
/// linear in its size, not quadratic).
///
/// ```
/// let lines = replydraft_time::rules::LineIndex::new("a\nbé\nc");
/// assert_eq!(lines.at("f", 5).to_string(), "f:2:3"); // "é" is two bytes, one column
/// assert_eq!(lines.at("f", 99).to_string(), "f:3:2");
/// ```
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// The index of `text`'s lines.
    ///
    /// ```
    /// let lines = replydraft_time::rules::LineIndex::new("x\ny");
    /// assert_eq!(lines.at("f", 2).line, 2);
    /// ```
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    /// The location of byte `offset` (clamped to the text, moved back to a character
    /// boundary) in the file named `file`.
    ///
    /// ```
    /// let lines = replydraft_time::rules::LineIndex::new("x\ny");
    /// assert_eq!(lines.at("f", 0).to_string(), "f:1:1");
    /// ```
    pub fn at(&self, file: &str, offset: usize) -> Location {
        let offset = crate::floor_char_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let column = self.text[self.starts[line - 1]..offset].chars().count() + 1;
        Location { file: file.to_string(), line, column }
    }
}
