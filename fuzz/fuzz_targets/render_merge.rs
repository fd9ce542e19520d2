//! Rendering with arbitrary merge values: never evaluated, escaped in HTML, kept in text
//! (trimmed: drafting reads every value trimmed, and a blank one as missing).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static DESK: LazyLock<replydraft::Desk> =
    LazyLock::new(|| replydraft::Desk::new(replydraft::Library::embedded().unwrap()));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\u{1f}');
    let name = parts.next().unwrap_or("").to_string();
    let org = parts.next().unwrap_or("").to_string();
    let when = parts.next().unwrap_or("").to_string();
    let mut request = replydraft::DraftRequest::new("review-disparities", replydraft::parse_date("2021-02-24").unwrap());
    request.recipient.name = Some(name.clone());
    request.recipient.fields.insert("organisation".into(), org.clone());
    request.recipient.fields.insert("letter_date".into(), when.clone());
    let Ok(draft) = DESK.draft(&request) else {
        assert!(org.trim().is_empty() || when.trim().is_empty(), "only a blank required field fails");
        return;
    };
    let greeting = if name.trim().is_empty() { "Dear Constituent".to_string() } else { format!("Dear {},", name.trim()) };
    assert!(draft.text.contains(&greeting), "text keeps values byte for byte");
    assert!(draft.text.contains(org.trim()));
    request.format = replydraft::Format::Html;
    let html = DESK.draft(&request).unwrap();
    if name.trim().contains('<') {
        assert!(!html.text.contains(&greeting), "HTML escapes values");
    }
});
