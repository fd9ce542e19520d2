//! CSV recipients, drafted in bulk: every row's bulk letter is byte for byte the letter
//! drafted for that recipient alone.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static DESK: LazyLock<replydraft::Desk> =
    LazyLock::new(|| replydraft::Desk::new(replydraft::Library::embedded().unwrap()));

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = replydraft::recipients(data, "fuzz.csv") else { return };
    let request = replydraft::DraftRequest::new("review-disparities", replydraft::parse_date("2021-02-24").unwrap());
    let mut bulk = DESK.bulk(&request).unwrap();
    let mut out = String::new();
    for (_, _, r) in rows.take(50) {
        if let Ok(r) = r {
            out.clear();
            let merged = bulk.render_into(&r, &mut out).map(|()| out.clone());
            let mut alone = request.clone();
            alone.recipient = r.clone();
            let drafted = DESK.draft(&alone).map(|d| d.text);
            match (&merged, &drafted) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "bulk equals draft"),
                (Err(_), Err(_)) => {}
                _ => panic!("bulk and draft disagree on whether the row drafts: {merged:?} vs {drafted:?}"),
            }
            let _ = bulk.json_line_into(1, &r, &mut out);
        }
    }
});
