//! The register of MPs and ministers in the embedded facts base (`templates/register/`):
//! seats and posts that no facts file names, judged at the written and the check date.
//! Letters written for these tests; dates explicit.

use replydraft::{CheckOptions, Desk, DraftRequest, Finding, FindingKind, Library, Severity};
use std::sync::LazyLock;

static DESK: LazyLock<Desk> = LazyLock::new(|| Desk::new(Library::embedded().unwrap()));

use crate::common::d;

fn check(text: &str, written: Option<&str>, date: &str) -> Vec<Finding> {
    let mut options = CheckOptions::new(d(date));
    options.written = written.map(d);
    let findings = DESK.check("", text, &options).findings;
    for f in &findings {
        assert_eq!(&text[f.start..f.end], f.text, "every span quotes the letter");
    }
    findings
}

fn judged<'a>(findings: &'a [Finding], text: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.text == text && f.severity != Severity::Info).collect()
}

#[test]
fn the_embedded_register_reads_without_error_and_knows_every_seat() {
    let facts = DESK.library().facts();
    assert!(facts.register_errors().is_empty(), "{:?}", facts.register_errors());
    // 650 seats in each Parliament; the 2024 boundaries made about 200 new ones.
    let seats = facts.offices().filter(|o| o.is_seat()).count();
    assert!((800..1300).contains(&seats), "{seats} seats");
    let on = |office: &str, date: &str| facts.sole_holder_at(office, d(date)).map(|t| t.holder.clone());
    assert_eq!(on("mp-woking", "2024-05-29").as_deref(), Some("Jonathan Lord"));
    assert_eq!(on("mp-woking", "2024-05-30"), None, "dissolved: no Members until polling day");
    assert_eq!(on("mp-woking", "2024-07-04").as_deref(), Some("Will Forster"));
    assert_eq!(on("secretary-of-state-for-transport", "2021-01-01").as_deref(), Some("Grant Shapps"));
    // Every tenure says where it comes from, with the licence.
    let woking = facts.tenures().iter().find(|t| t.office == "mp-woking").unwrap();
    assert!(woking.source.contains("Open Parliament Licence v3.0"), "{}", woking.source);
    let shapps = facts.tenures().iter().find(|t| t.office == "secretary-of-state-for-transport").unwrap();
    assert!(shapps.source.contains("IfG Ministers Database") && shapps.source.contains("CC BY 4.0"));
}

#[test]
fn an_mp_who_lost_the_seat_in_2024_signing_a_2019_letter() {
    let letter = "Dear Constituent,\n\nThank you for writing to me about the bypass. I will continue to press \
                  the Department for Transport for a decision.\n\nYours sincerely,\n\nJonathan Lord MP\n\
                  Member of Parliament for Woking\n";
    // The day before the 2024 dissolution: all true.
    let before = check(letter, Some("2019-10-01"), "2024-05-29");
    assert!(before.iter().all(|f| f.severity == Severity::Info), "{before:#?}");
    let after = check(letter, Some("2019-10-01"), "2025-01-10");
    let seat = judged(&after, "Member of Parliament for Woking");
    assert_eq!(seat.len(), 1, "{after:#?}");
    assert_eq!(
        (seat[0].severity, seat[0].kind, seat[0].since),
        (Severity::Error, FindingKind::Signer, Some(d("2024-05-30")))
    );
    assert!(
        seat[0].message.contains("Jonathan Lord") && seat[0].message.contains("Will Forster"),
        "{}",
        seat[0].message
    );
    let name = judged(&after, "Jonathan Lord");
    assert_eq!(name.len(), 1, "{after:#?}");
    assert_eq!(name[0].severity, Severity::Error);
    assert!(name[0].message.contains("Member of Parliament for Woking on 2024-05-29"), "{}", name[0].message);
    // The signer's own voice: he can no longer press anyone as Woking's MP.
    let voice = judged(&after, "I will continue to press");
    assert_eq!(voice.len(), 1, "{after:#?}");
    assert_eq!((voice[0].severity, voice[0].kind), (Severity::Error, FindingKind::SignerVoice));
    // Without a written date the Member named beside the seat line is the one meant.
    let undated = check(letter, None, "2025-01-10");
    assert_eq!(judged(&undated, "Member of Parliament for Woking").len(), 1, "{undated:#?}");
}

#[test]
fn a_seat_changes_hands_at_a_by_election() {
    // Jo Cox was killed on 2016-06-16; Tracy Brabin won the by-election of 2016-10-20.
    let text = "Our MP for Batley and Spen is campaigning for the new station.";
    assert!(judged(&check(text, Some("2016-03-01"), "2016-06-15"), "MP for Batley and Spen").is_empty());
    let vacant = check(text, Some("2016-03-01"), "2016-08-01");
    let f = judged(&vacant, "MP for Batley and Spen");
    assert_eq!(f.len(), 1, "{vacant:#?}");
    assert_eq!((f[0].severity, f[0].since), (Severity::Warning, Some(d("2016-06-16"))));
    assert!(f[0].message.contains("no one holds it"), "{}", f[0].message);
    let filled = check(text, Some("2016-03-01"), "2016-11-01");
    let f = judged(&filled, "MP for Batley and Spen");
    assert!(f[0].message.contains("Jo Cox") && f[0].message.contains("Tracy Brabin"), "{}", f[0].message);
}

#[test]
fn a_minister_reshuffled_mid_parliament() {
    // Grant Shapps was Transport Secretary from 2019-07-24 until 2022-09-06.
    let text = "Grant Shapps, the Secretary of State for Transport, is reviewing the franchise.";
    let holder = |date: &str| {
        check(text, Some("2021-05-01"), date)
            .into_iter()
            .find(|f| f.text == "Grant Shapps" && f.message.contains("Transport"))
            .map(|f| (f.severity, f.since))
    };
    assert_eq!(holder("2022-09-05").map(|x| x.0), Some(Severity::Info));
    assert_eq!(holder("2022-09-06"), Some((Severity::Error, Some(d("2022-09-06")))));
}

#[test]
fn two_members_of_one_name_are_told_apart_by_the_seat_and_one_in_office_is_never_flagged() {
    // Mike Wood (Batley and Spen, 2010-2015) and Mike Wood (Dudley South from 2015).
    let dudley = "Mike Wood MP has written to the council.";
    let findings = check(dudley, Some("2013-01-10"), "2020-01-10");
    assert!(findings.iter().all(|f| f.severity == Severity::Info), "one Mike Wood is an MP: {findings:#?}");
    let batley = "Mike Wood, MP for Batley and Spen, has written to the council.";
    let findings = check(batley, Some("2013-01-10"), "2020-01-10");
    let name = judged(&findings, "Mike Wood");
    assert_eq!(name.len(), 1, "{findings:#?}");
    assert!(name[0].message.contains("Batley and Spen on 2015-03-29"), "{}", name[0].message);
}

#[test]
fn a_draft_whose_sender_left_office_flags_what_it_has_them_say() {
    let draft = DESK
        .draft(&{
            let mut r = DraftRequest::new("care-funding", d("2026-11-23"));
            r.sender = Some("tom-pursglove".into());
            r
        })
        .unwrap();
    let voice: Vec<&Finding> = draft.findings.iter().filter(|f| f.kind == FindingKind::SignerVoice).collect();
    assert!(!voice.is_empty(), "{:#?}", draft.findings);
    assert!(voice.iter().all(|f| f.severity == Severity::Error && f.since == Some(d("2024-05-30"))));
    assert!(voice.iter().any(|f| f.text.starts_with("I will continue to")), "{voice:#?}");
    // Signed by the seat's Member (the topic's edition from 2026-11-23): none, though
    // the facts base is known only to 2026-11-22 (unverifiable is a warning, not an error).
    let current = DESK.draft(&DraftRequest::new("care-funding", d("2026-11-23"))).unwrap();
    assert!(!current.findings.iter().any(|f| f.kind == FindingKind::SignerVoice), "{:#?}", current.findings);
}

#[test]
fn a_register_file_with_a_bad_row_says_where() {
    let csv = "# a test register\nname,constituency,start,end,source\nAnn Lee,Woking,2019-12-12,2024-05-30,t\n\
               Bob Ray,Woking,2024-13-01,,t\n";
    let err = Library::from_files([("register/mps.csv".to_string(), csv.to_string())]).unwrap_err();
    let at = err.location().expect("a location");
    assert_eq!((at.file.as_str(), at.line), ("register/mps.csv", 4), "{err}");
    let csv = "name,seat\nAnn Lee,Woking\n";
    assert!(Library::from_files([("register/mps.csv".to_string(), csv.to_string())]).is_err());
}

#[test]
fn every_mention_of_a_person_counts_the_family_name_with_a_title_and_the_bare_signature() {
    let letter = "Dear Constituent,\n\nJonathan Lord MP has raised this. Mr Lord will press the council again, \
                  and Lordship Lane is not him.\n\nYours sincerely,\n\nJonathan Lord\n";
    let findings = check(letter, Some("2020-01-10"), "2025-01-01");
    let errors: Vec<(&str, FindingKind)> =
        findings.iter().filter(|f| f.severity == Severity::Error).map(|f| (f.text.as_str(), f.kind)).collect();
    assert_eq!(
        errors,
        [
            ("Jonathan Lord", FindingKind::Officeholder),
            ("Mr Lord", FindingKind::Officeholder),
            ("Jonathan Lord", FindingKind::Signer)
        ],
        "{findings:#?}"
    );
    // "Mr Lord" before the full name is anyone.
    let early = check("Mr Lord wrote to me. Jonathan Lord MP agrees.", Some("2020-01-10"), "2025-01-01");
    assert!(judged(&early, "Mr Lord").is_empty(), "{early:#?}");
    // In office on the check date: nothing to flag, at any mention.
    let fine = check(letter, Some("2020-01-10"), "2023-01-01");
    let people = [FindingKind::Officeholder, FindingKind::Signer, FindingKind::SignerVoice];
    assert!(fine.iter().filter(|f| people.contains(&f.kind)).all(|f| f.severity == Severity::Info), "{fine:#?}");
}

#[test]
fn an_office_title_on_a_line_of_its_own_is_the_signers_office() {
    let letter = "Rt Hon Gavin Williamson CBE MP\nSecretary of State for Education\n\nDear Ms Smith,\n\n\
                  I wrote to the Secretary of State for Education last week.\n\nYours sincerely,\n\n\
                  Gavin Williamson\nSecretary of State for Education\n";
    let lines = |date: &str| -> Vec<(usize, Severity, Option<replydraft::Date>)> {
        check(letter, Some("2021-02-01"), date)
            .into_iter()
            .filter(|f| f.text == "Secretary of State for Education" && f.kind == FindingKind::Signer)
            .map(|f| (f.start, f.severity, f.since))
            .collect()
    };
    assert!(lines("2021-09-14").is_empty(), "in office on his last day");
    let after = lines("2021-09-15");
    // The letterhead's line and the signature's; not the title in the body's sentence.
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(after.iter().all(|&(_, s, since)| s == Severity::Error && since == Some(d("2021-09-15"))));
    assert!(after[0].0 < letter.find("Dear").unwrap() && after[1].0 > letter.find("Yours").unwrap());
}

#[test]
fn the_secretary_of_state_with_the_department_in_the_sentence() {
    let text =
        "I have written to the Secretary of State at the Department for Education, who is reviewing the guidance.";
    let role = |date: &str| {
        check(text, Some("2022-01-10"), date)
            .into_iter()
            .find(|f| f.text == "the Secretary of State")
            .map(|f| (f.severity, f.since, f.message))
    };
    // Nadhim Zahawi until 2022-07-04; Michelle Donelan from 2022-07-05.
    assert_eq!(role("2022-07-04"), None);
    let (severity, since, message) = role("2022-07-05").unwrap();
    assert_eq!((severity, since), (Severity::Warning, Some(d("2022-07-05"))));
    assert!(message.contains("Nadhim Zahawi") && message.contains("Michelle Donelan"), "{message}");
    // No department in the sentence: which Secretary of State is not known; left alone.
    let bare = check("I have written to the Secretary of State about it.", Some("2022-01-10"), "2023-01-01");
    assert!(judged(&bare, "the Secretary of State").is_empty(), "{bare:#?}");
}

#[test]
fn a_facts_file_may_give_a_register_office_its_own_tenures() {
    let csv = "name,constituency,start,end,source\nAnn Lee,Woking,2019-12-12,2024-05-30,t\n";
    let facts =
        "[[tenure]]\noffice = \"mp-woking\"\nholder = \"Bo Day\"\nfrom = 2019-12-12\nsource = \"office records\"\n";
    let library = Library::from_files([
        ("register/mps.csv".to_string(), csv.to_string()),
        ("facts.toml".to_string(), facts.to_string()),
    ])
    .unwrap();
    // The office comes from the register; its tenures from the facts file alone.
    assert_eq!(library.facts().office("mp-woking").unwrap().title, "Member of Parliament for Woking");
    let holders: Vec<&str> =
        library.facts().tenures().iter().filter(|t| t.office == "mp-woking").map(|t| t.holder.as_str()).collect();
    assert_eq!(holders, ["Bo Day"]);
}

#[test]
fn seat_lines_as_letterheads_print_them() {
    // The results write "Birmingham, Erdington"; letters write it without the comma.
    let letter = "Dear Ann,\n\nThank you.\n\nYours sincerely,\n\nJack Dromey MP\nMP for Birmingham Erdington\n";
    let findings = check(letter, Some("2021-06-01"), "2022-06-01");
    let seat = judged(&findings, "MP for Birmingham Erdington");
    assert_eq!(seat.len(), 1, "{findings:#?}");
    assert!(seat[0].message.contains("Paulette Hamilton"), "{}", seat[0].message);
    // "&" for "and".
    let amp = "Our Member of Parliament for Corby & East Northamptonshire is raising it.";
    let findings = check(amp, Some("2024-08-01"), "2024-09-01");
    assert!(findings.iter().all(|f| f.severity == Severity::Info), "Lee Barron holds it: {findings:#?}");
    let seat = DESK.library().facts().office("mp-corby-east-northamptonshire").unwrap();
    assert!(seat.aliases.iter().any(|a| a == "Member of Parliament for Corby & East Northamptonshire"), "{seat:?}");
    let by_election = check("Our MP for Batley & Spen is campaigning.", Some("2016-03-01"), "2016-11-01");
    assert_eq!(judged(&by_election, "MP for Batley & Spen").len(), 1, "{by_election:#?}");
}
