//! What a caseworker sends and reads: Word documents, email messages and the review
//! page, for every seed recipe (golden files, `UPDATE_GOLDEN=1` rewrites them), and
//! their promises: every paragraph is there, every value is escaped, no header can be
//! injected, one highlight per finding.

use crate::common;

use replydraft::golden::{self, Recipe};
use replydraft::{
    CheckOptions, CheckReport, Desk, DraftRequest, Finding, Format, Library, Review, ReviewLetter, Severity, parse_date,
};
use std::io::Read;
use std::path::Path;

const GOLDEN: &str = "tests/golden/formats";

fn recipes() -> Vec<Recipe> {
    golden::load_recipes("seeds/recipes.toml").expect("recipes load")
}

/// `word/document.xml` of a .docx, one paragraph a line (so that a diff reads).
fn document_xml(docx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a .docx is a ZIP archive");
    let mut xml = String::new();
    archive.by_name("word/document.xml").expect("word/document.xml").read_to_string(&mut xml).unwrap();
    xml.replace("<w:p ", "\n<w:p ").replace("</w:body>", "\n</w:body>")
}

/// The text of a paragraph as Word stores it: escaped, with line breaks as `<w:br>`.
fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\'', "&apos;").replace('"', "&quot;")
}

/// Compares `actual` with the golden file `name`, or writes it under UPDATE_GOLDEN=1.
fn golden_compare(name: &str, actual: &str, failures: &mut Vec<String>) {
    let path = Path::new(GOLDEN).join(name);
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(GOLDEN).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!(
            "{}: differs:\n{}",
            path.display(),
            replydraft::text::word_diff(&expected, actual).chars().take(2000).collect::<String>()
        )),
        Err(_) => failures.push(format!("{}: missing (run with UPDATE_GOLDEN=1)", path.display())),
    }
}

fn email_request(recipe: &Recipe) -> DraftRequest {
    let mut r = recipe.draft.clone();
    r.recipient.name = Some("Ann O'Brien".into());
    r.recipient.email = Some("ann.obrien@example.org".into());
    r
}

#[test]
fn every_recipe_has_golden_files_in_every_format() {
    let desk = Desk::new(Library::embedded().unwrap());
    let mut failures = Vec::new();
    for recipe in recipes() {
        // Markdown, HTML and JSON (plain text: tests/suite/drafting/golden.rs).
        for (format, ext) in [(Format::Markdown, "md"), (Format::Html, "html"), (Format::Json, "json")] {
            let mut r = recipe.draft.clone();
            r.format = format;
            let draft = desk.draft(&r).unwrap();
            let doc = if format == Format::Json { draft.to_json() } else { draft.text };
            golden_compare(&format!("{}.{ext}", recipe.name), &doc, &mut failures);
        }
        let draft = desk.draft(&recipe.draft).unwrap();
        let xml = document_xml(&desk.docx(&draft).unwrap());
        golden_compare(&format!("{}.docx.xml", recipe.name), &xml, &mut failures);
        let email = desk.email(&email_request(&recipe), Some("office@example.org")).unwrap();
        golden_compare(&format!("{}.eml", recipe.name), &String::from_utf8(email.message).unwrap(), &mut failures);
        let review = Review::of_draft(&draft).to_html();
        golden_compare(&format!("{}.review.html", recipe.name), &review, &mut failures);
    }
    assert!(failures.is_empty(), "{} golden file(s) differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_word_document_holds_every_paragraph_of_the_letter_in_order() {
    let desk = Desk::new(Library::embedded().unwrap());
    let library = desk.library();
    for recipe in recipes() {
        let draft = desk.draft(&recipe.draft).unwrap();
        let xml = document_xml(&desk.docx(&draft).unwrap());
        let mut at = 0;
        for span in draft.blocks.iter().filter(|b| b.parent.is_none()) {
            // Each block is one paragraph: its lines joined by line breaks.
            let body = &draft.text[span.start..span.end];
            // Tabs are Word tabs: the text between them is what Word holds.
            for line in body.lines().flat_map(|l| l.split('\t')).filter(|l| !l.is_empty()) {
                let needle = format!(">{}<", xml_text(line));
                let found = xml[at..].find(&needle).unwrap_or_else(|| {
                    panic!("{}: block `{}` line {line:?} not in document order", recipe.name, span.id)
                });
                at += found;
            }
        }
        // In the letter layout, the sign-off and the date are there too.
        if recipe.draft.layout.as_deref().is_some_and(|l| l != "letter") {
            continue;
        }
        let sender = library.sender(&draft.sender).unwrap();
        if !sender.signoff.is_empty() {
            assert!(xml.contains(&xml_text(&sender.signoff)), "{}: sign-off", recipe.name);
        }
        assert!(xml.contains(&xml_text(&sender.date_style.format(draft.date))), "{}: date", recipe.name);
    }
}

#[test]
fn word_documents_escape_merge_values_and_drop_what_xml_cannot_carry() {
    let desk = Desk::new(Library::embedded().unwrap());
    let mut r = DraftRequest::new("care-funding", parse_date("2026-11-23").unwrap());
    r.recipient.name = Some("</w:t></w:r><w:r><w:t>Injected & \"quoted\" \u{1}\u{b}bell".into());
    r.recipient.address = vec!["1 <b>High</b> St".into(), "Corby\tNN17 1AA".into()];
    let draft = desk.draft(&r).unwrap();
    let xml = document_xml(&desk.docx(&draft).unwrap());
    assert!(
        xml.contains("&lt;/w:t&gt;&lt;/w:r&gt;&lt;w:r&gt;&lt;w:t&gt;Injected &amp; &quot;quoted&quot; bell"),
        "{xml}"
    );
    assert!(!xml.contains("<w:t>Injected"));
    assert!(xml.contains("1 &lt;b&gt;High&lt;/b&gt; St"));
    assert!(xml.contains("<w:tab />"), "a tab is a Word tab");
    assert!(!xml.bytes().any(|b| b < 0x20 && b != b'\n'), "no control characters in the XML");
    // Only a plain-text draft becomes a document.
    r.format = Format::Html;
    assert!(desk.docx(&desk.draft(&r).unwrap()).is_err());
}

#[test]
fn the_letterhead_and_the_document_style_come_from_the_library() {
    let dir = common::scratch("docx-style");
    let style = dir.join("style.toml");
    std::fs::write(
        &style,
        "[document]\nfont = \"Georgia\"\nsize = 12.5\nletterhead_align = \"center\"\nletterhead_bold = false\n",
    )
    .unwrap();
    let load = || Library::combine([Path::new("default"), style.as_path()]);
    let desk = Desk::new(load().unwrap());
    let library = desk.library();
    assert_eq!(library.document_style().font, "Georgia");
    let mut r = DraftRequest::new("care-review", parse_date("2022-07-01").unwrap());
    r.sender = Some("tom-pursglove".into());
    let draft = desk.draft(&r).unwrap();
    let xml = document_xml(&desk.docx(&draft).unwrap());
    assert!(xml.contains("w:ascii=\"Georgia\""));
    assert!(xml.contains("<w:sz w:val=\"25\" />"), "12.5 points are 25 half-points");
    // The letterhead is one centred paragraph, its blank lines kept as breaks.
    let head = xml.lines().find(|l| l.contains("TOM PURSGLOVE MP")).unwrap();
    assert!(head.contains("<w:jc w:val=\"center\" />") && head.contains("LONDON SW1A 0AA"), "{head}");
    assert!(!head.contains("<w:b />"));
    // A bad size is an error naming the file.
    std::fs::write(&style, "[document]\nsize = 400.0\n").unwrap();
    let e = load().unwrap_err().to_string();
    assert!(e.contains("style.toml") && e.contains("sizes"), "{e}");
}

#[test]
fn an_email_has_both_parts_and_its_headers_cannot_be_injected() {
    let desk = Desk::new(Library::embedded().unwrap());
    let mut r = DraftRequest::new("care-funding", parse_date("2026-11-23").unwrap());
    r.recipient.name = Some("Ann\r\nBcc: everyone@example.net".into());
    r.recipient.email = Some("ann@example.org".into());
    r.subject = Some("Care\nBcc: leak@example.net\r\nX-Evil: 1".into());
    let email = desk.email(&r, Some("office@example.org")).unwrap();
    let raw = String::from_utf8(email.message.clone()).unwrap();
    let headers = &raw[..raw.find("\r\n\r\n").unwrap()];
    assert!(!headers.lines().any(|l| l.starts_with("Bcc:") || l.starts_with("X-Evil:")), "{headers}");
    let parsed = mail_parser::MessageParser::default().parse(&email.message).unwrap();
    assert!(parsed.bcc().is_none());
    let to = parsed.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("ann@example.org"));
    assert_eq!(parsed.subject(), Some("Care Bcc: leak@example.net X-Evil: 1"));
    assert_eq!(parsed.from().unwrap().first().unwrap().address(), Some("office@example.org"));
    assert_eq!(parsed.header_raw("X-Unsent").map(str::trim), Some("1"));
    // A text and an HTML part, the same letter.
    let text = parsed.body_text(0).unwrap();
    let html = parsed.body_html(0).unwrap();
    assert!(text.contains("Dear Ann Bcc: everyone@example.net,") || text.contains("Dear Ann\r\nBcc"), "{text}");
    assert!(html.contains("<p class=\"salutation\">"));
    for line in ["Thank you for your recent correspondence", "I hope this has provided"] {
        assert!(text.contains(line) && html.contains(line), "{line}");
    }
    // The same draft is the same message, byte for byte.
    assert_eq!(desk.email(&r, Some("office@example.org")).unwrap().message, email.message);
}

#[test]
fn an_email_needs_an_address_to_send_to_and_from() {
    let desk = Desk::new(Library::embedded().unwrap());
    let mut r = DraftRequest::new("care-funding", parse_date("2026-11-23").unwrap());
    let e = desk.email(&r, Some("office@example.org")).unwrap_err().to_string();
    assert!(e.contains("no email address"), "{e}");
    r.recipient.email = Some("not an address".into());
    assert!(desk.email(&r, Some("office@example.org")).unwrap_err().to_string().contains("not an email address"));
    r.recipient.email = Some("ann@example.org".into());
    let e = desk.email(&r, None).unwrap_err().to_string();
    // The library says what is missing; a command-line flag is the command line's to name.
    assert!(e.contains("has no email address") && e.contains("From address") && !e.contains("--"), "{e}");
    assert!(desk.email(&r, Some("office@example.org\r\nBcc: x@y.z")).is_err());
}

/// Findings read from JSON: the shapes the page must draw (nested, overlapping).
fn findings(json: &str) -> Vec<Finding> {
    serde_json::from_str(json).unwrap()
}

#[test]
fn the_review_page_has_one_highlight_per_finding_even_when_spans_overlap() {
    let text = "Alpha beta gamma delta epsilon.";
    let f = |s: usize, e: usize, sev: &str| {
        format!(
            r#"{{"severity":"{sev}","kind":"deadline","text":{:?},"start":{s},"end":{e},"block":null,"since":"2024-01-01","message":"m <{s}>","suggestion":"say <b>","replacement":"x & y","source":"https://example.org/a?b=1&c=2"}}"#,
            &text[s..e]
        )
    };
    // Nested (0..16 holds 6..10), overlapping (12..22 starts inside 0..16), disjoint (24..31).
    let list = findings(&format!(
        "[{},{},{},{}]",
        f(0, 16, "error"),
        f(6, 10, "warning"),
        f(12, 22, "warning"),
        f(24, 31, "info")
    ));
    let mut page = Review::new(parse_date("2026-12-06").unwrap(), None);
    page.letters.push(ReviewLetter::new("t <x>", text, &list, None));
    let html = page.to_html();
    assert_eq!(html.matches("<mark class=\"finding error\"").count(), 1);
    assert_eq!(html.matches("<mark class=\"finding warning\"").count(), 2);
    assert_eq!(html.matches("<mark class=\"finding info\"").count(), 1);
    assert_eq!(html.matches("<mark ").count(), html.matches("</mark>").count());
    // Marks nest properly: never closed out of order (a stack walk).
    let mut depth = 0i32;
    for piece in html.split("<mark ").skip(1) {
        depth += 1;
        depth -= piece.matches("</mark>").count() as i32;
        assert!(depth >= 0);
    }
    assert_eq!(depth, 0);
    // The letter's text survives whole, in order, once the tags are taken out.
    let letter = html.split("<div class=\"letter\" id=\"l1\">").nth(1).unwrap().split("</div>").next().unwrap();
    let mut plain = String::new();
    let mut in_tag = false;
    let mut skip_ref = false;
    for (i, c) in letter.char_indices() {
        if c == '<' {
            in_tag = true;
            skip_ref = letter[i..].starts_with("<a class=\"ref");
            if letter[i..].starts_with("</a>") {
                skip_ref = false;
            }
        } else if c == '>' {
            in_tag = false;
        } else if !in_tag && !skip_ref {
            plain.push(c);
        }
    }
    assert_eq!(plain, text);
    // Every note: the message, since, the source as a link, the suggestion, the replacement; all escaped.
    assert!(html.contains("m &lt;0&gt;") && html.contains("say &lt;b&gt;") && html.contains("x &amp; y"));
    assert!(html.contains("<a href=\"https://example.org/a?b&#x3D;1&amp;c&#x3D;2\">"), "{html}");
    assert!(html.contains("<dt>Since</dt><dd>2024-01-01</dd>"));
    assert!(html.contains("t &lt;x&gt;"));
}

#[test]
fn the_review_page_escapes_everything_from_the_letter_and_fetches_nothing() {
    let desk = Desk::new(Library::embedded().unwrap());
    let text = "Dear <script>alert(1)</script> Ann,\n\nThe Government will publish the strategy by the end of 2023. \
                <img src=x onerror=alert(2)> \"quoted\" & done.\n";
    let mut options = CheckOptions::new(parse_date("2026-12-06").unwrap());
    options.written = Some(parse_date("2022-05-01").unwrap());
    let files = vec![desk.check("<b>letter</b>.txt", text, &options)];
    let report = CheckReport::new(files, &options, desk.library().facts());
    assert!(report.files[0].findings.iter().any(|f| f.severity == Severity::Error));
    let html = Review::of_check(&report, &[text]).to_html();
    for bad in ["<script", "<img", "<b>letter", "onerror=alert(2)>", "src=", "http-equiv", "@import", "url("] {
        assert!(!html.contains(bad), "{bad} in the page");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // No address outside the page but the sources' own links.
    for (i, _) in html.match_indices("href=\"") {
        let target = &html[i + 6..];
        assert!(target.starts_with('#') || target.starts_with("http"), "{}", &target[..40.min(target.len())]);
    }
    let errors = report.files[0].findings.iter().filter(|f| f.severity == Severity::Error).count();
    assert_eq!(html.matches("<mark class=\"finding error\"").count(), errors);
}

#[test]
fn the_cli_writes_docx_eml_and_review_files_and_refuses_bad_targets() {
    let dir = common::scratch("formats-cli");
    let docx = dir.join("a.docx");
    let review = dir.join("a.html");
    let (code, _, err) = common::run(&[
        "draft",
        "--topic",
        "care-funding",
        "--date",
        "2026-11-23",
        "--to",
        "Ann",
        "--format",
        "docx",
        "--out",
        docx.to_str().unwrap(),
        "--review",
        review.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    assert!(std::fs::read_to_string(&review).unwrap().contains("Draft: care-funding"));
    // Never overwritten without --force.
    let (code, _, err) =
        common::run(&["draft", "--topic", "care-funding", "--format", "docx", "--out", docx.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("exists"), "{err}");
    // A target that cannot be written: exit 2, nothing left behind.
    let bad = dir.join("no/such/dir/a.docx");
    let (code, _, _) =
        common::run(&["draft", "--topic", "care-funding", "--format", "docx", "--out", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    // An email to a recipient without an address: exit 2, no file.
    let eml = dir.join("a.eml");
    let (code, _, err) = common::run(&[
        "draft",
        "--topic",
        "care-funding",
        "--format",
        "eml",
        "--from",
        "office@example.org",
        "--out",
        eml.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no email address"), "{err}");
    assert!(!eml.exists());
    let (code, out, err) = common::run(&[
        "draft",
        "--topic",
        "care-funding",
        "--date",
        "2026-11-23",
        "--format",
        "eml",
        "--from",
        "office@example.org",
        "--email",
        "ann@example.org",
        "--to",
        "Ann Lee",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("To: \"Ann Lee\" <ann@example.org>\r\n"));
    // check --format html writes the page.
    let page = dir.join("check.html");
    let (code, _, err) = common::run(&[
        "check",
        "seeds/000_dcdd2d49cfe08213.txt",
        "--date",
        "2026-12-06",
        "--format",
        "html",
        "--out",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&page).unwrap().contains("<mark class=\"finding error\""));
    // --out is for a report document, not the terminal's text.
    let text = dir.join("check.txt");
    let (code, _, err) = common::run(&["check", "seeds/000_dcdd2d49cfe08213.txt", "--out", text.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("--format json or html"), "{err}");
    assert!(!text.exists());
}

#[test]
fn bulk_writes_one_docx_or_eml_per_row() {
    let dir = common::scratch("formats-bulk");
    let csv = dir.join("r.csv");
    std::fs::write(
        &csv,
        "name,email,address\nAnn Lee,ann@example.org,1 High St\nBob Roe,,2 Low St\nCy Dee,cy@example.org,\n",
    )
    .unwrap();
    let out = dir.join("docx");
    let (code, _, err) = common::run(&[
        "bulk",
        "--topic",
        "care-funding",
        "--date",
        "2026-11-23",
        "--recipients",
        csv.to_str().unwrap(),
        "--format",
        "docx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".docx")));
    let first = std::fs::read(out.join(&names[0])).unwrap();
    assert!(document_xml(&first).contains(">Dear Ann Lee,<"));
    // Email: the row without an address is reported and skipped, the others written.
    let out = dir.join("eml");
    let (code, _, err) = common::run(&[
        "bulk",
        "--topic",
        "care-funding",
        "--date",
        "2026-11-23",
        "--recipients",
        csv.to_str().unwrap(),
        "--format",
        "eml",
        "--from",
        "office@example.org",
        "--out",
        out.to_str().unwrap(),
        "--allow-bad-rows",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("row 2") && err.contains("no email address"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);
}

#[test]
fn findings_print_like_rustc_with_colour_only_when_asked_or_on_a_terminal() {
    let seed = "seeds/000_dcdd2d49cfe08213.txt";
    let (code, out, _) = common::run(&["check", seed, "--date", "2026-12-06", "--color", "never"]);
    assert_eq!(code, 0);
    assert!(!out.contains('\u{1b}'), "no escapes with --color never");
    // The kind, the message, where, the line itself and the span underlined, the notes.
    let at = out.find("error[event]: superseded on 2023-12-15").expect("a titled finding");
    let block: Vec<&str> = out[at..].lines().take(10).collect();
    assert!(block[1].trim_start().starts_with(&format!("--> {seed}:17:")), "{block:?}");
    let line = block.iter().find(|l| l.contains("National Children's Social Care Framework")).unwrap();
    let marks = block.iter().find(|l| l.contains('^')).unwrap();
    let under: String = marks.chars().skip_while(|c| *c != '^').take_while(|c| *c == '^').collect();
    assert!(under.len() > 40 && marks.contains("since 2023-12-15"), "{marks}");
    assert!(line.contains('|') && marks.contains('|'));
    assert!(
        block.iter().any(|l| l.contains("= help:")) && block.iter().any(|l| l.contains("= note: source: https://"))
    );
    // Piped output is plain unless --color always.
    let (_, piped, _) = common::run(&["check", seed, "--date", "2026-12-06"]);
    assert!(!piped.contains('\u{1b}'));
    let (_, always, _) = common::run(&["check", seed, "--date", "2026-12-06", "--color", "always"]);
    assert!(always.contains("\u{1b}["), "--color always colours");
    // On a terminal: coloured, unless NO_COLOR is set (util-linux `script` gives a terminal).
    let script = |no_color: bool| {
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &format!("{} check {seed} --date 2026-12-06", env!("CARGO_BIN_EXE_replydraft")), "/dev/null"]);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        c.output().ok().map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    if let (Some(tty), Some(tty_plain)) = (script(false), script(true)) {
        assert!(tty.contains("\u{1b}["), "a terminal gets colour");
        assert!(!tty_plain.contains("\u{1b}["), "NO_COLOR is respected");
    } else {
        eprintln!("SKIPPED the terminal half: no `script` (util-linux)");
    }
}
