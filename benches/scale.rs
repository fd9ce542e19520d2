//! Scale benchmarks on synthetic corpora made from the real blocks (fixed seeds):
//! loading a library of 1k, 10k and 100k blocks (one file, or 100);
//! checking a letter against 100, 1k and 10k blocks; one check process (load 10k blocks and
//! check a letter, and building the index); one long sentence of 6k and 12k clauses; ingesting 1k and 10k letters;
//! grouping 10k messages into campaigns.

#[path = "synth.rs"]
mod synth;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use replydraft::{CheckOptions, Corpus, Desk, IngestOptions, Library, parse_date};
use std::hint::black_box;

fn check(c: &mut Criterion) {
    let sources = synth::source_paragraphs();
    let letter = synth::letters(1, &sources, 0.02, 5).remove(0).1;
    let mut options = CheckOptions::new(parse_date("2026-11-22").unwrap());
    // A written date, so that every time expression is judged.
    options.written = Some(parse_date("2023-03-01").unwrap());
    let mut group = c.benchmark_group("check one letter");
    for n in [100, 1_000, 10_000] {
        let desk = Desk::new(Library::from_files(synth::library_files(n, 42)).unwrap());
        desk.index(); // built once per library, not per letter
        group.bench_with_input(BenchmarkId::new("blocks", n), &desk, |b, desk| {
            b.iter(|| black_box(desk.check("bench", &letter, &options)))
        });
    }
    group.finish();
}

/// What one `check` of one letter does with a library of 10k blocks in one file: load
/// it, match the letter without building the index (a first letter is scanned), judge;
/// and, for comparison, building the whole index.
fn check_process(c: &mut Criterion) {
    let files = synth::library_files(10_000, 42);
    let sources = synth::source_paragraphs();
    let letter = synth::letters(1, &sources, 0.02, 5).remove(0).1;
    let options = CheckOptions::new(parse_date("2026-11-22").unwrap());
    let mut group = c.benchmark_group("one check process");
    group.sample_size(10);
    group.bench_function("load 10k blocks and check one letter", |b| {
        b.iter(|| {
            let desk = Desk::new(Library::from_files(files.clone()).unwrap());
            black_box(desk.check("bench", &letter, &options).findings.len())
        })
    });
    let library = Library::from_files(files.clone()).unwrap();
    group.bench_function("build the index of 10k blocks", |b| {
        b.iter(|| black_box(replydraft::BlockIndex::build(&library).len()))
    });
    group.finish();
}

/// Loading a library (parse, validate, register templates) of 1k, 10k and 100k blocks,
/// written as one file (the form `ingest` writes) and split over 100 files, from file
/// contents in memory.
fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load library");
    group.sample_size(10);
    for n in [1_000, 10_000, 100_000] {
        let one = synth::library_files(n, 42);
        let split: Vec<(String, String)> = {
            let text = &one[0].1;
            let blocks: Vec<&str> = text.split("[[block]]").filter(|b| !b.trim().is_empty()).collect();
            blocks
                .chunks(blocks.len().div_ceil(100))
                .enumerate()
                .map(|(i, c)| (format!("blocks-{i:03}.toml"), c.iter().map(|b| format!("[[block]]{b}")).collect()))
                .collect()
        };
        group.throughput(Throughput::Elements(n as u64));
        for (form, files) in [("one file", &one), ("100 files", &split)] {
            // The files are in memory (copied outside the timing); the library is
            // returned, and freed outside the timing (the command line never frees it).
            group.bench_with_input(BenchmarkId::new(form, n), files, |b, files| {
                b.iter_batched(
                    || files.clone(),
                    |files| Library::from_files(files).unwrap(),
                    criterion::BatchSize::PerIteration,
                )
            });
        }
    }
    group.finish();
}

/// One "sentence" of many findings with no sentence end or line break: each finding
/// used to scan back to the start of its sentence (quadratic); doubling the clauses
/// should double the time.
fn long_sentence(c: &mut Criterion) {
    let desk = Desk::new(Library::embedded().unwrap());
    let options = CheckOptions::new(parse_date("2026-11-22").unwrap());
    let mut group = c.benchmark_group("check one sentence");
    group.sample_size(10);
    for n in [6_000, 12_000] {
        let letter = "we will fund it by 2024-25 and ".repeat(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("clauses", n), &letter, |b, letter| {
            b.iter(|| black_box(desk.check("bench", letter, &options).findings.len()))
        });
    }
    group.finish();
}

fn ingest(c: &mut Criterion) {
    let sources = synth::distinct_sources();
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    for n in [1_000, 10_000] {
        let letters: Vec<(String, String)> =
            synth::letters(n, &sources, 0.03, 9).into_iter().map(|(name, text, _)| (name, text)).collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("letters", n), &letters, |b, letters| {
            b.iter(|| {
                let mut corpus = Corpus::new();
                corpus.add(letters.clone());
                let options = IngestOptions::new(parse_date("2026-11-22").unwrap());
                let proposed = corpus.propose(&options);
                black_box(corpus.to_toml(&proposed, &options).len())
            })
        });
    }
    group.finish();
}

fn campaigns(c: &mut Criterion) {
    let messages: Vec<(String, String)> =
        synth::campaign_messages(10_000, 40, 13).into_iter().map(|(n, t, _)| (n, t)).collect();
    let mut group = c.benchmark_group("campaigns");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("10k messages", |b| b.iter(|| black_box(replydraft::campaigns(&messages, 0.7).len())));
    group.finish();
}

criterion_group!(benches, load, check, check_process, long_sentence, ingest, campaigns);
criterion_main!(benches);
