//! The candidate stage of block matching never loses the best block: on a library of
//! 10,000 near-duplicate blocks, the index finds the same best block as an exhaustive
//! comparison with every block (ties aside) for at least 99.5% of paragraphs.

use crate::synth;

use replydraft::{Desk, Library};

#[test]
fn indexed_matching_agrees_with_an_exhaustive_scan_at_10k_blocks() {
    let desk = Desk::new(Library::from_files(synth::library_files(10_000, 42)).unwrap());
    let library = desk.library();
    let index = desk.index();
    let sources = synth::source_paragraphs();
    let letters = synth::letters(60, &sources, 0.08, 11);
    let (mut total, mut agree, mut found) = (0, 0, 0);
    let mut misses = Vec::new();
    for (_, text, _) in &letters {
        for (s, e) in replydraft::text::paragraphs(text) {
            let para = &text[s..e];
            let exhaustive = index.best_exhaustive(library, para, 0.6);
            let indexed = index.best(library, para, 0.6);
            total += 1;
            found += usize::from(exhaustive.is_some());
            let same = match (&indexed, &exhaustive) {
                (Some(a), Some(b)) => a.block == b.block || a.similarity == b.similarity,
                (None, None) => true,
                _ => false,
            };
            if same {
                agree += 1;
            } else {
                misses.push((para.chars().take(60).collect::<String>(), indexed, exhaustive));
            }
        }
    }
    assert!(total >= 200 && found * 10 >= total * 8, "a meaningful sample: {found} of {total} match");
    let rate = agree as f64 / total as f64;
    assert!(rate >= 0.995, "agreement {rate:.4} ({agree} of {total}); misses: {misses:#?}");
}

/// The first letters checked against a library are matched without building the
/// index (every block paragraph is compared with the letter's shingles): the answers
/// are exactly the index's, on near-duplicate blocks and on the embedded library's
/// templates with merge fields.
#[test]
fn matching_without_the_index_gives_the_index_answers() {
    let sources = synth::source_paragraphs();
    let mut cases: Vec<(Vec<(String, String)>, String)> = Vec::new();
    let files = synth::library_files(2_000, 42);
    for (_, text, _) in synth::letters(16, &sources, 0.08, 23) {
        cases.push((files.clone(), text));
    }
    let embedded = Library::embedded().unwrap();
    let filled = ["Pat Smith", "Ms Jo Bloggs", "£4 million", "the council"];
    for (i, b) in embedded.blocks().iter().filter(|b| b.text.contains("{{")).enumerate() {
        let text = b.text.replace("{{recipient.name}}", filled[i % filled.len()]);
        cases.push((Library::embedded_sources(), format!("Dear Sam,\n\n{text}\n\nYours sincerely,\n")));
    }
    let mut compared = 0;
    for (files, letter) in &cases {
        let fresh = Desk::new(Library::from_files(files.clone()).unwrap());
        let paras: Vec<&str> = replydraft::text::paragraphs(letter).into_iter().map(|(s, e)| &letter[s..e]).collect();
        let scanned = fresh.best_blocks(&paras, 0.6);
        let index = fresh.index();
        for (p, got) in paras.iter().zip(&scanned) {
            assert_eq!(got, &index.best(fresh.library(), p, 0.6), "paragraph {p:?}");
            compared += usize::from(got.is_some());
        }
    }
    assert!(compared >= 60, "a meaningful sample: {compared} matched paragraphs");
}
