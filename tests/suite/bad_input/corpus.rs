//! The bad-input corpus: each directory under tests/bad_input holds a `case.toml`
//! and the files the case needs:
//! - `args`: the command line; `{case}` stands for the case's directory and `{tmp}`
//!   for a scratch directory removed afterwards;
//! - `exit`: the expected exit code; `message`: a fragment expected on stderr;
//! - optional `stdout`: a fragment expected on stdout; `stdin`: text to feed;
//! - optional `[[generate]]`: large inputs made at test time in `{tmp}`: `path`, then
//!   `head`, `repeat` (written `count` times) and `tail`, with `insert` written
//!   instead of the repeat at index `insert_at`.
//!
//! No case may panic or print a backtrace.

use serde::Deserialize;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::common;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    exit: i32,
    message: String,
    #[serde(default)]
    stdout: Option<String>,
    #[serde(default)]
    stdin: Option<String>,
    #[serde(default)]
    generate: Vec<Generate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    path: String,
    #[serde(default)]
    head: String,
    repeat: String,
    count: usize,
    #[serde(default)]
    tail: String,
    #[serde(default)]
    insert: Option<String>,
    #[serde(default)]
    insert_at: usize,
}

fn generate(g: &Generate, tmp: &Path) {
    use std::io::BufWriter;
    let mut f = BufWriter::new(std::fs::File::create(tmp.join(&g.path)).unwrap());
    f.write_all(g.head.as_bytes()).unwrap();
    for i in 0..g.count {
        match &g.insert {
            Some(ins) if i == g.insert_at => f.write_all(ins.as_bytes()).unwrap(),
            _ => f.write_all(g.repeat.as_bytes()).unwrap(),
        }
    }
    f.write_all(g.tail.as_bytes()).unwrap();
}

#[test]
fn every_bad_input_case_fails_cleanly_with_its_message() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
    let mut dirs: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let case: Case = toml::from_str(&std::fs::read_to_string(dir.join("case.toml")).unwrap()).unwrap();
        let tmp = common::scratch(&format!("bad-{name}"));
        for g in &case.generate {
            generate(g, &tmp);
        }
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| a.replace("{case}", &dir.to_string_lossy()).replace("{tmp}", &tmp.to_string_lossy()))
            .collect();
        let mut child = common::replydraft()
            .args(&args)
            .current_dir(dir)
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let input = case.stdin.clone().unwrap_or_default();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let _ = std::fs::remove_dir_all(&tmp);
        let stderr = String::from_utf8_lossy(&out.stderr)
            .replace(&*dir.to_string_lossy(), "{case}")
            .replace(&*tmp.to_string_lossy(), "{tmp}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let code = out.status.code().unwrap_or(-1);
        let stdout_ok = case.stdout.as_ref().is_none_or(|want| stdout.contains(want.as_str()));
        if code != case.exit
            || !stderr.contains(&case.message)
            || !stdout_ok
            || stderr.contains("panicked")
            || stderr.contains("backtrace")
        {
            let head: String = stdout.chars().take(300).collect();
            failures.push(format!(
                "{name}: exit {code} (want {}), stderr:\n{stderr}\n  want fragment: {}\n  stdout starts: {head}\n  want stdout: {:?}",
                case.exit, case.message, case.stdout
            ));
        }
    }
    assert!(dirs.len() >= 40, "only {} cases", dirs.len());
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}
