//! False findings, by class: words read out of their phrase. Each test is a class of
//! sentence a careful caseworker would not flag, written for these tests (dates
//! explicit); beside each, a sentence of the same shape that must still be flagged, so
//! a rule that silenced everything would fail.

use replydraft::{CheckOptions, Desk, Finding, FindingKind, Library, Severity};
use std::sync::LazyLock;

use crate::common::d;

static DESK: LazyLock<Desk> = LazyLock::new(|| Desk::new(Library::embedded().unwrap()));

fn report(text: &str, written: &str, date: &str) -> replydraft::FileReport {
    let mut options = CheckOptions::new(d(date));
    options.written = Some(d(written));
    DESK.check("", text, &options)
}

fn check(text: &str, written: &str, date: &str) -> Vec<Finding> {
    report(text, written, date).findings
}

/// The errors and warnings overlapping `phrase` (the first place it occurs).
fn flagged(text: &str, phrase: &str, written: &str, date: &str) -> Vec<Finding> {
    let at = text.find(phrase).unwrap_or_else(|| panic!("{phrase:?} is not in {text:?}"));
    let (s, e) = (at, at + phrase.len());
    check(text, written, date)
        .into_iter()
        .filter(|f| f.severity != Severity::Info && f.start < e && f.end > s)
        .collect()
}

#[test]
fn a_name_shadows_the_time_words_inside_it() {
    // Written before that autumn: read as a season, "Autumn" would point at a later one.
    for text in [
        "Dear Ms Reed,\n\nI am glad that at the 2017 Autumn Statement the Chancellor set aside £300 million for flood defences.\n",
        "Dear Ms Reed,\n\nThe 2017 Autumn Budget is where the Government put £90 million into respite breaks.\n",
        "Dear Ms Reed,\n\nPensioners on low incomes will still get the Winter Fuel Payment.\n",
        "Dear Ms Reed,\n\nThe Summer Reading Challenge is open to every pupil in the town.\n",
    ] {
        // What has become of the scheme since (the Winter Fuel Payment was means-tested
        // in 2024) is the tracked entity's to say; no time word inside the name is read.
        let bad: Vec<_> = check(text, "2017-03-20", "2026-11-22")
            .into_iter()
            .filter(|f| f.severity != Severity::Info && f.kind != FindingKind::Entity)
            .collect();
        assert!(bad.is_empty(), "{text}: {bad:#?}");
    }
    // A season that is not part of a name is still one.
    let text = "Dear Ms Reed,\n\nThe new allowance will be paid from the autumn.\n";
    assert!(!flagged(text, "autumn", "2017-03-20", "2026-11-22").is_empty());
}

#[test]
fn generic_time_words_are_not_the_date_of_writing() {
    for (text, word) in [
        ("We must meet the challenges our towns face today.", "today"),
        ("In the event of a hard winter, extra help is available.", "winter"),
        ("I first raised this with the council many years ago now.", "now"),
        ("If you currently receive Carer's Allowance, you do not need to apply.", "currently"),
        ("I will pass your letter to the Minister as soon as I can.", "soon"),
        ("Now more than ever, rural areas need reliable buses.", "Now"),
    ] {
        let bad = flagged(text, word, "2019-05-02", "2026-11-22");
        assert!(bad.is_empty(), "{text}: {bad:#?}");
    }
    // The same words meaning the date of writing are still re-read.
    for (text, word) in [
        ("The consultation closes today.", "today"),
        ("The council is currently reviewing the bus routes.", "currently"),
        ("The report will be published soon.", "soon"),
    ] {
        assert!(!flagged(text, word, "2019-05-02", "2026-11-22").is_empty(), "{text}");
    }
}

#[test]
fn a_day_without_a_year_in_a_past_clause_is_the_last_one_before_the_letter() {
    // A December letter: the November meant is the one just gone. Read years later it
    // needs its year (a warning saying which), but it was never a date still to come.
    let text = "Dear Mr Hale,\n\nI will follow up the points we discussed on 9 November. I wrote to the trust on 28 November, and will write again.\n";
    for (phrase, meant) in [("9 November", "2020-11-09"), ("28 November", "2020-11-28")] {
        let found = flagged(text, phrase, "2020-12-04", "2026-11-22");
        assert!(
            found
                .iter()
                .all(|f| f.severity == Severity::Warning && f.kind == FindingKind::Date && f.message.contains(meant)),
            "{phrase}: {found:#?}"
        );
    }
    // `fix` writes the year only where it is certain: never a year after the letter.
    let text = "Dear Mr Hale,\n\nThank you for coming to the surgery on 20 July.\n";
    let r = report(text, "2020-03-01", "2026-11-22");
    let (fixed, _) = r.fixed(text);
    assert!(!fixed.contains("20 July 2020"), "{fixed}");
    let text = "Dear Mr Hale,\n\nWe met at the surgery on 20 July.\n";
    let r = report(text, "2020-03-01", "2026-11-22");
    assert!(r.fixed(text).0.contains("20 July 2019"), "a past clause: the July before the letter");
}

#[test]
fn a_financial_year_in_a_past_clause_is_history() {
    for (text, fy) in [
        ("I am glad the council kept its word by setting aside £4 million for 2021/22.", "2021/22"),
        ("I am pleased that the Government provided extra money during 2021-22.", "2021-22"),
    ] {
        let bad: Vec<_> = flagged(text, fy, "2021-06-01", "2026-11-22")
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(bad.is_empty(), "{text}: {bad:#?}");
    }
    // Looked ahead to, it is still a passed deadline.
    let text = "The council will set aside £4 million for 2021/22.";
    let errors = flagged(text, "2021/22", "2021-06-01", "2026-11-22");
    assert!(errors.iter().any(|f| f.kind == FindingKind::Deadline && f.severity == Severity::Error));
}

#[test]
fn will_plan_and_aim_that_are_not_promises() {
    let promise = |text: &str, phrase: &str| {
        flagged(text, phrase, "2019-05-02", "2026-11-22")
            .into_iter()
            .filter(|f| f.kind == FindingKind::Commitment)
            .collect::<Vec<_>>()
    };
    for (text, phrase) in [
        ("There is no suggestion that diesel vans will be taxed off the road.", "will be taxed"),
        ("The Government is not planning to change the rules on allotments.", "planning to change"),
        ("Many households do not know how they are going to pay their bills.", "going to pay"),
        ("You wrote to me about whether the county will close the tip.", "will close"),
        ("The Government's Plan to Restore Nature sets out the targets.", "Plan to Restore"),
        ("The Department is committed to helping young carers.", "committed to helping"),
    ] {
        let bad = promise(text, phrase);
        assert!(bad.is_empty(), "{text}: {bad:#?}");
    }
    // Promises are still promises.
    for (text, phrase) in [
        ("The Government will publish a strategy for allotments.", "will publish"),
        ("The county plans to close the tip.", "plans to close"),
        ("The Department is committed to publishing a new strategy.", "committed to publishing"),
        ("The county has not yet decided but will close the tip.", "will close"),
    ] {
        assert_eq!(promise(text, phrase).len(), 1, "{text}");
    }
}

#[test]
fn a_block_with_no_claims_is_not_dated_by_its_as_of() {
    // A courtesy line from the embedded library, in a letter older than the block.
    let library = Library::embedded().unwrap();
    let block = library
        .blocks()
        .iter()
        .find(|b| b.claims.is_empty() && b.text.len() > 60 && !b.text.contains("{{"))
        .expect("a block with no claims");
    let text = format!("Dear Ms Reed,\n\n{}\n\nYours sincerely,\n", block.text.trim());
    let before = d(&format!("{}-01-01", block.as_of.year() - 1));
    let findings = check(&text, &before.to_string(), "2026-11-22");
    assert!(!findings.iter().any(|f| f.kind == FindingKind::BeforeAsOf), "block `{}`: {findings:#?}", block.id);
}
