//! Who is speaking and who is meant: the signer (given, or read from a byline, a header
//! or the signature block) judged in the offices the letter speaks from, offices named
//! by their title resolved to their holders, and "the Government" resolved to the
//! government of the day. Letters written for these tests; dates explicit.

use crate::common::{d, run, scratch};
use replydraft::{CheckOptions, Desk, Finding, FindingKind, Library, Severity};
use std::sync::LazyLock;

static DESK: LazyLock<Desk> = LazyLock::new(|| Desk::new(Library::embedded().unwrap()));

fn check(text: &str, written: &str, date: &str, signer: Option<&str>) -> Vec<Finding> {
    let mut options = CheckOptions::new(d(date));
    options.written = Some(d(written));
    options.signer = signer.map(String::from);
    let findings = DESK.check("", text, &options).findings;
    for f in &findings {
        assert_eq!(&text[f.start..f.end], f.text, "every span quotes the letter");
    }
    findings
}

/// The texts of the findings of `kind` that are not notes.
fn of_kind(findings: &[Finding], kind: FindingKind) -> Vec<(&str, Severity)> {
    findings
        .iter()
        .filter(|f| f.kind == kind && f.severity != Severity::Info)
        .map(|f| (f.text.as_str(), f.severity))
        .collect()
}

/// Jonathan Lord sat for Woking until the 2024 dissolution (2024-05-29).
const UNSIGNED: &str = "Dear Sam,\n\nThank you for writing about the bus routes through the town.\n\n\
    I will keep raising the cuts to routes with the Department. As a member of the Transport Committee, \
    I am questioning operators about fares. I spend most of my week on casework like yours, and I share \
    many Woking constituents' frustration. I am also a trustee of a local transport charity.\n\n\
    I hope this is helpful.\n";

#[test]
fn a_given_signer_out_of_parliament_makes_each_first_person_office_claim_a_finding() {
    let voice = |signer, date| {
        of_kind(&check(UNSIGNED, "2023-03-01", date, signer), FindingKind::SignerVoice)
            .into_iter()
            .map(|(t, s)| (t.to_string(), s))
            .collect::<Vec<_>>()
    };
    let e = Severity::Error;
    let expected = [
        ("I will keep raising".to_string(), e),
        ("As a member of the Transport Committee, I".to_string(), e),
        ("I spend most of my".to_string(), e),
        ("I share many Woking constituents".to_string(), e),
        ("I am also a trustee".to_string(), e),
    ];
    assert_eq!(voice(Some("Jonathan Lord"), "2025-01-10"), expected);
    // Any case of the name; not before he left; not without a signer.
    assert_eq!(voice(Some("jonathan lord"), "2025-01-10"), expected);
    assert_eq!(voice(Some("Jonathan Lord"), "2024-05-29"), []);
    assert_eq!(voice(None, "2025-01-10"), []);
    // The signer's own finding, where the letter does not name them: its start.
    let found = check(UNSIGNED, "2023-03-01", "2025-01-10", Some("Jonathan Lord"));
    let signer = found.iter().find(|f| f.kind == FindingKind::Signer).expect("the signer is out of office");
    assert_eq!((signer.start, signer.severity, signer.since), (0, Severity::Error, Some(d("2024-05-30"))));
    assert!(signer.message.contains("Jonathan Lord") && signer.message.contains("2024-05-29"), "{}", signer.message);
    // Courtesy is not the office at work.
    assert!(found.iter().all(|f| !f.text.starts_with("I hope")), "{found:#?}");
}

#[test]
fn the_signer_is_read_from_a_byline_or_header_when_not_given() {
    let body = "Thank you for writing about the bus routes.\n\nI will keep raising the cuts with the Department.\n";
    for head in ["Letter from Jonathan Lord MP\n\n", "From: Jonathan Lord MP\n\n", "Jonathan Lord\nMP for Woking\n\n"] {
        let text = format!("{head}{body}");
        let found = check(&text, "2023-03-01", "2025-01-10", None);
        let signer = found.iter().find(|f| f.kind == FindingKind::Signer && f.text == "Jonathan Lord");
        assert!(signer.is_some_and(|f| f.severity == Severity::Error), "{head:?}: {found:#?}");
        assert_eq!(of_kind(&found, FindingKind::SignerVoice), [("I will keep raising", Severity::Error)], "{head:?}");
    }
    // Named in the body, after the salutation, a person is not the signer.
    let text = format!("Dear Sam,\n\nThe review by Jonathan Lord is welcome.\n\n{body}");
    let found = check(&text, "2023-03-01", "2025-01-10", None);
    assert_eq!(of_kind(&found, FindingKind::SignerVoice), [], "{found:#?}");
}

#[test]
fn a_seat_line_with_post_nominals_between_commas_is_the_signers() {
    let text = "Dear Sam,\n\nThank you for writing.\n\nYours sincerely,\n\nJonathan Lord, QC, MP\n";
    let found = check(text, "2023-03-01", "2025-01-10", None);
    assert_eq!(of_kind(&found, FindingKind::Signer), [("Jonathan Lord", Severity::Error)], "{found:#?}");
}

#[test]
fn a_library_sender_or_a_name_given_on_the_command_line_signs() {
    let dir = scratch("speaker-signer");
    let letter = dir.join("letter.txt");
    // Gavin Williamson was Secretary of State for Education until 2021-09-14.
    std::fs::write(&letter, "Dear Sam,\n\nI will continue to press schools to reopen their libraries.\n").unwrap();
    let path = letter.to_str().unwrap();
    let args = |extra: &[&str]| {
        let mut a = vec!["check", path, "--date", "2022-01-10", "--written", "2021-03-01", "--format", "json"];
        a.extend_from_slice(extra);
        let (code, out, err) = run(&a);
        assert_eq!(code, 0, "{err}");
        out
    };
    assert!(!args(&[]).contains("signer-voice"));
    let by_sender = args(&["--sender", "gavin-williamson"]);
    assert!(by_sender.contains("\"kind\": \"signer-voice\"") && by_sender.contains("Secretary of State for Education"));
    // Still an MP on the check date, and the letter names no post of his.
    assert!(!args(&["--signer", "Gavin Williamson"]).contains("signer-voice"));
    let (code, _, err) = run(&["check", path, "--sender", "nobody-here"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nobody-here"), "{err}");
    let (code, _, _) = run(&["check", path, "--sender", "gavin-williamson", "--signer", "Ann Lee"]);
    assert_eq!(code, 2, "one or the other");
}

fn titles(text: &str) -> Vec<Finding> {
    // Jeremy Hunt was Chancellor on 2023-03-01, Rachel Reeves from 2024-07-05; the Home
    // Secretary was Suella Braverman, then Yvette Cooper.
    check(text, "2023-03-01", "2025-01-10", None)
        .into_iter()
        .filter(|f| f.kind == FindingKind::Officeholder && f.severity != Severity::Info)
        .collect()
}

#[test]
fn a_title_means_its_holder_when_written_whatever_the_tense_unless_the_clause_dates_it() {
    for text in [
        "The Chancellor has been clear that borrowing must fall.",
        "The Chancellor announced during his statement that fuel duty stays frozen.",
        "The Chancellor will set out more in the autumn.",
    ] {
        let found = titles(text);
        assert_eq!(found.len(), 1, "{text}: {found:#?}");
        let m = &found[0].message;
        assert_eq!((found[0].text.as_str(), found[0].severity), ("The Chancellor", Severity::Warning));
        assert!(m.contains("meant Jeremy Hunt when written (2023-03-01)") && m.contains("Rachel Reeves"), "{m}");
    }
    for text in [
        "In March 2023 the Chancellor announced a freeze on fuel duty.",
        "At the 2023 Spring Budget the Chancellor set out the plan.",
    ] {
        assert_eq!(titles(text), [], "{text}: history");
    }
}

#[test]
fn an_office_spoken_of_as_an_office_is_not_a_person() {
    for text in [
        "The Bill hands sweeping powers to the Home Secretary.",
        "We oppose the power the Act gives to the Home Secretary to strip citizenship.",
        "Any future Home Secretary would have to answer for it.",
        "Any new Secretary of State at the Home Office will inherit the backlog.",
    ] {
        assert_eq!(titles(text), [], "{text}");
    }
    // The same title as a person is still judged.
    assert_eq!(titles("The Home Secretary is reviewing the rules.").len(), 1);
}

#[test]
fn a_past_act_naming_an_officeholder_is_history() {
    let text = "Dear Sam,\n\nI met the Chancellor, Jeremy Hunt, last week to press for the funding.\n";
    let found = check(text, "2023-03-01", "2025-01-10", None);
    // ("last week" itself is a relative phrase to mend, but the meeting was with him.)
    let person = found.iter().filter(|f| f.text == "Jeremy Hunt" || f.text == "the Chancellor");
    assert!(person.clone().count() > 0 && person.clone().all(|f| f.severity == Severity::Info), "{found:#?}");
    assert!(titles(text).is_empty());
    // Not in the past: he is no longer Chancellor.
    let text = "Dear Sam,\n\nThe Chancellor, Jeremy Hunt, is reviewing the funding.\n";
    let found = check(text, "2023-03-01", "2025-01-10", None);
    assert!(found.iter().any(|f| f.text == "Jeremy Hunt" && f.severity == Severity::Error), "{found:#?}");
}

#[test]
fn the_government_in_a_present_or_future_clause_means_the_government_of_the_day() {
    let government = |text: &str, date: &str| {
        check(text, "2023-03-01", date, None)
            .into_iter()
            .filter(|f| f.kind == FindingKind::Officeholder && f.severity != Severity::Info)
            .map(|f| (f.text, f.severity, f.since))
            .collect::<Vec<_>>()
    };
    let took = Some(d("2024-07-05"));
    let text = "The Government is reviewing the allowance.";
    assert_eq!(government(text, "2024-07-04"), [], "the day before Labour took office");
    assert_eq!(government(text, "2025-01-10"), [("The Government".into(), Severity::Warning, took)]);
    assert_eq!(government(text, "2025-07-06"), [("The Government".into(), Severity::Error, took)]);
    let text = "Ministers will publish the plan.";
    assert_eq!(government(text, "2025-01-10"), [("Ministers".into(), Severity::Warning, took)]);
    let f = check(text, "2023-03-01", "2025-01-10", None).into_iter().find(|f| f.text == "Ministers").unwrap();
    assert!(f.message.contains("Conservative") && f.message.contains("Labour"), "{}", f.message);
    for quiet in [
        "In March 2022 the Government published its plan.",
        "The Government published its plan.",
        "The Welsh Government is reviewing the allowance.",
        "The Bill hands new powers to Ministers.",
    ] {
        assert_eq!(government(quiet, "2025-07-06"), [], "{quiet}");
    }
}

#[test]
fn a_signer_still_in_parliament_for_another_seat_is_stale_only_where_the_old_seat_is_named() {
    // Rachel Hopkins sat for Luton South until 2024, then for Luton South and South
    // Bedfordshire.
    let text = "Dear Sam,\n\nI share many Luton South constituents' worries about the bus cuts. \
                I will keep pressing the operator to restore the route.\n";
    let found = check(text, "2022-05-01", "2025-01-10", Some("Rachel Hopkins"));
    assert_eq!(
        of_kind(&found, FindingKind::SignerVoice),
        [("I share many Luton South constituents", Severity::Error)],
        "{found:#?}"
    );
    let signer = found.iter().find(|f| f.kind == FindingKind::Signer).unwrap();
    assert!(signer.message.contains("Member of Parliament for Luton South"), "{}", signer.message);
    // Before the boundary change, nothing.
    assert_eq!(of_kind(&check(text, "2022-05-01", "2023-05-01", Some("Rachel Hopkins")), FindingKind::SignerVoice), []);
}

#[test]
fn a_signer_still_an_mp_who_left_the_post_the_letter_names_is_out_of_that_office() {
    // Gavin Williamson was Secretary of State for Education until 2021-09-14 (Nadhim
    // Zahawi from the 15th), and stayed an MP.
    let text = "Dear Sam,\n\nI am a Minister at the Department for Education, and I will keep \
                pressing schools to reopen their libraries.\n";
    let voice = |date| {
        let found = check(text, "2021-03-01", date, Some("Gavin Williamson"));
        of_kind(&found, FindingKind::SignerVoice).into_iter().map(|(t, s)| (t.to_string(), s)).collect::<Vec<_>>()
    };
    assert_eq!(voice("2021-09-14"), []);
    let e = Severity::Error;
    assert_eq!(voice("2022-01-10"), [("I am a Minister".to_string(), e), ("I will keep pressing".to_string(), e)]);
    let found = check(text, "2021-03-01", "2022-01-10", Some("Gavin Williamson"));
    let signer = found.iter().find(|f| f.kind == FindingKind::Signer).unwrap();
    assert!(signer.message.contains("Secretary of State for Education") && signer.message.contains("2021-09-14"));
    // A letter that names no post of his speaks as an MP, which he still is.
    let plain = "Dear Sam,\n\nI will keep pressing schools to reopen their libraries.\n";
    assert_eq!(
        of_kind(&check(plain, "2021-03-01", "2022-01-10", Some("Gavin Williamson")), FindingKind::SignerVoice),
        []
    );
}
