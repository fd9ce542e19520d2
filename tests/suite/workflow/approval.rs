//! Recording approvals in library files: what an approval covers, concurrent
//! `approve` and `retire` runs on one file, and the file kept as it was written.

use crate::common::{replydraft, run, scratch};
use replydraft::{Approval, Library, text_hash};
use std::path::Path;

/// One sender, one topic, and `blocks` (TOML `[[block]]` tables) in `lines.toml`.
fn library(name: &str, blocks: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    let head = "[[sender]]\nid = \"mp\"\nname = \"A Member\"\noffice_title = \"Member of Parliament\"\n\
                signoff = \"Yours sincerely,\"\nsignature = [\"A Member MP\"]\n\n[[topic]]\nid = \"roads\"\n\
                title = \"Roads\"\nsender = \"mp\"\nblocks = [\"opening\"]\n\n";
    std::fs::write(dir.join("lines.toml"), format!("{head}{blocks}")).unwrap();
    dir
}

fn state(dir: &Path, id: &str) -> Approval {
    Library::load(dir).unwrap().block(id).unwrap().approval()
}

fn edit(dir: &Path, from: &str, to: &str) {
    let file = dir.join("lines.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{from:?} not in {text}");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

fn approve(dir: &Path, id: &str) {
    let (code, _, err) =
        run(&["approve", id, "--by", "Jo Bloggs", "--date", "2026-12-01", "--library", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(matches!(state(dir, id), Approval::Approved { .. }));
}

const OPENING: &str = "[[block]]\nid = \"opening\"\ntitle = \"Opening\"\nrole = \"opening\"\n\
                       text = \"Thank you for writing to me.\"\nas_of = 2026-01-05\n\n";

/// Case 8 of issue 25: approve a `literal = true` block, delete that one line, and its
/// `{{sender.name}}` became a live merge field that still read as approved.
#[test]
fn an_approval_covers_literal_claims_and_role_not_only_the_text() {
    let literal = "[[block]]\nid = \"quoted\"\ntitle = \"Quoted\"\nrole = \"body\"\n\
                   text = \"Your letter asked for {{sender.name}} by name.\"\nliteral = true\nas_of = 2026-01-05\n\n";
    let claimed = "[[block]]\nid = \"repairs\"\ntitle = \"Repairs\"\nrole = \"body\"\n\
                   text = \"Repairs are due within months.\"\nas_of = 2026-01-05\n\n\
                   [[block.claim]]\nquote = \"within months\"\nkind = \"relative\"\ntolerance = \"6 months\"\n\n";
    let dir = library("approval-covers", &format!("{OPENING}{literal}{claimed}"));
    for id in ["quoted", "repairs", "opening"] {
        approve(&dir, id);
    }
    let changed = |id: &str| matches!(state(&dir, id), Approval::Changed { by: Some(_), on: Some(_) });

    // `literal = true` deleted: the text renders differently, the approval no longer stands...
    edit(&dir, "literal = true\n", "");
    assert!(changed("quoted"), "{:?}", state(&dir, "quoted"));
    // ...and bulk refuses the letter.
    let recipients = dir.join("r.csv");
    std::fs::write(&recipients, "name,email,address\nAnn Lee,ann@example.org,1 High St\n").unwrap();
    let file = dir.join("lines.toml");
    let (code, _, err) = run(&[
        "bulk",
        "--library",
        "default",
        "--library",
        file.to_str().unwrap(),
        "--topic",
        "roads",
        "--include",
        "quoted",
        "--date",
        "2026-12-06",
        "--recipients",
        recipients.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("quoted (changed since approved by Jo Bloggs on 2026-12-01)"), "{err}");
    // Put back, it is the block approved again.
    edit(&dir, "by name.\"\n", "by name.\"\nliteral = true\n");
    assert!(matches!(state(&dir, "quoted"), Approval::Approved { .. }), "{:?}", state(&dir, "quoted"));

    // A claim's tolerance stretched, its kind changed, or the claim deleted: changed.
    edit(&dir, "tolerance = \"6 months\"", "tolerance = \"6 years\"");
    assert!(changed("repairs"));
    edit(&dir, "tolerance = \"6 years\"", "tolerance = \"6 months\"");
    assert!(matches!(state(&dir, "repairs"), Approval::Approved { .. }));
    edit(&dir, "[[block.claim]]\nquote = \"within months\"\nkind = \"relative\"\ntolerance = \"6 months\"\n", "");
    assert!(changed("repairs"));
    // Where it sits in a letter is covered too.
    edit(&dir, "role = \"opening\"", "role = \"closing\"");
    assert!(changed("opening"));
}

/// Approvals recorded before they covered more than the text (a bare `sha256:` of the
/// text) stand only where the text is all there is to the block.
#[test]
fn a_text_only_approval_stands_only_where_the_text_is_all_there_is() {
    let plain = "Thank you for writing to me.";
    let field = "Your letter asked for {{sender.name}} by name.";
    let record = |text: &str| {
        format!(
            "status = \"approved\"\napproved_by = \"Jo\"\napproved_on = 2026-02-01\napproved_hash = \"{}\"\n",
            text_hash(text)
        )
    };
    let blocks = format!(
        "[[block]]\nid = \"opening\"\ntitle = \"Opening\"\nrole = \"opening\"\ntext = \"{plain}\"\nas_of = 2026-01-05\n{}\n\
         [[block]]\nid = \"quoted\"\ntitle = \"Quoted\"\nrole = \"body\"\ntext = \"{field}\"\nas_of = 2026-01-05\n{}\n",
        record(plain),
        record(field)
    );
    let dir = library("approval-v1", &blocks);
    assert!(matches!(state(&dir, "opening"), Approval::Approved { .. }));
    // Was it approved as a literal or as a template? The record cannot say.
    assert!(matches!(state(&dir, "quoted"), Approval::Changed { .. }));
    // Approved again, the record is the new one.
    approve(&dir, "quoted");
    let text = std::fs::read_to_string(dir.join("lines.toml")).unwrap();
    assert!(text.contains("approved_hash = \"v2:sha256:"), "{text}");
}

/// Every block of the embedded library still carries an approval that stands.
#[test]
fn the_embedded_library_stays_approved() {
    let library = Library::embedded().unwrap();
    let changed: Vec<_> = library
        .blocks()
        .iter()
        .filter(|b| b.approved_hash.is_some() && !matches!(b.approval(), Approval::Approved { .. } | Approval::Retired))
        .map(|b| b.id.clone())
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
    assert!(library.blocks().iter().all(|b| b.approved_hash.as_deref().is_none_or(|h| h.starts_with("v2:sha256:"))));
}

/// Case 4 of issue 25: concurrent `approve` and `retire` runs on one file each read,
/// edited and renamed with no lock; one run's edit was lost, and both said success.
#[test]
fn concurrent_approvals_and_retirements_of_one_file_all_land() {
    let ids: Vec<String> = (0..8).map(|i| format!("line-{i}")).collect();
    let blocks: String = ids
        .iter()
        .map(|id| {
            format!(
                "[[block]]\nid = \"{id}\"\ntitle = \"A line\"\nrole = \"body\"\ntext = \"Line {id}.\"\n\
                 as_of = 2026-01-05\nstatus = \"draft\"\n\n"
            )
        })
        .collect();
    for round in 0..4 {
        let dir = library(&format!("approval-race-{round}"), &format!("{OPENING}{blocks}"));
        let lib = dir.to_str().unwrap();
        // Half are approved, half retired, all at once.
        let children: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let mut c = replydraft();
                if i % 2 == 0 {
                    c.args(["approve", id, "--by", "Jo Bloggs", "--date", "2026-12-01", "--library", lib]);
                } else {
                    c.args(["retire", id, "--library", lib]);
                }
                c.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let library = Library::load(&dir).unwrap();
        let states: Vec<(String, Approval)> =
            ids.iter().map(|id| (id.clone(), library.block(id).unwrap().approval())).collect();
        for (i, (id, s)) in states.iter().enumerate() {
            let landed = if i % 2 == 0 { matches!(s, Approval::Approved { .. }) } else { *s == Approval::Retired };
            assert!(landed, "round {round}: {id} is {s:?}; all: {states:?}");
        }
    }
}

/// Case 10 of issue 25: `approve` turned a CRLF file into LF, dropped a UTF-8
/// byte-order mark, and dropped the comments on the lines it edited.
#[test]
fn approve_and_retire_keep_line_endings_the_byte_order_mark_and_comments() {
    let blocks = "[[block]]\nid = \"thanks\"   # the opening line\ntitle = \"Thanks\"\nrole = \"body\"\n\
                  text = \"Thank you for writing to me.\"\nas_of = 2026-01-05\nstatus = \"draft\"  # until Jo reads it\n\n\
                  # Keep this comment.\n[[block]]\nid = \"potholes\"\ntitle = \"Potholes\"\nrole = \"body\"\n\
                  text = \"The council repairs potholes.\"\nas_of = 2026-01-05";
    let dir = library("approval-format", &format!("{OPENING}{blocks}"));
    let file = dir.join("lines.toml");
    let lf = std::fs::read_to_string(&file).unwrap();
    let original = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    std::fs::write(&file, &original).unwrap();
    approve(&dir, "thanks");
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(after.starts_with("\u{feff}[[sender]]\r\n"), "the byte-order mark is kept: {after:?}");
    assert!(!after.replace("\r\n", "").contains('\n'), "CRLF throughout: {after:?}");
    let hash = after.split("approved_hash = \"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    let expected = original.replace(
        "status = \"draft\"  # until Jo reads it\r\n",
        &format!(
            "status = \"approved\"  # until Jo reads it\r\napproved_by = \"Jo Bloggs\"\r\n\
             approved_on = 2026-12-01\r\napproved_hash = \"{hash}\"\r\n"
        ),
    );
    assert_eq!(after, expected, "only the record changed");
    // Retired: the status alone changes, its comment stays. The last block, on the
    // last line with no line ending, gets its record on lines of its own.
    assert_eq!(run(&["retire", "thanks", "--library", dir.to_str().unwrap()]).0, 0);
    let retired = std::fs::read_to_string(&file).unwrap();
    assert_eq!(retired, expected.replace("status = \"approved\"  #", "status = \"retired\"  #"));
    assert_eq!(run(&["retire", "potholes", "--library", dir.to_str().unwrap()]).0, 0);
    let end = std::fs::read_to_string(&file).unwrap();
    assert_eq!(end, format!("{retired}\r\nstatus = \"retired\"\r\n"));
    assert_eq!(state(&dir, "potholes"), Approval::Retired);
}
