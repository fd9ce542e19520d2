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

use crate::date::{DateStyle, next_day};
use crate::finding::{Finding, FindingKind, Severity, elapsed};
use crate::timex::{self, Tense, Timex, TimexType};
use jiff::ToSpan;
use jiff::civil::Date;

/// Judges every date-like expression of `text` (written on `written`) on `date`.
/// Findings come in text order; spans are the expressions'.
pub(crate) fn judge(text: &str, written: Date, date: Date) -> Vec<Finding> {
    let then = timex::find(text, written);
    // Read on the day it was written, nothing has moved: no second reading.
    let now = if date == written { Vec::new() } else { timex::find(text, date) };
    let mut out = Vec::new();
    // Finding the day a relative expression changed meaning re-reads its clause a
    // dozen times: done for the first few hundred, the rest say the day it ended.
    let mut searches = MAX_SEARCHES;
    // Both lists are in text order and do not overlap.
    let reread_of = |t: &Timex| {
        let i = now.partition_point(|n| n.start < t.start);
        now.get(i).filter(|n| (n.start, n.end) == (t.start, t.end))
    };
    let ranges = timex::ranges(text, &then);
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
        if let Some(f) = judge_one(text, t, reread_of(t), written, date, &mut searches) {
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

fn judge_one(
    text: &str,
    t: &Timex,
    reread: Option<&Timex>,
    written: Date,
    date: Date,
    searches: &mut usize,
) -> Option<Finding> {
    let shown = &text[t.start..t.end];
    let span = (t.start, t.end);
    let tense = timex::tense_at(text, t.start, t.end);
    if t.kind == TimexType::Duration {
        return anchored_duration(text, t, written, date);
    }
    let (first, last) = (t.first?, t.last?);
    let moved = reread.is_some_and(|r| r.value != t.value);
    // Looking ahead (or, for a date written out, in the present) at what has ended:
    // the claim needs rewriting, not just its date. "Today I am pleased…" is a
    // relative word, written out below.
    let days = (last - first).get_days() + 1;
    let ahead = tense == Tense::Future && !(moved && days <= 7) || tense == Tense::Present && !moved;
    if ahead && last >= written && last < date {
        let message = format!(
            "\"{shown}\" ({}, {first} to {last}) was still to come when written ({written}); it ended on {last}, {} ago",
            t.value,
            elapsed(last, date)
        );
        return Some(Finding {
            since: Some(next_day(last)),
            suggestion: Some("say what happened, in the past tense, or give the new date".into()),
            replacement: None,
            ..Finding::at(text, span, Severity::Error, FindingKind::Deadline, format!("deadline passed: {message}"))
        });
    }
    // A date without its year ("your letter of 17th December") in a clause that does
    // not look ahead: the letter's own date fixes it; worth writing out, not stale.
    if moved && t.partial && !matches!(tense, Tense::Future | Tense::Present) {
        let replacement = absolute(text, t);
        let message = format!("\"{shown}\" written on {written}: {} (its year is not written)", t.value);
        return Some(Finding {
            suggestion: replacement.as_ref().map(|r| format!("write the year: \"{r}\"")),
            replacement,
            ..Finding::at(text, span, Severity::Info, FindingKind::Date, message)
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
        let replacement = absolute(text, t);
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
    if tense == Tense::Past && last < date {
        let message = format!("\"{shown}\" ({}) in the past tense: history, true as written", t.value);
        let kind = if t.value.len() == 4 { FindingKind::Year } else { FindingKind::Date };
        return Some(Finding::at(text, span, Severity::Info, kind, message));
    }
    None
}

/// "The past two years", "the last six months" count back from the written date: read
/// later they cover another stretch.
fn anchored_duration(text: &str, t: &Timex, written: Date, date: Date) -> Option<Finding> {
    let shown = &text[t.start..t.end];
    let lower = shown.to_ascii_lowercase();
    if !["past ", "last ", "previous "].iter().any(|w| lower.contains(w)) {
        return None;
    }
    let (n, unit) = parse_duration(&t.value)?;
    let (span, replacement) = match unit {
        'Y' => {
            let back = written.checked_sub(n.years()).ok()?;
            let y = i64::from(written.year());
            let words = match n {
                1 => format!("{}", y - 1),
                2 => format!("{} and {}", y - 2, y - 1),
                _ => format!("{} to {}", y - n, y - 1),
            };
            (back..=written, Some(words))
        }
        'M' => (written.checked_sub(n.months()).ok()?..=written, None),
        'W' => (written.checked_sub(n.weeks()).ok()?..=written, None),
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
    let since = written.checked_add(jiff::Span::new().days((length / 2) as i64)).ok().map(next_day);
    let replacement = replacement.filter(|_| !shown.starts_with(char::is_uppercase));
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
    let value_on = |d: Date| timex::find(sentence, d).into_iter().find(|x| (x.start, x.end) == (s, e)).map(|x| x.value);
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
/// 2024". `None` when the value has no plain written form.
fn absolute(text: &str, t: &Timex) -> Option<String> {
    let value = t.value.split('T').next().filter(|_| t.value.starts_with(|c: char| c.is_ascii_digit()));
    let words = written_form(value.unwrap_or(&t.value))?;
    let shown = &text[t.start..t.end];
    let before = text[..t.start].trim_end();
    let prev = before.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("").to_ascii_lowercase();
    const PREPOSITIONS: [&str; 15] = [
        "in", "on", "since", "during", "until", "till", "by", "from", "for", "of", "to", "before", "after", "at", "and",
    ];
    let weekday = shown.split_whitespace().last().is_some_and(|w| {
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            .contains(&w.to_ascii_lowercase().as_str())
    });
    let bare_word = !shown.contains(' ') && !weekday;
    let text = if weekday {
        // "on Friday" → "on Friday 7 June 2024": the weekday kept, the date added.
        let name = shown.split_whitespace().last()?;
        format!("{name} {words}")
    } else if PREPOSITIONS.contains(&prev.as_str()) || !bare_word && !needs_preposition(shown) {
        words
    } else {
        let day = t.value.len() >= 10;
        format!("{} {words}", if day { "on" } else { "in" })
    };
    Some(if shown.starts_with(char::is_uppercase) { capitalise(&text) } else { text })
}

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
