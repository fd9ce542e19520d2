//! Claims: time-bound statements in blocks, bound to dated facts, and the findings
//! they give at a date.

use crate::date::next_day;
use crate::error::Location;
use crate::facts::Facts;
use crate::finding::{Claim, ClaimKind, Finding, FindingKind, Severity, elapsed};
use crate::library::{Approval, Block, Library, Sender};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Why a claim is out of date at a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// How bad.
    pub severity: Severity,
    /// The first day it was out of date.
    pub since: Option<Date>,
    /// What happened, naming the fact and its date.
    pub message: String,
    /// What to say instead.
    pub suggestion: Option<String>,
    /// Where the deciding fact comes from, when a fact decided it.
    pub source: Option<String>,
}

impl Claim {
    /// Evaluates the claim on `date`, for a block written on `as_of`. `None` while it holds.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let block = library.block("family-hubs").unwrap();
    /// let claim = &block.claims[0];
    /// let d = |s| replydraft::parse_date(s).unwrap();
    /// assert!(claim.evaluate(block.as_of, d("2023-12-14"), library.facts()).is_none());
    /// let stale = claim.evaluate(block.as_of, d("2023-12-15"), library.facts()).unwrap();
    /// assert_eq!(stale.since, Some(d("2023-12-15")));
    /// ```
    pub fn evaluate(&self, as_of: Date, date: Date, facts: &Facts) -> Option<Stale> {
        let mut source = None;
        let (default, since, message, fact_suggestion) = match self.kind {
            ClaimKind::Deadline => {
                let period = self.period.as_deref().and_then(|p| facts.period(p));
                let end = self.until.or(period.map(|p| p.to))?;
                if date <= end {
                    return None;
                }
                let what =
                    period.map(|p| format!("{} ended on {end}", p.name)).unwrap_or_else(|| format!("it ran to {end}"));
                (Severity::Error, Some(next_day(end)), format!("deadline passed: {what}"), None)
            }
            ClaimKind::Event => {
                let e = facts.event(self.event.as_deref()?)?;
                if date < e.date {
                    return None;
                }
                source = Some(e.source.clone()).filter(|s| !s.is_empty());
                (Severity::Error, Some(e.date), format!("superseded on {}: {}", e.date, e.what), None)
            }
            ClaimKind::Office => {
                let (office, holder) = (self.office.as_deref()?, self.holder.as_deref()?);
                let title = facts.office(office).map_or(office, |o| o.title.as_str());
                // The successor and the source are looked up only for a finding (most claims hold).
                let successor = || {
                    facts
                        .successor_at(office, date)
                        .map(|(o, t)| format!("{} is {} (since {})", t.holder, o.title, t.from))
                };
                let source_of = || facts.holder_source(office, holder, date).map(String::from);
                match facts.check_holder(office, holder, date) {
                    Ok(t) => {
                        // Never "fine" after what the facts base knows: a warning, whatever the claim's severity.
                        let (known, message) = facts.unverifiable(t, title, date)?;
                        let suggestion = Some("update the facts base, or check who holds the office now".to_string());
                        return Some(Stale {
                            severity: Severity::Warning,
                            since: Some(next_day(known)),
                            message,
                            suggestion,
                            source: source_of(),
                        });
                    }
                    Err(last) => {
                        source = source_of();
                        let message = match last {
                            Some(last) => format!("{holder} left office as {title} on {last}"),
                            None => format!("{holder} did not hold office as {title} on {date}"),
                        };
                        (Severity::Error, last.map(next_day), message, successor())
                    }
                }
            }
            ClaimKind::Relative => {
                let tolerance = self.tolerance?;
                let (severity, since) = aged(as_of, tolerance, date)?;
                let msg = format!(
                    "relative phrase written on {as_of} is read {} later; it held for {}",
                    elapsed(as_of, date),
                    tolerance_text(tolerance)
                );
                (severity, Some(since), msg, None)
            }
            ClaimKind::Statistic => {
                let (data, refresh) = (self.data_date?, self.refresh?);
                let (severity, since) = aged(data, refresh, date)?;
                let msg = format!(
                    "figure dated {data} is {} old (refresh every {})",
                    elapsed(data, date),
                    tolerance_text(refresh)
                );
                (severity, Some(since), msg, None)
            }
            ClaimKind::Review => {
                let by = self.review_by?;
                if date < by {
                    return None;
                }
                (Severity::Warning, Some(by), format!("review was due by {by}"), None)
            }
        };
        let mut message = message;
        if let Some(note) = &self.note {
            message.push_str(&format!(" ({note})"));
        }
        let suggestion = match (&self.suggest, &self.replace_with, fact_suggestion) {
            (Some(s), _, Some(f)) => Some(format!("{s} [{f}]")),
            (Some(s), _, None) => Some(s.clone()),
            (None, Some(r), _) => Some(format!("use block `{r}` instead")),
            (None, None, f) => f,
        };
        Some(Stale { severity: self.severity.unwrap_or(default), since, message, suggestion, source })
    }
}

fn tolerance_text(span: jiff::Span) -> String {
    use jiff::fmt::friendly::{Designator, Spacing, SpanPrinter};
    SpanPrinter::new()
        .designator(Designator::Verbose)
        .spacing(Spacing::BetweenUnitsAndDesignators)
        .span_to_string(&span)
}

/// Relative phrases and figures: a warning once past their limit, an error once
/// past it by as long again (a "within months" read years later is simply untrue).
fn aged(start: Date, span: jiff::Span, date: Date) -> Option<(Severity, Date)> {
    let limit = start.checked_add(span).ok()?;
    if date <= limit {
        return None;
    }
    let twice = limit.checked_add(span).ok()?;
    Some((if date > twice { Severity::Error } else { Severity::Warning }, next_day(limit)))
}

/// Where one block stands in a draft's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BlockSpan {
    /// Block id.
    pub id: String,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The block that includes this one, for included blocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// The findings of `block`'s claims on `date`, for a letter written on `anchor`
/// (relative phrases count from it). `locate` finds a quote in `letter`; a claim
/// whose quote is not there is left out.
pub(crate) fn claim_findings(
    block: &Block,
    facts: &Facts,
    anchor: Date,
    date: Date,
    letter: &str,
    locate: &dyn Fn(&str) -> Option<(usize, usize)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for claim in &block.claims {
        let Some(stale) = claim.evaluate(anchor, date, facts) else { continue };
        let Some((s, e)) = locate(&claim.quote) else { continue };
        out.push(Finding {
            block: Some(block.id.clone()),
            since: stale.since,
            suggestion: stale.suggestion,
            source: stale.source,
            ..Finding::at(letter, (s, e), stale.severity, claim.kind.into(), stale.message)
        });
    }
    out
}

/// Findings about a whole block in a draft: dated before it was written, due for
/// review, retired.
/// A block's own state in a letter: written after the letter's date (`written`, when
/// known) while it has claims, due for review or retired at `date`.
pub(crate) fn block_state_findings(
    block: &Block,
    written: Option<Date>,
    date: Date,
    letter: &str,
    (start, end): (usize, usize),
) -> Vec<Finding> {
    let whole = |severity, kind: FindingKind, since, message: String, suggestion: Option<String>| Finding {
        block: Some(block.id.clone()),
        since,
        suggestion,
        ..Finding::at(letter, (start, end), severity, kind, message)
    };
    let mut out = Vec::new();
    // A block's date says when the office wrote it, not when its words became true:
    // only a block that claims something dated ("within months", a minister's name)
    // can say what was not yet so. A courtesy line holds on any date.
    if let Some(written) = written.filter(|w| *w < block.as_of && !block.claims.is_empty()) {
        out.push(whole(
            Severity::Warning,
            FindingKind::BeforeAsOf,
            None,
            format!("the letter is dated {written}, before block `{}` was written ({})", block.id, block.as_of),
            Some("check the date, or use a block that was true then".into()),
        ));
    }
    if let Some(by) = block.review_by.filter(|by| date >= *by) {
        out.push(whole(
            Severity::Warning,
            FindingKind::BlockReview,
            Some(by),
            format!("block `{}` was due for review by {by}", block.id),
            None,
        ));
    }
    match block.approval() {
        Approval::Retired => out.push(whole(
            Severity::Warning,
            FindingKind::Retired,
            None,
            format!("block `{}` is retired", block.id),
            None,
        )),
        Approval::Draft => out.push(whole(
            Severity::Warning,
            FindingKind::Draft,
            None,
            format!("block `{}` is a draft, not yet approved", block.id),
            Some(format!("have it approved: replydraft approve {} --by NAME", block.id)),
        )),
        state @ Approval::Changed { .. } => out.push(whole(
            Severity::Warning,
            FindingKind::Draft,
            None,
            // "has changed since it was approved by … on …"
            format!(
                "block `{}` has {}",
                block.id,
                state.to_string().replacen("since approved", "since it was approved", 1)
            ),
            Some(format!("have the new text approved: replydraft approve {} --by NAME", block.id)),
        )),
        Approval::Approved { .. } | Approval::Unrecorded => {}
    }
    out
}

/// Whether `sender` may sign on `date`: an error finding when their office ended (or had not begun).
pub(crate) fn signer_finding(sender: &Sender, facts: &Facts, date: Date, letter: &str) -> Option<Finding> {
    let office = sender.office.as_deref()?;
    let title = facts.office(office).map_or(sender.office_title.as_str(), |o| o.title.as_str());
    let (since, message, severity, suggestion) = match facts.check_holder(office, &sender.name, date) {
        Ok(t) => {
            let (known, message) = facts.unverifiable(t, title, date)?;
            let suggestion = "update the facts base, or check that the signer still holds the office".to_string();
            (Some(next_day(known)), format!("the signer: {message}"), Severity::Warning, suggestion)
        }
        Err(last) => {
            let (since, message) = match last {
                Some(last) => {
                    (Some(next_day(last)), format!("the signer, {}, left office as {title} on {last}", sender.name))
                }
                None => (None, format!("the signer, {}, did not hold office as {title} on {date}", sender.name)),
            };
            let suggestion = match facts.successor_at(office, date) {
                Some((o, t)) => {
                    format!(
                        "{} is {} (since {}); sign as them or as the current office-holder",
                        t.holder, o.title, t.from
                    )
                }
                None => format!("no one holds office as {title} on {date}"),
            };
            (since, message, Severity::Error, suggestion)
        }
    };
    // Point at the signature: the last place the signer's name appears (any ASCII case,
    // any white space), found on the folded letter and mapped back to the original.
    // ASCII lowercasing keeps every byte offset, so the folded text's offsets hold.
    let folded = crate::text::Folded::new(letter);
    let name = crate::text::normalize(&sender.name).to_ascii_lowercase();
    let (start, end) = (!name.is_empty())
        .then(|| folded.text.to_ascii_lowercase().rfind(&name))
        .flatten()
        .map_or((0, 0), |p| folded.original(p, p + name.len()));
    Some(Finding {
        since,
        suggestion: Some(suggestion),
        source: facts.holder_source(office, &sender.name, date).map(String::from),
        ..Finding::at(letter, (start, end), severity, FindingKind::Signer, message)
    })
}

/// The recipient fields every letter has; any other `recipient.X` is a field the
/// office supplies (`--field`, a CSV column).
const RECIPIENT_FIELDS: &[&str] = &["name", "salutation", "address", "email"];
/// The sender fields a block can use (a sender has no others).
const SENDER_FIELDS: &[&str] =
    &["id", "name", "office", "office_title", "letterhead", "address", "email", "signoff", "signature", "date_style"];

/// Merge fields in a block that cannot be right: `sender.X` for a field senders do not
/// have (an error), and `recipient.X` one letter away from a field every recipient has
/// (`recipient.nmae`: a warning, as an office may have a field of that name).
fn merge_field_findings(block: &Block) -> Vec<Finding> {
    static FIELD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:^|[^A-Za-z0-9_.@])(recipient|sender)\.([A-Za-z_][A-Za-z0-9_]*)").expect("field pattern")
    });
    let text = &block.text;
    let mut out = Vec::new();
    for (open, close, _) in crate::text::mustaches(text) {
        for c in FIELD.captures_iter(&text[open + 2..close]) {
            let (Some(whole), Some(kind), Some(field)) = (c.get(0), c.get(1), c.get(2)) else { continue };
            let start = open + 2 + whole.end() - field.len() - kind.len() - 1;
            let span = (start, open + 2 + whole.end());
            let (severity, message) = match kind.as_str() {
                "sender" if !SENDER_FIELDS.contains(&field.as_str()) => (
                    Severity::Error,
                    format!(
                        "block `{}`: a sender has no field `{}`{}",
                        block.id,
                        field.as_str(),
                        crate::error::hint(field.as_str(), SENDER_FIELDS.iter().copied())
                    ),
                ),
                "recipient" if !RECIPIENT_FIELDS.contains(&field.as_str()) => {
                    let Some(meant) = crate::error::did_you_mean(field.as_str(), RECIPIENT_FIELDS.iter().copied())
                    else {
                        continue;
                    };
                    (
                        Severity::Warning,
                        format!(
                            "block `{}`: `recipient.{}` looks like a misspelt `recipient.{meant}` (a field of the office's own is fine if every letter supplies it)",
                            block.id,
                            field.as_str()
                        ),
                    )
                }
                _ => continue,
            };
            out.push(Finding {
                block: Some(block.id.clone()),
                ..Finding::at(text, span, severity, FindingKind::MergeField, message)
            });
        }
    }
    out
}

/// All findings of a rendered draft.
pub(crate) fn draft_findings(
    library: &Library,
    letter: &str,
    spans: &[BlockSpan],
    sender: &Sender,
    date: Date,
    html: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for span in spans {
        let Some(block) = library.block(&span.id) else { continue };
        let region = &letter[span.start..span.end];
        let locate = |quote: &str| {
            let needle = if html { handlebars::html_escape(quote) } else { quote.to_string() };
            region.find(&needle).map(|p| (span.start + p, span.start + p + needle.len()))
        };
        out.extend(claim_findings(block, library.facts(), block.as_of, date, letter, &locate));
        out.extend(block_state_findings(block, Some(date), date, letter, (span.start, span.end)));
    }
    if let Some(signer) = signer_finding(sender, library.facts(), date, letter) {
        // Out of office, the sender can no longer do what the letter has them say they do.
        out.extend(crate::voice::findings(letter, &signer));
        out.push(signer);
    }
    Finding::sort(&mut out);
    out
}

/// One block's entry in a [`Validation`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BlockHealth {
    /// The block id.
    pub block: String,
    /// Where the block is defined.
    pub at: Location,
    /// Its claims out of date at the date (spans are byte offsets into the block's text),
    /// and block-level problems (review due, retired, draft).
    pub findings: Vec<Finding>,
}

/// Library health at a date: every claim stale at that date, grouped by block, and
/// senders no longer in office. Built by `Desk::validate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Validation {
    /// The date.
    pub date: Date,
    /// Blocks with findings, in library order.
    pub blocks: Vec<BlockHealth>,
    /// Senders and why they can no longer sign.
    pub senders: Vec<(String, String)>,
    /// Blocks that only topic editions superseded at the date use: kept so that older
    /// letters reproduce (and `check` recognises them), not judged.
    pub superseded_blocks: Vec<String>,
    /// Senders that only superseded topic editions name: not judged.
    pub superseded_senders: Vec<String>,
    /// The date the facts base is known to ([`crate::Facts::known_to`]).
    pub facts_known_to: Option<Date>,
    /// Blocks in use awaiting approval: drafts, and approved texts changed since, with why.
    #[serde(default)]
    pub awaiting_approval: Vec<(String, String)>,
    /// Approved blocks whose `review_by` date has come since they were approved: the
    /// approval is due again (block id, approved on, review by).
    #[serde(default)]
    pub approvals_due: Vec<(String, Date, Date)>,
    /// Blocks in use approved before approvals were recorded (no `approved_by`).
    #[serde(default)]
    pub unrecorded: Vec<String>,
}

impl Validation {
    /// Whether the facts base is more than six months behind the date: office holders,
    /// events and bills since then are unknown, and should be brought up to date.
    pub fn facts_behind(&self) -> bool {
        self.facts_known_to.is_some_and(|k| k.checked_add(jiff::Span::new().months(6)).is_ok_and(|d| d < self.date))
    }
}

impl Validation {
    /// Number of error findings.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warning findings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.blocks.iter().flat_map(|b| &b.findings).filter(|f| f.severity == severity).count()
    }

    /// True when nothing is out of date: no error findings and every sender can sign.
    pub fn is_clean(&self) -> bool {
        self.errors() == 0 && self.senders.is_empty()
    }
}

/// The health of `library` at `date`: every claim out of date, blocks due for review,
/// retired or draft blocks, and senders out of office (see `Desk::validate`).
pub(crate) fn validate(library: &Library, date: Date) -> Validation {
    let (old_blocks, old_senders) = library.superseded_only(date);
    let kept: std::collections::HashSet<&str> = old_blocks.iter().copied().collect();
    let mut blocks = Vec::new();
    let (mut awaiting_approval, mut approvals_due, mut unrecorded) = (Vec::new(), Vec::new(), Vec::new());
    for block in library.blocks().iter().filter(|b| !kept.contains(b.id.as_str())) {
        let text = &block.text;
        let locate = |quote: &str| text.find(quote).map(|p| (p, p + quote.len()));
        // Claims are judged from the block's own as_of, and never "before" it.
        let at = date.max(block.as_of);
        let mut findings = claim_findings(block, library.facts(), block.as_of, at, text, &locate);
        findings.extend(block_state_findings(block, Some(at), at, text, (0, text.len())));
        match block.approval() {
            state @ Approval::Draft => awaiting_approval.push((block.id.clone(), state.to_string())),
            state @ Approval::Changed { .. } => awaiting_approval.push((block.id.clone(), state.to_string())),
            Approval::Approved { on, .. } => {
                if let Some(by) = block.review_by.filter(|by| *by <= date && on < *by) {
                    approvals_due.push((block.id.clone(), on, by));
                }
            }
            Approval::Unrecorded => unrecorded.push(block.id.clone()),
            Approval::Retired => {}
        }
        findings.extend(merge_field_findings(block));
        if !findings.is_empty() {
            Finding::sort(&mut findings);
            blocks.push(BlockHealth { block: block.id.clone(), at: block.at.clone(), findings });
        }
    }
    let senders = library
        .senders()
        .iter()
        .filter(|s| !old_senders.contains(&s.id.as_str()))
        .filter_map(|s| {
            let f = signer_finding(s, library.facts(), date, "").filter(|f| f.severity == Severity::Error)?;
            Some((s.id.clone(), f.message))
        })
        .collect();
    let owned = |ids: Vec<&str>| ids.into_iter().map(String::from).collect();
    Validation {
        date,
        blocks,
        senders,
        superseded_blocks: owned(old_blocks),
        superseded_senders: owned(old_senders),
        facts_known_to: library.facts().known_to(),
        awaiting_approval,
        approvals_due,
        unrecorded,
    }
}
