//! An incoming message from anywhere, answered: `Incoming::read` (email or letter by
//! the first byte), the topic, the draft, and every deliverable made from it — the
//! Word document, the email, the review page of the message checked. No panic; the
//! email goes to the address read and no merge value adds a header; the review page
//! has one highlight per error and warning and no markup from the message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static DESK: LazyLock<replydraft::Desk> =
    LazyLock::new(|| replydraft::Desk::new(replydraft::Library::embedded().unwrap()));

fuzz_target!(|data: &[u8]| {
    let name = if data.first().is_some_and(|b| b % 2 == 1) { "in.eml" } else { "in.txt" };
    let Ok(incoming) = replydraft::Incoming::read(name, data.get(1..).unwrap_or_default()) else { return };
    let topic = match DESK.reply_topic(&incoming) {
        replydraft::TopicChoice::Chosen(t) => t,
        _ => "care-funding".to_string(),
    };
    let date = replydraft::parse_date("2026-11-23").unwrap();
    let mut request = DESK.reply_request(&incoming, &topic, date).unwrap();
    let Ok(draft) = DESK.draft(&request) else { return };
    let docx = DESK.docx(&draft).unwrap();
    assert!(docx.starts_with(b"PK"));
    if request.recipient.email.is_none() {
        request.recipient.email = Some("writer@example.org".into());
    }
    if let Ok(email) = DESK.email(&request, Some("office@example.org")) {
        let head_end = email.message.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&email.message[..head_end]);
        for line in head.split("\r\n") {
            let field = line.split(':').next().unwrap_or("");
            assert!(
                line.starts_with([' ', '\t'])
                    || ["From", "To", "Subject", "Date", "Message-ID", "X-Unsent", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"]
                        .contains(&field),
                "an injected header: {line:?}"
            );
        }
        let parsed = mail_parser::MessageParser::default().parse(&email.message).unwrap();
        let to = parsed.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or("");
        assert_eq!(Some(to), request.recipient.normalized().email.as_deref());
    }
    let mut options = replydraft::CheckOptions::new(date);
    options.written = Some(replydraft::parse_date("2022-05-01").unwrap());
    let files = vec![DESK.check("in", &incoming.text, &options)];
    let report = replydraft::CheckReport::new(files, &options, DESK.library().facts());
    let page = replydraft::Review::of_check(&report, &[incoming.text.as_str()]).to_html();
    let count = |s| report.files[0].findings.iter().filter(|f| f.severity == s).count();
    assert_eq!(page.matches("<mark class=\"finding error\"").count(), count(replydraft::Severity::Error));
    assert_eq!(page.matches("<mark class=\"finding warning\"").count(), count(replydraft::Severity::Warning));
    assert!(!page.contains("<script"));
});
