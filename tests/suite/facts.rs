//! The facts base as knowledge: the national policy tables read as tracked entities
//! (Acts by their Bills, fallen bills, departments, schemes), facts that say how fresh
//! they are (each source's known-to date, and how long a fact of each kind is assumed
//! to hold past it), facts packs (`--facts`) and `replydraft facts`. Letters written
//! for these tests; dates explicit.

use crate::common::{d, run, scratch};
use replydraft::{CheckOptions, Desk, Finding, FindingKind, Library, Severity};
use std::sync::LazyLock;

static DESK: LazyLock<Desk> = LazyLock::new(|| Desk::new(Library::embedded().unwrap()));

fn findings(desk: &Desk, text: &str, written: &str, date: &str) -> Vec<Finding> {
    let mut options = CheckOptions::new(d(date));
    options.written = Some(d(written));
    desk.check("", text, &options).findings
}

/// The findings of one kind about the words `shown`.
fn about(text: &str, written: &str, date: &str, kind: FindingKind, shown: &str) -> Vec<Finding> {
    findings(&DESK, text, written, date).into_iter().filter(|f| f.kind == kind && f.text == shown).collect()
}

#[test]
fn a_bill_enacted_since_the_letter_is_an_error_from_its_royal_assent() {
    let text = "The Online Safety Bill will give parents new ways to protect their children.";
    let bill = "Online Safety Bill";
    assert!(about(text, "2022-06-01", "2023-10-25", FindingKind::Entity, bill).is_empty());
    let after = about(text, "2022-06-01", "2023-10-26", FindingKind::Entity, bill);
    assert_eq!(after.len(), 1, "{after:#?}");
    assert_eq!((after[0].severity, after[0].since), (Severity::Error, Some(d("2023-10-26"))));
    assert!(after[0].suggestion.as_deref().unwrap().contains("Online Safety Act 2023"), "{:#?}", after[0]);
    // Written after it became an Act: the letter's own slip, not staleness.
    assert!(about(text, "2024-01-10", "2026-01-10", FindingKind::Entity, bill).is_empty());
}

#[test]
fn a_bill_whose_royal_assent_day_is_not_sourced_is_an_act_by_the_end_of_its_year() {
    // The Shark Fins Act 2023 has no sourced day of Royal Assent: it was law by 2023-12-31.
    let text = "The Shark Fins Bill is now going through Parliament with cross-party support.";
    let bill = "Shark Fins Bill";
    assert!(about(text, "2022-11-01", "2023-12-30", FindingKind::Entity, bill).is_empty(), "no day is known");
    let after = about(text, "2022-11-01", "2024-02-01", FindingKind::Entity, bill);
    assert_eq!(after.len(), 1, "{after:#?}");
    assert_eq!(after[0].severity, Severity::Error);
    assert_eq!(after[0].since, None, "never an exact day");
    assert!(after[0].message.contains("by 2023-12-31 (the day is not known)"), "{}", after[0].message);
    assert!(after[0].suggestion.as_deref().unwrap().contains("an Act by 2023"), "{:#?}", after[0]);
    // And no event on a made-up day.
    assert!(DESK.library().facts().events().all(|e| !e.what.contains("Shark Fins Act 2023")));
}

#[test]
fn a_bill_that_fell_is_an_error_from_the_day_it_fell() {
    let text = "The Bill of Rights Bill will strengthen free speech and restore common sense.";
    let f = about(text, "2022-09-01", "2024-01-01", FindingKind::Entity, "Bill of Rights Bill");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!((f[0].severity, f[0].since), (Severity::Error, Some(d("2023-06-27"))));
    assert!(f[0].message.contains("fell on 2023-06-27"), "{}", f[0].message);
}

#[test]
fn a_department_abolished_or_renamed_since_in_a_present_tense_sentence() {
    let text = "The Department for International Development is leading the relief effort.";
    let shown = "Department for International Development";
    let f = about(text, "2019-05-01", "2021-01-01", FindingKind::Entity, shown);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!((f[0].severity, f[0].since), (Severity::Error, Some(d("2020-09-02"))));
    assert!(f[0].suggestion.as_deref().unwrap().contains("merged into the Foreign, Commonwealth"), "{:#?}", f[0]);
    assert!(f[0].message.contains("(merged on "), "{}", f[0].message);
    // History is left alone.
    let past = "In 2019 the Department for International Development led the relief effort.";
    assert!(about(past, "2019-12-01", "2021-01-01", FindingKind::Entity, shown).is_empty());
    // Its abbreviation counts only in its own letters' case.
    let abbreviated = "DfID is leading the relief effort.";
    assert_eq!(about(abbreviated, "2019-05-01", "2021-01-01", FindingKind::Entity, "DfID").len(), 1);
    let renamed = "The Department for Levelling Up, Housing and Communities is consulting councils.";
    let shown = "Department for Levelling Up, Housing and Communities";
    let f = about(renamed, "2023-03-01", "2024-08-01", FindingKind::Entity, shown);
    assert_eq!((f[0].severity, f[0].since), (Severity::Error, Some(d("2024-07-09"))), "{f:#?}");
    // Renamed, then named so again: stale between, not once the name is back.
    let back = "The Ministry of Housing, Communities and Local Government is consulting councils.";
    let shown = "Ministry of Housing, Communities and Local Government";
    assert_eq!(about(back, "2020-03-01", "2023-01-01", FindingKind::Entity, shown).len(), 1);
    assert!(about(back, "2020-03-01", "2025-01-01", FindingKind::Entity, shown).is_empty());
}

#[test]
fn a_scrapped_scheme_named_by_its_alias_and_then_as_the_scheme() {
    let text = "The care cap will protect families from the highest costs. The scheme is simple and fair.";
    let f = about(text, "2023-01-10", "2025-01-01", FindingKind::Entity, "care cap");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!((f[0].severity, f[0].since), (Severity::Error, Some(d("2024-07-29"))));
    assert!(f[0].message.contains("ended on 2024-07-29"), "{}", f[0].message);
    let short = about(text, "2023-01-10", "2025-01-01", FindingKind::Entity, "The scheme");
    assert_eq!(short.len(), 1, "\"the scheme\" is the care cap: {short:#?}");
    // Before it was scrapped: a change of its terms since the letter is a warning.
    let changed = about(text, "2022-01-10", "2023-01-01", FindingKind::Entity, "care cap");
    assert_eq!(changed[0].severity, Severity::Warning, "{changed:#?}");
}

#[test]
fn this_bill_is_the_bill_named_before_it() {
    let text = "The Elections Bill and the Online Safety Bill are both before Parliament. \
                This Bill will protect children online.";
    // 2023-01-01: the Elections Bill is an Act (2022-04-28), the Online Safety Bill not yet.
    let early = findings(&DESK, text, "2022-03-01", "2023-01-01");
    let entity = |f: &Vec<Finding>, shown: &str| {
        f.iter().filter(|x| x.kind == FindingKind::Entity && x.text == shown).map(|x| x.severity).collect::<Vec<_>>()
    };
    assert_eq!(entity(&early, "Elections Bill"), [Severity::Error]);
    assert!(entity(&early, "This Bill").is_empty(), "{early:#?}");
    let late = findings(&DESK, text, "2022-03-01", "2023-11-01");
    let this = late.iter().find(|x| x.kind == FindingKind::Entity && x.text == "This Bill").expect("resolved");
    assert!(this.suggestion.as_deref().unwrap().contains("Online Safety Act 2023"), "{this:#?}");
    // A bill of the hand-written entities too.
    let text = "We debated the Safety of Rwanda Bill last week. This Bill will be amended in the Lords.";
    let f = about(text, "2024-01-20", "2024-05-01", FindingKind::Entity, "This Bill");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Error);
}

#[test]
fn a_name_used_by_two_bills_means_the_one_alive_when_the_letter_was_written() {
    // The Trade Bill fell at prorogation on 2019-10-08 and came back as a new bill.
    let text = "The Trade Bill will give us the powers we need after we leave the EU.";
    let before = about(text, "2019-03-01", "2020-01-01", FindingKind::Entity, "Trade Bill");
    assert!(before[0].message.contains("fell on 2019-10-08"), "{before:#?}");
    let again = about(text, "2020-05-01", "2022-01-01", FindingKind::Entity, "Trade Bill");
    assert!(again[0].suggestion.as_deref().unwrap().contains("Trade Act 2021"), "{again:#?}");
}

#[test]
fn a_hand_written_entity_wins_over_a_policy_row_for_the_same_bill() {
    let facts = DESK.library().facts();
    let named = facts.entities().iter().filter(|e| e.name == "Children's Wellbeing and Schools Bill").count();
    assert_eq!(named, 1);
    let text = "The Children's Wellbeing and Schools Bill will create a register of children not in school.";
    let f = about(text, "2025-02-01", "2026-06-01", FindingKind::Entity, "Children's Wellbeing and Schools Bill");
    assert_eq!(f.len(), 1, "one finding, not one per source: {f:#?}");
}

#[test]
fn a_sitting_mp_is_not_unverified_within_the_hold_of_a_seat() {
    // The MPs' register is known to 2026-08-20; a seat holds to the next general election.
    let text = "I have written to Caroline Dinenage, MP for Gosport, about the closure.";
    let on = |date: &str| about(text, "2025-03-03", date, FindingKind::Officeholder, "Caroline Dinenage");
    let within = on("2026-11-22");
    assert_eq!(within.len(), 1, "{within:#?}");
    assert_eq!(within[0].severity, Severity::Info, "{within:#?}");
    let until = DESK.library().facts().held_until("seat", d("2026-08-20"));
    let past = on(&until.tomorrow().unwrap().to_string());
    assert_eq!(past[0].severity, Severity::Warning, "{past:#?}");
    assert!(past[0].message.starts_with("unverified") && past[0].message.contains("2026-08-20"), "{past:#?}");
}

#[test]
fn a_minister_past_the_hold_of_a_post_is_unverified() {
    // The ministers' register is known to 2026-06-19; a post holds four weeks (facts.toml).
    let text = "I have raised it with Heidi Alexander, the Secretary of State for Transport.";
    let on = |date: &str| about(text, "2025-03-03", date, FindingKind::Officeholder, "Heidi Alexander");
    assert_eq!(on("2026-07-17")[0].severity, Severity::Info);
    let past = on("2026-07-18");
    assert_eq!((past[0].severity, past[0].since), (Severity::Warning, Some(d("2026-07-18"))), "{past:#?}");
    assert!(past[0].message.contains("2026-06-19") && past[0].message.contains("2026-07-17"), "{past:#?}");
}

#[test]
fn the_prime_minister_after_the_announced_resignation_is_unverified_with_the_reason() {
    let bare = "The Prime Minister has made clear that growth is the first mission.";
    let f = about(bare, "2025-09-01", "2026-12-08", FindingKind::Officeholder, "The Prime Minister");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!((f[0].severity, f[0].since), (Severity::Warning, Some(d("2026-06-22"))));
    assert!(f[0].message.contains("2026-06-22") && f[0].message.contains("step down"), "{}", f[0].message);
    assert!(about(bare, "2025-09-01", "2026-06-21", FindingKind::Officeholder, "The Prime Minister").is_empty());
    let named = "Keir Starmer, the Prime Minister, has made clear that growth is the first mission.";
    let f = about(named, "2025-09-01", "2026-12-08", FindingKind::Officeholder, "Keir Starmer");
    assert_eq!(f[0].severity, Severity::Warning, "{f:#?}");
    assert!(f[0].message.contains("step down") && !f[0].message.contains("was Prime Minister on 2026-11-22"), "{f:#?}");
    // Written under an earlier Prime Minister: the title meant them, and who holds it now
    // is not named as certain either.
    let f = about(bare, "2024-01-15", "2026-12-08", FindingKind::Officeholder, "The Prime Minister");
    assert_eq!(f.len(), 1, "{f:#?}");
    let m = &f[0].message;
    assert!(m.contains("meant Rishi Sunak") && m.contains("step down") && !m.contains("it means Keir Starmer"), "{m}");
    assert!(f[0].suggestion.as_deref().is_some_and(|s| s.contains("check who is")), "{f:#?}");
}

#[test]
fn every_fact_carries_its_own_sources_known_to_date() {
    let facts = DESK.library().facts();
    let minister = facts.tenures().iter().find(|t| t.holder == "Heidi Alexander" && t.to.is_none()).unwrap();
    assert_eq!(minister.known_to, Some(d("2026-06-19")));
    let seat = facts.tenures().iter().find(|t| t.holder == "Caroline Dinenage" && t.to.is_none()).unwrap();
    assert_eq!(seat.known_to, Some(d("2026-08-20")));
    let pm = facts.tenures().iter().find(|t| t.office == "prime-minister" && t.to.is_none()).unwrap();
    assert_eq!(pm.known_to, Some(d("2026-11-22")));
    let act = facts.entities().iter().find(|e| e.name == "Shark Fins Bill").unwrap();
    assert_eq!(act.known_to, Some(d("2026-12-07")));
}

#[test]
fn replydraft_facts_lists_every_source_with_its_known_to_date() {
    let (code, out, err) = run(&["facts"]);
    assert_eq!(code, 0, "{err}");
    let line = |file: &str| out.lines().find(|l| l.starts_with(file)).unwrap_or_else(|| panic!("{file}: {out}"));
    assert!(line("register/ministers.csv").contains("2026-06-19"));
    assert!(line("register/mps.csv").contains("2026-08-20"));
    assert!(line("facts.toml").contains("2026-11-22"));
    for table in ["acts", "bills_fallen", "departments", "fiscal_events", "schemes"] {
        assert!(line(&format!("policy/{table}.csv")).contains("2026-12-07"), "{out}");
    }
    assert!(line("policy/acts.csv").contains(" 544 "), "{out}");
    let (code, json, _) = run(&["facts", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mps = v["sources"].as_array().unwrap().iter().find(|s| s["file"] == "register/mps.csv").unwrap();
    assert_eq!((mps["known_to"].as_str(), mps["rows"].as_u64()), (Some("2026-08-20"), Some(3315)));
}

#[test]
fn a_facts_pack_adds_to_the_facts_and_a_bad_one_says_where() {
    let dir = scratch("facts-pack");
    let pack = dir.join("local-schemes.csv");
    std::fs::write(
        &pack,
        "# known_to = 2026-10-01\nid,name,aliases,event,date,what,source\n\
         riverside-grant,Riverside Repair Grant,,start,2024-04-01,opened to applicants,https://example.org/a\n\
         riverside-grant,Riverside Repair Grant,,end,2025-03-31,closed,https://example.org/b\n",
    )
    .unwrap();
    let letter = dir.join("letter.txt");
    std::fs::write(&letter, "1 June 2024\n\nDear Ms Hale,\n\nThe Riverside Repair Grant is open to you now.\n")
        .unwrap();
    let (p, l) = (pack.to_str().unwrap(), letter.to_str().unwrap());
    let (code, out, err) = run(&["check", l, "--date", "2026-01-01", "--facts", p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("error[entity]") && out.contains("Riverside Repair Grant"), "{out}");
    let (_, without, _) = run(&["check", l, "--date", "2026-01-01"]);
    assert!(!without.contains("Riverside Repair Grant has moved on"), "{without}");
    let (code, listed, _) = run(&["facts", "--facts", p]);
    assert_eq!(code, 0);
    assert!(listed.lines().any(|x| x.starts_with(p) && x.contains("2026-10-01") && x.contains(" 2 ")), "{listed}");
    // A bad row: the file and its line, exit 2.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "id,name,aliases,event,date,what,source\nx,Scheme X,,start,2024-01-01,began,s\nx,Scheme X,,end,2024-13-01,ended,s\n",
    )
    .unwrap();
    let (code, _, err) = run(&["check", l, "--facts", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{}:3:", bad.display())), "{err}");
    // A hold that is not a span: the line of the facts TOML file.
    let hold = dir.join("hold.toml");
    std::fs::write(&hold, "known_to = 2026-01-01\n\n[hold]\npost = \"a fortnight or so\"\n").unwrap();
    let (code, _, err) = run(&["facts", "--facts", hold.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{}:4:", hold.display())), "{err}");
}
