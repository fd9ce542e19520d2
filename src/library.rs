//! The block library: blocks, topics, senders, layouts and the facts base, loaded
//! from TOML and handlebars files, validated, and shared cheaply between threads.
//! Data and its lookups only: what is done with a library (drafting, checking,
//! suggesting, replying) is a `Desk`'s, made from it.

use crate::date::toml_date;
use crate::error::{Error, LineIndex, Location, Result, hint};
use crate::facts::{Election, Entity, Event, Facts, Office, Period, Series, Tenure};
use crate::finding::{Claim, ClaimKind};
use crate::template::{self, Format};
use handlebars::Handlebars;
use handlebars::template::{Parameter, Template, TemplateElement};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// Where a block sits in a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The first paragraph: thanks for writing.
    Opening,
    /// The substance.
    Body,
    /// The last paragraph before the sign-off.
    Closing,
    /// Contact details set among the paragraphs (a page footer).
    Footer,
    /// Printed after the signature: an annex, terms of reference.
    Enclosure,
}

/// Review state of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Written, not yet approved.
    Draft,
    /// Approved for use.
    #[default]
    Approved,
    /// No longer to be used.
    Retired,
}

/// Where a block's text was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The seed (or corpus) file.
    pub seed: String,
    /// 1-based paragraph number in that file (paragraphs are separated by blank lines).
    pub paragraph: usize,
}

/// A reusable paragraph: a "standard line".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// Unique id; also the name other blocks include it by (`{{> id}}`).
    pub id: String,
    /// A short description.
    pub title: String,
    /// Topics it is written for.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Where it sits in a letter.
    pub role: Role,
    /// The handlebars template of the paragraph; with `literal = true`, plain text.
    pub text: String,
    /// The text is data, not a template: `{{`, `\\` and everything else stand as they
    /// are (blocks proposed by `ingest` from past letters are literal).
    #[serde(default)]
    pub literal: bool,
    /// Where the text was taken from.
    #[serde(default)]
    pub provenance: Vec<Provenance>,
    /// The date the text was written or last verified.
    #[serde(with = "toml_date")]
    pub as_of: Date,
    /// Review state: `approved` (the default), `draft` or `retired`.
    #[serde(default)]
    pub status: Status,
    /// Who approved the text (`replydraft approve --by NAME`).
    #[serde(default)]
    pub approved_by: Option<String>,
    /// When it was approved.
    #[serde(default, with = "toml_date::option")]
    pub approved_on: Option<Date>,
    /// The hash of the block as approved ([`Block::approval_hash`]): a block whose text,
    /// `literal`, role, dates or claims changed since no longer counts as approved.
    #[serde(default)]
    pub approved_hash: Option<String>,
    /// A date by which the whole block must be reviewed.
    #[serde(default, with = "toml_date::option")]
    pub review_by: Option<Date>,
    /// The blocks this one is a current version of (their facts brought up to date);
    /// the older blocks stay in the library for the letters and topic editions that use them.
    #[serde(default)]
    pub refreshes: Vec<String>,
    /// Where the facts the text states can be checked (URLs or citations).
    #[serde(default)]
    pub sources: Vec<String>,
    /// The time-bound statements in the text.
    #[serde(default, rename = "claim")]
    pub claims: Vec<Claim>,
    /// Where the block is defined.
    #[serde(skip)]
    pub at: Location,
    /// Blocks this one includes, in order.
    #[serde(skip)]
    pub includes: Vec<String>,
}

/// Whether a block may go out, by its approval record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
#[non_exhaustive]
pub enum Approval {
    /// Approved by `by` on `on`, and the block is the one approved.
    Approved {
        /// Who approved it.
        by: String,
        /// When.
        on: Date,
    },
    /// `status = "approved"` (or no status) with no record of who approved it: usable,
    /// as libraries were before approval was recorded; `validate` lists them.
    Unrecorded,
    /// Written, not yet approved.
    Draft,
    /// Approved, but the block has changed since (or its approval, recorded before
    /// approvals covered more than the text, cannot vouch for it): it needs approving again.
    Changed {
        /// Who approved the earlier text.
        by: Option<String>,
        /// When.
        on: Option<Date>,
    },
    /// No longer to be used.
    Retired,
}

/// The state in words: "approved by Jo on 2026-12-06", "a draft", "changed since
/// approved by Jo on 2026-12-01", "retired".
///
/// ```
/// let state = replydraft::Approval::Changed { by: Some("Jo".into()), on: None };
/// assert_eq!(state.to_string(), "changed since approved by Jo");
/// ```
impl std::fmt::Display for Approval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Approval::Approved { by, on } => write!(f, "approved by {by} on {on}"),
            Approval::Unrecorded => write!(f, "approved, with no record of who approved it"),
            Approval::Draft => write!(f, "a draft"),
            Approval::Changed { by, on } => {
                write!(f, "changed since approved")?;
                if let Some(by) = by {
                    write!(f, " by {by}")?;
                }
                if let Some(on) = on {
                    write!(f, " on {on}")?;
                }
                Ok(())
            }
            Approval::Retired => write!(f, "retired"),
        }
    }
}

impl Approval {
    /// Whether a block in this state may go out (approved, or approved before records).
    pub fn usable(&self) -> bool {
        matches!(self, Approval::Approved { .. } | Approval::Unrecorded)
    }
}

/// The SHA-256 of a text: `sha256:` and 64 hex digits (the correspondence log records
/// each block's; approvals record [`Block::approval_hash`], which is built on it).
///
/// ```
/// let h = replydraft::text_hash("Thank you for your letter.");
/// assert!(h.starts_with("sha256:") && h.len() == 7 + 64);
/// assert_ne!(h, replydraft::text_hash("Thank you for your letter!"));
/// ```
pub fn text_hash(text: &str) -> String {
    bytes_hash(text.as_bytes())
}

/// `sha256:` and the hex SHA-256 of `bytes` (a letter's file as written, say).
pub(crate) fn bytes_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// How an approval hash covering more than the text begins ([`Block::approval_hash`]).
const APPROVAL_V2: &str = "v2:";

impl Block {
    /// The hash an approval records of the block: `v2:` and the [`text_hash`] of
    /// everything that decides what the block renders and how it is checked: its
    /// text (the blocks it includes, and its conditions, are written in it), `literal`,
    /// role, `as_of`, `review_by` and every claim (quote, kind, dates, facts, severity,
    /// note, suggestion). Its title, topics, sources, provenance and `refreshes` are
    /// not covered, nor the included blocks themselves (each has its own approval).
    ///
    /// ```
    /// use replydraft::Library;
    /// let library = Library::embedded()?;
    /// let block = library.block("family-hubs").unwrap();
    /// assert!(block.approval_hash().starts_with("v2:sha256:"));
    /// let mut literal = block.clone();
    /// literal.literal = !block.literal;
    /// assert_ne!(literal.approval_hash(), block.approval_hash());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn approval_hash(&self) -> String {
        let date = |d: Option<Date>| d.map(|d| d.to_string());
        let name = |v: serde_json::Result<serde_json::Value>| v.ok().and_then(|v| v.as_str().map(String::from));
        let mut record: Vec<(String, Option<String>)> = vec![
            ("text".into(), Some(self.text.clone())),
            ("literal".into(), Some(self.literal.to_string())),
            ("role".into(), name(serde_json::to_value(self.role))),
            ("as_of".into(), date(Some(self.as_of))),
            ("review_by".into(), date(self.review_by)),
        ];
        for (i, c) in self.claims.iter().enumerate() {
            let fields = [
                ("quote", Some(c.quote.clone())),
                ("kind", name(serde_json::to_value(c.kind))),
                ("until", date(c.until)),
                ("period", c.period.clone()),
                ("event", c.event.clone()),
                ("office", c.office.clone()),
                ("holder", c.holder.clone()),
                ("tolerance", c.tolerance.map(|s| s.to_string())),
                ("data_date", date(c.data_date)),
                ("refresh", c.refresh.map(|s| s.to_string())),
                ("review_by", date(c.review_by)),
                ("severity", c.severity.and_then(|s| name(serde_json::to_value(s)))),
                ("note", c.note.clone()),
                ("suggest", c.suggest.clone()),
                ("replace_with", c.replace_with.clone()),
            ];
            record.extend(fields.into_iter().map(|(k, v)| (format!("claim.{i}.{k}"), v)));
        }
        // Fields not given are left out, so that a field added later leaves the hashes
        // of the blocks that do not use it as they were.
        record.retain(|(_, v)| v.is_some());
        format!("{APPROVAL_V2}{}", text_hash(&serde_json::to_string(&record).unwrap_or_default()))
    }

    /// Whether `hash`, an approval's record, vouches for the block as it stands: a
    /// [`Block::approval_hash`], or a hash of the text alone (recorded before approvals
    /// covered more) on a block with no claims whose text reads the same as a template
    /// and as `literal` text (no `{{`, no `**`).
    fn vouched_by(&self, hash: &str) -> bool {
        if hash.starts_with(APPROVAL_V2) {
            return hash == self.approval_hash();
        }
        hash == text_hash(&self.text)
            && self.claims.is_empty()
            && !self.text.contains("{{")
            && !self.text.contains("**")
    }

    /// The block's approval state: its `status` and, for approved blocks, whether the
    /// block is still the one approved ([`Block::approval_hash`]).
    ///
    /// ```
    /// use replydraft::{Approval, Library};
    /// let library = Library::embedded()?;
    /// let block = library.block("family-hubs").unwrap();
    /// assert!(matches!(block.approval(), Approval::Approved { .. }));
    /// let mut edited = block.clone();
    /// edited.text.push_str(" And more.");
    /// assert!(matches!(edited.approval(), Approval::Changed { .. }));
    /// assert!(!edited.approval().usable());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn approval(&self) -> Approval {
        match self.status {
            Status::Retired => Approval::Retired,
            Status::Draft => Approval::Draft,
            Status::Approved => match (&self.approved_hash, &self.approved_by, self.approved_on) {
                (Some(h), Some(by), Some(on)) if self.vouched_by(h) => Approval::Approved { by: by.clone(), on },
                (Some(_), by, on) => Approval::Changed { by: by.clone(), on },
                (None, _, _) => Approval::Unrecorded,
            },
        }
    }

    /// Whether the text is plain text to handlebars: `literal`, or with no `{{` at all
    /// (most standard lines). Such a block renders as itself, whatever the data.
    pub fn is_plain(&self) -> bool {
        self.literal || !self.text.contains("{{")
    }

    /// Whether Markdown bold (`**…**`) in the text is markup: in a block's own text with
    /// no merge fields (so that no recipient's value is read as markup), never in a
    /// `literal` block, whose text stands exactly as written.
    pub fn has_emphasis(&self) -> bool {
        !self.literal && !self.text.contains("{{")
    }
}

/// A reply topic: which blocks, in which order.
///
/// A library may hold several *editions* of one topic: the same `id` with different
/// `from` dates. A draft uses the edition in force on its date ([`Library::topic_at`]),
/// so the letters of 2022 still reproduce while a letter drafted today uses today's
/// lines; `suggest` and [`Library::topic`] use the latest edition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// Its id (shared by its editions).
    pub id: String,
    /// The date this edition takes effect; `None`: in force from the beginning, until
    /// an edition with a `from` date replaces it.
    #[serde(default, with = "toml_date::option")]
    pub from: Option<Date>,
    /// A short description.
    pub title: String,
    /// What a message must be about for this topic to apply: words and phrases of the
    /// topic's area (for `suggest`; a message naming none of any topic's gets no topic).
    #[serde(default)]
    pub subjects: Vec<String>,
    /// Words and phrases an incoming letter on this topic uses (they rank the topics).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The default sender's id.
    #[serde(default)]
    pub sender: Option<String>,
    /// The blocks, in letter order (optional ones included).
    pub blocks: Vec<String>,
    /// Blocks left out unless included.
    #[serde(default)]
    pub optional: Vec<String>,
    /// Groups of interchangeable blocks; the first of each is the default and stands in `blocks`.
    #[serde(default)]
    pub alternatives: Vec<Vec<String>>,
    /// Where the topic is defined.
    #[serde(skip)]
    pub at: Location,
}

/// Who signs, in which office.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// Unique id.
    pub id: String,
    /// Full name as in the facts base's tenures.
    pub name: String,
    /// Office id in the facts base (the seat or ministry they sign in).
    #[serde(default)]
    pub office: Option<String>,
    /// The office as printed (`Member of Parliament for Daventry`).
    pub office_title: String,
    /// Lines at the top of the letter.
    #[serde(default)]
    pub letterhead: Vec<String>,
    /// Postal and contact lines.
    #[serde(default)]
    pub address: Vec<String>,
    /// The email address replies are sent from (`--format eml`); `--from` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `Yours sincerely,`
    #[serde(default)]
    pub signoff: String,
    /// Lines under the sign-off.
    #[serde(default)]
    pub signature: Vec<String>,
    /// How the date is written.
    #[serde(default)]
    pub date_style: crate::DateStyle,
    /// Where the sender is defined.
    #[serde(skip)]
    pub at: Location,
}

/// How a line is set across the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Flush left.
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// How Word documents of the library's letters look: the `[document]` table of a
/// library file (a later library's table replaces an earlier one's). Every field has a
/// default, so a table may set only some.
///
/// ```
/// let library = replydraft::Library::embedded()?;
/// let style = library.document_style();
/// assert!(style.size >= 8.0 && !style.font.is_empty());
/// # Ok::<(), replydraft::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct DocumentStyle {
    /// The body font (`Arial`).
    pub font: String,
    /// The body size in points.
    pub size: f32,
    /// The letterhead's font (default: the body font).
    pub letterhead_font: Option<String>,
    /// The letterhead's size in points.
    pub letterhead_size: f32,
    /// Whether the letterhead is bold.
    pub letterhead_bold: bool,
    /// Where the letterhead stands.
    pub letterhead_align: Align,
    /// Where the date stands.
    pub date_align: Align,
    /// Page margins, in millimetres.
    pub margin_mm: f32,
    /// Space after each paragraph, in points.
    pub paragraph_space: f32,
    /// Whether enclosures start on a new page.
    pub enclosure_new_page: bool,
}

impl Default for DocumentStyle {
    fn default() -> DocumentStyle {
        DocumentStyle {
            font: "Arial".into(),
            size: 11.0,
            letterhead_font: None,
            letterhead_size: 12.0,
            letterhead_bold: true,
            letterhead_align: Align::Right,
            date_align: Align::Left,
            margin_mm: 25.0,
            paragraph_space: 10.0,
            enclosure_new_page: true,
        }
    }
}

/// One library file as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LibraryFile {
    /// The date the facts in the file are known to.
    #[serde(default, with = "toml_date::option")]
    known_to: Option<Date>,
    #[serde(default)]
    block: Vec<toml::Spanned<Block>>,
    #[serde(default)]
    topic: Vec<toml::Spanned<Topic>>,
    #[serde(default)]
    sender: Vec<toml::Spanned<Sender>>,
    #[serde(default)]
    event: Vec<toml::Spanned<Event>>,
    #[serde(default)]
    office: Vec<toml::Spanned<Office>>,
    #[serde(default)]
    tenure: Vec<toml::Spanned<Tenure>>,
    #[serde(default)]
    period: Vec<toml::Spanned<Period>>,
    #[serde(default)]
    entity: Vec<toml::Spanned<Entity>>,
    #[serde(default)]
    series: Vec<toml::Spanned<Series>>,
    #[serde(default)]
    election: Vec<toml::Spanned<Election>>,
    /// How the register's rows become offices.
    #[serde(default)]
    register: Option<crate::facts::RegisterRules>,
    /// How long a fact of each kind is assumed to hold past its source's date.
    #[serde(default)]
    hold: BTreeMap<String, toml::Spanned<String>>,
    /// How Word documents look.
    #[serde(default)]
    document: Option<DocumentStyle>,
}

/// The top-level tables of a library file: the only headers a large file is split at.
const TABLES: [&str; 10] =
    ["block", "topic", "sender", "event", "office", "tenure", "period", "entity", "series", "election"];

/// Files at least this long are parsed in pieces, in parallel.
const SPLIT_BYTES: usize = 512 * 1024;

impl LibraryFile {
    /// Parses one library file. A large file (`split_bytes` or more) is cut into about
    /// two pieces per thread at lines that read as top-level headers (`[[block]]`), each
    /// piece is parsed on its own and the items are joined in order, spans shifted back
    /// to the whole file. This gives the whole-file answer exactly: pieces start at
    /// position 0 or at a cut, and a cut that is not a real header lies inside a
    /// multi-line string or array, which leaves the piece before it unterminated, so it
    /// fails to parse. Whenever a piece fails, or the first piece holds an inline array
    /// of tables (which a later `[[…]]` of the same name could not extend), the whole
    /// file is parsed instead, for the exact answer and error position.
    fn parse(name: &str, text: &str, split_bytes: usize) -> Result<LibraryFile> {
        match LibraryFile::parse_pieces(text, split_bytes) {
            Some(parsed) => Ok(parsed),
            None => toml::from_str(text).map_err(|e| toml_error(name, text, e)),
        }
    }

    /// The split parse of [`LibraryFile::parse`]; `None` when the file is small or must
    /// be parsed whole.
    fn parse_pieces(text: &str, split_bytes: usize) -> Option<LibraryFile> {
        use rayon::prelude::*;
        let pieces = 2 * rayon::current_num_threads();
        if text.len() < split_bytes.max(1) || pieces < 2 {
            return None;
        }
        let mut cuts = vec![0];
        for i in 1..pieces {
            let from = (i * text.len() / pieces).max(cuts[cuts.len() - 1] + 1);
            match next_header(text, from) {
                Some(cut) => cuts.push(cut),
                None => break,
            }
        }
        cuts.push(text.len());
        cuts.dedup();
        if cuts.len() < 3 {
            return None;
        }
        let parsed: Vec<Option<LibraryFile>> =
            cuts.par_windows(2).map(|w| toml::from_str(&text[w[0]..w[1]]).ok()).collect();
        let mut joined = LibraryFile::default();
        for (piece, &offset) in parsed.into_iter().zip(&cuts) {
            let piece = piece?;
            if offset == 0 && piece.has_inline_items(text) {
                return None;
            }
            joined.append(piece, offset);
        }
        Some(joined)
    }

    /// Whether an item was written as an inline table (`block = [{ … }]`), not `[[block]]`.
    fn has_inline_items(&self, text: &str) -> bool {
        let inline = |span: std::ops::Range<usize>| !text.get(span.start..).is_some_and(|t| t.starts_with('['));
        macro_rules! any_inline {
            ($($field:ident),*) => { false $(|| self.$field.iter().any(|s| inline(s.span())))* };
        }
        any_inline!(block, topic, sender, event, office, tenure, period, entity, series, election)
    }

    /// Appends another piece's items, their spans moved on by `offset` bytes.
    fn append(&mut self, other: LibraryFile, offset: usize) {
        fn shift<T>(items: Vec<toml::Spanned<T>>, offset: usize) -> impl Iterator<Item = toml::Spanned<T>> {
            items.into_iter().map(move |s| {
                let span = s.span();
                toml::Spanned::new(span.start + offset..span.end + offset, s.into_inner())
            })
        }
        macro_rules! append {
            ($($field:ident),*) => { $(self.$field.extend(shift(other.$field, offset));)* };
        }
        append!(block, topic, sender, event, office, tenure, period, entity, series, election);
        self.known_to = self.known_to.or(other.known_to);
        self.register = self.register.take().or(other.register);
        self.document = self.document.take().or(other.document);
    }
}

/// The start of the first line at or after byte `from` that reads as a top-level
/// table header of a library file (`[[block]]`, optionally spaced, optionally followed
/// by a comment).
fn next_header(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while !text.is_char_boundary(at) {
        at += 1;
    }
    loop {
        let line = at + text.get(at..)?.find("\n[[")? + 1;
        let rest = &text[line + 2..];
        let end = rest.find('\n').unwrap_or(rest.len());
        if let Some((inner, after)) = rest[..end].split_once("]]") {
            let after = after.trim();
            if TABLES.contains(&inner.trim()) && (after.is_empty() || after.starts_with('#')) {
                return Some(line);
            }
        }
        at = line;
    }
}

/// A library file, parsed.
enum Parsed {
    Toml(Box<Result<LibraryFile>>),
    Register(Result<Vec<crate::facts::RegisterRow>>),
    Policy(Result<crate::policy::PolicyTable>),
    Other,
}

/// Whether a library file is part of the register of officeholders: a CSV file in a
/// `register` directory.
fn is_register(name: &str) -> bool {
    name.ends_with(".csv") && (name.starts_with("register/") || name.contains("/register/"))
}

/// Whether an embedded file is read on first use: the register and the policy tables
/// (what keeps `draft` on the embedded library fast).
fn is_lazy(name: &str) -> bool {
    is_register(name) || name.starts_with("policy/") && name.ends_with(".csv")
}

/// A policy table's entities, for reading on first use (its errors are the embedded
/// tables' test's to find: `policy::tests`).
fn read_table(name: &str, text: &str) -> Vec<Entity> {
    crate::policy::table_of(text)
        .and_then(|table| crate::policy::read_policy(name, text, table).ok())
        .map_or_else(Vec::new, |t| t.entities)
}

/// The header's first line of a CSV text (after `#` comments).
fn csv_header(text: &str) -> &str {
    text.lines().find(|l| !l.starts_with('#') && !l.trim().is_empty()).unwrap_or("")
}

/// Whether a CSV text is a register file by its header (a `constituency` or an
/// `office` column), wherever it lies (a facts pack).
fn is_register_text(text: &str) -> bool {
    csv_header(text).split(',').any(|c| matches!(c.trim(), "constituency" | "office"))
}

/// What a register file is, in words, by its header.
fn register_what(text: &str) -> &'static str {
    if csv_header(text).split(',').any(|c| c.trim() == "constituency") {
        "the MPs' register (seats and their Members)"
    } else {
        "the ministers' register (ministerial appointments)"
    }
}

/// The source entry of a register file or a table: rows counted without reading them
/// (the embedded register and tables are read on first use).
fn csv_source(name: &str, text: &str) -> Result<crate::facts::Source> {
    let rows = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count().saturating_sub(1);
    Ok(crate::facts::Source {
        file: name.to_string(),
        what: register_what(text).to_string(),
        rows,
        known_to: crate::facts::known_to_comment(name, text)?,
    })
}

/// The files of the default library, compiled into the crate.
pub(crate) const EMBEDDED: &[(&str, &str)] = &[
    ("blocks/care-funding.toml", include_str!("../templates/blocks/care-funding.toml")),
    ("blocks/care-review.toml", include_str!("../templates/blocks/care-review.toml")),
    ("blocks/care-strategy.toml", include_str!("../templates/blocks/care-strategy.toml")),
    ("blocks/common.toml", include_str!("../templates/blocks/common.toml")),
    ("blocks/review-disparities.toml", include_str!("../templates/blocks/review-disparities.toml")),
    ("current/blocks.toml", include_str!("../templates/current/blocks.toml")),
    ("current/senders.toml", include_str!("../templates/current/senders.toml")),
    ("current/topics.toml", include_str!("../templates/current/topics.toml")),
    ("entities.toml", include_str!("../templates/entities.toml")),
    ("facts.toml", include_str!("../templates/facts.toml")),
    ("layouts/body.html.hbs", include_str!("../templates/layouts/body.html.hbs")),
    ("layouts/body.md.hbs", include_str!("../templates/layouts/body.md.hbs")),
    ("layouts/body.txt.hbs", include_str!("../templates/layouts/body.txt.hbs")),
    ("layouts/document.toml", include_str!("../templates/layouts/document.toml")),
    ("layouts/email.html.hbs", include_str!("../templates/layouts/email.html.hbs")),
    ("layouts/email.txt.hbs", include_str!("../templates/layouts/email.txt.hbs")),
    ("layouts/letter.html.hbs", include_str!("../templates/layouts/letter.html.hbs")),
    ("layouts/letter.md.hbs", include_str!("../templates/layouts/letter.md.hbs")),
    ("layouts/letter.txt.hbs", include_str!("../templates/layouts/letter.txt.hbs")),
    ("policy/README.md", include_str!("../templates/policy/README.md")),
    ("policy/acts.csv", include_str!("../templates/policy/acts.csv")),
    ("policy/bills_fallen.csv", include_str!("../templates/policy/bills_fallen.csv")),
    ("policy/departments.csv", include_str!("../templates/policy/departments.csv")),
    ("policy/fiscal_events.csv", include_str!("../templates/policy/fiscal_events.csv")),
    ("policy/schemes.csv", include_str!("../templates/policy/schemes.csv")),
    ("register/ministers.csv", include_str!("../templates/register/ministers.csv")),
    ("register/mps.csv", include_str!("../templates/register/mps.csv")),
    ("senders.toml", include_str!("../templates/senders.toml")),
    ("topics.toml", include_str!("../templates/topics.toml")),
];

/// The names of the embedded default library's files (relative to `templates/`).
pub fn embedded_files() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, _)| *name)
}

pub(crate) struct Inner {
    pub(crate) blocks: Vec<Block>,
    pub(crate) block_index: HashMap<String, usize>,
    pub(crate) topics: Vec<Topic>,
    pub(crate) senders: Vec<Sender>,
    pub(crate) layouts: Vec<(String, Format)>,
    pub(crate) facts: Facts,
    pub(crate) document: DocumentStyle,
    /// Blocks and plain-text layouts: nothing is escaped.
    pub(crate) plain: Handlebars<'static>,
    /// HTML layouts: everything is escaped.
    pub(crate) html: Handlebars<'static>,
    /// Blocks rendered without data, for matching letters to blocks (missing fields are empty).
    pub(crate) loose: Handlebars<'static>,
}

/// A validated block library. Cloning is cheap (shared); it is `Send + Sync`. It is
/// data: a `Desk` made from it drafts and checks letters.
///
/// ```
/// let library = replydraft::Library::embedded().unwrap();
/// assert!(library.topic("care-review").is_some());
/// let shared = library.clone();
/// std::thread::spawn(move || assert!(shared.block("nib-proposals").is_some())).join().unwrap();
/// ```
#[derive(Clone)]
pub struct Library {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("blocks", &self.inner.blocks.len())
            .field("topics", &self.inner.topics.len())
            .field("senders", &self.inner.senders.len())
            .finish()
    }
}

impl Library {
    /// The default library compiled into the crate (no files needed).
    pub fn embedded() -> Result<Library> {
        Library::build(Library::embedded_sources_but_register(), true)
    }

    /// The embedded files but the register (`register/*.csv`) and the policy tables
    /// (`policy/*.csv`), which are read on first use.
    fn embedded_sources_but_register() -> Vec<(String, String)> {
        EMBEDDED.iter().filter(|(n, _)| !is_lazy(n)).map(|(n, t)| (n.to_string(), t.to_string())).collect()
    }

    /// Loads a library directory (`*.toml` anywhere below it, `layouts/NAME.FORMAT.hbs`),
    /// or a single TOML file. Layouts, senders and facts the directory does not define
    /// are not taken from anywhere else (combine sources with [`Library::sources`] and
    /// [`Library::from_files`] for that).
    pub fn load(path: impl AsRef<Path>) -> Result<Library> {
        Library::from_files(Library::sources(path)?)
    }

    /// The files of a library directory or file as `(name, contents)`, sorted, for
    /// [`Library::from_files`]. Names are relative to a directory, or the file's path.
    pub fn sources(path: impl AsRef<Path>) -> Result<Vec<(String, String)>> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path.display(), e))?;
        let mut files = Vec::new();
        if meta.is_dir() {
            collect_files(path, &mut files)?;
            if files.is_empty() {
                let problem = "no library files (*.toml, layouts/*.hbs) found".into();
                return Err(Error::Path { path: path.display().to_string(), problem });
            }
        } else {
            files.push((path.display().to_string(), read_text(path)?));
        }
        files.sort();
        Ok(files)
    }

    /// The files of the embedded default library, for combining with others.
    pub fn embedded_sources() -> Vec<(String, String)> {
        EMBEDDED.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
    }

    /// Stacks libraries, in order: each a directory or a TOML file, or `default` for
    /// the embedded library (what `--library` does when repeated). Blocks, topics,
    /// senders and facts add up (a duplicate id is an error naming both places); a
    /// later library's layout of the same name replaces an earlier one's.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("office.toml"),
    ///     "[[block]]\nid = \"surgery-times\"\ntitle = \"Surgeries\"\nrole = \"body\"\n\
    ///      text = \"My surgeries are on Fridays.\"\nas_of = 2026-11-01\n").unwrap();
    /// let library = replydraft::Library::combine(["default".as_ref(), dir.path()]).unwrap();
    /// assert!(library.block("surgery-times").is_some() && library.topic("care-review").is_some());
    /// ```
    pub fn combine<'a>(libraries: impl IntoIterator<Item = &'a Path>) -> Result<Library> {
        Library::combine_with_facts(libraries, [])
    }

    /// [`Library::combine`], with facts packs added after the libraries: each a facts
    /// TOML file (`[[event]]`, `[[entity]]`, `[[tenure]]` …), a register CSV (a
    /// `constituency` or an `office` column) or a policy table CSV (told by its header),
    /// read and validated as the library's own (errors name the file and line).
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let pack = dir.path().join("schemes.csv");
    /// std::fs::write(&pack, "# known_to = 2026-12-01\nid,name,aliases,event,date,what,source\n\
    ///     warm-homes-voucher,Warm Homes Voucher,WHV,start,2025-01-01,opened,https://example.org\n").unwrap();
    /// let library = replydraft::Library::combine_with_facts(["default".as_ref()], [pack.as_path()]).unwrap();
    /// assert!(library.facts().entities().iter().any(|e| e.id == "warm-homes-voucher"));
    /// assert!(library.facts().sources().iter().any(|s| s.file.ends_with("schemes.csv") && s.rows == 1));
    /// ```
    pub fn combine_with_facts<'a>(
        libraries: impl IntoIterator<Item = &'a Path>,
        packs: impl IntoIterator<Item = &'a Path>,
    ) -> Result<Library> {
        let mut files = Vec::new();
        let mut embedded_register = false;
        for (i, p) in libraries.into_iter().enumerate() {
            let default = p.as_os_str() == "default";
            embedded_register |= default;
            let sources = if default { Library::embedded_sources_but_register() } else { Library::sources(p)? };
            // Layouts are named by their file name: a later library's layout replaces an earlier one's.
            files.extend(
                sources.into_iter().map(|(n, t)| if n.ends_with(".hbs") { (format!("{i:02}/{n}"), t) } else { (n, t) }),
            );
        }
        for p in packs {
            let name = p.display().to_string();
            let text = read_text(p)?;
            let csv = name.ends_with(".csv") || !name.ends_with(".toml") && !csv_header(&text).contains('=');
            if csv && !is_register_text(&text) && crate::policy::table_of(&text).is_none() {
                return Err(invalid(
                    Location::new(&name, 1, 1),
                    "not a facts file: a facts TOML file, a register CSV (a `constituency` or an `office` column) or a policy table CSV (Acts, fallen bills, departments, fiscal events, schemes)",
                ));
            }
            // Named by what it is, so that it is read as one.
            let name = match (csv, name.ends_with(".csv") || name.ends_with(".toml")) {
                (_, true) => name,
                (true, false) => format!("{name}.csv"),
                (false, false) => format!("{name}.toml"),
            };
            files.push((name, text));
        }
        Library::build(files, embedded_register)
    }

    /// Builds a library from `(name, contents)` pairs: `.toml` files hold tables
    /// `[[block]]`, `[[topic]]`, `[[sender]]` and facts; `layouts/NAME.FORMAT.hbs` are layouts.
    pub fn from_files(files: impl IntoIterator<Item = (String, String)>) -> Result<Library> {
        Library::build(files, false)
    }

    /// [`Library::from_files`], with the embedded register read on first use when
    /// `embedded_register` (what keeps `draft` on the embedded library fast).
    fn build(files: impl IntoIterator<Item = (String, String)>, embedded_register: bool) -> Result<Library> {
        use rayon::prelude::*;
        let files: Vec<(String, String)> = files.into_iter().collect();
        // TOML and register files are parsed in parallel (most of loading); added in order.
        let parsed: Vec<Parsed> = files
            .par_iter()
            .map(|(name, text)| {
                if name.ends_with(".toml") {
                    Parsed::Toml(Box::new(LibraryFile::parse(name, text, SPLIT_BYTES)))
                } else if is_register(name) || name.ends_with(".csv") && is_register_text(text) {
                    Parsed::Register(crate::facts::read_register(name, text))
                } else if let Some(table) = crate::policy::table_of(text).filter(|_| name.ends_with(".csv")) {
                    Parsed::Policy(crate::policy::read_policy(name, text, table))
                } else {
                    Parsed::Other
                }
            })
            .collect();
        let mut b = Builder::default();
        if embedded_register {
            b.facts.register_lazy =
                EMBEDDED.iter().filter(|(n, _)| is_register(n)).map(|(n, t)| (n.to_string(), *t)).collect();
            for (name, text) in &b.facts.register_lazy {
                let source = csv_source(name, text)?;
                b.facts.sources.push(source);
            }
            b.facts.tables_lazy = EMBEDDED
                .iter()
                .filter(|(n, _)| is_lazy(n) && !is_register(n))
                .map(|(n, t)| (n.to_string(), *t))
                .collect();
            b.facts.read_table = Some(read_table);
            for (name, text) in &b.facts.tables_lazy {
                let table = crate::policy::table_of(text);
                let what = table.map_or("a policy table", crate::policy::Table::what);
                // Rows counted without reading them (a row a line in these tables).
                let mut source = csv_source(name, text)?;
                source.what = what.to_string();
                b.facts.sources.push(source);
            }
        }
        for ((name, text), parsed) in files.into_iter().zip(parsed) {
            match parsed {
                Parsed::Toml(parsed) => b.add_toml(&name, text, (*parsed)?)?,
                Parsed::Register(rows) => {
                    b.facts.register.extend(rows?);
                    b.facts.sources.push(csv_source(&name, &text)?);
                }
                Parsed::Policy(table) => {
                    let table = table?;
                    b.facts.sources.push(crate::facts::Source {
                        file: name.clone(),
                        what: table.table.what().to_string(),
                        rows: table.rows,
                        known_to: table.known_to,
                    });
                    b.facts.entities.extend(table.entities);
                }
                Parsed::Other if name.ends_with(".hbs") => b.add_layout(&name, &text)?,
                Parsed::Other => {}
            }
        }
        b.finish()
    }

    /// All blocks, in load order.
    pub fn blocks(&self) -> &[Block] {
        &self.inner.blocks
    }

    /// A block by id.
    pub fn block(&self, id: &str) -> Option<&Block> {
        self.inner.block_index.get(id).map(|&i| &self.inner.blocks[i])
    }

    /// All topics.
    pub fn topics(&self) -> &[Topic] {
        &self.inner.topics
    }

    /// A topic by id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.inner.topics.iter().filter(|t| t.id == id).max_by_key(|t| t.from)
    }

    /// The edition of topic `id` in force on `date`: the one with the latest `from` on
    /// or before it (or, if every edition starts later, the earliest).
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let date = |d| replydraft::parse_date(d).unwrap();
    /// let then = library.topic_at("care-funding", date("2022-08-16")).unwrap();
    /// let now = library.topic_at("care-funding", date("2026-11-23")).unwrap();
    /// assert_eq!((then.from, then.sender.as_deref()), (None, Some("tom-pursglove")));
    /// assert_eq!(now.sender.as_deref(), Some("lee-barron"));
    /// ```
    pub fn topic_at(&self, id: &str, date: Date) -> Option<&Topic> {
        let editions = || self.inner.topics.iter().filter(|t| t.id == id);
        editions()
            .filter(|t| t.from.is_none_or(|f| f <= date))
            .max_by_key(|t| t.from)
            .or_else(|| editions().min_by_key(|t| t.from))
    }

    /// The blocks and senders that only topic editions superseded on `date` use (kept
    /// so that older letters reproduce): block ids and sender ids, in library order.
    pub(crate) fn superseded_only(&self, date: Date) -> (Vec<&str>, Vec<&str>) {
        let topics = self.topics();
        let superseded =
            |t: &Topic| topics.iter().any(|e| e.id == t.id && e.from.is_some_and(|f| f <= date) && e.from > t.from);
        let (old, current): (Vec<&Topic>, Vec<&Topic>) = topics.iter().partition(|t| superseded(t));
        let live = self.with_all_includes(&current);
        let kept = self.with_all_includes(&old);
        let blocks = self.blocks().iter().map(|b| b.id.as_str()).filter(|id| kept.contains(id) && !live.contains(id));
        let signs = |ts: &[&Topic], id: &str| ts.iter().any(|t| t.sender.as_deref() == Some(id));
        let senders = self.senders().iter().map(|s| s.id.as_str()).filter(|id| signs(&old, id) && !signs(&current, id));
        (blocks.collect(), senders.collect())
    }

    /// The blocks the topics list (alternatives too) and every block those include.
    pub(crate) fn with_all_includes<'a>(&'a self, topics: &[&'a Topic]) -> std::collections::HashSet<&'a str> {
        let listed = topics.iter().flat_map(|t| t.blocks.iter().chain(t.alternatives.iter().flatten()));
        let mut all: std::collections::HashSet<&str> = listed.map(String::as_str).collect();
        let mut todo: Vec<&str> = all.iter().copied().collect();
        while let Some(id) = todo.pop() {
            for inc in self.block(id).map(|b| b.includes.as_slice()).unwrap_or_default() {
                if all.insert(inc) {
                    todo.push(inc);
                }
            }
        }
        all
    }

    /// The latest edition of each topic, in library order (what `suggest` ranks).
    pub fn latest_topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics().iter().filter(|t| self.topic(&t.id).is_some_and(|l| std::ptr::eq(l, *t)))
    }

    /// All senders.
    pub fn senders(&self) -> &[Sender] {
        &self.inner.senders
    }

    /// A sender by id.
    pub fn sender(&self, id: &str) -> Option<&Sender> {
        self.inner.senders.iter().find(|s| s.id == id)
    }

    /// How Word documents look (the `[document]` table; defaults when none).
    pub fn document_style(&self) -> &DocumentStyle {
        &self.inner.document
    }

    /// Layout names with their formats.
    pub fn layouts(&self) -> impl Iterator<Item = (&str, Format)> {
        self.inner.layouts.iter().map(|(n, f)| (n.as_str(), *f))
    }

    /// The facts base.
    pub fn facts(&self) -> &Facts {
        &self.inner.facts
    }

    /// The blocks of `topic`, in letter order, by id (optional ones marked).
    pub(crate) fn block_ids_for_topic<'a>(&self, topic: &'a Topic) -> impl Iterator<Item = (&'a str, bool)> + 'a {
        topic.blocks.iter().map(|id| (id.as_str(), topic.optional.contains(id)))
    }

    /// Calls `f` on `block` and every block it includes, depth first.
    pub(crate) fn with_includes(&self, block: &Block, f: &mut dyn FnMut(&Block)) {
        f(block);
        for inc in &block.includes {
            if let Some(b) = self.block(inc) {
                self.with_includes(b, f);
            }
        }
    }
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display(), e))?;
    crate::text::from_utf8(&path.display().to_string(), bytes)
}

fn collect_files(root: &Path, out: &mut Vec<(String, String)>) -> Result<()> {
    let found = crate::files::walk(&[root.to_path_buf()], &|p| {
        p.extension().is_some_and(|e| e == "toml" || e == "hbs")
            || p.extension().is_some_and(|e| e == "csv")
                && p.parent().is_some_and(|d| d.ends_with("register") || d.ends_with("policy"))
    })?;
    for path in found.files {
        let name = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        out.push((name, read_text(&path)?));
    }
    Ok(())
}

/// Turns a TOML error into one with a file position, and adds a did-you-mean for unknown fields.
fn toml_error(file: &str, text: &str, e: toml::de::Error) -> Error {
    let at = Location::at_offset(file, text, e.span().map_or(0, |s| s.start));
    let mut message = e.message().trim().to_string();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let (Some(end), Some(exp)) = (rest.find('`'), message.find("expected ")) {
            let word = rest[..end].to_string();
            let candidates: Vec<String> = message[exp..].split('`').skip(1).step_by(2).map(str::to_string).collect();
            message.push_str(&hint(&word, candidates.iter().map(String::as_str)));
        }
    }
    Error::Syntax { at, message }
}

/// Finds `needle` inside `span` of `text`, for pointing at a reference precisely.
fn locate(file: &str, lines: &LineIndex<'_>, text: &str, span: &std::ops::Range<usize>, needle: &str) -> Location {
    let hay = text.get(span.clone()).unwrap_or("");
    let quoted = format!("\"{needle}\"");
    let off = hay.find(&quoted).or_else(|| hay.find(needle)).map_or(0, |i| i + usize::from(hay[i..].starts_with('"')));
    lines.at(file, span.start + off)
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    topics: Vec<Topic>,
    senders: Vec<Sender>,
    facts: Facts,
    layouts: Vec<(String, Format, String, Location)>,
    document: DocumentStyle,
    /// The source text of each file, for positions found after parsing.
    texts: HashMap<String, String>,
    /// The byte range of each block's definition in its file, by block number.
    block_spans: Vec<std::ops::Range<usize>>,
    /// The byte range of each topic's definition in its file, by topic number.
    topic_spans: Vec<std::ops::Range<usize>>,
}

fn invalid(at: Location, message: impl Into<String>) -> Error {
    Error::Invalid { at, message: message.into() }
}

impl Builder {
    fn add_toml(&mut self, file: &str, owned: String, parsed: LibraryFile) -> Result<()> {
        let text = owned.as_str();
        if let Some(style) = &parsed.document {
            if !(4.0..=96.0).contains(&style.size) || !(4.0..=96.0).contains(&style.letterhead_size) {
                return Err(invalid(Location::new(file, 1, 1), "[document]: sizes are points, from 4 to 96"));
            }
            if !(0.0..=80.0).contains(&style.margin_mm) || !(0.0..=72.0).contains(&style.paragraph_space) {
                return Err(invalid(
                    Location::new(file, 1, 1),
                    "[document]: margin_mm is 0 to 80, paragraph_space 0 to 72 points",
                ));
            }
            self.document = style.clone();
        }
        let lines = LineIndex::new(text);
        let at = |span: std::ops::Range<usize>| lines.at(file, span.start);
        // A table's span covers its header only: an item runs to the next item.
        let mut starts: Vec<usize> = parsed.block.iter().map(|s| s.span().start).collect();
        starts.extend(parsed.topic.iter().map(|s| s.span().start));
        starts.extend(parsed.sender.iter().map(|s| s.span().start));
        starts.extend(parsed.event.iter().map(|s| s.span().start));
        starts.extend(parsed.office.iter().map(|s| s.span().start));
        starts.extend(parsed.tenure.iter().map(|s| s.span().start));
        starts.extend(parsed.period.iter().map(|s| s.span().start));
        starts.extend(parsed.entity.iter().map(|s| s.span().start));
        starts.extend(parsed.series.iter().map(|s| s.span().start));
        starts.extend(parsed.election.iter().map(|s| s.span().start));
        starts.sort_unstable();
        let extent = |span: std::ops::Range<usize>| {
            let next = starts.partition_point(|&s| s <= span.start);
            span.start..starts.get(next).copied().unwrap_or(text.len())
        };
        for s in parsed.block {
            let span = extent(s.span());
            let mut b = s.into_inner();
            b.at = at(span.clone());
            if b.text.len() > MAX_BLOCK_BYTES {
                return Err(invalid(
                    b.at.clone(),
                    format!("block `{}`: its text is {} bytes; at most {MAX_BLOCK_BYTES}", b.id, b.text.len()),
                ));
            }
            b.text.truncate(b.text.trim_end().len());
            for c in &mut b.claims {
                c.at = locate(file, &lines, text, &span, &c.quote);
            }
            self.block_spans.push(span);
            self.blocks.push(b);
        }
        for s in parsed.topic {
            let span = extent(s.span());
            let mut t = s.into_inner();
            t.at = at(span.clone());
            self.topic_spans.push(span);
            self.topics.push(t);
        }
        for s in parsed.sender {
            let span = s.span();
            let mut x = s.into_inner();
            x.at = at(span);
            self.senders.push(x);
        }
        let rows = parsed.event.len()
            + parsed.office.len()
            + parsed.tenure.len()
            + parsed.period.len()
            + parsed.entity.len()
            + parsed.series.len()
            + parsed.election.len();
        if rows > 0 || parsed.known_to.is_some() || !parsed.hold.is_empty() {
            let what = if parsed.entity.len() * 2 > rows { "tracked entities (facts TOML)" } else { "facts (TOML)" };
            self.facts.sources.push(crate::facts::Source {
                file: file.to_string(),
                what: what.to_string(),
                rows,
                known_to: parsed.known_to,
            });
        }
        let facts = &mut self.facts;
        for s in parsed.event {
            let (span, e) = (s.span(), s.into_inner());
            if facts.events.contains_key(&e.id) {
                return Err(invalid(at(span), format!("duplicate event id `{}`", e.id)));
            }
            facts.events.insert(e.id.clone(), e);
        }
        for s in parsed.office {
            let (span, mut o) = (s.span(), s.into_inner());
            o.at = at(span.clone());
            if facts.offices.contains_key(&o.id) {
                return Err(invalid(at(span), format!("duplicate office id `{}`", o.id)));
            }
            facts.offices.insert(o.id.clone(), o);
        }
        for s in parsed.tenure {
            let (span, mut t) = (extent(s.span()), s.into_inner());
            t.at = at(span.clone());
            t.known_to = parsed.known_to;
            if let Some(to) = t.to.filter(|to| *to < t.from) {
                return Err(invalid(
                    locate(file, &lines, text, &span, "to ="),
                    format!("tenure of {} in `{}` ends ({to}) before it starts ({})", t.holder, t.office, t.from),
                ));
            }
            facts.tenures.push(t);
        }
        for s in parsed.period {
            let (span, p) = (s.span(), s.into_inner());
            if p.to < p.from {
                return Err(invalid(
                    at(span),
                    format!("period `{}` ends ({}) before it starts ({})", p.id, p.to, p.from),
                ));
            }
            if facts.periods.contains_key(&p.id) {
                return Err(invalid(at(span), format!("duplicate period id `{}`", p.id)));
            }
            facts.periods.insert(p.id.clone(), p);
        }
        // Several files' facts are known to the earliest date any of them gives.
        facts.known_to = match (facts.known_to, parsed.known_to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (kind, value) in parsed.hold {
            let span = value.span();
            let hold = crate::facts::Hold::parse(value.get_ref())
                .map_err(|m| invalid(at(span.clone()), format!("[hold] {kind}: {m}")))?;
            // A later file (a facts pack) sets it anew.
            facts.holds.insert(kind, hold);
        }
        for s in parsed.entity {
            let (span, mut x) = (s.span(), s.into_inner());
            x.known_to = parsed.known_to;
            if x.states.is_empty() || x.states.windows(2).any(|w| w[1].date < w[0].date) {
                return Err(invalid(at(span), format!("entity `{}`: give its states, in date order", x.id)));
            }
            if facts.entities.iter().any(|e| e.id == x.id) {
                return Err(invalid(at(span), format!("duplicate entity id `{}`", x.id)));
            }
            facts.entities.push(x);
        }
        facts.series.extend(parsed.series.into_iter().map(toml::Spanned::into_inner));
        facts.elections.extend(parsed.election.into_iter().map(toml::Spanned::into_inner));
        if let Some(rules) = parsed.register {
            facts.register_rules.generic_posts.extend(rules.generic_posts);
        }
        self.texts.insert(file.to_string(), owned);
        Ok(())
    }

    fn add_layout(&mut self, file: &str, text: &str) -> Result<()> {
        let base = file.rsplit('/').next().unwrap_or(file);
        let stem = base.strip_suffix(".hbs").unwrap_or(base);
        let (name, ext) = stem.rsplit_once('.').ok_or_else(|| {
            invalid(Location::new(file, 1, 1), "a layout file is named NAME.FORMAT.hbs, FORMAT one of txt, md, html")
        })?;
        let format = match ext {
            "txt" => Format::Text,
            "md" => Format::Markdown,
            "html" => Format::Html,
            other => {
                return Err(invalid(
                    Location::new(file, 1, 1),
                    format!(
                        "unknown layout format `{other}`: use txt, md or html{}",
                        hint(other, ["txt", "md", "html"])
                    ),
                ));
            }
        };
        self.layouts.push((name.to_string(), format, text.to_string(), Location::new(file, 1, 1)));
        Ok(())
    }

    /// The position of `needle` inside the definition at `span` of the item at `at`.
    fn locate_in(&self, span: Option<&std::ops::Range<usize>>, at: &Location, needle: &str) -> Location {
        match (span, self.texts.get(&at.file)) {
            (Some(span), Some(text)) => locate(&at.file, &LineIndex::new(text), text, span, needle),
            _ => at.clone(),
        }
    }

    fn finish(mut self) -> Result<Library> {
        self.facts.finish()?;
        // Unique ids.
        let mut block_index = HashMap::new();
        for (i, b) in self.blocks.iter().enumerate() {
            if let Some(&first) = block_index.get(&b.id) {
                let first: &Block = &self.blocks[first];
                return Err(invalid(
                    b.at.clone(),
                    format!("duplicate block id `{}` (first defined at {})", b.id, first.at),
                ));
            }
            block_index.insert(b.id.clone(), i);
        }
        let editions: Vec<(String, &Location)> = self
            .topics
            .iter()
            .map(|t| (t.from.map_or(t.id.clone(), |f| format!("{}` from `{f}", t.id)), &t.at))
            .collect();
        unique(editions.iter().map(|(id, at)| (id, *at)), "topic")?;
        unique(self.senders.iter().map(|s| (&s.id, &s.at)), "sender")?;

        // Templates: compile every block, find its includes.
        let mut plain = template::registry(false);
        let mut loose = Handlebars::new();
        loose.register_escape_fn(handlebars::no_escape);
        let mut includes = Vec::with_capacity(self.blocks.len());
        // Whether some template names a partial by an expression: then any block may be one.
        let mut dynamic = false;
        for (i, b) in self.blocks.iter().enumerate() {
            // Plain text is read as it is (`render_block`, matching): registered below
            // only if a template includes it.
            if b.is_plain() {
                includes.push(Vec::new());
                continue;
            }
            let (deep, offset) = nesting(&b.text);
            if deep > MAX_NESTING {
                let at = self.locate_in(self.block_spans.get(i), &b.at, &b.text[..offset.min(40)]);
                return Err(invalid(
                    at,
                    format!("block `{}`: helpers and subexpressions nest {deep} deep; at most {MAX_NESTING}", b.id),
                ));
            }
            let tpl = Template::compile_with_name(&b.text, b.id.clone()).map_err(|e| {
                let (line, col) = e.pos().unwrap_or((1, 1));
                let mut at = self.locate_in(self.block_spans.get(i), &b.at, b.text.lines().next().unwrap_or(""));
                if line > 1 {
                    at.line += line - 1;
                    at.column = col;
                } else {
                    at.column += col - 1;
                }
                invalid(at, format!("block `{}`: template syntax error: {}", b.id, e.reason()))
            })?;
            let mut found = Vec::new();
            dynamic |= partials(&tpl.elements, &mut found);
            for inc in &found {
                if !block_index.contains_key(inc) {
                    let at = self.locate_in(self.block_spans.get(i), &b.at, &format!("{{{{> {inc}"));
                    return Err(invalid(
                        at,
                        format!(
                            "block `{}` includes unknown block `{inc}`{}",
                            b.id,
                            hint(inc, self.blocks.iter().map(|b| b.id.as_str()))
                        ),
                    ));
                }
            }
            includes.push(found);
            // For matching, every merge field becomes a slot marker.
            let slotted =
                Template::compile_with_name(crate::text::slot_fields(&b.text), b.id.clone()).unwrap_or(tpl.clone());
            loose.register_template(&b.id, slotted);
            plain.register_template(&b.id, tpl);
        }
        for (b, inc) in self.blocks.iter_mut().zip(includes) {
            b.includes = inc;
        }
        check_cycles(&self.blocks, &block_index)?;

        for (i, b) in self.blocks.iter().enumerate() {
            if let Some(r) = b.refreshes.iter().find(|r| !block_index.contains_key(*r)) {
                return Err(invalid(
                    self.locate_in(self.block_spans.get(i), &b.at, r),
                    format!(
                        "block `{}` refreshes unknown block `{r}`{}",
                        b.id,
                        hint(r, self.blocks.iter().map(|b| b.id.as_str()))
                    ),
                ));
            }
        }

        // Claims.
        for b in &self.blocks {
            for c in &b.claims {
                c.validate(b, &self.facts, &block_index)?;
            }
        }

        // Topics.
        for (i, t) in self.topics.iter().enumerate() {
            let key = self.topic_spans.get(i);
            let all = t.blocks.iter().chain(&t.optional).chain(t.alternatives.iter().flatten());
            for id in all {
                if !block_index.contains_key(id) {
                    return Err(invalid(
                        self.locate_in(key, &t.at, id),
                        format!(
                            "topic `{}` names unknown block `{id}`{}",
                            t.id,
                            hint(id, self.blocks.iter().map(|b| b.id.as_str()))
                        ),
                    ));
                }
            }
            for id in &t.optional {
                if !t.blocks.contains(id) {
                    return Err(invalid(
                        self.locate_in(key, &t.at, id),
                        format!("topic `{}`: optional block `{id}` must also stand in `blocks`, where it goes", t.id),
                    ));
                }
            }
            for group in &t.alternatives {
                let first = group.first().filter(|f| t.blocks.contains(f));
                if first.is_none() {
                    return Err(invalid(
                        self.locate_in(key, &t.at, "alternatives"),
                        format!("topic `{}`: the first block of each alternatives group must stand in `blocks`", t.id),
                    ));
                }
            }
            if let Some(s) = &t.sender {
                if !self.senders.iter().any(|x| &x.id == s) {
                    let ids = self.senders.iter().map(|x| x.id.as_str());
                    return Err(invalid(
                        self.locate_in(key, &t.at, s),
                        format!("topic `{}` names unknown sender `{s}`{}", t.id, hint(s, ids)),
                    ));
                }
            }
        }

        // Facts consistency.
        for s in &self.senders {
            if let Some(o) = &s.office {
                if self.facts.office(o).is_none() {
                    let ids = self.facts.offices.keys().map(String::as_str);
                    return Err(invalid(
                        s.at.clone(),
                        format!("sender `{}`: unknown office `{o}`{}", s.id, hint(o, ids)),
                    ));
                }
            }
        }
        for t in &self.facts.tenures {
            if self.facts.office(&t.office).is_none() {
                let ids = self.facts.offices.keys().map(String::as_str);
                return Err(invalid(
                    t.at.clone(),
                    format!("tenure of {}: unknown office `{}`{}", t.holder, t.office, hint(&t.office, ids)),
                ));
            }
        }
        for o in self.facts.offices.values() {
            if let Some(s) = o.successor.as_ref().filter(|s| self.facts.office(s).is_none()) {
                return Err(invalid(o.at.clone(), format!("office `{}`: unknown successor office `{s}`", o.id)));
            }
        }

        // Layouts.
        let mut html = template::registry(true);
        let mut layouts = Vec::new();
        let mut included: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (name, format, text, at) in &self.layouts {
            let key = template::layout_key(name, *format);
            let (deep, offset) = nesting(text);
            if deep > MAX_NESTING {
                return Err(invalid(
                    Location::at_offset(&at.file, text, offset),
                    format!("layout: helpers and subexpressions nest {deep} deep; at most {MAX_NESTING}"),
                ));
            }
            let tpl = Template::compile_with_name(text, key.clone()).map_err(|e| {
                let (line, column) = e.pos().unwrap_or((1, 1));
                invalid(Location::new(&at.file, line, column), format!("layout template syntax error: {}", e.reason()))
            })?;
            if *format == Format::Html {
                html.register_template(&key, tpl);
            } else {
                let mut found = Vec::new();
                dynamic |= partials(&tpl.elements, &mut found);
                included.extend(found);
                plain.register_template(&key, tpl);
            }
            layouts.push((name.clone(), *format));
        }
        layouts.sort();
        layouts.dedup();

        // Plain blocks that templates include, as one raw string each (built directly,
        // without handlebars' parser).
        included.extend(self.blocks.iter().flat_map(|b| b.includes.iter().cloned()));
        let empty = Template::compile("").unwrap_or_default();
        for b in self.blocks.iter().filter(|b| b.is_plain() && (dynamic || included.contains(&b.id))) {
            let mut raw = empty.clone();
            raw.name = Some(b.id.clone());
            raw.elements.push(TemplateElement::RawString(b.text.clone()));
            loose.register_template(&b.id, raw.clone());
            plain.register_template(&b.id, raw);
        }

        Ok(Library {
            inner: Arc::new(Inner {
                blocks: self.blocks,
                block_index,
                topics: self.topics,
                senders: self.senders,
                layouts,
                facts: self.facts,
                document: self.document,
                plain,
                html,
                loose,
            }),
        })
    }
}

fn unique<'a>(items: impl Iterator<Item = (&'a String, &'a Location)>, what: &str) -> Result<()> {
    let mut seen: BTreeMap<&String, &Location> = BTreeMap::new();
    for (id, at) in items {
        if let Some(first) = seen.insert(id, at) {
            return Err(invalid(at.clone(), format!("duplicate {what} id `{id}` (first defined at {first})")));
        }
    }
    Ok(())
}

/// The names of the partials (`{{> name}}`) a template uses, in order; `true` when a
/// partial is named any other way (`{{> (lookup …)}}`), so that it could be any block.
fn partials(elements: &[TemplateElement], out: &mut Vec<String>) -> bool {
    let mut dynamic = false;
    for e in elements {
        match e {
            TemplateElement::PartialExpression(d) | TemplateElement::PartialBlock(d) => {
                match &d.name {
                    Parameter::Name(n) if !out.contains(n) => out.push(n.clone()),
                    Parameter::Name(_) => {}
                    _ => dynamic = true,
                }
                if let Some(t) = &d.template {
                    dynamic |= partials(&t.elements, out);
                }
            }
            TemplateElement::HelperBlock(h) => {
                for t in [&h.template, &h.inverse].into_iter().flatten() {
                    dynamic |= partials(&t.elements, out);
                }
            }
            _ => {}
        }
    }
    dynamic
}

/// The largest block text a library may hold (1 MiB): a standard line is a paragraph,
/// and a larger one is a mistake that would make every check slow and large.
pub const MAX_BLOCK_BYTES: usize = 1 << 20;

/// How deep block helpers (`{{#if}}` inside `{{#each}}` ...) and subexpressions
/// (`(len (lookup ...))`) may nest in one template.
pub const MAX_NESTING: usize = 64;

/// The deepest nesting of block helpers and of subexpressions in a template's text, and
/// the byte offset where it is reached: counted on the raw text, so that a template
/// too deep to render safely is refused before it is compiled.
fn nesting(text: &str) -> (usize, usize) {
    let (mut blocks, mut deepest, mut at) = (0usize, 0usize, 0usize);
    let mut rest = 0;
    while let Some(open) = text[rest..].find("{{").map(|p| p + rest) {
        let inner_start = open + 2;
        let Some(close) = text[inner_start..].find("}}").map(|p| p + inner_start) else { break };
        let inner = text[inner_start..close].trim_start_matches(['{', '~']).trim_start();
        if inner.starts_with('#') {
            blocks += 1;
        } else if inner.starts_with('/') {
            blocks = blocks.saturating_sub(1);
        }
        let mut parens = 0usize;
        for (i, c) in inner.char_indices() {
            match c {
                '(' => parens += 1,
                ')' => parens = parens.saturating_sub(1),
                _ => {}
            }
            if blocks + parens > deepest {
                deepest = blocks + parens;
                at = inner_start + i;
            }
        }
        if blocks > deepest {
            deepest = blocks;
            at = open;
        }
        rest = close + 2;
    }
    (deepest, at)
}

/// How deep blocks may include blocks that include blocks (a chain `a -> b -> c` is 3).
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// Rejects include cycles and include chains deeper than [`MAX_INCLUDE_DEPTH`], naming
/// the chain. The walk itself never goes deeper than that bound.
fn check_cycles(blocks: &[Block], index: &HashMap<String, usize>) -> Result<()> {
    // 0 = unvisited, 1 = on the stack, 2 = done; `depth[i]` is the longest chain from i.
    fn visit(
        i: usize,
        blocks: &[Block],
        index: &HashMap<String, usize>,
        state: &mut [u8],
        depth: &mut [usize],
        path: &mut Vec<usize>,
    ) -> Result<()> {
        state[i] = 1;
        path.push(i);
        let chain = |path: &[usize], last: usize| {
            path.iter().chain([&last]).map(|&k| blocks[k].id.as_str()).collect::<Vec<_>>().join(" -> ")
        };
        let mut deepest = 1;
        for inc in &blocks[i].includes {
            let j = index[inc];
            if state[j] == 1 {
                let start = path.iter().position(|&p| p == j).unwrap_or(0);
                return Err(invalid(
                    blocks[i].at.clone(),
                    format!("blocks include each other in a cycle: {}", chain(&path[start..], j)),
                ));
            }
            if path.len() >= MAX_INCLUDE_DEPTH {
                return Err(invalid(
                    blocks[path[0]].at.clone(),
                    format!(
                        "blocks include blocks more than {MAX_INCLUDE_DEPTH} deep: {}",
                        chain(&path[..MAX_INCLUDE_DEPTH.min(path.len())], j)
                    ),
                ));
            }
            if state[j] == 0 {
                visit(j, blocks, index, state, depth, path)?;
            }
            deepest = deepest.max(depth[j] + 1);
            if path.len() + depth[j] > MAX_INCLUDE_DEPTH {
                return Err(invalid(
                    blocks[path[0]].at.clone(),
                    format!(
                        "blocks include blocks more than {MAX_INCLUDE_DEPTH} deep: {} -> ... ({} more levels)",
                        chain(&path[..path.len() - 1], i),
                        depth[j]
                    ),
                ));
            }
        }
        depth[i] = deepest;
        path.pop();
        state[i] = 2;
        Ok(())
    }
    let mut state = vec![0u8; blocks.len()];
    let mut depth = vec![0usize; blocks.len()];
    for i in 0..blocks.len() {
        if state[i] == 0 {
            visit(i, blocks, index, &mut state, &mut depth, &mut Vec::new())?;
        }
    }
    Ok(())
}

impl Claim {
    fn validate(&self, block: &Block, facts: &Facts, blocks: &HashMap<String, usize>) -> Result<()> {
        let err =
            |m: String| Err(invalid(self.at.clone(), format!("block `{}`, claim \"{}\": {m}", block.id, self.quote)));
        if self.quote.trim().is_empty() {
            return err("the quote is empty".into());
        }
        if !block.text.contains(&self.quote) {
            return err("the quote is not in the block's text (it must be copied exactly)".into());
        }
        let need = |field: &str, present: bool| {
            if present { Ok(()) } else { err(format!("a `{}` claim needs `{field}`", self.kind.name())) }
        };
        match self.kind {
            ClaimKind::Deadline => need("until or period", self.until.is_some() || self.period.is_some())?,
            ClaimKind::Event => need("event", self.event.is_some())?,
            ClaimKind::Office => {
                need("office", self.office.is_some())?;
                need("holder", self.holder.is_some())?;
            }
            ClaimKind::Relative => need("tolerance", self.tolerance.is_some())?,
            ClaimKind::Statistic => {
                need("data_date", self.data_date.is_some())?;
                need("refresh", self.refresh.is_some())?;
            }
            ClaimKind::Review => need("review_by", self.review_by.is_some())?,
        }
        if let Some(e) = self.event.as_ref().filter(|e| facts.event(e).is_none()) {
            return err(format!("unknown event `{e}`{}", hint(e, facts.events.keys().map(String::as_str))));
        }
        if let Some(p) = self.period.as_ref().filter(|p| facts.period(p).is_none()) {
            return err(format!("unknown period `{p}`{}", hint(p, facts.periods.keys().map(String::as_str))));
        }
        if let Some(o) = self.office.as_ref().filter(|o| facts.office(o).is_none()) {
            return err(format!("unknown office `{o}`{}", hint(o, facts.offices.keys().map(String::as_str))));
        }
        if let Some(r) = self.replace_with.as_ref().filter(|r| !blocks.contains_key(*r)) {
            return err(format!("unknown replacement block `{r}`"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(i: usize, text: &str) -> String {
        format!("[[block]]\nid = \"b{i}\"\ntitle = \"Block {i}\"\nrole = \"body\"\ntext = {text}\nas_of = 2026-11-01\n")
    }

    /// A library file of `n` blocks in which every seventh block's text is a multi-line
    /// string holding lines that read as headers.
    fn tricky(n: usize) -> String {
        let mut text = String::from(
            "# a library\nknown_to = 2026-01-01\n\n[[sender]]\nid = \"mp\"\nname = \"A Member\"\noffice_title = \"MP\"\n\n",
        );
        for i in 0..n {
            let body = match i % 7 {
                0 => format!("\"\"\"\nLine one of {i}.\n[[block]]\n[[topic]] # not a header\n\"\"\""),
                3 => format!("'''\n[[block]]\nLiteral {i}, é.\n[[ event ]]\n'''"),
                _ => format!("\"Plain text {i}: Ω, İ, ẞ.\""),
            };
            text.push_str(&block(i, &body));
            if i % 11 == 5 {
                text.push_str("[[block.claim]]\nquote = \"Plain\"\nkind = \"review\"\n");
            }
            text.push('\n');
        }
        text.push_str("[[topic]]\nid = \"t\"\ntitle = \"T\"\nblocks = [\"b1\"]\n");
        text
    }

    fn both(text: &str) -> (String, String) {
        let split = LibraryFile::parse("x.toml", text, 1).map(|f| format!("{f:?}")).map_err(|e| e.to_string());
        let whole = toml::from_str::<LibraryFile>(text).map_err(|e| toml_error("x.toml", text, e));
        let whole = whole.map(|f| format!("{f:?}")).map_err(|e| e.to_string());
        (format!("{split:?}"), format!("{whole:?}"))
    }

    #[test]
    fn the_embedded_policy_tables_read_without_error() {
        for (name, text) in EMBEDDED.iter().filter(|(n, _)| n.starts_with("policy/") && n.ends_with(".csv")) {
            let table = crate::policy::table_of(text).unwrap_or_else(|| panic!("{name}: no table"));
            let read = crate::policy::read_policy(name, text, table).unwrap_or_else(|e| panic!("{e}"));
            assert!(!read.entities.is_empty() && read.known_to.is_some(), "{name}");
        }
    }

    #[test]
    fn a_file_parsed_in_pieces_gives_the_whole_file_answer() {
        for n in [1, 2, 9, 40, 301] {
            for text in [tricky(n), tricky(n).replace('\n', "\r\n")] {
                let (split, whole) = both(&text);
                assert_eq!(split, whole, "{n} blocks");
                assert!(whole.starts_with("Ok"), "{whole}");
            }
        }
        // A large clean file really is split, and every piece parses.
        let clean: String = (0..300).map(|i| block(i, &format!("\"Text {i}.\""))).collect();
        assert!(LibraryFile::parse_pieces(&clean, 1).is_some());
        assert_eq!(both(&clean).0, both(&clean).1);
        // Cuts are found inside multi-line strings too; those pieces fail, and the
        // whole file is parsed instead.
        let text = tricky(300);
        let inside = text.find("\"\"\"\nLine one of 14.").unwrap();
        assert!(next_header(&text, inside).is_some_and(|cut| cut < text.find("Line one of 14.").unwrap() + 40));
    }

    #[test]
    fn a_file_that_is_wrong_in_pieces_is_reported_as_the_whole_file() {
        let good = tricky(120);
        let cases = [
            // An inline array of tables, extended by a `[[block]]` far below it (every
            // piece but the last holds only senders).
            format!(
                "block = [{{ id = \"x\", title = \"X\", role = \"body\", text = \"X\", as_of = 2026-01-01 }}]\n{}{}",
                (0..2000)
                    .map(|i| format!("[[sender]]\nid = \"s{i}\"\nname = \"N\"\noffice_title = \"MP\"\n"))
                    .collect::<String>(),
                tricky(5)
            ),
            // A syntax error in the middle.
            good.replacen("id = \"b60\"", "id = b60\"", 1),
            // An unterminated multi-line string that swallows the rest.
            good.replacen("text = \"Plain text 61", "text = \"\"\"Plain text 61", 1),
            // A duplicate key inside one block.
            good.replacen("id = \"b90\"", "id = \"b90\"\nid = \"c90\"", 1),
        ];
        for text in cases {
            let (split, whole) = both(&text);
            assert!(whole.starts_with("Err"), "{whole}");
            assert_eq!(split, whole);
        }
    }
}
