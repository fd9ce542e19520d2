//! # replydraft
//!
//! Drafts replies to constituents from a library of reusable paragraphs ("standard
//! lines"), and tells the caseworker which sentences are no longer true.
//!
//! * A [`Library`] holds [`Block`]s (paragraphs, handlebars templates), [`Topic`]s
//!   (ordered blocks), [`Sender`]s, layouts and the [`Facts`] base. The default
//!   library, taken from five real letters, is compiled in: [`Library::embedded`].
//!   A library is data: loaded, validated and looked up.
//! * A [`Desk`], made from a library, does the work: [`Desk::draft`] turns a
//!   [`DraftRequest`] into a [`Draft`] (the letter, the byte span of every block in
//!   it, and the [`Finding`]s of its claims at the date); [`Desk::check`] checks any
//!   letter; `suggest`, `reply_topic`, `bulk`, `validate` and the rest are its too,
//!   with the indexes they build from the library.
//! * [`Claim`]s bind time-bound statements ("within months", "by 2024-25", a
//!   minister's name) to dated facts, so one update of the facts re-evaluates every block.
//! * [`timex`] finds the time expressions of any text ("last year", "by May",
//!   "2024-25") with their TIMEX3 values and intervals; `check` judges each by the
//!   tense of its clause and by what it would mean if read today, and
//!   [`FileReport::fixed`] writes relative ones out as the dates they meant.
//! * [`golden`] golden-tests a library's recipes; [`text`] has the shared text helpers.
//!
//! ## How the modules stand
//!
//! Data flows one way, and each module imports only those listed before it (a test,
//! `tests/suite/project/architecture.rs`, holds the crate to this order):
//!
//! 1. foundations: `error`, `text`, `date`, `files`;
//! 2. data: `facts` (the dated facts base, with the register of MPs and ministers read
//!    on first use), `policy` (the national policy tables read into tracked entities), `finding` (what a block can claim and what
//!    any judgement finds: kinds, severities), `template` (strict handlebars, formats),
//!    `library` (blocks, topics, senders, facts, and their lookups: data only);
//! 3. recognition: `timex` (the time crate, `replydraft-time`, re-exported: text and an
//!    anchor in, time expressions out; no facts),
//!    `voice` (first-person clauses that speak from the signer's office), `clauses`
//!    (each sentence's finite verb groups: tense, aspect, modality, negation, and
//!    their subjects, classed; from a curated English lexicon);
//! 4. judgement: `claims` (a block's claims against the facts), `judge` (every time
//!    expression `timex` finds, by its clause's tense, re-read on the check date; terms
//!    of Parliament resolved against the facts), `rules` (one module per kind of
//!    finding in an unmatched paragraph: officeholders, seats, elections, entities,
//!    time expressions, promises, and time-sensitive claims judged by the letter's
//!    age), `scan` (runs the rules in their priority order);
//! 5. matching and findings: `matching`, `suggest`, `cluster`, `check`;
//! 6. output: `render` (drafts), `reply` (reading an incoming message to answer it),
//!    `review` (the HTML review page), `approval` (recording approvals in library files), `log` (the
//!    correspondence log, SQLite), `docx` (Word
//!    documents), `email` (RFC 5322 messages), `bulk`;
//! 7. operations: `desk` (a library put to work: every operation of the modules
//!    above, called in one place, and the indexes they need); `deliver` (one letter
//!    or a bulk run written out and recorded in the log, with the approval and stale
//!    gates: the command line's runner, for embedders too); then `golden`, `ingest`,
//!    `starter`.
//!
//! ```
//! use replydraft::{Desk, DraftRequest, Library, Severity, parse_date};
//!
//! let desk = Desk::new(Library::embedded()?);
//! let mut request = DraftRequest::new("care-review", parse_date("2026-11-22")?);
//! request.recipient.name = Some("Ann O'Brien".into());
//! let draft = desk.draft(&request)?;
//!
//! assert!(draft.text.starts_with("November 2026"));
//! assert!(draft.text.contains("Dear Ann O'Brien,"));
//! // Every block's place in the letter is known...
//! let span = draft.blocks.iter().find(|b| b.id == "family-hubs").unwrap();
//! assert!(draft.text[span.start..span.end].starts_with("Further, I am glad"));
//! // ...and the framework "will also be developed" was published in December 2023.
//! let f = draft.findings.iter().find(|f| f.kind == "event" && f.text.contains("Framework will")).unwrap();
//! assert_eq!(f.severity, Severity::Error);
//! assert_eq!(f.since, Some(parse_date("2023-12-15")?));
//! # Ok::<(), replydraft::Error>(())
//! ```

#![warn(missing_docs)]

mod approval;
mod bulk;
mod check;
mod claims;
mod clauses;
mod cluster;
mod date;
#[cfg(feature = "log")]
mod deliver;
mod desk;
#[cfg(feature = "docx")]
mod docx;
#[cfg(feature = "email")]
mod email;
mod error;
mod facts;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
mod files;
mod finding;
pub mod golden;
mod ingest;
mod judge;
mod library;
#[cfg(feature = "log")]
mod log;
mod matching;
mod policy;
mod render;
mod reply;
mod review;
mod rules;
mod scan;
mod starter;
mod suggest;
mod template;
pub mod text;
mod voice;

pub use approval::{Decision, decide, record_decision};
pub use bulk::{BulkDrafter, MAX_COLUMNS, MAX_FIELD_BYTES, RecipientRow, Recipients, recipients};
pub use check::{CheckOptions, CheckReport, FileReport, Paragraph};
pub use claims::{BlockHealth, BlockSpan, Stale, Validation};
pub use cluster::{Campaign, campaigns, cluster};
pub use date::{DateStyle, parse_date, parse_span, today};
#[cfg(feature = "log")]
pub use deliver::{
    BulkEvent, BulkOptions, BulkOutput, BulkRun, BulkSummary, Cleanup, Delivery, LetterFormat, STREAM, stale_gate,
};
pub use desk::Desk;
#[cfg(feature = "email")]
pub use email::Email;
pub use error::{Error, Location, Result};
pub use facts::{Election, Entity, Event, Facts, Hold, Office, Period, Series, Source, State, Tenure, Term};
pub use files::{Letter, Walk, read_letter, rewrite_letter, walk};
pub use finding::{Category, Claim, ClaimKind, Finding, FindingKind, Severity};
pub use ingest::{Corpus, IngestOptions, Proposed, letter_paths, toml_comment};
pub use jiff::civil::Date;
pub use library::{
    Align, Approval, Block, DocumentStyle, Library, MAX_BLOCK_BYTES, MAX_INCLUDE_DEPTH, MAX_NESTING, Provenance, Role,
    Sender, Status, Topic, embedded_files, text_hash,
};
#[cfg(feature = "log")]
pub use log::{Batch, BlockList, CorrespondenceLog, LOG_SCHEMA_VERSION, LogQuery, Proof, Sent, recipient_key};
pub use matching::{BlockIndex, BlockMatch};
pub use render::{Draft, DraftRequest, Recipient};
pub use reply::{Incoming, TopicChoice};
/// Time expressions: the time crate, [`replydraft_time`], in its place among the modules.
pub use replydraft_time as timex;
pub use review::{Review, ReviewLetter};
pub use starter::starter_files;
pub use suggest::Suggestion;
pub use template::Format;
pub use timex::infer_written;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The book's pages that hold Rust examples are doc-tested like the README.
#[cfg(doctest)]
#[doc = include_str!("../docs/src/embedding.md")]
struct BookEmbeddingDoctests;

#[cfg(doctest)]
#[doc = include_str!("../docs/src/reference/checking.md")]
struct BookCheckingDoctests;

/// Helpers of the command-line tool (no-clobber atomic writes, staging directories,
/// sweeping a killed run's temporary files, letter file names): built only with the
/// `cli` feature, and not part of the library's API.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli {
    pub use crate::bulk::letter_file_name;
    pub use crate::files::{AtomicFile, Staging, TEMP_PREFIX, remove_stale_temps, write_atomic};
}
