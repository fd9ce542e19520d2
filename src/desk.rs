//! The desk: what an office does with its library (draft, check, suggest, reply, bulk,
//! the approval gate, Word and email outputs), and the indexes those operations
//! build from it. A [`Library`] is data (blocks, topics, senders, layouts, facts, and
//! their lookups); a [`Desk`] is made from one and is where every operation is
//! called. The work itself is done in the modules below (`render`, `check`,
//! `matching`, `suggest`, `reply`, `claims`, `bulk`, `docx`, `email`), each given the
//! library, and the index it needs, as arguments: none of them knows the desk.

use crate::bulk::BulkDrafter;
use crate::check::{CheckOptions, FileReport};
use crate::claims::Validation;
#[cfg(feature = "email")]
use crate::email::Email;
use crate::error::Result;
use crate::library::{Approval, Library};
use crate::matching::{BlockIndex, BlockMatch, Matcher};
use crate::render::{Draft, DraftRequest};
use crate::reply::{Incoming, TopicChoice};
use crate::suggest::{Suggestion, TopicTerms};
use jiff::civil::Date;
use std::sync::OnceLock;

/// A library put to work: every operation on letters, with the indexes they build from
/// the library (the matching index, the topic terms `suggest` ranks by), each built
/// once, on first need. It is `Send + Sync`: share one desk (by reference, or in an
/// `Arc`) so that its indexes are built once.
///
/// ```
/// use replydraft::{CheckOptions, Desk, DraftRequest, Library, parse_date};
/// let desk = Desk::new(Library::embedded()?);
/// let draft = desk.draft(&DraftRequest::new("care-funding", parse_date("2026-11-23")?))?;
/// let report = desk.check("reply.txt", &draft.text, &CheckOptions::new(parse_date("2026-11-23")?));
/// assert!(report.paragraphs.iter().any(|p| p.block.is_some()));
/// assert!(desk.library().topic("care-funding").is_some());
/// # Ok::<(), replydraft::Error>(())
/// ```
pub struct Desk {
    library: Library,
    /// The matching index (`check`, `best_blocks`), built from the fifth letter on.
    matcher: Matcher,
    /// Every latest topic's terms (`suggest`, `reply_topic`), built on first use.
    topic_terms: OnceLock<TopicTerms>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk").field("library", &self.library).finish_non_exhaustive()
    }
}

impl Desk {
    /// A desk for `library`. Nothing is built yet: each index is built when an
    /// operation first needs it.
    ///
    /// ```
    /// let desk = replydraft::Desk::new(replydraft::Library::embedded()?);
    /// assert!(!desk.library().blocks().is_empty());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn new(library: Library) -> Desk {
        Desk { library, matcher: Matcher::default(), topic_terms: OnceLock::new() }
    }

    /// The library this desk works from (its blocks, topics, senders, facts).
    ///
    /// ```
    /// let desk = replydraft::Desk::new(replydraft::Library::embedded()?);
    /// assert!(desk.library().block("nib-proposals").is_some());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Renders a draft and evaluates its claims at the request's date, with the topic
    /// edition in force then.
    ///
    /// ```
    /// use replydraft::{Desk, DraftRequest, Library, Severity, parse_date};
    /// let desk = Desk::new(Library::embedded().unwrap());
    /// let mut request = DraftRequest::new("care-funding", parse_date("2026-11-23").unwrap());
    /// request.recipient.name = Some("Sam Smith".into());
    /// let draft = desk.draft(&request).unwrap();
    /// assert!(draft.text.contains("Dear Sam Smith,") && draft.text.contains("LEE BARRON MP"));
    /// assert!(draft.findings.iter().all(|f| f.severity < Severity::Error));
    /// ```
    pub fn draft(&self, request: &DraftRequest) -> Result<Draft> {
        crate::render::draft(&self.library, request)
    }

    /// The block ids a request puts in its letter, in order.
    ///
    /// ```
    /// use replydraft::{Desk, DraftRequest, Library, parse_date};
    /// let desk = Desk::new(Library::embedded().unwrap());
    /// let mut r = DraftRequest::new("care-review", parse_date("2022-07-01").unwrap());
    /// r.include.push("closing-once-again-write".into());
    /// let ids = desk.resolve_blocks(&r).unwrap();
    /// assert_eq!(ids.last().map(String::as_str), Some("closing-once-again-write"));
    /// assert!(!ids.iter().any(|i| i == "calcot-investigation"));
    /// ```
    pub fn resolve_blocks(&self, request: &DraftRequest) -> Result<Vec<String>> {
        crate::render::resolve_blocks(&self.library, request)
    }

    /// The blocks a request's letter would hold that may not go out ([`Approval::usable`]
    /// is false: drafts, texts changed since approval, retired blocks), blocks they
    /// include too, each with its state. `bulk` refuses a letter with any.
    ///
    /// ```
    /// use replydraft::{Desk, DraftRequest, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let request = DraftRequest::new("care-funding", parse_date("2026-11-23")?);
    /// assert!(desk.unapproved(&request)?.is_empty());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn unapproved(&self, request: &DraftRequest) -> Result<Vec<(String, Approval)>> {
        crate::render::unapproved(&self.library, request)
    }

    /// A bulk drafter for `request` (its recipient is ignored: each row gives one).
    ///
    /// ```
    /// use replydraft::{Desk, DraftRequest, Library, Recipient, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let mut bulk = desk.bulk(&DraftRequest::new("care-funding", parse_date("2022-08-16")?))?;
    /// let mut letter = String::new();
    /// bulk.render_into(&Recipient::default(), &mut letter)?;
    /// assert!(letter.contains("Dear Constituent,"));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn bulk(&self, request: &DraftRequest) -> Result<BulkDrafter<'_>> {
        BulkDrafter::new(&self.library, request)
    }

    /// A Word document (the bytes of a `.docx` file) of a plain-text draft, in the
    /// library's [`DocumentStyle`](crate::DocumentStyle). Drafts in other formats are
    /// refused: draft with [`Format::Text`](crate::Format::Text) (the findings and block
    /// spans are the same).
    ///
    /// ```
    /// use replydraft::{Desk, DraftRequest, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let mut request = DraftRequest::new("care-funding", parse_date("2026-11-23")?);
    /// request.recipient.name = Some("Sam <Smith> & Co".into());
    /// let draft = desk.draft(&request)?;
    /// let bytes = desk.docx(&draft)?;
    /// assert!(bytes.starts_with(b"PK")); // a ZIP archive, as every .docx is
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    #[cfg(feature = "docx")]
    pub fn docx(&self, draft: &Draft) -> Result<Vec<u8>> {
        crate::docx::docx(&self.library, draft)
    }

    /// Drafts `request` as an email: the `email` layout (or the request's own) in plain
    /// text and HTML, `To:` the recipient's email, `From:` `from` or else the sender's
    /// `email`, `Subject:` the request's subject or else the topic's title.
    ///
    /// A recipient without a valid email, or no valid sender address, is an error.
    ///
    /// ```
    /// use replydraft::{Desk, DraftRequest, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let mut request = DraftRequest::new("care-funding", parse_date("2026-11-23")?);
    /// request.recipient.name = Some("Ann O'Brien".into());
    /// request.recipient.email = Some("ann@example.org".into());
    /// let email = desk.email(&request, Some("office@example.org"))?;
    /// let message = String::from_utf8(email.message).unwrap();
    /// assert!(message.contains("To: \"Ann O'Brien\" <ann@example.org>\r\n"));
    /// assert!(message.contains("multipart/alternative"));
    ///
    /// request.recipient.email = None;
    /// assert!(desk.email(&request, Some("office@example.org")).is_err());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    #[cfg(feature = "email")]
    pub fn email(&self, request: &DraftRequest, from: Option<&str>) -> Result<Email> {
        crate::email::email(&self.library, request, from)
    }

    /// Checks one letter, which need not have been written with this tool: its
    /// paragraphs matched to blocks, the matched blocks' claims mapped onto it, and the
    /// rest scanned for time-bound language. `path` is what the report names the letter
    /// by: empty for a letter that has no file name (text from a form or a mailbox).
    /// Letters checked together make one [`CheckReport`](crate::CheckReport) with
    /// [`CheckReport::new`](crate::CheckReport::new).
    ///
    /// ```
    /// use replydraft::{CheckOptions, Desk, Library, Severity, parse_date};
    /// let desk = Desk::new(Library::embedded().unwrap());
    /// let options = CheckOptions::new(parse_date("2026-11-22").unwrap());
    /// let letter = "1 March 2023\n\nDear Sam,\n\nWe will publish the strategy by the end of 2023.\n";
    /// let report = desk.check("letter.txt", letter, &options);
    /// assert_eq!(report.path, "letter.txt");
    /// let f = report.findings.iter().find(|f| f.kind == "deadline").unwrap();
    /// assert_eq!(&letter[f.start..f.end], "by the end of 2023");
    /// assert_eq!(f.since, Some(parse_date("2024-01-01").unwrap()));
    ///
    /// // Text without a file name.
    /// let report = desk.check("", "We will publish the strategy by the end of 2023.", &options);
    /// assert!(report.findings.iter().any(|f| f.severity == Severity::Error));
    /// assert_eq!(report.path, "");
    /// ```
    pub fn check(&self, path: &str, text: &str, options: &CheckOptions) -> FileReport {
        crate::check::check(&self.library, &self.matcher, path, text, options)
    }

    /// Checks the library's health at `date`: every claim out of date, blocks due for
    /// review, retired or draft blocks, and senders out of office. (Dangling ids and
    /// quotes missing from their blocks are already load errors.) An office can fail
    /// its `cargo test` the day a claim expires:
    ///
    /// ```
    /// let desk = replydraft::Desk::new(replydraft::Library::embedded().unwrap());
    /// let written = replydraft::parse_date("2021-02-24").unwrap();
    /// assert_eq!(desk.validate(written).errors(), 0);
    /// let later = desk.validate(replydraft::parse_date("2026-11-22").unwrap());
    /// assert!(!later.is_clean());
    /// assert!(later.blocks.iter().any(|b| b.block == "family-hubs"));
    /// ```
    pub fn validate(&self, date: Date) -> Validation {
        crate::claims::validate(&self.library, date)
    }

    /// The topics that fit `message`, best first; empty when none does (a message
    /// must name a subject of some topic; see [`Suggestion`]).
    ///
    /// ```
    /// let desk = replydraft::Desk::new(replydraft::Library::embedded().unwrap());
    /// let s = desk.suggest("I am worried about funding for secure children's homes and unregulated provision.");
    /// assert_eq!(s[0].topic, "care-funding");
    /// assert!(desk.suggest("The potholes on our road need fixing before someone is hurt.").is_empty());
    /// ```
    pub fn suggest(&self, message: &str) -> Vec<Suggestion> {
        let terms = self.topic_terms.get_or_init(|| TopicTerms::build(&self.library));
        crate::suggest::suggest(&self.library, terms, message)
    }

    /// The topic to reply to `incoming` on: the suggestion for its subject and text
    /// whose score is at least the rules' `lead` (1.2) times the next one's.
    ///
    /// ```
    /// use replydraft::{Desk, Incoming, Library, TopicChoice};
    /// let desk = Desk::new(Library::embedded()?);
    /// let letter = b"Dear Sir,\n\nI have fostered for ten years. What has come of the big review that promised better support for foster families?\n";
    /// let incoming = Incoming::read("in.txt", letter)?;
    /// assert_eq!(desk.reply_topic(&incoming), TopicChoice::Chosen("care-review".into()));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn reply_topic(&self, incoming: &Incoming) -> TopicChoice {
        crate::reply::reply_topic(incoming, |message| self.suggest(message))
    }

    /// The request that drafts a reply to `incoming` on `topic`, dated `date`: the
    /// writer as recipient, and the email's subject as the reply's.
    ///
    /// ```
    /// use replydraft::{Desk, Incoming, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let mail = b"From: Ann Lee <ann@example.org>\r\nSubject: Re: Care funding\r\n\r\nDear Sir,\r\n\r\nWhere is the money?\r\n";
    /// let incoming = Incoming::read("in.eml", mail)?;
    /// let request = desk.reply_request(&incoming, "care-funding", parse_date("2026-11-23")?)?;
    /// assert_eq!(request.subject.as_deref(), Some("Care funding"));
    /// let draft = desk.draft(&request)?;
    /// assert!(draft.text.contains("Dear Ann Lee,") && draft.text.contains("RE: Care funding"));
    /// assert!(desk.reply_request(&incoming, "no-such-topic", parse_date("2026-11-23")?).is_err());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn reply_request(&self, incoming: &Incoming, topic: &str, date: Date) -> Result<DraftRequest> {
        crate::reply::reply_request(&self.library, incoming, topic, date)
    }

    /// The matching index of the library (built once, on first use).
    ///
    /// ```
    /// let desk = replydraft::Desk::new(replydraft::Library::embedded()?);
    /// let index = desk.index();
    /// assert!(!index.is_empty());
    /// let block = &desk.library().block("nib-proposals").unwrap().text;
    /// assert_eq!(index.best(desk.library(), block, 0.6).unwrap().block, "nib-proposals");
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn index(&self) -> &BlockIndex {
        self.matcher.index(&self.library)
    }

    /// The best block for each of `paragraphs` (each at least `threshold` similar), as
    /// [`BlockIndex::best`] finds it. The first few calls on a desk compare the
    /// paragraphs with every block without building the index (one `check` of one
    /// letter does not pay for an index of the whole library); later ones build it once
    /// and use it. The answers are the same either way.
    ///
    /// ```
    /// let desk = replydraft::Desk::new(replydraft::Library::embedded().unwrap());
    /// let block = &desk.library().block("nib-proposals").unwrap().text;
    /// let found = desk.best_blocks(&[block.as_str(), "Nothing like any block at all here."], 0.6);
    /// assert_eq!(found[0].as_ref().unwrap().block, "nib-proposals");
    /// assert!(found[1].is_none());
    /// ```
    pub fn best_blocks(&self, paragraphs: &[&str], threshold: f32) -> Vec<Option<BlockMatch>> {
        self.matcher.best_blocks(&self.library, paragraphs, threshold)
    }
}
