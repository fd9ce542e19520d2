//! Case 17 of issue 25: every file written was mode 0600 whatever the umask (letters,
//! review pages, `init`'s library), and `--force` turned a 0644 file into 0600, so
//! colleagues could not read them. New files follow the umask; replaced files keep
//! their mode.

use crate::common::scratch;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Runs the binary with `umask` set: its exit code and standard error.
fn run_with_umask(umask: &str, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_replydraft"))
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn draft(umask: &str, out: &Path, review: &Path, force: bool) {
    let (o, r) = (out.to_str().unwrap(), review.to_str().unwrap());
    let mut args = vec!["draft", "--topic", "care-review", "--date", "2026-11-22", "--out", o, "--review", r];
    if force {
        args.push("--force");
    }
    let (code, err) = run_with_umask(umask, &args);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn new_files_follow_the_umask() {
    let dir = scratch("modes-new");
    let (letter, review) = (dir.join("letter.txt"), dir.join("review.html"));
    draft("022", &letter, &review, false);
    assert_eq!((mode(&letter), mode(&review)), (0o644, 0o644));
    let (letter, review) = (dir.join("letter2.txt"), dir.join("review2.html"));
    draft("027", &letter, &review, false);
    assert_eq!((mode(&letter), mode(&review)), (0o640, 0o640));
    // `init`'s library, every file of it.
    let office = dir.join("office");
    let (code, err) = run_with_umask("022", &["init", office.to_str().unwrap(), "--name", "Jo Bloggs"]);
    assert_eq!(code, 0, "{err}");
    let files = replydraft::walk(&[office], &|_| true).unwrap().files;
    assert!(files.len() > 3);
    for f in &files {
        assert_eq!(mode(f), 0o644, "{}", f.display());
    }
}

#[test]
fn replaced_files_keep_their_mode() {
    let dir = scratch("modes-kept");
    let (letter, review) = (dir.join("letter.txt"), dir.join("review.html"));
    for (path, m) in [(&letter, 0o644), (&review, 0o640)] {
        std::fs::write(path, "an older letter").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(m)).unwrap();
    }
    draft("077", &letter, &review, true);
    assert_ne!(std::fs::read_to_string(&letter).unwrap(), "an older letter");
    assert_eq!((mode(&letter), mode(&review)), (0o644, 0o640));
    // A library file edited by `approve` keeps its mode too.
    let office = dir.join("office");
    assert_eq!(run_with_umask("022", &["init", office.to_str().unwrap(), "--name", "Jo Bloggs"]).0, 0);
    let library = replydraft::Library::load(&office).unwrap();
    let block = library.blocks().iter().find(|b| b.approved_hash.is_some()).unwrap();
    let file = office.join(&block.at.file);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o664)).unwrap();
    let (code, err) = run_with_umask(
        "077",
        &["approve", &block.id, "--by", "Jo Bloggs", "--date", "2026-12-01", "--library", office.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&file), 0o664);
}

#[test]
fn bulk_letters_follow_the_umask_and_keep_their_mode_when_replaced() {
    let dir = scratch("modes-bulk");
    let recipients = dir.join("r.csv");
    std::fs::write(&recipients, "name,email,address\nAnn Lee,ann@example.org,1 High St\nBob Roe,,2 Low St\n").unwrap();
    let out = dir.join("out");
    let bulk = |umask: &str, extra: &[&str]| {
        let mut args = vec!["bulk", "--topic", "care-funding", "--date", "2026-11-23"];
        args.extend(["--recipients", recipients.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        args.extend_from_slice(extra);
        let (code, err) = run_with_umask(umask, &args);
        assert_eq!(code, 0, "{err}");
        replydraft::walk(std::slice::from_ref(&out), &|_| true).unwrap().files
    };
    let letters = bulk("022", &[]);
    assert_eq!(letters.len(), 2);
    assert!(letters.iter().all(|l| mode(l) == 0o644));
    // Replaced one by one, or all at once (--strict): each keeps the mode it had.
    for (i, extra) in [&["--force"][..], &["--force", "--strict"]].into_iter().enumerate() {
        let kept = [0o640, 0o604][i];
        for l in &letters {
            std::fs::set_permissions(l, std::fs::Permissions::from_mode(kept)).unwrap();
        }
        assert_eq!(bulk("022", extra), letters);
        assert!(letters.iter().all(|l| mode(l) == kept), "{extra:?}");
    }
}
