//! Drafting: a topic, a sender, a recipient and a date become a letter.

use crate::claims::{self, BlockSpan};
use crate::date::{DateStyle, toml_date};
use crate::error::{Error, Result, did_you_mean};
use crate::finding::Finding;
use crate::library::{Approval, Library, Role};
use crate::template::{Format, layout_key};
use crate::text::{html_emphasis, plain_emphasis};
use handlebars::{RenderError, RenderErrorReason};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Who the letter is to. Fields other than the named ones are merge data,
/// available to blocks as `{{recipient.FIELD}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Recipient {
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The greeting without its comma (`Dear Ms Bright`). Defaults to `Dear NAME`, or `Dear Constituent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    /// Postal address lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Any other merge fields.
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
}

impl Recipient {
    /// The greeting line without its comma.
    pub fn greeting(&self) -> String {
        match (&self.salutation, &self.name) {
            (Some(s), _) => s.clone(),
            (None, Some(n)) => format!("Dear {n}"),
            (None, None) => "Dear Constituent".to_string(),
        }
    }

    /// The recipient as drafting reads it: every value trimmed, and a value that is
    /// empty once trimmed left out (a missing field, as an empty CSV cell is). Drafting
    /// one letter and drafting in bulk both read recipients this way.
    ///
    /// ```
    /// let mut r = replydraft::Recipient::default();
    /// r.name = Some("  Ann ".into());
    /// r.fields.insert("ward".into(), " ".into());
    /// let n = r.normalized();
    /// assert_eq!(n.name.as_deref(), Some("Ann"));
    /// assert!(n.fields.is_empty());
    /// ```
    pub fn normalized(&self) -> std::borrow::Cow<'_, Recipient> {
        let clean = |v: &str| v.trim().len() == v.len() && !v.is_empty();
        let fine = [&self.name, &self.salutation, &self.email].into_iter().flatten().all(|v| clean(v))
            && self.address.iter().all(|v| clean(v))
            && self.fields.iter().all(|(k, v)| clean(k) && clean(v));
        if fine {
            return std::borrow::Cow::Borrowed(self);
        }
        let opt = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from);
        std::borrow::Cow::Owned(Recipient {
            name: opt(&self.name),
            salutation: opt(&self.salutation),
            email: opt(&self.email),
            address: self.address.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).map(String::from).collect(),
            fields: self
                .fields
                .iter()
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                .collect(),
        })
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.fields {
            m.insert(k.clone(), Value::String(v.clone()));
        }
        if let Some(n) = &self.name {
            m.insert("name".into(), json!(n));
        }
        m.insert("salutation".into(), json!(self.greeting()));
        m.insert("address".into(), json!(self.address));
        m.insert("email".into(), json!(self.email));
        Value::Object(m)
    }
}

/// What to draft. Also the `[recipe.draft]` table of a recipes file.
///
/// ```
/// use replydraft::{Desk, DraftRequest, Library, parse_date};
/// let desk = Desk::new(Library::embedded().unwrap());
/// let mut request = DraftRequest::new("care-funding", parse_date("2022-08-16").unwrap());
/// request.recipient.name = Some("Ann O'Brien".into());
/// let draft = desk.draft(&request).unwrap();
/// assert!(draft.text.contains("Dear Ann O'Brien,"));
/// assert!(draft.text.contains("16th August 2022"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DraftRequest {
    /// Topic id.
    pub topic: String,
    /// Sender id; defaults to the topic's sender.
    #[serde(default)]
    pub sender: Option<String>,
    /// The recipient and merge data.
    #[serde(default)]
    pub recipient: Recipient,
    /// The date of the reply.
    #[serde(with = "toml_date")]
    pub date: Date,
    /// Blocks to add: optional blocks of the topic, alternatives, or any other block.
    #[serde(default)]
    pub include: Vec<String>,
    /// Blocks to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Output format.
    #[serde(default)]
    pub format: Format,
    /// Layout name (`letter`, `body`); defaults to `letter`.
    #[serde(default)]
    pub layout: Option<String>,
    /// A subject line (`RE: ...`).
    #[serde(default)]
    pub subject: Option<String>,
    /// How the date is written; defaults to the sender's style.
    #[serde(default)]
    pub date_style: Option<DateStyle>,
}

impl DraftRequest {
    /// A request for `topic` on `date`, everything else by default.
    pub fn new(topic: impl Into<String>, date: Date) -> DraftRequest {
        DraftRequest {
            topic: topic.into(),
            sender: None,
            recipient: Recipient::default(),
            date,
            include: Vec::new(),
            exclude: Vec::new(),
            format: Format::Text,
            layout: None,
            subject: None,
            date_style: None,
        }
    }
}

/// A rendered letter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Draft {
    /// Topic id.
    pub topic: String,
    /// Sender id.
    pub sender: String,
    /// The reply date.
    pub date: Date,
    /// The format of `text` (JSON drafts carry plain text).
    pub format: Format,
    /// The letter.
    pub text: String,
    /// Every block in the text, included ones too, in order of appearance.
    pub blocks: Vec<BlockSpan>,
    /// Out-of-date claims and other problems, at `date`.
    pub findings: Vec<Finding>,
    /// The date the facts base is known to: after it, office holders are unverifiable.
    pub facts_known_to: Option<Date>,
}

impl Draft {
    /// The JSON form: `{"topic", "sender", "date", "format", "text", "blocks", "findings", "facts_known_to"}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// A rendered block as it stands in a letter of `format`, its Markdown bold read when
/// `bold` (see [`draft`]).
fn shown(body: &str, format: Format, bold: bool) -> String {
    match (format, bold) {
        (Format::Markdown, _) => body.to_string(),
        (Format::Html, true) => html_emphasis(body),
        (Format::Html, false) => handlebars::html_escape(body),
        (_, true) => plain_emphasis(body).into_owned(),
        (_, false) => body.to_string(),
    }
}

/// The value at a dotted path (`recipient.ward`) of the merge data, if any.
fn value_at<'v>(data: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(data, |v, seg| match v {
        Value::Object(m) => m.get(seg),
        Value::Array(a) => a.get(seg.parse::<usize>().ok()?),
        _ => None,
    })
}

/// A render error with where it is and what is really wrong: strict mode reports a
/// missing field, a loop over text and a lookup that found nothing all alike, so the
/// merge data `data` is consulted to tell them apart.
fn render_error(e: RenderError, data: &Value) -> Error {
    let template = match e.template_name.as_deref() {
        Some(n) if n.starts_with("layout:") => format!("layout `{}`", &n[7..]),
        Some(n) => format!("block `{n}`"),
        None => "template".to_string(),
    };
    let (field, what) = match e.reason() {
        RenderErrorReason::MissingVariable(Some(p)) if value_at(data, p).is_some_and(|v| !v.is_null()) => (
            Some(p.clone()),
            "this value is text, not a list or a map: `#each` loops over lists (such as recipient.address) and maps"
                .to_string(),
        ),
        RenderErrorReason::MissingVariable(None) => (
            None,
            "a lookup found nothing: the index is past the end of the list, or the key is not in the map".to_string(),
        ),
        RenderErrorReason::MissingVariable(p) => (
            p.clone(),
            "missing merge field: give it a value (a recipient field, or a CSV column) or take it out of the template"
                .to_string(),
        ),
        other => (None, other.to_string()),
    };
    let at = match (e.line_no, e.column_no) {
        (Some(l), Some(c)) => format!(" (template line {l}, column {c})"),
        _ => String::new(),
    };
    Error::Render { template, field, message: format!("{what}{at}") }
}

/// The block ids a request puts in its letter, in order.
pub(crate) fn resolve_blocks(library: &Library, request: &DraftRequest) -> Result<Vec<String>> {
    let topic = library.topic_at(&request.topic, request.date).ok_or_else(|| {
        let ids = library.topics().iter().map(|t| t.id.as_str());
        Error::unknown("topic", &request.topic, ids)
    })?;
    let ids = || library.blocks().iter().map(|b| b.id.as_str());
    for id in request.include.iter().chain(&request.exclude) {
        if library.block(id).is_none() {
            return Err(Error::unknown("block", id, ids()));
        }
    }
    let included = |id: &str| request.include.iter().any(|i| i == id);
    let mut out: Vec<String> = Vec::new();
    for (id, optional) in library.block_ids_for_topic(topic) {
        if optional && !included(id) {
            continue;
        }
        let group = topic.alternatives.iter().find(|g| g.first().is_some_and(|f| f == id));
        let chosen = group.and_then(|g| g.iter().skip(1).find(|a| included(a))).map_or(id, String::as_str);
        out.push(chosen.to_string());
    }
    let in_topic = |id: &str| topic.blocks.iter().chain(topic.alternatives.iter().flatten()).any(|b| b == id);
    for id in &request.include {
        if !in_topic(id) && !out.contains(id) {
            // An extra block goes before the closing and enclosures, or at the end.
            let pos = out
                .iter()
                .position(|b| library.block(b).is_some_and(|b| matches!(b.role, Role::Closing | Role::Enclosure)))
                .unwrap_or(out.len());
            out.insert(pos, id.clone());
        }
    }
    out.retain(|id| !request.exclude.contains(id));
    Ok(out)
}

/// The blocks a request's letter would hold that may not go out ([`Approval::usable`]
/// is false: drafts, texts changed since approval, retired blocks), blocks they
/// include too, each with its state. `bulk` refuses a letter with any.
pub(crate) fn unapproved(library: &Library, request: &DraftRequest) -> Result<Vec<(String, Approval)>> {
    let mut todo = resolve_blocks(library, request)?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(block) = library.block(&id) else { continue };
        todo.extend(block.includes.iter().cloned());
        let state = block.approval();
        if !state.usable() {
            out.push((id, state));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Renders a draft and evaluates its claims at the request's date, with the topic
/// edition in force then.
pub(crate) fn draft(library: &Library, request: &DraftRequest) -> Result<Draft> {
    let ids = resolve_blocks(library, request)?;
    let topic = library.topic_at(&request.topic, request.date).expect("resolved above");
    let sender_id = request.sender.as_deref().or(topic.sender.as_deref()).ok_or_else(|| {
        let choices = library.senders().iter().map(|s| s.id.clone()).collect();
        Error::NoSender { topic: topic.id.clone(), choices }
    })?;
    let sender = library.sender(sender_id).ok_or_else(|| {
        let ids = library.senders().iter().map(|s| s.id.as_str());
        Error::unknown("sender", sender_id, ids)
    })?;
    let layout = request.layout.as_deref().unwrap_or("letter");
    let key = layout_key(layout, request.format);
    let html = request.format == Format::Html;
    let registry = if html { &library.inner.html } else { &library.inner.plain };
    if !registry.has_template(&key) {
        let names: Vec<&str> = library.layouts().map(|(n, _)| n).collect();
        return Err(Error::NoLayout {
            layout: layout.to_string(),
            format: format!("{:?}", request.format),
            suggestion: did_you_mean(layout, names.iter().copied()).map(String::from),
        });
    }
    let style = request.date_style.unwrap_or(sender.date_style);
    let recipient = request.recipient.normalized();
    let mut ctx = json!({
        "sender": sender,
        "recipient": recipient.to_json(),
        "date": style.format(request.date),
        "date_iso": request.date.to_string(),
        "subject": request.subject,
        "topic": { "id": topic.id, "title": topic.title },
    });
    let mut paragraphs = Vec::new();
    let mut enclosures = Vec::new();
    let mut rendered = Vec::with_capacity(ids.len());
    for id in &ids {
        let text = render_block(library, id, &ctx)?;
        let role = library.block(id).map(|b| b.role).unwrap_or(Role::Body);
        // Markdown bold in a block's own text (a block without merge fields, so that
        // no recipient's value is read as markup): kept in Markdown, `<strong>` in
        // `html` (escaped, for `{{{this.html}}}`), plain everywhere else.
        let bold = library.block(id).is_some_and(|b| b.has_emphasis());
        let in_letter = shown(&text, request.format, bold);
        let item = if html {
            let plain = if bold { plain_emphasis(&text).into_owned() } else { text };
            json!({ "id": id, "text": plain, "html": in_letter, "role": role })
        } else {
            json!({ "id": id, "text": in_letter, "role": role })
        };
        if role == Role::Enclosure {
            enclosures.push(item)
        } else {
            paragraphs.push(item)
        }
        rendered.push((id.clone(), in_letter));
    }
    ctx["salutation"] = json!(recipient.greeting());
    ctx["paragraphs"] = Value::Array(paragraphs);
    ctx["enclosures"] = Value::Array(enclosures);
    let text = registry.render(&key, &ctx).map_err(|e| render_error(e, &ctx))?;
    let blocks = spans(library, &text, &rendered, &ctx, request.format)?;
    let findings = claims::draft_findings(library, &text, &blocks, sender, request.date, html);
    Ok(Draft {
        topic: topic.id.clone(),
        sender: sender.id.clone(),
        date: request.date,
        format: request.format,
        text,
        blocks,
        findings,
        facts_known_to: library.facts().known_to(),
    })
}

/// Renders one block (as plain text) with the given merge data.
pub(crate) fn render_block(library: &Library, id: &str, ctx: &Value) -> Result<String> {
    if let Some(block) = library.block(id).filter(|b| b.is_plain()) {
        return Ok(block.text.clone());
    }
    let text = library.inner.plain.render(id, ctx).map_err(|e| render_error(e, ctx))?;
    Ok(text.trim_end().to_string())
}

/// Finds each rendered block (as it stands in the letter), and the blocks it
/// includes, in the letter.
fn spans(
    library: &Library,
    text: &str,
    rendered: &[(String, String)],
    ctx: &Value,
    format: Format,
) -> Result<Vec<BlockSpan>> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for (id, needle) in rendered {
        let Some(pos) = text[cursor..].find(needle.as_str()).map(|p| p + cursor) else { continue };
        out.push(BlockSpan { id: id.clone(), start: pos, end: pos + needle.len(), parent: None });
        cursor = pos + needle.len();
        included_spans(library, id, pos, needle, ctx, format, &mut out)?;
    }
    Ok(out)
}

fn included_spans(
    library: &Library,
    id: &str,
    base: usize,
    body: &str,
    ctx: &Value,
    format: Format,
    out: &mut Vec<BlockSpan>,
) -> Result<()> {
    let Some(block) = library.block(id) else { return Ok(()) };
    let mut cursor = 0;
    for inc in &block.includes {
        let inner = render_block(library, inc, ctx)?;
        let needle = shown(&inner, format, false);
        if let Some(p) = body[cursor..].find(&needle).map(|p| p + cursor) {
            out.push(BlockSpan {
                id: inc.clone(),
                start: base + p,
                end: base + p + needle.len(),
                parent: Some(id.to_string()),
            });
            included_spans(library, inc, base + p, &needle, ctx, format, out)?;
            cursor = p + needle.len();
        }
    }
    Ok(())
}
