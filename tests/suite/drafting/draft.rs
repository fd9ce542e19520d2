//! Drafting: composition, escaping, strictness, spans and the command line.

use replydraft::{Desk, DraftRequest, Format, Library, parse_date};

use crate::common::run as replydraft;

fn lib() -> Library {
    Library::embedded().unwrap()
}

fn request(topic: &str, date: &str) -> DraftRequest {
    DraftRequest::new(topic, parse_date(date).unwrap())
}

/// A minimal library with one block whose text is given.
fn tiny(text: &str) -> Result<Library, replydraft::Error> {
    let toml = format!(
        "[[sender]]\nid = \"s\"\nname = \"Ann Example\"\noffice_title = \"MP\"\n\n[[topic]]\nid = \"t\"\ntitle = \"T\"\nsender = \"s\"\nblocks = [\"b\"]\n\n[[block]]\nid = \"b\"\ntitle = \"B\"\nrole = \"body\"\ntext = '''{text}'''\nas_of = 2024-01-01\n"
    );
    Library::from_files([
        ("lib.toml".to_string(), toml),
        ("layouts/letter.txt.hbs".to_string(), "{{#each paragraphs}}{{this.text}}\n{{/each}}".to_string()),
        ("layouts/letter.html.hbs".to_string(), "{{#each paragraphs}}<p>{{this.text}}</p>{{/each}}".to_string()),
    ])
}

#[test]
fn library_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Library>();
    let a = lib();
    let b = a.clone();
    assert!(std::ptr::eq(a.blocks().as_ptr(), b.blocks().as_ptr()), "clones share one library");
}

#[test]
fn plain_text_is_never_escaped_and_html_always_is() {
    let desk = Desk::new(lib());
    let mut r = request("care-review", "2022-07-01");
    r.recipient.name = Some("Siobhán O'Brien <Esq> & Co".into());
    let text = desk.draft(&r).unwrap().text;
    assert!(text.contains("Dear Siobhán O'Brien <Esq> & Co,"));
    assert!(text.contains("children's social care"), "apostrophes in blocks stay");
    r.format = Format::Html;
    let html = desk.draft(&r).unwrap().text;
    assert!(html.contains("Dear Siobhán O&#x27;Brien &lt;Esq&gt; &amp; Co,"), "{html}");
    assert!(!html.contains("<Esq>"));
    assert!(html.contains("children&#x27;s social care"));
}

#[test]
fn merge_values_are_data_never_templates() {
    let desk = Desk::new(lib());
    let mut r = request("care-review", "2022-07-01");
    r.recipient.name = Some("{{sender.name}}".into());
    r.recipient.salutation = Some("Dear {{> nib-proposals}} }}{{".into());
    let text = desk.draft(&r).unwrap().text;
    assert!(text.contains("Dear {{> nib-proposals}} }}{{,"));
    assert!(!text.contains("Dear Chris Heaton-Harris"));
    // In a block too: a merge field holding template syntax is printed as it is.
    let tiny = tiny("Hello {{recipient.name}}.").unwrap();
    let mut r = request("t", "2024-06-01");
    r.recipient.name = Some("{{#each x}}{{/each}}".into());
    assert_eq!(Desk::new(tiny).draft(&r).unwrap().text, "Hello {{#each x}}{{/each}}.\n");
}

#[test]
fn a_missing_merge_field_names_the_field_and_the_block() {
    let desk = Desk::new(lib());
    let err = desk.draft(&request("review-disparities", "2021-02-24")).unwrap_err();
    assert!(err.is_render());
    let msg = err.to_string();
    assert!(msg.contains("block `thanks-organisations-letter`") && msg.contains("recipient.letter_date"), "{msg}");
}

#[test]
fn if_on_a_missing_field_is_an_error_not_silently_false() {
    let desk = Desk::new(tiny("Hi{{#if recipient.emial}} by email{{/if}}.").unwrap());
    let err = desk.draft(&request("t", "2024-06-01")).unwrap_err();
    assert!(err.to_string().contains("recipient.emial"), "{err}");
    // A field that exists but is empty is simply false.
    let desk = Desk::new(
        tiny("Hi{{#if recipient.email}} by email{{/if}}{{#unless recipient.email}} by post{{/unless}}.").unwrap(),
    );
    assert_eq!(desk.draft(&request("t", "2024-06-01")).unwrap().text, "Hi by post.\n");
}

#[test]
fn optional_alternative_extra_and_excluded_blocks() {
    let desk = Desk::new(lib());
    let ids = |include: &[&str], exclude: &[&str]| {
        let mut r = request("care-review", "2022-07-01");
        r.include = include.iter().map(|s| s.to_string()).collect();
        r.exclude = exclude.iter().map(|s| s.to_string()).collect();
        desk.resolve_blocks(&r).unwrap()
    };
    let default = ids(&[], &[]);
    assert!(!default.contains(&"calcot-investigation".to_string()), "optional blocks are off by default");
    assert_eq!(default.last().unwrap(), "closing-thank-again");
    let with = ids(&["calcot-investigation", "closing-once-again-write"], &[]);
    let pos = |v: &[String], id: &str| v.iter().position(|x| x == id).unwrap();
    assert!(pos(&with, "calcot-investigation") < pos(&with, "closing-once-again-write"));
    assert!(!with.contains(&"closing-thank-again".to_string()), "an alternative replaces its default");
    // A block from another topic goes before the closing.
    let extra = ids(&["care-deeply"], &["family-hubs"]);
    assert_eq!(pos(&extra, "care-deeply"), extra.len() - 2);
    assert!(!extra.contains(&"family-hubs".to_string()));
}

#[test]
fn spans_cover_exactly_each_block_in_every_format() {
    let desk = Desk::new(lib());
    let library = desk.library();
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let mut r = request("care-funding", "2022-08-16");
        r.format = format;
        let draft = desk.draft(&r).unwrap();
        let top: Vec<&str> = draft.blocks.iter().filter(|b| b.parent.is_none()).map(|b| b.id.as_str()).collect();
        assert_eq!(top, desk.resolve_blocks(&r).unwrap(), "{format:?}");
        for span in &draft.blocks {
            let got = &draft.text[span.start..span.end];
            let mut plain = request("care-funding", "2022-08-16");
            plain.include.clear();
            let block = library.block(&span.id).unwrap();
            let literal = block.text.split("{{").next().unwrap();
            let literal = if format == Format::Html { literal.replace('\'', "&#x27;") } else { literal.to_string() };
            assert!(got.starts_with(&literal), "{format:?} {}: {got:.60}", span.id);
        }
    }
}

#[test]
fn json_draft_carries_text_spans_and_findings() {
    let (code, out, _) = replydraft(&["draft", "--topic", "care-review", "--date", "2026-11-22", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let text = v["text"].as_str().unwrap();
    for b in v["blocks"].as_array().unwrap() {
        let (s, e) = (b["start"].as_u64().unwrap() as usize, b["end"].as_u64().unwrap() as usize);
        assert!(e <= text.len() && s < e);
    }
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["kind"] == "signer" && f["severity"] == "error"));
}

#[test]
fn cli_topics_blocks_and_draft() {
    let (code, out, _) = replydraft(&["topics"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(ids, ["care-review", "care-funding", "care-strategy", "review-disparities"]);

    // The edition in force today: the current one, with its optional footer.
    let (code, out, _) = replydraft(&["blocks", "--topic", "care-review"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(ids.first(), Some(&"thanks-care-review"));
    assert!(ids.contains(&"sender-footer"), "optional blocks are listed");
    assert!(ids.contains(&"reform-since-review") && !ids.contains(&"calcot-investigation"), "{ids:?}");

    // The letter goes to stdout, findings to stderr.
    let (code, out, err) =
        replydraft(&["draft", "--topic", "care-review", "--to", "Ann O'Brien", "--date", "2022-07-01"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("July 2022\n\nDear Ann O'Brien,\n"));
    assert!(err.is_empty(), "nothing is stale on the day it was written: {err}");
}

#[test]
fn deny_stale_exits_1_only_when_an_error_finding_exists() {
    let (code, out, err) = replydraft(&["draft", "--topic", "care-review", "--date", "2026-11-22", "--deny-stale"]);
    assert_eq!(code, 1);
    assert!(!out.is_empty(), "the draft is still printed");
    assert!(err.contains("error[signer]"), "{err}");
    let (code, _, _) = replydraft(&["draft", "--topic", "care-review", "--date", "2022-07-01", "--deny-stale"]);
    assert_eq!(code, 0);
}

#[test]
fn a_library_directory_loads_like_the_embedded_one() {
    let from_dir = Library::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).unwrap();
    let embedded = lib();
    let r = request("care-strategy", "2023-02-02");
    assert_eq!(Desk::new(from_dir).draft(&r).unwrap().text, Desk::new(embedded).draft(&r).unwrap().text);
    // Every file under templates/ is embedded.
    let mut on_disk = Vec::new();
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out)
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
            }
        }
    }
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"));
    walk(root, root, &mut on_disk);
    on_disk.sort();
    let embedded: Vec<&str> = replydraft::embedded_files().collect();
    assert_eq!(on_disk, embedded);
}

/// Plain blocks are read directly, not through handlebars; those a template names as a
/// partial (a block, a text layout, or a partial named by an expression) still render.
#[test]
fn plain_blocks_render_wherever_a_template_includes_them() {
    let toml = "[[sender]]\nid = \"s\"\nname = \"Ann Example\"\noffice_title = \"MP\"\n\n\
        [[topic]]\nid = \"closing\"\ntitle = \"T\"\nsender = \"s\"\nblocks = [\"a\", \"b\"]\n\n\
        [[block]]\nid = \"a\"\ntitle = \"A\"\nrole = \"body\"\ntext = \"Dear {{recipient.name}}: {{> shared}}\"\nas_of = 2024-01-01\n\n\
        [[block]]\nid = \"b\"\ntitle = \"B\"\nrole = \"body\"\ntext = \"By name: {{> (lookup topic \\\"id\\\")}}\"\nas_of = 2024-01-01\n\n\
        [[block]]\nid = \"shared\"\ntitle = \"S\"\nrole = \"body\"\ntext = \"A shared line {{literally}}.\"\nliteral = true\nas_of = 2024-01-01\n\n\
        [[block]]\nid = \"closing\"\ntitle = \"C\"\nrole = \"body\"\ntext = \"The closing line.\"\nas_of = 2024-01-01\n\n\
        [[block]]\nid = \"footer\"\ntitle = \"F\"\nrole = \"body\"\ntext = \"The footer line.\"\nas_of = 2024-01-01\n";
    let desk = Desk::new(
        Library::from_files([
            ("lib.toml".to_string(), toml.to_string()),
            (
                "layouts/letter.txt.hbs".to_string(),
                "{{#each paragraphs}}{{this.text}}\n{{/each}}{{> footer}}".to_string(),
            ),
        ])
        .unwrap(),
    );
    let mut r = request("closing", "2024-06-01");
    r.recipient.name = Some("Sam".into());
    let text = desk.draft(&r).unwrap().text;
    assert_eq!(text, "Dear Sam: A shared line {{literally}}.\nBy name: The closing line.\nThe footer line.");
}

/// Markdown bold in a block's own text is bold in HTML, kept in Markdown and plain in
/// text and JSON; `**` in a recipient's value is the value's, never markup.
#[test]
fn bold_in_block_text_follows_the_format_and_values_stay_data() {
    let desk = Desk::new(lib());
    let mut r = request("care-strategy", "2023-02-02");
    let title = "Stable Homes, Built on Love";
    let text_of = |r: &DraftRequest| desk.draft(r).unwrap().text;
    let text = text_of(&r);
    assert!(text.contains(&format!("'{title}'")) && !text.contains("**"), "text");
    r.format = Format::Json;
    assert!(text_of(&r).contains(&format!("'{title}'")));
    r.format = Format::Markdown;
    assert!(text_of(&r).contains(&format!("'**{title}**'")));
    r.format = Format::Html;
    let html = desk.draft(&r).unwrap();
    assert!(html.text.contains(&format!("<strong>{title}</strong>")), "html");
    // The block's span still covers its paragraph in every format.
    let span = html.blocks.iter().find(|b| b.id == "stable-homes-announcement").unwrap();
    assert!(html.text[span.start..span.end].contains("<strong>"));

    let mut r = request("review-disparities", "2021-02-24");
    r.recipient.fields.insert("organisation".into(), "**Home for Good**".into());
    r.recipient.fields.insert("letter_date".into(), "3 March".into());
    assert!(text_of(&r).contains("**Home for Good** play"));
    r.format = Format::Html;
    let html = text_of(&r);
    assert!(html.contains("**Home for Good** play") && !html.contains("<strong>Home"), "values are data");
}
