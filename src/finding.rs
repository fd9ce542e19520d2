//! The vocabulary of judgement: the claims a block can make (data, as a library
//! writes them), and the findings every judgement gives (claims, time expressions,
//! officeholders, blocks' states), with their kinds and severities.

use crate::date::{span_text, toml_date};
use crate::error::Location;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What makes a claim go out of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ClaimKind {
    /// True until a date (`until`) or the end of a period (`period`): "by 2024-25".
    Deadline,
    /// Superseded on the day an event happens (`event`): "a framework will be developed".
    Event,
    /// True while `holder` holds `office`.
    Office,
    /// A relative phrase ("within months", "today") true for `tolerance` after the block's `as_of`.
    Relative,
    /// A figure whose data date (`data_date`) is older than `refresh`.
    Statistic,
    /// To be reviewed by `review_by`.
    Review,
}

impl ClaimKind {
    /// The kind as written in TOML and in findings.
    pub fn name(self) -> &'static str {
        FindingKind::from(self).name()
    }
}

/// What a finding is about: a claim of a block (its [`ClaimKind`]), a block's or the
/// signer's state, or what the scanner recognised in unmatched text. Serialized as the
/// kebab-case names (`"deadline"`, `"relative-phrase"`), and compares equal to them.
///
/// ```
/// use replydraft::{ClaimKind, FindingKind};
/// assert_eq!(FindingKind::from(ClaimKind::Deadline), "deadline");
/// assert_eq!(serde_json::to_string(&FindingKind::RelativePhrase).unwrap(), "\"relative-phrase\"");
/// assert_eq!(FindingKind::MergeField.to_string(), "merge-field");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FindingKind {
    /// A deadline claim, or a scanned deadline ("by the end of 2023") that has passed.
    Deadline,
    /// An event claim: superseded by an event.
    Event,
    /// An office claim: the holder has left the office.
    Office,
    /// A relative-phrase claim that has outlived its tolerance.
    Relative,
    /// A statistic claim whose figure is older than its refresh period.
    Statistic,
    /// A review claim past its review date.
    Review,
    /// A letter dated before a block's `as_of`.
    BeforeAsOf,
    /// A block past its `review_by` date.
    BlockReview,
    /// A retired block.
    Retired,
    /// A draft (not yet approved) block.
    Draft,
    /// A merge field that cannot be right (`validate`).
    MergeField,
    /// The signer is not (or no longer) in the office signed for.
    Signer,
    /// A first-person clause that speaks from the office the signer no longer holds
    /// ("I will continue to monitor…").
    SignerVoice,
    /// When the letter was written (given or inferred).
    Written,
    /// A matched paragraph that differs from its block.
    Variant,
    /// A scanned date.
    Date,
    /// A scanned year.
    Year,
    /// A scanned financial year.
    FinancialYear,
    /// A scanned relative phrase ("within months", "last year").
    RelativePhrase,
    /// A scanned commitment ("will be developed").
    Commitment,
    /// A scanned name of an office holder.
    Officeholder,
    /// A tracked entity (a bill, a consultation, a strategy, a fiscal event) spoken of in
    /// the present or future after it has moved on.
    Entity,
    /// A name written with letters of another script that look alike (`Gаvin`, Cyrillic а).
    MixedScript,
    /// A time-sensitive claim no fact decides (a present-tense statement about a policy,
    /// a promise, a record, an undated figure), in a letter written long enough ago that
    /// it may no longer hold.
    Claim,
}

impl FindingKind {
    /// The kind's name, as serialized.
    pub fn name(self) -> &'static str {
        use FindingKind::*;
        match self {
            Deadline => "deadline",
            Event => "event",
            Office => "office",
            Relative => "relative",
            Statistic => "statistic",
            Review => "review",
            BeforeAsOf => "before-as-of",
            BlockReview => "block-review",
            Retired => "retired",
            Draft => "draft",
            MergeField => "merge-field",
            Signer => "signer",
            SignerVoice => "signer-voice",
            Written => "written",
            Variant => "variant",
            Date => "date",
            Year => "year",
            FinancialYear => "financial-year",
            RelativePhrase => "relative-phrase",
            Commitment => "commitment",
            Officeholder => "officeholder",
            Entity => "entity",
            MixedScript => "mixed-script",
            Claim => "claim",
        }
    }
}

impl From<ClaimKind> for FindingKind {
    fn from(kind: ClaimKind) -> FindingKind {
        match kind {
            ClaimKind::Deadline => FindingKind::Deadline,
            ClaimKind::Event => FindingKind::Event,
            ClaimKind::Office => FindingKind::Office,
            ClaimKind::Relative => FindingKind::Relative,
            ClaimKind::Statistic => FindingKind::Statistic,
            ClaimKind::Review => FindingKind::Review,
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq<str> for FindingKind {
    fn eq(&self, other: &str) -> bool {
        self.name() == other
    }
}

impl PartialEq<&str> for FindingKind {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// Ordered by name, as findings were when the kind was a string.
impl Ord for FindingKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

impl PartialOrd for FindingKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The coarse category of a finding of a letter's text, by the rule that made it:
/// people and their offices, time, policy (tracked entities and promises), or the
/// signer's own voice.
///
/// ```
/// use replydraft::{Category, CheckOptions, Desk, Library, parse_date};
///
/// let desk = Desk::new(Library::embedded()?);
/// let mut options = CheckOptions::new(parse_date("2026-12-07")?);
/// options.written = Some(parse_date("2024-01-01")?);
/// let report = desk.check("letter.txt", "Dear Sam,\n\nThe Government will publish a plan.\n", &options);
/// let f = report.findings.iter().find(|f| f.kind == "commitment").unwrap();
/// assert_eq!((f.rule, f.category), (Some("commitments"), Some(Category::Policy)));
/// assert_eq!(Category::Policy.name(), "policy");
/// # Ok::<(), replydraft::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Category {
    /// People in office, seats, offices named by title; names in another script.
    People,
    /// Time expressions, and time counted from elections and governments.
    Time,
    /// Tracked entities (bills, consultations, strategies) and promises without a date.
    Policy,
    /// The signer's own voice, once the signer is out of office.
    Voice,
}

impl Category {
    /// The category's name, as serialized.
    pub fn name(self) -> &'static str {
        match self {
            Category::People => "people",
            Category::Time => "time",
            Category::Policy => "policy",
            Category::Voice => "voice",
        }
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information: a date or phrase worth a glance.
    Info,
    /// Needs review before sending.
    Warning,
    /// No longer true: passed, superseded, out of office.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A time-bound statement inside a block, and the fact it depends on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The exact words in the block's text.
    pub quote: String,
    /// What makes it go out of date.
    pub kind: ClaimKind,
    /// Deadline: the last day it is true.
    #[serde(default, with = "toml_date::option")]
    pub until: Option<Date>,
    /// Deadline: a period id (`fy-2024-25`); true until its last day.
    #[serde(default)]
    pub period: Option<String>,
    /// Event: the event id that supersedes it.
    #[serde(default)]
    pub event: Option<String>,
    /// Office: the office id.
    #[serde(default)]
    pub office: Option<String>,
    /// Office: the holder the text names or implies.
    #[serde(default)]
    pub holder: Option<String>,
    /// Relative: how long after the block's `as_of` the phrase stays true.
    #[serde(default, deserialize_with = "span_text::deserialize")]
    pub tolerance: Option<jiff::Span>,
    /// Statistic: the date of the data.
    #[serde(default, with = "toml_date::option")]
    pub data_date: Option<Date>,
    /// Statistic: how long the figure may be quoted.
    #[serde(default, deserialize_with = "span_text::deserialize")]
    pub refresh: Option<jiff::Span>,
    /// Review: the date it must be reviewed by.
    #[serde(default, with = "toml_date::option")]
    pub review_by: Option<Date>,
    /// Overrides the kind's default severity.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Why it dates, for maintainers.
    #[serde(default)]
    pub note: Option<String>,
    /// What to say instead.
    #[serde(default)]
    pub suggest: Option<String>,
    /// A block to use instead.
    #[serde(default)]
    pub replace_with: Option<String>,
    /// Where the claim is written.
    #[serde(skip)]
    pub at: Location,
}

/// One thing out of date (or worth a look) in a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// How bad.
    pub severity: Severity,
    /// What it is about (serialized as `"deadline"`, `"relative-phrase"` …).
    pub kind: FindingKind,
    /// The exact text the finding is about: `text == letter[start..end]`.
    pub text: String,
    /// Byte offset of the text in the letter.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// The block it belongs to, if known.
    pub block: Option<String>,
    /// The first day it was out of date.
    pub since: Option<Date>,
    /// What is wrong, naming the fact and its date.
    pub message: String,
    /// What to say instead.
    pub suggestion: Option<String>,
    /// The exact text to put in place of `text` when the change is certain (a
    /// relative expression written out as the date it meant); `replydraft fix`
    /// applies these and nothing else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// Where the fact it is judged by comes from (a URL, or a named source such as the
    /// register's), when a fact of the facts base decided it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The id of the rule that found it in a letter's text (`"officeholders"`,
    /// `"commitments"` …: the modules of `src/rules/`); `None` for a block's claims and
    /// states. Not serialized: a report's JSON is as it was before findings carried it.
    #[serde(skip)]
    pub rule: Option<&'static str>,
    /// The coarse category of that rule. Not serialized either.
    #[serde(skip)]
    pub category: Option<Category>,
}

impl Finding {
    /// A finding about `letter[start..end]`, with no block, date or suggestion yet.
    pub(crate) fn at(
        letter: &str,
        (start, end): (usize, usize),
        severity: Severity,
        kind: FindingKind,
        message: String,
    ) -> Finding {
        Finding {
            severity,
            kind,
            text: letter[start..end].to_string(),
            start,
            end,
            block: None,
            since: None,
            message,
            suggestion: None,
            replacement: None,
            source: None,
            rule: None,
            category: None,
        }
    }

    /// Orders findings by position, then severity (worst first).
    pub(crate) fn sort(findings: &mut [Finding]) {
        findings.sort_by(|a, b| (a.start, a.end, b.severity, &a.kind).cmp(&(b.start, b.end, a.severity, &b.kind)));
    }
}

/// "3 years 4 months" between two dates.
pub(crate) fn elapsed(from: Date, to: Date) -> String {
    let Ok(span) = from.until((jiff::Unit::Year, to)) else { return String::new() };
    let (y, m, d) = (span.get_years(), span.get_months(), span.get_days());
    let part = |n: i64, unit: &str| match n {
        0 => None,
        1 => Some(format!("1 {unit}")),
        n => Some(format!("{n} {unit}s")),
    };
    let parts: Vec<String> = if y > 0 {
        [part(y.into(), "year"), part(m.into(), "month")].into_iter().flatten().collect()
    } else {
        [part(m.into(), "month"), part(d.into(), "day")].into_iter().flatten().collect()
    };
    if parts.is_empty() { "0 days".into() } else { parts.join(" ") }
}
