//! Findings printed for people: rustc-style diagnostics with the letter's line and the
//! span underlined (annotate-snippets), or one finding a line; colour by `--color`,
//! NO_COLOR and whether the stream is a terminal.

use crate::args::ColorChoice;
use replydraft::{Finding, Severity};
use std::io::Write;

/// One finding in text form; `at` says where it is (bytes, or file:line:column).
pub fn write_finding(out: &mut dyn Write, at: &str, f: &Finding) -> std::io::Result<()> {
    let since = f.since.map(|d| format!(" since {d}")).unwrap_or_default();
    let block = f.block.as_deref().map(|b| format!(" [{b}]")).unwrap_or_default();
    let mut text: String = f.text.chars().take(100).collect();
    if text.len() < f.text.len() {
        text.push('…');
    }
    writeln!(out, "{at}{}: {}{}{}: \"{}\"", f.severity, f.kind, block, since, text.replace('\n', " "))?;
    writeln!(out, "    {}", f.message)?;
    if let Some(s) = &f.suggestion {
        writeln!(out, "    suggestion: {s}")?;
    }
    if let Some(r) = &f.replacement {
        writeln!(out, "    replace with: \"{r}\" (replydraft fix applies it)")?;
    }
    Ok(())
}

/// Whether findings are coloured: `--color`, then NO_COLOR, then whether the stream
/// is a terminal.
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Records `--color` for the whole run.
pub fn set_color(choice: ColorChoice) {
    let n = match choice {
        ColorChoice::Auto => 0,
        ColorChoice::Always => 1,
        ColorChoice::Never => 2,
    };
    COLOR.store(n, std::sync::atomic::Ordering::Relaxed);
}

pub fn color_for(terminal: bool) -> bool {
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Findings about `text` as rustc prints diagnostics: the severity and kind, the
/// message, the file, line and column, the line itself with the span underlined, and
/// the date, suggestion and replacement as notes.
pub fn render_findings(path: &str, text: &str, findings: &[&Finding], color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut lines = Lines::new(text);
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::NOTE,
        };
        let title = level.primary_title(f.message.as_str()).id(f.kind.name());
        let mut extra = Vec::new();
        if let Some(b) = &f.block {
            extra.push(Level::NOTE.message(format!("in block `{b}`")));
        }
        if let Some(source) = &f.source {
            extra.push(Level::NOTE.message(format!("source: {source}")));
        }
        if let Some(s) = &f.suggestion {
            extra.push(Level::HELP.message(s.as_str()));
        }
        if let Some(r) = &f.replacement {
            extra.push(Level::HELP.message(format!("replace with \"{r}\" (`replydraft fix` applies it)")));
        }
        let label = f.since.map(|d| format!("since {d}"));
        let group = if text.get(f.start..f.end).is_some() && f.start <= f.end {
            // Only the lines the span is on, and of a very long line only the part
            // around the span: a long letter is not re-read per finding.
            let (line, from, to) = lines.around(f.start, f.end);
            let mut annotation = AnnotationKind::Primary.span(f.start - from..f.end - from);
            if let Some(l) = &label {
                annotation = annotation.label(l.as_str());
            }
            let snippet = Snippet::source(&text[from..to]).line_start(line).annotation(annotation);
            if lines.starts_line(from) {
                Group::with_title(title).element(snippet.path(path))
            } else {
                let column = lines.at(f.start).split(':').nth(1).and_then(|c| c.parse().ok()).unwrap_or(1);
                Group::with_title(title)
                    .element(annotate_snippets::Origin::path(path).line(line).char_column(column))
                    .element(snippet)
            }
        } else {
            Group::with_title(title)
        };
        let group: Group = group.elements(extra);
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// Findings without their letter (bulk letters differ per row), on standard error.
pub fn print_bare_findings(findings: &[Finding]) {
    let mut err = std::io::stderr().lock();
    for f in findings {
        let _ = write_finding(&mut err, &format!("bytes {}..{}: ", f.start, f.end), f);
    }
}

/// A draft's findings, on standard error.
pub fn print_findings(text: &str, findings: &[Finding]) {
    use std::io::IsTerminal;
    if findings.is_empty() {
        return;
    }
    let all: Vec<&Finding> = findings.iter().collect();
    let shown = render_findings("letter", text, &all, color_for(std::io::stderr().is_terminal()));
    let _ = std::io::stderr().lock().write_all(shown.as_bytes());
}

/// `line:column` of byte offsets. Line starts are found once per letter, and columns
/// are counted on from the previous offset when offsets come in order (as findings do).
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// (offset, line, column) of the last answer.
    cursor: (usize, usize, usize),
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        // A line ends at \n, \r\n or a lone \r, as the library splits paragraphs.
        let starts = std::iter::once(0)
            .chain(replydraft::text::lines(text).scan(0, |pos, l| {
                *pos += l.len();
                Some(*pos)
            }))
            .filter(|&p| p < text.len())
            .collect();
        Lines { text, starts, cursor: (0, 1, 1) }
    }

    /// The line number of `start`, and the byte range to show for `start..end`: the
    /// lines it is on, cut to about 200 bytes either side of it on a very long line.
    pub fn around(&self, start: usize, end: usize) -> (usize, usize, usize) {
        const SIDE: usize = 200;
        let line = self.starts.partition_point(|&s| s <= start).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0);
        let last = self.starts.partition_point(|&s| s <= end.max(start)).max(1);
        let line_end = self.starts.get(last).copied().unwrap_or(self.text.len());
        let line_end = line_end - self.text[..line_end].chars().rev().take_while(|c| matches!(c, '\n' | '\r')).count();
        let line_end = line_end.max(end);
        let mut from = start.saturating_sub(SIDE).max(line_start);
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (end + SIDE).min(line_end);
        while !self.text.is_char_boundary(to) {
            to += 1;
        }
        (line, from, to)
    }

    /// Whether `offset` starts a line.
    pub fn starts_line(&self, offset: usize) -> bool {
        self.starts.binary_search(&offset).is_ok()
    }

    pub fn at(&mut self, offset: usize) -> String {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let (from, column) = match self.cursor {
            (o, l, c) if l == line && o <= offset => (o, c),
            _ => (self.starts[line - 1], 1),
        };
        let column = column + self.text.get(from..offset).map_or(0, |t| t.chars().count());
        self.cursor = (offset, line, column);
        format!("{line}:{column}")
    }
}
