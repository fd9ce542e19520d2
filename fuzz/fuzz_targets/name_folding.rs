//! The Unicode case-folding path of officeholder matching: arbitrary text around a
//! minister's name. Folded offsets map back onto the original on character boundaries,
//! every finding quotes the letter exactly, and the name is always found.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static DESK: LazyLock<replydraft::Desk> =
    LazyLock::new(|| replydraft::Desk::new(replydraft::Library::embedded().unwrap()));

fuzz_target!(|data: &[u8]| {
    let noise = String::from_utf8_lossy(data);
    let folded = replydraft::text::Folded::new(&noise);
    assert_eq!(folded.text, replydraft::text::normalize(&noise));
    for (i, c) in folded.text.char_indices() {
        let (s, e) = folded.original(i, i + c.len_utf8());
        assert!(s < e && noise.is_char_boundary(s) && noise.is_char_boundary(e));
    }
    let letter = format!("{noise}\n\nRt Hon Gavin Williamson MP\nSecretary of State for Education\n\n{noise}");
    let options = replydraft::CheckOptions::new(replydraft::parse_date("2026-11-22").unwrap());
    let report = DESK.check("fuzz", &letter, &options);
    for f in &report.findings {
        assert!(f.start <= f.end && f.end <= letter.len());
        assert_eq!(&letter[f.start..f.end], f.text);
    }
    assert!(
        report.findings.iter().any(|f| f.kind == "officeholder" && f.text.contains("Williamson")),
        "the name is found whatever surrounds it"
    );
});
