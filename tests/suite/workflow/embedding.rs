//! A program embedding the crate gets the command line's guarantees from the library:
//! the approval and stale gates of a bulk run, a stop that leaves nothing behind, and
//! typed errors that say where and never name a flag.

use crate::common::{d, scratch};
use replydraft::{BulkOptions, BulkOutput, BulkRun, Cleanup, CorrespondenceLog, Desk, DraftRequest, Error, Library};

/// One sender, one topic, one block that nobody has approved (with the embedded library's layouts).
fn unapproved_library() -> Library {
    let text = "[[sender]]\nid = \"mp\"\nname = \"A Member\"\noffice_title = \"Member of Parliament\"\n\
                signoff = \"Yours sincerely,\"\nsignature = [\"A Member MP\"]\n\n[[topic]]\nid = \"roads\"\n\
                title = \"Roads\"\nsender = \"mp\"\nblocks = [\"opening\"]\n\n\
                [[block]]\nid = \"opening\"\ntitle = \"Opening\"\nrole = \"opening\"\n\
                text = \"Thank you for writing to me.\"\nas_of = 2026-01-05\nstatus = \"draft\"\n";
    let dir = scratch("embedding-library");
    std::fs::write(dir.join("lines.toml"), text).unwrap();
    // With the embedded library's layouts (as `--library default --library DIR`).
    Library::combine([std::path::Path::new("default"), &dir]).unwrap()
}

const PEOPLE: &str = "name,email\nAnn Lee,ann@example.org\nBo Li,bo@example.org\n";

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

#[test]
fn a_bulk_run_has_the_approval_gate() {
    let desk = Desk::new(unapproved_library());
    let request = DraftRequest::new("roads", d("2026-12-01"));
    let Err(refused) = BulkRun::new(&desk, &request, BulkOptions::default()) else { panic!("not refused") };
    let Error::Unapproved { blocks } = &refused else { panic!("{refused:?}") };
    assert_eq!(blocks.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["opening"]);
    assert!(!refused.to_string().contains("--"), "a library error names no flag: {refused}");

    let mut options = BulkOptions::default();
    options.allow_unapproved = true;
    let dir = scratch("embedding-approval");
    let mut run = BulkRun::new(&desk, &request, options).unwrap();
    let mut skipped = Vec::new();
    let mut events = |e: replydraft::BulkEvent<'_>| {
        if let replydraft::BulkEvent::Skipped(e) = e {
            skipped.push(e.to_string())
        }
    };
    let done = run.run(PEOPLE.as_bytes(), "people.csv", BulkOutput::Dir(dir.join("out")), &Cleanup::new(), &mut events);
    assert_eq!(done.unwrap().written, 2, "{skipped:?}");
}

#[test]
fn a_bulk_run_has_the_stale_gate_and_writes_nothing_stale() {
    // The framework care-review says "will be developed" was published in December 2023.
    let desk = Desk::new(Library::embedded().unwrap());
    let request = DraftRequest::new("care-review", d("2026-11-22"));
    let dir = scratch("embedding-stale");
    let mut options = BulkOptions::default();
    options.allow_unapproved = true;
    options.log = Some(dir.join("office.db"));
    let mut run = BulkRun::new(&desk, &request, options.clone()).unwrap();
    let out = dir.join("refused");
    let done = run.run(PEOPLE.as_bytes(), "people.csv", BulkOutput::Dir(out.clone()), &Cleanup::new(), &mut |_| {});
    assert!(matches!(done, Err(Error::Stale { errors }) if errors > 0), "{done:?}");
    assert!(run.findings().iter().any(|f| f.severity == replydraft::Severity::Error));
    assert_eq!(files_in(&out), 0, "nothing written");
    assert_eq!(CorrespondenceLog::open(&dir.join("office.db")).unwrap().len().unwrap(), 0, "nothing logged");

    options.allow_stale = true;
    let mut run = BulkRun::new(&desk, &request, options).unwrap();
    let out = dir.join("allowed");
    let done = run.run(PEOPLE.as_bytes(), "people.csv", BulkOutput::Dir(out.clone()), &Cleanup::new(), &mut |_| {});
    let summary = done.unwrap();
    assert_eq!((summary.written, files_in(&out)), (2, 2));
    assert!(replydraft::stale_gate(&summary.findings).is_err(), "the findings say what is stale");
}

#[test]
fn a_stopped_run_begins_no_file_and_leaves_no_temporary_file() {
    let desk = Desk::new(Library::embedded().unwrap());
    let request = DraftRequest::new("care-funding", d("2022-08-16"));
    let dir = scratch("embedding-stop");
    let cleanup = Cleanup::new();
    cleanup.stop();
    for (output, strict) in [
        (BulkOutput::JsonLines(dir.join("letters.jsonl")), false),
        (BulkOutput::Dir(dir.join("out")), false),
        (BulkOutput::Dir(dir.join("staged")), true),
    ] {
        let mut options = BulkOptions::default();
        options.strict = strict;
        let mut run = BulkRun::new(&desk, &request, options).unwrap();
        let done = run.run(PEOPLE.as_bytes(), "people.csv", output, &cleanup, &mut |_| {});
        assert!(matches!(done, Err(Error::Interrupted)), "{done:?}");
    }
    assert!(!dir.join("letters.jsonl").exists());
    assert_eq!(files_in(&dir.join("out")) + files_in(&dir.join("staged")), 0);
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.iter().all(|n| !n.to_string_lossy().starts_with(replydraft::cli::TEMP_PREFIX)), "{left:?}");
}

#[test]
fn errors_are_typed_say_where_and_keep_their_source() {
    let desk = Desk::new(Library::embedded().unwrap());
    let e = desk.draft(&DraftRequest::new("care-fundin", d("2026-12-01"))).unwrap_err();
    assert!(
        matches!(&e, Error::Unknown { what: "topic", name, suggestion: Some(s) } if name == "care-fundin" && s == "care-funding"),
        "{e:?}"
    );
    assert_eq!(e.to_string(), "unknown topic `care-fundin` (did you mean `care-funding`?)");

    let (row, line, bad) = replydraft::recipients("name,email\nAnn\n".as_bytes(), "r.csv").unwrap().next().unwrap();
    let e = bad.unwrap_err();
    assert!(matches!(&e, Error::Csv { file, line: 2, row: Some(1), .. } if file == "r.csv"), "{e:?}");
    assert_eq!((row, line), (1, 2));

    let e = replydraft::parse_date("2023-02-30").unwrap_err();
    assert!(matches!(&e, Error::Value { what: "date", value, .. } if value == "2023-02-30"), "{e:?}");

    // A log whose database is damaged: SQLite's own error is the source.
    let dir = scratch("embedding-errors");
    let db = dir.join("damaged.db");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(std::iter::repeat_n(0xA5u8, 4096));
    std::fs::write(&db, bytes).unwrap();
    let Err(e) = CorrespondenceLog::open(&db) else { panic!("a damaged log is refused") };
    assert!(matches!(e, Error::Database { .. }), "{e:?}");
    assert!(std::error::Error::source(&e).is_some(), "{e:?}");

    // A file that exists: the library says so; the command line adds which flag replaces it.
    let taken = dir.join("taken.txt");
    std::fs::write(&taken, "x").unwrap();
    let e = replydraft::cli::write_atomic(&taken, b"y", false).unwrap_err();
    assert!(matches!(e, Error::Exists { .. }) && !e.to_string().contains("--force"), "{e}");
}
