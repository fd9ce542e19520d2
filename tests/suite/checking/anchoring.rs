//! `check` of a letter the tool drafted gives the findings `draft` gave for it on the
//! same date: a matched block's claims are read from the block's `as_of`, as the draft
//! reads them; the letter's own date anchors only the text no block accounts for. Check
//! may add only one thing: other mentions of the signer's name (a letterhead).

use replydraft::{CheckOptions, Desk, DraftRequest, Library, Severity, parse_date};

/// (start, end, kind, severity) of every error and warning.
fn key(findings: &[replydraft::Finding]) -> Vec<(usize, usize, replydraft::FindingKind, Severity)> {
    let mut v: Vec<_> = findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| (f.start, f.end, f.kind, f.severity))
        .collect();
    v.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    v.dedup();
    v
}

#[test]
fn check_of_a_drafted_letter_agrees_with_the_draft() {
    let desk = Desk::new(Library::embedded().unwrap());
    let library = desk.library();
    let mut compared = 0;
    for date in ["2022-07-01", "2023-09-15", "2026-11-22"] {
        let date = parse_date(date).unwrap();
        for topic in library.topics() {
            let mut request = DraftRequest::new(topic.id.clone(), date);
            request.recipient.name = Some("Ann Lee".into());
            request.recipient.fields.insert("letter_date".into(), "3 March".into());
            request.recipient.fields.insert("organisation".into(), "the Trust".into());
            let draft = desk.draft(&request).unwrap_or_else(|e| panic!("{}: {e}", topic.id));
            let report = desk.check("draft", &draft.text, &CheckOptions::new(date));
            let (checked, drafted) = (key(&report.findings), key(&draft.findings));
            // Everything the draft found, check finds, with the same kind and severity.
            let missing: Vec<_> = drafted.iter().filter(|k| !checked.contains(k)).collect();
            // Check may add only earlier mentions of the signer's name (a letterhead).
            let signer = &library.sender(&draft.sender).unwrap().name;
            let extra: Vec<_> = checked
                .iter()
                .filter(|k| !drafted.contains(k))
                .filter(|(s, e, kind, _)| !(kind == "officeholder" && draft.text[*s..*e].eq_ignore_ascii_case(signer)))
                .collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "topic {} at {date}: check misses {missing:?} and adds {extra:?} on\n{}",
                topic.id,
                draft.text
            );
            compared += draft.findings.len();
        }
    }
    assert!(compared > 20, "a meaningful comparison: {compared} draft findings");
}
