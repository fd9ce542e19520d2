//! `check` on arbitrary bytes: paragraph splitting, the scanner, matching.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static DESK: LazyLock<replydraft::Desk> =
    LazyLock::new(|| replydraft::Desk::new(replydraft::Library::embedded().unwrap()));

fuzz_target!(|data: &[u8]| {
    // An odd first byte gives a written date, so that every pass that needs one runs
    // (titles, seats, elections, tracked entities, the signer's voice).
    let written = data.first().is_some_and(|b| b % 2 == 1);
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default());
    let mut options = replydraft::CheckOptions::new(replydraft::parse_date("2026-11-22").unwrap());
    options.written = written.then(|| replydraft::parse_date("2019-06-01").unwrap());
    let report = DESK.check("fuzz", &text, &options);
    for f in &report.findings {
        assert!(f.start <= f.end && f.end <= text.len());
        assert_eq!(&text[f.start..f.end], f.text);
    }
    for p in &report.paragraphs {
        assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
    }
});
