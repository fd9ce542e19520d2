//! Replying to an incoming letter or email in one step: who wrote it (an email's
//! `From:`, the name under the sign-off, the address lines under it or above the
//! greeting), what it is about (`suggest`, when one topic clearly leads), and the
//! request that drafts the reply. The reading rules are data: `src/reply/rules.toml`.

use crate::error::{Error, Result};
use crate::files::read_letter;
use crate::library::Library;
use crate::render::{DraftRequest, Recipient};
use crate::suggest::Suggestion;
use crate::timex::rules::{RulesError, Source, Spanned};
use jiff::civil::Date;
use regex::Regex;
use serde::Deserialize;
use std::sync::LazyLock;

/// The rules file, compiled into the crate.
const RULES_TOML: &str = include_str!("reply/rules.toml");
const RULES_FILE: &str = "src/reply/rules.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    lead: f32,
    signoffs: Vec<String>,
    greetings: Vec<String>,
    email: Spanned<String>,
    name: Spanned<String>,
    name_suffixes: Vec<String>,
    not_address: Vec<String>,
    quoted: Vec<String>,
    forwarded: Vec<String>,
    forward_subjects: Vec<String>,
    quoted_from: String,
    quoted_header: Vec<String>,
    wrote: Spanned<String>,
}

struct Rules {
    lead: f32,
    signoffs: Vec<String>,
    greetings: Vec<String>,
    email: Regex,
    name: Regex,
    name_suffixes: Vec<String>,
    not_address: Vec<String>,
    quoted: Vec<String>,
    forwarded: Vec<String>,
    forward_subjects: Vec<String>,
    quoted_from: String,
    quoted_header: Vec<String>,
    wrote: Regex,
}

impl Rules {
    fn parse(text: &str) -> std::result::Result<Rules, RulesError> {
        let source = Source::new(RULES_FILE, text);
        let f: RulesFile = source.load()?;
        let re = |p: &Spanned<String>| source.check(p, |p| Regex::new(p));
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect();
        Ok(Rules {
            lead: f.lead,
            signoffs: lower(f.signoffs),
            greetings: lower(f.greetings),
            email: re(&f.email)?,
            name: re(&f.name)?,
            name_suffixes: f.name_suffixes,
            not_address: lower(f.not_address),
            quoted: lower(f.quoted),
            forwarded: lower(f.forwarded),
            forward_subjects: lower(f.forward_subjects),
            quoted_from: f.quoted_from.to_lowercase(),
            quoted_header: lower(f.quoted_header),
            wrote: re(&f.wrote)?,
        })
    }
}

/// The rules compile in a test (`reply_rules_compile`): a broken rules file fails the build's tests,
/// never a reader.
static RULES: LazyLock<Rules> = LazyLock::new(|| {
    Rules::parse(RULES_TOML).unwrap_or_else(|_| Rules {
        lead: f32::INFINITY,
        signoffs: Vec::new(),
        greetings: Vec::new(),
        email: Regex::new("$^").expect("an empty pattern compiles"),
        name: Regex::new("$^").expect("an empty pattern compiles"),
        name_suffixes: Vec::new(),
        not_address: Vec::new(),
        quoted: Vec::new(),
        forwarded: Vec::new(),
        forward_subjects: Vec::new(),
        quoted_from: String::new(),
        quoted_header: Vec::new(),
        wrote: Regex::new("$^").expect("an empty pattern compiles"),
    })
});

/// An incoming letter or email, read for replying.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Incoming {
    /// The writer, as far as the message tells: name, email, postal address.
    pub recipient: Recipient,
    /// The email's subject, if it is an email.
    pub subject: Option<String>,
    /// The text of the message (an email's body).
    pub text: String,
    /// What the reading chose that the one replying should know: that a forwarded
    /// message is answered to whoever forwarded it, that an email is answered at its
    /// `Reply-To:` address.
    pub notes: Vec<String>,
}

/// A line compared with others: trimmed, closing punctuation dropped, lowercased.
fn key(line: &str) -> String {
    line.trim().trim_end_matches([',', '.', '!', ':', ';']).trim().to_lowercase()
}

/// A name as written: its platform suffix ("via 38 Degrees") and quotes dropped.
fn clean_name(name: &str) -> Option<String> {
    let mut name = name.trim().trim_matches(['"', '\'']).trim();
    for suffix in &RULES.name_suffixes {
        if let Some(p) = name.to_lowercase().find(&suffix.to_lowercase()) {
            name = name.get(..p).unwrap_or(name).trim();
        }
    }
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    (!name.is_empty() && !name.contains('@')).then_some(name)
}

/// Whether `line` reads as a name.
fn is_name(line: &str) -> bool {
    let line = line.trim().trim_end_matches(',');
    line.len() <= 60 && RULES.name.is_match(line) && RULES.signoffs.iter().all(|s| key(line) != *s)
}

/// Address lines from `lines`: up to the first blank line, at most eight, kept when
/// they look like an address (a postcode, or a house number) and are not a mail
/// client's footer. An email address among them is taken out as the email.
fn address_block(lines: &[&str]) -> (Vec<String>, Option<String>) {
    let mut address = Vec::new();
    let mut email = None;
    for line in lines.iter().map(|l| l.trim()).take_while(|l| !l.is_empty()).take(8) {
        let lower = line.to_lowercase();
        if RULES.not_address.iter().any(|n| lower.starts_with(n.as_str())) {
            break;
        }
        if let Some(m) = RULES.email.find(line) {
            email = email.or_else(|| crate::text::normalize_email(m.as_str()).ok());
            let rest = line.replace(m.as_str(), "");
            let rest = rest.trim().trim_matches([',', ':', '-']).trim();
            if rest.is_empty() || key(rest) == "email" || key(rest) == "e-mail" {
                continue;
            }
        }
        address.push(line.trim_end_matches(',').to_string());
    }
    let looks =
        address.iter().any(|l| crate::text::uk_postcode(l).is_some() || l.starts_with(|c: char| c.is_ascii_digit()));
    if looks { (address, email) } else { (Vec::new(), email) }
}

/// The writer of `text`: the name under (or beside) the last closing line and the
/// address lines under it; else, or for what the sign-off lacks, a name and address
/// block written above the greeting.
fn writer(text: &str) -> (Option<String>, Vec<String>, Option<String>) {
    let lines: Vec<&str> = crate::text::lines(text).map(|l| l.trim_end_matches(['\r', '\n'])).collect();
    let (mut name, mut address, mut email) = (None, Vec::new(), None);
    let closing = lines.iter().rposition(|l| {
        let k = key(l);
        RULES.signoffs.iter().any(|s| k == *s || k.strip_prefix(s.as_str()).is_some_and(|r| r.starts_with(',')))
    });
    if let Some(i) = closing {
        // "Kind regards, Ann Lee" on one line, or the first line after the closing.
        let beside = lines[i].trim().split_once(',').map(|(_, r)| r.trim()).filter(|r| is_name(r));
        let signed = match beside {
            Some(n) => Some((n, i + 1)),
            None => (i + 1..lines.len())
                .find(|&j| !lines[j].trim().is_empty())
                .filter(|&j| is_name(lines[j]))
                .map(|j| (lines[j].trim().trim_end_matches(','), j + 1)),
        };
        if let Some((n, from)) = signed {
            name = clean_name(n);
            (address, email) = address_block(&lines[from..]);
        }
    }
    // An address written above the greeting: a name line, then address lines.
    let greeting = lines.iter().position(|l| {
        let k = key(l);
        RULES.greetings.iter().any(|g| k == *g || k.starts_with(&format!("{g} ")))
    });
    let top: Vec<&str> =
        greeting.map_or(Vec::new(), |g| lines[..g].iter().copied().skip_while(|l| l.trim().is_empty()).collect());
    if let Some((first, rest)) = top.split_first().filter(|(first, _)| is_name(first)) {
        let (top_address, top_email) = address_block(rest);
        if !top_address.is_empty() {
            name = name.or_else(|| clean_name(first));
            if address.is_empty() {
                address = top_address;
            }
            email = email.or(top_email);
        }
    }
    (name, address, email)
}

/// Where the writer's own text of a message ends.
struct OwnText {
    /// Their lines: quoted lines (`>`) and the lines that introduce them left out, and
    /// nothing from the first quoted or forwarded message on.
    text: String,
    /// Whether the part cut off is marked as a forwarded message.
    forwarded: bool,
    /// The mailbox on the `From:` line of the part cut off, when it has one.
    cut_from: Option<String>,
}

/// The writer's own part of `text` (see [`OwnText`]).
fn own_text(text: &str) -> OwnText {
    let lines: Vec<&str> = crate::text::lines(text).map(|l| l.trim_end_matches(['\r', '\n'])).collect();
    let plain = |l: &str| l.trim().trim_matches('*').trim().to_lowercase();
    let mut own: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let k = plain(line);
        let marker = k.trim_matches(|c: char| c == '-' || c == '_' || c.is_whitespace());
        let forward = RULES.forwarded.iter().any(|m| marker == m);
        let header_block = k.starts_with(&RULES.quoted_from)
            && own.iter().any(|l| !l.trim().is_empty())
            && lines[i + 1..].iter().take(4).any(|l| RULES.quoted_header.iter().any(|h| plain(l).starts_with(h)));
        if forward || header_block || RULES.quoted.iter().any(|m| marker == m) {
            let from = lines[i + 1..].iter().take(8).find_map(|l| {
                let l = l.trim().trim_start_matches('*');
                let rest = l.get(..RULES.quoted_from.len()).filter(|p| p.eq_ignore_ascii_case(&RULES.quoted_from))?;
                Some(l[rest.len()..].trim_start_matches('*').trim().to_string())
            });
            return OwnText { text: own.join("\n"), forwarded: forward, cut_from: from };
        }
        let quoted = line.trim_start().starts_with('>');
        // "On Mon, 1 Dec 2026, Lee Barron <lee@...> wrote:", or its second half.
        let wrote = RULES.wrote.is_match(line);
        let opens = |l: &str| l.trim_start().to_lowercase().starts_with("on ");
        if wrote && !opens(line) && own.last().is_some_and(|l| opens(l)) {
            own.pop();
        }
        if !quoted && !wrote {
            own.push(line);
        }
    }
    OwnText { text: own.join("\n"), forwarded: false, cut_from: None }
}

/// A mailbox (`Name <address>`, or the address alone) as its name and its address,
/// the address normalised ([`crate::text::normalize_email`]; one that cannot be an
/// address is an error).
fn split_mailbox(mailbox: Option<&str>) -> Result<(Option<String>, Option<String>)> {
    let Some(m) = mailbox else { return Ok((None, None)) };
    let (name, address) = match m.rsplit_once('<') {
        Some((n, a)) => (clean_name(n), Some(a.trim_end().trim_end_matches('>'))),
        None if m.contains('@') => (None, Some(m)),
        None => (clean_name(m), None),
    };
    Ok((name, address.map(crate::text::normalize_email).transpose()?))
}

impl Incoming {
    /// Reads an incoming letter or email (`name` is where the bytes came from; see
    /// [`read_letter`] for which are emails).
    ///
    /// Only the writer's own text is read for who they are: quoted messages (lines
    /// marked `>`, "On ... wrote:", a mail program's "-----Original Message-----" or
    /// "From: ... Sent: ..." header lines and all below them) are not theirs. A
    /// forwarded message is answered to the one who forwarded it, all of name, email
    /// and address; a note says so and names the forwarded message's writer. An email
    /// is answered at its `Reply-To:` address when it has one (a note says so). An
    /// email whose sender is in doubt (two `From:` fields, a `Sender:` that is not the
    /// `From:`) is an [`Error::Message`]; an address that cannot be one, an
    /// [`Error::Address`].
    ///
    /// ```
    /// let mail = b"From: Ann Lee <ann@example.org>\r\nSubject: Foster care\r\n\r\n\
    /// Dear Mr Barron,\r\n\r\nWhat came of the review?\r\n\r\nYours sincerely,\r\n\r\nAnn Lee\r\n\
    /// 4 Elm Road\r\nCorby NN17 2AB\r\n";
    /// let incoming = replydraft::Incoming::read("in.eml", mail)?;
    /// assert_eq!(incoming.recipient.name.as_deref(), Some("Ann Lee"));
    /// assert_eq!(incoming.recipient.email.as_deref(), Some("ann@example.org"));
    /// assert_eq!(incoming.recipient.address, ["4 Elm Road", "Corby NN17 2AB"]);
    /// assert_eq!(incoming.subject.as_deref(), Some("Foster care"));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn read(name: &str, bytes: &[u8]) -> Result<Incoming> {
        let letter = read_letter(name, bytes)?;
        if let Some(conflict) = &letter.sender_conflict {
            return Err(Error::Message {
                file: name.to_string(),
                message: format!("who sent this email is in doubt: {conflict}; it is not answered"),
            });
        }
        let (from_name, from_email) = split_mailbox(letter.from.as_deref())?;
        let (reply_name, reply_email) = split_mailbox(letter.reply_to.as_deref())?;
        let mut notes = Vec::new();
        let is_forward_subject = letter.subject.as_deref().is_some_and(|s| {
            let s = s.trim_start().to_lowercase();
            RULES.forward_subjects.iter().any(|f| s.starts_with(f.as_str()))
        });
        let own = own_text(&letter.text);
        let (signed, address, written_email) = writer(&own.text);
        let name = signed.or(from_name).or(reply_name);
        let email = match (&reply_email, &from_email) {
            (Some(r), Some(f)) if !r.eq_ignore_ascii_case(f) => {
                notes.push(format!("answered at its Reply-To: address, {r}, not its From: address, {f}"));
                reply_email
            }
            _ => reply_email.or(from_email),
        }
        .or(written_email);
        if own.forwarded || is_forward_subject {
            let who = match (&name, &email) {
                (Some(n), Some(e)) => format!("{n} <{e}>"),
                (Some(n), None) => n.clone(),
                (None, Some(e)) => e.clone(),
                (None, None) => "the writer of the text above it".to_string(),
            };
            let writer = own.cut_from.map(|o| format!(", {o},")).unwrap_or_default();
            notes.push(format!(
                "a forwarded message: answered to the one who forwarded it, {who}; the forwarded message's \
                 writer{writer} is not the recipient"
            ));
        }
        // The name they sign with is how they wish to be addressed; else the From: name.
        let recipient = Recipient { name, email, address, ..Recipient::default() };
        let subject = letter.subject.map(|s| {
            let mut s = s.trim();
            while let Some(rest) = ["Re:", "RE:", "Fwd:", "FW:", "Fw:"].iter().find_map(|p| s.strip_prefix(p)) {
                s = rest.trim();
            }
            s.to_string()
        });
        Ok(Incoming { recipient, subject: subject.filter(|s| !s.is_empty()), text: letter.text, notes })
    }
}

/// The topic chosen for a reply, or why none was.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TopicChoice {
    /// One topic clearly leads (or was named).
    Chosen(String),
    /// No topic clearly leads: the top three, best first.
    Unclear(Vec<Suggestion>),
    /// No topic fits the message at all.
    None,
}

/// The topic to reply to `incoming` on, of those `suggest` ranks for its text: the
/// suggestion whose score is at least the rules' `lead` (1.2) times the next one's.
pub(crate) fn reply_topic(incoming: &Incoming, suggest: impl FnOnce(&str) -> Vec<Suggestion>) -> TopicChoice {
    // The subject says what the message is about as much as its body does.
    let mut found = match &incoming.subject {
        Some(subject) => suggest(&format!("{subject}\n\n{}", incoming.text)),
        None => suggest(&incoming.text),
    };
    match found.as_slice() {
        [] => TopicChoice::None,
        [one] => TopicChoice::Chosen(one.topic.clone()),
        [first, second, ..] if first.score >= RULES.lead * second.score => TopicChoice::Chosen(first.topic.clone()),
        _ => {
            found.truncate(3);
            TopicChoice::Unclear(found)
        }
    }
}

/// The request that drafts a reply to `incoming` on `topic`, dated `date`: the
/// writer as recipient, and the email's subject as the reply's.
pub(crate) fn reply_request(library: &Library, incoming: &Incoming, topic: &str, date: Date) -> Result<DraftRequest> {
    if library.topic_at(topic, date).is_none() {
        let ids = library.latest_topics().map(|t| t.id.as_str());
        return Err(Error::unknown("topic", topic, ids));
    }
    let mut request = DraftRequest::new(topic, date);
    request.recipient = incoming.recipient.clone();
    request.subject = incoming.subject.clone();
    Ok(request)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reply_rules_compile() {
        use super::{RULES_FILE, RULES_TOML, Rules};
        Rules::parse(RULES_TOML).unwrap();
        // A bad pattern and an unknown key are errors naming the file and their line.
        let line = |text: &str, needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
        let broken = RULES_TOML.replace("wrote = '", "wrote = '(");
        let e = Rules::parse(&broken).err().unwrap();
        assert!(e.to_string().contains("the pattern does not compile"), "{e}");
        assert_eq!((e.location().file.as_str(), e.location().line), (RULES_FILE, line(&broken, "wrote = ")));
        let broken = RULES_TOML.replace("\nquoted_from = ", "\nquoted_form = ");
        let e = Rules::parse(&broken).err().unwrap();
        assert!(e.to_string().starts_with(&format!("{RULES_FILE}:")) && e.to_string().contains("`quoted_form`"));
        assert_eq!(e.location().line, line(&broken, "quoted_form = "));
    }
}
