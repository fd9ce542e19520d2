//! # replydraft-time
//!
//! Temporal expressions: finds time language in English text ("last year", "by May",
//! "2024-25", "over the past two years", "Friday") and normalises each to a TIMEX3 value
//! and the calendar interval it denotes, resolved against an anchor (the date the text
//! was written).
//!
//! Pure: text and anchor in, expressions out; no facts, no judgement. What is recognised
//! and how it is normalised is data (`src/rules.toml`: word lists, patterns and rules,
//! in the manner of HeidelTime, read by the loader of [`rules`], which checks them as it
//! reads them); this crate only runs the rules and evaluates their values. It was
//! written for [replydraft](https://docs.rs/replydraft), which judges the letters of
//! UK MPs' offices, and reads UK years too: `FY2024` (April 2024 to March 2025),
//! `TY2024`, `AY2024`.
//!
//! ```
//! use jiff::civil::date;
//!
//! let text = "Last year we met on Friday; funding for 2024-25 runs for two years.";
//! let found = replydraft_time::find(text, date(2024, 6, 12));
//! let values: Vec<&str> = found.iter().map(|t| t.value.as_str()).collect();
//! assert_eq!(values, ["2023", "2024-06-07", "FY2024", "P2Y"]);
//! assert_eq!(&text[found[0].start..found[0].end], "Last year");
//! assert_eq!(found[2].first, Some(date(2024, 4, 1)));
//! assert_eq!(found[2].last, Some(date(2025, 3, 31)));
//! ```

pub mod rules;

/// The README's example is doc-tested.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

use crate::rules::{RulesError, Source, Spanned};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use regex::{Regex, RegexBuilder};
use regex_automata::{Anchored, Input, PatternID, meta, util::captures::Captures};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The rules, as shipped (see the file for its format).
///
/// ```
/// assert!(replydraft_time::RULES_TOML.contains("[[rule]]"));
/// ```
pub const RULES_TOML: &str = include_str!("rules.toml");

/// The name errors in [`RULES_TOML`] give it.
const RULES_FILE: &str = "crates/replydraft-time/src/rules.toml";

/// The four TIMEX3 types.
///
/// ```
/// use replydraft_time::{TimexType, find};
/// let found = find("every year for two years from May", jiff::civil::date(2024, 6, 12));
/// let kinds: Vec<TimexType> = found.iter().map(|t| t.kind).collect();
/// assert_eq!(kinds, [TimexType::Set, TimexType::Duration, TimexType::Date]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    /// A calendar date or period: `2023-11-01`, `2023`, `2023-Q4`, `PAST_REF`.
    Date,
    /// A time of day: `2023-11-01TMO`.
    Time,
    /// A length of time: `P2Y`.
    Duration,
    /// A recurrence: `P1Y` for "every year".
    Set,
}

impl TimexType {
    /// The TIMEX3 name: `DATE`, `TIME`, `DURATION` or `SET`.
    ///
    /// ```
    /// assert_eq!(replydraft_time::TimexType::Duration.name(), "DURATION");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }
}

/// One temporal expression found in a text.
///
/// ```
/// let text = "The review will report in the spring.";
/// let t = &replydraft_time::find(text, jiff::civil::date(2024, 1, 10))[0];
/// assert_eq!((&text[t.start..t.end], t.value.as_str(), t.partial), ("the spring", "2024-SP", true));
/// assert_eq!(t.first, Some(jiff::civil::date(2024, 3, 1)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Timex {
    /// Byte offset of the first byte, in the text as given.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    /// The TIMEX3 type.
    #[serde(rename = "type")]
    pub kind: TimexType,
    /// The normalised TIMEX3 value (`2023-11`, `P2Y`, `PRESENT_REF`; UK years as
    /// `FY2024` for April 2024 to March 2025, `TY2024` for the tax year from 6 April
    /// 2024, `AY2024` for the academic year from September 2024).
    pub value: String,
    /// The first day of the interval the expression denotes, when it denotes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Date>,
    /// The last day of that interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Date>,
    /// Written without its year (a day or month alone, a weekday, a holiday, a
    /// season): the year, or the week, was inferred from the anchor and the tense.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// The name of the rule that recognised it.
    pub rule: String,
}

/// Finds every temporal expression in `text`, normalised against `anchor`, the date
/// the text was written. Expressions do not overlap and come in text order.
///
/// ```
/// use replydraft_time::{TimexType, find};
/// let found = find("The plan will be set out in September.", jiff::civil::date(2023, 6, 1));
/// assert_eq!(found[0].value, "2023-09");
/// assert_eq!(found[0].kind, TimexType::Date);
/// ```
pub fn find(text: &str, anchor: Date) -> Vec<Timex> {
    read(text).at(anchor)
}

/// The temporal expressions of a text, recognised once: which words are an
/// expression, and the tense of the clause of those whose value depends on it, are
/// the same whatever day the text is read on. [`Reading::at`] gives their values
/// read on any anchor, so that reading one letter on several days (written, judged,
/// a distant day to see what moves) recognises it only once.
///
/// ```
/// use jiff::civil::date;
/// let reading = replydraft_time::read("The plan will be set out in September.");
/// assert_eq!(reading.at(date(2023, 6, 1))[0].value, "2023-09");
/// assert_eq!(reading.at(date(2024, 10, 1))[0].value, "2025-09");
/// ```
pub struct Reading<'t> {
    text: &'t str,
    /// The expressions taken (longest first, then by priority), in text order: each
    /// with its rule's groups as values and its clause's tense (when the rule reads it).
    taken: Vec<Recognised>,
}

/// An expression recognised: its words, its rule's groups as values, its clause's tense.
struct Recognised {
    candidate: Candidate,
    groups: Vec<(String, String)>,
    tense: Tense,
}

/// Recognises the temporal expressions of `text` without reading their values: see
/// [`Reading`].
///
/// ```
/// let reading = replydraft_time::read("Last year, and by March 2025.");
/// assert_eq!(reading.at(jiff::civil::date(2024, 6, 1)).len(), 2);
/// ```
pub fn read(text: &str) -> Reading<'_> {
    // Rules match within one stretch (`chunks`), so stretches are recognised apart and
    // in parallel, in batches of about `BATCH` bytes; the order of the batches is kept.
    let stretches = chunks(text);
    let mut batches: Vec<&[(usize, usize)]> = Vec::new();
    let mut rest = &stretches[..];
    while !rest.is_empty() {
        let first = rest[0].0;
        let n = rest.iter().position(|&(_, to)| to - first >= BATCH).map_or(rest.len(), |i| i + 1);
        let (batch, after) = rest.split_at(n);
        batches.push(batch);
        rest = after;
    }
    let taken = if batches.len() > 1 {
        use rayon::prelude::*;
        batches.par_iter().flat_map_iter(|batch| recognise(text, batch)).collect()
    } else {
        batches.iter().flat_map(|batch| recognise(text, batch)).collect()
    };
    Reading { text, taken }
}

/// The bytes of text recognised together on one core.
const BATCH: usize = 64 * 1024;

/// The expressions of the stretches `chunks` of `text`, taken and in text order, each
/// with its groups' values and its clause's tense (see [`Reading`]).
fn recognise(text: &str, chunks: &[(usize, usize)]) -> Vec<Recognised> {
    let rules = &*RULES;
    let mut candidates = Vec::new();
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); rules.rules.len()];
    let mut caps: Vec<Option<Captures>> = (0..rules.rules.len()).map(|_| None).collect();
    for &(from, to) in chunks {
        // One pass of the rules' first words says where each rule can match in this
        // stretch; each rule is tried there only.
        starts.iter_mut().for_each(Vec::clear);
        for m in rules.first_words.find_overlapping_iter(&text[from..to]) {
            for &index in &rules.led_by[m.pattern().as_usize()] {
                starts[index].push(from + m.start());
            }
        }
        for (index, rule) in rules.rules.iter().enumerate() {
            let at = &mut starts[index];
            if at.is_empty() && !rule.anywhere {
                continue;
            }
            at.sort_unstable();
            at.dedup();
            // Without a lead-in, a match must start a word (see `bounded`).
            if !rule.lead_in {
                at.retain(|&p| !text[..p].chars().next_back().is_some_and(char::is_alphanumeric));
            }
            let caps = caps[index].get_or_insert_with(|| rule.regex.create_captures());
            collect(text, (from, to), index, at, caps, &mut candidates);
        }
    }

    // Longest first, then the rule's priority, then the earlier. (Candidates lie within
    // one stretch, so taking them stretch by stretch takes the same ones.)
    candidates.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(rules.rules[b.rule].priority.cmp(&rules.rules[a.rule].priority))
            .then(a.start.cmp(&b.start))
    });
    // Taken spans by start; they never overlap, so only the last one starting before
    // a candidate's end can overlap it.
    let mut spans = std::collections::BTreeMap::new();
    let mut taken: Vec<Candidate> = Vec::new();
    for c in candidates {
        if spans.range(..c.end).next_back().is_none_or(|(_, &e)| e <= c.start) {
            spans.insert(c.start, c.end);
            taken.push(c);
        }
    }
    taken.sort_by_key(|c| c.start);
    taken
        .into_iter()
        .map(|c| {
            let rule = &rules.rules[c.rule];
            // The clause is read only for values that choose a year or a week by tense.
            let tense = if rule.reads_tense { tense(text, c.start, c.end) } else { Tense::Unknown };
            let groups = groups(text, rule, &c);
            Recognised { candidate: c, groups, tense }
        })
        .collect()
}

impl Reading<'_> {
    /// The expressions normalised against `anchor`, the date the text was written: as
    /// [`find`] gives them. Expressions do not overlap and come in text order.
    ///
    /// ```
    /// let reading = replydraft_time::read("We met last week.");
    /// let found = reading.at(jiff::civil::date(2024, 6, 12));
    /// assert_eq!(found[0].value, "2024-W23");
    /// ```
    pub fn at(&self, anchor: Date) -> Vec<Timex> {
        let rules = &*RULES;
        let mut context: Option<String> = None;
        let mut quarter: Option<i64> = None;
        let mut out = Vec::with_capacity(self.taken.len());
        for Recognised { candidate: c, groups, tense } in &self.taken {
            let rule = &rules.rules[c.rule];
            let env = Env { anchor, context: context.as_deref(), quarter, tense: *tense };
            let Some((value, partial)) = evaluate(&rule.value, groups, &env) else { continue };
            if value.is_empty() {
                continue;
            }
            let kind = if value.contains('T') && value.starts_with(|ch: char| ch.is_ascii_digit()) {
                TimexType::Time
            } else {
                rule.kind
            };
            let (first, last) = match kind {
                TimexType::Date | TimexType::Time => interval(&value).unzip(),
                _ => (None, None),
            };
            // What a text is about is set by dates read on their own, not by ones read
            // back from that context ("a year earlier").
            if kind == TimexType::Date && value.starts_with(|ch: char| ch.is_ascii_digit()) && !rule.anaphoric {
                quarter = context_quarter(Some(&value)).or(quarter);
                context = Some(value.clone());
            }
            out.push(Timex { start: c.start, end: c.end, kind, value, first, last, partial, rule: rule.name.clone() });
        }
        out
    }

    /// The text read.
    ///
    /// ```
    /// assert_eq!(replydraft_time::read("in 2024").text(), "in 2024");
    /// ```
    pub fn text(&self) -> &str {
        self.text
    }
}

/// For each expression of `found` (what [`find`] gave for `text` read on `anchor`),
/// whether its value depends on the anchor: the text is read again on a distant day
/// (1,111 days earlier: another year, month and weekday), and an expression that is
/// missing there or has another value moves with the date it is read on ("last year",
/// "5 June", "today"); one that keeps its value is written out ("5 June 2023").
///
/// ```
/// use replydraft_time::{moves_with_anchor, read};
/// let reading = read("We wrote on 5 June 2023 and again last year.");
/// let anchor = jiff::civil::date(2024, 6, 12);
/// assert_eq!(moves_with_anchor(&reading, &reading.at(anchor), anchor), [false, true]);
/// ```
pub fn moves_with_anchor(reading: &Reading, found: &[Timex], anchor: Date) -> Vec<bool> {
    let far = anchor.checked_sub(1111.days()).unwrap_or(anchor);
    let other = reading.at(far);
    // Both lists are in text order and do not overlap.
    found
        .iter()
        .map(|t| {
            let i = other.partition_point(|o| o.start < t.start);
            other.get(i).is_none_or(|o| (o.start, o.end, &o.value) != (t.start, t.end, &t.value))
        })
        .collect()
}

/// The date a letter was written, from its own dates: the first date standing on a
/// line of its own (optionally after "Date:"), else the first full date in its first
/// quarter. Returns the date and the byte span of its text. Only a date written out
/// counts (a day or a month with its year, in any form [`find`] reads: "16th August
/// 2022", "July 2022", "2022-07-01", "1/7/2022", "Monday 5 June 2023"): the text is read
/// against two distant anchors, and what reads differently ("today", "5 June") says
/// nothing by itself.
///
/// ```
/// let (d, s, e) = replydraft_time::infer_written("\n\nJuly 2022\n\nDear Constituent,\n").unwrap();
/// assert_eq!(d.to_string(), "2022-07-01");
/// assert_eq!((s, e), (2, 11));
/// assert!(replydraft_time::infer_written("Thank you for writing.").is_none());
/// assert!(replydraft_time::infer_written("Today\n\nDear Constituent,\n").is_none());
/// assert!(replydraft_time::infer_written("Summer 2022\n\nDear Constituent,\n").is_none());
/// ```
pub fn infer_written(text: &str) -> Option<(Date, usize, usize)> {
    read(text).written()
}

impl Reading<'_> {
    /// The date the text was written, from its own dates, as [`infer_written`] finds it,
    /// without recognising the text again.
    ///
    /// ```
    /// let reading = replydraft_time::read("Date: 1 March 2023\n\nWe will publish it next year.\n");
    /// assert_eq!(reading.written().unwrap().0.to_string(), "2023-03-01");
    /// ```
    pub fn written(&self) -> Option<(Date, usize, usize)> {
        let text = self.text;
        let found = self.at(jiff::civil::date(2037, 7, 15));
        let moves = moves_with_anchor(self, &found, jiff::civil::date(2037, 7, 15));
        let written_out = |t: &Timex| {
            t.kind == TimexType::Date
                && !t.partial
                && matches!(t.value.len(), 7 | 10)
                && t.value.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        };
        let dates: Vec<&Timex> =
            found.iter().zip(moves).filter(|(t, m)| !m && written_out(t)).map(|(t, _)| t).collect();
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            let body = trimmed.strip_prefix("Date:").map_or(trimmed, str::trim);
            if !body.is_empty() {
                let start = pos + line.find(body).unwrap_or(0);
                if let Some(t) = dates.iter().find(|t| (t.start, t.end) == (start, start + body.len())) {
                    return Some((t.first?, t.start, t.end));
                }
            }
            pos += line.len();
        }
        let head = text.len() / 4 + 1;
        let t = dates.iter().find(|t| t.value.len() == 10 && t.end <= head)?;
        Some((t.first?, t.start, t.end))
    }
}

/// Paragraphs (split at blank lines), and within a long one stretches of at most
/// [`CHUNK`] bytes ending at a sentence end: expressions never cross them, and the
/// rules are chosen per stretch, so a long text costs what its pieces cost.
fn chunks(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let limit = floor_char_boundary(text, from.saturating_add(CHUNK));
        let window = &text[from..limit];
        let cut = if let Some(p) = window.find("\n\n") {
            from + p + 2
        } else if limit == text.len() {
            limit
        } else if let Some(p) = window.rfind(['.', '\n', '!', '?']) {
            from + p + 1
        } else if limit > from {
            limit
        } else {
            text.len()
        };
        out.push((from, cut));
        from = cut;
    }
    out
}

/// The longest stretch searched at once, in bytes.
const CHUNK: usize = 4096;

/// The matches of rule `index` within the stretch `from..to` of `text`, as candidates.
/// `starts` holds every place in the stretch where a match of the rule can start (and
/// more); the rule is tried anchored at each, which costs what the match costs. After
/// [`MISSES`] tries that fail, it searches the rest of the stretch unanchored from the
/// next start, so a stretch costs at most that many tries and one pass per rule.
fn collect(
    text: &str,
    (from, to): (usize, usize),
    index: usize,
    starts: &[usize],
    caps: &mut Captures,
    candidates: &mut Vec<Candidate>,
) {
    let piece = &text[..to];
    let rule = &RULES.rules[index];
    let mut misses = if rule.anywhere { MISSES } else { 0 };
    let mut pos = from;
    let mut next = 0;
    while pos <= piece.len() {
        let at = if rule.anywhere {
            pos
        } else {
            next += starts[next..].partition_point(|&p| p < pos);
            let Some(&at) = starts.get(next) else { break };
            at
        };
        // No match starts between `pos` and `at`: searching from `at` finds what a
        // search from `pos` would.
        let anchored = if misses < MISSES { Anchored::Yes } else { Anchored::No };
        rule.regex.search_captures(&Input::new(piece).range(at..).anchored(anchored), caps);
        let Some(m) = caps.get_match() else {
            if anchored == Anchored::No {
                break;
            }
            misses += 1;
            next += 1;
            continue;
        };
        if m.is_empty() {
            pos = next_char(piece, m.end());
            continue;
        }
        // A group named `x` is the expression; the rest of the match is its lead-in.
        let x = caps.get_group_by_name("x").unwrap_or(m.span());
        let end = without_full_stop(text, x.start, x.end);
        if x.start < end && bounded(text, x.start, end) {
            let groups = rule.names.iter().map(|n| caps.get_group_by_name(n).map(|g| (g.start, g.end))).collect();
            candidates.push(Candidate { start: x.start, end, rule: index, groups });
            pos = m.end();
        } else {
            pos = next_char(text, m.start());
        }
    }
}

/// How many anchored tries of a rule may fail in one stretch before it is searched
/// unanchored.
const MISSES: usize = 24;

/// The calendar interval a TIMEX3 date value denotes, first and last day: `2023` is
/// the year, `2023-Q4` October to December, `2023-W05` Monday to Sunday, `2023-SU`
/// June to August (meteorological seasons), `201` the decade, `20` the century,
/// `FY2023` April 2023 to March 2024, `TY2023` 6 April 2023 to 5 April 2024, `AY2023`
/// September 2023 to August 2024. `None` for durations and `PAST_REF`-like values.
///
/// ```
/// use jiff::civil::date;
/// use replydraft_time::interval;
/// assert_eq!(interval("2023-Q4"), Some((date(2023, 10, 1), date(2023, 12, 31))));
/// assert_eq!(interval("201"), Some((date(2010, 1, 1), date(2019, 12, 31))));
/// assert_eq!(interval("P2Y"), None);
/// ```
pub fn interval(value: &str) -> Option<(Date, Date)> {
    // A time of day ("2023-11-01TMO") denotes its day.
    let value = match value.find('T') {
        Some(t) if t >= 4 && value.starts_with(|c: char| c.is_ascii_digit()) => &value[..t],
        _ => value,
    };
    let year_of =
        |s: &str| -> Option<i16> { (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())? };
    for (prefix, month, day) in [("FY", 4, 1), ("TY", 4, 6), ("AY", 9, 1)] {
        if let Some(rest) = value.strip_prefix(prefix) {
            let y = year_of(rest)?;
            let first = Date::new(y, month, day).ok()?;
            return Some((first, first.checked_add(1.year()).ok()?.checked_sub(1.day()).ok()?));
        }
    }
    let mut parts = value.split('-');
    let head = parts.next()?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest: Vec<&str> = parts.collect();
    match (head.len(), rest.as_slice()) {
        (2, []) => {
            let c: i16 = head.parse().ok()?;
            Some((Date::new(c * 100, 1, 1).ok()?, Date::new(c * 100 + 99, 12, 31).ok()?))
        }
        (3, []) => {
            let d: i16 = head.parse().ok()?;
            Some((Date::new(d * 10, 1, 1).ok()?, Date::new(d * 10 + 9, 12, 31).ok()?))
        }
        (4, []) => {
            let y = year_of(head)?;
            Some((Date::new(y, 1, 1).ok()?, Date::new(y, 12, 31).ok()?))
        }
        (4, [part, more @ ..]) => {
            let y = year_of(head)?;
            let month_range = |m1: i8, m2: i8, y2: i16| -> Option<(Date, Date)> {
                let first = Date::new(y, m1, 1).ok()?;
                let last = Date::new(y2, m2, 1).ok()?.last_of_month();
                Some((first, last))
            };
            if let Some(q) = part.strip_prefix('Q') {
                let q: i8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                return month_range(q * 3 - 2, q * 3, y);
            }
            let season = match *part {
                "SP" => Some((3, 5, y)),
                "SU" => Some((6, 8, y)),
                "FA" => Some((9, 11, y)),
                "WI" => Some((12, 2, y.checked_add(1)?)),
                "H1" => Some((1, 6, y)),
                "H2" => Some((7, 12, y)),
                _ => None,
            };
            if let Some((m1, m2, y2)) = season {
                return month_range(m1, m2, y2);
            }
            if let Some(w) = part.strip_prefix('W') {
                let w: i8 = w.parse().ok()?;
                let monday = jiff::civil::ISOWeekDate::new(y, w, Weekday::Monday).ok()?.date();
                return match more {
                    ["WE"] => Some((monday.checked_add(5.days()).ok()?, monday.checked_add(6.days()).ok()?)),
                    [] => Some((monday, monday.checked_add(6.days()).ok()?)),
                    [d] => {
                        let d: i64 = d.parse().ok().filter(|d| (1..=7).contains(d))?;
                        let day = monday.checked_add((d - 1).days()).ok()?;
                        Some((day, day))
                    }
                    _ => None,
                };
            }
            let m: i8 = part.parse().ok().filter(|_| part.len() == 2)?;
            match more {
                [] => month_range(m, m, y),
                [d] if d.len() == 2 => {
                    let day = Date::new(y, m, d.parse().ok()?).ok()?;
                    Some((day, day))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

// ------------------------------------------------------------------ the rules as loaded

/// The rule file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    patterns: BTreeMap<String, String>,
    lists: BTreeMap<String, BTreeMap<String, Spanned<String>>>,
    tense: TenseFile,
    range: Vec<RangeFile>,
    rule: Vec<RuleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeFile {
    before: Spanned<String>,
    between: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TenseFile {
    future: Spanned<Vec<String>>,
    present: Spanned<Vec<String>>,
    past: Spanned<Vec<String>>,
    /// Reporting verbs ("they said"): no marker for the clause they report.
    reporting: Spanned<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    name: String,
    pattern: Spanned<String>,
    #[serde(rename = "type")]
    kind: TimexType,
    value: Spanned<String>,
    #[serde(default)]
    priority: i32,
}

/// The rules, compiled.
struct Rules {
    rules: Vec<Rule>,
    /// The words that matches begin with, every rule's (ASCII case-insensitive), in
    /// one fully built automaton: one pass says where each rule can match.
    first_words: AhoCorasick,
    /// For each of those words, the rules whose matches can begin with it.
    led_by: Vec<Vec<usize>>,
    /// Per list, its entries: a whole-text matcher and the value.
    lists: Lists,
    /// Tense markers: one automaton, the class of each alternative by group.
    tense: Regex,
    /// Ranges: (the text before the first expression ends with it, the text between
    /// the two is it).
    ranges: Vec<(Regex, Regex)>,
}

/// Word lists by name, each entry a whole-text matcher and the value.
type Lists = BTreeMap<String, Vec<(Regex, String)>>;

struct Rule {
    name: String,
    regex: meta::Regex,
    /// Whether a match can begin anywhere (no finite set of first words): the rule
    /// is searched through every stretch.
    anywhere: bool,
    /// Whether the expression is a group `x` after a lead-in, so that a match can
    /// start inside a word.
    lead_in: bool,
    kind: TimexType,
    value: String,
    priority: i32,
    /// Whether the value is read from the context (the dates mentioned before).
    anaphoric: bool,
    /// The names of its capture groups.
    names: Vec<String>,
    /// Whether its value depends on the tense of the clause.
    reads_tense: bool,
}

/// The rules. They are part of the crate (a test compiles them), so a mistake in them
/// is a build defect, not bad input.
static RULES: LazyLock<Rules> = LazyLock::new(|| compile(RULES_TOML).expect("the shipped timex rules compile"));

/// Compiles a pattern ASCII-only (`(?-u)`: ASCII case folding, `\s`, `\d`, `\b`),
/// which keeps the automata small; other characters match as written.
fn case_insensitive(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&format!("(?-u:{pattern})")).case_insensitive(true).build()
}

/// Compiles a rule file: patterns and lists expanded into each rule's expression.
fn compile(text: &str) -> Result<Rules, RulesError> {
    let source = Source::new(RULES_FILE, text);
    let file: RulesFile = source.load()?;
    // %name → (?:alternatives), longest first so that "sept" is tried before "sep".
    let mut names: Vec<(String, String)> = Vec::new();
    for (name, entries) in &file.lists {
        let mut alts: Vec<&str> = entries.keys().flat_map(|k| top_level_alternatives(k)).collect();
        alts.sort_by_key(|a| std::cmp::Reverse(a.len()));
        names.push((name.clone(), format!("(?:{})", alts.join("|"))));
    }
    for (name, pattern) in &file.patterns {
        names.push((name.clone(), format!("(?:{pattern})")));
    }
    // Longer names first, so that %numword is not read as %num + "word".
    names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    let expand = |pattern: &str| -> String {
        let mut out = pattern.to_string();
        for _ in 0..4 {
            for (name, alt) in &names {
                out = out.replace(&format!("%{name}"), alt);
            }
        }
        out
    };
    let mut lists = BTreeMap::new();
    for (name, entries) in &file.lists {
        let mut compiled = Vec::new();
        for (words, value) in entries {
            let words = source.check(value, |_| case_insensitive(&format!("^(?:{words})$")))?;
            compiled.push((words, value.get_ref().clone()));
        }
        lists.insert(name.clone(), compiled);
    }
    let mut rules = Vec::new();
    let mut words: BTreeMap<Vec<u8>, Vec<usize>> = BTreeMap::new();
    for r in file.rule {
        let pattern = format!("(?-u:{})", expand(r.pattern.get_ref()));
        let regex = source.check(&r.pattern, |_| {
            meta::Regex::builder()
                .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
                .build(&pattern)
                .map_err(|e| e.to_string())
        })?;
        for name in function_names(r.value.get_ref(), &pattern, &lists) {
            if Function::named(&name).is_none() {
                let at = source.locate(r.value.span().start);
                return Err(RulesError::Function { at, rule: r.name, name });
            }
        }
        let value = r.value.into_inner();
        let names: Vec<String> =
            regex.group_info().pattern_names(PatternID::ZERO).flatten().map(String::from).collect();
        let first = first_words(&pattern);
        for word in first.iter().flatten() {
            words.entry(word.clone()).or_default().push(rules.len());
        }
        let reads_tense = ["weekday", "monthday", "monthname", "holiday", "quartern", "bymonth", "clock", "noon"]
            .iter()
            .any(|f| value.starts_with(f));
        let anaphoric = ["cquarter", "cago", "cyear", "cmonth", "cweek", "ago"].iter().any(|f| value.starts_with(f));
        rules.push(Rule {
            name: r.name,
            regex,
            anywhere: first.is_none(),
            lead_in: names.iter().any(|n| n == "x"),
            kind: r.kind,
            value,
            priority: r.priority,
            anaphoric,
            names,
            reads_tense,
        });
    }
    // Each class of markers compiles on its own, so that an error names its line.
    let t = &file.tense;
    let group = |words: &Spanned<Vec<String>>| {
        source.check(words, |w| {
            let p = expand(&w.join("|"));
            case_insensitive(&p).map(|_| p)
        })
    };
    let (future, present, past) = (group(&t.future)?, group(&t.present)?, group(&t.past)?);
    let reporting = group(&t.reporting)?;
    let tense = source.check(&t.future, |_| {
        case_insensitive(&format!(
            r"\b(?:(?P<future>{future})|(?P<present>{present})|(?P<reporting>{reporting})|(?P<past>{past}))\b"
        ))
    })?;
    // The words are a few hundred of at most four bytes: the automaton always builds.
    let first_words = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(words.keys())
        .map_err(|e| RulesError::Pattern { at: source.locate(0), what: e.to_string() })?;
    let led_by = words.into_values().collect();
    let mut ranges = Vec::new();
    for r in &file.range {
        ranges.push((
            source.check(&r.before, |before| case_insensitive(&format!(r"\b(?:{before})\s*$")))?,
            source.check(&r.between, |between| case_insensitive(&format!(r"^\s*(?:{between})\s*$")))?,
        ));
    }
    Ok(Rules { rules, first_words, led_by, lists, tense, ranges })
}

/// The ranges among `found` (expressions of `text`, in text order): pairs of indices
/// `(i, i + 1)` whose two expressions stand for one stretch of time ("between 2022
/// and 2025", "from April 2024 to March 2026"), by the rules' `[[range]]` tables.
///
/// ```
/// let text = "The fund runs between 2022 and 2025, from April to June each year.";
/// let found = replydraft_time::find(text, jiff::civil::date(2021, 6, 1));
/// let pairs = replydraft_time::ranges(text, &found);
/// assert_eq!(pairs.len(), 2);
/// assert_eq!(&text[found[pairs[0].0].start..found[pairs[0].1].end], "2022 and 2025");
/// ```
pub fn ranges(text: &str, found: &[Timex]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, pair) in found.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let Some(between) = text.get(a.end..b.start) else { continue };
        if between.len() > 40 || a.kind != b.kind {
            continue;
        }
        let before = &text[floor_char_boundary(text, a.start.saturating_sub(24))..a.start];
        if RULES.ranges.iter().any(|(open, join)| open.is_match(before) && join.is_match(between)) {
            out.push((i, i + 1));
        }
    }
    out
}

/// The words every match of `pattern` begins with, cut to [`FIRST`] bytes and
/// lowercase, or `None` when a match can begin with anything. Read from the pattern as
/// written (case-sensitively): a text matched ASCII case-insensitively begins with one
/// of them up to ASCII case.
fn first_words(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let words = prefixes(&hir, FIRST)?;
    let words: Vec<Vec<u8>> = words.into_iter().map(|(w, _)| w.to_ascii_lowercase()).collect();
    (!words.is_empty() && words.iter().all(|w| !w.is_empty())).then_some(words)
}

/// How many bytes of a match's beginning are read, and how many beginnings at most.
const FIRST: usize = 4;
const FIRST_MAX: usize = 4000;

/// The beginnings of the matches of `hir`, cut to `cut` bytes: each with whether it is
/// a whole match (so that what follows it in a concatenation continues it). With no
/// cut, a set of whole matches only is every match `hir` has.
fn prefixes(hir: &regex_syntax::hir::Hir, cut: usize) -> Option<std::collections::BTreeSet<(Vec<u8>, bool)>> {
    use regex_syntax::hir::{Class, HirKind};
    let whole = |w: Vec<u8>| std::collections::BTreeSet::from([(w, true)]);
    let set = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => whole(Vec::new()),
        HirKind::Literal(l) => {
            let w = l.0.to_vec();
            [(w.iter().take(cut).copied().collect(), w.len() <= cut)].into()
        }
        HirKind::Class(Class::Bytes(c)) => {
            let bytes: Vec<u8> = c.iter().flat_map(|r| r.start()..=r.end()).take(17).collect();
            (bytes.len() <= 16).then(|| bytes.into_iter().map(|b| (vec![b], true)).collect())?
        }
        HirKind::Class(Class::Unicode(c)) => {
            let chars: Vec<char> = c.iter().flat_map(|r| r.start()..=r.end()).take(17).collect();
            (chars.len() <= 16).then(|| chars.into_iter().map(|ch| (ch.to_string().into_bytes(), true)).collect())?
        }
        HirKind::Capture(c) => prefixes(&c.sub, cut)?,
        HirKind::Repetition(r) => {
            let mut set: std::collections::BTreeSet<_> =
                prefixes(&r.sub, cut)?.into_iter().map(|(w, _)| (w, false)).collect();
            if r.min == 0 {
                set.insert((Vec::new(), true));
            }
            set
        }
        HirKind::Alternation(alts) => {
            let mut set = std::collections::BTreeSet::new();
            for alt in alts {
                set.extend(prefixes(alt, cut)?);
            }
            set
        }
        HirKind::Concat(parts) => {
            let mut set = whole(Vec::new());
            for part in parts {
                if set.iter().all(|(w, whole)| !whole || w.len() >= cut) {
                    break;
                }
                let next = prefixes(part, cut)?;
                let mut joined = std::collections::BTreeSet::new();
                for (w, whole) in set {
                    if !whole || w.len() >= cut {
                        joined.insert((w, false));
                        continue;
                    }
                    for (n, n_whole) in &next {
                        let mut j = w.clone();
                        j.extend(n.iter().take(cut - w.len()));
                        let cut = w.len() + n.len() > cut;
                        joined.insert((j, *n_whole && !cut));
                    }
                    if joined.len() > FIRST_MAX {
                        return None;
                    }
                }
                set = joined;
            }
            set
        }
    };
    (set.len() <= FIRST_MAX).then_some(set)
}

/// The names of the functions a rule's value can call: the name before its `(`, each
/// `{group}` in it read as every value the group can take when it matches (each word
/// its pattern allows, as the list it is named after gives it, else lowercase; every
/// value of that list when the words are too many to list). A group that can take any
/// other words stays `{group}`, which names no function.
fn function_names(value: &str, pattern: &str, lists: &Lists) -> Vec<String> {
    let Some(open) = value.find('(') else { return Vec::new() };
    // The pattern is read only for a name made of groups (few are).
    let hir = value[..open].contains('{').then(|| regex_syntax::Parser::new().parse(pattern).ok()).flatten();
    let mut names = vec![String::new()];
    let mut rest = &value[..open];
    while !rest.is_empty() {
        let choices: Vec<String> = if let Some((group, after)) = rest.strip_prefix('{').and_then(|r| r.split_once('}'))
        {
            rest = after;
            let base = group.trim_end_matches(|c: char| c.is_ascii_digit());
            let words = hir.as_ref().and_then(|h| capture(h, group)).and_then(|g| prefixes(g, usize::MAX));
            match (words.filter(|w| w.iter().all(|(_, whole)| *whole)), lists.get(base)) {
                (Some(words), _) => words
                    .iter()
                    .map(|(w, _)| {
                        let w = String::from_utf8_lossy(w);
                        lookup_in(lists, base, w.trim()).unwrap_or_else(|| w.trim().to_ascii_lowercase())
                    })
                    .collect(),
                (None, Some(list)) => list.iter().map(|(_, v)| v.clone()).collect(),
                (None, None) => vec![format!("{{{group}}}")],
            }
        } else {
            // Up to the next group (a `{` without its `}` is read as written).
            let end = rest.char_indices().skip(1).find(|&(_, c)| c == '{').map_or(rest.len(), |(i, _)| i);
            let literal = rest[..end].to_ascii_lowercase();
            rest = &rest[end..];
            vec![literal]
        };
        names = names.iter().flat_map(|n| choices.iter().map(move |c| format!("{n}{c}"))).collect();
    }
    names
}

/// The pattern of the capture group `name` in `hir`.
fn capture<'h>(hir: &'h regex_syntax::hir::Hir, name: &str) -> Option<&'h regex_syntax::hir::Hir> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(c) if c.name.as_deref() == Some(name) => Some(&c.sub),
        HirKind::Capture(c) => capture(&c.sub, name),
        HirKind::Repetition(r) => capture(&r.sub, name),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().find_map(|h| capture(h, name)),
        _ => None,
    }
}

/// The alternatives of a list entry: split at `|` outside parentheses.
fn top_level_alternatives(words: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0i32, 0);
    for (i, c) in words.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '|' if depth == 0 => {
                out.push(&words[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&words[from..]);
    out
}

// ------------------------------------------------------------------ matching

struct Candidate {
    start: usize,
    end: usize,
    rule: usize,
    /// The span of each named group of the rule, in the order of its names.
    groups: Vec<Option<(usize, usize)>>,
}

fn next_char(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(text.len() + 1, |c| at + c.len_utf8())
}

/// The end of an expression without a sentence's full stop: a final `.` stays only
/// after an abbreviation ("Nov.", "Sept.", "p.m."), a word of at most four letters.
fn without_full_stop(text: &str, start: usize, end: usize) -> usize {
    let Some(body) = text[start..end].strip_suffix('.') else { return end };
    let word = body.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    if (1..=4).contains(&word.chars().count()) { end } else { end - 1 }
}

/// Whether the match stands as whole words: no letter or digit joined to either end,
/// and no sign that it is an amount ("$2020", "1995%", "3,1990", "2020.5").
fn bounded(text: &str, start: usize, end: usize) -> bool {
    let mut back = text[..start].chars().rev();
    let mut ahead = text[end..].chars();
    let (before, before2) = (back.next(), back.next());
    let (after, after2) = (ahead.next(), ahead.next());
    let joined = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let starts_digit = text[start..].starts_with(|c: char| c.is_ascii_digit());
    let ends_digit = text[..end].ends_with(|c: char| c.is_ascii_digit());
    let amount = (starts_digit && matches!(before, Some('$' | '£' | '€' | '#')))
        || (ends_digit && matches!(after, Some('%')))
        || (starts_digit && matches!(before, Some(',' | '.')) && digit(before2))
        || (ends_digit && matches!(after, Some(',' | '.')) && digit(after2));
    !joined(before) && !joined(after) && !amount
}

/// The named groups of a match, normalised through the lists they are named after.
fn groups(text: &str, rule: &Rule, c: &Candidate) -> Vec<(String, String)> {
    let spans = rule.names.iter().zip(&c.groups);
    spans.filter_map(|(name, span)| span.map(|(s, e)| (name.clone(), normalise(name, &text[s..e])))).collect()
}

/// A group's text as a value: a list's value when the group is named after a list
/// (`month2` after `month`), a number for number words and digits, else the text.
fn normalise(group: &str, text: &str) -> String {
    let base = group.trim_end_matches(|c: char| c.is_ascii_digit());
    let text = text.trim();
    if let Some(v) = lookup(base, text) {
        return v;
    }
    if let Some(n) = number(text) {
        return if matches!(base, "day" | "d" | "m") && n.len() == 1 { format!("0{n}") } else { n };
    }
    text.to_ascii_lowercase()
}

fn lookup(list: &str, text: &str) -> Option<String> {
    lookup_in(&RULES.lists, list, text)
}

/// The value `list` of `lists` gives `text`, if one of its entries is the text.
fn lookup_in(lists: &Lists, list: &str, text: &str) -> Option<String> {
    lists.get(list)?.iter().find(|(re, _)| re.is_match(text)).map(|(_, v)| v.clone())
}

/// Digits, a number word, or two joined ("twenty-four"); `X` for "several".
fn number(text: &str) -> Option<String> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Some(text.trim_start_matches('0').to_string()).filter(|s| !s.is_empty()).or(Some("0".into()));
    }
    if let Some(v) = lookup("numword", text) {
        return Some(v);
    }
    // "twenty-four", "two hundred": the pattern allows only these two joins.
    let (a, b) = text.rsplit_once([' ', '-'])?;
    let (a, b) = (a.trim_end_matches([' ', '-']), b);
    let a: u32 = lookup("numword", a).or_else(|| lookup("digitword", a))?.parse().ok()?;
    let b: u32 = lookup("numword", b)?.parse().ok()?;
    Some(if b == 100 { a * 100 } else { a + b }.to_string())
}

// ------------------------------------------------------------------ tense

/// The tense of the clause an expression stands in, read from the nearest tense marker
/// of `rules.toml`'s `[tense]` lists ("will", "plans to", "is due to"; "is",
/// "currently"; "was", "has published", "ago").
///
/// ```
/// use replydraft_time::{Tense, tense_at};
/// assert_eq!(tense_at("It is due to open in May.", 19, 24), Tense::Future);
/// assert_eq!(tense_at("Funding in May.", 11, 14), Tense::Unknown);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tense {
    /// Looks ahead: "will", "shall", "plans to", "is due to", "is set to".
    Future,
    /// Present or progressive: "is", "are", "currently", "is considering".
    Present,
    /// Past or present perfect: "was", "were", "has published", "ago".
    Past,
    /// No marker in the clause.
    Unknown,
}

/// The tense of the clause around `text[start..end]`: the class of the marker nearest
/// the span within its clause (clauses end at `.`, `!`, `?`, `;` and line breaks).
///
/// ```
/// use replydraft_time::{Tense, tense_at};
/// let text = "The review was published in March. A plan will follow in June.";
/// assert_eq!(tense_at(text, 28, 33), Tense::Past);
/// assert_eq!(tense_at(text, 57, 61), Tense::Future);
/// ```
pub fn tense_at(text: &str, start: usize, end: usize) -> Tense {
    let (start, end) = (floor_char_boundary(text, start), floor_char_boundary(text, end.max(start)));
    tense(text, start, end)
}

/// The clause around `start..end`: up to the nearest `.`, `!`, `?`, `;` or line break
/// on each side, and no further than 400 bytes.
///
/// ```
/// let text = "It was agreed. The plan will follow in June; nothing more.";
/// let (from, to) = replydraft_time::clause(text, 39, 43);
/// assert_eq!(&text[from..to], " The plan will follow in June");
/// ```
pub fn clause(text: &str, start: usize, end: usize) -> (usize, usize) {
    let stops = |c: char| matches!(c, '.' | '!' | '?' | ';' | '\n');
    let lo = floor_char_boundary(text, start.saturating_sub(CLAUSE_REACH));
    let hi = floor_char_boundary(text, end.saturating_add(CLAUSE_REACH));
    let from = text[lo..start].rfind(stops).map_or(lo, |i| lo + i + 1);
    let to = text[end..hi].find(stops).map_or(hi, |i| end + i);
    (from, to)
}

/// How far a clause is read on either side of an expression, in bytes.
const CLAUSE_REACH: usize = 400;

fn tense(text: &str, start: usize, end: usize) -> Tense {
    let (from, to) = clause(text, start, end);
    // The comma-delimited part of the clause first ("will publish … later this year,
    // and the Bill is …"), then the whole clause.
    let part_from = text[from..start].rfind(',').map_or(from, |i| from + i + 1);
    let part_to = text[end..to].find(',').map_or(to, |i| end + i);
    match nearest_marker(text, (part_from, part_to), start, end) {
        Tense::Unknown => nearest_marker(text, (from, to), start, end),
        t => t,
    }
}

fn nearest_marker(text: &str, (from, to): (usize, usize), start: usize, end: usize) -> Tense {
    let mut best: Option<(usize, Tense)> = None;
    for caps in RULES.tense.captures_iter(&text[from..to]) {
        let Some(m) = caps.get(0) else { continue };
        let (s, e) = (from + m.start(), from + m.end());
        if s < end && e > start || caps.name("reporting").is_some() {
            continue;
        }
        let distance = if e <= start { start - e } else { s - end };
        let t = if caps.name("future").is_some() {
            Tense::Future
        } else if caps.name("present").is_some() {
            Tense::Present
        } else {
            Tense::Past
        };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, t));
        }
    }
    best.map_or(Tense::Unknown, |(_, t)| t)
}

// ------------------------------------------------------------------ values

struct Env<'a> {
    anchor: Date,
    /// The last absolute date value before the expression.
    context: Option<&'a str>,
    /// The last quarter mentioned before it (reports speak of one period throughout).
    quarter: Option<i64>,
    tense: Tense,
}

/// Fills a rule's value template and evaluates its function, if any; says whether the
/// value's year (or week) was inferred rather than written.
fn evaluate(template: &str, groups: &[(String, String)], env: &Env) -> Option<(String, bool)> {
    let mut filled = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let name = &rest[open + 1..close];
        if let Some((_, v)) = groups.iter().find(|(n, _)| n == name) {
            filled.push_str(v);
        }
        rest = &rest[close + 1..];
    }
    filled.push_str(rest);
    let Some(open) = filled.find('(') else { return Some((filled, false)) };
    let close = filled.rfind(')')?;
    // The rules' names are checked when they compile; a group that did not match can
    // still leave a name short ("{w}()").
    let function = Function::named(&filled[..open].to_ascii_lowercase())?;
    let args: Vec<&str> = filled[open + 1..close].split(',').map(str::trim).collect();
    let suffix = &filled[close + 1..];
    let value = call(function, &args, env)?;
    let arg = |i: usize| args.get(i).copied().unwrap_or("");
    use Function as F;
    let partial = match function {
        F::MonthDay | F::MonthName | F::ByMonth | F::Weekday | F::ClockDay | F::ClockDate => true,
        F::Holiday => arg(1).is_empty(),
        F::Season => arg(1).is_empty() && arg(2).is_empty(),
        F::Noon => arg(1).parse::<u8>().is_ok(),
        _ => false,
    };
    Some((format!("{value}{suffix}"), partial))
}

fn int(s: &str) -> Option<i64> {
    if s.is_empty() { Some(0) } else { s.parse().ok() }
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn ym(y: i64, m: i64) -> String {
    format!("{y:04}-{m:02}")
}

fn iso_week(d: Date) -> String {
    let w = d.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

/// Quarter number counted from year 0 (year * 4 + quarter - 1).
fn quarter_index(d: Date) -> i64 {
    i64::from(d.year()) * 4 + (i64::from(d.month()) - 1) / 3
}

fn quarter_value(q: i64) -> String {
    format!("{:04}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
}

/// Parses a context value's year and, if any, quarter index.
fn context_year(ctx: Option<&str>) -> Option<i64> {
    let ctx = ctx?;
    ctx.get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit()))?.parse().ok()
}

fn context_quarter(ctx: Option<&str>) -> Option<i64> {
    let ctx = ctx?;
    let y = context_year(Some(ctx))?;
    let q: i64 = ctx.strip_prefix(&format!("{y:04}-Q"))?.parse().ok()?;
    (1..=4).contains(&q).then_some(y * 4 + q - 1)
}

/// Moves the anchor by `n` units and writes it at the unit's granularity.
fn shift(anchor: Date, n: i64, unit: &str) -> Option<String> {
    let y = i64::from(anchor.year());
    Some(match unit {
        "year" | "Y" => format!("{:04}", y.checked_add(n)?),
        "month" | "M" => {
            let d = shifted(anchor.first_of_month(), n, 'M')?;
            ym(d.year().into(), d.month().into())
        }
        "week" | "W" => iso_week(shifted(anchor, n, 'W')?),
        "day" | "D" => ymd(shifted(anchor, n, 'D')?),
        "quarter" | "Q" => quarter_value(quarter_index(anchor).checked_add(n)?),
        "decade" | "DE" => format!("{:03}", (y.div_euclid(10)).checked_add(n)?),
        "century" | "CE" => format!("{:02}", (y.div_euclid(100)).checked_add(n)?),
        "TH" | "TM" | "TS" => ymd(anchor),
        "WE" => format!("{}-WE", iso_week(shifted(anchor, n, 'W')?)),
        _ => return None,
    })
}

/// Chooses among the years a month (and day) could fall in, by tense: the past reads
/// the latest on or before the anchor, the future the earliest on or after it,
/// otherwise the anchor's year.
fn year_for(anchor: Date, month: i8, day: i8, tense: Tense) -> Option<i16> {
    let y = anchor.year();
    let on = |y: i16| Date::new(y, month, day.min(28)).ok();
    let this = on(y)?;
    Some(match tense {
        Tense::Past if this > anchor => y.checked_sub(1)?,
        Tense::Future if this < anchor => y.checked_add(1)?,
        Tense::Past | Tense::Future => y,
        // No tense: the nearer of this year's, last year's and next year's.
        _ => {
            let distance = |d: Date| (d - anchor).get_days().unsigned_abs();
            let mut best = (distance(this), y);
            for other in [y.checked_sub(1), y.checked_add(1)].into_iter().flatten() {
                if let Some(d) = on(other) {
                    if distance(d) < best.0 {
                        best = (distance(d), other);
                    }
                }
            }
            best.1
        }
    })
}

/// Hours and minutes from a clock time: "5", "30", "p.m." → "17:30".
fn clock(h: &str, m: &str, ampm: &str) -> Option<String> {
    let h: u32 = h.parse().ok().filter(|h| (1..=12).contains(h))?;
    let m: u32 = if m.is_empty() { 0 } else { m.parse().ok().filter(|m| *m < 60)? };
    let pm = ampm.starts_with(['p', 'P']);
    let h = h % 12 + if pm { 12 } else { 0 };
    Some(format!("{h:02}:{m:02}"))
}

/// The functions a rule's value can call (the rules file's header says what each
/// does): a name in a value that is none of them is an error when the rules compile.
macro_rules! functions {
    ($($function:ident = $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Function {
            $($function,)*
        }

        impl Function {
            /// The function of that name, if there is one.
            fn named(name: &str) -> Option<Function> {
                match name {
                    $($name => Some(Function::$function),)*
                    _ => None,
                }
            }

            /// Its name in the rules.
            fn name(self) -> &'static str {
                match self {
                    $(Function::$function => $name,)*
                }
            }
        }
    };
}

functions! {
    Year = "year",
    Month = "month",
    Week = "week",
    Day = "day",
    Quarter = "quarter",
    Decade = "decade",
    Century = "century",
    Weekend = "weekend",
    Today = "today",
    Yesterday = "yesterday",
    Tomorrow = "tomorrow",
    TwoDaysAgo = "twodaysago",
    TwoDaysLater = "twodayslater",
    DayTime = "daytime",
    CYear = "cyear",
    CMonth = "cmonth",
    CWeek = "cweek",
    CQuarter = "cquarter",
    QuarterN = "quartern",
    QuarterY = "quartery",
    Ago = "ago",
    Later = "later",
    CAgo = "cago",
    Weekday = "weekday",
    LastWeekday = "lastweekday",
    NextWeekday = "nextweekday",
    Clock = "clock",
    ClockDate = "clockdate",
    ClockDay = "clockday",
    Noon = "noon",
    MonthYear = "monthyear",
    MonthDay = "monthday",
    MonthName = "monthname",
    LastMonth = "lastmonth",
    NextMonth = "nextmonth",
    ThisMonth = "thismonth",
    Season = "season",
    Holiday = "holiday",
    UkYear = "ukyear",
    ByMonth = "bymonth",
    Fy = "fy",
    Ay = "ay",
    Ty = "ty",
    FyShort = "fyshort",
    SpelledYear = "spelledyear",
    Ref = "ref",
    Dur = "dur",
    SetWord = "setword",
}

fn call(function: Function, args: &[&str], env: &Env) -> Option<String> {
    use Function as F;
    let name = function.name();
    let a = env.anchor;
    let arg = |i: usize| args.get(i).copied().unwrap_or("");
    let n0 = || int(arg(0));
    match function {
        F::Year | F::Month | F::Week | F::Day | F::Quarter | F::Decade | F::Century => shift(a, n0()?, name),
        F::Weekend => shift(a, n0()?, "WE"),
        F::Today => shift(a, 0, "day"),
        F::Yesterday => shift(a, -1, "day"),
        F::Tomorrow => shift(a, 1, "day"),
        F::TwoDaysAgo => shift(a, -2, "day"),
        F::TwoDaysLater => shift(a, 2, "day"),
        F::DayTime => Some(format!("{}T{}", shift(a, n0()?, "day")?, arg(1).to_ascii_uppercase())),
        F::CYear => Some(format!("{:04}", context_year(env.context).unwrap_or(a.year().into()).checked_add(n0()?)?)),
        F::CMonth => {
            let ctx = env.context.filter(|c| c.len() >= 7 && c.as_bytes().get(4) == Some(&b'-'));
            match ctx.and_then(|c| c.get(..7)).filter(|c| c[5..7].bytes().all(|b| b.is_ascii_digit())) {
                Some(c) => Some(c.to_string()),
                None => shift(a, n0()?, "month"),
            }
        }
        F::CWeek => shift(a, n0()?, "week"),
        F::CQuarter => {
            let k = n0()?;
            if let Some(q) = env.quarter {
                return Some(quarter_value(q.checked_add(k)?));
            }
            // No quarter in view: the last complete quarter (news reports the one just ended).
            let q = quarter_index(a) - 1;
            Some(quarter_value(q.checked_add(k)?))
        }
        F::QuarterN => {
            let n: i64 = arg(0).parse().ok()?;
            let mut y = i64::from(a.year());
            let qi = y * 4 + n - 1;
            // The latest quarter n that has begun, unless the clause looks ahead.
            if env.tense != Tense::Future && qi > quarter_index(a) {
                y -= 1;
            }
            Some(format!("{y:04}-Q{n}"))
        }
        F::QuarterY => {
            let y = if arg(0).is_empty() { i64::from(a.year()) } else { arg(0).parse().ok()? };
            Some(format!("{y:04}-Q{}", arg(1)))
        }
        F::Ago | F::Later | F::CAgo => {
            let unit = arg(1);
            let n = match arg(0) {
                "X" => return Some(if name == "later" { "FUTURE_REF" } else { "PAST_REF" }.into()),
                s => s.parse::<f64>().ok().filter(|v| v.fract() == 0.0)? as i64,
            };
            let n = if name == "later" { n } else { -n };
            // In a text about quarters, "a year ago" is the same quarter a year before.
            if unit == "Y" {
                if let Some(q) = env.quarter.filter(|q| name == "cago" || q.div_euclid(4) == i64::from(a.year())) {
                    return Some(quarter_value(q.checked_add(n.checked_mul(4)?)?));
                }
                if name == "cago" {
                    if let Some(y) = context_year(env.context) {
                        return Some(format!("{:04}", y.checked_add(n)?));
                    }
                }
            }
            shift(a, n, unit)
        }
        F::Weekday | F::LastWeekday | F::NextWeekday => {
            let d: i64 = arg(0).parse().ok().filter(|d| (1..=7).contains(d))?;
            let today = i64::from(a.weekday().to_monday_one_offset());
            let back = (today - d).rem_euclid(7);
            let ahead = (d - today).rem_euclid(7);
            // Without a future marker a weekday is the last one: news and letters
            // report what happened.
            let offset = match (name, env.tense) {
                ("lastweekday", _) => -(if back == 0 { 7 } else { back }),
                ("nextweekday", _) => {
                    if ahead == 0 {
                        7
                    } else {
                        ahead
                    }
                }
                (_, Tense::Future) => ahead,
                (_, Tense::Present) if ahead < back => ahead,
                _ => -back,
            };
            shift(a, offset, "day")
        }
        F::Clock => Some(format!("{}T{}", shift(a, int(arg(3))?, "day")?, clock(arg(0), arg(1), arg(2))?)),
        F::ClockDate => {
            let day = call(F::MonthDay, &[arg(3), arg(4)], env)?;
            Some(format!("{day}T{}", clock(arg(0), arg(1), arg(2))?))
        }
        F::ClockDay => {
            let day = call(F::Weekday, &[arg(3)], env)?;
            Some(format!("{day}T{}", clock(arg(0), arg(1), arg(2))?))
        }
        F::Noon => {
            let time = if arg(0) == "midnight" { "24:00" } else { "12:00" };
            let day = match arg(1) {
                "" | "today" => shift(a, 0, "day")?,
                "yesterday" => shift(a, -1, "day")?,
                "tomorrow" => shift(a, 1, "day")?,
                d => call(F::Weekday, &[d], env)?,
            };
            Some(format!("{day}T{time}"))
        }
        F::MonthYear => {
            let m: i64 = arg(0).parse().ok()?;
            Some(ym(i64::from(a.year()).checked_add(int(arg(1))?)?, m))
        }
        F::MonthDay => {
            let m: i8 = arg(0).parse().ok()?;
            let d: i8 = arg(1).parse().ok()?;
            // A day of a month is the nearest such day unless the clause is in the past
            // or the future tense.
            let tense = if env.tense == Tense::Present { Tense::Unknown } else { env.tense };
            let y = year_for(a, m, d, tense)?;
            Some(ymd(Date::new(y, m, d).ok()?))
        }
        F::MonthName => {
            let m: i8 = arg(0).parse().ok()?;
            let y = year_for(a, m, 1, env.tense)?;
            // A month that has begun is the anchor's month, not last year's.
            let y = if m == a.month() { a.year() } else { y };
            Some(ym(y.into(), m.into()))
        }
        F::LastMonth | F::NextMonth | F::ThisMonth => {
            let m: i64 = arg(0).parse().ok()?;
            let am = i64::from(a.month());
            let y = i64::from(a.year());
            let y = match name {
                "lastmonth" if m >= am => y - 1,
                "nextmonth" if m <= am => y + 1,
                _ => y,
            };
            Some(ym(y, m))
        }
        F::Season => {
            let s = arg(0).to_ascii_uppercase();
            if !arg(2).is_empty() {
                return Some(format!("{}-{s}", arg(2)));
            }
            let k = int(arg(1))?;
            Some(format!("{:04}-{s}", i64::from(a.year()).checked_add(k)?))
        }
        F::Holiday => {
            let (m, d) = arg(0).split_once('-')?;
            let (m, d): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
            let y = if arg(1).is_empty() { year_for(a, m, d, env.tense)? } else { arg(1).parse().ok()? };
            Some(ymd(Date::new(y, m, d).ok()?))
        }
        F::UkYear => {
            let (prefix, month, day) = match arg(0) {
                "academic" | "school" => ("AY", 9, 1),
                "tax" => ("TY", 4, 6),
                _ => ("FY", 4, 1),
            };
            let start = Date::new(a.year(), month, day).ok()?;
            let y = i64::from(a.year()) - i64::from(a < start);
            Some(format!("{prefix}{:04}", y.checked_add(int(arg(1))?)?))
        }
        F::ByMonth => {
            let m: i8 = arg(0).parse().ok()?;
            let tense = if env.tense == Tense::Past { Tense::Past } else { Tense::Future };
            Some(ym(year_for(a, m, 1, tense)?.into(), m.into()))
        }
        F::Fy | F::Ay | F::Ty => {
            let y: i64 = arg(0).parse().ok()?;
            let y2: i64 = arg(1).parse().ok()?;
            let next = if arg(1).len() == 2 { (y + 1) % 100 } else { y + 1 };
            (y2 == next).then(|| format!("{}{y:04}", name.to_ascii_uppercase()))
        }
        F::FyShort => {
            let y: i64 = arg(0).parse().ok()?;
            Some(format!("FY{:04}", 2000 + y - 1))
        }
        F::SpelledYear => {
            let words: Vec<&str> = arg(0).split([' ', '-']).filter(|w| !w.is_empty() && *w != "and").collect();
            let (base, rest) = match words.as_slice() {
                ["nineteen", rest @ ..] => (1900, rest),
                ["two", "thousand", rest @ ..] => (2000, rest),
                _ => return None,
            };
            let mut n = 0;
            for w in rest {
                n += lookup("numword", w)?.parse::<i64>().ok()?;
            }
            Some(format!("{:04}", base + n))
        }
        F::Ref => Some(if arg(0).is_empty() { "FUTURE_REF" } else { "PAST_REF" }.into()),
        F::Dur => {
            let n = if arg(0).is_empty() { "1" } else { arg(0) };
            let unit = arg(1);
            // Quarters are written as months (TimeML has no quarter unit).
            if unit == "Q" {
                return Some(match n.parse::<u64>() {
                    Ok(q) => format!("P{}M", q.checked_mul(3)?),
                    Err(_) => "PXM".into(),
                });
            }
            Some(match unit.strip_prefix('T') {
                Some(u) => format!("PT{n}{u}"),
                None => format!("P{n}{unit}"),
            })
        }
        F::SetWord => Some(
            match arg(0) {
                "annually" | "yearly" => "P1Y",
                "monthly" => "P1M",
                "weekly" => "P1W",
                "daily" | "nightly" => "P1D",
                "quarterly" => "P1Q",
                "hourly" => "PT1H",
                _ => return None,
            }
            .into(),
        ),
    }
}

// ------------------------------------------------------------------ helpers

/// `date` moved by `n` units (`'Y'` years, `'M'` months, `'W'` weeks, `'D'` days; `n`
/// may be negative), or `None` when `n` or the result is out of the calendar's range.
/// Counts come from letters ("99999999999 days ago"): a span is never built from one
/// with jiff's panicking constructors.
///
/// ```
/// use jiff::civil::date;
/// assert_eq!(replydraft_time::shifted(date(2020, 1, 31), 1, 'M'), Some(date(2020, 2, 29)));
/// assert_eq!(replydraft_time::shifted(date(2020, 1, 31), 99_999_999_999, 'D'), None);
/// ```
pub fn shifted(date: Date, n: i64, unit: char) -> Option<Date> {
    let span = jiff::Span::new();
    let span = match unit {
        'Y' => span.try_years(n),
        'M' => span.try_months(n),
        'W' => span.try_weeks(n),
        'D' => span.try_days(n),
        _ => return None,
    };
    date.checked_add(span.ok()?).ok()
}

/// The largest char boundary of `text` at or before `i` (clamped to its length).
///
/// ```
/// assert_eq!(replydraft_time::floor_char_boundary("né", 2), 1);
/// assert_eq!(replydraft_time::floor_char_boundary("né", 99), 3);
/// ```
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_compile() {
        assert!(compile(RULES_TOML).is_ok(), "{:?}", compile(RULES_TOML).err());
    }

    /// Every rule is tried only where its first words occur: none is searched through
    /// every stretch of a text (which made a long text cost a pass per rule).
    #[test]
    fn every_rule_has_first_words() {
        let rules = compile(RULES_TOML).unwrap();
        let everywhere: Vec<&str> = rules.rules.iter().filter(|r| r.anywhere).map(|r| r.name.as_str()).collect();
        assert!(everywhere.is_empty(), "{everywhere:?}");
        // The first words of a rule begin its matches, up to ASCII case.
        let words = first_words("(?-u:(?:the\\s+)?Q[1-4])").unwrap();
        assert_eq!(words.len(), 6 + 4, "{words:?}");
        assert!(words.contains(&b"the ".to_vec()) && words.contains(&b"q4".to_vec()));
        assert!(first_words("(?-u:\\w+ ago)").is_none());
    }

    #[test]
    fn a_shift_out_of_range_is_none_not_a_panic() {
        let d = jiff::civil::date(2020, 1, 31);
        assert_eq!(super::shifted(d, 1, 'M'), Some(jiff::civil::date(2020, 2, 29)));
        assert_eq!(super::shifted(d, -2, 'Y'), Some(jiff::civil::date(2018, 1, 31)));
        for unit in ['Y', 'M', 'W', 'D'] {
            assert_eq!(super::shifted(d, 99_999_999_999, unit), None, "{unit}");
            assert_eq!(super::shifted(d, i64::MIN, unit), None, "{unit}");
            assert_eq!(super::shifted(d, 20_000, unit).is_some(), unit != 'Y', "{unit}");
        }
    }

    /// A misspelt function (written, or made of a group's words), an unknown key and a
    /// bad pattern (of a rule, a list, the tense markers, a range) are errors naming the
    /// file and the line they are on.
    #[test]
    fn a_broken_rule_says_file_and_line() {
        let line = |text: &str, needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
        let cases = [
            ("value = \"monthname({month})\"", "value = \"monthnme({month})\"", "calls `monthnme`"),
            ("value = \"{w}weekday({weekday})\"", "value = \"{w}wekday({weekday})\"", "calls `lastwekday`"),
            ("value = \"{w}()\"", "value = \"{wx}()\"", "calls `{wx}`"),
            ("\npriority = ", "\npriorty = ", "unknown field `priorty`"),
            ("\"may\" = \"05\"", "\"may\" = 5", "invalid type"),
            ("pattern = '", "pattern = '(", "the pattern does not compile"),
            ("\"may\" = ", "\"may(\" = ", "the pattern does not compile"),
            ("future = [\"will\", ", "future = [\"will(\", ", "the pattern does not compile"),
            ("before = \"between\"", "before = \"(between\"", "the pattern does not compile"),
        ];
        for (from, to, says) in cases {
            let broken = RULES_TOML.replacen(from, to, 1);
            let e = compile(&broken).err().unwrap();
            assert!(e.to_string().contains(says), "{to}: {e}");
            let at = e.location();
            assert_eq!((at.file.as_str(), at.line), (RULES_FILE, line(&broken, to.trim_start())), "{to}: {e}");
        }
        // What the values can call is read from each rule: every name is one.
        let names = function_names("c{calunit}(0)", "(?-u:the (?P<calunit>year|month))", &BTreeMap::new());
        assert_eq!(names, ["cmonth", "cyear"]);
        assert_eq!(function_names("P{n}Y", "(?P<n>\\d+)", &BTreeMap::new()), Vec::<String>::new());
        assert_eq!(function_names("{n}(1)", "(?P<n>\\d+)", &BTreeMap::new()), ["{n}"]);
        assert_eq!(function_names("{(1)", "x", &BTreeMap::new()), ["{"]);
    }
}
