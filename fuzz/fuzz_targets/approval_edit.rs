//! Arbitrary TOML text through the approval edit (`approve` or `retire` of a block, as
//! `replydraft::decide` makes it): never panics; a successful edit is TOML, keeps the
//! byte-order mark and CRLF line endings, and, on a file that loads as a library,
//! loads with the block in the state recorded.
#![no_main]
use libfuzzer_sys::fuzz_target;
use replydraft::{Approval, Decision, Library, record_decision};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The block edited: the first `id = "…"` written (as a library file names a block).
    let Some(id) = text.split("id = \"").nth(1).and_then(|r| r.split('"').next()) else { return };
    let on = replydraft::parse_date("2026-12-06").unwrap();
    // Approved when the input's length is even, retired when odd.
    let decision = if data.len() % 2 == 0 { Decision::Approve { by: "Jo Bloggs".into(), on } } else { Decision::Retire };
    let files = |t: &str| vec![("lines.toml".to_string(), t.to_string())];
    let before = Library::from_files(files(text)).ok();
    let hash = before.as_ref().and_then(|l| l.block(id)).map(|b| b.approval_hash());
    let hash = hash.unwrap_or_else(|| "v2:sha256:00".into());
    let Ok(out) = record_decision("lines.toml", text, id, &hash, &decision) else { return };
    if let Err(e) = out.parse::<toml_edit::DocumentMut>() {
        panic!("the edit is not TOML: {e}\n{out}");
    }
    assert_eq!(out.starts_with('\u{feff}'), text.starts_with('\u{feff}'), "the byte-order mark");
    let bare_lf = |t: &str| t.bytes().enumerate().any(|(i, b)| b == b'\n' && (i == 0 || t.as_bytes()[i - 1] != b'\r'));
    if text.contains("\r\n") && !bare_lf(text) {
        assert!(!bare_lf(&out), "CRLF line endings kept:\n{out:?}");
    }
    if before.as_ref().is_some_and(|l| l.block(id).is_some()) {
        let after = Library::from_files(files(&out)).unwrap_or_else(|e| panic!("the edit does not load: {e}\n{out}"));
        let state = after.block(id).map(|b| b.approval());
        match decision {
            Decision::Approve { .. } => assert!(matches!(state, Some(Approval::Approved { .. })), "{state:?}\n{out}"),
            _ => assert_eq!(state, Some(Approval::Retired), "{out}"),
        }
    }
});
