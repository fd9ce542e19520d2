//! Time-sensitive claims no fact decides (the rule `claims`): each class is asked about
//! once the letter is more than a year old, and timeless statements, history and
//! courtesy stay quiet. Every sentence here is written for these tests.

use crate::common::d;
use replydraft::{CheckOptions, Desk, Finding, Library, Severity};
use std::sync::LazyLock;

static DESK: LazyLock<Desk> = LazyLock::new(|| Desk::new(Library::embedded().unwrap()));

/// The `claim` findings of a letter with `body`, written on `written`, checked on
/// 2026-11-22.
fn claims(body: &str, written: &str) -> (String, Vec<Finding>) {
    let letter = format!("Dear Sam,\n\n{body}\n\nYours sincerely,\n\nAnn Lee\n");
    let mut options = CheckOptions::new(d("2026-11-22"));
    options.written = Some(d(written));
    let report = DESK.check("", &letter, &options);
    let found = report.findings.into_iter().filter(|f| f.kind == "claim").collect();
    (letter, found)
}

/// Each class of claim, in a sentence of its own, and the words its warning must cover.
const CLASSES: &[(&str, &str, &str)] = &[
    ("present", "The Canal Boats Bill remains stuck in committee.", "remains stuck in committee"),
    ("present perfect", "The Treasury has opened a consultation on the mooring levy.", "has opened a consultation"),
    ("future", "The county council will be responsible for the new ferry terminal.", "will be responsible"),
    ("conditional", "Ministers would lower the cap on fares if the review recommends it.", "would lower the cap"),
    ("the signer's promise", "I will press the Minister for a meeting about the ferry.", "press the Minister"),
    ("a record", "This is the largest rise in ferry fares on record.", "on record"),
    ("an undated figure", "The mooring scheme supports 42,000 boat owners across the county.", "42,000"),
];

#[test]
fn each_class_is_asked_about_once_the_letter_is_old() {
    for (class, sentence, words) in CLASSES {
        let (letter, found) = claims(sentence, "2022-03-01");
        assert_eq!(found.len(), 1, "{class}: {found:#?}");
        let f = &found[0];
        let at = letter.find(words).unwrap();
        assert!(f.start <= at && f.end >= at + words.len(), "{class}: the warning spans {:?}", f.text);
        assert_eq!((f.severity, f.rule), (Severity::Warning, Some("claims")), "{class}");
        assert!(f.message.contains("written 2022-03-01, 4 years 8 months ago"), "{class}: {}", f.message);
        assert_eq!(f.since, Some(d("2023-03-02")), "{class}: a year and a day after it was written");
    }
}

#[test]
fn the_message_says_what_kind_of_claim_and_what_to_check() {
    let (_, found) = claims(CLASSES[0].1, "2022-03-01");
    assert_eq!(
        found[0].message,
        "present-tense claim about the Canal Boats Bill written 2022-03-01, 4 years 8 months ago: is it still true?"
    );
    assert_eq!(found[0].text, "The Canal Boats Bill remains stuck in committee", "subject through the clause's end");
    let (_, found) = claims(CLASSES[4].1, "2022-03-01");
    assert!(found[0].message.starts_with("the signer's own promise written 2022-03-01"), "{}", found[0].message);
    let (_, found) = claims(CLASSES[6].1, "2022-03-01");
    assert!(found[0].message.starts_with("undated figure given as current"), "{}", found[0].message);
}

#[test]
fn a_recent_letter_is_not_asked_about() {
    for (class, sentence, _) in CLASSES {
        let (_, found) = claims(sentence, "2026-08-22");
        assert!(found.is_empty(), "{class}, written three months before: {found:#?}");
    }
    // Without a date there is no age to judge by.
    let letter = format!("Dear Sam,\n\n{}\n", CLASSES[0].1);
    let report = DESK.check("", &letter, &CheckOptions::new(d("2026-11-22")));
    assert!(report.findings.iter().all(|f| f.kind != "claim"), "{:#?}", report.findings);
}

#[test]
fn timeless_statements_history_and_courtesy_stay_quiet() {
    for sentence in [
        // Values and definitions.
        "Grandparents deserve our thanks for all they do.",
        "Neighbours and friends play a vital part in village life.",
        "It is important that every tenant knows their rights.",
        "Boat owners should be treated fairly by the county.",
        // History.
        "The county council closed the ferry depot in 2015.",
        "Ministers announced the review after the floods.",
        // Courtesy and the letter's own business.
        "Thank you for contacting me about the ferry timetable.",
        "I hope this is helpful and answers your question.",
        "Please do not hesitate to get in touch with my office again.",
        "I understand your frustration with the delays to the ferry.",
        "You may wish to contact the county council directly.",
    ] {
        let (_, found) = claims(sentence, "2019-05-01");
        assert!(found.is_empty(), "{sentence}: {found:#?}");
    }
    // The salutation and the signature are never read for claims.
    let (letter, found) = claims("The county council will be responsible for the ferry terminal.", "2019-05-01");
    assert!(found.iter().all(|f| f.start > letter.find("Dear").unwrap() + 10 && f.end < letter.find("Yours").unwrap()));
}

#[test]
fn one_warning_per_sentence() {
    let sentence = "The mooring scheme remains open, the Treasury has extended its deadline and the county \
                    council will publish a new map.";
    let (_, found) = claims(sentence, "2020-01-10");
    assert_eq!(found.len(), 1, "{found:#?}");
    // Two sentences, two warnings.
    let (_, found) = claims(&format!("{} {}", CLASSES[0].1, CLASSES[1].1), "2020-01-10");
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn a_sentence_an_earlier_rule_reported_in_is_left_to_it() {
    // "will publish" is a promise of the `commitments` rule: nothing more is said of it.
    let (_, found) = claims("The county council will publish its ferry plan.", "2020-01-10");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_paragraph_matched_to_a_block_is_read_outside_the_blocks_claims() {
    // The library's block `review-launched` has no claims of its own: a letter that
    // reuses it word for word is still read for what has changed since.
    let library = Library::embedded().unwrap();
    let block = library.block("review-launched").unwrap().text.clone();
    let (letter, found) = claims(&block, "2022-07-01");
    let at = letter.find("has now published its findings").unwrap();
    assert!(found.iter().any(|f| f.start <= at && f.end > at), "{found:#?}");
    let report = {
        let mut options = CheckOptions::new(d("2026-11-22"));
        options.written = Some(d("2022-07-01"));
        DESK.check("", &letter, &options)
    };
    assert!(report.paragraphs.iter().any(|p| p.block.as_deref() == Some("review-launched")), "the block matched");
    // Its history ("In 2021, the Department for Education launched…") stays quiet.
    let history = letter.find("In 2021").unwrap();
    assert!(found.iter().all(|f| f.start > history + 10), "{found:#?}");
}
