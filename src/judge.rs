//! Sentence-level judgement of time expressions: each expression [`crate::timex`]
//! finds in a letter written on `W` is judged on the check date `D` by what its clause
//! says about it (its tense) and by what it would mean if read on `D`.
//!
//! * A forward-looking or present claim ("will be set out in September", "is open
//!   until 5 March") about an interval that was still to come when written and has
//!   ended by `D`: an error, since the day after it ended.
//! * A relative expression ("last year", "earlier this month", "on Friday", "the past
//!   two years") that would denote another interval if read on `D`: stale, a warning,
//!   or an error once the gap exceeds the expression's own size; the message says
//!   what it meant, and the finding carries the absolute text as its `replacement`.
//! * A past-tense statement about a past interval: true history, info.
//! * Words with no calendar interval ("now", "soon") hold for the time
//!   `src/judge/rules.toml` gives; phrases for an institution's term ("this
//!   Parliament") are resolved against the facts base ([`Facts::term`]).
//! * Without `W`, what would read differently on another day says that it depends on
//!   the letter's date; fixed dates are judged by their clause alone.

use crate::date::{DateStyle, next_day, shifted};
use crate::facts::Facts;
use crate::finding::{Finding, FindingKind, Severity, elapsed};
use crate::text::paragraphs;
use crate::timex::rules::{RulesError, Source, Spanned};
use crate::timex::{self, Tense, Timex, TimexType};
use jiff::ToSpan;
use jiff::civil::Date;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::sync::LazyLock;

/// The judge's rules, as written (`src/judge/rules.toml`).
const RULES_TOML: &str = include_str!("judge/rules.toml");
const RULES_FILE: &str = "src/judge/rules.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    deadline_words: Vec<String>,
    dayless_rules: Vec<String>,
    names: Names,
    generic: Vec<GenericRule>,
    rewrite: Rewrite,
    durations: Durations,
    hold: Vec<Hold>,
    term: Vec<TermRule>,
}

/// Where a capitalised name starts: a time word of `words` capitalised before a
/// capitalised word that is not a time word nor one of `heads` ("the Winter Fuel
/// Payment", not "the Summer Term").
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    words: Vec<String>,
    heads: Vec<String>,
}

/// A phrase whose time words date nothing ("as soon as", "a cold winter").
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenericRule {
    pattern: Spanned<String>,
    /// Generic only when its clause is not in the past tense.
    #[serde(default)]
    unless_past: bool,
}

/// Where a relative expression can be written out as the date it meant.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rewrite {
    anchored_by: Vec<String>,
    clause_joins: Vec<String>,
    subject_starts: Vec<String>,
    subject_of: Vec<String>,
}

/// Which durations count from the letter's date.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Durations {
    back: Vec<String>,
    back_around: [String; 2],
    ahead: Vec<String>,
}

/// How a duration counts from the letter's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counted {
    /// Back, in words that can be written out as the years meant ("the past two years").
    Back,
    /// Back, in words that cannot ("after eight years of austerity").
    BackAround,
    /// Ahead ("the next five years").
    Ahead,
}

/// How long a word without a calendar interval ("now", "soon") stays true.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Hold {
    words: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
    months: i64,
    #[serde(default)]
    weak: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TermRule {
    pattern: Spanned<String>,
    term: String,
}

/// The rules, compiled once.
struct Rules {
    deadline_words: Vec<String>,
    /// Timex rules whose expressions say no date ("at 9am").
    dayless_rules: Vec<String>,
    rewrite: Rewrite,
    durations: Durations,
    holds: Vec<Hold>,
    /// A phrase naming an institution's term, and the term's kind for [`Facts::term`].
    terms: Vec<(Regex, String)>,
    names: Names,
    /// Phrases whose time words date nothing, and whether only outside the past tense.
    generic: Vec<(Regex, bool)>,
}

impl Rules {
    fn parse(text: &str) -> Result<Rules, RulesError> {
        let source = Source::new(RULES_FILE, text);
        let file: RulesFile = source.load()?;
        let compile = |p: &String| RegexBuilder::new(&p.replace(r"\b", r"(?-u:\b)")).case_insensitive(true).build();
        let mut terms = Vec::with_capacity(file.term.len());
        for t in file.term {
            terms.push((source.check(&t.pattern, compile)?, t.term));
        }
        let mut generic = Vec::with_capacity(file.generic.len());
        for g in file.generic {
            generic.push((source.check(&g.pattern, compile)?, g.unless_past));
        }
        let lower = |v: Vec<String>| v.into_iter().map(|w| w.to_lowercase()).collect();
        let names = Names { words: lower(file.names.words), heads: lower(file.names.heads) };
        let holds = file
            .hold
            .into_iter()
            .map(|h| Hold {
                words: h.words.iter().map(|w| w.to_lowercase()).collect(),
                after: h.after.iter().map(|w| w.to_lowercase()).collect(),
                ..h
            })
            .collect();
        Ok(Rules {
            deadline_words: file.deadline_words,
            dayless_rules: file.dayless_rules,
            rewrite: file.rewrite,
            durations: file.durations,
            holds,
            terms,
            names,
            generic,
        })
    }

    /// The capitalised names of `text` that hold a time word ("the 2018 Autumn Budget",
    /// "a 25 Year Plan", "the Spring Statement 2019"), as byte spans: from a number
    /// right before the time word, over the capitalised words and numbers after it, to
    /// the first punctuation or line break.
    fn names(&self, text: &str) -> Vec<(usize, usize)> {
        let word = |w: (usize, usize, bool)| &text[w.0..w.1];
        let capital = |w: &str| w.starts_with(|c: char| c.is_ascii_uppercase());
        let number = |w: &str| w.starts_with(|c: char| c.is_ascii_digit());
        let tail = |w: &str| w.rsplit('-').next().unwrap_or(w).to_ascii_lowercase();
        let time_word = |w: &str| self.names.words.contains(&tail(w));
        let mut out: Vec<(usize, usize)> = Vec::new();
        let mut prev: Option<(usize, usize, bool)> = None;
        let mut all = words(text).peekable();
        while let Some(w) = all.next() {
            let before = prev.replace(w);
            let Some(&next) = all.peek() else { break };
            let shown = word(w);
            if w.2
                || !capital(shown.rsplit('-').next().unwrap_or(shown))
                || !time_word(shown)
                || !capital(word(next))
                || time_word(word(next))
                || self.names.heads.contains(&word(next).to_ascii_lowercase())
            {
                continue;
            }
            let first = before.filter(|b| !b.2 && number(word(*b))).unwrap_or(w);
            // The name runs over the capitalised words and numbers after it.
            let mut last = w;
            for x in words(&text[w.1..]).map(|x| (x.0 + w.1, x.1 + w.1, x.2)) {
                if last.2 || !(capital(word(x)) || number(word(x))) {
                    break;
                }
                last = x;
            }
            out.push((first.0, last.1));
        }
        out
    }

    /// The phrases of `text` whose time words date nothing: (start, end, generic only
    /// outside the past tense).
    fn generic(&self, text: &str) -> Vec<(usize, usize, bool)> {
        self.generic
            .iter()
            .flat_map(|(re, unless_past)| re.find_iter(text).map(move |m| (m.start(), m.end(), *unless_past)))
            .collect()
    }

    /// The hold rule for the expression at `start..end`, if one lists it.
    fn hold(&self, text: &str, start: usize, end: usize) -> Option<&Hold> {
        let shown = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let before = word_before(text, start);
        self.holds.iter().find(|h| h.words.contains(&shown) && (h.after.is_empty() || h.after.contains(&before)))
    }

    /// Where the deadline word ("by", "until") standing right before `start` begins.
    fn deadline_word(&self, text: &str, start: usize) -> Option<usize> {
        let before = word_before(text, start);
        let at = text[..start].trim_end().len().checked_sub(before.len())?;
        self.deadline_words.iter().any(|w| w.eq_ignore_ascii_case(&before)).then_some(at)
    }
}

/// The judge's rules. They are part of the crate (a test reads them), so a mistake in
/// them is a build defect, not bad input.
static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::parse(RULES_TOML).expect(RULES_FILE));

/// Whether `t` says no date: a clock time without a day ("at 9am"), which takes the
/// anchor's day only by convention (the judge's `dayless_rules`).
pub(crate) fn dayless(t: &Timex) -> bool {
    RULES.dayless_rules.contains(&t.rule)
}

/// The word right before `start`, lower case (empty when something else stands there).
fn word_before(text: &str, start: usize) -> String {
    let before = text[..start].trim_end();
    before.rsplit(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("").to_ascii_lowercase()
}

/// The word right after `end`, lower case (empty when something else stands there).
fn word_after(text: &str, end: usize) -> String {
    let after = text[end..].trim_start();
    let len = after.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(after.len());
    after[..len].to_ascii_lowercase()
}

/// The words of `text`, lazily: (start, end, whether punctuation or a line break ends
/// it). A word is a run of non-space characters without the punctuation around it.
fn words(text: &str) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
    let mut at = 0;
    let mut tokens = text.split_inclusive(char::is_whitespace).peekable();
    std::iter::from_fn(move || {
        loop {
            let token = tokens.next()?;
            let start = at;
            at += token.len();
            let core = token.trim_end();
            let lead = core.len() - core.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
            let word = core.trim_end_matches(|c: char| !c.is_alphanumeric());
            if word.len() <= lead {
                continue;
            }
            // Punctuation at the start of the next token ends this word too.
            let next_opens =
                tokens.peek().is_some_and(|t| t.starts_with(|c: char| !c.is_alphanumeric() && c != ' ' && c != '\t'));
            let ends = word.len() < core.len() || token.ends_with('\n') || next_opens;
            return Some((start + lead, start + word.len(), ends));
        }
    })
}

/// The span a stale deadline is reported on: the expression, with the deadline word
/// before it ("by 2024-25").
pub(crate) fn deadline_span(text: &str, t: &Timex) -> (usize, usize) {
    (RULES.deadline_word(text, t.start).unwrap_or(t.start), t.end)
}

/// Judges every time expression of `text` on `date`: the expressions [`crate::timex`]
/// finds and the institutions' terms ("this Parliament") the facts base resolves. With
/// the letter's date (`written`) each is read as it was meant and again on `date`;
/// without it, what depends on that date says so, and fixed dates are judged by their
/// clause alone. Findings come in text order; spans are the expressions'.
pub(crate) fn judge(reading: &timex::Reading, facts: &Facts, written: Option<Date>, date: Date) -> Vec<Finding> {
    let text = reading.text();
    let terms: Vec<(usize, usize, &str)> = RULES
        .terms
        .iter()
        .flat_map(|(re, kind)| re.find_iter(text).map(move |m| (m.start(), m.end(), kind.as_str())))
        .collect();
    // Expressions inside a term's phrase ("current" in "the current session") are the
    // term's; inside a name ("the Winter Fuel Payment") the name's; in a generic phrase
    // ("as soon as") they date nothing; clock times without a day say no date.
    let names = RULES.names(text);
    let generic = RULES.generic(text);
    let judged = |t: &Timex| {
        let inside = |s: usize, e: usize| s < t.end && t.start < e;
        !terms.iter().any(|&(s, e, _)| inside(s, e))
            && !names.iter().any(|&(s, e)| inside(s, e))
            && !generic.iter().any(|&(s, e, unless_past)| {
                inside(s, e) && (!unless_past || timex::tense_at(text, t.start, t.end) != Tense::Past)
            })
            && !dayless(t)
    };
    // Recognised once (by the caller), read on each day it is judged on.
    let then: Vec<Timex> = reading.at(written.unwrap_or(date)).into_iter().filter(judged).collect();
    let mut out: Vec<Finding> =
        terms.iter().filter_map(|&(s, e, kind)| judge_term(text, facts, (s, e), kind, written, date)).collect();
    match written {
        Some(w) => out.extend(judge_dated(reading, &then, w, date)),
        None => out.extend(judge_undated(reading, &then, date)),
    }
    Finding::sort(&mut out);
    out
}

/// "This Parliament", "this session": the term sitting when written; read after it
/// ended, another (a warning for a year, an error after). Without the letter's date,
/// it cannot be known which.
fn judge_term(
    text: &str,
    facts: &Facts,
    span: (usize, usize),
    kind: &str,
    written: Option<Date>,
    date: Date,
) -> Option<Finding> {
    let shown = &text[span.0..span.1];
    let Some(w) = written else {
        return Some(unknown_anchor(text, span));
    };
    let term = facts.term(kind, w)?;
    let (first, last, name) = (term.first, term.last, &term.name);
    let source = Some(term.source.clone()).filter(|s| !s.is_empty());
    if date <= last {
        let message = format!("\"{shown}\" written on {w}: {name}, {first} to {last}");
        return Some(Finding {
            source,
            ..Finding::at(text, span, Severity::Info, FindingKind::RelativePhrase, message)
        });
    }
    // Pointing at another term, as "this Government" after an election: a warning
    // for the first year, an error after.
    let since = next_day(last);
    let a_year_on = since.checked_add(1.year()).unwrap_or(since);
    let severity = if date > a_year_on { Severity::Error } else { Severity::Warning };
    let message =
        format!("\"{shown}\" written on {w} meant {name} ({first} to {last}); read on {date} it means another");
    Some(Finding {
        since: Some(since),
        suggestion: Some("name the term it meant, or say what happened in it".into()),
        source,
        ..Finding::at(text, span, severity, FindingKind::RelativePhrase, message)
    })
}

/// A finding for an expression whose meaning depends on the letter's unknown date.
fn unknown_anchor(text: &str, span: (usize, usize)) -> Finding {
    let message = format!("\"{}\" depends on when the letter was written, which is unknown", &text[span.0..span.1]);
    Finding {
        suggestion: Some("give a date instead, or say when the letter was written".into()),
        ..Finding::at(text, span, Severity::Warning, FindingKind::RelativePhrase, message)
    }
}

/// Whether the clause looks ahead at the expression: a future form, or a deadline word
/// ("by", "until") in a clause that is not in the past tense. Without the letter's date
/// (`dated` false) a deadline word needs a present verb too: "until 2015 the council
/// ran it" has no tense marker, and nothing says 2015 was still to come.
fn looks_ahead(text: &str, t: &Timex, tense: Tense, dated: bool) -> bool {
    let open = if dated { tense != Tense::Past } else { tense == Tense::Present };
    tense == Tense::Future || open && RULES.deadline_word(text, t.start).is_some()
}

/// The expressions of a letter whose date is unknown: a relative one ("last year",
/// "now", "on Friday") is read against a second, distant anchor; if its value moves, it
/// depends on the letter's date and says so. A fixed one is judged by its clause: looked
/// ahead to and ended by `date`, stale; in the past tense, history.
fn judge_undated(reading: &timex::Reading, then: &[Timex], date: Date) -> Vec<Finding> {
    let text = reading.text();
    let mut out = Vec::new();
    for (t, moves) in then.iter().zip(timex::moves_with_anchor(reading, then, date)) {
        let span = (t.start, t.end);
        let shown = &text[t.start..t.end];
        if t.partial {
            let message = format!("\"{shown}\" has no year, and the letter's date is unknown");
            out.push(Finding::at(text, span, Severity::Info, FindingKind::Date, message));
            continue;
        }
        if moves || RULES.hold(text, t.start, t.end).is_some() || counted(text, t).is_some() {
            out.push(unknown_anchor(text, span));
            continue;
        }
        let (Some(first), Some(last)) = (t.first, t.last) else { continue };
        let tense = timex::tense_at(text, t.start, t.end);
        if last < date && looks_ahead(text, t, tense, false) {
            out.push(passed(text, t, (first, last), None, date));
        } else {
            out.push(noted(text, t, tense, last, date));
        }
    }
    out
}

/// A claim looking ahead at an interval (`first` to `last`) that has ended by `date`:
/// an error from the day after, on the expression with its deadline word. The claim
/// needs rewriting, not just its date: no replacement.
fn passed(text: &str, t: &Timex, (first, last): (Date, Date), written: Option<Date>, date: Date) -> Finding {
    let span = deadline_span(text, t);
    let when = match written {
        Some(w) => format!("was still to come when written ({w})"),
        None => "is looked ahead to (the letter's date is unknown)".into(),
    };
    let message = format!(
        "deadline passed: \"{}\" ({}, {first} to {last}) {when}; it ended on {last}, {} ago",
        &text[span.0..span.1],
        t.value,
        elapsed(last, date)
    );
    Finding {
        since: Some(next_day(last)),
        suggestion: Some("say what happened, in the past tense, or give the new date".into()),
        ..Finding::at(text, span, Severity::Error, FindingKind::Deadline, message)
    }
}

/// Whether, and which way, a duration counts from the letter's date ("the past two
/// years", "after eight years of austerity", "the next five years"), by the judge's
/// `[durations]` words.
pub(crate) fn counted(text: &str, t: &Timex) -> Option<Counted> {
    if t.kind != TimexType::Duration {
        return None;
    }
    let d = &RULES.durations;
    let has = |words: &[String]| {
        text[t.start..t.end]
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| words.iter().any(|x| x.eq_ignore_ascii_case(w)))
    };
    if has(&d.back) {
        Some(Counted::Back)
    } else if has(&d.ahead) {
        Some(Counted::Ahead)
    } else if word_before(text, t.start) == d.back_around[0] && word_after(text, t.end) == d.back_around[1] {
        Some(Counted::BackAround)
    } else {
        None
    }
}

/// The expressions of a letter written on `written`, judged on `date`.
fn judge_dated(reading: &timex::Reading, then: &[Timex], written: Date, date: Date) -> Vec<Finding> {
    let text = reading.text();
    // Read on the day it was written, nothing has moved: no second reading.
    let now = if date == written { Vec::new() } else { reading.at(date) };
    let mut out = Vec::new();
    // Finding the day a relative expression changed meaning re-reads its clause a
    // dozen times: done for the first few hundred, the rest say the day it ended.
    let mut searches = MAX_SEARCHES;
    // Both lists are in text order and do not overlap.
    let reread_of = |t: &Timex| {
        let i = now.partition_point(|n| n.start < t.start);
        now.get(i).filter(|n| (n.start, n.end) == (t.start, t.end))
    };
    let ranges = timex::ranges(text, then);
    let mut k = 0;
    while k < then.len() {
        let t = &then[k];
        // "Between 2022 and 2025": one stretch of time, judged as one (unless either
        // end is relative and reads differently now: then each is judged on its own).
        if ranges.iter().any(|&(i, _)| i == k) {
            let b = &then[k + 1];
            let fixed = |x: &Timex| reread_of(x).is_none_or(|r| r.value == x.value);
            if fixed(t) && fixed(b) {
                out.extend(judge_range(text, t, b, written, date));
                k += 2;
                continue;
            }
        }
        if let Some(f) = judge_one(text, (then, k), reread_of(t), written, date, &mut searches) {
            out.push(f);
        }
        k += 1;
    }
    out
}

/// A range of two fixed expressions ("between 2022 and 2025"), as one interval from
/// the first one's start to the second one's end: a forward-looking or present claim
/// about it is stale once the whole range has ended; in the past tense, history.
fn judge_range(text: &str, a: &Timex, b: &Timex, written: Date, date: Date) -> Option<Finding> {
    let (first, last) = (a.first?, b.last?);
    let span = (a.start, b.end);
    let shown = &text[a.start..b.end];
    match timex::tense_at(text, a.start, b.end) {
        Tense::Future | Tense::Present if last >= written && last < date => {
            let message = format!(
                "deadline passed: \"{shown}\" ({} to {}, {first} to {last}) was still running or to come when written ({written}); it ended on {last}, {} ago",
                a.value,
                b.value,
                elapsed(last, date)
            );
            Some(Finding {
                since: Some(next_day(last)),
                suggestion: Some("say what happened, in the past tense, or give the new period".into()),
                ..Finding::at(text, span, Severity::Error, FindingKind::Deadline, message)
            })
        }
        Tense::Past if last < date => {
            let message =
                format!("\"{shown}\" ({} to {}) in the past tense: history, true as written", a.value, b.value);
            Some(Finding::at(text, span, Severity::Info, FindingKind::Date, message))
        }
        _ => None,
    }
}

/// How many relative expressions of one letter get the exact day they changed meaning.
const MAX_SEARCHES: usize = 200;

/// Judges `found[k]`, one of the expressions of `text` (its neighbours say whether it
/// can be written out alone).
fn judge_one(
    text: &str,
    (found, k): (&[Timex], usize),
    reread: Option<&Timex>,
    written: Date,
    date: Date,
    searches: &mut usize,
) -> Option<Finding> {
    let t = &found[k];
    let shown = &text[t.start..t.end];
    let span = (t.start, t.end);
    let tense = timex::tense_at(text, t.start, t.end);
    if let Some(hold) = RULES.hold(text, t.start, t.end) {
        return judge_hold(text, t, hold, written, date);
    }
    if t.kind == TimexType::Duration {
        return anchored_duration(text, (found, k), written, date);
    }
    let (first, last) = (t.first?, t.last?);
    let moved = reread.is_some_and(|r| r.value != t.value);
    // Looking ahead (or, for a date written out, in the present) at what has ended:
    // the claim needs rewriting, not just its date. "Today I am pleased…" is a
    // relative word, written out below.
    let days = (last - first).get_days() + 1;
    let ahead = looks_ahead(text, t, tense, true) && !(moved && days <= 7) || tense == Tense::Present && !moved;
    if ahead && last >= written && last < date {
        return Some(passed(text, t, (first, last), Some(written), date));
    }
    // A date without its year ("your letter of 17th December", "In July we wrote") in a
    // clause that does not look ahead: the letter's own date fixes it, but a reader of
    // the letter sent on the check date takes it for the latest such day before then: a
    // warning, with the year written out. The year is certain in the past tense (the
    // last such day on or before the letter); without a tense, only a year that does not
    // put the day after the letter is written.
    if moved && t.partial && !matches!(tense, Tense::Future | Tense::Present) {
        let replacement = absolute(text, (found, k)).filter(|_| tense == Tense::Past || last <= written);
        let message = format!(
            "\"{shown}\" has no year: written on {written} it meant {}; a reader on {date} takes it for a later one",
            t.value
        );
        return Some(Finding {
            suggestion: replacement.as_ref().map(|r| format!("write the year: \"{r}\"")),
            replacement,
            ..Finding::at(text, span, Severity::Warning, FindingKind::Date, message)
        });
    }
    if moved {
        let now_means = reread.map_or(String::new(), |r| r.value.clone());
        let since = if *searches > 0 {
            *searches -= 1;
            changed_on(text, t, written, date)
        } else {
            Some(next_day(last)).filter(|d| *d <= date)
        };
        // A warning while it has meant something else for less than its own size
        // ("last year": a year), an error after.
        let size = (last - first).get_days().unsigned_abs() + 1;
        let gap = since.filter(|s| *s <= date).map_or(0, |s| (date - s).get_days().unsigned_abs());
        let severity = if gap > size { Severity::Error } else { Severity::Warning };
        let message = format!(
            "\"{shown}\" written on {written} meant {} ({first} to {last}); read on {date} it means {now_means}",
            t.value
        );
        // A clause that looks ahead at, or speaks in the present of, a stretch that
        // had not ended when written needs rewriting, not just its date: written out,
        // it would be a passed deadline ("Today we are consulting").
        let open = looks_ahead(text, t, tense, true) || tense == Tense::Present;
        let replacement = absolute(text, (found, k)).filter(|_| !open || last < written || last >= date);
        return Some(Finding {
            since,
            suggestion: Some(match &replacement {
                Some(r) => format!("write the date it meant: \"{r}\""),
                None => "write the date it meant".into(),
            }),
            replacement,
            ..Finding::at(text, span, severity, FindingKind::RelativePhrase, message)
        });
    }
    Some(noted(text, t, tense, last, date))
}

/// What a fixed expression that is not stale says, for the record (info): in the past
/// tense, history; else a date in the past or still to come on `date`.
fn noted(text: &str, t: &Timex, tense: Tense, last: Date, date: Date) -> Finding {
    let shown = &text[t.start..t.end];
    let message = if tense == Tense::Past && last < date {
        format!("\"{shown}\" ({}) in the past tense: history, true as written", t.value)
    } else if last < date {
        format!("\"{shown}\" ({}): a date in the past on {date}", t.value)
    } else {
        format!("\"{shown}\" ({}): a date still to come on {date}", t.value)
    };
    let kind = match &t.value {
        v if v.len() == 4 => FindingKind::Year,
        v if v.starts_with("FY") => FindingKind::FinancialYear,
        _ => FindingKind::Date,
    };
    Finding::at(text, (t.start, t.end), Severity::Info, kind, message)
}

/// A word with no calendar interval ("now", "soon", "within months"), true for the
/// rule's months after `written`: stale after that, an error once stale for as long
/// again (never, for weak words).
fn judge_hold(text: &str, t: &Timex, hold: &Hold, written: Date, date: Date) -> Option<Finding> {
    let shown = &text[t.start..t.end];
    let span = (t.start, t.end);
    let limit = shifted(written, hold.months, 'M')?;
    if date <= limit {
        let message = format!("\"{shown}\" ({}) written {written} holds until {limit}", t.value);
        return Some(Finding::at(text, span, Severity::Info, FindingKind::RelativePhrase, message));
    }
    let twice = shifted(limit, hold.months, 'M').unwrap_or(limit);
    let severity = if date > twice && !hold.weak { Severity::Error } else { Severity::Warning };
    let message = format!(
        "\"{shown}\" ({}) was written on {written} and is read {} later (it held until {limit})",
        t.value,
        elapsed(written, date)
    );
    Some(Finding {
        since: Some(next_day(limit)),
        suggestion: Some("replace it with the date it meant".into()),
        ..Finding::at(text, span, severity, FindingKind::RelativePhrase, message)
    })
}

/// "The past two years", "the last six months" count back from the written date: read
/// later they cover another stretch.
fn anchored_duration(text: &str, (found, k): (&[Timex], usize), written: Date, date: Date) -> Option<Finding> {
    let t = &found[k];
    let shown = &text[t.start..t.end];
    let counted = counted(text, t)?;
    if counted == Counted::Ahead {
        return ahead_duration(text, t, written, date);
    }
    let (n, unit) = parse_duration(&t.value)?;
    let (span, replacement) = match unit {
        'Y' => {
            let back = shifted(written, n.checked_neg()?, 'Y')?;
            let y = i64::from(written.year());
            let words = match n {
                1 => format!("{}", y - 1),
                2 => format!("{} and {}", y - 2, y - 1),
                _ => format!("{} to {}", y - n, y - 1),
            };
            (back..=written, Some(words))
        }
        'M' | 'W' => (shifted(written, n.checked_neg()?, unit)?..=written, None),
        _ => return None,
    };
    // Stale once the stretch read on `date` shares less than half with the one meant.
    let length = (*span.end() - *span.start()).get_days().unsigned_abs().max(1);
    let drift = (date - written).get_days().unsigned_abs();
    if date <= written || drift * 2 < length {
        return None;
    }
    let severity = if drift > length { Severity::Error } else { Severity::Warning };
    let message = format!(
        "\"{shown}\" written on {written} meant {} to {}; read on {date} it covers another stretch",
        span.start(),
        span.end()
    );
    let since = shifted(written, i64::from(length / 2), 'D').map(next_day);
    let replacement = replacement.filter(|_| {
        counted == Counted::Back && !shown.starts_with(char::is_uppercase) && stands_alone(text, (found, k))
    });
    Some(Finding {
        since,
        suggestion: Some(match &replacement {
            Some(r) => format!("write the years it meant: \"{r}\""),
            None => "write the dates it meant".into(),
        }),
        replacement,
        ..Finding::at(text, (t.start, t.end), severity, FindingKind::RelativePhrase, message)
    })
}

/// "Over the next five years", "in the coming two months" run from the written date:
/// looked ahead to, stale once the stretch has ended.
fn ahead_duration(text: &str, t: &Timex, written: Date, date: Date) -> Option<Finding> {
    let (n, unit) = parse_duration(&t.value)?;
    let end = shifted(written, n, unit)?;
    if date <= end || timex::tense_at(text, t.start, t.end) == Tense::Past {
        return None;
    }
    let message = format!(
        "deadline passed: \"{}\" written on {written} ran to {end}; it ended {} ago",
        &text[t.start..t.end],
        elapsed(end, date)
    );
    Some(Finding {
        since: Some(next_day(end)),
        suggestion: Some("say what happened, in the past tense, or give the new period".into()),
        ..Finding::at(text, (t.start, t.end), Severity::Error, FindingKind::Deadline, message)
    })
}

/// `P2Y` → (2, 'Y').
fn parse_duration(value: &str) -> Option<(i64, char)> {
    let body = value.strip_prefix('P')?;
    let unit = body.chars().last()?;
    let n = body[..body.len() - unit.len_utf8()].parse().ok()?;
    Some((n, unit))
}

/// The first day on which the expression, read again, meant something else. A calendar
/// expression changes meaning where a unit begins (a day, a Monday, a month, a quarter,
/// a year, a financial, tax or academic year): those days after `written` are searched
/// in order of date (binary search: once changed, it stays changed), re-reading only
/// the expression's own clause.
fn changed_on(text: &str, t: &Timex, written: Date, date: Date) -> Option<Date> {
    let (from, to) = timex::clause(text, t.start, t.end);
    let sentence = &text[from..to];
    let (s, e) = (t.start - from, t.end - from);
    let reading = timex::read(sentence);
    let value_on = |d: Date| reading.at(d).into_iter().find(|x| (x.start, x.end) == (s, e)).map(|x| x.value);
    let original = value_on(written)?;
    let next = |d: Date| if d > written { Some(d) } else { d.checked_add(1.year()).ok() };
    let y = written.year();
    let mut days: Vec<Date> = [
        written.tomorrow().ok(),
        written.checked_add((8 - i64::from(written.weekday().to_monday_one_offset())).days()).ok(),
        written.first_of_month().checked_add(1.month()).ok(),
        Date::new(y, (written.month() - 1) / 3 * 3 + 1, 1).ok().and_then(|q| q.checked_add(3.months()).ok()),
        Date::new(y, 4, 1).ok().and_then(next),
        Date::new(y, 4, 6).ok().and_then(next),
        Date::new(y, 9, 1).ok().and_then(next),
        Date::new(y, 1, 1).ok().and_then(|d| d.checked_add(1.year()).ok()),
        Some(date),
    ]
    .into_iter()
    .flatten()
    .filter(|d| *d <= date)
    .collect();
    days.sort_unstable();
    days.dedup();
    // The first of them on which the value differs.
    let (mut lo, mut hi) = (0, days.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if value_on(days[mid]).as_ref() == Some(&original) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    days.get(lo).copied()
}

/// The absolute text a relative expression stands for, fitted to its place: "Last
/// year" → "In 2018"; "last year" after "since" → "2018"; "Friday" → "Friday 7 June
/// 2024"; "Last year was" → "2018 was". `None` when the value has no plain written
/// form, or the rewritten sentence might not be grammatical or mean the same (see
/// [`stands_alone`] and [`Slot`]).
fn absolute(text: &str, (found, k): (&[Timex], usize)) -> Option<String> {
    let t = &found[k];
    let value = t.value.split('T').next().filter(|_| t.value.starts_with(|c: char| c.is_ascii_digit()));
    let words = written_form(value.unwrap_or(&t.value))?;
    let shown = &text[t.start..t.end];
    // "Over the last week", "in the past month" usually mean the days up to the letter,
    // not the calendar week or month before it: no certain rewrite.
    let lower = shown.to_ascii_lowercase();
    if (lower.starts_with("the last ") || lower.starts_with("the past "))
        && (lower.ends_with("week") || lower.ends_with("month"))
        || !stands_alone(text, (found, k))
    {
        return None;
    }
    let before = text[..t.start].trim_end();
    // Capitalised where a sentence starts ("Last year" → "In 2018"), not for a name
    // ("on Friday afternoon" → "on the afternoon of Friday …").
    let line = text[..t.start].trim_end_matches([' ', '\t']);
    let starts_sentence =
        line.is_empty() || line.ends_with(['.', '!', '?', '\n', '\r', ':', '"', '\u{201c}', '\u{201d}', '>']);
    let prev = word_before(text, t.start);
    const PREPOSITIONS: [&str; 14] =
        ["in", "on", "since", "during", "until", "till", "by", "from", "for", "of", "to", "before", "after", "at"];
    // Joined to the expression before it ("between 2019 and last year", "last year and
    // this year"), it is written out only beside a date written out: then, like one after
    // a preposition, it is a noun phrase, the date alone.
    let joined = k.checked_sub(1).and_then(|i| found.get(i)).filter(|p| {
        matches!(prev.as_str(), "and" | "or") && before[..before.len() - prev.len()].trim_end().len() == p.end
    });
    if joined.is_some_and(|p| !text[..p.end].ends_with(|c: char| c.is_ascii_digit())) {
        return None;
    }
    let object = PREPOSITIONS.contains(&prev.as_str()) || joined.is_some();
    let weekday = shown.split_whitespace().last().is_some_and(|w| WEEKDAYS.contains(&w.to_ascii_lowercase().as_str()));
    let bare_word = !shown.contains(' ') && !weekday;
    // A part of a day ("Friday afternoon", "last night") is kept: "the afternoon of
    // Friday 2 January 2026". A clock time has no certain rewrite.
    let part = match t.value.split_once('T').map(|(_, p)| p) {
        None => None,
        Some("MO") => Some("morning"),
        Some("AF") => Some("afternoon"),
        Some("EV") => Some("evening"),
        Some("NI") => Some("night"),
        Some(_) => return None,
    };
    // The date as a noun phrase: "the afternoon of Friday 2 January 2026", "Friday 7
    // June 2024" (the weekday kept, the date added), "2018".
    let noun = if let Some(part) = part {
        let day = shown
            .split_whitespace()
            .find(|w| WEEKDAYS.contains(&w.to_ascii_lowercase().as_str()))
            .map_or(words.clone(), |name| format!("{name} {words}"));
        format!("the {part} of {day}")
    } else if weekday {
        format!("{} {words}", shown.split_whitespace().last()?)
    } else {
        words
    };
    // Words that stand as an adverb ("last year", "today", "six months ago") need "in"
    // or "on" written out, and only where they are an adverb.
    let adverb = part.is_some() || !weekday && (bare_word || needs_preposition(shown));
    let text = if object || !adverb {
        noun
    } else {
        match slot(text, t.start, t.end, starts_sentence) {
            Slot::Adverbial => {
                let day = part.is_some() || t.value.len() >= 10;
                format!("{} {noun}", if day { "on" } else { "in" })
            }
            Slot::Subject => noun,
            Slot::Other => return None,
        }
    };
    let out = if starts_sentence && shown.starts_with(char::is_uppercase) { capitalise(&text) } else { text };
    // Its own words must not read as another relative expression ("the week" of "the
    // week beginning 5 June 2023"): written out, it would be stale again.
    let anchor = t.first?;
    let reading = timex::read(&out);
    let own = reading.at(anchor);
    timex::moves_with_anchor(&reading, &own, anchor).iter().all(|m| !m).then_some(out)
}

/// Whether `found[k]` can be written out on its own: the whole of its time expression
/// and nothing else's. Not when a word right after it anchors it elsewhere ("the year
/// before", "a week after the vote"), when it is a possessive ("last year's report"), or
/// when another expression stands right beside it and the two make one time ("two
/// years ago today", "Friday last week").
fn stands_alone(text: &str, (found, k): (&[Timex], usize)) -> bool {
    let t = &found[k];
    let apart = |gap: Option<&str>| gap.is_none_or(|g| !g.chars().all(|c| c.is_whitespace() || c == ','));
    let before = k.checked_sub(1).and_then(|i| found.get(i)).map(|p| text.get(p.end..t.start));
    let after = found.get(k + 1).map(|n| text.get(t.end..n.start));
    !RULES.rewrite.anchored_by.contains(&word_after(text, t.end))
        && !text[t.end..].starts_with(['\'', '\u{2019}'])
        && before.is_none_or(apart)
        && after.is_none_or(apart)
}

/// The part a relative expression that stands as an adverb plays in its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// An adverbial: at the start of a clause before its subject or a comma ("Last
    /// year, the council…", "Last year we…"), or at the end of one ("…we met last
    /// week."). Written out with "in" or "on".
    Adverbial,
    /// The subject of a clause ("Last year was difficult"): the date alone.
    Subject,
    /// Anything else ("We spent last year working on it"): no certain rewrite.
    Other,
}

/// The [`Slot`] of the expression at `start..end`, by the words around it and the
/// judge's `[rewrite]` lists.
fn slot(text: &str, start: usize, end: usize, starts_sentence: bool) -> Slot {
    let rules = &RULES.rewrite;
    let next = text[end..].trim_start_matches([' ', '\t']);
    let next_word = word_after(text, end);
    let before = text[..start].trim_end_matches([' ', '\t']);
    let opens = starts_sentence
        || before.ends_with([',', ';', '(', '\u{2013}', '\u{2014}'])
        || rules.clause_joins.contains(&word_before(text, start));
    let subject = |w: &str| {
        rules.subject_starts.contains(&w.to_ascii_lowercase())
            || w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '£' | '$' | '€'))
    };
    let first = next.split_whitespace().next().unwrap_or("");
    let clause_end = next.is_empty()
        || next.starts_with(['.', '!', '?', ';', ':', ',', '\n', '\r', ')', '"', '\u{201d}', '\u{2013}', '\u{2014}']);
    if opens && !next_word.is_empty() && rules.subject_of.contains(&next_word) {
        Slot::Subject
    } else if clause_end || opens && subject(first) {
        Slot::Adverbial
    } else {
        Slot::Other
    }
}

/// The stretches of `text` that quote someone: between quotation marks (straight or
/// curly double quotes, and curly single quotes used as quotes; one left open runs to
/// the end of its paragraph) and lines of a quoted reply (starting with `>`). Nothing
/// in them is rewritten.
pub(crate) fn quotations(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('>') {
            out.push((pos, pos + line.len()));
        }
        pos += line.len();
    }
    for (s, e) in paragraphs(text) {
        let para = &text[s..e];
        let mut open: Option<(usize, char)> = None;
        let mut prev: Option<char> = None;
        for (i, c) in para.char_indices() {
            let next = para[i + c.len_utf8()..].chars().next();
            match open {
                None if c == '"' => open = Some((i, '"')),
                None if c == '\u{201c}' => open = Some((i, '\u{201d}')),
                // A curly single quote opens a quotation after a space or punctuation,
                // and closes one where no letter follows (not "council’s").
                None if c == '\u{2018}' && !prev.is_some_and(char::is_alphanumeric) => open = Some((i, '\u{2019}')),
                Some((o, close)) if c == close && !(close == '\u{2019}' && next.is_some_and(char::is_alphabetic)) => {
                    out.push((s + o, s + i + c.len_utf8()));
                    open = None;
                }
                _ => {}
            }
            prev = Some(c);
        }
        if let Some((o, _)) = open {
            out.push((s + o, e));
        }
    }
    out
}

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Whether "last year"-like words ("last year", "six months ago") stand as an adverb:
/// written out they need "in" or "on".
fn needs_preposition(shown: &str) -> bool {
    let first = shown.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    let last = shown.split_whitespace().last().unwrap_or("").to_ascii_lowercase();
    matches!(first.as_str(), "last" | "this" | "next" | "yesterday" | "today" | "tomorrow" | "earlier" | "later")
        || matches!(last.as_str(), "ago" | "earlier" | "later" | "before" | "now")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
}

/// A TIMEX3 date value in words: `2023-09` → "September 2023".
fn written_form(value: &str) -> Option<String> {
    for (prefix, form) in
        [("FY", "the {a}-{b} financial year"), ("AY", "the {a}/{b} academic year"), ("TY", "the {a}-{b} tax year")]
    {
        if let Some(y) = value.strip_prefix(prefix) {
            let y: i32 = y.parse().ok()?;
            return Some(form.replace("{a}", &y.to_string()).replace("{b}", &format!("{:02}", (y + 1) % 100)));
        }
    }
    let parts: Vec<&str> = value.split('-').collect();
    match parts.as_slice() {
        [y] if y.len() == 4 => Some(y.to_string()),
        [d] if d.len() == 3 => Some(format!("the {d}0s")),
        [y, q] if q.starts_with('Q') => {
            let n = ["first", "second", "third", "fourth"].get(q[1..].parse::<usize>().ok()?.checked_sub(1)?)?;
            Some(format!("the {n} quarter of {y}"))
        }
        [y, s] if s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase()) && !s.starts_with('W') || *s == "WI" => {
            let name = match *s {
                "SP" => "spring",
                "SU" => "summer",
                "FA" => "autumn",
                "WI" => "winter",
                _ => return None,
            };
            Some(format!("{name} {y}"))
        }
        [_, w] if w.starts_with('W') => {
            Some(format!("the week beginning {}", DateStyle::DayMonthYear.format(timex::interval(value)?.0)))
        }
        [_, _] => Some(DateStyle::MonthYear.format(timex::interval(value)?.0)),
        [_, _, _] => Some(DateStyle::DayMonthYear.format(timex::interval(value)?.0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_file_parses_and_a_broken_one_says_where() {
        let rules = Rules::parse(RULES_TOML).unwrap();
        assert!(!rules.holds.is_empty() && !rules.terms.is_empty() && !rules.deadline_words.is_empty());
        // A bad pattern and an unknown key are errors naming the file and their line.
        let line = |text: &str, needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
        let broken = RULES_TOML.replace(r"'\bthis\s+parliament\b'", r"'(\bthis'");
        let e = Rules::parse(&broken).err().unwrap();
        assert!(matches!(e, RulesError::Pattern { .. }) && e.to_string().contains("unclosed group"), "{e}");
        assert_eq!((e.location().file.as_str(), e.location().line), (RULES_FILE, line(&broken, "(\\bthis")));
        let broken = RULES_TOML.replace("\nterm = ", "\nterms = ");
        let e = Rules::parse(&broken).err().unwrap();
        assert!(e.to_string().starts_with(&format!("{RULES_FILE}:")) && e.to_string().contains("`terms`"), "{e}");
        assert_eq!(e.location().line, line(&broken, "terms = "));
        assert!(Rules::parse("deadline_words = []\n").is_err(), "holds and terms are required");
        for rule in &rules.dayless_rules {
            assert!(timex::RULES_TOML.contains(&format!("name = \"{rule}\"\n")), "no timex rule `{rule}`");
        }
    }

    #[test]
    fn values_are_written_out_as_a_letter_would() {
        for (value, words) in [
            ("2018", "2018"),
            ("2023-09", "September 2023"),
            ("2023-02-02", "2 February 2023"),
            ("2023-Q3", "the third quarter of 2023"),
            ("2024-SP", "spring 2024"),
            ("2023-WI", "winter 2023"),
            ("FY2024", "the 2024-25 financial year"),
            ("201", "the 2010s"),
            ("2023-W23", "the week beginning 5 June 2023"),
        ] {
            assert_eq!(written_form(value).as_deref(), Some(words), "{value}");
        }
        assert_eq!(written_form("PRESENT_REF"), None);
    }
}
