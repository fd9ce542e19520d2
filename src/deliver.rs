//! Delivering letters with the office's guarantees: one letter (with its review page)
//! or a bulk run of one letter per recipient, written to files or a stream and
//! recorded in the correspondence log.
//!
//! What holds, for the command line and for any program embedding the crate alike:
//!
//! * **the approval gate**: a bulk run refuses a letter that holds a block that may
//!   not go out ([`Error::Unapproved`]) unless its options allow it;
//! * **the stale gate**: a bulk run whose letter has out-of-date claims writes nothing
//!   ([`Error::Stale`]) unless its options allow it; [`stale_gate`] is the same check
//!   for any findings;
//! * **nothing is recorded as sent that was not written**: each letter is recorded
//!   pending before it is written, with a [`Proof`] of what this run will write, and
//!   confirmed once it is (a stream's once it is flushed; all-or-nothing output's once
//!   it is in place);
//! * **no partial output**: files are written to temporary files moved into place,
//!   registered for removal in the caller's [`Cleanup`] under one lock, so that a stop
//!   ([`Cleanup::stop`], from a signal handler the caller installs: the library installs
//!   none) waits for a file being written and leaves no temporary file;
//! * **a review page only beside its letter**: it is moved into place after the letter.

use crate::bulk::{BulkDrafter, letter_file_name, recipients};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::files::{AtomicFile, Staging, remove_stale_temps, write_atomic};
use crate::finding::{Finding, Severity};
use crate::library::{Library, text_hash};
use crate::log::{Batch, CorrespondenceLog, Proof, Sent, recipient_key};
use crate::render::{Draft, DraftRequest};
use crate::review::Review;
use crate::template::Format;
use jiff::civil::Date;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// How errors writing to a stream (standard output) name it.
///
/// ```
/// use replydraft::{Error, STREAM};
/// let closed = Error::Io { path: STREAM.into(), source: std::io::ErrorKind::BrokenPipe.into() };
/// assert!(closed.to_string().starts_with("stdout: "));
/// ```
pub const STREAM: &str = "stdout";

/// Letters recorded in the log per transaction.
const LOG_BATCH: usize = 8192;

/// Temporary files and staging directories to remove if a run is stopped, and whether
/// it has been. The caller owns it (a `static`, for a signal handler to reach): a stop
/// holds its lock while it removes what is registered, and a run holds it while it
/// writes one file or moves its output into place, so a stop never leaves a temporary
/// file or half of an all-or-nothing run. Once stopped, every file a run would begin
/// fails with [`Error::Interrupted`].
///
/// ```
/// use replydraft::Cleanup;
/// static CLEANUP: Cleanup = Cleanup::new();
/// // A signal handler would call: CLEANUP.stop(); std::process::exit(130);
/// assert!(!CLEANUP.is_stopped());
/// ```
#[derive(Debug, Default)]
pub struct Cleanup {
    paths: Mutex<Vec<PathBuf>>,
    stopped: AtomicBool,
}

impl Cleanup {
    /// Nothing registered, not stopped.
    pub const fn new() -> Cleanup {
        Cleanup { paths: Mutex::new(Vec::new()), stopped: AtomicBool::new(false) }
    }

    /// Stops the runs that use it: waits for a file being written to be whole, removes
    /// every registered temporary file and staging directory, and returns their paths.
    ///
    /// ```
    /// let cleanup = replydraft::Cleanup::new();
    /// assert!(cleanup.stop().is_empty());
    /// assert!(cleanup.is_stopped());
    /// ```
    pub fn stop(&self) -> Vec<PathBuf> {
        let mut list = self.held();
        self.stopped.store(true, Ordering::SeqCst);
        for p in list.iter() {
            let _ = if p.is_dir() { std::fs::remove_dir_all(p) } else { std::fs::remove_file(p) };
        }
        std::mem::take(&mut *list)
    }

    /// Whether [`Cleanup::stop`] has been called.
    ///
    /// ```
    /// assert!(!replydraft::Cleanup::default().is_stopped());
    /// ```
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// The list, held; an error once stopped.
    fn held(&self) -> MutexGuard<'_, Vec<PathBuf>> {
        self.paths.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn held_running(&self) -> Result<MutexGuard<'_, Vec<PathBuf>>> {
        let list = self.held();
        if self.is_stopped() { Err(Error::Interrupted) } else { Ok(list) }
    }

    /// Runs `f`, which writes one file (a temporary file moved into place), with the
    /// list held: a stop meanwhile waits until the file is whole.
    fn uninterrupted<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let _held = self.held_running()?;
        f()
    }

    /// Runs `f`, which moves the run's output into place, with the list held, and
    /// empties the list: what it held is in place or gone.
    fn finish<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let mut list = self.held_running()?;
        let done = f();
        list.clear();
        done
    }

    /// A file written through a temporary one, made and registered under the lock, so
    /// that a stop between the two cannot leave the temporary file.
    fn temp_file(&self, path: &Path, replace: bool) -> Result<AtomicFile> {
        let mut list = self.held_running()?;
        let file = AtomicFile::create(path, replace)?;
        list.extend(file.temp_path().map(PathBuf::from));
        Ok(file)
    }

    /// A staging directory in `dir`, made and registered under the lock.
    fn staging(&self, dir: &Path) -> Result<Staging> {
        let mut list = self.held_running()?;
        let staging = Staging::new(dir)?;
        list.push(staging.path().to_path_buf());
        Ok(staging)
    }
}

/// The stale gate: an error ([`Error::Stale`]) when any finding is an error (a claim
/// out of date at the letter's date).
///
/// ```
/// use replydraft::{Desk, DraftRequest, Library, parse_date, stale_gate};
/// let desk = Desk::new(Library::embedded()?);
/// let draft = desk.draft(&DraftRequest::new("care-funding", parse_date("2022-08-16")?))?;
/// assert!(stale_gate(&draft.findings).is_ok());
/// // The framework this letter says "will be developed" was published in December 2023.
/// let draft = desk.draft(&DraftRequest::new("care-review", parse_date("2026-11-22")?))?;
/// assert!(matches!(stale_gate(&draft.findings), Err(replydraft::Error::Stale { errors }) if errors > 0));
/// # Ok::<(), replydraft::Error>(())
/// ```
pub fn stale_gate(findings: &[Finding]) -> Result<()> {
    match findings.iter().filter(|f| f.severity == Severity::Error).count() {
        0 => Ok(()),
        errors => Err(Error::Stale { errors }),
    }
}

/// What a letter is written as: a [`Format`] of text, or a Word document or an email
/// message made from the plain-text draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LetterFormat {
    /// Plain text.
    #[default]
    Text,
    /// Markdown.
    Markdown,
    /// HTML, every value escaped.
    Html,
    /// The letter and its findings as JSON.
    Json,
    /// A Word document (feature `docx`).
    Docx,
    /// An RFC 5322 message to the recipient's address (feature `email`).
    Eml,
}

impl LetterFormat {
    /// The format the letter's text is drafted in.
    ///
    /// ```
    /// use replydraft::{Format, LetterFormat};
    /// assert_eq!(LetterFormat::Docx.format(), Format::Text);
    /// assert_eq!(LetterFormat::Html.format(), Format::Html);
    /// ```
    pub fn format(self) -> Format {
        match self {
            LetterFormat::Text | LetterFormat::Docx | LetterFormat::Eml => Format::Text,
            LetterFormat::Markdown => Format::Markdown,
            LetterFormat::Html => Format::Html,
            LetterFormat::Json => Format::Json,
        }
    }

    /// The file name extension of a letter in this format.
    ///
    /// ```
    /// assert_eq!(replydraft::LetterFormat::Markdown.extension(), "md");
    /// ```
    pub fn extension(self) -> &'static str {
        match self {
            LetterFormat::Text => "txt",
            LetterFormat::Markdown => "md",
            LetterFormat::Html => "html",
            LetterFormat::Json => "json",
            LetterFormat::Docx => "docx",
            LetterFormat::Eml => "eml",
        }
    }

    /// Whether letters are made one by one from a full draft (Word documents, messages),
    /// not merged as text.
    ///
    /// ```
    /// assert!(replydraft::LetterFormat::Eml.is_document());
    /// assert!(!replydraft::LetterFormat::Html.is_document());
    /// ```
    pub fn is_document(self) -> bool {
        matches!(self, LetterFormat::Docx | LetterFormat::Eml)
    }

    /// The letter for `request` in this format: its draft and the bytes to write.
    /// `from` is an email message's From address (default: the sender's).
    ///
    /// ```
    /// use replydraft::{Desk, DraftRequest, LetterFormat, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let request = DraftRequest::new("care-funding", parse_date("2022-08-16")?);
    /// let (draft, bytes) = LetterFormat::Text.letter(&desk, &request, None)?;
    /// assert_eq!(bytes, draft.text.as_bytes());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    #[cfg_attr(not(feature = "email"), allow(unused_variables))]
    pub fn letter(self, desk: &Desk, request: &DraftRequest, from: Option<&str>) -> Result<(Draft, Vec<u8>)> {
        Ok(match self {
            #[cfg(feature = "docx")]
            LetterFormat::Docx => {
                let draft = desk.draft(request)?;
                let bytes = desk.docx(&draft)?;
                (draft, bytes)
            }
            #[cfg(feature = "email")]
            LetterFormat::Eml => {
                let email = desk.email(request, from)?;
                (email.draft, email.message)
            }
            #[cfg(not(feature = "docx"))]
            LetterFormat::Docx => {
                return Err(Error::Unsupported { what: "Word documents need the crate's `docx` feature".into() });
            }
            #[cfg(not(feature = "email"))]
            LetterFormat::Eml => {
                return Err(Error::Unsupported { what: "email messages need the crate's `email` feature".into() });
            }
            LetterFormat::Json => {
                let draft = desk.draft(request)?;
                let bytes = draft.to_json().into_bytes();
                (draft, bytes)
            }
            LetterFormat::Text | LetterFormat::Markdown | LetterFormat::Html => {
                let draft = desk.draft(request)?;
                let bytes = draft.text.clone().into_bytes();
                (draft, bytes)
            }
        })
    }
}

/// The blocks of a letter as the log records them: each id with the hash of its text.
fn logged_blocks(library: &Library, ids: &[String]) -> Arc<[(String, String)]> {
    ids.iter().filter_map(|id| library.block(id).map(|b| (id.clone(), text_hash(&b.text)))).collect()
}

/// `path` made absolute, as the log records outputs (so that it can tell later whether
/// they exist).
fn absolute(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

/// Where and how one letter goes ([`Delivery::deliver`]).
///
/// ```
/// use replydraft::{Desk, Cleanup, Delivery, DraftRequest, LetterFormat, Library, parse_date};
/// let desk = Desk::new(Library::embedded()?);
/// let mut request = DraftRequest::new("care-funding", parse_date("2022-08-16")?);
/// request.recipient.name = Some("Ann O'Brien".into());
/// let mut out = Vec::new();
/// let draft = Delivery::new(LetterFormat::Text).deliver(&desk, &request, &mut out, &Cleanup::new())?;
/// assert_eq!(out, draft.text.as_bytes());
/// # Ok::<(), replydraft::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Delivery {
    /// What the letter is written as.
    pub format: LetterFormat,
    /// An email message's From address (default: the sender's).
    pub from: Option<String>,
    /// The file to write the letter to (default: the stream).
    pub out: Option<PathBuf>,
    /// A review page of the letter to write beside it.
    pub review: Option<PathBuf>,
    /// Whether files that exist may be replaced.
    pub replace: bool,
    /// The correspondence log to record the letter in.
    pub log: Option<PathBuf>,
}

impl Delivery {
    /// A letter in `format` to the stream, with no review page and no log.
    ///
    /// ```
    /// let delivery = replydraft::Delivery::new(replydraft::LetterFormat::Html);
    /// assert!(delivery.out.is_none() && delivery.log.is_none() && !delivery.replace);
    /// ```
    pub fn new(format: LetterFormat) -> Delivery {
        Delivery { format, ..Delivery::default() }
    }

    /// Drafts `request`, writes the letter (to [`Delivery::out`], or to `stream`) and
    /// its review page, and records it in the log; returns the draft. Everything is
    /// made before anything is written, the letter is recorded pending before it is
    /// written and confirmed after, and the review page is moved into place only
    /// after the letter: a failure leaves no file (but a letter that replaced one or
    /// went to the stream, which stays, and is logged).
    ///
    /// ```
    /// use replydraft::{Desk, Cleanup, Delivery, DraftRequest, LetterFormat, Library, parse_date};
    /// let dir = tempfile::tempdir().unwrap();
    /// let desk = Desk::new(Library::embedded()?);
    /// let request = DraftRequest::new("care-funding", parse_date("2022-08-16")?);
    /// let mut delivery = Delivery::new(LetterFormat::Text);
    /// delivery.out = Some(dir.path().join("letter.txt"));
    /// delivery.review = Some(dir.path().join("review.html"));
    /// delivery.log = Some(dir.path().join("office.db"));
    /// delivery.deliver(&desk, &request, &mut std::io::sink(), &Cleanup::new())?;
    /// assert!(dir.path().join("review.html").exists());
    /// assert_eq!(replydraft::CorrespondenceLog::open(&dir.path().join("office.db"))?.len()?, 1);
    /// // The letter exists now: it is not replaced unless asked.
    /// let again = delivery.deliver(&desk, &request, &mut std::io::sink(), &Cleanup::new());
    /// assert!(matches!(again, Err(replydraft::Error::Exists { .. })));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn deliver(
        &self,
        desk: &Desk,
        request: &DraftRequest,
        stream: &mut dyn Write,
        cleanup: &Cleanup,
    ) -> Result<Draft> {
        let (draft, bytes) = self.format.letter(desk, request, self.from.as_deref())?;
        let review = self.review.as_ref().map(|path| review_page(desk, request, &draft, path, self.replace, cleanup));
        let review = review.transpose()?;
        let mut logged = None;
        if let Some(path) = &self.log {
            let mut log = CorrespondenceLog::open(path)?;
            let ids: Vec<String> = draft.blocks.iter().filter(|b| b.parent.is_none()).map(|b| b.id.clone()).collect();
            let key = recipient_key(&request.recipient.normalized());
            let mut sent = Sent::new(key, &draft.topic, logged_blocks(desk.library(), &ids), draft.date);
            sent.output = self.out.as_deref().map(absolute);
            sent.findings = draft.findings.len();
            if let Some(path) = &self.out {
                sent.proof = Proof::file(path, &bytes);
            }
            let id = log.begin(&[sent])?;
            logged = Some((log, id));
        }
        let new = self.out.as_ref().is_some_and(|p| std::fs::symlink_metadata(p).is_err());
        let mut written = match &self.out {
            Some(path) => cleanup.uninterrupted(|| write_atomic(path, &bytes, self.replace)),
            None => stream
                .write_all(&bytes)
                .and_then(|()| stream.flush())
                .map_err(|e| Error::Io { path: STREAM.into(), source: e }),
        };
        let mut kept = written.is_ok();
        if let (Ok(()), Some(page)) = (&written, review) {
            written = cleanup.finish(|| page.commit());
            // No page: a letter new in its file goes too.
            if let (Err(_), Some(path), true) = (&written, &self.out, new) {
                kept = std::fs::remove_file(path).is_err();
            }
        }
        if let Some((mut log, id)) = logged {
            if kept { log.confirm(&id, &[])? } else { log.cancel(&id)? }
        }
        written?;
        Ok(draft)
    }
}

/// The review page of `draft` (re-drafted as plain text when it is another format),
/// written to a temporary file for `path`: in place once committed.
fn review_page(
    desk: &Desk,
    request: &DraftRequest,
    draft: &Draft,
    path: &Path,
    replace: bool,
    cleanup: &Cleanup,
) -> Result<AtomicFile> {
    let plain;
    let shown = if draft.format == Format::Text {
        draft
    } else {
        let mut r = request.clone();
        r.format = Format::Text;
        plain = desk.draft(&r)?;
        &plain
    };
    let mut page = cleanup.temp_file(path, replace)?;
    page.write_all(Review::of_draft(shown).to_html().as_bytes()).map_err(|e| Error::io(path.display(), e))?;
    Ok(page)
}

/// How a bulk run goes ([`BulkRun`]).
///
/// ```
/// let options = replydraft::BulkOptions::default();
/// assert!(!options.allow_unapproved && !options.allow_stale && options.log.is_none());
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BulkOptions {
    /// What the letters are written as (JSON lines come from [`BulkOutput::JsonLines`]
    /// or [`BulkOutput::Stream`], in the text format given here).
    pub format: LetterFormat,
    /// An email message's From address (default: the sender's).
    pub from: Option<String>,
    /// Whether files that exist may be replaced.
    pub replace: bool,
    /// Whether a bad row fails the whole run (leaving no output), instead of being
    /// skipped.
    pub strict: bool,
    /// Whether letters an interrupted run already wrote, with the same bytes, are kept
    /// (one file per letter).
    pub resume: bool,
    /// Whether letters with blocks that are not approved may go out.
    pub allow_unapproved: bool,
    /// Whether letters with out-of-date claims may go out.
    pub allow_stale: bool,
    /// The correspondence log to record each letter in.
    pub log: Option<PathBuf>,
    /// Whether recipients the log shows were sent a letter on the topic are skipped.
    pub skip_sent: bool,
    /// With `skip_sent`: only letters sent on or after this date count.
    pub sent_since: Option<Date>,
}

/// Where a bulk run's letters go.
///
/// ```
/// use replydraft::{Desk, BulkOptions, BulkOutput, BulkRun, Cleanup, DraftRequest, Library, parse_date};
/// let desk = Desk::new(Library::embedded()?);
/// let request = DraftRequest::new("care-funding", parse_date("2022-08-16")?);
/// let mut lines = Vec::new();
/// let mut run = BulkRun::new(&desk, &request, BulkOptions::default())?;
/// run.run("name\nAnn\n".as_bytes(), "-", BulkOutput::Stream(Box::new(&mut lines)), &Cleanup::new(), &mut |_| {})?;
/// assert!(String::from_utf8(lines).unwrap().starts_with(r#"{"row":1,"name":"Ann","#));
/// # Ok::<(), replydraft::Error>(())
/// ```
pub enum BulkOutput<'w> {
    /// JSON lines to a stream (standard output), flushed before its letters are
    /// recorded as sent.
    Stream(Box<dyn Write + 'w>),
    /// JSON lines to a file, written whole at the end.
    JsonLines(PathBuf),
    /// One file per letter in a directory (created if needed); with
    /// [`BulkOptions::strict`], staged and moved into place at the end.
    Dir(PathBuf),
}

/// What a bulk run reports as it goes.
///
/// ```
/// use replydraft::{Desk, BulkEvent, BulkOptions, BulkOutput, BulkRun, Cleanup, DraftRequest, Library, parse_date};
/// let desk = Desk::new(Library::embedded()?);
/// let request = DraftRequest::new("care-funding", parse_date("2022-08-16")?);
/// let mut run = BulkRun::new(&desk, &request, BulkOptions::default())?;
/// let mut bad = Vec::new();
/// let mut events = |e: BulkEvent<'_>| if let BulkEvent::Skipped(e) = e { bad.push(e.to_string()) };
/// let csv = "name,ward\nAnn,Abbey\nBo\n";
/// run.run(csv.as_bytes(), "r.csv", BulkOutput::Stream(Box::new(std::io::sink())), &Cleanup::new(), &mut events)?;
/// assert_eq!(bad, [r#"r.csv:3: row 2: 1 fields, the header has 2 (the line reads: "Bo")"#]);
/// # Ok::<(), replydraft::Error>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum BulkEvent<'a> {
    /// A temporary file a killed run left was removed.
    Removed(&'a Path),
    /// A bad row was skipped: why (an [`Error::Csv`] or [`Error::Row`]).
    Skipped(&'a Error),
    /// A recipient the log shows was sent a letter on the topic was skipped.
    AlreadySent {
        /// The CSV as named.
        file: &'a str,
        /// The row's line.
        line: u64,
        /// The data row.
        row: usize,
        /// The recipient's name or email.
        who: &'a str,
        /// The topic.
        topic: &'a str,
        /// When the earlier letter was sent.
        when: Date,
    },
    /// So many letters are written (now and then, not for every letter).
    Written(usize),
}

/// What a bulk run did.
///
/// ```
/// let summary = replydraft::BulkSummary::default();
/// assert_eq!((summary.written, summary.bad, summary.skipped), (0, 0, 0));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BulkSummary {
    /// Letters written.
    pub written: usize,
    /// Of them, letters an interrupted run had written already (kept as they were).
    pub resumed: usize,
    /// Bad rows skipped.
    pub bad: usize,
    /// Recipients skipped as sent already.
    pub skipped: usize,
    /// The letter's findings (the same for every recipient; recipient values appear
    /// as `{recipient.FIELD}`).
    pub findings: Vec<Finding>,
}

/// A bulk run: one letter per row of a CSV of recipients, with the approval and stale
/// gates, written to a [`BulkOutput`] and recorded in the correspondence log so that
/// nothing is recorded as sent that was not written (see the module's guarantees in
/// the book's "Using the crate").
///
/// ```
/// use replydraft::{Desk, BulkOptions, BulkOutput, BulkRun, Cleanup, DraftRequest, Library, parse_date};
/// let dir = tempfile::tempdir().unwrap();
/// let desk = Desk::new(Library::embedded()?);
/// let request = DraftRequest::new("care-funding", parse_date("2022-08-16")?);
/// let mut options = BulkOptions::default();
/// options.log = Some(dir.path().join("office.db"));
/// let mut run = BulkRun::new(&desk, &request, options)?;
/// let csv = "name,email\nAnn O'Brien,ann@example.org\nBo Li,bo@example.org\n";
/// let out = BulkOutput::Dir(dir.path().join("letters"));
/// let summary = run.run(csv.as_bytes(), "people.csv", out, &Cleanup::new(), &mut |_| {})?;
/// assert_eq!(summary.written, 2);
/// assert!(dir.path().join("letters/000001-ann-o-brien.txt").exists());
/// assert_eq!(replydraft::CorrespondenceLog::open(&dir.path().join("office.db"))?.len()?, 2);
/// # Ok::<(), replydraft::Error>(())
/// ```
pub struct BulkRun<'l> {
    desk: &'l Desk,
    request: DraftRequest,
    options: BulkOptions,
    drafter: BulkDrafter<'l>,
}

impl<'l> BulkRun<'l> {
    /// A run of `request`'s letter (its recipient is ignored: each row gives one). The
    /// approval gate is here, before anything is read or written: a letter with blocks
    /// that may not go out is [`Error::Unapproved`] unless `options.allow_unapproved`.
    /// The letters are drafted in `options.format`, whatever `request.format` says.
    ///
    /// ```
    /// use replydraft::{Desk, BulkOptions, BulkRun, DraftRequest, LetterFormat, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let request = DraftRequest::new("care-funding", parse_date("2022-08-16")?);
    /// let mut options = BulkOptions::default();
    /// options.format = LetterFormat::Json;
    /// assert!(BulkRun::new(&desk, &request, options).is_err(), "JSON comes as JSON lines");
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn new(desk: &'l Desk, request: &DraftRequest, options: BulkOptions) -> Result<BulkRun<'l>> {
        if options.format == LetterFormat::Json {
            return Err(Error::Unsupported { what: "bulk writes text, markdown, html, docx or eml letters".into() });
        }
        let unapproved = desk.unapproved(request)?;
        if !unapproved.is_empty() && !options.allow_unapproved {
            let blocks = unapproved.into_iter().map(|(id, state)| (id, state.to_string())).collect();
            return Err(Error::Unapproved { blocks });
        }
        let mut request = request.clone();
        request.format = options.format.format();
        let drafter = desk.bulk(&request)?;
        Ok(BulkRun { desk, request, options, drafter })
    }

    /// The letter's findings, once a row has been rendered (after [`Error::Stale`] too).
    ///
    /// ```
    /// use replydraft::{Desk, BulkOptions, BulkRun, DraftRequest, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let run = BulkRun::new(&desk, &DraftRequest::new("care-funding", parse_date("2022-08-16")?), BulkOptions::default())?;
    /// assert!(run.findings().is_empty(), "nothing rendered yet");
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn findings(&self) -> &[Finding] {
        self.drafter.findings().unwrap_or_default()
    }

    /// Writes one letter per row of the CSV `input` (named `source` in messages) to
    /// `output`, reporting as it goes to `events`. The stale gate is here: when the
    /// first letter has out-of-date claims, nothing is written and the run is
    /// [`Error::Stale`] (unless `allow_stale`). A bad row is skipped (with `strict`,
    /// it ends the run with no output kept); output that cannot be written ends it.
    /// A stopped `cleanup` ends it with [`Error::Interrupted`].
    ///
    /// ```
    /// use replydraft::{Desk, BulkOptions, BulkOutput, BulkRun, Cleanup, DraftRequest, Error, Library, parse_date};
    /// let dir = tempfile::tempdir().unwrap();
    /// let desk = Desk::new(Library::embedded()?);
    /// let request = DraftRequest::new("care-funding", parse_date("2022-08-16")?);
    /// let mut options = BulkOptions::default();
    /// options.strict = true;
    /// let mut run = BulkRun::new(&desk, &request, options)?;
    /// let out = BulkOutput::Dir(dir.path().join("out"));
    /// let failed = run.run("name\nAnn\n,\n".as_bytes(), "r.csv", out, &Cleanup::new(), &mut |_| {});
    /// assert!(matches!(failed, Err(Error::Csv { row: Some(2), .. })));
    /// // Strict: not even Ann's letter is left.
    /// assert_eq!(std::fs::read_dir(dir.path().join("out")).unwrap().count(), 0);
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn run(
        &mut self,
        input: impl Read,
        source: &str,
        output: BulkOutput<'_>,
        cleanup: &Cleanup,
        events: &mut dyn FnMut(BulkEvent<'_>),
    ) -> Result<BulkSummary> {
        let options = &self.options;
        let (desk, request, format) = (self.desk, &self.request, options.format);
        let document = format.is_document();
        if document && !matches!(output, BulkOutput::Dir(_)) {
            return Err(Error::Unsupported {
                what: format!("{} letters are written one file per letter", format.extension()),
            });
        }
        let ext = format.extension();
        let mut sweep = |dir: &Path| {
            for p in remove_stale_temps(dir) {
                events(BulkEvent::Removed(&p));
            }
        };
        // The output first (an unwritable target fails before any input is read), then the CSV header.
        let sink = match output {
            BulkOutput::Stream(w) => Sink::Stream(std::io::BufWriter::with_capacity(1 << 20, w)),
            BulkOutput::JsonLines(path) => {
                sweep(parent_dir(&path));
                Sink::Jsonl(cleanup.temp_file(&path, options.replace)?, path)
            }
            BulkOutput::Dir(dir) => {
                std::fs::create_dir_all(&dir).map_err(|e| Error::io(dir.display(), e))?;
                sweep(&dir);
                let staging = if options.strict { Some(cleanup.staging(&dir)?) } else { None };
                Sink::Dir(dir, staging)
            }
        };
        let rows = recipients(std::io::BufReader::with_capacity(1 << 16, input), source)?;
        let mut run = Run::default();
        // The correspondence log: who was sent a letter on the topic already (skip_sent),
        // and each letter recorded pending before it is written, confirmed after.
        let mut log = options.log.as_deref().map(CorrespondenceLog::open).transpose()?;
        run.sent = match (&log, options.skip_sent) {
            (Some(log), true) => log.sent_on(&request.topic, options.sent_since)?,
            (None, true) => {
                return Err(Error::Unsupported { what: "skipping recipients sent a letter needs the log".into() });
            }
            _ => Default::default(),
        };
        let logged =
            logged_blocks(desk.library(), &if log.is_some() { desk.resolve_blocks(request)? } else { Vec::new() });
        let mut batch: Vec<Queued> = Vec::new();
        let mut records: Vec<Sent> = Vec::new();
        // Letters of JSON lines, strict runs or a stream are recorded on a thread of
        // their own, beside the drafting; each letter of a file per letter is recorded
        // before its file is written, on this thread.
        let mut recorder = match log.take() {
            Some(l) if !matches!(sink, Sink::Dir(_, None)) => {
                let name = options.log.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
                Recorder::start(l, !matches!(sink, Sink::Stream(_)), name)
            }
            other => {
                log = other;
                Recorder::none()
            }
        };
        // Where JSON lines go (one file for every letter; none for a stream), and what
        // will show that this run wrote them: its temporary file, moved into place.
        let single_output = match &sink {
            Sink::Jsonl(_, path) => Some(absolute(path)),
            _ => None,
        };
        let renamed = match &sink {
            Sink::Jsonl(f, _) => f.temp_path().map(Proof::renamed).unwrap_or_default(),
            _ => Proof::default(),
        };
        let mut out = Out { sink, cleanup, options, source, events };
        let mut buf = String::with_capacity(8192);
        let mut bytes: Vec<u8> = Vec::new();
        for (row, line, recipient) in rows {
            buf.clear();
            let recipient = recipient.and_then(|r| {
                match &out.sink {
                    Sink::Stream(_) | Sink::Jsonl(..) => self.drafter.json_line_into(row, &r, &mut buf)?,
                    Sink::Dir(..) if document => {
                        let mut one = request.clone();
                        one.recipient = r.clone();
                        bytes = format.letter(desk, &one, options.from.as_deref())?.1;
                        // The first letter also gives the run's findings (as text letters do).
                        if self.drafter.findings().is_none() {
                            self.drafter.render_into(&r, &mut buf)?;
                        }
                    }
                    Sink::Dir(..) => self.drafter.render_into(&r, &mut buf)?,
                }
                Ok(r)
            });
            // Claims do not depend on the recipient: the first letter rendered tells
            // whether every letter is stale, and then nothing is written.
            if !options.allow_stale && run.written == 0 && run.resumed == 0 {
                if let Some(findings) = self.drafter.findings() {
                    stale_gate(findings)?;
                }
            }
            let r = match recipient {
                Ok(r) => r,
                Err(e) => {
                    run.settle(Err(e), &mut out, row, line)?;
                    continue;
                }
            };
            let r = r.normalized();
            let key = recipient_key(&r);
            // Someone whose letter is queued, not yet written: write it first, to know.
            if let (Some(log), Some(k)) = (&mut log, key.as_ref().filter(|_| options.skip_sent)) {
                if run.queued.contains(k) {
                    run.flush(log, &mut batch, &mut out)?;
                }
            }
            if let Some(when) = key.as_ref().filter(|_| options.skip_sent).and_then(|k| run.sent.get(k)) {
                run.skipped += 1;
                let who = r.name.as_deref().or(r.email.as_deref()).unwrap_or("this recipient");
                (out.events)(BulkEvent::AlreadySent {
                    file: source,
                    line,
                    row,
                    who,
                    topic: &request.topic,
                    when: *when,
                });
                continue;
            }
            let name = letter_file_name(row, r.name.as_deref(), ext);
            let payload: &[u8] = if document { &bytes } else { buf.as_bytes() };
            let findings = self.drafter.findings().map_or(0, <[_]>::len);
            let sent = |sink: &Sink<'_>| {
                let mut sent = Sent::new(key.clone(), &request.topic, logged.clone(), request.date);
                sent.output = sink.recorded_output(&single_output, &name);
                sent.findings = findings;
                sent.proof = sink.proof(&name, payload, &renamed);
                sent
            };
            match (&mut log, recorder.tx.is_some()) {
                // A file per letter: recorded pending before it is written (see `Run::flush`).
                (Some(log), _) => {
                    let sent = sent(&out.sink);
                    if let Some(k) = key.clone().filter(|_| options.skip_sent) {
                        run.queued.insert(k);
                    }
                    batch.push(Queued { row, line, name, payload: payload.to_vec(), sent });
                    if batch.len() >= LOG_BATCH {
                        run.flush(log, &mut batch, &mut out)?;
                    }
                }
                // Output that appears only at the end (JSON lines, strict), or a stream:
                // written now, recorded in batches on the recorder's thread (pending,
                // confirmed once the output is in place; a stream's once flushed).
                (None, true) => {
                    let written = run.written;
                    let outcome = out.write(&name, payload, &mut run.resumed);
                    run.settle(outcome, &mut out, row, line)?;
                    if run.written > written {
                        records.push(sent(&out.sink));
                        if records.len() >= LOG_BATCH {
                            out.sink.flush_stream()?;
                            recorder.send(std::mem::take(&mut records))?;
                        }
                        if let Some(k) = key.clone().filter(|_| options.skip_sent) {
                            run.sent.insert(k, request.date);
                        }
                    }
                }
                (None, false) => {
                    let outcome = out.write(&name, payload, &mut run.resumed);
                    run.settle(outcome, &mut out, row, line)?;
                }
            }
            if run.written % 4096 == 0 {
                (out.events)(BulkEvent::Written(run.written));
            }
        }
        if let Some(log) = &mut log {
            run.flush(log, &mut batch, &mut out)?;
        }
        out.sink.flush_stream()?;
        recorder.send(std::mem::take(&mut records))?;
        let (recorded, to_confirm) = recorder.finish()?;
        if let Some(l) = recorded {
            log = Some(l);
        }
        run.confirm_at_end.extend(to_confirm);
        let replace = options.replace;
        cleanup.finish(|| match out.sink {
            Sink::Stream(mut w) => w.flush().map_err(|e| Error::Io { path: STREAM.into(), source: e }),
            Sink::Jsonl(f, _) => f.commit(),
            Sink::Dir(_, Some(staging)) => staging.commit(replace),
            Sink::Dir(_, None) => Ok(()),
        })?;
        // All-or-nothing output is in place: its letters are sent.
        if let Some(log) = &mut log {
            for batch in &run.confirm_at_end {
                log.confirm(batch, &[])?;
            }
        }
        Ok(BulkSummary {
            written: run.written,
            resumed: run.resumed,
            bad: run.bad,
            skipped: run.skipped,
            findings: self.findings().to_vec(),
        })
    }
}

/// The directory a file is written in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Where bulk letters go.
enum Sink<'w> {
    /// JSON lines to a stream.
    Stream(std::io::BufWriter<Box<dyn Write + 'w>>),
    /// JSON lines to a file, moved into place at the end.
    Jsonl(AtomicFile, PathBuf),
    /// One file per letter in a directory; with `strict`, staged first.
    Dir(PathBuf, Option<Staging>),
}

impl Sink<'_> {
    /// Writes out the stream's buffer: its letters are sent only once this succeeds.
    fn flush_stream(&mut self) -> Result<()> {
        match self {
            Sink::Stream(w) => w.flush().map_err(|e| Error::Io { path: STREAM.into(), source: e }),
            _ => Ok(()),
        }
    }

    /// Where the letter `name` is recorded as written: its own file (absolute), or the
    /// run's one output (`single`, made absolute once, not per letter).
    fn recorded_output(&self, single: &Option<String>, name: &str) -> Option<String> {
        match self {
            Sink::Dir(dir, _) => Some(absolute(&dir.join(name))),
            _ => single.clone(),
        }
    }

    /// What will show that this run wrote the letter `name` with `payload` (`renamed`:
    /// the proof for JSON lines, the same for every letter).
    fn proof(&self, name: &str, payload: &[u8], renamed: &Proof) -> Proof {
        match self {
            Sink::Dir(dir, _) => Proof::file(&dir.join(name), payload),
            _ => renamed.clone(),
        }
    }
}

/// The output side of a run: the sink, and what writing and reporting need.
struct Out<'r, 'w> {
    sink: Sink<'w>,
    cleanup: &'r Cleanup,
    options: &'r BulkOptions,
    source: &'r str,
    events: &'r mut dyn FnMut(BulkEvent<'_>),
}

impl Out<'_, '_> {
    /// Writes one letter; `resumed` counts letters an earlier run wrote.
    fn write(&mut self, name: &str, payload: &[u8], resumed: &mut usize) -> Result<()> {
        let (cleanup, options) = (self.cleanup, self.options);
        match &mut self.sink {
            Sink::Stream(w) => w.write_all(payload).map_err(|e| Error::Io { path: STREAM.into(), source: e }),
            Sink::Jsonl(f, path) => f.write_all(payload).map_err(|e| Error::io(path.display(), e)),
            Sink::Dir(_, Some(staging)) => cleanup.uninterrupted(|| staging.write(name, payload)),
            Sink::Dir(dir, None) => {
                let path = dir.join(name);
                if options.resume && !options.replace {
                    if let Ok(old) = std::fs::read(&path) {
                        if old == payload {
                            *resumed += 1;
                            return Ok(());
                        }
                        return Err(Error::Differs { path: path.display().to_string() });
                    }
                }
                cleanup.uninterrupted(|| write_atomic(&path, payload, options.replace))
            }
        }
    }
}

/// What the recorder's thread hands back: the log, and the batches it recorded pending.
type Recorded = (CorrespondenceLog, Vec<Batch>);

/// The recorder's thread: records batches of letters, pending (`pending`) or sent,
/// and hands back the log and the ids to confirm.
struct Recorder {
    tx: Option<std::sync::mpsc::SyncSender<Vec<Sent>>>,
    handle: Option<std::thread::JoinHandle<Result<Recorded>>>,
    /// The log's file, for an error if the thread stops.
    path: String,
}

impl Recorder {
    fn none() -> Recorder {
        Recorder { tx: None, handle: None, path: String::new() }
    }

    fn start(mut log: CorrespondenceLog, pending: bool, path: String) -> Recorder {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Sent>>(4);
        let handle = std::thread::spawn(move || {
            let mut ids = Vec::new();
            for batch in rx {
                if pending {
                    ids.push(log.begin(&batch)?);
                } else {
                    log.record(&batch)?;
                }
            }
            Ok((log, ids))
        });
        Recorder { tx: Some(tx), handle: Some(handle), path }
    }

    /// Hands a batch to the thread; if the thread has stopped, its error.
    fn send(&mut self, batch: Vec<Sent>) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        match &self.tx {
            Some(tx) if tx.send(batch).is_ok() => Ok(()),
            Some(_) => self.finish().map(|_| ()),
            None => Ok(()),
        }
    }

    /// Waits for the thread (it records what it was handed): the log back, and the ids
    /// recorded pending.
    fn finish(&mut self) -> Result<(Option<CorrespondenceLog>, Vec<Batch>)> {
        self.tx = None;
        match self.handle.take() {
            Some(h) => {
                let stopped = || Error::Log { path: self.path.clone(), problem: "the log's writer stopped".into() };
                let (log, ids) = h.join().map_err(|_| stopped())??;
                Ok((Some(log), ids))
            }
            None => Ok((None, Vec::new())),
        }
    }
}

impl Drop for Recorder {
    /// A run that ends early still records the letters it handed over (written ones).
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// A rendered letter waiting to be recorded and written.
struct Queued {
    row: usize,
    line: u64,
    name: String,
    payload: Vec<u8>,
    sent: Sent,
}

/// What a bulk run has done so far.
#[derive(Default)]
struct Run {
    written: usize,
    resumed: usize,
    bad: usize,
    skipped: usize,
    /// Logged letters of all-or-nothing output, confirmed once it is in place.
    confirm_at_end: Vec<Batch>,
    /// With skip_sent: who was sent a letter on the topic (by the log, or written by
    /// this run), and when.
    sent: HashMap<String, Date>,
    /// With skip_sent: who has a letter queued, not yet written.
    queued: HashSet<String>,
}

impl Run {
    /// Counts one row's outcome: an error that is the output's ends the run, a bad
    /// row is reported and skipped (when strict, it ends the run).
    fn settle(&mut self, outcome: Result<()>, out: &mut Out<'_, '_>, row: usize, line: u64) -> Result<()> {
        match outcome {
            Ok(()) => self.written += 1,
            // Output that cannot be written at all (a full disk, a closed pipe), or a stop, ends the run.
            Err(e @ (Error::Io { .. } | Error::Interrupted)) => return Err(e),
            Err(e) => {
                let e = match e {
                    e @ (Error::Csv { row: Some(_), .. } | Error::Row { .. }) => e,
                    e => Error::Row { file: out.source.to_string(), line, row, error: Box::new(e) },
                };
                // Dropping the sink removes the staging directory or temporary file.
                if out.options.strict {
                    return Err(e);
                }
                self.bad += 1;
                (out.events)(BulkEvent::Skipped(&e));
            }
        }
        Ok(())
    }

    /// Records the queued letters pending, writes them, and confirms those written
    /// and takes out the rest.
    fn flush(&mut self, log: &mut CorrespondenceLog, batch: &mut Vec<Queued>, out: &mut Out<'_, '_>) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let sent: Vec<Sent> = batch.iter().map(|q| q.sent.clone()).collect();
        let recorded = log.begin(&sent)?;
        self.queued.clear();
        let mut failed = Vec::new();
        for (q, id) in batch.drain(..).zip(recorded.letters.iter().copied()) {
            let (written, resumed) = (self.written, self.resumed);
            let outcome = out.write(&q.name, &q.payload, &mut self.resumed);
            let settled = self.settle(outcome, out, q.row, q.line);
            // Not written, or already there from the interrupted run (whose log settled it).
            if self.written == written || self.resumed > resumed {
                failed.push(id);
            } else if out.options.skip_sent && !q.sent.recipient.is_empty() {
                self.sent.insert(q.sent.recipient, q.sent.date);
            }
            // A run ended by its output leaves the batch pending: the next open of the
            // log keeps the letters whose files exist.
            settled?;
        }
        log.confirm(&recorded, &failed)
    }
}
