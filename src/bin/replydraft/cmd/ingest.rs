//! `ingest`: blocks proposed from a corpus of past letters, written as a library file.

use crate::Failure;
use crate::args::IngestArgs;
use crate::input::{corpus_paths, read_corpus};
use crate::options::{date_or_today, threshold};
use crate::output::{count, parent_dir, progress, sweep};
use replydraft::{Corpus, Error, IngestOptions};
use std::process::ExitCode;

pub fn run(a: IngestArgs) -> Result<ExitCode, Failure> {
    let similar = threshold(a.threshold)?;
    let mut options = IngestOptions::new(date_or_today(&a.as_of)?);
    options.threshold = similar;
    options.min_letters = a.min_letters.max(1);
    let path = a.out;
    if path.exists() && !a.force {
        return Err(Error::Exists { path: path.display().to_string() }.into());
    }
    sweep(parent_dir(&path));
    let paths = corpus_paths(&a.inputs)?;
    let bar = progress("letters read");
    let mut corpus = Corpus::new();
    for chunk in paths.chunks(2048) {
        let letters = read_corpus(chunk, a.strict)?;
        corpus.add(letters);
        bar.inc(chunk.len() as u64);
    }
    bar.set_message("grouping paragraphs");
    let proposed = corpus.propose(&options);
    bar.finish_and_clear();
    replydraft::cli::write_atomic(&path, corpus.to_toml(&proposed, &options).as_bytes(), a.force)?;
    let (l, p, d) = corpus.counts();
    eprintln!(
        "replydraft: {}, {} ({d} distinct): {} proposed in {}",
        count(l, "letter"),
        count(p, "paragraph"),
        count(proposed.len(), "block"),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
