//! CSV recipients, drafted in bulk.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static LIBRARY: LazyLock<replydraft::Library> = LazyLock::new(|| replydraft::Library::embedded().unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = replydraft::recipients(data, "fuzz.csv") else { return };
    let request = replydraft::DraftRequest::new("review-disparities", replydraft::parse_date("2021-02-24").unwrap());
    let mut bulk = LIBRARY.bulk(&request).unwrap();
    let mut out = String::new();
    for (_, _, r) in rows.take(50) {
        if let Ok(r) = r {
            out.clear();
            let _ = bulk.render_into(&r, &mut out);
            let _ = bulk.json_line_into(1, &r, &mut out);
        }
    }
});
