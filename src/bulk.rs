//! Bulk drafting: one letter per recipient, rendered once and merged many times.
//!
//! Everything that does not depend on the recipient is rendered once per "shape"
//! (which recipient fields are present, and how many address lines): the letter is
//! rendered with placeholder values, cut into literal text and slots, and each row
//! only fills the slots. The output is the same, byte for byte, as drafting each
//! recipient alone (a test checks it).

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::library::Library;
use crate::render::{DraftRequest, Recipient};
use crate::template::Format;
use handlebars::template::TemplateElement;
use std::collections::HashMap;
use std::io::Read;

/// Marks where a recipient value goes in a letter rendered once per shape. The marker
/// also carries a per-drafter random key (see [`BulkDrafter::key`]), so that text in
/// the library, a subject or any input can never be read as a slot.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// How many distinct row shapes are kept compiled at once (least recently used go first).
const SHAPE_CACHE: usize = 256;

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

/// What a row's letter depends on besides its values: which fields are present, and
/// how many address lines. Rows of one shape share one compiled letter. The shape
/// itself is the cache key (compared for equality), never a hash of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    name: bool,
    salutation: bool,
    email: bool,
    address: usize,
    fields: Vec<String>,
}

impl Shape {
    fn of(r: &Recipient) -> Shape {
        Shape {
            name: r.name.is_some(),
            salutation: r.salutation.is_some(),
            email: r.email.is_some(),
            address: r.address.len(),
            fields: r.fields.keys().cloned().collect(),
        }
    }
}

/// Compiled letters by shape, at most `cap` of them: the least recently used one makes
/// room for a new shape, so memory stays bounded however many shapes a CSV has.
pub(crate) struct ShapeCache<V, S = std::collections::hash_map::RandomState> {
    map: HashMap<Shape, (u64, V), S>,
    clock: u64,
    cap: usize,
}

impl<V, S: std::hash::BuildHasher + Default> ShapeCache<V, S> {
    pub(crate) fn new(cap: usize) -> Self {
        ShapeCache { map: HashMap::with_hasher(S::default()), clock: 0, cap: cap.max(1) }
    }

    /// The value for `shape`, made by `make` if it is not cached.
    pub(crate) fn get_or_insert(&mut self, shape: Shape, make: impl FnOnce() -> V) -> &V {
        self.clock += 1;
        let clock = self.clock;
        if !self.map.contains_key(&shape) && self.map.len() >= self.cap {
            if let Some(old) = self.map.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| k.clone()) {
                self.map.remove(&old);
            }
        }
        let entry = self.map.entry(shape).or_insert_with(|| (clock, make()));
        entry.0 = clock;
        &entry.1
    }
}

/// A render error's parts (template, field, message): kept per shape, and made an
/// [`Error::Render`] again for each row of it.
type RenderFailure = (String, Option<String>, String);

/// How a drafter makes its letters.
enum Mode {
    /// Rendered once per shape, merged per row.
    /// A shape that cannot be rendered keeps its render error, so that every row of
    /// it fails alike.
    Merge(ShapeCache<std::result::Result<Compiled, RenderFailure>>),
    /// Drafted whole for every row: some template passes a merge value to a helper
    /// (`eq`, `len`, `lookup` ...), so the text depends on the value itself.
    PerRow,
}

/// Drafts one letter per recipient for a fixed topic, sender, date and format (made
/// by `Desk::bulk`). The output is byte for byte what `Desk::draft`
/// gives for each recipient alone.
///
/// ```
/// use replydraft::{Desk, DraftRequest, Library, Recipient, parse_date};
/// let desk = Desk::new(Library::embedded().unwrap());
/// let request = DraftRequest::new("care-funding", parse_date("2022-08-16").unwrap());
/// let mut bulk = desk.bulk(&request).unwrap();
/// let mut ann = Recipient::default();
/// ann.name = Some("Ann O'Brien".into());
/// let mut letter = String::new();
/// bulk.render_into(&ann, &mut letter).unwrap();
/// let mut alone = request.clone();
/// alone.recipient = ann;
/// assert_eq!(letter, desk.draft(&alone).unwrap().text);
/// ```
pub struct BulkDrafter<'l> {
    library: &'l Library,
    request: DraftRequest,
    mode: Mode,
    key: String,
    findings: Option<Vec<Finding>>,
}

impl<'l> BulkDrafter<'l> {
    /// A bulk drafter of `library` for `request` (its recipient is ignored: each row
    /// gives one); see `Desk::bulk`.
    pub(crate) fn new(library: &'l Library, request: &DraftRequest) -> Result<BulkDrafter<'l>> {
        // Fail early on what does not depend on the recipient.
        let ids = crate::render::resolve_blocks(library, request)?;
        let mode = if reads_merge_values(library, request, &ids) {
            Mode::PerRow
        } else {
            Mode::Merge(ShapeCache::new(SHAPE_CACHE))
        };
        let key = {
            use std::hash::BuildHasher;
            let n = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
            format!("{n:016x}:")
        };
        Ok(BulkDrafter { library, request: request.clone(), mode, key, findings: None })
    }
}

/// Whether any template of the letter (its blocks, the blocks they include, the
/// layout) hands recipient data to a helper, so that rendering once with
/// placeholders would not give the row's text.
fn reads_merge_values(library: &Library, request: &DraftRequest, ids: &[String]) -> bool {
    let layout = crate::template::layout_key(request.layout.as_deref().unwrap_or("letter"), request.format);
    let registry = if request.format == Format::Html { &library.inner.html } else { &library.inner.plain };
    let mut dependent = registry.get_template(&layout).is_some_and(|t| value_dependent(&t.elements));
    for id in ids {
        if let Some(block) = library.block(id) {
            library.with_includes(block, &mut |b| {
                dependent |= library.inner.plain.get_template(&b.id).is_some_and(|t| value_dependent(&t.elements));
            });
        }
    }
    dependent
}

/// Roots of the data a letter is rendered with that are the same for every row.
const CONSTANT_ROOTS: [&str; 5] = ["sender", "date", "date_iso", "subject", "topic"];

/// Whether a helper parameter may carry a recipient's value.
fn reads_value(p: &handlebars::template::Parameter) -> bool {
    use handlebars::template::Parameter;
    match p {
        Parameter::Literal(_) => false,
        // @index, @key, @first, @last: the row's shape fixes them.
        Parameter::Path(handlebars::Path::Local(_)) => false,
        Parameter::Path(handlebars::Path::Relative((_, raw))) | Parameter::Name(raw) => {
            let root = raw.split(['.', '/', '[']).next().unwrap_or("");
            !CONSTANT_ROOTS.contains(&root)
        }
        _ => true,
    }
}

/// Whether a template passes recipient data to a helper. Plain output (`{{x}}`) is
/// safe, and so are `if`, `unless`, `each` and `with` over a plain path: values are
/// trimmed and never empty, so the row's shape decides them.
fn value_dependent(elements: &[TemplateElement]) -> bool {
    const STRUCTURAL: [&str; 4] = ["if", "unless", "each", "with"];
    elements.iter().any(|e| match e {
        TemplateElement::RawString(_) | TemplateElement::Comment(_) => false,
        TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
            matches!(h.name, handlebars::template::Parameter::Subexpression(_))
                || h.params.iter().chain(h.hash.values()).any(reads_value)
        }
        TemplateElement::HelperBlock(h) => {
            let structural =
                matches!(&h.name, handlebars::template::Parameter::Name(n) if STRUCTURAL.contains(&n.as_str()));
            let params = h.params.iter().chain(h.hash.values());
            let own = if structural {
                params.into_iter().any(|p| matches!(p, handlebars::template::Parameter::Subexpression(_)))
            } else {
                params.into_iter().any(reads_value)
            };
            own || [&h.template, &h.inverse].into_iter().flatten().any(|t| value_dependent(&t.elements))
        }
        TemplateElement::PartialExpression(d) | TemplateElement::PartialBlock(d) => {
            d.params.iter().chain(d.hash.values()).any(reads_value)
                || d.template.as_ref().is_some_and(|t| value_dependent(&t.elements))
        }
        _ => true,
    })
}

/// A piece of a bulk letter.
enum Piece<'a> {
    /// Letter text as it stands, and its JSON-escaped form if precomputed.
    Literal(&'a str, Option<&'a str>),
    /// A recipient's value.
    Value(&'a str),
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

    /// Whether every row is drafted whole (a template hands merge values to helpers),
    /// rather than rendered once per shape and merged.
    pub fn per_row(&self) -> bool {
        matches!(self.mode, Mode::PerRow)
    }

    fn sentinel(&self, i: usize) -> String {
        format!("{OPEN}{}{i}{CLOSE}", self.key)
    }

    fn compile(&self, r: &Recipient) -> Result<(Compiled, Vec<Finding>)> {
        let mut slots = Vec::new();
        let mut probe = Recipient::default();
        let mut slot = |s: Slot| {
            slots.push(s);
            self.sentinel(slots.len() - 1)
        };
        probe.salutation = Some(slot(Slot::Salutation));
        if r.name.is_some() {
            probe.name = Some(slot(Slot::Name));
        }
        if r.email.is_some() {
            probe.email = Some(slot(Slot::Email));
        }
        probe.address = (0..r.address.len()).map(|i| slot(Slot::Address(i))).collect();
        for k in r.fields.keys() {
            probe.fields.insert(k.clone(), slot(Slot::Field(k.clone())));
        }
        let mut request = self.request.clone();
        request.recipient = probe;
        if request.format == Format::Json {
            request.format = Format::Text;
        }
        let draft = crate::render::draft(self.library, &request)?;
        let marker = format!("{OPEN}{}", self.key);
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = draft.text.as_str();
        while let Some(open) = rest.find(&marker) {
            let after = &rest[open + marker.len()..];
            let index = after.find(CLOSE).and_then(|c| Some((after[..c].parse::<usize>().ok()?, c)));
            let Some((i, close)) = index.filter(|(i, _)| *i < slots.len()) else {
                literal.push_str(&rest[..open + marker.len()]);
                rest = after;
                continue;
            };
            literal.push_str(&rest[..open]);
            if !literal.is_empty() {
                let text = std::mem::take(&mut literal);
                segments.push(Segment::Literal { json: json_inner(&text), text });
            }
            segments.push(Segment::Slot(slots[i].clone()));
            rest = &after[close + CLOSE.len_utf8()..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Literal { json: json_inner(&literal), text: literal });
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
                    f.text = f.text.replace(&self.sentinel(i), &label(s));
                }
                f
            })
            .collect();
        Ok((Compiled { segments }, findings))
    }

    /// The compiled letter for `r`'s shape, or `None` in per-row mode.
    fn compiled(&mut self, r: &Recipient) -> Result<Option<&Compiled>> {
        let shape = Shape::of(r);
        let cached = match &self.mode {
            Mode::PerRow => return Ok(None),
            Mode::Merge(cache) => cache.map.contains_key(&shape),
        };
        let fresh = if cached {
            None
        } else {
            Some(match self.compile(r) {
                Ok((c, findings)) => {
                    self.findings.get_or_insert(findings);
                    Ok(c)
                }
                Err(Error::Render { template, field, message }) => Err((template, field, message)),
                Err(e) => return Err(e),
            })
        };
        let Mode::Merge(cache) = &mut self.mode else { return Ok(None) };
        let entry = cache.get_or_insert(shape, || fresh.unwrap_or_else(|| Err(Default::default())));
        entry.as_ref().map(Some).map_err(|(template, field, message)| Error::Render {
            template: template.clone(),
            field: field.clone(),
            message: message.clone(),
        })
    }

    /// The whole letter for `r` drafted alone (per-row mode).
    fn draft_row(&mut self, r: &Recipient) -> Result<String> {
        let mut request = self.request.clone();
        request.recipient = r.clone();
        if request.format == Format::Json {
            request.format = Format::Text;
        }
        let draft = crate::render::draft(self.library, &request)?;
        self.findings.get_or_insert(draft.findings);
        Ok(draft.text)
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

    /// Calls `out` with each piece of the letter for `recipient` (already
    /// [`Recipient::normalized`]): literal text (in the format, with its JSON-escaped
    /// form when precomputed) and values (to be escaped for HTML).
    fn pieces(&mut self, recipient: &Recipient, out: &mut dyn FnMut(Piece<'_>)) -> Result<()> {
        let greeting = recipient.greeting();
        match self.compiled(recipient)? {
            Some(compiled) => {
                for seg in &compiled.segments {
                    match seg {
                        Segment::Literal { text, json } => out(Piece::Literal(text, Some(json))),
                        Segment::Slot(s) => out(Piece::Value(Self::value(recipient, s, &greeting))),
                    }
                }
            }
            None => {
                let text = self.draft_row(recipient)?;
                out(Piece::Literal(&text, None));
            }
        }
        Ok(())
    }

    /// Appends the letter for `recipient` to `out` (in the request's format; JSON
    /// requests give plain text). A missing required field is an error for this row.
    pub fn render_into(&mut self, recipient: &Recipient, out: &mut String) -> Result<()> {
        let html = self.request.format == Format::Html;
        self.pieces(&recipient.normalized(), &mut |piece| match piece {
            Piece::Value(v) if html => out.push_str(&handlebars::html_escape(v)),
            Piece::Value(text) | Piece::Literal(text, _) => out.push_str(text),
        })
    }

    /// Appends one JSON line for `recipient`: `{"row":N,"name":...,"email":...,"text":"..."}`.
    pub fn json_line_into(&mut self, row: usize, recipient: &Recipient, out: &mut String) -> Result<()> {
        let html = self.request.format == Format::Html;
        let recipient = recipient.normalized();
        let start = out.len();
        out.push_str("{\"row\":");
        out.push_str(&row.to_string());
        out.push_str(",\"name\":");
        out.push_str(&serde_json::to_string(&recipient.name).unwrap_or_default());
        out.push_str(",\"email\":");
        out.push_str(&serde_json::to_string(&recipient.email).unwrap_or_default());
        out.push_str(",\"text\":\"");
        let result = self.pieces(&recipient, &mut |piece| match piece {
            Piece::Literal(_, Some(json)) => out.push_str(json),
            Piece::Value(v) if html => out.push_str(&json_inner(&handlebars::html_escape(v))),
            Piece::Value(text) | Piece::Literal(text, None) => out.push_str(&json_inner(text)),
        });
        if result.is_err() {
            out.truncate(start);
        }
        result?;
        out.push_str("\"}\n");
        Ok(())
    }
}

/// The most columns a recipients CSV may have.
pub const MAX_COLUMNS: usize = 1000;
/// The most bytes one CSV cell may hold (64 KiB): a larger one is an error for its row.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// Recipients read from CSV, one per row, streamed.
///
/// The header names the columns: `name`, `salutation`, `address` (lines separated by
/// new lines or `;`) and `email` are recognised (any case); every other column is a
/// merge field (`{{recipient.COLUMN}}`). Empty cells are missing values. A byte-order
/// mark and CRLF line endings are accepted.
///
/// No row is lost silently: a row that cannot be read is an [`Error::Csv`] with its
/// line and raw text, and reading resumes at the next line. A quote left open that
/// would swallow the rows after it (its field runs to the end of the file or past
/// [`MAX_FIELD_BYTES`], or spans lines that read as rows of their own while no field
/// before it spanned lines) is reported as an unbalanced quote on its own line, and
/// the lines it would have swallowed are read as rows.
pub struct Recipients<R: Read> {
    input: std::io::BufReader<R>,
    /// Lines read ahead and given back (an unbalanced quote's), with their numbers.
    back: std::collections::VecDeque<(u64, Vec<u8>)>,
    /// The number of the last line read from `input`.
    lines: u64,
    /// Whether a field spanning lines was read (then one more is no sign of a broken quote).
    multiline: bool,
    headers: Vec<String>,
    row: usize,
    source: String,
}

/// One CSV row: its 1-based data row number, its line in the file, and the recipient or
/// what was wrong with it.
pub type RecipientRow = (usize, u64, Result<Recipient>);

/// One record as read from the file: its first line and its bytes, or a quote that
/// does not close where it should.
enum Record {
    Read(u64, Vec<u8>),
    /// An unbalanced quote: its line, the line's bytes, and the line where the quote
    /// closed (none: the end of the file, or past the cell limit).
    Unbalanced(u64, Vec<u8>, Option<u64>),
}

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
///
/// // A quote left open is reported on its line; the rows after it are still read.
/// let csv = "name,ward\n\"Bo,Abbey\nCy,Brook\nDi,Carr\n";
/// let rows: Vec<_> = replydraft::recipients(csv.as_bytes(), "r.csv").unwrap().collect();
/// assert!(matches!(&rows[0], (1, 2, Err(replydraft::Error::Csv { text: Some(t), .. })) if t == "\"Bo,Abbey"));
/// assert_eq!(rows.iter().filter(|(_, _, r)| r.is_ok()).count(), 2);
/// ```
pub fn recipients<R: Read>(input: R, source: &str) -> Result<Recipients<R>> {
    let mut rows = Recipients {
        input: std::io::BufReader::with_capacity(1 << 16, input),
        back: Default::default(),
        lines: 0,
        multiline: false,
        headers: Vec::new(),
        row: 0,
        source: source.to_string(),
    };
    let header = |problem: String| csv_error(source, 1, None, problem, None);
    let headers = match rows.record(0) {
        None => Vec::new(),
        Some(Err(e)) => return Err(header(format!("cannot read the CSV header: {e}"))),
        Some(Ok(Record::Unbalanced(..))) => return Err(header("the CSV header has an unbalanced quote".into())),
        Some(Ok(Record::Read(_, bytes))) => {
            let fields = fields(&bytes).map_err(|e| header(format!("cannot read the CSV header: {e}")))?;
            fields.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect()
        }
    };
    if headers.len() > MAX_COLUMNS {
        let problem = format!("the CSV has {} columns; at most {MAX_COLUMNS} are read", headers.len());
        return Err(header(problem));
    }
    if headers.iter().all(|h| h.is_empty()) {
        return Err(header("the CSV has no header row (name, email, ...)".into()));
    }
    rows.headers = headers;
    Ok(rows)
}

/// An error in a recipients CSV: at `line`, in data row `row` if there is one, with
/// the line's raw text if it could not be read.
fn csv_error(file: &str, line: u64, row: Option<usize>, problem: String, raw: Option<&[u8]>) -> Error {
    let text = raw.map(|raw| {
        let text = String::from_utf8_lossy(raw);
        let text = text.trim_end_matches(['\n', '\r']);
        match text.char_indices().nth(200) {
            Some((i, _)) => format!("{}…", &text[..i]),
            None => text.to_string(),
        }
    });
    Error::Csv { file: file.to_string(), line, row, problem, text }
}

/// The line without its line ending.
fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The fields of one record (RFC 4180: `""` is a quote inside a quoted field).
fn fields(record: &[u8]) -> std::result::Result<Vec<String>, String> {
    let record = trim_eol(record);
    let text = std::str::from_utf8(record).map_err(|e| format!("not UTF-8 text ({e})"))?;
    if !text.contains('"') {
        return Ok(text.split(',').map(String::from).collect());
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(record);
    let mut out = csv::StringRecord::new();
    reader.read_record(&mut out).map_err(|e| e.to_string())?;
    Ok(out.iter().map(String::from).collect())
}

/// How a line reads to the CSV reader ([`scan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scan {
    /// Whether a quoted field is open at its end.
    open: bool,
    /// How many fields it starts or ends (commas outside quotes, plus one).
    fields: usize,
    /// Whether a quote closes a field with more text after it (`"a"b`): a sign that the
    /// quote was not meant to close one.
    stray: bool,
}

/// Reads `line` as the CSV reader does, from inside a quoted field if `open`. A quote
/// opens a field only at its start; `""` inside one is a quote.
fn scan(line: &[u8], mut open: bool) -> Scan {
    let (mut start, mut closed, mut fields, mut stray) = (!open, false, 1, false);
    for &b in trim_eol(line) {
        if open {
            if b == b'"' {
                (open, closed) = (false, true);
            }
            continue;
        }
        if b == b'"' && (start || closed) {
            open = true;
        } else if closed && b != b',' {
            stray = true;
        }
        fields += usize::from(b == b',');
        start = b == b',';
        closed = false;
    }
    Scan { open, fields, stray }
}

impl<R: Read> Recipients<R> {
    /// An error in the current row, at `line`.
    fn error(&self, line: u64, problem: String, raw: Option<&[u8]>) -> Error {
        csv_error(&self.source, line, Some(self.row), problem, raw)
    }

    /// The next line of the file, with its number.
    fn line(&mut self) -> Option<std::io::Result<(u64, Vec<u8>)>> {
        use std::io::BufRead;
        if let Some(line) = self.back.pop_front() {
            return Some(Ok(line));
        }
        let mut buf = Vec::new();
        match self.input.read_until(b'\n', &mut buf) {
            Ok(0) => None,
            Ok(_) => {
                self.lines += 1;
                Some(Ok((self.lines, buf)))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// The next record (blank lines are skipped): its lines joined while a quote is
    /// open. `columns` is the header's width (0 while reading the header).
    fn record(&mut self, columns: usize) -> Option<std::io::Result<Record>> {
        let (start, mut bytes) = loop {
            match self.line()? {
                Err(e) => return Some(Err(e)),
                Ok((_, l)) if trim_eol(&l).is_empty() => continue,
                Ok(l) => break l,
            }
        };
        if !scan(&bytes, false).open {
            return Some(Ok(Record::Read(start, bytes)));
        }
        let first = bytes.len();
        let mut more: Vec<(u64, Vec<u8>)> = Vec::new();
        let (mut open, mut size, mut stray) = (true, 0, false);
        while open && size <= MAX_FIELD_BYTES {
            match self.line() {
                None => break,
                Some(Err(e)) => return Some(Err(e)),
                Some(Ok((n, l))) => {
                    let read = scan(&l, true);
                    (open, stray) = (read.open, stray || read.stray);
                    size += l.len();
                    more.push((n, l));
                }
            }
        }
        // Lines inside the quote (all but the one that closes it) that read as rows.
        let rows_inside = columns > 1
            && more
                .iter()
                .rev()
                .skip(1)
                .any(|(_, l)| scan(l, false) == Scan { open: false, fields: columns, stray: false });
        if open || stray || size > MAX_FIELD_BYTES || (rows_inside && !self.multiline) {
            let closed = (!open && size <= MAX_FIELD_BYTES).then(|| more.last().map_or(start, |(n, _)| *n));
            for line in more.into_iter().rev() {
                self.back.push_front(line);
            }
            bytes.truncate(first);
            return Some(Ok(Record::Unbalanced(start, bytes, closed)));
        }
        self.multiline = true;
        for (_, l) in more {
            bytes.extend_from_slice(&l);
        }
        Some(Ok(Record::Read(start, bytes)))
    }
}

impl<R: Read> Iterator for Recipients<R> {
    type Item = RecipientRow;

    fn next(&mut self) -> Option<RecipientRow> {
        let record = self.record(self.headers.len())?;
        self.row += 1;
        let (line, bytes) = match record {
            // A broken stream cannot be read past.
            Err(e) => {
                let line = self.lines + 1;
                return Some((self.row, line, Err(self.error(line, format!("cannot read the CSV: {e}"), None))));
            }
            Ok(Record::Unbalanced(line, raw, closed)) => {
                let until = match closed {
                    Some(end) => format!("the quoted field opened here runs on to line {end}"),
                    None => "the quoted field opened here never closes".to_string(),
                };
                let msg = format!("an unbalanced quote: {until}; the lines after it are read as rows");
                return Some((self.row, line, Err(self.error(line, msg, Some(&raw)))));
            }
            Ok(Record::Read(line, bytes)) => (line, bytes),
        };
        let record = match fields(&bytes) {
            Ok(record) => record,
            Err(e) => return Some((self.row, line, Err(self.error(line, e, Some(&bytes))))),
        };
        if record.len() != self.headers.len() {
            let msg = format!("{} fields, the header has {}", record.len(), self.headers.len());
            return Some((self.row, line, Err(self.error(line, msg, Some(&bytes)))));
        }
        if let Some((i, v)) = record.iter().enumerate().find(|(_, v)| v.len() > MAX_FIELD_BYTES) {
            let msg =
                format!("column `{}` holds {} bytes; at most {MAX_FIELD_BYTES} are allowed", self.headers[i], v.len());
            return Some((self.row, line, Err(self.error(line, msg, None))));
        }
        // A row of empty cells (a spreadsheet's trailing `,,,`) is nobody, not a
        // "Dear Constituent" letter.
        if record.iter().all(|v| v.trim().is_empty()) {
            return Some((self.row, line, Err(self.error(line, "every cell is blank".into(), None))));
        }
        let mut r = Recipient::default();
        for (h, v) in self.headers.iter().zip(record) {
            if v.is_empty() {
                continue;
            }
            match h.to_ascii_lowercase().as_str() {
                "name" => r.name = Some(v),
                "salutation" => r.salutation = Some(v),
                "email" => r.email = Some(v),
                "address" => {
                    r.address =
                        v.split(['\n', ';']).map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
                }
                _ => {
                    r.fields.insert(h.clone(), v);
                }
            }
        }
        Some((self.row, line, Ok(r)))
    }
}

/// A file name for a bulk letter: the row number and a slug of the name (ASCII, at
/// most 60 bytes, so that any name gives a file name every file system takes; the row
/// number keeps it unique).
///
/// ```
/// assert_eq!(replydraft::cli::letter_file_name(7, Some("Ann O'Brien"), "txt"), "000007-ann-o-brien.txt");
/// assert_eq!(replydraft::cli::letter_file_name(8, None, "html"), "000008.html");
/// assert!(replydraft::cli::letter_file_name(9, Some(&"x".repeat(5000)), "txt").len() < 80);
/// ```
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub fn letter_file_name(row: usize, name: Option<&str>, ext: &str) -> String {
    let slug = crate::text::slug(name.unwrap_or(""));
    if slug.is_empty() { format!("{row:06}.{ext}") } else { format!("{row:06}-{slug}.{ext}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hasher under which every shape collides, as two found header names did under
    /// the old 64-bit FNV key.
    #[derive(Default)]
    struct Collide;
    impl std::hash::BuildHasher for Collide {
        type Hasher = Constant;
        fn build_hasher(&self) -> Constant {
            Constant
        }
    }
    struct Constant;
    impl std::hash::Hasher for Constant {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _: &[u8]) {}
    }

    fn shape(fields: &[&str]) -> Shape {
        let mut r = Recipient::default();
        for f in fields {
            r.fields.insert(f.to_string(), "x".into());
        }
        Shape::of(&r)
    }

    #[test]
    fn colliding_shapes_never_share_a_compiled_letter() {
        // 15.1: a row without `organisation` reused the letter compiled for a row with it.
        let mut cache: ShapeCache<&str, Collide> = ShapeCache::new(8);
        assert_eq!(*cache.get_or_insert(shape(&["organisation"]), || "with"), "with");
        assert_eq!(*cache.get_or_insert(shape(&["ward"]), || "without"), "without");
        assert_eq!(*cache.get_or_insert(shape(&["organisation"]), || "recompiled"), "with");
    }

    #[test]
    fn the_cache_holds_at_most_its_capacity_and_drops_the_least_recently_used() {
        // 15.9: 200k distinct shapes took 1.3 GB.
        let mut cache: ShapeCache<usize> = ShapeCache::new(4);
        for i in 0..1000 {
            let name = format!("f{i}");
            cache.get_or_insert(shape(&[&name]), || i);
            // Keep one shape in use throughout.
            cache.get_or_insert(shape(&["kept"]), || usize::MAX);
            assert!(cache.map.len() <= 4);
        }
        assert_eq!(*cache.get_or_insert(shape(&["kept"]), || 0), usize::MAX, "the used one stayed");
    }
}
