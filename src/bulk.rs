//! Bulk drafting: one letter per recipient, rendered once and merged many times.
//!
//! Everything that does not depend on the recipient is rendered once per "shape"
//! (which recipient fields are present, and how many address lines): the letter is
//! rendered with placeholder values, cut into literal text and slots, and each row
//! only fills the slots. The output is the same, byte for byte, as drafting each
//! recipient alone (a test checks it).

use crate::claims::Finding;
use crate::error::{Error, Result};
use crate::library::Library;
use crate::matching::Fnv;
use crate::render::{DraftRequest, Format, Recipient};
use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Read;
use std::path::Path;

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    Name,
    Salutation,
    Email,
    Address(usize),
    Field(String),
}

#[derive(Debug, Clone)]
enum Segment {
    Literal { text: String, json: String },
    Slot(Slot),
}

/// A letter cut into literal text and recipient slots.
#[derive(Debug, Clone)]
struct Compiled {
    segments: Vec<Segment>,
}

/// Drafts one letter per recipient for a fixed topic, sender, date and format.
///
/// ```
/// use replydraft::{Library, DraftRequest, Recipient, parse_date};
/// let library = Library::embedded().unwrap();
/// let request = DraftRequest::new("care-funding", parse_date("2022-08-16").unwrap());
/// let mut bulk = library.bulk(&request).unwrap();
/// let ann = Recipient { name: Some("Ann O'Brien".into()), ..Recipient::default() };
/// let mut letter = String::new();
/// bulk.render_into(&ann, &mut letter).unwrap();
/// let mut alone = request.clone();
/// alone.recipient = ann;
/// assert_eq!(letter, library.draft(&alone).unwrap().text);
/// ```
pub struct BulkDrafter<'l> {
    library: &'l Library,
    request: DraftRequest,
    shapes: HashMap<u64, std::result::Result<Compiled, String>>,
    findings: Option<Vec<Finding>>,
}

impl Library {
    /// A bulk drafter for `request` (its recipient is ignored: each row gives one).
    pub fn bulk(&self, request: &DraftRequest) -> Result<BulkDrafter<'_>> {
        // Fail early on what does not depend on the recipient.
        self.resolve_blocks(request)?;
        Ok(BulkDrafter { library: self, request: request.clone(), shapes: HashMap::new(), findings: None })
    }
}

fn shape_key(r: &Recipient) -> u64 {
    let mut h = Fnv::default();
    h.write(&[u8::from(r.name.is_some()), u8::from(r.salutation.is_some()), u8::from(r.email.is_some())]);
    h.write(&(r.address.len() as u64).to_le_bytes());
    for (k, v) in &r.fields {
        if !v.is_empty() {
            h.write(k.as_bytes());
            h.write(&[0xff]);
        }
    }
    h.finish()
}

fn sentinel(i: usize) -> String {
    format!("{OPEN}{i}{CLOSE}")
}

fn json_inner(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap_or_default();
    q[1..q.len() - 1].to_string()
}

impl BulkDrafter<'_> {
    /// Claim findings for the letter (the same for every recipient), once at least one
    /// row has been rendered. Recipient values in them appear as `{recipient.FIELD}`.
    pub fn findings(&self) -> Option<&[Finding]> {
        self.findings.as_deref()
    }

    fn compile(&self, r: &Recipient) -> Result<(Compiled, Vec<Finding>)> {
        let mut slots = Vec::new();
        let mut probe = Recipient::default();
        let mut slot = |s: Slot| {
            slots.push(s);
            sentinel(slots.len() - 1)
        };
        probe.salutation = Some(slot(Slot::Salutation));
        if r.name.is_some() {
            probe.name = Some(slot(Slot::Name));
        }
        if r.email.is_some() {
            probe.email = Some(slot(Slot::Email));
        }
        probe.address = (0..r.address.len()).map(|i| slot(Slot::Address(i))).collect();
        for (k, v) in &r.fields {
            if !v.is_empty() {
                probe.fields.insert(k.clone(), slot(Slot::Field(k.clone())));
            }
        }
        let mut request = self.request.clone();
        request.recipient = probe;
        if request.format == Format::Json {
            request.format = Format::Text;
        }
        let draft = self.library.draft(&request)?;
        let mut segments = Vec::new();
        let mut rest = draft.text.as_str();
        while let Some(open) = rest.find(OPEN) {
            let after = &rest[open + OPEN.len_utf8()..];
            let Some(close) = after.find(CLOSE) else { break };
            let Ok(i) = after[..close].parse::<usize>() else { break };
            if open > 0 {
                segments.push(Segment::Literal { text: rest[..open].to_string(), json: json_inner(&rest[..open]) });
            }
            segments.push(Segment::Slot(slots[i].clone()));
            rest = &after[close + CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Literal { text: rest.to_string(), json: json_inner(rest) });
        }
        let label = |s: &Slot| match s {
            Slot::Name => "{recipient.name}".to_string(),
            Slot::Salutation => "{salutation}".to_string(),
            Slot::Email => "{recipient.email}".to_string(),
            Slot::Address(i) => format!("{{recipient.address.{i}}}"),
            Slot::Field(f) => format!("{{recipient.{f}}}"),
        };
        let findings = draft
            .findings
            .into_iter()
            .map(|mut f| {
                for (i, s) in slots.iter().enumerate() {
                    f.text = f.text.replace(&sentinel(i), &label(s));
                }
                f
            })
            .collect();
        Ok((Compiled { segments }, findings))
    }

    fn compiled(&mut self, r: &Recipient) -> Result<&Compiled> {
        let key = shape_key(r);
        if !self.shapes.contains_key(&key) {
            let compiled = match self.compile(r) {
                Ok((c, findings)) => {
                    self.findings.get_or_insert(findings);
                    Ok(c)
                }
                Err(e) if e.is_render() => Err(e.to_string()),
                Err(e) => return Err(e),
            };
            self.shapes.insert(key, compiled);
        }
        self.shapes[&key].as_ref().map_err(|m| Error::Request(m.clone()))
    }

    fn value<'r>(r: &'r Recipient, slot: &Slot, greeting: &'r str) -> &'r str {
        match slot {
            Slot::Name => r.name.as_deref().unwrap_or(""),
            Slot::Salutation => greeting,
            Slot::Email => r.email.as_deref().unwrap_or(""),
            Slot::Address(i) => r.address.get(*i).map_or("", String::as_str),
            Slot::Field(f) => r.fields.get(f).map_or("", String::as_str),
        }
    }

    /// Appends the letter for `recipient` to `out` (in the request's format; JSON
    /// requests give plain text). A missing required field is an error for this row.
    pub fn render_into(&mut self, recipient: &Recipient, out: &mut String) -> Result<()> {
        let html = self.request.format == Format::Html;
        let greeting = recipient.greeting();
        let compiled = self.compiled(recipient)?;
        for seg in &compiled.segments {
            match seg {
                Segment::Literal { text, .. } => out.push_str(text),
                Segment::Slot(s) => {
                    let v = Self::value(recipient, s, &greeting);
                    if html { out.push_str(&handlebars::html_escape(v)) } else { out.push_str(v) }
                }
            }
        }
        Ok(())
    }

    /// Appends one JSON line for `recipient`: `{"row":N,"name":...,"email":...,"text":"..."}`.
    pub fn json_line_into(&mut self, row: usize, recipient: &Recipient, out: &mut String) -> Result<()> {
        let html = self.request.format == Format::Html;
        let greeting = recipient.greeting();
        let compiled = self.compiled(recipient)?;
        out.push_str("{\"row\":");
        out.push_str(&row.to_string());
        out.push_str(",\"name\":");
        out.push_str(&serde_json::to_string(&recipient.name).unwrap_or_default());
        out.push_str(",\"email\":");
        out.push_str(&serde_json::to_string(&recipient.email).unwrap_or_default());
        out.push_str(",\"text\":\"");
        for seg in &compiled.segments {
            match seg {
                Segment::Literal { json, .. } => out.push_str(json),
                Segment::Slot(s) => {
                    let v = Self::value(recipient, s, &greeting);
                    if html {
                        out.push_str(&json_inner(&handlebars::html_escape(v)))
                    } else {
                        out.push_str(&json_inner(v))
                    }
                }
            }
        }
        out.push_str("\"}\n");
        Ok(())
    }
}

/// Recipients read from CSV, one per row, streamed.
///
/// The header names the columns: `name`, `salutation`, `address` (lines separated by
/// new lines or `;`) and `email` are recognised (any case); every other column is a
/// merge field (`{{recipient.COLUMN}}`). Empty cells are missing values. A byte-order
/// mark and CRLF line endings are accepted.
pub struct Recipients<R: Read> {
    reader: csv::Reader<R>,
    headers: Vec<String>,
    record: csv::StringRecord,
    row: usize,
    source: String,
}

/// One CSV row: its 1-based data row number, its line in the file, and the recipient or
/// what was wrong with it.
pub type RecipientRow = (usize, u64, Result<Recipient>);

/// Reads recipients from CSV. `source` names the input in error messages.
///
/// ```
/// let csv = "\u{feff}Name,Email,Ward\r\nAnn O'Brien,ann@example.org,Abbey\r\n";
/// let mut rows = replydraft::recipients(csv.as_bytes(), "r.csv").unwrap();
/// let (row, line, ann) = rows.next().unwrap();
/// let ann = ann.unwrap();
/// assert_eq!((row, line), (1, 2));
/// assert_eq!(ann.name.as_deref(), Some("Ann O'Brien"));
/// assert_eq!(ann.fields["Ward"], "Abbey");
/// ```
pub fn recipients<R: Read>(input: R, source: &str) -> Result<Recipients<R>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| Error::Request(format!("{source}:1: cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect::<Vec<_>>();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(Error::Request(format!("{source}:1: the CSV has no header row (name, email, ...)")));
    }
    Ok(Recipients { reader, headers, record: csv::StringRecord::new(), row: 0, source: source.to_string() })
}

impl<R: Read> Iterator for Recipients<R> {
    type Item = RecipientRow;

    fn next(&mut self) -> Option<RecipientRow> {
        let read = self.reader.read_record(&mut self.record);
        // The record's own position; csv counts a CRLF header's line only after it.
        let line = self.record.position().map_or(0, |p| p.line()).max(self.row as u64 + 2);
        match read {
            Ok(false) => None,
            Err(e) => {
                self.row += 1;
                let line = e.position().map_or(line, |p| p.line());
                // A broken record cannot be read past safely only for I/O errors.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return None;
                }
                Some((self.row, line, Err(Error::Request(format!("{}:{line}: row {}: {e}", self.source, self.row)))))
            }
            Ok(true) => {
                self.row += 1;
                if self.record.len() != self.headers.len() {
                    let msg = format!(
                        "{}:{line}: row {}: {} fields, the header has {}",
                        self.source,
                        self.row,
                        self.record.len(),
                        self.headers.len()
                    );
                    return Some((self.row, line, Err(Error::Request(msg))));
                }
                let mut r = Recipient::default();
                for (h, v) in self.headers.iter().zip(self.record.iter()) {
                    if v.is_empty() {
                        continue;
                    }
                    match h.to_ascii_lowercase().as_str() {
                        "name" => r.name = Some(v.to_string()),
                        "salutation" => r.salutation = Some(v.to_string()),
                        "email" => r.email = Some(v.to_string()),
                        "address" => {
                            r.address = v
                                .split(['\n', ';'])
                                .map(str::trim)
                                .filter(|l| !l.is_empty())
                                .map(String::from)
                                .collect()
                        }
                        _ => {
                            r.fields.insert(h.clone(), v.to_string());
                        }
                    }
                }
                Some((self.row, line, Ok(r)))
            }
        }
    }
}

/// Where `path` is written before it is renamed into place: a hidden `.tmp` file in the
/// same directory (so the rename stays on one file system).
pub fn temp_path(path: &Path) -> std::path::PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a
/// rename. Without `overwrite`, an existing file is an error and is left untouched.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    use std::io::Write;
    if !overwrite && path.exists() {
        return Err(Error::Request(format!("{}: exists already (use --force to overwrite)", path.display())));
    }
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_data()?;
        if overwrite {
            std::fs::rename(&tmp, path)
        } else {
            // A hard link fails if the file appeared meanwhile: never overwrite.
            std::fs::hard_link(&tmp, path).and_then(|()| std::fs::remove_file(&tmp))
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| Error::io(path.display(), e))
}

/// A file name for a bulk letter: the row number and a slug of the name.
///
/// ```
/// assert_eq!(replydraft::letter_file_name(7, Some("Ann O'Brien"), "txt"), "000007-ann-o-brien.txt");
/// assert_eq!(replydraft::letter_file_name(8, None, "html"), "000008.html");
/// ```
pub fn letter_file_name(row: usize, name: Option<&str>, ext: &str) -> String {
    let slug: String = name
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .take(6)
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() { format!("{row:06}.{ext}") } else { format!("{row:06}-{slug}.{ext}") }
}
