//! The deliverables in real programs: the review page of every seed letter in headless
//! Chromium (its DOM holds one highlight per error and warning, and a screenshot is
//! taken), and every seed recipe's Word document opened by LibreOffice (it loads
//! without repair, and its text holds every paragraph). Each test says so and passes
//! over itself when the program is not installed (README: how to install them).

use crate::common;

use replydraft::golden;
use replydraft::{CheckOptions, CheckReport, Desk, Library, Review, Severity, parse_date};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The first of `names` found on the PATH (or the path in `env`, if set).
fn program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| names.iter().map(move |n| dir.join(n))).find(|p| p.is_file())
}

fn chromium(dir: &Path, args: &[&str]) -> std::process::Output {
    let exe = program("CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]).unwrap();
    let profile = dir.join("profile");
    Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1100,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

#[test]
fn the_review_page_of_every_seed_shows_one_highlight_per_finding_in_chromium() {
    if program("CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]).is_none() {
        eprintln!("SKIPPED: no Chromium (apt-get install chromium, or set CHROMIUM=/path/to/chrome)");
        return;
    }
    let dir = common::scratch("browser");
    let desk = Desk::new(Library::embedded().unwrap());
    let options = CheckOptions::new(parse_date("2026-12-06").unwrap());
    for entry in std::fs::read_dir("seeds").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let report = CheckReport::new(vec![desk.check(&name, &text, &options)], &options, desk.library().facts());
        let page = dir.join(format!("{name}.html"));
        std::fs::write(&page, Review::of_check(&report, &[&text]).to_html()).unwrap();
        let url = format!("file://{}", page.display());
        let dom = chromium(&dir, &["--dump-dom", &url]);
        let dom = String::from_utf8_lossy(&dom.stdout);
        let count = |s: Severity| report.files[0].findings.iter().filter(|f| f.severity == s).count();
        let errors = count(Severity::Error);
        let warnings = count(Severity::Warning);
        assert!(errors + warnings > 0, "{name}: the seeds are stale at 2026-12-06");
        // As the browser parsed it: every highlight an element of its own.
        assert_eq!(dom.matches("<mark class=\"finding error\"").count(), errors, "{name}: error highlights");
        assert_eq!(dom.matches("<mark class=\"finding warning\"").count(), warnings, "{name}: warning highlights");
        assert!(dom.contains("Checked at</dt><dd>2026-12-06"), "{name}: the summary");
        // Each highlight links to its note, and its note back to it.
        let all = report.files[0].findings.len();
        assert_eq!(dom.matches("<a class=\"ref ").count(), all, "{name}: a link to each note");
        assert_eq!(dom.matches("href=\"#l1-m").count(), all, "{name}: a link back from each note");
        let shot = dir.join(format!("{name}.png"));
        let out = chromium(&dir, &[&format!("--screenshot={}", shot.display()), &url]);
        let png = std::fs::read(&shot).unwrap_or_else(|_| panic!("{name}: no screenshot: {out:?}"));
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{name}: a screenshot of the page");
    }
}

#[test]
fn every_seed_recipe_opens_in_libreoffice() {
    let Some(soffice) = program("SOFFICE", &["soffice", "libreoffice"]) else {
        eprintln!(
            "SKIPPED: no LibreOffice (apt-get install libreoffice-writer-nogui, or set SOFFICE=/path/to/soffice)"
        );
        return;
    };
    let dir = common::scratch("libreoffice");
    let desk = Desk::new(Library::embedded().unwrap());
    for recipe in golden::load_recipes("seeds/recipes.toml").unwrap() {
        let draft = desk.draft(&recipe.draft).unwrap();
        let docx = dir.join(format!("{}.docx", recipe.name));
        std::fs::write(&docx, desk.docx(&draft).unwrap()).unwrap();
        let out = Command::new(&soffice)
            .arg(format!("-env:UserInstallation=file://{}", dir.join("profile").display()))
            .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
            .arg(&dir)
            .arg(&docx)
            .output()
            .unwrap();
        let txt = dir.join(format!("{}.txt", recipe.name));
        let text = std::fs::read_to_string(&txt).unwrap_or_else(|_| {
            panic!("{}: LibreOffice could not load the document: {}", recipe.name, String::from_utf8_lossy(&out.stderr))
        });
        let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        for span in draft.blocks.iter().filter(|b| b.parent.is_none()) {
            for line in draft.text[span.start..span.end].lines().filter(|l| !l.trim().is_empty()) {
                assert!(text.contains(line), "{}: {:?} not in LibreOffice's text", recipe.name, line);
            }
        }
    }
}

/// Python's `email` package, strict policy: parses the message and lists its defects.
const PY_CHECK: &str = r#"
import email, email.policy, sys
data = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(data, policy=email.policy.strict)
defects = [d for p in m.walk() for d in p.defects]
bare = data.count(b'\n') - data.count(b'\r\n')
long = max(len(l) for l in data.split(b'\r\n'))
parts = [p.get_content_type() for p in m.walk()]
print(m['To'].addresses[0].addr_spec, len(defects), bare, long, ' '.join(parts))
"#;

#[test]
fn every_seed_recipe_as_email_passes_pythons_strict_parser() {
    let Some(python) = program("PYTHON", &["python3"]) else {
        eprintln!("SKIPPED: no python3 to check messages with its email package");
        return;
    };
    let dir = common::scratch("eml-check");
    let desk = Desk::new(Library::embedded().unwrap());
    for recipe in golden::load_recipes("seeds/recipes.toml").unwrap() {
        let mut r = recipe.draft.clone();
        r.recipient.name = Some("Ann Ó Brien".into());
        r.recipient.email = Some("ann@example.org".into());
        r.subject = Some("Your letter – and the review".into());
        let path = dir.join(format!("{}.eml", recipe.name));
        std::fs::write(&path, desk.email(&r, Some("office@example.org")).unwrap().message).unwrap();
        let out = Command::new(&python).args(["-c", PY_CHECK]).arg(&path).output().unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<&str> = report.split_whitespace().collect();
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(fields.len() >= 4, "{}: {report} {why}", recipe.name);
        assert_eq!(fields[0], "ann@example.org", "{}: To:", recipe.name);
        assert_eq!(fields[1], "0", "{}: defects found: {why}", recipe.name);
        assert_eq!(fields[2], "0", "{}: bare line feeds", recipe.name);
        assert!(fields[3].parse::<usize>().unwrap() <= 998, "{}: RFC 5322 line length", recipe.name);
        assert_eq!(fields[4..], ["multipart/alternative", "text/plain", "text/html"], "{}", recipe.name);
    }
}
