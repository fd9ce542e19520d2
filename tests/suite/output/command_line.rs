//! The command line as a newcomer meets it: a closed pipe, closed lists of formats,
//! bulk runs that write nothing when they should not, counts in proper English.

use crate::common;
use crate::common::{replydraft, run, scratch};
use std::process::Stdio;

/// `replydraft bulk --topic care-review --date DATE --recipients CSV REST…`.
fn bulk(date: &str, csv: &std::path::Path, rest: &[&str]) -> (i32, String, String) {
    let mut args = vec!["bulk", "--topic", "care-review", "--date", date, "--recipients", csv.to_str().unwrap()];
    args.extend_from_slice(rest);
    run(&args)
}

/// `replydraft check … | head -1`: the reader goes away; the tool ends quietly with 0.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = scratch("pipe");
    let csv = dir.join("r.csv");
    let rows: String = std::iter::once("name\n".to_string()).chain((0..20_000).map(|i| format!("P {i}\n"))).collect();
    std::fs::write(&csv, rows).unwrap();
    let mut child = replydraft()
        .args(["bulk", "--topic", "care-review", "--date", "2022-07-01", "--jsonl", "-", "--recipients"])
        .arg(&csv)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe.
    let mut first = [0u8; 64];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("Broken pipe") && !err.contains("broken pipe"), "{err}");
}

/// `--format` is a closed list: `--help` names the values, a wrong one is a usage error.
#[test]
fn formats_are_a_closed_list() {
    let (_, help, _) = run(&["draft", "-h"]);
    assert!(help.contains("[possible values: text, markdown, html, json, docx, eml]"), "{help}");
    let (_, help, _) = run(&["check", "-h"]);
    assert!(help.contains("[possible values: text, json, html]"), "{help}");
    let (code, _, err) = run(&["validate", "--format", "xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'xml'") && err.contains("text, json"), "{err}");
    // The short spellings still work: `md` is Markdown (hard line breaks in the signature).
    let (code, out, _) = run(&["draft", "--topic", "care-review", "--date", "2022-07-01", "--format", "md"]);
    assert_eq!(code, 0);
    assert!(out.contains(" MP  \n"), "markdown output: {out}");
}

/// Under --deny-stale a stale letter is stale for every row: nothing is written, exit 1.
/// On a date when the letter is current, the letters are written.
#[test]
fn bulk_deny_stale_writes_nothing() {
    let dir = scratch("deny-stale");
    let csv = dir.join("r.csv");
    std::fs::write(&csv, "name\nAnn Lee\nBo Chan\n").unwrap();
    let out = dir.join("letters");
    let (code, _, err) = bulk("2026-11-22", &csv, &["--deny-stale", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("no letters written"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "nothing written");

    let jsonl = dir.join("l.jsonl");
    let (code, _, _) = bulk("2026-11-22", &csv, &["--deny-stale", "--jsonl", jsonl.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(!jsonl.exists(), "no JSON lines file");

    let (code, _, err) = bulk("2022-07-01", &csv, &["--deny-stale", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);
}

/// A row of blank cells is skipped with a warning, not drafted as "Dear Constituent";
/// the summary counts in proper English.
#[test]
fn bulk_skips_blank_rows_and_counts_properly() {
    let dir = scratch("blank-rows");
    let csv = dir.join("r.csv");
    std::fs::write(&csv, "name,email\nAnn Lee,a@example.org\n , \n").unwrap();
    let out = dir.join("letters");
    let (code, _, err) = bulk("2022-07-01", &csv, &["--out", out.to_str().unwrap(), "--allow-bad-rows"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("row 2: every cell is blank; row skipped"), "{err}");
    assert!(err.contains("1 letter written, 1 bad row skipped"), "{err}");
    let letters: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(letters.len(), 1);

    // Every row bad: exit 2.
    std::fs::write(&csv, "name,email\n,\n , \n").unwrap();
    let (code, _, err) = bulk("2022-07-01", &csv, &["--jsonl", "-"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("0 letters written, 2 bad rows skipped"), "{err}");
}

/// `suggest`: the best topics with the words that matched, JSON on request, and exit 3
/// with "no topic matches" for a message no topic fits.
#[test]
fn suggest_says_when_no_topic_matches() {
    let run_with = |args: &[&str], message: &str| {
        let mut child = replydraft()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), message.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let (code, out, _) = run_with(&["suggest"], "We are kinship carers raising our grandson. What support is there?");
    assert_eq!(code, Some(0));
    assert!(out.starts_with("care-strategy\t"), "{out}");
    assert!(out.lines().next().unwrap().ends_with("kinship"), "{out}");
    let (code, out, _) = run_with(&["suggest", "--format", "json"], "Why do Black children wait longer for adoption?");
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["topic"], "review-disparities");
    let (code, out, err) = run_with(&["suggest"], "The potholes on our road are dangerous.");
    assert_eq!(code, Some(3));
    assert!(out.is_empty() && err.contains("no topic matches"), "{err}");
}

/// A messy inbox: a Windows-1252 letter is read (with a note), an email is read as its
/// decoded body, hidden files and a binary file are passed over with a warning, and
/// the run goes on; `--strict` stops at the first unreadable letter.
#[test]
fn a_messy_inbox_is_read_with_warnings() {
    let dir = scratch("inbox");
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(inbox.join(".git")).unwrap();
    std::fs::write(inbox.join(".DS_Store"), [0u8, 1, 2, 3]).unwrap();
    std::fs::write(inbox.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let kinship = "I am a kinship carer raising my grandson and we get no allowance at all from the council.";
    // A curly apostrophe as windows-1252 writes it: the byte 0x92, not UTF-8.
    let mut cp1252 = b"Dear Ms Lee,\n\nI".to_vec();
    cp1252.push(0x92);
    cp1252.extend_from_slice(kinship.strip_prefix("I am").unwrap().replacen(' ', "m ", 1).as_bytes());
    std::fs::write(inbox.join("a.txt"), &cp1252).unwrap();
    let eml = format!(
        "Return-Path: <bo@example.org>\r\nFrom: Bo Chan <bo@example.org>\r\nSubject: care\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}\r\n",
        kinship.replace("I am", "I=E2=80=99m")
    );
    std::fs::write(inbox.join("b.eml"), eml).unwrap();
    std::fs::write(inbox.join("c.txt"), b"PK\x03\x04\x00\x00binary").unwrap();
    let (code, out, err) = run(&["campaigns", inbox.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(".DS_Store: skipped: hidden") && err.contains(".git: skipped: hidden"), "{err}");
    assert!(err.contains("a.txt: not UTF-8; read as windows-1252"), "{err}");
    assert!(err.contains("c.txt: not text"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The two letters say the same thing: one campaign, its text decoded.
    assert_eq!(v[0]["members"].as_array().unwrap().len(), 2, "{out}");
    assert!(v[0]["representative"].as_str().unwrap().contains("I\u{2019}m a kinship carer"), "{out}");
    assert!(!out.contains("=E2=80=99") && !out.contains("Return-Path"), "{out}");

    let (code, _, err) = run(&["campaigns", inbox.to_str().unwrap(), "--strict"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("c.txt: not text"), "{err}");
}

/// `validate` names merge fields that cannot be right: a sender field senders do not
/// have (error) and a recipient field one slip from a standard one (warning); the
/// office's own fields (`recipient.ward`) pass.
#[test]
fn validate_catches_misspelt_merge_fields() {
    let dir = scratch("merge-fields");
    std::fs::write(
        dir.join("office.toml"),
        "[[block]]\nid = \"typo\"\ntitle = \"t\"\nrole = \"body\"\nas_of = 2026-11-01\n\
         text = \"Dear {{recipient.nmae}}, in {{recipient.ward}} {{sender.nmae}} and {{#if recipient.emial}}x{{/if}} \\\\{{sender.zzz}}\"\n",
    )
    .unwrap();
    let (code, out, err) = run(&[
        "validate",
        "--date",
        "2026-11-22",
        "--library",
        "default",
        "--library",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(code == 0 || code == 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let block = v["blocks"].as_array().unwrap().iter().find(|b| b["block"] == "typo").expect("the block has findings");
    let fields: Vec<(String, String, String)> = block["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "merge-field")
        .map(|f| {
            (
                f["severity"].as_str().unwrap().into(),
                f["text"].as_str().unwrap().into(),
                f["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(fields.len(), 3, "{fields:?}");
    assert_eq!((fields[0].0.as_str(), fields[0].1.as_str()), ("warning", "recipient.nmae"));
    assert!(fields[0].2.contains("`recipient.name`"), "{fields:?}");
    assert_eq!((fields[1].0.as_str(), fields[1].1.as_str()), ("error", "sender.nmae"));
    assert!(fields[1].2.contains("did you mean `name`"), "{fields:?}");
    assert_eq!((fields[2].0.as_str(), fields[2].1.as_str()), ("warning", "recipient.emial"));
    // The embedded library's own fields are all right.
    let (_, out, _) = run(&["validate", "--date", "2026-11-22", "--format", "json"]);
    assert!(!out.contains("merge-field"), "{out}");
}

/// Shell completions and a manual page come from the same definitions as `--help`.
#[test]
fn completions_and_man_page() {
    let (code, out, _) = run(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(out.contains("_replydraft()") && out.contains("--deny-stale"), "{}", &out[..out.len().min(400)]);
    let (code, out, _) = run(&["completions", "zsh"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("#compdef replydraft"), "{}", &out[..out.len().min(200)]);
    let (code, out, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(out.contains(".TH replydraft 1") && out.contains("suggest"), "{}", &out[..out.len().min(400)]);
    let (code, _, err) = run(&["completions", "cmd"]);
    assert_eq!(code, 2, "{err}");
}

/// Usage errors (clap's) and the program's own errors look alike: `error: …`, exit 2.
#[test]
fn usage_and_input_errors_share_one_style() {
    for args in [
        &["draft", "--bogus"][..],
        &["draft", "--topic", "care-review", "--format", "pdf"],
        &["draft", "--topic", "nope"],
    ] {
        let (code, _, err) = common::run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
}

/// Reading standard input from a terminal says so instead of waiting silently (run
/// under a pseudo-terminal with util-linux `script`, which passes on the end of input).
#[test]
fn a_terminal_on_standard_input_is_told_what_to_do() {
    let bin = env!("CARGO_BIN_EXE_replydraft");
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &format!("{bin} suggest"), "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs the command under a terminal");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("reading a letter from standard input; Ctrl-D to end"), "{said}");
    // From a pipe, nothing is said.
    let (_, _, err) = run(&["suggest", "-"]);
    assert!(!err.contains("Ctrl-D"), "{err}");
}
