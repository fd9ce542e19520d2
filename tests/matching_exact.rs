//! The candidate stage of block matching never loses the best block: on a library of
//! 10,000 near-duplicate blocks, the index finds the same best block as an exhaustive
//! comparison with every block (ties aside) for at least 99.5% of paragraphs.

#[path = "../benches/synth.rs"]
mod synth;

use replydraft::Library;

#[test]
fn indexed_matching_agrees_with_an_exhaustive_scan_at_10k_blocks() {
    let library = Library::from_files(synth::library_files(10_000, 42)).unwrap();
    let index = library.index();
    let sources = synth::source_paragraphs();
    let letters = synth::letters(60, &sources, 0.08, 11);
    let (mut total, mut agree, mut found) = (0, 0, 0);
    let mut misses = Vec::new();
    for (_, text, _) in &letters {
        for (s, e) in replydraft::text::paragraphs(text) {
            let para = &text[s..e];
            let exhaustive = index.best_exhaustive(&library, para, 0.6);
            let indexed = index.best(&library, para, 0.6);
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
