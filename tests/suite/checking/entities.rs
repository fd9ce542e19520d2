//! Tracked entities in the facts base (`templates/entities.toml`): bills, schemes,
//! consultations, strategies, fiscal events. A sentence in the present or future tense
//! about one is stale once it has moved on. Letters written for these tests; dates
//! explicit; boundaries the day before and the day of each change.

use replydraft::{CheckOptions, Desk, Finding, FindingKind, Library, Severity};
use std::sync::LazyLock;

static DESK: LazyLock<Desk> = LazyLock::new(|| Desk::new(Library::embedded().unwrap()));

use crate::common::d;

fn entity_findings(text: &str, written: &str, date: &str) -> Vec<Finding> {
    let mut options = CheckOptions::new(d(date));
    options.written = Some(d(written));
    let findings = DESK.check("", text, &options).findings;
    findings.into_iter().filter(|f| f.kind == FindingKind::Entity).collect()
}

fn judged(text: &str, written: &str, date: &str, shown: &str) -> Option<(Severity, Option<replydraft::Date>)> {
    entity_findings(text, written, date).into_iter().find(|f| f.text == shown).map(|f| (f.severity, f.since))
}

#[test]
fn a_bill_before_and_after_royal_assent() {
    let text = "The Safety of Rwanda Bill is making its way through Parliament. The Bill will be debated again soon.";
    let written = "2023-12-20";
    assert_eq!(judged(text, written, "2024-01-16", "Safety of Rwanda Bill"), None, "no stage since");
    // Third reading: moved on, still a bill.
    assert_eq!(
        judged(text, written, "2024-01-17", "Safety of Rwanda Bill"),
        Some((Severity::Warning, Some(d("2024-01-17"))))
    );
    assert_eq!(judged(text, written, "2024-04-24", "The Bill"), Some((Severity::Warning, Some(d("2024-01-17")))));
    // Royal Assent: an Act; the suggestion says so.
    let after = entity_findings(text, written, "2024-04-25");
    let f = after.iter().find(|f| f.text == "Safety of Rwanda Bill").unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert!(f.suggestion.as_deref().unwrap().contains("Safety of Rwanda (Asylum and Immigration) Act 2024"), "{f:#?}");
    // "The Bill" means the bill named before it, not another bill with that short name.
    let other = "The Children's Wellbeing and Schools Bill is in the Lords. The Bill will return to the Commons.";
    let f = entity_findings(other, "2025-03-01", "2026-05-01");
    let short = f.iter().find(|f| f.text == "The Bill").unwrap();
    assert!(short.message.contains("Children's Wellbeing and Schools Bill"), "{}", short.message);
    // A short name before any full name means nothing.
    assert!(entity_findings("The Bill will be debated.", "2023-12-20", "2024-05-01").is_empty());
}

#[test]
fn a_scheme_scrapped() {
    let text = "The Government is committed to the Rwanda scheme, which will deter dangerous crossings.";
    assert_eq!(judged(text, "2022-06-01", "2023-11-14", "Rwanda scheme"), None);
    assert_eq!(
        judged(text, "2022-06-01", "2023-11-15", "Rwanda scheme"),
        Some((Severity::Warning, Some(d("2023-11-15"))))
    );
    assert_eq!(judged(text, "2022-06-01", "2024-07-05", "Rwanda scheme").map(|x| x.0), Some(Severity::Warning));
    assert_eq!(
        judged(text, "2022-06-01", "2024-07-06", "Rwanda scheme"),
        Some((Severity::Error, Some(d("2023-11-15"))))
    );
    // History in the past tense stays true.
    let past = "In 2022 the Government announced the Rwanda scheme.";
    assert!(entity_findings(past, "2022-06-01", "2025-01-01").is_empty());
}

#[test]
fn a_consultation_that_has_closed() {
    let text = "The consultation on Stable Homes, Built on Love is open until May.";
    assert_eq!(judged(text, "2023-03-01", "2023-05-10", "consultation on Stable Homes, Built on Love"), None);
    assert_eq!(
        judged(text, "2023-03-01", "2023-05-11", "consultation on Stable Homes, Built on Love"),
        Some((Severity::Error, Some(d("2023-05-11"))))
    );
}

#[test]
fn the_next_budget_or_spending_review_once_delivered() {
    let text = "The Spending Review will set out the Department's budget for the coming years.";
    // Written 2025-03-01: the next Spending Review was on 2025-06-11.
    assert_eq!(judged(text, "2025-03-01", "2025-06-10", "The Spending Review"), None);
    let f = entity_findings(text, "2025-03-01", "2025-06-11");
    assert_eq!((f[0].severity, f[0].since), (Severity::Error, Some(d("2025-06-11"))));
    assert!(f[0].message.contains("Spending Review 2025"), "{}", f[0].message);
    // Not looking ahead ("the Budget provided"): left alone.
    assert!(entity_findings("Last year the Budget provided £20 million.", "2025-03-01", "2026-01-01").is_empty());
    // After the facts base's known_to, a next one not in it (the last it has is the
    // Autumn Budget of 2026-10-28) is unverifiable, not fine.
    let later = entity_findings("The Budget will confirm the allocation.", "2026-11-01", "2027-06-10");
    assert_eq!(later.len(), 1, "{later:#?}");
    assert_eq!(later[0].severity, Severity::Warning);
    assert!(later[0].message.starts_with("unverifiable"), "{}", later[0].message);
}

#[test]
fn every_state_is_an_event_that_claims_can_name() {
    let facts = DESK.library().facts();
    assert_eq!(facts.event("rwanda-scheme.scrapped").unwrap().date, d("2024-07-06"));
    assert_eq!(facts.event("cws-bill.royal-assent").unwrap().date, d("2026-04-29"));
    // Every entity has a source on every state, and its states in date order.
    for x in facts.entities() {
        assert!(x.states.iter().all(|s| !s.source.is_empty()), "{}", x.id);
        assert!(x.states.windows(2).all(|w| w[0].date <= w[1].date), "{}", x.id);
    }
    // Fiscal events 2015-2025 and the sessions of Parliament are there.
    let kinds = |k: &str| facts.entities().iter().filter(|x| x.kind == k).count();
    assert!(kinds("fiscal-event") >= 20 && kinds("session") >= 6);
}

#[test]
fn states_out_of_order_are_an_error_naming_the_entity() {
    let toml = "[[entity]]\nid = \"x\"\nkind = \"bill\"\nname = \"X Bill\"\nstates = [\n\
                { state = \"b\", date = 2024-02-01, source = \"t\" },\n{ state = \"a\", date = 2024-01-01, source = \"t\" },\n]\n";
    let err = Library::from_files([("facts.toml".to_string(), toml.to_string())]).unwrap_err();
    assert!(err.to_string().contains("entity `x`"), "{err}");
}

#[test]
fn this_session_holds_until_the_session_ends() {
    let mut options = CheckOptions::new(d("2023-10-25"));
    options.written = Some(d("2023-03-01"));
    let text = "We will bring forward legislation this session to end the practice.";
    let mut session = |date: &str| {
        options.date = d(date);
        DESK.check("", text, &options)
            .findings
            .into_iter()
            .find(|f| f.text == "this session")
            .map(|f| (f.severity, f.since))
    };
    // The 2022-23 session was prorogued on 2023-10-26.
    assert_eq!(session("2023-10-25").map(|x| x.0), Some(Severity::Info));
    assert_eq!(session("2023-10-26"), Some((Severity::Warning, Some(d("2023-10-26")))));
}
