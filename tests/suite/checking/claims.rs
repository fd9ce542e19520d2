//! Each claim kind on both sides of its boundary: the day before, the day of, the day after.

use replydraft::{Desk, DraftRequest, Finding, Library, Severity};

use crate::common::d;

/// A desk for a library with one block per claim kind, and a small facts base.
fn desk() -> Desk {
    let toml = r#"
[[event]]
id = "framework-published"
date = 2023-12-15
what = "The framework is published"
source = "test"

[[office]]
id = "minister"
title = "Minister for Tests"

[[office]]
id = "mp-town"
title = "Member of Parliament for Town"

[[tenure]]
office = "minister"
holder = "Ann Able"
from = 2020-01-01
to = 2022-06-30
source = "test"

[[tenure]]
office = "minister"
holder = "Bob Baker"
from = 2022-07-01
source = "test"

[[tenure]]
office = "mp-town"
holder = "Ann Able"
from = 2019-12-13
to = 2024-05-29
source = "test"

[[period]]
id = "fy-2024-25"
name = "the 2024-25 financial year"
from = 2024-04-01
to = 2025-03-31
source = "test"

[[sender]]
id = "ann"
name = "Ann Able"
office = "mp-town"
office_title = "Member of Parliament for Town"

[[topic]]
id = "all"
title = "All kinds"
sender = "ann"
blocks = ["deadline", "period", "event", "office", "relative", "statistic", "review"]

[[block]]
id = "deadline"
title = "t"
role = "body"
text = "We will act by the end of 2023."
as_of = 2022-01-01
[[block.claim]]
quote = "by the end of 2023"
kind = "deadline"
until = 2023-12-31

[[block]]
id = "period"
title = "t"
role = "body"
text = "Funding will be provided by 2024-25."
as_of = 2022-01-01
[[block.claim]]
quote = "by 2024-25"
kind = "deadline"
period = "fy-2024-25"

[[block]]
id = "event"
title = "t"
role = "body"
text = "A framework will be developed."
as_of = 2022-01-01
[[block.claim]]
quote = "A framework will be developed"
kind = "event"
event = "framework-published"

[[block]]
id = "office"
title = "t"
role = "body"
text = "Ann Able, the Minister for Tests, agrees."
as_of = 2022-01-01
[[block.claim]]
quote = "Ann Able, the Minister for Tests"
kind = "office"
office = "minister"
holder = "Ann Able"

[[block]]
id = "relative"
title = "t"
role = "body"
text = "Change will come within months."
as_of = 2022-01-01
[[block.claim]]
quote = "within months"
kind = "relative"
tolerance = "6 months"

[[block]]
id = "statistic"
title = "t"
role = "body"
text = "One in ten children was affected in 2021."
as_of = 2022-01-01
[[block.claim]]
quote = "One in ten children was affected in 2021"
kind = "statistic"
data_date = 2021-12-31
refresh = "1 year"

[[block]]
id = "review"
title = "t"
role = "body"
text = "I will keep this under review."
as_of = 2022-01-01
[[block.claim]]
quote = "I will keep this under review"
kind = "review"
review_by = 2023-01-01
"#;
    Desk::new(
        Library::from_files([
            ("lib.toml".to_string(), toml.to_string()),
            (
                "layouts/letter.txt.hbs".to_string(),
                "{{#each paragraphs}}{{this.text}}\n\n{{/each}}{{#each sender.signature}}{{this}}\n{{/each}}Ann Able\n"
                    .to_string(),
            ),
        ])
        .unwrap(),
    )
}

/// The finding of `kind` for `block` in a draft dated `date`.
fn finding(desk: &Desk, block: &str, kind: &str, date: &str) -> Option<Finding> {
    let draft = desk.draft(&DraftRequest::new("all", d(date))).unwrap();
    draft.findings.into_iter().find(|f| f.kind == kind && f.block.as_deref().is_none_or(|b| b == block))
}

/// Not stale on `before`; stale from `from` on (the day of or after the boundary), with `since`.
fn boundary(block: &str, kind: &str, before: &str, from: &str, after: &str, since: &str, severity: Severity) {
    let desk = desk();
    assert!(finding(&desk, block, kind, before).is_none(), "{block}: stale already on {before}");
    for date in [from, after] {
        let f = finding(&desk, block, kind, date).unwrap_or_else(|| panic!("{block}: not stale on {date}"));
        assert_eq!(f.severity, severity, "{block} on {date}");
        assert_eq!(f.since, Some(d(since)), "{block} on {date}");
        assert!(!f.message.is_empty());
    }
}

#[test]
fn deadline_holds_through_its_last_day() {
    // 2023-12-31 is the last day: the day before and the day of are fine; stale the day after.
    let desk = desk();
    assert!(finding(&desk, "deadline", "deadline", "2023-12-30").is_none());
    assert!(finding(&desk, "deadline", "deadline", "2023-12-31").is_none());
    boundary("deadline", "deadline", "2023-12-31", "2024-01-01", "2024-01-02", "2024-01-01", Severity::Error);
}

#[test]
fn deadline_by_financial_year_ends_on_31_march() {
    boundary("period", "deadline", "2025-03-31", "2025-04-01", "2025-04-02", "2025-04-01", Severity::Error);
    let f = finding(&desk(), "period", "deadline", "2025-04-01").unwrap();
    assert!(f.message.contains("2024-25 financial year"), "{}", f.message);
    assert_eq!(f.text, "by 2024-25");
}

#[test]
fn event_supersedes_on_the_day_it_happens() {
    boundary("event", "event", "2023-12-14", "2023-12-15", "2023-12-16", "2023-12-15", Severity::Error);
    let f = finding(&desk(), "event", "event", "2023-12-15").unwrap();
    assert!(f.message.contains("2023-12-15") && f.message.contains("The framework is published"));
}

#[test]
fn office_claim_goes_stale_the_day_after_the_tenure_ends() {
    boundary("office", "office", "2022-06-30", "2022-07-01", "2022-07-02", "2022-07-01", Severity::Error);
    let f = finding(&desk(), "office", "office", "2022-07-01").unwrap();
    assert!(f.suggestion.unwrap().contains("Bob Baker"), "the successor is suggested");
}

#[test]
fn relative_phrase_holds_for_its_tolerance_after_as_of() {
    // as_of 2022-01-01 + 6 months = 2022-07-01, the last day it holds.
    boundary("relative", "relative", "2022-07-01", "2022-07-02", "2022-07-03", "2022-07-02", Severity::Warning);
    // Past twice the tolerance it is simply untrue.
    let desk = desk();
    assert_eq!(finding(&desk, "relative", "relative", "2023-01-01").unwrap().severity, Severity::Warning);
    assert_eq!(finding(&desk, "relative", "relative", "2023-01-02").unwrap().severity, Severity::Error);
}

#[test]
fn statistic_needs_refreshing_after_its_interval() {
    boundary("statistic", "statistic", "2022-12-31", "2023-01-01", "2023-01-02", "2023-01-01", Severity::Warning);
}

#[test]
fn review_is_due_on_its_date() {
    boundary("review", "review", "2022-12-31", "2023-01-01", "2023-01-02", "2023-01-01", Severity::Warning);
}

#[test]
fn signer_out_of_office_is_an_error_from_the_day_after_their_last() {
    let desk = desk();
    assert!(finding(&desk, "", "signer", "2024-05-29").is_none());
    for date in ["2024-05-30", "2024-05-31"] {
        let f = finding(&desk, "", "signer", date).unwrap();
        assert_eq!((f.severity, f.since), (Severity::Error, Some(d("2024-05-30"))));
        assert_eq!(f.text, "Ann Able");
    }
    // Before the tenure began is wrong too.
    assert!(finding(&desk, "", "signer", "2019-12-12").is_some());
}

#[test]
fn a_draft_dated_before_a_block_was_written_is_flagged() {
    let desk = desk();
    assert!(finding(&desk, "event", "before-as-of", "2022-01-01").is_none());
    let f = finding(&desk, "event", "before-as-of", "2021-12-31").unwrap();
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn finding_spans_are_the_quotes_in_the_letter() {
    let desk = desk();
    let draft = desk.draft(&DraftRequest::new("all", d("2026-11-22"))).unwrap();
    assert!(draft.findings.len() >= 8);
    for f in &draft.findings {
        assert_eq!(&draft.text[f.start..f.end], f.text);
    }
}

#[test]
fn validate_groups_stale_claims_by_block() {
    let desk = desk();
    let v = desk.validate(d("2024-01-01"));
    let ids: Vec<&str> = v.blocks.iter().map(|b| b.block.as_str()).collect();
    assert_eq!(ids, ["deadline", "event", "office", "relative", "statistic", "review"]);
    assert!(v.senders.is_empty());
    let v = desk.validate(d("2026-01-01"));
    assert!(v.blocks.iter().any(|b| b.block == "period"));
    assert_eq!(v.senders.len(), 1, "Ann Able is no longer an MP");
    assert!(!v.is_clean());
    assert!(desk.validate(d("2022-01-01")).is_clean());
}
