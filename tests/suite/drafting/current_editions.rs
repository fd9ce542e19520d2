//! The default library is sendable: its current topic editions draft letters with no
//! error findings, signed by people in office, while the 2021-23 editions still
//! reproduce the seed letters (tests/suite/drafting/golden.rs) on their own dates.

use crate::common;
use replydraft::{Desk, DraftRequest, Library, Severity, parse_date};

/// The day the current editions were written, and a year on.
const DATES: [&str; 2] = ["2026-11-23", "2027-06-30"];

#[test]
fn every_topic_drafts_today_without_errors_from_people_in_office() {
    let desk = Desk::new(Library::embedded().unwrap());
    let library = desk.library();
    let ids: Vec<&str> = library.latest_topics().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["care-review", "care-funding", "care-strategy", "review-disparities"]);
    for date in DATES {
        let v = desk.validate(parse_date(date).unwrap());
        for id in &ids {
            let draft = desk.draft(&DraftRequest::new(*id, parse_date(date).unwrap())).unwrap();
            let errors: Vec<_> = draft.findings.iter().filter(|f| f.severity == Severity::Error).collect();
            assert!(errors.is_empty(), "{id} on {date}: {errors:#?}");
            // The draft's blocks are current ones, none kept only for old letters.
            for b in &draft.blocks {
                assert!(!v.superseded_blocks.contains(&b.id), "{id} on {date} uses `{}`", b.id);
            }
        }
        assert!(v.is_clean(), "{date}: {} errors; senders {:?}", v.errors(), v.senders);
        assert!(v.superseded_blocks.contains(&"funding-concerns".to_string()));
        assert_eq!(
            v.superseded_senders,
            ["chris-heaton-harris", "tom-pursglove", "gillian-keegan", "gavin-williamson"]
        );
    }
}

#[test]
fn a_draft_uses_the_topic_edition_in_force_on_its_date() {
    let desk = Desk::new(Library::embedded().unwrap());
    let library = desk.library();
    let draft = |date: &str| desk.draft(&DraftRequest::new("care-funding", parse_date(date).unwrap())).unwrap();
    let then = draft("2022-08-16");
    assert_eq!(then.sender, "tom-pursglove");
    assert!(then.blocks.iter().any(|b| b.id == "funding-concerns"));
    let eve = draft("2026-11-22");
    assert_eq!(eve.sender, "tom-pursglove");
    assert!(eve.findings.iter().any(|f| f.severity == Severity::Error), "the old lines are stale by then");
    let now = draft("2026-11-23");
    assert_eq!(now.sender, "lee-barron");
    assert!(now.blocks.iter().any(|b| b.id == "funding-2026"));
    assert!(!now.blocks.iter().any(|b| b.id == "funding-concerns"));
    // Before any edition: the earliest.
    assert_eq!(library.topic_at("care-funding", parse_date("2001-01-01").unwrap()).unwrap().from, None);
    // Suggest and `topic` use the latest edition.
    assert_eq!(library.topic("care-funding").unwrap().sender.as_deref(), Some("lee-barron"));
}

#[test]
fn refreshed_blocks_name_what_they_refresh_and_cite_sources() {
    let desk = Desk::new(Library::embedded().unwrap());
    let library = desk.library();
    let refreshed: Vec<_> = library.blocks().iter().filter(|b| !b.refreshes.is_empty()).collect();
    assert!(refreshed.len() >= 10);
    // Every block stale today in the 2021-23 editions has a current version, except the
    // ones the current editions leave out as history (an investigation of 2022).
    let v = desk.validate(parse_date("2026-11-22").unwrap());
    let old = |id: &str| library.block(id).unwrap().as_of < parse_date("2026-11-23").unwrap();
    for stale in v.blocks.iter().filter(|b| old(&b.block) && b.findings.iter().any(|f| f.severity >= Severity::Warning))
    {
        let covered = refreshed.iter().any(|b| b.refreshes.contains(&stale.block));
        assert!(covered || stale.block == "calcot-investigation", "no current version of `{}`", stale.block);
    }
    for b in refreshed.iter().filter(|b| b.text.contains('£') || b.text.contains("20")) {
        assert!(!b.sources.is_empty(), "block `{}` states dated facts without sources", b.id);
    }
}

#[test]
fn editions_and_refreshes_are_checked_when_loading() {
    let base = "[[sender]]\nid = \"s\"\nname = \"A\"\noffice_title = \"MP\"\n\
        [[block]]\nid = \"b\"\ntitle = \"B\"\nrole = \"body\"\ntext = \"Hello.\"\nas_of = 2024-01-01\n";
    let load = |extra: &str| Library::from_files([("lib.toml".to_string(), format!("{base}{extra}"))]);
    let topic = |from: &str| format!("[[topic]]\nid = \"t\"\ntitle = \"T\"\nblocks = [\"b\"]\n{from}");
    assert!(load(&format!("{}{}", topic(""), topic("from = 2025-01-01\n"))).is_ok());
    let err = load(&format!("{}{}", topic("from = 2025-01-01\n"), topic("from = 2025-01-01\n"))).unwrap_err();
    assert!(err.to_string().contains("duplicate topic id `t` from `2025-01-01`"), "{err}");
    let err = load("[[block]]\nid = \"c\"\ntitle = \"C\"\nrole = \"body\"\ntext = \"Hi.\"\nas_of = 2024-01-01\nrefreshes = [\"bb\"]\n")
        .unwrap_err();
    assert!(err.to_string().contains("refreshes unknown block `bb`"), "{err}");
    assert!(err.to_string().starts_with("lib.toml:"), "{err}");
}

#[test]
fn init_writes_a_starter_library_that_drafts_sendable_letters() {
    let dir = common::scratch("init").join("office");
    let d = dir.to_str().unwrap();
    let (code, _, err) = common::run(&["init", d, "--name", "Jo Bloggs", "--office-title", "MP for Anytown"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("README.md").exists() && dir.join("facts.toml").exists());
    let (code, out, err) = common::run(&["topics", "--library", d]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 4, "{out}");
    for topic in ["care-review", "care-funding", "care-strategy", "review-disparities"] {
        let args = ["draft", "--library", d, "--topic", topic, "--date", "2026-11-23", "--deny-stale", "--to", "Sam"];
        let (code, out, err) = common::run(&args);
        assert_eq!(code, 0, "{topic}: {err}");
        assert!(out.trim_end().ends_with("Jo Bloggs\nMP for Anytown"), "{topic}: {out}");
    }
    let (code, out, _) = common::run(&["validate", "--library", d, "--date", "2026-11-23", "--deny-stale"]);
    assert_eq!(code, 0, "{out}");
    // Nothing is overwritten without --force; an unknown office writes nothing.
    std::fs::write(dir.join("senders.toml"), "# mine\n").unwrap();
    let (code, _, err) = common::run(&["init", d, "--name", "Jo Bloggs"]);
    assert_eq!((code, std::fs::read_to_string(dir.join("senders.toml")).unwrap().as_str()), (2, "# mine\n"), "{err}");
    assert_eq!(common::run(&["init", d, "--name", "Jo Bloggs", "--force"]).0, 0);
    assert!(std::fs::read_to_string(dir.join("senders.toml")).unwrap().contains("id = \"jo-bloggs\""));
    let other = dir.with_file_name("other");
    let (code, _, err) = common::run(&["init", other.to_str().unwrap(), "--name", "Jo", "--office", "mp-anytwon"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown office `mp-anytwon`") && !other.exists(), "{err}");
}

/// After the facts base's `known_to`, an office holder shown in office is unverified
/// (a warning), never fine, once the time a fact of its kind is assumed to hold has
/// passed (a seat: to the next general election); within it, nothing is said.
#[test]
fn office_holders_after_the_facts_known_to_date_are_unverifiable() {
    let desk = Desk::new(Library::embedded().unwrap());
    let library = desk.library();
    let known = library.facts().known_to().unwrap();
    assert_eq!(known, parse_date("2026-11-22").unwrap());
    let draft = |date: &str| desk.draft(&DraftRequest::new("care-funding", parse_date(date).unwrap())).unwrap();
    // The current edition on its first day, the day after its facts are known to: the
    // signer's seat is assumed to hold until the next general election.
    let on = draft("2026-11-23");
    assert!(!on.findings.iter().any(|f| f.kind == "signer"), "{:#?}", on.findings);
    assert_eq!(on.facts_known_to, Some(known));
    // Past that (no election after 2024 is in the facts: five years on), unverified.
    let until = library.facts().held_until("seat", known);
    let past = draft(&until.tomorrow().unwrap().to_string());
    let signer: Vec<_> = past.findings.iter().filter(|f| f.kind == "signer").collect();
    assert_eq!(signer.len(), 1, "{:#?}", past.findings);
    assert_eq!(signer[0].severity, Severity::Warning);
    assert!(
        signer[0].message.contains("unverified") && signer[0].message.contains("2026-11-22"),
        "{}",
        signer[0].message
    );
    assert_eq!(signer[0].since, Some(until.tomorrow().unwrap()));
    // The office claim (the Prime Minister) too, though nothing says he has left.
    let later = draft("2027-01-15");
    assert!(later.findings.iter().any(|f| f.kind == "office" && f.severity == Severity::Warning));
    assert!(later.findings.iter().all(|f| f.severity < Severity::Error));
    // A signer known to have left is still an error (the old edition, the day before).
    let old = draft("2026-11-22");
    assert!(old.findings.iter().any(|f| f.kind == "signer" && f.severity == Severity::Error));
    // validate: not "cannot sign"; more than six months behind, it says so.
    let v = desk.validate(parse_date("2027-01-15").unwrap());
    assert!(v.senders.is_empty() && !v.facts_behind());
    assert!(desk.validate(parse_date("2027-06-30").unwrap()).facts_behind());
    // A name the scanner recognises, in a letter checked after known_to / before the
    // Prime Minister announced he would step down (2026-06-22).
    let letter = "I wrote to Keir Starmer, the Prime Minister, about this.";
    let after = desk.check("", letter, &replydraft::CheckOptions::new(parse_date("2027-01-15").unwrap()));
    let name = after.findings.iter().find(|f| f.text == "Keir Starmer").expect("the name is recognised");
    assert_eq!(name.severity, Severity::Warning);
    let before = desk.check("", letter, &replydraft::CheckOptions::new(parse_date("2026-06-21").unwrap()));
    assert!(before.findings.iter().all(|f| f.severity == Severity::Info), "{:#?}", before.findings);
}

#[test]
fn several_facts_files_are_known_to_the_earliest_date() {
    let mut files = Library::embedded_sources();
    files.push(("office-facts.toml".into(), "known_to = 2025-01-31\n".into()));
    let library = Library::from_files(files).unwrap();
    assert_eq!(library.facts().known_to(), Some(parse_date("2025-01-31").unwrap()));
}
