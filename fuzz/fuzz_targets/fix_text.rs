//! `fix` on arbitrary bytes: every certain replacement applied, and the fixed text
//! checked again at the same dates.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static DESK: LazyLock<replydraft::Desk> =
    LazyLock::new(|| replydraft::Desk::new(replydraft::Library::embedded().unwrap()));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut options = replydraft::CheckOptions::new(replydraft::parse_date("2026-11-22").unwrap());
    options.written = Some(replydraft::parse_date("2019-06-01").unwrap());
    let report = DESK.check("fuzz", &text, &options);
    let (fixed, applied) = report.fixed(&text);
    // A `String` is UTF-8 by construction; its bytes say so again for the record.
    assert!(std::str::from_utf8(fixed.as_bytes()).is_ok());
    assert!(applied.iter().all(|f| f.replacement.is_some()));
    if applied.is_empty() {
        assert_eq!(fixed, text);
    }
    let again = DESK.check("fuzz", &fixed, &options);
    for f in &again.findings {
        assert_eq!(&fixed[f.start..f.end], f.text);
    }
});
