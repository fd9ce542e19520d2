//! `replydraft reply`: from an incoming letter or email to a checked reply in one step,
//! on messages written for these tests (tests/incoming/).

use crate::common;

use replydraft::{Desk, Incoming, Library, TopicChoice};

fn incoming(name: &str) -> Incoming {
    let path = format!("tests/incoming/{name}");
    Incoming::read(&path, &std::fs::read(&path).unwrap()).unwrap()
}

#[test]
fn a_campaign_email_gives_the_writer_their_address_and_a_clear_topic() {
    let m = incoming("campaign-38-degrees.eml");
    // The platform's name is not the writer's; the sign-off's name and address are.
    assert_eq!(m.recipient.name.as_deref(), Some("Ann Lee"));
    assert_eq!(m.recipient.email.as_deref(), Some("ann.lee@example.org"));
    assert_eq!(m.recipient.address, ["4 Elm Road", "Corby", "NN17 2AB"]);
    assert_eq!(m.subject.as_deref(), Some("Fund children's social services properly"), "Re: is dropped");
    let desk = Desk::new(Library::embedded().unwrap());
    assert_eq!(desk.reply_topic(&m), TopicChoice::Chosen("care-funding".into()));
}

#[test]
fn a_letter_with_its_address_above_the_greeting() {
    let m = incoming("address-on-top.txt");
    assert_eq!(m.recipient.name.as_deref(), Some("J Smith"), "the name they sign with");
    assert_eq!(m.recipient.address, ["12 Station Road", "Desborough NN14 2RL"]);
    assert_eq!(m.recipient.email, None);
    assert_eq!(m.subject, None);
}

#[test]
fn a_name_beside_the_closing_and_no_address() {
    let m = incoming("unclear.eml");
    assert_eq!(m.recipient.name.as_deref(), Some("Priya Shah"));
    assert_eq!(m.recipient.email.as_deref(), Some("priya.shah@example.net"));
    assert!(m.recipient.address.is_empty());
    let desk = Desk::new(Library::embedded().unwrap());
    match desk.reply_topic(&m) {
        TopicChoice::Unclear(top) => assert_eq!(top.len(), 3),
        other => panic!("a message on children's social care in general has no clear topic: {other:?}"),
    }
}

#[test]
fn signatures_that_are_not_names_or_addresses_are_left_alone() {
    let text = "Dear Sir,\n\nWhat is the plan for kinship carers?\n\nThanks,\n\nSent from my iPhone\n";
    let m = Incoming::read("a.txt", text.as_bytes()).unwrap();
    assert_eq!(m.recipient.name, None);
    let text = "Dear Sir,\n\nKinship care.\n\nYours sincerely,\nAnn Lee\nSent from my iPhone\n";
    let m = Incoming::read("a.txt", text.as_bytes()).unwrap();
    assert_eq!(m.recipient.name.as_deref(), Some("Ann Lee"));
    assert!(m.recipient.address.is_empty(), "{:?}", m.recipient.address);
    let text = "Dear Sir,\n\nKinship care.\n\nBest wishes,\nAnn Lee\n7 Mill Lane\nann@example.org\n";
    let m = Incoming::read("a.txt", text.as_bytes()).unwrap();
    assert_eq!(m.recipient.address, ["7 Mill Lane"]);
    assert_eq!(m.recipient.email.as_deref(), Some("ann@example.org"));
}

#[test]
fn reply_drafts_checks_and_writes_in_one_command() {
    let dir = common::scratch("reply");
    let out = dir.join("reply.eml");
    let review = dir.join("reply.html");
    let (code, _, err) = common::run(&[
        "reply",
        "tests/incoming/campaign-38-degrees.eml",
        "--date",
        "2026-12-06",
        "--format",
        "eml",
        "--from",
        "office@example.org",
        "--out",
        out.to_str().unwrap(),
        "--review",
        review.to_str().unwrap(),
        "--color",
        "never",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("replying to Ann Lee <ann.lee@example.org>, 4 Elm Road, Corby, NN17 2AB on care-funding"),
        "{err}"
    );
    let message = std::fs::read(&out).unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&message).unwrap();
    assert_eq!(parsed.to().unwrap().first().unwrap().address(), Some("ann.lee@example.org"));
    assert_eq!(parsed.subject(), Some("Fund children's social services properly"));
    assert!(parsed.body_text(0).unwrap().contains("Dear Ann Lee,"));
    assert!(std::fs::read_to_string(&review).unwrap().contains("Draft: care-funding"));
    // The findings are printed (the Prime Minister the letter names announced on
    // 2026-06-22 that he would step down: unverified; the signer's seat still holds).
    assert!(err.contains("warning[office]") && err.contains("2026-06-22"), "{err}");

    // A letter on paper: the address goes on the reply.
    let (code, text, err) =
        common::run(&["reply", "tests/incoming/address-on-top.txt", "--date", "2026-12-06", "--color", "never"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("J Smith\n12 Station Road\nDesborough NN14 2RL\n"), "{text}");
    assert!(text.contains("Dear J Smith,"));
}

#[test]
fn reply_asks_for_a_topic_when_none_clearly_leads_or_none_fits() {
    let (code, out, err) = common::run(&["reply", "tests/incoming/unclear.eml", "--date", "2026-12-06"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("no topic clearly leads") && err.contains("--topic"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("  ")).count(), 3, "{err}");
    let (code, out, err) =
        common::run(&["reply", "tests/incoming/unclear.eml", "--topic", "care-review", "--date", "2026-12-06"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Dear Priya Shah,"));
    let (code, _, err) = common::run(&["reply", "tests/incoming/potholes.txt", "--date", "2026-12-06"]);
    assert_eq!(code, 2);
    assert!(err.contains("no topic of the library fits"), "{err}");
    let (code, _, err) =
        common::run(&["reply", "tests/incoming/potholes.txt", "--topic", "nope", "--date", "2026-12-06"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown topic `nope`"), "{err}");
}
