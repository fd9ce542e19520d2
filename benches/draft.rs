//! Drafting benchmarks: loading the embedded library, drafting one letter, bulk
//! drafting 10,000 rows into JSON lines, reading the time expressions of a 2 kB
//! letter, and checking one against the full register.

#[path = "synth.rs"]
mod synth;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use replydraft::{Desk, DraftRequest, Library, parse_date, recipients};
use std::hint::black_box;

fn csv_rows(n: usize) -> String {
    let mut csv = String::from("name,email,address,ward\n");
    for i in 0..n {
        csv.push_str(&format!("Constituent {i},c{i}@example.org,{i} High Street;Daventry,Ward {}\n", i % 17));
    }
    csv
}

fn bench(c: &mut Criterion) {
    c.bench_function("load embedded library", |b| b.iter(|| black_box(Library::embedded().unwrap())));
    let desk = Desk::new(Library::embedded().unwrap());
    let mut request = DraftRequest::new("care-review", parse_date("2026-11-22").unwrap());
    request.recipient.name = Some("Ann O'Brien".into());
    c.bench_function("draft one letter (with findings)", |b| b.iter(|| black_box(desk.draft(&request).unwrap())));

    let csv = csv_rows(10_000);
    let mut group = c.benchmark_group("bulk");
    group.throughput(Throughput::Elements(10_000));
    group.sample_size(20);
    group.bench_function("10k rows to JSON lines (CSV parse included)", |b| {
        b.iter(|| {
            let mut bulk = desk.bulk(&request).unwrap();
            let mut out = String::with_capacity(1 << 16);
            let mut bytes = 0usize;
            for (row, _, r) in recipients(csv.as_bytes(), "bench.csv").unwrap() {
                out.clear();
                bulk.json_line_into(row, &r.unwrap(), &mut out).unwrap();
                bytes += out.len();
            }
            black_box(bytes)
        })
    });
    // The correspondence log: 10k letters recorded sent, in batches of 8,192 (as `bulk
    // --log` records them), into a fresh log each time (opening it not timed).
    let blocks: replydraft::BlockList = desk
        .resolve_blocks(&request)
        .unwrap()
        .iter()
        .map(|id| (id.clone(), replydraft::text_hash(&desk.library().block(id).unwrap().text)))
        .collect();
    let letters: Vec<replydraft::Sent> = (0..10_000)
        .map(|i| {
            let mut s = replydraft::Sent::new(
                Some(format!("email:c{i}@example.org")),
                "care-review",
                blocks.clone(),
                request.date,
            );
            s.output = Some("/srv/letters/run.jsonl".into());
            s
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("replydraft-bench-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut n = 0;
    group.bench_function("record 10k letters in the correspondence log", |b| {
        b.iter_batched(
            || {
                n += 1;
                let path = dir.join(format!("log{n}.db"));
                replydraft::CorrespondenceLog::open(&path).unwrap()
            },
            |mut log| {
                for chunk in letters.chunks(8192) {
                    black_box(log.record(chunk).unwrap());
                }
                log
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Time expressions in a 2.2 kB seed letter, and in eight different letters in turn (the
/// rules compiled once, outside the timing).
fn times(c: &mut Criterion) {
    let letter = include_str!("../seeds/003_7118ba4b469bb5ac.txt");
    let anchor = parse_date("2023-06-20").unwrap();
    let n = replydraft::timex::find(letter, anchor).len() as u64;
    let mut group = c.benchmark_group("times");
    group.throughput(Throughput::Elements(n));
    group.bench_function("2 kB letter", |b| b.iter(|| black_box(replydraft::timex::find(black_box(letter), anchor))));
    // Many different texts in turn (one letter repeated keeps every automaton warm and
    // hides what varied text costs): the five seed letters and the test letters, each
    // read against four anchors.
    let texts = [
        include_str!("../seeds/000_dcdd2d49cfe08213.txt"),
        include_str!("../seeds/001_4243405b18865e51.txt"),
        include_str!("../seeds/002_a6cbfad96cc304f3.txt"),
        include_str!("../seeds/003_7118ba4b469bb5ac.txt"),
        include_str!("../seeds/004_b418f7ccc697bf29.txt"),
        include_str!("../tests/letters/dentistry.txt"),
        include_str!("../tests/letters/housing.txt"),
        include_str!("../tests/letters/potholes.txt"),
    ];
    let anchors = ["2019-01-01", "2023-06-20", "2024-02-29", "2026-12-31"].map(|d| parse_date(d).unwrap());
    let bytes: usize = texts.iter().map(|t| t.len()).sum::<usize>() * anchors.len();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("varied letters, four anchors each", |b| {
        b.iter(|| {
            let mut n = 0;
            for anchor in anchors {
                for text in texts {
                    n += replydraft::timex::find(black_box(text), anchor).len();
                }
            }
            black_box(n)
        })
    });
    group.finish();
}

/// A 2 kB letter checked against the embedded library with the full register (3,315 MP
/// seat-terms, 1,934 appointments): every name and title found in one pass each. First
/// use in a process reads the register and builds the automata: timed separately.
fn register(c: &mut Criterion) {
    use replydraft::CheckOptions;
    let letter = include_str!("../seeds/003_7118ba4b469bb5ac.txt");
    let mut options = CheckOptions::new(parse_date("2026-11-22").unwrap());
    options.written = Some(parse_date("2023-02-17").unwrap());
    let mut group = c.benchmark_group("register");
    group.bench_function("first check of a process: load, read the register, build the automata, check", |b| {
        b.iter(|| {
            let desk = Desk::new(Library::embedded().unwrap());
            black_box(desk.check("", letter, &options).findings.len())
        })
    });
    let desk = Desk::new(Library::embedded().unwrap());
    desk.check("", letter, &options);
    group.bench_function("check a 2 kB letter (register read, automata built)", |b| {
        b.iter(|| black_box(desk.check("", black_box(letter), &options).findings.len()))
    });
    // Without its date, every expression is read a second time, against a distant anchor.
    let undated = CheckOptions::new(parse_date("2026-11-22").unwrap());
    let text = letter.replacen("16th August 2022", "", 1);
    group.bench_function("check a 2 kB letter whose date is unknown", |b| {
        b.iter(|| black_box(desk.check("", black_box(&text), &undated).findings.len()))
    });
    assert!(desk.check("", &text, &undated).written.is_none(), "the bench letter must have no date");
    // A 2 kB letter of time-sensitive claims and nothing else, written four years
    // before: every sentence's clauses are read (the lexicon is loaded before timing).
    let claims = time_sensitive_letter();
    let mut old = CheckOptions::new(parse_date("2026-11-22").unwrap());
    old.written = Some(parse_date("2022-03-01").unwrap());
    assert!(desk.check("", &claims, &old).findings.iter().any(|f| f.kind == "claim"));
    group.bench_function("check a 2 kB letter of time-sensitive claims written four years before", |b| {
        b.iter(|| black_box(desk.check("", black_box(&claims), &old).findings.len()))
    });
    group.finish();
}

/// About 2 kB of claims about a changing world, each class of the rule `claims`, with
/// timeless and courtesy sentences between them.
fn time_sensitive_letter() -> String {
    let sentences = [
        "Thank you for contacting me about the ferry timetable and the mooring levy.",
        "The Canal Boats Bill remains stuck in committee.",
        "The Treasury has opened a consultation on the mooring levy.",
        "The county council will be responsible for the new ferry terminal.",
        "Ministers would lower the cap on fares if the review recommends it.",
        "Grandparents deserve our thanks for all they do.",
        "I will press the Minister for a meeting about the ferry.",
        "This is the largest rise in ferry fares on record.",
        "The mooring scheme supports 42,000 boat owners across the county.",
        "It is important that every tenant knows their rights.",
        "The county council closed the ferry depot in 2015.",
    ];
    let mut body = String::new();
    while body.len() < 1900 {
        for s in sentences {
            body.push_str(s);
            body.push(' ');
        }
        body.push_str("\n\n");
    }
    format!("Dear Sam,\n\n{body}Yours sincerely,\n\nAnn Lee\n")
}

criterion_group!(benches, bench, times, register);
criterion_main!(benches);
