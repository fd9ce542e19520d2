//! The office's controls: the approval gate on standard lines (`approve`, `retire`,
//! what `draft`, `bulk` and `validate` make of them) and the correspondence log
//! (`--log`, `--skip-sent`, `replydraft log`, concurrent runs, a killed run, files
//! that are not logs).

use crate::common::{replydraft, run, scratch};
use replydraft::{Approval, CorrespondenceLog, Desk, Library, LogQuery, Proof, Sent, parse_date};
use std::path::Path;

/// A one-file library: a sender, a topic and two blocks, one a draft, with comments.
const LIBRARY: &str = r#"# The office's own lines. Keep this comment.
[[sender]]
id = "mp"
name = "A Member"
office_title = "Member of Parliament"
signoff = "Yours sincerely,"
signature = ["A Member MP"]

[[topic]]
id = "roads"
title = "Roads"
sender = "mp"
blocks = ["thanks", "potholes"]

[[block]]
id = "thanks"     # the opening line
title = "Thanks"
role = "opening"
text = "Thank you for writing to me."
as_of = 2026-01-05
status = "draft"

[[block]]
id = "potholes"
title = "Potholes"
role = "body"
text = "The council repairs potholes within 28 days of a report."
as_of = 2026-01-05
"#;

fn library_dir(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("lines.toml"), LIBRARY).unwrap();
    dir
}

fn csv(dir: &Path, rows: &[&str]) -> std::path::PathBuf {
    let path = dir.join("r.csv");
    std::fs::write(&path, format!("name,email,address\n{}\n", rows.join("\n"))).unwrap();
    path
}

#[test]
fn approving_records_who_when_and_the_text_and_keeps_the_file_as_written() {
    let dir = library_dir("approve");
    let lib = dir.to_str().unwrap();
    let (code, _, err) = run(&["approve", "thanks", "--by", "Jo Bloggs", "--date", "2026-12-06", "--library", lib]);
    assert_eq!(code, 0, "{err}");
    let after = std::fs::read_to_string(dir.join("lines.toml")).unwrap();
    // Only the record is added: comments, order and the other block as they were.
    assert!(after.starts_with("# The office's own lines. Keep this comment.\n"));
    assert!(after.contains("id = \"thanks\"     # the opening line\n"));
    assert!(after.contains(
        "status = \"approved\"\napproved_by = \"Jo Bloggs\"\napproved_on = 2026-12-06\napproved_hash = \"v2:sha256:"
    ));
    let removed: Vec<&str> = LIBRARY.lines().filter(|l| !after.contains(l)).collect();
    assert_eq!(removed, ["status = \"draft\""], "nothing else changed");
    let library = Library::load(&dir).unwrap();
    assert_eq!(
        library.block("thanks").unwrap().approval(),
        Approval::Approved { by: "Jo Bloggs".into(), on: parse_date("2026-12-06").unwrap() }
    );
    // An unknown block, or no library to edit: exit 2, the file untouched.
    let (code, _, err) = run(&["approve", "thanks-you", "--by", "Jo", "--library", lib]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown block `thanks-you`"), "{err}");
    let (code, _, _) = run(&["approve", "thanks", "--by", "Jo"]);
    assert_eq!(code, 2, "the embedded library is not edited");
    assert_eq!(std::fs::read_to_string(dir.join("lines.toml")).unwrap(), after);
}

#[test]
fn an_edited_text_is_no_longer_approved_and_bulk_refuses_it() {
    let dir = library_dir("approve-edit");
    let lib = dir.to_str().unwrap();
    assert_eq!(run(&["approve", "thanks", "--by", "Jo Bloggs", "--date", "2026-12-01", "--library", lib]).0, 0);
    let recipients = csv(&dir, &["Ann Lee,ann@example.org,1 High St"]);
    let out = dir.join("out");
    // With the default library's layouts and facts.
    let file = dir.join("lines.toml");
    let with_default = file.to_str().unwrap();
    let bulk = |extra: &[&str]| {
        let mut args = vec![
            "bulk",
            "--library",
            "default",
            "--library",
            with_default,
            "--topic",
            "roads",
            "--date",
            "2026-12-06",
            "--recipients",
            recipients.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--force",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    assert_eq!(bulk(&[]).0, 0, "approved blocks (and one approved before records) go out");
    // The text changes after approval.
    let text = std::fs::read_to_string(dir.join("lines.toml")).unwrap();
    std::fs::write(dir.join("lines.toml"), text.replace("Thank you for writing to me.", "Thanks for writing."))
        .unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    let (code, _, err) = bulk(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not approved: thanks (changed since approved by Jo Bloggs on 2026-12-01)"), "{err}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().count() == 0, "nothing written");
    assert_eq!(bulk(&["--allow-unapproved"]).0, 0);
    // draft marks it; validate lists it.
    let (code, _, err) = run(&[
        "draft",
        "--library",
        "default",
        "--library",
        with_default,
        "--topic",
        "roads",
        "--date",
        "2026-12-06",
        "--color",
        "never",
    ]);
    assert_eq!(code, 0);
    assert!(
        err.contains("warning[draft]: block `thanks` has changed since it was approved by Jo Bloggs on 2026-12-01"),
        "{err}"
    );
    let (_, out_text, _) =
        run(&["validate", "--library", "default", "--library", with_default, "--date", "2026-12-06"]);
    assert!(
        out_text.contains("awaiting approval: thanks (changed since approved by Jo Bloggs on 2026-12-01)"),
        "{out_text}"
    );
    assert!(out_text.contains("approved with no record of who approved them: 1 block (potholes;"), "{out_text}");
    // Retired: refused too.
    assert_eq!(run(&["retire", "potholes", "--library", lib]).0, 0);
    let (code, _, err) = bulk(&["--allow-unapproved"]);
    assert_eq!(code, 0, "--allow-unapproved lets retired blocks through too: {err}");
    let (code, _, err) = bulk(&[]);
    assert_eq!(code, 2);
    assert!(err.contains("potholes (retired)"), "{err}");
}

#[test]
fn validate_lists_drafts_and_approvals_due_again() {
    let dir = library_dir("approve-due");
    let text = LIBRARY.replace(
        "text = \"The council repairs potholes within 28 days of a report.\"\nas_of = 2026-01-05\n",
        "text = \"The council repairs potholes within 28 days of a report.\"\nas_of = 2026-01-05\nreview_by = 2026-06-01\n",
    );
    std::fs::write(dir.join("lines.toml"), text).unwrap();
    let lib = dir.to_str().unwrap();
    assert_eq!(run(&["approve", "potholes", "--by", "Jo", "--date", "2026-02-01", "--library", lib]).0, 0);
    let desk = Desk::new(Library::load(&dir).unwrap());
    let v = desk.validate(parse_date("2026-07-01").unwrap());
    assert_eq!(v.awaiting_approval, [("thanks".to_string(), "a draft".to_string())]);
    assert_eq!(
        v.approvals_due,
        [("potholes".to_string(), parse_date("2026-02-01").unwrap(), parse_date("2026-06-01").unwrap())]
    );
    // Before the review date, nothing is due.
    assert!(desk.validate(parse_date("2026-05-31").unwrap()).approvals_due.is_empty());
    // Approved again after the review date: no longer due.
    assert_eq!(run(&["approve", "potholes", "--by", "Jo", "--date", "2026-06-02", "--library", lib]).0, 0);
    let desk = Desk::new(Library::load(&dir).unwrap());
    assert!(desk.validate(parse_date("2026-07-01").unwrap()).approvals_due.is_empty());
}

#[test]
fn bulk_refuses_stale_letters_unless_allowed() {
    let dir = scratch("bulk-stale");
    let recipients = csv(&dir, &["Ann Lee,ann@example.org,1 High St"]);
    let out = dir.join("out");
    // The 2021-23 edition of care-review, drafted in 2025: its claims are out of date.
    let args = |extra: &'static str| {
        let mut v = vec![
            "bulk".to_string(),
            "--topic".into(),
            "care-review".into(),
            "--date".into(),
            "2025-06-01".into(),
            "--recipients".into(),
            recipients.display().to_string(),
            "--out".into(),
            out.display().to_string(),
        ];
        if !extra.is_empty() {
            v.push(extra.into());
        }
        v
    };
    let refused = replydraft().args(args("")).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-stale"));
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().count() == 0);
    let sent = replydraft().args(args("--allow-stale")).output().unwrap();
    assert_eq!(sent.status.code(), Some(0));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn the_log_records_every_letter_and_skip_sent_skips_who_had_one() {
    let dir = scratch("log-skip");
    let db = dir.join("office.db");
    let recipients = csv(
        &dir,
        &["Ann Lee,Ann@Example.org,1 High St", "Bob Roe,,\"2 Low St, Corby NN17 1AA\"", "Ann Lee,ann@example.org,"],
    );
    let bulk = |date: &str, out: &str, extra: &[&str]| {
        let mut v = vec![
            "bulk",
            "--topic",
            "care-funding",
            "--date",
            date,
            "--recipients",
            recipients.to_str().unwrap(),
            "--out",
            out,
            "--log",
            db.to_str().unwrap(),
        ];
        v.extend_from_slice(extra);
        run(&v)
    };
    let first = dir.join("first");
    let (code, _, err) = bulk("2026-11-23", first.to_str().unwrap(), &["--skip-sent"]);
    assert_eq!(code, 0, "{err}");
    // The same constituent twice in one campaign: the second row is skipped, and said so.
    assert!(err.contains("row 3: skipped: Ann Lee was sent a letter on care-funding on 2026-11-23"), "{err}");
    assert!(err.contains("2 letters written") && err.contains("1 recipient already sent"), "{err}");
    // A week later, a new run skips both; with --within 3, neither.
    let (code, _, err) = bulk("2026-11-30", dir.join("second").to_str().unwrap(), &["--skip-sent"]);
    assert_eq!(code, 0);
    assert!(err.contains("0 letters written") && err.contains("3 recipients already sent"), "{err}");
    let (code, _, err) = bulk("2026-11-30", dir.join("third").to_str().unwrap(), &["--skip-sent", "--within", "3"]);
    assert_eq!(code, 0);
    assert!(err.contains("2 letters written"), "{err}");
    // The log, queried.
    let (code, out, _) = run(&["log", "--log", db.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 0);
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 4, "{out}");
    assert!(out.starts_with("id,date,recipient,topic,blocks,findings,output\n"));
    let (_, ann, _) = run(&["log", "--log", db.to_str().unwrap(), "--recipient", "ANN@example.org"]);
    assert_eq!(ann.lines().count(), 2, "the key is the email, any case: {ann}");
    let (_, bob, _) = run(&["log", "--log", db.to_str().unwrap(), "--recipient", "Bob Roe", "--since", "2026-11-24"]);
    assert_eq!(bob.lines().count(), 1, "{bob}");
    assert!(bob.contains("name:bob roe|NN171AA"));
    let (_, json, _) = run(&["log", "--log", db.to_str().unwrap(), "--topic", "care-funding", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first_letter = &v.as_array().unwrap()[0];
    assert_eq!(first_letter["recipient"], "email:ann@example.org");
    let blocks = first_letter["blocks"].as_array().unwrap();
    assert!(blocks.iter().all(|b| b[1].as_str().unwrap().starts_with("sha256:")));
    assert!(Path::new(first_letter["output"].as_str().unwrap()).is_file());
}

#[test]
fn two_runs_at_once_both_record_every_letter() {
    let dir = scratch("log-concurrent");
    let db = dir.join("office.db");
    let rows: Vec<String> = (0..3000).map(|i| format!("Person {i},p{i}@example.org,")).collect();
    let recipients = csv(&dir, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    let spawn = |n: usize| {
        replydraft()
            .args(["bulk", "--topic", "care-funding", "--date", "2026-11-23", "--recipients"])
            .arg(&recipients)
            .arg("--jsonl")
            .arg(dir.join(format!("run{n}.jsonl")))
            .arg("--log")
            .arg(&db)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // The log exists first (as in an office), then two runs write to it at once.
    CorrespondenceLog::open(&db).unwrap();
    let (mut a, mut b) = (spawn(1), spawn(2));
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    let log = CorrespondenceLog::open(&db).unwrap();
    assert_eq!(log.len().unwrap(), 6000);
    let mut q = LogQuery::default();
    q.recipient = Some("p2999@example.org".into());
    let both = log.query(&q).unwrap();
    assert_eq!(both.len(), 2);
    assert_ne!(both[0].output, both[1].output);
}

#[test]
fn a_killed_run_leaves_the_log_agreeing_with_the_files() {
    let dir = scratch("log-kill");
    let db = dir.join("office.db");
    let out = dir.join("out");
    let rows: Vec<String> = (0..20000).map(|i| format!("Person {i},p{i}@example.org,")).collect();
    let recipients = csv(&dir, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    let mut child = replydraft()
        .args(["bulk", "--topic", "care-funding", "--date", "2026-11-23", "--recipients"])
        .arg(&recipients)
        .arg("--out")
        .arg(&out)
        .arg("--log")
        .arg(&db)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL: no handler runs) once it has written some letters.
    let started = std::time::Instant::now();
    while std::fs::read_dir(&out).map_or(0, |d| d.count()) < 50 && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let files: std::collections::BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::path::absolute(p).unwrap().display().to_string())
        .collect();
    assert!(!files.is_empty() && files.len() < 20000, "killed mid-way: {} files", files.len());
    let log = CorrespondenceLog::open(&db).unwrap();
    let logged: std::collections::BTreeSet<String> =
        log.query(&LogQuery::default()).unwrap().into_iter().filter_map(|s| s.output).collect();
    assert_eq!(logged, files, "every file written is logged, and nothing else");
}

#[test]
fn a_file_that_is_not_a_log_or_is_newer_is_refused_and_left_alone() {
    let dir = scratch("log-bad");
    let not_db = dir.join("notes.db");
    std::fs::write(&not_db, "my notes, not a database\n").unwrap();
    let (code, _, err) = run(&["log", "--log", not_db.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a replydraft correspondence log"), "{err}");
    assert_eq!(std::fs::read_to_string(&not_db).unwrap(), "my notes, not a database\n");
    // Another program's SQLite database, and a log from a newer replydraft: made with
    // SQLite itself (through the log's own open, then changed).
    let other = dir.join("other.db");
    {
        let log = CorrespondenceLog::open(&other).unwrap();
        drop(log);
    }
    let newer = dir.join("newer.db");
    std::fs::copy(&other, &newer).unwrap();
    set_pragma(&other, "application_id", 7);
    set_pragma(&newer, "user_version", replydraft::LOG_SCHEMA_VERSION + 1);
    for (path, why) in [(&other, "another program's database"), (&newer, "written by a newer replydraft")] {
        let before = std::fs::read(path).unwrap();
        let e = CorrespondenceLog::open(path).unwrap_err().to_string();
        assert!(e.contains(why), "{e}");
        assert_eq!(std::fs::read(path).unwrap(), before, "left as it was");
        let (code, _, _) = run(&["log", "--log", path.to_str().unwrap()]);
        assert_eq!(code, 2);
    }
    // bulk and draft refuse before writing any letter.
    let out = dir.join("out.txt");
    let (code, _, _) =
        run(&["draft", "--topic", "care-funding", "--out", out.to_str().unwrap(), "--log", not_db.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(!out.exists());
}

/// Sets a header field of an SQLite file (`application_id` at byte 68, `user_version`
/// at byte 60, big-endian), as `PRAGMA` would.
fn set_pragma(path: &Path, name: &str, value: i32) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = if name == "application_id" { 68 } else { 60 };
    bytes[at..at + 4].copy_from_slice(&value.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn the_log_api_records_settles_and_queries() {
    let dir = scratch("log-api");
    let db = dir.join("api.db");
    let mut log = CorrespondenceLog::open(&db).unwrap();
    let d = parse_date("2026-12-06").unwrap();
    let blocks: std::sync::Arc<[(String, String)]> = vec![("thanks".to_string(), "sha256:00".to_string())].into();
    let (written, never) = (dir.join("written.txt"), dir.join("never-written.txt"));
    let mut a = Sent::new(Some("email:a@example.org".into()), "roads", blocks.clone(), d);
    a.output = Some(written.display().to_string());
    a.proof = Proof::file(&written, b"a letter");
    let mut b = Sent::new(Some("email:b@example.org".into()), "roads", blocks, d);
    b.output = Some(never.display().to_string());
    b.proof = Proof::file(&never, b"a letter");
    // Recorded pending, one letter written, then the process "ends" before confirming:
    // the next open settles.
    log.begin(&[a, b]).unwrap();
    std::fs::write(&written, "a letter").unwrap();
    drop(log);
    let log = CorrespondenceLog::open(&db).unwrap();
    let all = log.query(&LogQuery::default()).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].recipient, "email:a@example.org");
    assert_eq!(log.sent_on("roads", Some(d)).unwrap().len(), 1);
    assert!(log.sent_on("roads", Some(parse_date("2026-12-07").unwrap())).unwrap().is_empty());
}

#[test]
fn a_resumed_run_logs_only_the_letters_it_writes() {
    let dir = scratch("log-resume");
    let db = dir.join("office.db");
    let out = dir.join("out");
    let recipients = csv(&dir, &["Ann Lee,ann@example.org,", "Bob Roe,bob@example.org,", "Cy Dee,cy@example.org,"]);
    let bulk = |extra: &[&str]| {
        let mut v = vec![
            "bulk",
            "--topic",
            "care-funding",
            "--date",
            "2026-11-23",
            "--recipients",
            recipients.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--log",
            db.to_str().unwrap(),
        ];
        v.extend_from_slice(extra);
        run(&v)
    };
    assert_eq!(bulk(&[]).0, 0);
    // One letter lost; the run resumed: it writes that one again, and logs only it.
    let lost = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("bob"))
        .unwrap();
    std::fs::remove_file(&lost).unwrap();
    // The log shows Bob's letter sent: writing it again is a re-send (the guard, on with a log).
    let (code, _, err) = bulk(&["--resume", "--resend"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 already there"), "{err}");
    let log = CorrespondenceLog::open(&db).unwrap();
    let mut q = LogQuery::default();
    q.recipient = Some("bob@example.org".into());
    assert_eq!(log.query(&q).unwrap().len(), 2, "Bob's letter was written twice");
    q.recipient = Some("ann@example.org".into());
    assert_eq!(log.query(&q).unwrap().len(), 1, "Ann's was written once");
}
