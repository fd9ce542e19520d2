//! The scanner: runs the [`crate::rules`] on what a paragraph no block matches says —
//! people, seats, elections and governments, tracked entities, time expressions,
//! promises — in their order of priority ([`crate::rules::PRIORITY`]), and the time
//! expressions' judgement ([`crate::judge`]) on another core beside the rules before
//! the one that reads it.

use crate::facts::Facts;
use crate::finding::Finding;
use crate::rules::{Context, Findings, PRIORITY, Taken};
use jiff::civil::Date;

/// Scans `text` for time-bound language and judges each find on `date`, for a letter
/// written on `written` (if known). Spans in `claimed` (reported by claims) are left
/// alone; spans in `covered` (paragraphs of reviewed blocks) are only read by the rules
/// that read reviewed blocks (people and seats). Findings are in text order.
pub(crate) fn scan(
    text: &str,
    facts: &Facts,
    date: Date,
    written: Option<Date>,
    covered: &[(usize, usize)],
    claimed: &[(usize, usize)],
) -> Vec<Finding> {
    // The time expressions are judged on their own (the longest work), beside the
    // rules that come before the one that reads them.
    let beside = PRIORITY.iter().position(|r| r.about().reads_judged).unwrap_or(PRIORITY.len());
    let (before, after) = PRIORITY.split_at(beside);
    let (judged, (cx, mut findings)) = rayon::join(
        || crate::judge::judge(text, facts, written, date),
        || {
            let cx = Context::new(text, facts, date, written);
            let mut findings = Findings::new(claimed, covered);
            for rule in before {
                findings.run(*rule, &cx);
            }
            (cx, findings)
        },
    );
    findings.judged = judged;
    for rule in after {
        findings.run(*rule, &cx);
    }
    findings.into_sorted()
}

/// Time-bound phrases in `text` without judging them: `(start, end, what)`, for the
/// claim stubs of ingested blocks. The time expressions of [`crate::timex`] (read as
/// written on `anchor`; durations only when counted from the letter's date), then the
/// promises that do not overlap them.
pub(crate) fn time_phrases(text: &str, anchor: Date) -> Vec<(usize, usize, &'static str)> {
    let reading = crate::timex::read(text);
    let found = reading.at(anchor);
    let moved = crate::timex::moves_with_anchor(&reading, &found, anchor);
    let mut taken = Taken::default();
    let mut out: Vec<(usize, usize, &'static str)> = Vec::new();
    for (t, moves) in found.iter().zip(moved).filter(|(t, _)| !crate::judge::dayless(t)) {
        let (start, end) = crate::judge::deadline_span(text, t);
        let what = match t.kind {
            crate::timex::TimexType::Duration if crate::judge::counted(text, t).is_some() => "a relative phrase",
            crate::timex::TimexType::Duration | crate::timex::TimexType::Set => continue,
            _ if moves => "a relative phrase",
            _ if start < t.start => "a deadline",
            _ if t.value.starts_with("FY") => "a financial year",
            _ => "a date",
        };
        taken.insert(start, end);
        out.push((start, end, what));
    }
    for (s, e) in crate::rules::commitments::commitments(text) {
        if !taken.overlaps(s, e) {
            taken.insert(s, e);
            out.push((s, e, "a future-tense commitment"));
        }
    }
    out.sort_unstable();
    out
}
