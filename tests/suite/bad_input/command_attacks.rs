//! Regression tests for what the red-team passes found (issues 8 and 15), through the
//! command: temporary files, overwrites, devices and links, signals, all-or-nothing
//! runs, resuming, long names, link loops and pipes in corpora, CSV limits.

use crate::common::{replydraft, run, scratch};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn bulk_args(csv: &str) -> Vec<&str> {
    // The 2021-23 edition, stale at the date: these tests are about output, not claims.
    vec!["bulk", "--allow-stale", "--topic", "care-review", "--date", "2026-11-22", "--recipients", csv]
}

/// Writes `text` as `r.csv` in `dir`.
fn csv_in(dir: &Path, text: &str) -> std::path::PathBuf {
    let csv = dir.join("r.csv");
    std::fs::write(&csv, text).unwrap();
    csv
}

/// Every file in `dir` with its bytes, by name.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    names_in(dir).into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap())).collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    v.sort();
    v
}

#[test]
fn temp_files_are_exclusive_random_and_never_follow_links() {
    // 8.3: `.NAME.PID.tmp` was predictable and opened through a planted symlink.
    let dir = scratch("tmpfiles");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let out = dir.join("out.jsonl");
    let a = replydraft::cli::AtomicFile::create(&out, false).unwrap();
    let b = replydraft::cli::AtomicFile::create(&out, false).unwrap();
    let (ta, tb) = (a.temp_path().unwrap().to_path_buf(), b.temp_path().unwrap().to_path_buf());
    assert_ne!(ta, tb, "random names");
    assert!(ta.file_name().unwrap().to_string_lossy().starts_with(replydraft::cli::TEMP_PREFIX));
    drop((a, b));
    assert!(!ta.exists() && !tb.exists(), "dropped without commit: nothing left");
    // The output path itself a symlink: refused, with or without --force; the target untouched.
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    for force in [false, true] {
        assert!(replydraft::cli::write_atomic(&link, b"evil", force).is_err());
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_appears_meanwhile_is_never_overwritten() {
    // 8.4: checked at the start, renamed over at the end: two runs both "succeeded".
    let dir = scratch("noclobber");
    let out = dir.join("out.jsonl");
    let mut first = replydraft::cli::AtomicFile::create(&out, false).unwrap();
    let mut second = replydraft::cli::AtomicFile::create(&out, false).unwrap();
    std::io::Write::write_all(&mut first, b"first\n").unwrap();
    std::io::Write::write_all(&mut second, b"second\n").unwrap();
    first.commit().unwrap();
    let e = second.commit().unwrap_err().to_string();
    assert!(e.contains("exists already"), "{e}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "first\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn devices_and_pipes_are_written_through_never_replaced() {
    // 8.4: `--jsonl /dev/null --force` replaced the device node itself.
    let dir = scratch("fifo");
    let csv = csv_in(&dir, "name\nAnn\nBob\n");
    let fifo = dir.join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let mut args = bulk_args(csv.to_str().unwrap());
    args.extend(["--jsonl", fifo.to_str().unwrap(), "--force"]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(reader.join().unwrap().lines().count(), 2);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
    // A full disk: the error names the file.
    let mut args = bulk_args(csv.to_str().unwrap());
    args.extend(["--jsonl", "/dev/full", "--force"]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 2);
    assert!(err.contains("/dev/full"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Starts `bulk` reading recipients from a pipe that never sends a row, and waits
/// until its temporary output file exists.
fn waiting_bulk(dir: &Path) -> std::process::Child {
    let out = dir.join("out.jsonl");
    let mut args = bulk_args("-");
    args.extend(["--jsonl", out.to_str().unwrap()]);
    let child = replydraft().args(&args).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while !names_in(dir).iter().any(|n| n.starts_with(replydraft::cli::TEMP_PREFIX)) {
        assert!(started.elapsed() < Duration::from_secs(30), "the run never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

#[test]
fn signals_end_a_run_waiting_on_standard_input_and_leave_nothing() {
    // 8.8 and 15.8: Ctrl-C was ignored until a row arrived; SIGTERM and SIGHUP left
    // the temporary file behind.
    for signal in ["-INT", "-TERM", "-HUP"] {
        let dir = scratch(&format!("signal{signal}"));
        let mut child = waiting_bulk(&dir);
        assert!(std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap().success());
        // A guard against a hang, not a performance claim: the run must end at all.
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("{signal}: still running 20 s after the signal");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert_eq!(status.code(), Some(130), "{signal}");
        assert!(names_in(&dir).is_empty(), "{signal}: {:?}", names_in(&dir));
        drop(child.stdin.take());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn stale_temp_files_of_killed_runs_are_removed_on_start() {
    // 15.8: SIGKILL and a full disk leave temporary files no later run cleaned.
    let dir = scratch("stale");
    let csv = csv_in(&dir, "name\nAnn\n");
    let out = dir.join("letters");
    std::fs::create_dir_all(&out).unwrap();
    // A process id that does not run: a finished child's.
    let dead = std::process::Command::new("true").spawn().unwrap();
    let pid = dead.id();
    let mut dead = dead;
    dead.wait().unwrap();
    let stale = out.join(format!("{}{pid}-abc.tmp", replydraft::cli::TEMP_PREFIX));
    std::fs::write(&stale, "half a letter").unwrap();
    let mine = out.join(format!("{}{}-abc.tmp", replydraft::cli::TEMP_PREFIX, std::process::id()));
    std::fs::write(&mine, "a live run's").unwrap();
    let unrelated = out.join(".notes.tmp");
    std::fs::write(&unrelated, "keep").unwrap();
    let mut args = bulk_args(csv.to_str().unwrap());
    args.extend(["--out", out.to_str().unwrap()]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(!stale.exists(), "{err}");
    assert!(mine.exists() && unrelated.exists(), "a live process's and others' files stay");
    assert!(err.contains("left by an interrupted run"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn strict_is_all_or_nothing_even_with_force() {
    // 15.3: `--strict --force` kept rows 1-2, overwriting an earlier good run's letters.
    let dir = scratch("strict");
    let good = dir.join("good.csv");
    std::fs::write(&good, "name\nAnn\nBob\nCara\n").unwrap();
    let out = dir.join("letters");
    let mut args = bulk_args(good.to_str().unwrap());
    args.extend(["--out", out.to_str().unwrap()]);
    assert_eq!(run(&args).0, 0);
    let before = contents(&out);
    assert_eq!(before.len(), 3);
    // Same names, a later date (so different letters), and a broken third row.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "name,x\nAnn,1\nBob,2\nCara,3,4\n").unwrap();
    let args = [
        "bulk",
        "--allow-stale",
        "--topic",
        "care-review",
        "--date",
        "2026-12-01",
        "--recipients",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--strict",
        "--force",
    ];
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no output kept"), "{err}");
    let after = contents(&out);
    assert_eq!(after, before, "nothing written, nothing overwritten, no staging left");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_very_long_name_is_one_row_not_the_end_of_the_run() {
    // 15.4: a name over ~245 bytes aborted the run with "File name too long".
    let dir = scratch("longname");
    let csv = csv_in(&dir, &format!("name\nAnn\n{}\nBob\n", "Bartholomew".repeat(40)));
    let out = dir.join("letters");
    let mut args = bulk_args(csv.to_str().unwrap());
    args.extend(["--out", out.to_str().unwrap()]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(names_in(&out).len(), 3, "{err}");
    assert!(names_in(&out).iter().all(|n| n.len() < 100));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_interrupted_out_run_resumes() {
    // 15.8: after an interrupted --out run, --resume continues instead of needing --force.
    let dir = scratch("resume");
    let csv = csv_in(&dir, "name\nAnn\nBob\nCara\n");
    let out = dir.join("letters");
    let mut args = bulk_args(csv.to_str().unwrap());
    args.extend(["--out", out.to_str().unwrap()]);
    assert_eq!(run(&args).0, 0);
    let full = names_in(&out);
    // As if interrupted after the first letter.
    for n in &full[1..] {
        std::fs::remove_file(out.join(n)).unwrap();
    }
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("exists already") && err.contains("1 bad row skipped"), "without --resume: {err}");
    for n in &full[1..] {
        std::fs::remove_file(out.join(n)).unwrap();
    }
    args.push("--resume");
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 already there"), "{err}");
    assert_eq!(names_in(&out), full);
    // A letter that differs is not silently kept.
    std::fs::write(out.join(&full[0]), "edited by hand").unwrap();
    let (_, _, err) = run(&args);
    assert!(err.contains("exists with other content"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn link_loops_pipes_and_binary_files_do_not_stop_a_corpus_walk() {
    // 15.7: `ln -s . a` walked forever; a FIFO hung campaigns; one binary file stopped it.
    let dir = scratch("loops");
    let letters = dir.join("in");
    std::fs::create_dir_all(&letters).unwrap();
    let body = "Dear Sam, please support the campaign for better care for children in our town.";
    for i in 0..3 {
        std::fs::write(letters.join(format!("{i}.txt")), body).unwrap();
    }
    std::fs::write(letters.join("binary"), [0xff, 0xfe, 0x00, 0x81]).unwrap();
    std::os::unix::fs::symlink(".", letters.join("a")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(letters.join("fifo")).status().unwrap().success());
    let (code, out, err) = run(&["campaigns", letters.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(3 messages)"), "{out}");
    assert!(err.contains("not a regular file") && err.contains("not UTF-8"), "{err}");
    let toml = dir.join("p.toml");
    let (code, _, err) =
        run(&["ingest", letters.to_str().unwrap(), "--as-of", "2026-11-22", "--out", toml.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // A library directory with a loop in it loads.
    let lib = dir.join("lib");
    std::fs::create_dir_all(lib.join("layouts")).unwrap();
    for f in ["topics.toml", "senders.toml", "facts.toml", "entities.toml"] {
        std::fs::copy(Path::new("templates").join(f), lib.join(f)).unwrap();
    }
    for f in std::fs::read_dir("templates/blocks").unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, lib.join(f.file_name().unwrap())).unwrap();
    }
    for f in std::fs::read_dir("templates/layouts").unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, lib.join("layouts").join(f.file_name().unwrap())).unwrap();
    }
    std::os::unix::fs::symlink("..", lib.join("layouts").join("up")).unwrap();
    let (code, out, err) = run(&["topics", "--library", lib.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("care-review"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn csv_columns_and_cells_are_bounded() {
    // 15.9: a 20 MB cell took 3.4 GB and a million columns 970 MB.
    let dir = scratch("limits");
    let wide = dir.join("wide.csv");
    let header: Vec<String> = (0..1001).map(|i| format!("c{i}")).collect();
    std::fs::write(&wide, format!("{}\n", header.join(","))).unwrap();
    let mut args = bulk_args(wide.to_str().unwrap());
    args.extend(["--jsonl", "-"]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 2);
    assert!(err.contains("1001 columns"), "{err}");
    let big = dir.join("big.csv");
    std::fs::write(&big, format!("name,address\nAnn,{}\nBob,1 Road\n", "x".repeat(70_000))).unwrap();
    let mut args = bulk_args(big.to_str().unwrap());
    args.extend(["--jsonl", "-", "--allow-bad-rows"]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "Bob's letter only");
    assert!(err.contains("row 1: column `address` holds 70000 bytes"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
