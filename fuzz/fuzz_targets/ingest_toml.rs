//! Ingest output: whatever the letters and their file names hold, the written TOML
//! loads, and every proposed block renders its text literally.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Letters separated by U+001E; a letter's name before U+001F.
    let letters: Vec<(String, String)> = text
        .split('\u{1e}')
        .map(|l| match l.split_once('\u{1f}') {
            Some((name, body)) => (name.to_string(), body.to_string()),
            None => ("letter.txt".to_string(), l.to_string()),
        })
        .collect();
    let mut corpus = replydraft::Corpus::new();
    corpus.add(letters);
    let mut options = replydraft::IngestOptions::new(replydraft::parse_date("2026-11-22").unwrap());
    options.min_letters = 1;
    let proposed = corpus.propose(&options);
    let toml = corpus.to_toml(&proposed, &options);
    let files = [
        ("ingested.toml".to_string(), toml.clone()),
        ("senders.toml".to_string(), "[[sender]]\nid = \"s\"\nname = \"S\"\noffice_title = \"MP\"\n".to_string()),
        ("layouts/letter.txt.hbs".to_string(), "{{#each paragraphs}}{{this.text}}\n{{/each}}".to_string()),
    ];
    let desk = replydraft::Desk::new(replydraft::Library::from_files(files).unwrap_or_else(|e| panic!("{e}\n{toml}")));
    if proposed.is_empty() {
        return;
    }
    let mut request = replydraft::DraftRequest::new("ingested", replydraft::parse_date("2026-11-22").unwrap());
    request.sender = Some("s".into());
    let draft = desk.draft(&request).unwrap();
    for p in &proposed {
        assert!(draft.text.contains(&p.text), "block text rendered literally: {:?}", p.text);
    }
});
