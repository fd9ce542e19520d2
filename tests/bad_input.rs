//! The bad-input corpus: each directory under tests/bad_input holds a `case.toml`
//! (`args`, with `{case}` standing for the case's directory; the expected `exit`
//! code; a fragment of the expected `message` on stderr; optional `stdin`) and the
//! files the case needs. No case may panic or print a backtrace.

use serde::Deserialize;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    exit: i32,
    message: String,
    #[serde(default)]
    stdin: Option<String>,
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
        let args: Vec<String> = case.args.iter().map(|a| a.replace("{case}", &dir.to_string_lossy())).collect();
        let mut child = Command::new(env!("CARGO_BIN_EXE_replydraft"))
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
        let stderr = String::from_utf8_lossy(&out.stderr).replace(&*dir.to_string_lossy(), "{case}");
        let code = out.status.code().unwrap_or(-1);
        if code != case.exit
            || !stderr.contains(&case.message)
            || stderr.contains("panicked")
            || stderr.contains("backtrace")
        {
            failures.push(format!(
                "{name}: exit {code} (want {}), stderr:\n{stderr}\n  want fragment: {}",
                case.exit, case.message
            ));
        }
    }
    assert!(dirs.len() >= 30, "only {} cases", dirs.len());
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}
