//! Drafting benchmarks: loading the embedded library, and drafting one letter.

use criterion::{Criterion, criterion_group, criterion_main};
use replydraft::{DraftRequest, Library, parse_date};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    c.bench_function("load embedded library", |b| b.iter(|| black_box(Library::embedded().unwrap())));
    let library = Library::embedded().unwrap();
    let mut request = DraftRequest::new("care-review", parse_date("2026-11-22").unwrap());
    request.recipient.name = Some("Ann O'Brien".into());
    c.bench_function("draft one letter (with findings)", |b| b.iter(|| black_box(library.draft(&request).unwrap())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
