//! Nothing recorded as sent that was not written (issue 25): the correspondence log
//! against what killed, interrupted and failing runs actually wrote, and the review
//! page against a letter that failed.

use crate::common::{replydraft, run, scratch};
use replydraft::{CorrespondenceLog, LogQuery};
use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// `n` recipients, each with their own email, as `r.csv` in `dir`.
fn people(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("name,email\n");
    for i in 0..n {
        text.push_str(&format!("Person {i},p{i}@example.org\n"));
    }
    let path = dir.join("r.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// `bulk` of care-funding (not stale at 2026-11-23) to `csv`, with `extra`, logged in `db`.
fn spawn_bulk(csv: &Path, db: &Path, extra: &[&std::ffi::OsStr]) -> Child {
    replydraft()
        .args(["bulk", "--topic", "care-funding", "--date", "2026-11-23", "--recipients"])
        .arg(csv)
        .arg("--log")
        .arg(db)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Letters the log holds in any state (pending too), read without settling anything.
fn letters_in(db: &Path) -> i64 {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let Ok(conn) = rusqlite::Connection::open_with_flags(db, flags) else { return 0 };
    conn.query_row("SELECT count(*) FROM letters", [], |r| r.get(0)).unwrap_or(0)
}

/// Waits (up to `limit`) until `ready`; whether it came.
fn wait_for(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while !ready() {
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    true
}

fn signal(child: &Child, name: &str) {
    assert!(std::process::Command::new("kill").args([name, &child.id().to_string()]).status().unwrap().success());
}

/// The outputs the log (opened, so settled) records as sent.
fn logged_outputs(db: &Path) -> BTreeSet<String> {
    let log = CorrespondenceLog::open(db).unwrap();
    log.query(&LogQuery::default()).unwrap().into_iter().filter_map(|s| s.output).collect()
}

fn absolute(p: &Path) -> String {
    std::path::absolute(p).unwrap().display().to_string()
}

/// The letters (`.txt`) in `dir`, as absolute paths.
fn letters_on_disk(dir: &Path, keep: impl Fn(&Path) -> bool) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && keep(p))
        .map(|p| absolute(&p))
        .collect()
}

#[test]
fn a_killed_forced_jsonl_run_logs_nothing_its_file_never_got() {
    // 25.1: the earlier run's FILE was taken as proof that every pending letter was sent.
    let dir = scratch("rec-jsonl-force");
    let (db, out) = (dir.join("office.db"), dir.join("out.jsonl"));
    let csv = people(&dir, 400_000);
    let earlier = "{\"row\":1,\"name\":\"an earlier run\",\"email\":null,\"text\":\"\"}\n";
    std::fs::write(&out, earlier).unwrap();
    let mut child = spawn_bulk(&csv, &db, &["--jsonl".as_ref(), out.as_os_str(), "--force".as_ref()]);
    assert!(wait_for(Duration::from_secs(60), || letters_in(&db) > 0), "the run never logged a letter");
    signal(&child, "-TERM");
    child.wait().unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), earlier, "the killed run never replaced the file");
    let log = CorrespondenceLog::open(&db).unwrap();
    assert_eq!(log.len().unwrap(), 0, "no letter of the killed run reached the file");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_killed_forced_out_run_logs_only_the_files_it_replaced() {
    // 25.1: with --out DIR --force, the earlier run's files confirmed a whole pending batch.
    let dir = scratch("rec-out-force");
    let (db, out) = (dir.join("office.db"), dir.join("out"));
    let csv = people(&dir, 20_000);
    std::fs::create_dir_all(&out).unwrap();
    const EARLIER: &str = "an earlier run's letter\n";
    for row in 1..=8192 {
        let name = replydraft::cli::letter_file_name(row, Some(&format!("Person {}", row - 1)), "txt");
        std::fs::write(out.join(name), EARLIER).unwrap();
    }
    let mut child = spawn_bulk(&csv, &db, &["--out".as_ref(), out.as_os_str(), "--force".as_ref()]);
    let replaced = |p: &Path| std::fs::read(p).is_ok_and(|b| b != EARLIER.as_bytes());
    let tenth = out.join("000010-person-9.txt");
    assert!(wait_for(Duration::from_secs(60), || replaced(&tenth)), "the run never wrote");
    child.kill().unwrap(); // SIGKILL: nothing of the run's own runs
    child.wait().unwrap();
    let written = letters_on_disk(&out, replaced);
    assert!(!written.is_empty() && written.len() < 8192, "killed within the first batch: {}", written.len());
    let logged = logged_outputs(&db);
    assert!(logged == written, "{} logged, {} written by the run: must be the same files", logged.len(), written.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn letters_still_in_the_output_buffer_are_not_logged() {
    // 25.2: standard output's buffer held letters the log already called sent. A one-line
    // letter: 8,192 of them (one log batch) fit in the output buffer. Standard output is
    // a pipe nobody reads until the run is ended.
    let dir = scratch("rec-stdout");
    std::fs::create_dir_all(dir.join("lib/layouts")).unwrap();
    std::fs::write(
        dir.join("lib/lines.toml"),
        "[[sender]]\nid = \"mp\"\nname = \"A Member\"\noffice_title = \"MP\"\n\n[[topic]]\nid = \"roads\"\ntitle = \"Roads\"\nsender = \"mp\"\n\
         blocks = [\"thanks\"]\n\n[[block]]\nid = \"thanks\"\ntitle = \"Thanks\"\nrole = \"opening\"\n\
         text = \"Thank you.\"\nas_of = 2026-01-05\n",
    )
    .unwrap();
    std::fs::write(dir.join("lib/layouts/letter.txt.hbs"), "{{salutation}}\n").unwrap();
    let db = dir.join("office.db");
    let csv = people(&dir, 100_000);
    let mut child = replydraft()
        .args(["bulk", "--allow-unapproved", "--topic", "roads", "--date", "2026-11-23", "--jsonl", "-", "--library"])
        .arg(dir.join("lib"))
        .arg("--recipients")
        .arg(&csv)
        .arg("--log")
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The run fills the pipe and waits; whatever it logs meanwhile must have left it.
    wait_for(Duration::from_millis(1500), || letters_in(&db) > 0);
    signal(&child, "-TERM");
    let mut received = BTreeSet::new();
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).split(b'\n') {
        let line = line.unwrap();
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) {
            received.insert(format!("email:{}", v["email"].as_str().unwrap()));
        }
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    let log = CorrespondenceLog::open(&db).unwrap();
    let logged: BTreeSet<String> = log.query(&LogQuery::default()).unwrap().into_iter().map(|s| s.recipient).collect();
    let lost: Vec<&String> = logged.difference(&received).collect();
    assert!(lost.is_empty(), "{} letters logged that the reader never got (of {})", lost.len(), logged.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn skip_sent_never_skips_someone_whose_letter_failed() {
    // 25.3: Ann's first letter could not be written (a file stood there), yet her second
    // row was skipped as "was sent a letter".
    let dir = scratch("rec-skip");
    let (db, out) = (dir.join("office.db"), dir.join("out"));
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("000001-ann-lee.txt"), "someone else's file\n").unwrap();
    let csv = dir.join("r.csv");
    std::fs::write(&csv, "name,email\nAnn Lee,ann@example.org\nBob Roe,bob@example.org\nAnn Lee,ann@example.org\n")
        .unwrap();
    // The row in the way is a bad row: the run accepts it (or is strict).
    for extra in [&["--allow-bad-rows"][..], &["--strict"][..]] {
        let (code, _, err) = run(&[
            &["bulk", "--topic", "care-funding", "--date", "2026-11-23", "--skip-sent", "--recipients"][..],
            &[csv.to_str().unwrap(), "--out", out.to_str().unwrap(), "--log", db.to_str().unwrap()],
            extra,
        ]
        .concat());
        if extra != ["--strict"] {
            assert_eq!(code, 0, "{err}");
            assert!(err.contains("row 1") && err.contains("exists already"), "{err}");
            assert!(!err.contains("Ann Lee was sent a letter"), "{err}");
            assert!(err.contains("2 letters written"), "{err}");
            assert!(out.join("000003-ann-lee.txt").is_file());
        } else {
            // Everyone was sent a letter by now; the file in the way is not reached.
            assert_eq!(code, 0, "{err}");
            assert!(err.contains("0 letters written"), "{err}");
        }
    }
    let logged = logged_outputs(&db);
    let expected: BTreeSet<String> =
        ["000002-bob-roe.txt", "000003-ann-lee.txt"].iter().map(|n| absolute(&out.join(n))).collect();
    assert_eq!(logged, expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_pending_batch_whose_pid_was_reused_is_settled() {
    // 25.6: a killed run's PID, now another live process's, kept its batch pending for ever.
    let dir = scratch("rec-pid");
    let (db, out) = (dir.join("office.db"), dir.join("out"));
    let csv = people(&dir, 20_000);
    let mut child = spawn_bulk(&csv, &db, &["--out".as_ref(), out.as_os_str()]);
    assert!(wait_for(Duration::from_secs(60), || std::fs::read_dir(&out).map_or(0, |d| d.count()) >= 20));
    child.kill().unwrap();
    child.wait().unwrap();
    // Another process now has the PID the killed run recorded.
    let mut other = std::process::Command::new("sleep").arg("30").spawn().unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let moved = conn.execute("UPDATE batches SET pid = ?1 WHERE state = 0", [other.id()]).unwrap();
    assert!(moved > 0, "the killed run left a pending batch");
    drop(conn);
    let written = letters_on_disk(&out, |_| true);
    let logged = logged_outputs(&db);
    other.kill().unwrap();
    other.wait().unwrap();
    assert!(!written.is_empty());
    assert!(
        logged == written,
        "{} logged, {} on disk: the killed run's letters are settled",
        logged.len(),
        written.len()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sigterm_during_an_out_run_leaves_no_temporary_file() {
    // 25.7: an interrupted `--out DIR` run left a `.replydraft-PID-*.tmp` while saying
    // "no partial output left". Several runs, each ended at a different moment.
    let dir = scratch("rec-sigterm-out");
    let csv = people(&dir, 20_000);
    for attempt in 0..4 {
        let out = dir.join(format!("out{attempt}"));
        let mut child = replydraft()
            .args(["bulk", "--topic", "care-funding", "--date", "2026-11-23", "--recipients"])
            .arg(&csv)
            .arg("--out")
            .arg(&out)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let files = || std::fs::read_dir(&out).map_or(0, |d| d.count());
        assert!(wait_for(Duration::from_secs(60), || files() >= 5 + attempt * 7));
        signal(&child, "-TERM");
        let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
        assert_eq!(child.wait().unwrap().code(), Some(130), "{stderr}");
        assert!(stderr.contains("no partial output left"), "{stderr}");
        let temps: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(".replydraft-"))
            .collect();
        assert!(temps.is_empty(), "attempt {attempt}: {temps:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_letter_that_fails_leaves_no_review_page() {
    // 25.18: the review page was written before the letter, and stayed when it failed.
    let dir = scratch("rec-review");
    let (letter, review) = (dir.join("reply.txt"), dir.join("reply.html"));
    let draft = || {
        let (letter, review) = (letter.to_str().unwrap(), review.to_str().unwrap());
        run(&["draft", "--topic", "care-funding", "--date", "2026-11-23", "--out", letter, "--review", review])
    };
    std::fs::write(&letter, "a letter already here\n").unwrap();
    let (code, _, err) = draft();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("exists already"), "{err}");
    assert!(!review.exists(), "a failure leaves no file");
    assert_eq!(std::fs::read_to_string(&letter).unwrap(), "a letter already here\n");
    // And the other way round: a review page in the way leaves no letter.
    std::fs::remove_file(&letter).unwrap();
    std::fs::write(&review, "a page already here\n").unwrap();
    let (code, _, err) = draft();
    assert_eq!(code, 2, "{err}");
    assert!(!letter.exists(), "a failure leaves no file");
    std::fs::remove_dir_all(&dir).unwrap();
}
