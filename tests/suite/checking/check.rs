//! `check`: letters the tool did not write are matched to blocks, their claims mapped,
//! and the rest scanned.

use crate::common;
use replydraft::{CheckOptions, Desk, Finding, FindingKind, Library, Severity};

use crate::common::d;

fn check(path: &str, date: &str) -> (String, replydraft::FileReport) {
    let text = std::fs::read_to_string(path).unwrap();
    let report = Desk::new(Library::embedded().unwrap()).check(path, &text, &CheckOptions::new(d(date)));
    (text, report)
}

fn errors(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| f.severity == Severity::Error).collect()
}

fn has(findings: &[Finding], kind: &str, text: &str, severity: Severity) -> bool {
    findings.iter().any(|f| f.kind == kind && f.text.contains(text) && f.severity == severity)
}

#[test]
fn seed_000_flags_signer_framework_and_within_months_but_not_history() {
    let (text, r) = check("seeds/000_dcdd2d49cfe08213.txt", "2026-11-22");
    assert_eq!(r.written, Some(d("2022-07-01")), "inferred from 'July 2022'");
    let f = &r.findings;
    assert!(has(f, "signer", "CHRIS HEATON-HARRIS", Severity::Error), "the signer lost office");
    assert!(has(f, "event", "National Children's Social Care Framework will also be developed", Severity::Error));
    assert!(has(f, "relative", "within months", Severity::Error));
    // "In 2021, the Department for Education launched an independent review" is true history.
    let history = text.find("In 2021, the Department").unwrap();
    assert!(errors(f).iter().all(|e| e.end <= history || e.start >= history + 200), "no error on the history sentence");
    let matched: Vec<&str> = r.paragraphs.iter().filter_map(|p| p.block.as_deref()).collect();
    for id in ["thanks-care-review", "review-launched", "response-welcome", "family-hubs", "calcot-investigation"] {
        assert!(matched.contains(&id), "{id} matched");
    }
}

#[test]
fn seed_001_is_recognised_despite_its_typo_and_curly_quotes() {
    let (text, r) = check("seeds/001_4243405b18865e51.txt", "2026-11-22");
    assert_eq!(r.written, None, "the blog copy has no date");
    let p = r.paragraphs.iter().find(|p| p.block.as_deref() == Some("review-recommendations")).unwrap();
    assert!(p.similarity < 1.0 && p.similarity > 0.95, "{}", p.similarity);
    let variant = r
        .findings
        .iter()
        .find(|f| f.kind == "variant" && f.block.as_deref() == Some("review-recommendations"))
        .unwrap();
    assert!(variant.message.contains("[-Its-]{+It+}"), "{}", variant.message);
    // Curly apostrophes: the claim is still mapped onto the letter's own bytes.
    let f =
        r.findings.iter().find(|f| f.kind == "event" && f.text.contains("Framework will also be developed")).unwrap();
    assert_eq!(&text[f.start..f.end], f.text);
    assert!(f.text.contains('\u{2019}'));
    assert!(has(&r.findings, "relative", "within months", Severity::Error), "anchored at the block's as_of");
}

#[test]
fn seeds_002_to_004_flag_their_signers_deadlines_and_superseded_promises() {
    let (_, r) = check("seeds/002_a6cbfad96cc304f3.txt", "2026-11-22");
    assert_eq!(r.written, Some(d("2023-02-02")));
    assert!(has(&r.findings, "officeholder", "Gillian Keegan", Severity::Error));
    assert!(has(&r.findings, "relative", "today the Government published", Severity::Error));
    assert!(has(&r.findings, "deadline", "published last year", Severity::Error));
    assert!(has(&r.findings, "event", "Kinship Care Strategy by the end of 2023", Severity::Error));

    let (_, r) = check("seeds/003_7118ba4b469bb5ac.txt", "2026-11-22");
    assert!(has(&r.findings, "officeholder", "TOM PURSGLOVE", Severity::Error));
    assert!(has(&r.findings, "deadline", "will be provided by 2024-25", Severity::Error));
    assert!(has(&r.findings, "relative", "over the past two years", Severity::Error));

    let (_, r) = check("seeds/004_b418f7ccc697bf29.txt", "2026-11-22");
    assert!(has(&r.findings, "officeholder", "Gavin Williamson", Severity::Error));
    assert!(has(&r.findings, "event", "The review will report to ministers", Severity::Error));
    // Williamson is still an MP (for another seat): that is not an error.
    assert!(r.findings.iter().any(|f| f.kind == "officeholder"
        && f.severity == Severity::Info
        && f.message.contains("Member of Parliament")));
}

#[test]
fn the_same_letters_checked_on_the_day_they_were_written_raise_no_errors() {
    for (path, date) in [
        ("seeds/000_dcdd2d49cfe08213.txt", "2022-07-01"),
        ("seeds/002_a6cbfad96cc304f3.txt", "2023-02-02"),
        ("seeds/003_7118ba4b469bb5ac.txt", "2022-08-16"),
        ("seeds/004_b418f7ccc697bf29.txt", "2021-02-24"),
    ] {
        let (_, r) = check(path, date);
        let e = errors(&r.findings);
        assert!(e.is_empty(), "{path} at {date}: {e:#?}");
    }
}

#[test]
fn unseen_housing_letter_deadlines_and_relative_phrases() {
    let (text, r) = check("tests/letters/housing.txt", "2026-11-22");
    assert_eq!(r.written, Some(d("2023-03-03")));
    assert!(r.paragraphs.iter().all(|p| p.block.is_none()), "nothing here is from the library");
    let f = &r.findings;
    // "… will be published later this year": a forward-looking claim about 2023.
    let later = f.iter().find(|x| x.text == "this year").unwrap();
    assert_eq!(
        (later.kind, later.severity, later.since),
        (FindingKind::Deadline, Severity::Error, Some(d("2024-01-01")))
    );
    assert!(later.message.contains("2023-12-31"), "{}", later.message);
    assert!(has(f, "deadline", "by the end of 2023", Severity::Error));
    assert!(has(f, "deadline", "by 2024-25", Severity::Error));
    // "Last year", written 2023-03-03, meant 2022: written out, it is certain.
    let last = f.iter().find(|x| x.text == "Last year").unwrap();
    assert_eq!((last.kind, last.severity), (FindingKind::RelativePhrase, Severity::Error));
    assert!(last.message.contains("meant 2022"), "{}", last.message);
    assert_eq!(last.replacement.as_deref(), Some("In 2022"));
    assert_eq!(last.since, Some(d("2024-01-01")));
    assert!(has(f, "relative-phrase", "currently", Severity::Warning));
    assert!(has(f, "commitment", "will publish", Severity::Warning));
    let by = f.iter().find(|x| x.text == "by 2024-25").unwrap();
    assert_eq!(by.since, Some(d("2025-04-01")));
    for x in f {
        assert_eq!(&text[x.start..x.end], x.text);
    }
    // Read in March 2023, the same letter is fine.
    let r = Desk::new(Library::embedded().unwrap()).check("h", &text, &CheckOptions::new(d("2023-03-10")));
    assert!(errors(&r.findings).is_empty(), "{:#?}", errors(&r.findings));
}

#[test]
fn unseen_letter_without_a_date_uses_written_or_says_it_is_unknown() {
    let text = std::fs::read_to_string("tests/letters/potholes.txt").unwrap();
    let desk = Desk::new(Library::embedded().unwrap());
    let r = desk.check("p", &text, &CheckOptions::new(d("2026-11-22")));
    assert_eq!(r.written, None);
    assert!(r.findings.iter().any(|f| f.kind == "written" && f.message.contains("unknown")));
    assert!(has(&r.findings, "relative-phrase", "Today", Severity::Warning), "unknown date: a warning, not a verdict");
    let mut options = CheckOptions::new(d("2026-11-22"));
    options.written = Some(d("2024-05-01"));
    let r = desk.check("p", &text, &options);
    assert!(has(&r.findings, "relative-phrase", "Today", Severity::Error));
    // Two years from 2024-05-01 ended on 2026-05-01: the promise is due.
    assert!(has(&r.findings, "deadline", "the next two years", Severity::Error));
    assert!(has(&r.findings, "relative-phrase", "upcoming", Severity::Warning));
    options.date = d("2024-05-02");
    let r = desk.check("p", &text, &options);
    assert!(errors(&r.findings).is_empty());
}

#[test]
fn unseen_letter_officeholders_and_spending_review_period() {
    let (_, r) = check("tests/letters/dentistry.txt", "2026-11-22");
    let f = &r.findings;
    let pm = f.iter().find(|x| x.kind == "officeholder" && x.text == "Rishi Sunak").unwrap();
    assert_eq!(pm.severity, Severity::Error);
    assert_eq!(pm.since, Some(d("2024-07-05")));
    assert!(pm.suggestion.as_deref().unwrap().contains("Keir Starmer"));
    assert!(has(f, "officeholder", "Jeremy Hunt", Severity::Error));
    assert!(has(f, "relative-phrase", "this Spending Review period", Severity::Error));
    assert!(has(f, "year", "2019", Severity::Info), "a past year in a past-tense sentence is information only");
    // In January 2024 both were in office.
    let (_, r) = check("tests/letters/dentistry.txt", "2024-01-20");
    assert!(r.findings.iter().filter(|x| x.kind == "officeholder").all(|x| x.severity == Severity::Info));
}

#[test]
fn check_json_has_the_documented_shape() {
    let out = common::replydraft()
        .args([
            "check",
            "--date",
            "2026-11-22",
            "--format",
            "json",
            "seeds/000_dcdd2d49cfe08213.txt",
            "tests/letters/potholes.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["date", "facts_known_to", "files", "written"]);
    assert_eq!(v["facts_known_to"], "2026-11-22");
    assert_eq!(v["date"], "2026-11-22");
    assert!(v["written"].is_null(), "the two letters disagree");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for file in files {
        assert_eq!(keys(file), ["findings", "paragraphs", "path"]);
        for p in file["paragraphs"].as_array().unwrap() {
            assert_eq!(keys(p), ["block", "end", "similarity", "start"]);
        }
        let text = std::fs::read_to_string(file["path"].as_str().unwrap()).unwrap();
        for f in file["findings"].as_array().unwrap() {
            // `source` when a fact of the facts base decided it, `replacement` when certain.
            let mut k = keys(f);
            k.retain(|k| !["source", "replacement"].contains(&k.as_str()));
            assert_eq!(k, ["block", "end", "kind", "message", "severity", "since", "start", "suggestion", "text"]);
            let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
            assert_eq!(&text[s..e], f["text"].as_str().unwrap());
            assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        }
    }
    // One letter: written is the inferred date.
    let out = common::replydraft()
        .args(["check", "--date", "2026-11-22", "--format", "json", "seeds/000_dcdd2d49cfe08213.txt"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["written"], "2022-07-01");
}

#[test]
fn check_cli_reads_stdin_and_denies_stale() {
    use std::io::Write;
    let run = |args: &[&str], input: &str| {
        let mut child = common::replydraft()
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let letter = "1 May 2023\n\nWe will publish the plan by the end of 2023.\n";
    let (code, out) = run(&["check", "--date", "2026-11-22", "--deny-stale", "-"], letter);
    assert_eq!(code, Some(1));
    assert!(out.contains("error[deadline]: deadline passed") && out.contains(" --> -:3:26\n"), "{out}");
    let (code, _) = run(&["check", "--date", "2023-06-01", "--deny-stale"], letter);
    assert_eq!(code, Some(0));
}

#[test]
fn drafts_checked_back_map_every_block_to_itself() {
    let desk = Desk::new(Library::embedded().unwrap());
    let mut request = replydraft::DraftRequest::new("care-strategy", d("2023-02-02"));
    request.recipient.name = Some("Meg".into());
    let draft = desk.draft(&request).unwrap();
    let report = desk.check("draft", &draft.text, &CheckOptions::new(d("2023-02-02")));
    let matched: Vec<&str> =
        report.paragraphs.iter().filter(|p| p.similarity == 1.0).filter_map(|p| p.block.as_deref()).collect();
    for id in desk.resolve_blocks(&request).unwrap() {
        assert!(matched.contains(&id.as_str()), "{id} found again with similarity 1.0");
    }
}

#[test]
fn seed_letterheads_signatures_and_the_signers_own_voice_are_flagged() {
    // Letterheads and signature lines: every one, in each seed that has them.
    // (seed, what is flagged, whether the seed has a letterhead holding it)
    for (path, shown, letterhead) in [
        ("seeds/000_dcdd2d49cfe08213.txt", "MEMBER OF PARLIAMENT FOR DAVENTRY", false),
        ("seeds/000_dcdd2d49cfe08213.txt", "Member of Parliament for Daventry", false),
        ("seeds/002_a6cbfad96cc304f3.txt", "Gillian Keegan", true),
        ("seeds/003_7118ba4b469bb5ac.txt", "TOM PURSGLOVE", true),
        ("seeds/004_b418f7ccc697bf29.txt", "Gavin Williamson", true),
    ] {
        let (text, r) = check(path, "2026-11-22");
        let flagged: Vec<&Finding> = errors(&r.findings).into_iter().filter(|f| f.text == shown).collect();
        assert!(!flagged.is_empty(), "{path}: {shown}");
        // The letterhead (before the salutation) is flagged as well as the signature.
        let salutation = text.find("Dear ").unwrap();
        if letterhead {
            assert!(flagged.iter().any(|f| f.start < salutation), "{path}: {shown} in the letterhead");
        }
    }
    // The signer's own voice, through the signer.
    let (_, r) = check("seeds/000_dcdd2d49cfe08213.txt", "2026-11-22");
    assert!(has(&r.findings, "signer-voice", "I will monitor", Severity::Error), "{:#?}", r.findings);
    let (_, r) = check("seeds/003_7118ba4b469bb5ac.txt", "2026-11-22");
    assert!(has(&r.findings, "signer-voice", "I will continue to closely monitor", Severity::Error));
    // Read while the signer held the seat, the same words are fine.
    let (_, r) = check("seeds/003_7118ba4b469bb5ac.txt", "2023-01-10");
    assert!(!r.findings.iter().any(|f| f.kind == FindingKind::SignerVoice));
}

#[test]
fn the_letters_own_date_is_read_in_every_written_form_and_only_then() {
    let on = |line: &str| replydraft::infer_written(&format!("\n{line}\n\nDear Sam,\n\nThank you.\n")).map(|w| w.0);
    for (line, date) in [
        ("16th August 2022", "2022-08-16"),
        ("Monday 5 June 2023", "2023-06-05"),
        ("5th June, 2023", "2023-06-05"),
        ("June 5, 2023", "2023-06-05"),
        ("Date: 01/07/2022", "2022-07-01"),
        ("2022-07-01", "2022-07-01"),
        ("Sept 2021", "2021-09-01"),
    ] {
        assert_eq!(on(line), Some(d(date)), "{line}");
    }
    // What depends on when it is read, or is not a day or a month, is not a date line.
    for line in ["Today", "5 June", "Summer 2022", "2022", "2022-Q3", "Last Friday"] {
        assert_eq!(on(line), None, "{line}");
    }
    // No date line: the first full date in the first quarter of the letter.
    let text = format!("Dear Sam,\n\nThank you for your letter of 3 March 2023.\n{}Yours,\n", "A line.\n".repeat(30));
    let text = text.as_str();
    let (w, s, e) = replydraft::infer_written(text).unwrap();
    assert_eq!((w, &text[s..e]), (d("2023-03-03"), "3 March 2023"));
}
