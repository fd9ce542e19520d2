//! The same inputs give byte-identical outputs, whatever the thread count.

use crate::common;

fn run(args: &[&str], threads: &str) -> Vec<u8> {
    let out = common::replydraft().args(args).env("RAYON_NUM_THREADS", threads).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn draft_and_check_are_byte_identical_across_runs() {
    for args in [
        &["draft", "--topic", "care-strategy", "--date", "2026-11-22", "--format", "json", "--to", "Meg"][..],
        &[
            "draft",
            "--topic",
            "review-disparities",
            "--date",
            "2026-11-22",
            "--format",
            "html",
            "--field",
            "organisation=Kin",
            "--field",
            "letter_date=1 May",
        ][..],
        &[
            "check",
            "--date",
            "2026-11-22",
            "--format",
            "json",
            "seeds/000_dcdd2d49cfe08213.txt",
            "seeds/001_4243405b18865e51.txt",
            "seeds/002_a6cbfad96cc304f3.txt",
            "seeds/003_7118ba4b469bb5ac.txt",
            "seeds/004_b418f7ccc697bf29.txt",
        ][..],
        &["validate", "--date", "2026-11-22", "--format", "json"][..],
        &["suggest", "seeds/003_7118ba4b469bb5ac.txt"][..],
    ] {
        let a = run(args, "2");
        assert!(!a.is_empty());
        assert_eq!(a, run(args, "2"), "{args:?}");
    }
}

#[test]
fn bulk_ingest_and_campaigns_do_not_depend_on_the_thread_count() {
    let dir = common::scratch("det");
    let csv = dir.join("r.csv");
    let mut rows = String::from("name,email\n");
    for i in 0..500 {
        rows.push_str(&format!("Person {i},p{i}@example.org\n"));
    }
    std::fs::write(&csv, rows).unwrap();
    let csv = csv.to_str().unwrap();
    let bulk = [
        "bulk",
        "--allow-stale",
        "--topic",
        "care-review",
        "--date",
        "2026-11-22",
        "--recipients",
        csv,
        "--jsonl",
        "-",
    ];
    assert_eq!(run(&bulk, "1"), run(&bulk, "2"));

    let campaigns = ["campaigns", "--format", "json", "seeds", "tests/letters"];
    assert_eq!(run(&campaigns, "1"), run(&campaigns, "2"));

    for threads in ["1", "2"] {
        let out = dir.join(format!("ingest-{threads}.toml"));
        run(
            &[
                "ingest",
                "seeds",
                "tests/letters",
                "--as-of",
                "2026-11-22",
                "--min-letters",
                "1",
                "--out",
                out.to_str().unwrap(),
            ],
            threads,
        );
    }
    let a = std::fs::read(dir.join("ingest-1.toml")).unwrap();
    assert!(!a.is_empty());
    assert_eq!(a, std::fs::read(dir.join("ingest-2.toml")).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}
