//! Email replies: an RFC 5322 message with a plain-text and an HTML part, addressed to
//! the recipient's email, ready to open as a draft in Outlook (`X-Unsent: 1`) or
//! Thunderbird.
//!
//! Headers are written by `mail-builder`, which encodes any value that is not plain
//! printable ASCII (RFC 2047), so a line break in a name or subject can never start a
//! header of its own; addresses are normalised and checked before they are used
//! ([`crate::text::normalize_email`]: no invisible or control characters). The
//! message is the same bytes for the same draft: its date is the letter's date, and
//! its Message-ID and MIME boundary are derived from its content.

use crate::error::{Error, Result};
use crate::library::Library;
use crate::matching::Fnv;
use crate::render::{Draft, DraftRequest};
use crate::template::Format;
use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;
use std::hash::Hasher;

/// A header value on one line: line breaks and other control characters become spaces.
fn one_line(value: &str) -> String {
    let mut out: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out
}

/// A hex digest of `parts`, for the Message-ID and the MIME boundary.
fn digest(parts: &[&str]) -> String {
    let mut h = Fnv::default();
    for p in parts {
        h.write(p.as_bytes());
        h.write(&[0xff]);
    }
    format!("{:016x}", h.finish())
}

/// What an email reply is: the plain-text draft (with its findings) and the message.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Email {
    /// The plain-text draft the message carries.
    pub draft: Draft,
    /// The message: RFC 5322, CRLF line ends.
    pub message: Vec<u8>,
}

/// Drafts `request` as an email: the `email` layout (or the request's own) in plain
/// text and HTML, `To:` the recipient's email, `From:` `from` or else the sender's
/// `email`, `Subject:` the request's subject or else the topic's title.
///
/// A recipient without a valid email, or no valid sender address, is an error.
pub(crate) fn email(library: &Library, request: &DraftRequest, from: Option<&str>) -> Result<Email> {
    let recipient = request.recipient.normalized();
    let to = recipient.email.as_deref().ok_or_else(|| Error::NoRecipientEmail {
        recipient: recipient.name.as_deref().unwrap_or("the recipient").to_string(),
    })?;
    let to = &crate::text::normalize_email(to)?;
    let mut plain_request = request.clone();
    plain_request.format = Format::Text;
    if plain_request.layout.is_none() && library.layouts().any(|(n, _)| n == "email") {
        plain_request.layout = Some("email".into());
    }
    let draft = crate::render::draft(library, &plain_request)?;
    let sender = library.sender(&draft.sender);
    let from = from
        .or(sender.and_then(|s| s.email.as_deref()))
        .ok_or_else(|| Error::NoSenderEmail { sender: draft.sender.clone() })?;
    let from = &crate::text::normalize_email(from)?;
    let mut html_request = plain_request.clone();
    html_request.format = Format::Html;
    let has_html = library.layouts().any(|(n, f)| Some(n) == html_request.layout.as_deref() && f == Format::Html);
    let html = if has_html { Some(crate::render::draft(library, &html_request)?.text) } else { None };

    let subject = one_line(request.subject.as_deref().unwrap_or_else(|| {
        library.topic_at(&draft.topic, draft.date).map_or(draft.topic.as_str(), |t| t.title.as_str())
    }));
    let to_name = recipient.name.as_deref().map(one_line).unwrap_or_default();
    let from_name = sender.map(|s| one_line(&s.name)).unwrap_or_default();
    let id = digest(&[&draft.text, to, from, &subject]);
    let domain = from.rsplit('@').next().unwrap_or("replydraft.invalid");
    let noon = draft.date.at(12, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).map_err(|e| Error::Encode {
        what: "the message".into(),
        problem: format!("the date {} cannot be written in it: {e}", draft.date),
    })?;
    let text_part = MimePart::new("text/plain", draft.text.clone());
    let body = match html {
        Some(html) => {
            let mut boundary = format!("=_replydraft_{id}");
            // Never a boundary that the content holds (it is derived from it, but check).
            while draft.text.contains(&boundary) || html.contains(&boundary) {
                boundary.push('_');
            }
            MimePart::new(
                ContentType::new("multipart/alternative").attribute("boundary", boundary),
                vec![text_part, MimePart::new("text/html", html)],
            )
        }
        None => text_part,
    };
    let message = MessageBuilder::new()
        .from((from_name, from.to_string()))
        .to((to_name, to.to_string()))
        .subject(subject)
        .date(noon.timestamp().as_second())
        .message_id(format!("replydraft.{id}.{}@{domain}", draft.date))
        .header("X-Unsent", Raw::new("1"))
        .body(body)
        .write_to_vec()
        .map_err(|e| Error::Encode { what: "the message".into(), problem: e.to_string() })?;
    Ok(Email { draft, message })
}
