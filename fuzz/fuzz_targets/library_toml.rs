//! Library loading from arbitrary TOML text (with a layout, so drafts are tried too).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = [
        ("lib.toml".to_string(), text.to_string()),
        ("layouts/letter.txt.hbs".to_string(), "{{#each paragraphs}}{{this.text}}\n{{/each}}".to_string()),
    ];
    if let Ok(library) = replydraft::Library::from_files(files) {
        let desk = replydraft::Desk::new(library);
        let library = desk.library();
        let date = replydraft::parse_date("2026-11-22").unwrap();
        for topic in library.topics() {
            let _ = desk.draft(&replydraft::DraftRequest::new(topic.id.clone(), date));
        }
        let _ = desk.validate(date);
    }
});
