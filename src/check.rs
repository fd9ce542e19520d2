//! Checking any letter: paragraphs matched to blocks, the matched blocks' claims
//! mapped onto the letter, and the rest scanned for time-bound language.

use crate::claims::{block_state_findings, claim_findings};
use crate::facts::Facts;
use crate::finding::{Finding, FindingKind, Severity};
use crate::judge::quotations;
use crate::library::{Block, Library};
use crate::matching::{Matcher, slot_fills};
use crate::rules::Taken;
use crate::scan::scan;
use crate::text::{Folded, SLOT, find_normalized, paragraphs, word_diff};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How to check letters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CheckOptions {
    /// The date the letter is judged at (the day it would be sent).
    pub date: Date,
    /// When the letter was written; `None` infers it from the letter's own dates.
    pub written: Option<Date>,
    /// The least similarity at which a paragraph counts as a known block.
    pub threshold: f32,
    /// Who signs the letter, as the facts base names them ("Ann Lee"); `None` reads
    /// the signer from the letter: a byline ("Letter from Ann Lee MP"), a header
    /// ("From: Ann Lee MP") or the signature block. When the signer has left the office
    /// the letter speaks from by the check date, each first-person clause that speaks
    /// from it ("I will continue to press…", "As a member of the committee, I…") is a
    /// finding.
    ///
    /// ```
    /// use replydraft::{CheckOptions, Desk, FindingKind, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let mut options = CheckOptions::new(parse_date("2026-11-22")?);
    /// options.written = Some(parse_date("2019-01-15")?);
    /// // The letter does not name who signs it; Jonathan Lord left Parliament in 2024.
    /// let text = "Thank you for writing.\n\nI will keep pressing for fairer funding.\n";
    /// assert!(desk.check("", text, &options).findings.iter().all(|f| f.kind != FindingKind::SignerVoice));
    /// options.signer = Some("Jonathan Lord".into());
    /// let report = desk.check("", text, &options);
    /// assert!(report.findings.iter().any(|f| f.kind == FindingKind::SignerVoice && f.text == "I will keep pressing"));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub signer: Option<String>,
    /// The office the signer signs in (an office id of the facts base, as a library
    /// sender's `office`: `mp-woking`); `None` takes the offices the signer held when
    /// the letter was written that it speaks from (their seat, and any ministerial post
    /// or department it names).
    pub signer_office: Option<String>,
}

impl CheckOptions {
    /// Judge at `date`, infer the written date, match at similarity 0.6 or more, read
    /// the signer from the letter.
    pub fn new(date: Date) -> CheckOptions {
        CheckOptions { date, written: None, threshold: 0.6, signer: None, signer_office: None }
    }

    /// The same options, with the letter signed by `sender` (a library sender: its
    /// name and the office it signs in).
    ///
    /// ```
    /// use replydraft::{CheckOptions, Library, parse_date};
    /// let library = Library::embedded()?;
    /// let sender = &library.senders()[0];
    /// let options = CheckOptions::new(parse_date("2026-11-22")?).signed_by(sender);
    /// assert_eq!(options.signer.as_deref(), Some(sender.name.as_str()));
    /// assert_eq!(options.signer_office, sender.office);
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn signed_by(self, sender: &crate::library::Sender) -> CheckOptions {
        CheckOptions { signer: Some(sender.name.clone()), signer_office: sender.office.clone(), ..self }
    }
}

/// A paragraph of a checked letter and the block it matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Paragraph {
    /// Byte offset of its first byte in the letter.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// The matching block, if any.
    pub block: Option<String>,
    /// Word similarity to that block (0 when none matched).
    pub similarity: f32,
}

/// The result of checking one letter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileReport {
    /// The path as given (`-` for standard input).
    pub path: String,
    /// When the letter was written, given or inferred (not in the JSON: see the `written` finding).
    #[serde(skip)]
    pub written: Option<Date>,
    /// Its paragraphs.
    pub paragraphs: Vec<Paragraph>,
    /// What is out of date, or worth a look.
    pub findings: Vec<Finding>,
}

/// The result of checking letters: the documented JSON shape of `replydraft check`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CheckReport {
    /// The date they were judged at.
    pub date: Date,
    /// `--written` if given; else the inferred date when every letter agrees; else null.
    pub written: Option<Date>,
    /// One report per letter, in the order given.
    pub files: Vec<FileReport>,
    /// The date the facts base is known to: after it, office holders are unverifiable.
    pub facts_known_to: Option<Date>,
}

impl FileReport {
    /// `text` (the letter this report is about) with every certain replacement applied:
    /// each finding's `replacement`, where findings do not overlap (the first wins);
    /// nothing else changes. A replacement is certain only where the rewritten sentence
    /// stays grammatical and means the same: it covers the whole time expression, and
    /// nothing quoted (in quotation marks, or a `>` reply line) is ever rewritten.
    /// Returns the new text and the findings applied.
    ///
    /// ```
    /// use replydraft::{CheckOptions, Desk, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let text = "Last year the council spent £4 million.";
    /// let mut options = CheckOptions::new(parse_date("2026-11-22")?);
    /// options.written = Some(parse_date("2019-01-15")?);
    /// let report = desk.check("", text, &options);
    /// let (fixed, applied) = report.fixed(text);
    /// assert_eq!(fixed, "In 2018 the council spent £4 million.");
    /// assert_eq!(applied.len(), 1);
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn fixed(&self, text: &str) -> (String, Vec<&Finding>) {
        let mut certain: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.replacement.is_some() && text.get(f.start..f.end) == Some(f.text.as_str()))
            .collect();
        certain.sort_by_key(|f| (f.start, f.end));
        let mut applied: Vec<&Finding> = Vec::new();
        for f in certain {
            if applied.last().is_none_or(|p| p.end <= f.start) {
                applied.push(f);
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in &applied {
            out.push_str(&text[at..f.start]);
            out.push_str(f.replacement.as_deref().unwrap_or(&f.text));
            at = f.end;
        }
        out.push_str(&text[at..]);
        (out, applied)
    }
}

impl CheckReport {
    /// The report of letters checked with `options` (each by `Desk::check`), in
    /// the order given, against `facts` (the library's): `written` is `options.written`,
    /// or else the date every letter was inferred to be written on, if they agree.
    ///
    /// ```
    /// use replydraft::{CheckOptions, CheckReport, Desk, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let options = CheckOptions::new(parse_date("2026-11-23")?);
    /// let files = vec![desk.check("letter.txt", "We will publish a data strategy by the end of this year.", &options)];
    /// let report = CheckReport::new(files, &options, desk.library().facts());
    /// assert_eq!(report.files[0].path, "letter.txt");
    /// assert_eq!(report.facts_known_to, desk.library().facts().known_to());
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn new(files: Vec<FileReport>, options: &CheckOptions, facts: &Facts) -> CheckReport {
        let written = options.written.or_else(|| {
            let first = files.first()?.written?;
            files.iter().all(|f| f.written == Some(first)).then_some(first)
        });
        CheckReport { date: options.date, written, files, facts_known_to: facts.known_to() }
    }

    /// The report as JSON (stable; documented in the README).
    ///
    /// ```
    /// use replydraft::{CheckOptions, CheckReport, Desk, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let options = CheckOptions::new(parse_date("2026-11-22")?);
    /// let report = CheckReport::new(vec![desk.check("a.txt", "By 2023.", &options)], &options, desk.library().facts());
    /// assert!(report.to_json().starts_with("{\n  \"date\": \"2026-11-22\""));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        // Writing to memory fails only if serialising does, which a report never does.
        let mut out = Vec::new();
        match self.write_json(&mut out) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Writes the report as [`CheckReport::to_json`] gives it, without holding the whole
    /// document in memory (a long letter's findings are written as they are serialised).
    ///
    /// ```
    /// use replydraft::{CheckOptions, CheckReport, Desk, Library, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let options = CheckOptions::new(parse_date("2026-11-22")?);
    /// let report = CheckReport::new(vec![desk.check("a.txt", "By 2023.", &options)], &options, desk.library().facts());
    /// let mut out = Vec::new();
    /// report.write_json(&mut out)?;
    /// assert_eq!(String::from_utf8(out).unwrap(), report.to_json());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        out.write_all(b"\n")
    }

    /// Whether any letter has an error finding.
    pub fn has_errors(&self) -> bool {
        self.files.iter().any(|f| f.findings.iter().any(|x| x.severity == Severity::Error))
    }
}

/// The parts of a paragraph that a matched block's claims account for: all of it, but
/// for the text filling the block's merge-field slots, which is the letter's own and is
/// scanned as free text. When the slots cannot be placed, nothing is taken as reviewed.
fn reviewed_parts(para: &str, block_text: &str) -> Vec<(usize, usize)> {
    if !block_text.contains(SLOT) {
        return vec![(0, para.len())];
    }
    let folded = Folded::new(para);
    let Some(fills) = slot_fills(block_text, &folded.text) else { return Vec::new() };
    let mut parts = Vec::new();
    let mut from = 0;
    for (a, z) in fills {
        let (a, z) = folded.original(a, z);
        if a > from {
            parts.push((from, a));
        }
        from = z;
    }
    if from < para.len() {
        parts.push((from, para.len()));
    }
    parts
}

/// Checks one letter of `library`, which need not have been written with this tool,
/// its paragraphs matched to blocks by `matcher` (the library's). `path` is the
/// report's (empty for a letter without a file name).
pub(crate) fn check(
    library: &Library,
    matcher: &Matcher,
    path: &str,
    text: &str,
    options: &CheckOptions,
) -> FileReport {
    let mut findings = Vec::new();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    // The letter's time expressions, recognised once: for its date and for judging.
    let reading = crate::timex::read(text);
    let inferred = if options.written.is_none() { reading.written() } else { None };
    let written = options.written.or(inferred.map(|(d, _, _)| d));
    match inferred {
            Some((d, s, e)) => {
                covered.push((s, e));
                let message = format!("the letter is dated {d}; relative phrases outside known blocks are read from this date");
                findings.push(Finding::at(text, (s, e), Severity::Info, FindingKind::Written, message));
            }
            None if options.written.is_none() => findings.push(Finding::at(
                text,
                (0, 0),
                Severity::Info,
                FindingKind::Written,
                "the letter's date is unknown: relative phrases are read from each matched block's as_of; say when it was written to read them from that date".into(),
            )),
            None => {}
        }
    let spans = paragraphs(text);
    let texts: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
    let matches = matcher.best_blocks(library, &texts, options.threshold);
    let mut out_paragraphs = Vec::new();
    let mut runs: Vec<(String, usize, usize)> = Vec::new();
    for ((s, e), best) in spans.into_iter().zip(matches) {
        let para = &text[s..e];
        let Some(m) = best else {
            out_paragraphs.push(Paragraph { start: s, end: e, block: None, similarity: 0.0 });
            continue;
        };
        // A closely matched, reviewed block is judged by its claims; a block still in
        // draft (an ingested one, say) has no real claims yet and is scanned as well.
        let reviewed = library.block(&m.block).is_some_and(|b| b.status != crate::Status::Draft);
        if m.similarity >= 0.9 && reviewed {
            covered.extend(reviewed_parts(para, &m.block_text).into_iter().map(|(a, z)| (s + a, s + z)));
        }
        if m.similarity < 1.0 {
            let message = format!(
                "matches block `{}` with similarity {:.3}; block → letter: {}",
                m.block,
                m.similarity,
                word_diff(&m.block_text, para)
            );
            findings.push(Finding {
                block: Some(m.block.clone()),
                ..Finding::at(text, (s, e), Severity::Info, FindingKind::Variant, message)
            });
        }
        if let Some(block) = library.block(&m.block) {
            // A block's claims were made when the block was written (its `as_of`), as
            // a draft reads them, whatever the letter's own date.
            library.with_includes(block, &mut |b: &Block| {
                let locate = |quote: &str| find_normalized(para, quote).map(|(a, z)| (s + a, s + z));
                findings.extend(claim_findings(b, library.facts(), block.as_of, options.date, text, &locate));
            });
            // Consecutive paragraphs of one block are one run, as a draft's block span is.
            match runs.last_mut() {
                Some((id, _, end)) if *id == m.block && text[*end..s].trim().is_empty() => *end = e,
                _ => runs.push((m.block.clone(), s, e)),
            }
        }
        out_paragraphs.push(Paragraph { start: s, end: e, block: Some(m.block), similarity: m.similarity });
    }
    let claimed: Vec<(usize, usize)> =
        findings.iter().filter(|f| f.kind != "variant").map(|f| (f.start, f.end)).collect();
    // A reviewed block's own state (an ingested draft's `as_of` is when it was
    // ingested, not when its words were written).
    for (id, s, e) in &runs {
        if let Some(block) = library.block(id).filter(|b| b.status != crate::Status::Draft) {
            findings.extend(block_state_findings(block, written, options.date, text, (*s, *e)));
        }
    }
    let signer = options.signer.as_deref().map(|n| (n, options.signer_office.as_deref()));
    findings.extend(scan(&reading, library.facts(), options.date, written, signer, &covered, &claimed));
    // What the letter quotes is someone else's words: reported, never rewritten.
    // (Kept merged, so that each finding's lookup is logarithmic on a long letter.)
    let mut quoted = Taken::default();
    for (s, e) in quotations(text) {
        quoted.insert(s, e);
    }
    for f in findings.iter_mut().filter(|f| f.replacement.is_some() && quoted.overlaps(f.start, f.end)) {
        f.replacement = None;
    }
    Finding::sort(&mut findings);
    FileReport { path: path.to_string(), written, paragraphs: out_paragraphs, findings }
}
