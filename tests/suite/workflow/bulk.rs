//! Bulk drafting: row for row the same as single drafts; bad rows; atomic output.

use replydraft::{Desk, DraftRequest, Format, Library, Recipient, parse_date, recipients};

use crate::common::{replydraft, run, scratch};

const CSV: &str = "\u{feff}Name,Email,Address,organisation,letter_date,Salutation\r\n\
Ann O'Brien,ann@example.org,1 High St;Abbey,Home for Good,17th December,\r\n\
\"Bob <b> & Co\",,,\"{{sender.name}}\",1st May,Dear Bob\r\n\
Cara,,,Kin,2nd June,\r\n";

#[test]
fn bulk_equals_single_drafts_row_for_row() {
    let desk = Desk::new(Library::embedded().unwrap());
    for format in [Format::Text, Format::Html, Format::Markdown] {
        let mut request = DraftRequest::new("review-disparities", parse_date("2021-02-24").unwrap());
        request.format = format;
        let mut bulk = desk.bulk(&request).unwrap();
        let mut n = 0;
        for (_, _, r) in recipients(CSV.as_bytes(), "t.csv").unwrap() {
            let r = r.unwrap();
            let mut got = String::new();
            bulk.render_into(&r, &mut got).unwrap();
            let mut alone = request.clone();
            alone.recipient = r;
            assert_eq!(got, desk.draft(&alone).unwrap().text, "{format:?}");
            n += 1;
        }
        assert_eq!(n, 3);
        assert!(!bulk.findings().unwrap().is_empty(), "findings are computed once for the letter");
    }
}

#[test]
fn csv_columns_map_to_recipient_fields() {
    let rows: Vec<Recipient> = recipients(CSV.as_bytes(), "t.csv").unwrap().map(|(_, _, r)| r.unwrap()).collect();
    assert_eq!(rows[0].name.as_deref(), Some("Ann O'Brien"));
    assert_eq!(rows[0].address, ["1 High St", "Abbey"]);
    assert_eq!(rows[0].fields["organisation"], "Home for Good");
    assert_eq!(rows[1].email, None, "an empty cell is a missing value");
    assert_eq!(rows[1].greeting(), "Dear Bob");
    assert_eq!(rows[1].fields["organisation"], "{{sender.name}}");
}

#[test]
fn jsonl_lines_hold_the_letters_and_bad_rows_are_skipped_with_their_row_number() {
    let dir = scratch("bulk");
    let csv = dir.join("r.csv");
    // Row 2 lacks the letter_date the first block needs.
    std::fs::write(&csv, "name,organisation,letter_date\nAnn,Kin,1st May\nBob,Kin,\nCara,Kin,2nd June\n").unwrap();
    let csv_s = csv.to_str().unwrap();
    let (code, _, err) =
        run(&["bulk", "--topic", "review-disparities", "--recipients", csv_s, "--date", "2021-02-24", "--jsonl", "-"]);
    assert_eq!(code, 2, "a run that skipped a row fails: {err}");
    assert!(err.contains("1 recipient not written") && err.contains("--allow-bad-rows"), "{err}");
    let (code, out, err) = run(&[
        "bulk",
        "--topic",
        "review-disparities",
        "--recipients",
        csv_s,
        "--date",
        "2021-02-24",
        "--jsonl",
        "-",
        "--allow-bad-rows",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["row"], 1);
    assert_eq!(lines[1]["name"], "Cara");
    assert!(lines[1]["text"].as_str().unwrap().contains("Dear Cara,"));
    assert!(
        err.contains(":3: row 2:") && err.contains("recipient.letter_date") && err.contains("row skipped"),
        "{err}"
    );
    assert!(err.contains("2 letters written, 1 bad row skipped"), "{err}");

    // --strict fails the run and keeps nothing.
    let out_file = dir.join("out.jsonl");
    let (code, _, err) = run(&[
        "bulk",
        "--topic",
        "review-disparities",
        "--recipients",
        csv_s,
        "--date",
        "2021-02-24",
        "--jsonl",
        out_file.to_str().unwrap(),
        "--strict",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(!out_file.exists());
    assert!(std::fs::read_dir(&dir).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));

    // --out writes one file per row; a second run refuses to overwrite without --force.
    let out_dir = dir.join("letters");
    let args = |force: bool| {
        let mut v = vec!["bulk", "--topic", "review-disparities", "--recipients", csv_s, "--date", "2021-02-24"];
        v.push("--allow-bad-rows");
        v.extend(["--out", out_dir.to_str().unwrap()]);
        if force {
            v.push("--force");
        }
        v.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let (code, _, _) = run(&args(false).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0);
    let mut names: Vec<String> =
        std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    assert_eq!(names, ["000001-ann.txt", "000003-cara.txt"]);
    std::fs::write(out_dir.join("000001-ann.txt"), "edited by hand").unwrap();
    let (code, _, err) = run(&args(false).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 2);
    assert!(err.contains("exists already"), "{err}");
    assert_eq!(std::fs::read_to_string(out_dir.join("000001-ann.txt")).unwrap(), "edited by hand");
    let (code, _, _) = run(&args(true).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0);
    assert!(std::fs::read_to_string(out_dir.join("000001-ann.txt")).unwrap().contains("Dear Ann,"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ctrl_c_leaves_no_partial_file() {
    let dir = scratch("sigint");
    let csv = dir.join("r.csv");
    let mut rows = String::from("name\n");
    for i in 0..2_000_000 {
        rows.push_str(&format!("Person {i}\n"));
    }
    std::fs::write(&csv, rows).unwrap();
    let out = dir.join("out.jsonl");
    let child = replydraft()
        .args(["bulk", "--allow-stale", "--topic", "care-review", "--date", "2026-11-22", "--recipients"])
        .arg(&csv)
        .arg("--jsonl")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the temporary file exists (the run is under way), then interrupt it.
    let started = std::time::Instant::now();
    while !std::fs::read_dir(&dir).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp")) {
        assert!(started.elapsed().as_secs() < 30, "the run never started");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(!out.exists(), "no output file after an interrupted run");
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
