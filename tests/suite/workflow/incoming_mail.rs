//! Reading incoming letters and emails safely (issue 25, cases 5, 9, 11, 12, 13, 15):
//! a memo is not an email, `fix` of an email keeps the message, who sent a message is
//! never in doubt, quoted and forwarded parts are not the writer's, `Reply-To:` is
//! honoured and hidden HTML is not read, and one form of an email address everywhere.

use crate::common;

use replydraft::{Error, Incoming, Recipient, read_letter, recipient_key, rewrite_letter};

/// A letter whose first line is its date, in the README's own form.
const MEMO: &str = "Date: 01/07/2022\nTo: all constituency staff\n\nLast year the council closed two children's centres.\n\nLee Barron\n";

#[test]
fn a_memo_opening_with_date_or_to_lines_is_a_letter_not_an_email() {
    let l = read_letter("memo.txt", MEMO.as_bytes()).unwrap();
    assert_eq!(l.text, MEMO, "every line is the letter's");
    assert_eq!(l.from, None);
    let l = read_letter("-", b"To: the Editor\nFrom: Ann Lee\n\nDear Sir,\n").unwrap();
    assert!(l.text.starts_with("To: the Editor\nFrom: Ann Lee"), "{:?}", l.text);
    // A header block with a From address and a Subject is an email, whatever the name.
    let l = read_letter("-", b"From: Ann <ann@example.org>\nSubject: Care\n\nDear Sir,\n").unwrap();
    assert_eq!(l.text, "Dear Sir,\n");

    let dir = common::scratch("memo");
    let memo = dir.join("memo.txt");
    std::fs::write(&memo, MEMO).unwrap();
    let path = memo.to_str().unwrap();
    // `check` reads the date line: the letter was written on 1 July 2022.
    let (_, out, err) = common::run(&["check", path, "--date", "2026-12-07", "--color", "never"]);
    assert!(out.contains("written 2022-07-01"), "{out}{err}");
    // `fix` in place keeps the opening lines; only "Last year" changes.
    let (code, _, err) = common::run(&["fix", path, "--date", "2026-12-07", "--out", path, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("memo.txt:4:1: \"Last year\""), "line numbers are the file's: {err}");
    let fixed = std::fs::read_to_string(&memo).unwrap();
    assert!(fixed.starts_with("Date: 01/07/2022\nTo: all constituency staff\n\n"), "{fixed}");
    assert!(!fixed.contains("Last year"), "{fixed}");
}

/// An email with a plain-text body in `encoding`, saying "last year".
fn mail(transfer: &str, body: &str) -> Vec<u8> {
    format!(
        "Return-Path: <ann@example.org>\r\nFrom: Ann Lee <ann@example.org>\r\nTo: lee.barron.mp@parliament.uk\r\n\
         Subject: Children's centres\r\nDate: Fri, 1 Jul 2022 09:00:00 +0100\r\nMessage-ID: <1@example.org>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {transfer}\r\n\
         X-Custom: kept as it was\r\n\r\n{body}"
    )
    .into_bytes()
}

fn head(message: &[u8]) -> &[u8] {
    let end = message.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    &message[..end + 4]
}

/// `replydraft fix INPUT --out OUT` of a letter written on 1 July 2022, read on 7 December 2026.
fn fix(input: &str, out: &str, more: &[&str]) -> (i32, String, String) {
    common::run(&[&["fix", input, "--written", "2022-07-01", "--date", "2026-12-07", "--out", out], more].concat())
}

#[test]
fn fix_of_an_email_writes_the_whole_message_with_only_its_text_changed() {
    let dir = common::scratch("fix-eml");
    let seven = mail("7bit", "Dear Mr Barron,\r\n\r\nLast year the council closed two centres.\r\n\r\nAnn Lee\r\n");
    let qp = mail(
        "quoted-printable",
        "Dear Mr Barron,\r\n\r\nLast year the council=E2=80=99s plan closed two centres, and a very long line =\r\nfollows it.\r\n",
    );
    for (name, original) in [("seven.eml", seven), ("qp.eml", qp)] {
        let path = dir.join(name);
        std::fs::write(&path, &original).unwrap();
        let path = path.to_str().unwrap();
        let (code, _, err) = fix(path, path, &["--force"]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("1 change"), "{err}");
        let fixed = std::fs::read(path).unwrap();
        assert_eq!(head(&fixed), head(&original), "every header byte is kept");
        let parsed = mail_parser::MessageParser::default().parse(&fixed).unwrap();
        let body = parsed.body_text(0).unwrap();
        assert!(body.starts_with("Dear Mr Barron,\r\n\r\nIn 2021 the council"), "{body:?}");
        assert_eq!(parsed.from().unwrap().first().unwrap().address(), Some("ann@example.org"));
    }

    // A message with an attachment: the attachment is kept byte for byte.
    let mixed = b"From: Ann Lee <ann@example.org>\r\nSubject: Centres\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n\
Last year the council closed two centres.\r\n--XX\r\nContent-Type: application/pdf; name=a.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n";
    let out = rewrite_letter("m.eml", mixed, "In 2021 the council closed two centres.").unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\r\n\r\nIn 2021 the council closed two centres.\r\n--XX\r\n"), "{text}");
    assert!(text.ends_with("Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n"), "{text}");

    // Text and HTML versions of the body: refused (the HTML one would go stale), and
    // nothing is written.
    let alternative = b"From: Ann Lee <ann@example.org>\r\nSubject: Centres\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n\
Last year the council closed two centres.\r\n--XX\r\nContent-Type: text/html\r\n\r\n\
<p>Last year the council closed two centres.</p>\r\n--XX--\r\n";
    let path = dir.join("alt.eml");
    std::fs::write(&path, alternative).unwrap();
    let out = dir.join("alt-fixed.eml");
    let (code, _, err) = fix(path.to_str().unwrap(), out.to_str().unwrap(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("HTML") && err.contains("cannot be written back"), "{err}");
    assert!(!out.exists());
    let e = rewrite_letter("alt.eml", alternative, "In 2021.").unwrap_err();
    assert!(matches!(e, Error::Message { .. }), "{e:?}");
}

#[test]
fn a_message_whose_sender_is_in_doubt_is_refused() {
    let two_froms = b"From: Ann Lee <ann@example.org>\r\nFrom: Mallory <mallory@evil.example>\r\n\
Subject: Care\r\n\r\nDear Sir,\r\n\r\nWhere is the money for children's social care?\r\n";
    let e = Incoming::read("in.eml", two_froms).unwrap_err();
    assert!(matches!(e, Error::Message { .. }), "{e:?}");
    assert!(e.to_string().contains("mallory@evil.example") && e.to_string().contains("From"), "{e}");
    let sender =
        b"From: Ann Lee <ann@example.org>\r\nSender: mallory@evil.example\r\nSubject: Care\r\n\r\nDear Sir,\r\n";
    let e = Incoming::read("in.eml", sender).unwrap_err();
    assert!(e.to_string().contains("Sender"), "{e}");
    // A Sender that is the From is fine.
    let same = b"From: Ann Lee <ann@example.org>\r\nSender: ANN@example.org\r\nSubject: Care\r\n\r\nDear Sir,\r\n";
    assert_eq!(Incoming::read("in.eml", same).unwrap().recipient.email.as_deref(), Some("ann@example.org"));

    let dir = common::scratch("two-froms");
    let path = dir.join("in.eml");
    std::fs::write(&path, two_froms).unwrap();
    let (code, out, err) =
        common::run(&["reply", path.to_str().unwrap(), "--topic", "care-funding", "--date", "2026-12-06"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty() && err.contains("in doubt"), "{err}");
}

#[test]
fn a_quoted_letter_of_the_mp_is_not_the_writer() {
    // Outlook quotes below its header lines, without `>`.
    let outlook = "Dear Mr Barron,\r\n\r\nThank you, but the centres are still closed.\r\n\r\nKind regards,\r\nJo Bloggs\r\n\
\r\nFrom: Lee Barron MP <lee.barron.mp@parliament.uk>\r\nSent: 01 December 2026 10:00\r\nTo: Jo Bloggs <jo@example.org>\r\n\
Subject: Children's centres\r\n\r\nDear Jo,\r\n\r\nThank you for writing.\r\n\r\nYours sincerely,\r\n\r\nLEE BARRON MP\r\n\
House of Commons\r\nLondon SW1A 0AA\r\n";
    let mail = format!("From: Jo Bloggs <jo@example.org>\r\nSubject: RE: Children's centres\r\n\r\n{outlook}");
    let m = Incoming::read("in.eml", mail.as_bytes()).unwrap();
    assert_eq!(m.recipient.name.as_deref(), Some("Jo Bloggs"));
    assert!(m.recipient.address.is_empty(), "{:?}", m.recipient.address);
    let original = outlook.replace(
        "From: Lee Barron MP <lee.barron.mp@parliament.uk>\r\nSent: 01 December 2026 10:00\r\n",
        "-----Original Message-----\r\nFrom: Lee Barron MP\r\n",
    );
    let m = Incoming::read("in.txt", original.as_bytes()).unwrap();
    assert_eq!(m.recipient.name.as_deref(), Some("Jo Bloggs"));
    assert!(m.recipient.address.is_empty(), "{:?}", m.recipient.address);

    // Gmail's HTML quote.
    let gmail = "From: Jo Bloggs <jo@example.org>\r\nSubject: Re: Children's centres\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<div dir=\"ltr\"><div>Dear Mr Barron,</div><div><br></div><div>The centres are still closed.</div><div><br></div>\
<div>Best wishes,</div><div>Jo Bloggs</div><div>7 Mill Lane</div><div>Corby NN17 1AA</div></div><br>\
<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, 1 Dec 2026 at 10:00, Lee Barron MP &lt;\
lee.barron.mp@parliament.uk&gt; wrote:<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px\">\
<div>Dear Jo,</div><div>Thank you for writing.</div><div>Yours sincerely,</div><div>LEE BARRON MP</div>\
<div>House of Commons</div><div>London SW1A 0AA</div></blockquote></div>\r\n";
    let m = Incoming::read("in.eml", gmail.as_bytes()).unwrap();
    assert_eq!(m.recipient.name.as_deref(), Some("Jo Bloggs"));
    assert_eq!(m.recipient.address, ["7 Mill Lane", "Corby NN17 1AA"]);
    assert_eq!(m.recipient.email.as_deref(), Some("jo@example.org"));
    assert!(m.text.contains("> LEE BARRON MP"), "quoted as a mail program quotes: {}", m.text);
}

const FORWARD: &str = "From: Cllr Bob Smith <bob.smith@council.example>\r\nSubject: Fwd: Potholes on Elm Road\r\n\r\n\
Lee, please see below from a resident.\r\n\r\nRegards,\r\nBob Smith\r\n\r\n\
---------- Forwarded message ---------\r\nFrom: Ann Lee <ann@example.org>\r\nDate: Mon, 30 Nov 2026 at 09:12\r\n\
Subject: Potholes on Elm Road\r\nTo: <bob.smith@council.example>\r\n\r\nDear Councillor,\r\n\r\n\
The potholes on Elm Road are dangerous.\r\n\r\nYours sincerely,\r\n\r\nAnn Lee\r\n4 Elm Road\r\nCorby NN17 2AB\r\n";

#[test]
fn a_forwarded_message_is_answered_to_one_person_who_is_named() {
    let m = Incoming::read("in.eml", FORWARD.as_bytes()).unwrap();
    // Name, email and address are all the forwarder's, never a mix.
    assert_eq!(m.recipient.name.as_deref(), Some("Bob Smith"));
    assert_eq!(m.recipient.email.as_deref(), Some("bob.smith@council.example"));
    assert!(m.recipient.address.is_empty(), "{:?}", m.recipient.address);
    assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
    assert!(m.notes[0].contains("forwarded") && m.notes[0].contains("Bob Smith"), "{:?}", m.notes);
    assert!(m.notes[0].contains("Ann Lee <ann@example.org>"), "the writer not answered is named: {:?}", m.notes);

    let dir = common::scratch("forward");
    let path = dir.join("in.eml");
    std::fs::write(&path, FORWARD).unwrap();
    let (code, out, err) =
        common::run(&["reply", path.to_str().unwrap(), "--topic", "care-funding", "--date", "2026-12-06"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("a forwarded message: answered to the one who forwarded it"), "{err}");
    assert!(out.contains("Dear Bob Smith,") && !out.contains("4 Elm Road"), "{out}");
}

#[test]
fn reply_to_is_honoured_and_hidden_html_is_not_read() {
    let mail = b"From: \"Ann Lee via 38 Degrees\" <noreply@38degrees.example>\r\nReply-To: ann@example.org\r\n\
Subject: Fund children's services\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<html><head><style>p{color:red}</style></head><body><p>Dear Lee Barron,</p><p>Please fund children's services.</p>\
<p>Yours sincerely,<br>Ann Lee<br><span style=\"display: none\">99 Fake Street<br></span>4 Elm Road<br>\
<div hidden>Mallory Town MT1 1AA</div>Corby NN17 2AB</p></body></html>\r\n";
    let m = Incoming::read("in.eml", mail).unwrap();
    assert_eq!(m.recipient.name.as_deref(), Some("Ann Lee"));
    assert_eq!(m.recipient.email.as_deref(), Some("ann@example.org"));
    assert_eq!(m.recipient.address, ["4 Elm Road", "Corby NN17 2AB"]);
    assert!(!m.text.contains("Fake") && !m.text.contains("Mallory") && !m.text.contains("color"), "{}", m.text);
    assert!(m.notes.iter().any(|n| n.contains("Reply-To") && n.contains("noreply@38degrees.example")), "{:?}", m.notes);
}

#[test]
fn an_email_address_has_one_form_everywhere() {
    use replydraft::text::normalize_email;
    assert_eq!(normalize_email("ann\u{200b}@example.org").unwrap(), "ann@example.org");
    assert_eq!(normalize_email("\u{feff}Ann@EXAMPLE.org\u{202e}").unwrap(), "Ann@example.org");
    for bad in ["ann@example.org\r\nBcc: x@example.org", "ann @example.org", "ann", "ann@localhost"] {
        assert!(matches!(normalize_email(bad), Err(Error::Address { .. })), "{bad:?}");
    }
    // The log's key (the resend and duplicate checks): one person.
    let key = |e: &str| {
        let mut r = Recipient::default();
        r.email = Some(e.into());
        recipient_key(&r)
    };
    assert_eq!(key("ann\u{200b}@example.org"), key("ann@example.org"));
    assert_eq!(key("ANN@Example.org\u{2060}"), Some("email:ann@example.org".into()));

    // A reply: the From address in its one form.
    let mail = "From: Ann Lee <ann\u{200b}@Example.ORG>\r\nSubject: Care\r\n\r\nDear Sir,\r\n";
    let m = Incoming::read("in.eml", mail.as_bytes()).unwrap();
    assert_eq!(m.recipient.email.as_deref(), Some("ann@example.org"));

    // The To: header: no invisible character; what cannot be an address is exit 2.
    let draft = |more: &[&str]| {
        let args = ["draft", "--topic", "care-funding", "--date", "2026-11-23", "--format", "eml"];
        common::run(&[&args[..], &["--from", "office@example.org"], more].concat())
    };
    let (code, out, err) = draft(&["--to", "Ann Lee", "--email", "ann\u{200b}@example.org"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("To: \"Ann Lee\" <ann@example.org>\r\n"), "{out}");
    let (code, _, err) = draft(&["--email", "ann@exam ple.org"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not an email address"), "{err}");
}
