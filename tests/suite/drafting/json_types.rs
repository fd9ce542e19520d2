//! The JSON types read back: what the command line and the library write as JSON
//! deserializes into the same types and writes the same JSON again; kinds are the
//! documented strings.

use replydraft::{
    CheckOptions, CheckReport, Desk, Draft, DraftRequest, FindingKind, Library, Suggestion, Validation, parse_date,
};

#[test]
fn json_types_read_back_to_the_same_json() {
    let desk = Desk::new(Library::embedded().unwrap());
    let date = parse_date("2026-11-22").unwrap();
    let draft = desk.draft(&DraftRequest::new("care-funding", parse_date("2022-08-16").unwrap())).unwrap();
    let json = draft.to_json();
    assert_eq!(serde_json::from_str::<Draft>(&json).unwrap().to_json(), json);

    // A letter with stale claims: its findings carry kinds, dates and suggestions.
    let options = CheckOptions::new(date);
    let checked =
        CheckReport::new(vec![desk.check("letter.txt", &draft.text, &options)], &options, desk.library().facts());
    assert!(checked.files[0].findings.iter().any(|f| f.kind == FindingKind::Deadline && f.since.is_some()));
    let json = checked.to_json();
    assert!(json.contains("\"kind\": \"deadline\"") && json.contains("\"since\": \"2025-04-01\""), "{json}");
    assert_eq!(serde_json::from_str::<CheckReport>(&json).unwrap().to_json(), json);

    let v = desk.validate(date);
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(serde_json::to_string(&serde_json::from_str::<Validation>(&json).unwrap()).unwrap(), json);

    let s = desk.suggest("I am worried about funding for children's social care and children's homes.");
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Vec<Suggestion>>(&json).unwrap(), s);
}
