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
/// that read reviewed blocks (people and seats). `signer` is who signs the letter and
/// the office they sign in, when given. Findings are in text order.
pub(crate) fn scan(
    reading: &crate::timex::Reading,
    facts: &Facts,
    date: Date,
    written: Option<Date>,
    signer: Option<(&str, Option<&str>)>,
    covered: &[(usize, usize)],
    claimed: &[(usize, usize)],
) -> Vec<Finding> {
    let text = reading.text();
    // The time expressions are judged on their own (the longest work), beside the
    // rules that come before the one that reads them.
    let beside = PRIORITY.iter().position(|r| r.about().reads_judged).unwrap_or(PRIORITY.len());
    let (before, after) = PRIORITY.split_at(beside);
    let (judged, (cx, mut findings)) = rayon::join(
        || crate::judge::judge(reading, facts, written, date),
        || {
            let cx = Context::new(text, facts, date, written, signer);
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

#[cfg(test)]
mod tests {
    #[test]
    fn each_finding_carries_the_rule_that_made_it() {
        let d = |s: &str| crate::date::parse_date(s).unwrap();
        let facts = crate::facts::Facts::default();
        let text = "The Government will publish the plan by the end of 2020.";
        let found =
            super::scan(&crate::timex::read(text), &facts, d("2026-12-07"), Some(d("2019-06-01")), None, &[], &[]);
        let by_rule: Vec<(&str, Option<&str>, Option<crate::finding::Category>)> =
            found.iter().map(|f| (&text[f.start..f.end], f.rule, f.category)).collect();
        let commitment = by_rule.iter().find(|(t, ..)| t.starts_with("will publish")).unwrap();
        assert_eq!((commitment.1, commitment.2), (Some("commitments"), Some(crate::finding::Category::Policy)));
        let deadline = by_rule.iter().find(|(t, ..)| t.contains("2020")).unwrap();
        assert_eq!((deadline.1, deadline.2), (Some("expressions"), Some(crate::finding::Category::Time)));
        // A range a block's claim reported is left to it.
        let claimed = [(deadline_start(text), text.len())];
        let found =
            super::scan(&crate::timex::read(text), &facts, d("2026-12-07"), Some(d("2019-06-01")), None, &[], &claimed);
        assert!(found.iter().all(|f| f.end <= claimed[0].0), "{found:?}");
    }

    fn deadline_start(text: &str) -> usize {
        text.find("by the end").unwrap()
    }
}
