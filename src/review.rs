//! The review page: one self-contained HTML file that shows letters as written, every
//! finding highlighted by severity where it stands, and beside each its message, the
//! date it went stale, the fact's source, the suggestion and the certain replacement.
//!
//! Nothing is fetched: the styles are in the page, there is no script, and every piece
//! of a letter or a finding is escaped. Highlights are links to their notes (and the
//! notes link back), so the page is read with the keyboard alone; colours are backed by
//! words ("Error", "Warning") and meet WCAG AA contrast; it prints cleanly.

use crate::check::{CheckReport, FileReport};
use crate::finding::{Finding, Severity};
use crate::render::Draft;
use handlebars::html_escape;
use jiff::civil::Date;
use std::fmt::Write;

/// One letter on a review page.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReviewLetter<'a> {
    /// What the letter is called on the page (its path, or "Draft: TOPIC").
    pub title: String,
    /// The letter as written (plain text): findings' offsets are into it.
    pub text: &'a str,
    /// Its findings, any order.
    pub findings: &'a [Finding],
    /// When it was written, if known.
    pub written: Option<Date>,
}

/// A review page: letters checked at one date.
///
/// ```
/// use replydraft::{CheckOptions, CheckReport, Desk, Library, Review, parse_date};
/// let desk = Desk::new(Library::embedded()?);
/// let text = "Dear Sam,\n\nThe Government will publish the strategy by the end of 2023.\n";
/// let mut options = CheckOptions::new(parse_date("2026-12-06")?);
/// options.written = Some(parse_date("2022-05-01")?);
/// let files = vec![desk.check("letter.txt", text, &options)];
/// let report = CheckReport::new(files, &options, desk.library().facts());
/// let page = Review::of_check(&report, &[text]).to_html();
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains(r#"<mark class="finding error""#));
/// assert!(!page.contains("<script"));
/// # Ok::<(), replydraft::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Review<'a> {
    /// The date the letters are judged at.
    pub date: Date,
    /// The date the facts base is known to.
    pub facts_known_to: Option<Date>,
    /// The letters, in order.
    pub letters: Vec<ReviewLetter<'a>>,
}

impl<'a> ReviewLetter<'a> {
    /// A letter for a review page.
    pub fn new(title: impl Into<String>, text: &'a str, findings: &'a [Finding], written: Option<Date>) -> Self {
        ReviewLetter { title: title.into(), text, findings, written }
    }
}

impl<'a> Review<'a> {
    /// An empty page for letters judged at `date` (push them onto `letters`).
    pub fn new(date: Date, facts_known_to: Option<Date>) -> Self {
        Review { date, facts_known_to, letters: Vec::new() }
    }

    /// The page of a check: `texts[i]` is the text of `report.files[i]`.
    pub fn of_check(report: &'a CheckReport, texts: &[&'a str]) -> Review<'a> {
        let letters = report
            .files
            .iter()
            .zip(texts)
            .map(|(f, text): (&'a FileReport, &&'a str)| ReviewLetter {
                title: f.path.clone(),
                text,
                findings: &f.findings,
                written: f.written,
            })
            .collect();
        Review { date: report.date, facts_known_to: report.facts_known_to, letters }
    }

    /// The page of a plain-text draft (its findings are judged at its own date).
    ///
    /// ```
    /// use replydraft::{Desk, DraftRequest, Library, Review, parse_date};
    /// let desk = Desk::new(Library::embedded()?);
    /// let draft = desk.draft(&DraftRequest::new("care-review", parse_date("2022-07-01")?))?;
    /// let page = Review::of_draft(&draft).to_html();
    /// assert!(page.contains("Draft: care-review"));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn of_draft(draft: &'a Draft) -> Review<'a> {
        let letter = ReviewLetter {
            title: format!("Draft: {} (signed by {})", draft.topic, draft.sender),
            text: &draft.text,
            findings: &draft.findings,
            written: Some(draft.date),
        };
        Review { date: draft.date, facts_known_to: draft.facts_known_to, letters: vec![letter] }
    }

    /// The page, as one HTML document.
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(self.letters.iter().map(|l| l.text.len() * 2).sum::<usize>() + 8192);
        let title = match self.letters.as_slice() {
            [one] => format!("Review: {}", one.title),
            many => format!("Review of {} letters", many.len()),
        };
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
            html_escape(&title),
            html_escape(&title)
        );
        let all: Vec<&Finding> = self.letters.iter().flat_map(|l| l.findings).collect();
        let of = |s: Severity| all.iter().filter(|f| f.severity == s).count();
        let _ = write!(
            out,
            "<section class=\"summary\" aria-label=\"Summary\">\n<p class=\"counts\">\
             <span class=\"badge error\">{}</span> <span class=\"badge warning\">{}</span> \
             <span class=\"badge info\">{}</span></p>\n<dl>\n<dt>Checked at</dt><dd>{}</dd>\n",
            plural(of(Severity::Error), "error"),
            plural(of(Severity::Warning), "warning"),
            plural(of(Severity::Info), "note"),
            self.date
        );
        match self.facts_known_to {
            Some(k) if k < self.date => {
                let _ =
                    writeln!(out, "<dt>Facts known to</dt><dd>{k}: who holds an office since then is not known</dd>");
            }
            Some(k) => {
                let _ = writeln!(out, "<dt>Facts known to</dt><dd>{k}</dd>");
            }
            None => {}
        }
        out.push_str("</dl>\n</section>\n");
        for (i, letter) in self.letters.iter().enumerate() {
            letter_section(&mut out, i, letter);
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

/// "1 error", "2 errors".
fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Note",
    }
}

/// The findings of a letter that can be shown where they stand (their span lies in the
/// text on character boundaries), in text order; and those that cannot.
fn placed<'f>(text: &str, findings: &'f [Finding]) -> (Vec<&'f Finding>, Vec<&'f Finding>) {
    let (mut ok, bad): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.start <= f.end && text.get(f.start..f.end).is_some());
    ok.sort_by(|a, b| {
        (a.start, std::cmp::Reverse(a.end), b.severity).cmp(&(b.start, std::cmp::Reverse(b.end), a.severity))
    });
    (ok, bad)
}

/// The letter with one `<mark>` per finding, each followed by a numbered link to its
/// note (a footnote reference: marks may nest, links may not). Spans nest when one
/// holds another; a span that starts inside another and ends after it is shown from
/// the end of the first (so that every finding still has exactly one highlight).
fn marked_text(out: &mut String, id: &str, text: &str, findings: &[(usize, &Finding)]) {
    // Open marks: (end, finding number, severity).
    let mut open: Vec<(usize, usize, Severity)> = Vec::new();
    let mut at = 0;
    let close_until = |out: &mut String, open: &mut Vec<(usize, usize, Severity)>, at: &mut usize, limit: usize| {
        while let Some(&(end, n, severity)) = open.last() {
            if end > limit {
                break;
            }
            out.push_str(&html_escape(&text[*at..end]));
            *at = end;
            let _ = write!(
                out,
                "</mark><a class=\"ref {}\" href=\"#{id}-f{n}\" aria-label=\"{} {n}\">{n}</a>",
                severity_class(severity),
                severity_word(severity)
            );
            open.pop();
        }
    };
    for &(n, f) in findings {
        let mut start = f.start.max(at);
        // Partial overlap with an open mark: start after that one ends.
        loop {
            close_until(out, &mut open, &mut at, start);
            match open.last() {
                Some(&(end, _, _)) if f.end > end => start = end,
                _ => break,
            }
        }
        let start = start.max(at);
        out.push_str(&html_escape(&text[at..start]));
        at = start;
        let _ = write!(
            out,
            "<mark class=\"finding {}\" id=\"{id}-m{n}\" title=\"{}: {}\">",
            severity_class(f.severity),
            severity_word(f.severity),
            html_escape(&f.message)
        );
        open.push((f.end.max(start), n, f.severity));
    }
    close_until(out, &mut open, &mut at, usize::MAX);
    out.push_str(&html_escape(&text[at..]));
}

/// A source as a link when it is a web address, else as text.
fn source_html(source: &str) -> String {
    let trimmed = source.trim();
    if (trimmed.starts_with("https://") || trimmed.starts_with("http://")) && !trimmed.contains(char::is_whitespace) {
        format!("<a href=\"{0}\">{0}</a>", html_escape(trimmed))
    } else {
        // A source naming its address inside text: link the address, escape the rest.
        match trimmed.find("https://").or_else(|| trimmed.find("http://")) {
            Some(p) => {
                let end = trimmed[p..]
                    .find(|c: char| c.is_whitespace() || c == ')' || c == ',')
                    .map_or(trimmed.len(), |e| p + e);
                format!(
                    "{0}<a href=\"{1}\">{1}</a>{2}",
                    html_escape(&trimmed[..p]),
                    html_escape(&trimmed[p..end]),
                    html_escape(&trimmed[end..])
                )
            }
            None => html_escape(trimmed),
        }
    }
}

fn letter_section(out: &mut String, i: usize, letter: &ReviewLetter) {
    let id = format!("l{}", i + 1);
    let (placed, unplaced) = placed(letter.text, letter.findings);
    let numbered: Vec<(usize, &Finding)> = placed.iter().copied().enumerate().map(|(n, f)| (n + 1, f)).collect();
    let of = |s: Severity| letter.findings.iter().filter(|f| f.severity == s).count();
    let _ = write!(
        out,
        "<section class=\"letter-review\" aria-labelledby=\"{id}-title\">\n<h2 id=\"{id}-title\">{}</h2>\n\
         <p class=\"meta\">Written {}; {}, {}, {}.</p>\n<div class=\"letter\" id=\"{id}\">",
        html_escape(&letter.title),
        letter.written.map_or("on an unknown date".to_string(), |w| format!("on {w}")),
        plural(of(Severity::Error), "error"),
        plural(of(Severity::Warning), "warning"),
        plural(of(Severity::Info), "note"),
    );
    marked_text(out, &id, letter.text, &numbered);
    out.push_str("</div>\n");
    if numbered.is_empty() && unplaced.is_empty() {
        out.push_str("<p class=\"clean\">Nothing found out of date.</p>\n</section>\n");
        return;
    }
    let _ = write!(out, "<h3>Findings</h3>\n<ol class=\"findings\">\n");
    // Line starts found once: a long letter with many findings is not re-read per finding.
    let starts: Vec<usize> = letter.text.match_indices('\n').map(|(i, _)| i + 1).collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) + 1;
    for (n, f) in numbered.iter().map(|&(n, f)| (Some(n), f)).chain(unplaced.iter().map(|&f| (None, f))) {
        let class = severity_class(f.severity);
        let anchor = n.map(|n| format!(" id=\"{id}-f{n}\"")).unwrap_or_default();
        let _ = write!(
            out,
            "<li class=\"note {class}\"{anchor}>\n<p><span class=\"badge {class}\">{}</span> \
             <span class=\"kind\">{}</span>",
            severity_word(f.severity),
            html_escape(f.kind.name())
        );
        if let Some(n) = n {
            let _ = write!(out, " <a class=\"back\" href=\"#{id}-m{n}\">line {}</a>", line_of(f.start));
        }
        if let Some(b) = &f.block {
            let _ = write!(out, " <span class=\"block\">block <code>{}</code></span>", html_escape(b));
        }
        let _ = write!(
            out,
            "</p>\n<blockquote>{}</blockquote>\n<p class=\"message\">{}</p>\n",
            html_escape(&f.text),
            html_escape(&f.message)
        );
        let mut facts = Vec::new();
        if let Some(since) = f.since {
            facts.push(format!("<dt>Since</dt><dd>{since}</dd>"));
        }
        if let Some(source) = &f.source {
            facts.push(format!("<dt>Source</dt><dd>{}</dd>", source_html(source)));
        }
        if let Some(s) = &f.suggestion {
            facts.push(format!("<dt>Suggestion</dt><dd>{}</dd>", html_escape(s)));
        }
        if let Some(r) = &f.replacement {
            facts.push(format!(
                "<dt>Replace with</dt><dd><q class=\"replacement\">{}</q> (certain: <code>replydraft fix</code> applies it)</dd>",
                html_escape(r)
            ));
        }
        if !facts.is_empty() {
            let _ = writeln!(out, "<dl>{}</dl>", facts.join(""));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</section>\n");
}

/// The page's styles: AA contrast (dark text on pale highlights, white on dark badges),
/// a visible focus ring, and print rules that keep colours and drop link decoration.
const STYLE: &str = "\
:root{color-scheme:light}\
body{font-family:Georgia,'Times New Roman',serif;color:#1a1a1a;background:#fff;margin:0;line-height:1.5}\
main{max-width:48em;margin:0 auto;padding:1.5em}\
h1{font-size:1.5em;margin:0 0 .5em}h2{font-size:1.25em;border-top:1px solid #767676;padding-top:1em}\
.summary dl,.note dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.5em 0}\
dt{font-weight:bold}dd{margin:0}\
.letter{white-space:pre-wrap;font-family:Georgia,serif;border:1px solid #767676;padding:1em 1.25em;background:#fcfcfa}\
mark.finding{color:#1a1a1a;padding:0 .1em;border-bottom:3px solid}\
a.ref{font-family:system-ui,sans-serif;font-size:.7em;vertical-align:super;line-height:0;padding:0 .15em;font-weight:bold}\
mark.error{background:#fde0dc;border-color:#b3261e}\
mark.warning{background:#fff1c2;border-color:#8a5a00}\
mark.info{background:transparent;border-bottom:2px dotted #2f4fb5}\
a:focus,a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}\
.badge{display:inline-block;font-family:system-ui,sans-serif;font-size:.85em;font-weight:bold;padding:0 .5em;border-radius:.25em}\
.badge.error{background:#b3261e;color:#fff}.badge.warning{background:#ffd666;color:#1a1a1a}.badge.info{background:#2f4fb5;color:#fff}\
.findings{padding-left:1.5em}.note{margin:.75em 0;padding:.5em .75em;border-left:4px solid #767676}\
.note.error{border-color:#b3261e}.note.warning{border-color:#8a5a00}.note.info{border-color:#2f4fb5}\
.note p{margin:.25em 0}.kind,.block{font-family:system-ui,sans-serif;font-size:.9em}\
blockquote{margin:.25em 0;padding-left:.75em;border-left:2px solid #c8c8c8;white-space:pre-wrap}\
a{color:#1a4d8f}.back{font-family:system-ui,sans-serif;font-size:.9em}\
@media print{main{max-width:none;padding:0}.back{display:none}a{color:inherit;text-decoration:none}a.ref{color:#1a1a1a}\
mark.finding,.badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
.note,.letter{break-inside:avoid-page}.letter{border:none;padding:0}}";
