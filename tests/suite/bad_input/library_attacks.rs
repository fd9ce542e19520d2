//! Regression tests for what the red-team passes found (issues 8 and 15), through the
//! library: Unicode offsets, name variants, ingest output, slot markers, depth bounds,
//! claims inside merge slots, CR line endings, and bulk equal to draft.

use proptest::prelude::*;
use replydraft::{CheckOptions, Corpus, Desk, DraftRequest, Finding, IngestOptions, Library, Recipient, Severity};

use crate::common::d;

fn check(letter: &str) -> Vec<Finding> {
    let desk = Desk::new(Library::embedded().unwrap());
    let mut options = CheckOptions::new(d("2026-11-22"));
    options.written = Some(d("2021-03-01"));
    let findings = desk.check("-", letter, &options).findings;
    for f in &findings {
        assert_eq!(&letter[f.start..f.end], f.text, "every span quotes the letter");
    }
    findings
}

fn holder_errors<'a>(findings: &'a [Finding], who: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.kind == "officeholder" && f.severity == Severity::Error && f.message.contains(who))
        .collect()
}

/// Gavin Williamson left the Department for Education on 2021-09-15.
const WILLIAMSON: &str = "The Rt Hon Gavin Williamson MP, Secretary of State for Education, has written to schools.";

#[test]
fn names_are_found_on_the_original_text_whatever_unicode_surrounds_them() {
    // 8.1: lengths that change when lowercased (ẞ -1 byte, İ +1 byte, K and Å signs)
    // once shifted every offset; balanced, they panicked, unbalanced, they hid every name.
    for prefix in ["GROẞE Lane, \u{201C}", "İpek wrote: ", "\u{212A}\u{212B}\u{2126} ", "GROẞE Lane İpek \u{201C}"]
    {
        let letter = format!("{prefix}{WILLIAMSON}\u{201D}");
        let findings = check(&letter);
        let errs = holder_errors(&findings, "Gavin Williamson");
        assert_eq!(errs.len(), 1, "{prefix:?}: {findings:#?}");
        assert_eq!(errs[0].text, "Gavin Williamson");
    }
}

#[test]
fn ordinary_variants_of_a_name_are_still_that_name() {
    // 15.6: spacing, wrapping, invisible characters and homoglyphs.
    let variants = [
        ("Gavin\u{00A0}Williamson", false),
        ("Gavin  Williamson", false),
        ("Gavin\tWilliamson", false),
        ("Gavin\nWilliamson", false),
        ("Gavin\u{200B} Williamson", false),
        ("Gav\u{00AD}in Williamson", false),
        ("Gavin Williams\u{043E}n", true), // Cyrillic о
    ];
    for (name, mixed) in variants {
        let letter = WILLIAMSON.replace("Gavin Williamson", name);
        let findings = check(&letter);
        let errs = holder_errors(&findings, "Gavin Williamson");
        assert_eq!(errs.len(), 1, "{name:?}: {findings:#?}");
        assert_eq!(errs[0].text, name, "the span is the name as written");
        let warned = findings.iter().any(|f| f.kind == "mixed-script" && f.severity == Severity::Warning);
        assert_eq!(warned, mixed, "{name:?}");
    }
    // A non-breaking hyphen inside a double-barrelled name.
    // He left both offices the letter names him in (the seat at the 2024 dissolution,
    // Northern Ireland when the new government took office): one error for each.
    let letter = "Rt Hon Chris Heaton\u{2011}Harris MP, Secretary of State for Northern Ireland, said so.";
    let findings = check(letter);
    let errs = holder_errors(&findings, "Chris Heaton-Harris");
    assert_eq!(errs.len(), 2, "{findings:#?}");
    assert!(errs.iter().all(|f| f.text == "Chris Heaton\u{2011}Harris"));
    assert!(errs.iter().any(|f| f.message.contains("Northern Ireland")));
    assert!(errs.iter().any(|f| f.message.contains("Member of Parliament")));
    // Cyrillic Н for the H.
    let letter = "Rt Hon Chris \u{041D}eaton-Harris MP, Secretary of State for Northern Ireland, said so.";
    let findings = check(letter);
    assert_eq!(holder_errors(&findings, "Chris Heaton-Harris").len(), 2, "{findings:#?}");
    assert!(findings.iter().any(|f| f.kind == "mixed-script" && f.message.contains("U+041D")));
}

#[test]
fn every_mention_of_an_out_of_office_minister_is_flagged() {
    let letter = format!("{WILLIAMSON}\n\nYours,\n\nGavin Williamson MP\nSecretary of State for Education\n");
    assert_eq!(holder_errors(&check(&letter), "Gavin Williamson").len(), 2);
}

#[test]
fn cr_only_line_endings_break_lines() {
    // 15.10: an old Mac file is one "line" unless CR counts as a line break.
    let lf = "1 March 2021\n\nDear Sam,\n\nWe will publish the plan by the end of 2022.\nThe fund runs until 2023-24.\n\nWithin months it will be law.\n";
    let cr = lf.replace('\n', "\r");
    let kinds = |t: &str| {
        let desk = Desk::new(Library::embedded().unwrap());
        let r = desk.check("-", t, &CheckOptions::new(d("2026-11-22")));
        (r.paragraphs.len(), r.findings.iter().map(|f| (f.kind, f.severity)).collect::<Vec<_>>())
    };
    assert_eq!(kinds(&cr), kinds(lf));
    assert!(kinds(lf).1.iter().filter(|(_, s)| *s == Severity::Error).count() >= 2);
}

/// A library with a block whose merge field can hold anything.
fn slot_library() -> Library {
    load_with(
        r#"
[[block]]
id = "ward-news"
title = "Ward news"
role = "body"
text = "I am pleased to tell you that in your ward {{recipient.news}} and I will keep you updated on progress."
as_of = 2021-03-01

[[topic]]
id = "ward"
title = "Ward"
sender = "gavin-williamson"
blocks = ["ward-news"]

[[block]]
id = "helpers"
title = "Helpers over merge values"
role = "body"
text = "{{#if (eq recipient.ward \"Abbey\")}}Abbey ward gets the new hub.{{else}}Your ward: {{recipient.ward}} ({{len recipient.ward}} letters).{{/if}} Thanks, {{recipient.name}}"
as_of = 2021-03-01

[[topic]]
id = "helpers"
title = "Helpers"
sender = "gavin-williamson"
blocks = ["helpers"]
"#,
    )
    .unwrap()
}

#[test]
fn claims_inside_merge_slots_are_scanned() {
    // 15.5: the slot's text made the paragraph match at 1.0 and hid its claims.
    let desk = Desk::new(slot_library());
    let news = "the new library will be built by the end of 2022 with funding for 2022-23";
    let para = format!("I am pleased to tell you that in your ward {news} and I will keep you updated on progress.");
    let letter = format!("1 March 2021\n\nDear Sam,\n\n{para}\n");
    let report = desk.check("-", &letter, &CheckOptions::new(d("2026-11-22")));
    assert!(report.paragraphs.iter().any(|p| p.block.as_deref() == Some("ward-news") && p.similarity == 1.0));
    let inside: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && letter[f.start..f.end].len() < news.len())
        .filter(|f| news.contains(&f.text))
        .collect();
    assert!(inside.iter().any(|f| f.text.contains("by the end of 2022")), "{:#?}", report.findings);
    assert!(inside.iter().any(|f| f.text.contains("2022-23")), "{:#?}", report.findings);
}

#[test]
fn bulk_slot_markers_cannot_be_forged_by_a_subject() {
    // 8.5: private-use characters in a subject were read as slots.
    let desk = Desk::new(slot_library());
    let mut request = DraftRequest::new("helpers", d("2021-03-01"));
    request.subject = Some("\u{E000}0\u{E001} and \u{E000}1\u{E001}".into());
    let mut r = Recipient::default();
    r.name = Some("Ann".into());
    r.fields.insert("ward".into(), "Abbey".into());
    let mut bulk = desk.bulk(&request).unwrap();
    let mut merged = String::new();
    bulk.render_into(&r, &mut merged).unwrap();
    request.recipient = r;
    assert_eq!(merged, desk.draft(&request).unwrap().text);
    assert!(merged.contains("RE: \u{E000}0\u{E001} and \u{E000}1\u{E001}"));
}

#[test]
fn merge_error_messages_say_what_is_wrong() {
    let desk = Desk::new(
        load_with(
            r#"
[[block]]
id = "loop"
title = "t"
role = "body"
text = "Items: {{#each recipient.ward}}x{{/each}}."
as_of = 2021-03-01
[[block]]
id = "look"
title = "t"
role = "body"
text = "Line: {{lookup recipient.address 5}}."
as_of = 2021-03-01
[[topic]]
id = "loop"
title = "t"
sender = "gavin-williamson"
blocks = ["loop"]
[[topic]]
id = "look"
title = "t"
sender = "gavin-williamson"
blocks = ["look"]
"#,
        )
        .unwrap(),
    );
    let mut r = DraftRequest::new("loop", d("2021-03-01"));
    r.recipient.fields.insert("ward".into(), "Abbey".into());
    let e = desk.draft(&r).unwrap_err().to_string();
    assert!(e.contains("is text, not a list"), "{e}");
    // `{{#each}}` over a field that does not exist is an error, never silently empty.
    r.recipient.fields.clear();
    let e = desk.draft(&r).unwrap_err().to_string();
    assert!(e.contains("missing merge field") && e.contains("recipient.ward"), "{e}");
    r.topic = "look".into();
    r.recipient.address = vec!["1 Road".into()];
    let e = desk.draft(&r).unwrap_err().to_string();
    assert!(e.contains("lookup found nothing"), "{e}");
}

fn load_with(extra: &str) -> replydraft::Result<Library> {
    let mut files = Library::embedded_sources();
    files.push(("x.toml".into(), extra.into()));
    Library::from_files(files)
}

#[test]
fn deep_include_chains_and_nesting_are_refused_with_the_chain_named() {
    // 8.6: a 5,000-deep chain aborted the process (stack overflow) or took 41 s.
    let mut toml = String::new();
    for i in 0..5000 {
        let text = if i + 1 < 5000 { format!("Level {i} {{{{> b{}}}}}", i + 1) } else { "Bottom.".into() };
        toml.push_str(&format!(
            "[[block]]\nid = \"b{i}\"\ntitle = \"t\"\nrole = \"body\"\ntext = \"{text}\"\nas_of = 2021-03-01\n"
        ));
    }
    let e = load_with(&toml).unwrap_err().to_string();
    assert!(e.contains("more than 32 deep") && e.contains("b0 -> b1 -> b2"), "{e}");
    // 32 levels are fine.
    let mut toml = String::new();
    for i in 0..32 {
        let text = if i + 1 < 32 { format!("L{i} {{{{> c{}}}}}", i + 1) } else { "Bottom.".into() };
        toml.push_str(&format!(
            "[[block]]\nid = \"c{i}\"\ntitle = \"t\"\nrole = \"body\"\ntext = \"{text}\"\nas_of = 2021-03-01\n"
        ));
    }
    load_with(&toml).unwrap();
    // Helpers nested deeper than 64.
    let nested = format!("{}x{}", "{{#if recipient.name}}".repeat(65), "{{/if}}".repeat(65));
    let e = load_with(&format!(
        "[[block]]\nid = \"n\"\ntitle = \"t\"\nrole = \"body\"\ntext = \"{nested}\"\nas_of = 2021-03-01\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(e.contains("nest 65 deep"), "{e}");
}

#[test]
fn huge_blocks_and_negative_tolerances_are_refused() {
    // 15.10: a 100 MB block made check use 2 GB; "-6 months" was accepted.
    let big = "word ".repeat(300_000);
    let e = load_with(&format!(
        "[[block]]\nid = \"big\"\ntitle = \"t\"\nrole = \"body\"\ntext = \"{big}\"\nas_of = 2021-03-01\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(e.contains("at most 1048576"), "{e}");
    let e = load_with(
        "[[block]]\nid = \"neg\"\ntitle = \"t\"\nrole = \"body\"\ntext = \"Soon.\"\nas_of = 2021-03-01\n\
         [[block.claim]]\nquote = \"Soon\"\nkind = \"relative\"\ntolerance = \"-6 months\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("negative length of time"), "{e}");
}

/// Ingests `letters` (name, text) with every paragraph proposed, loads the result
/// beside the default library, and returns the TOML and the library.
fn ingest(letters: Vec<(String, String)>) -> (String, Vec<replydraft::Proposed>, Library) {
    let mut corpus = Corpus::new();
    corpus.add(letters);
    let mut options = IngestOptions::new(d("2026-11-22"));
    options.min_letters = 1;
    let proposed = corpus.propose(&options);
    let toml = corpus.to_toml(&proposed, &options);
    let library = load_with(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    (toml, proposed, library)
}

fn renders_literally(proposed: &[replydraft::Proposed], library: &Library) {
    let mut request = DraftRequest::new("ingested", d("2026-11-22"));
    request.sender = Some("gavin-williamson".into());
    request.layout = Some("body".into());
    let text = Desk::new(library.clone()).draft(&request).unwrap().text;
    for p in proposed {
        assert!(text.contains(&p.text), "{:?} rendered literally in\n{text}", p.text);
    }
}

#[test]
fn ingest_writes_valid_toml_whatever_the_letters_and_names_hold() {
    // 8.2: a file name with a newline injected a [[tenure]]; control characters broke
    // comments; ids collided; `\{{x}}` became a live template.
    let para = "Thank you for writing to me about \\{{recipient.name}} and {{x}} and the fund for 2024-25 in the area.";
    let evil = "a.txt\n[[tenure]]\noffice = \"secretary-of-state-education\"\nholder = \"Gavin Williamson\"\nfrom = 2019-07-24\nsource = \"x\"\n#";
    let (toml, proposed, library) = ingest(vec![
        (evil.into(), format!("{para}\n\nAlpha beta gamma delta eps one two three four.\n\nAlpha beta gamma delta eps other words here now.")),
        ("b\u{7}\u{1b}.txt".into(), format!("{para}\n\nAlpha beta gamma delta eps other words here now.\n\nAlpha beta gamma delta eps-2 more words here.")),
        ("c.txt".into(), "Alpha beta gamma delta eps one two three four.\n\nAlpha beta gamma delta eps other words\u{0} here\u{1} now.".into()),
    ]);
    assert_eq!(library.facts().tenures().len(), Library::embedded().unwrap().facts().tenures().len(), "{toml}");
    let ids: Vec<&str> = library.blocks().iter().map(|b| b.id.as_str()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    renders_literally(&proposed, &library);
}

#[test]
fn an_ingested_letter_keeps_its_asterisks() {
    // Found by the ingest_toml fuzzer: Markdown bold was read in ingested (literal)
    // blocks, so a past letter's `**…**` lost its asterisks in a text draft.
    let para = "Scores of 5**(A) and 3**(B) were given to the schools in the area this year.";
    let (_, proposed, library) = ingest(vec![("a.txt".into(), para.into())]);
    assert!(proposed.iter().any(|p| p.text.contains("**(")));
    renders_literally(&proposed, &library);
}

#[test]
fn an_ingested_letter_ending_in_a_vertical_tab_renders_as_proposed() {
    // Found by the ingest_toml fuzzer (3.5M executions in): a paragraph ending in a
    // vertical tab and a soft hyphen kept the tab once the hyphen was dropped; loading
    // trims a block's trailing white space, so the draft lost it and no longer held the
    // proposed text. The tab is white space when text is normalised, as when trimmed.
    let para = "Thank you for writing to me about the\u{b}fund in the area this year z\u{b}\u{ad}";
    let (_, proposed, library) = ingest(vec![("a.txt".into(), para.into())]);
    assert!(proposed.iter().all(|p| p.text == p.text.trim() && !p.text.contains('\u{b}')), "{proposed:?}");
    renders_literally(&proposed, &library);
}

/// Drafts `recipient` in bulk and alone: both give the same letter, or both fail.
fn same_in_bulk_and_alone(
    desk: &Desk,
    bulk: &mut replydraft::BulkDrafter<'_>,
    request: &DraftRequest,
    recipient: Recipient,
) -> Result<(), TestCaseError> {
    let mut merged = String::new();
    let merged = bulk.render_into(&recipient, &mut merged).map(|()| merged);
    let mut alone = request.clone();
    alone.recipient = recipient;
    match (merged, desk.draft(&alone).map(|d| d.text)) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        (a, b) => prop_assert!(false, "disagree: {:?} vs {:?}", a, b),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_ingested_corpus_loads_and_renders_literally(
        names in proptest::collection::vec("[\\PC\n\r\t\u{0}-\u{1f}]{0,12}", 2..4),
        body in "[a-z{}\\\\\"'#\\[\\] \n\u{7}\u{2028}=]{20,120}",
    ) {
        let letters: Vec<(String, String)> =
            names.into_iter().map(|n| (n, format!("Words of the letter here {body}"))).collect();
        let (_, proposed, library) = ingest(letters);
        renders_literally(&proposed, &library);
    }

    #[test]
    fn bulk_equals_draft_for_helpers_over_merge_values(
        rows in proptest::collection::vec(
            (proptest::option::of("[ A-Za-z'<&]{0,10}"), proptest::option::of(prop_oneof![
                Just("Abbey".to_string()), Just(" Abbey ".to_string()), "[ A-Za-z]{0,8}".prop_map(String::from)
            ])),
            1..12,
        ),
    ) {
        // 15.2: helpers saw the placeholder, and trailing spaces were trimmed by draft only.
        let desk = Desk::new(slot_library());
        for format in [replydraft::Format::Text, replydraft::Format::Html] {
            let mut request = DraftRequest::new("helpers", d("2021-03-01"));
            request.format = format;
            let mut bulk = desk.bulk(&request).unwrap();
            prop_assert!(bulk.per_row(), "helpers over merge values are drafted per row");
            for (name, ward) in &rows {
                let mut r = Recipient::default();
                r.name = name.clone();
                if let Some(w) = ward {
                    r.fields.insert("ward".into(), w.clone());
                }
                same_in_bulk_and_alone(&desk, &mut bulk, &request, r)?;
            }
        }
    }

    #[test]
    fn bulk_equals_draft_for_plain_merge_fields_with_padding(
        rows in proptest::collection::vec(("[ a-z]{0,6}", "[ a-z<]{0,6}"), 1..12),
    ) {
        // The merge path (no helpers): values with spaces at either end, or blank.
        let desk = Desk::new(slot_library());
        let request = DraftRequest::new("ward", d("2021-03-01"));
        let mut bulk = desk.bulk(&request).unwrap();
        prop_assert!(!bulk.per_row());
        for (name, news) in &rows {
            let mut r = Recipient::default();
            r.name = Some(name.clone());
            r.fields.insert("news".into(), news.clone());
            same_in_bulk_and_alone(&desk, &mut bulk, &request, r)?;
        }
    }
}

#[test]
fn huge_counts_in_time_expressions_are_out_of_range_not_a_panic() {
    // Found on 2026-12-06 by reading the judge: a count in a letter built a calendar
    // span with jiff's panicking constructors (`n.years()`); ten million fuzz runs had
    // not reached it.
    let desk = Desk::new(Library::embedded().unwrap());
    for sentence in [
        "Over the past 99999999999 years we acted.",
        "Over the next 99999999999 years we will act.",
        "Over the next 20000 years we will act.",
        "It happened 99999999999 days ago.",
        "It happened 99999999999 months ago.",
        "It happened 9999999 weeks ago.",
        "We will act within 99999999999 months.",
    ] {
        for written in [Some(d("2020-01-01")), None] {
            let mut options = CheckOptions::new(d("2026-01-01"));
            options.written = written;
            desk.check("", sentence, &options);
        }
        let found = replydraft::timex::find(sentence, d("2020-01-01"));
        assert!(found.iter().all(|t| t.first.is_none_or(|f| f.year() > 0)), "{sentence}: {found:?}");
    }
    // In range, the count is still read.
    let found = replydraft::timex::find("It happened 20000 months ago.", d("2020-01-01"));
    assert_eq!(found[0].value, "0353-05");
}
