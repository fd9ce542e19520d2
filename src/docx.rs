//! Word documents: a plain-text draft laid out as a letter for signature — the
//! sender's letterhead, the address block, the date, the salutation, each block one
//! paragraph, the sign-off and enclosures — in the library's [`DocumentStyle`].
//!
//! The document follows the text layout's own order (a library's custom layout too):
//! the text between blocks is split into paragraphs at blank lines, each block is one
//! paragraph, and line breaks inside either are kept. Text goes into the document as
//! text, never markup: the XML writer escapes it, and characters XML cannot carry
//! (control characters) are left out.

use crate::error::{Error, Result};
use crate::library::{Align, DocumentStyle, Library, Role};
use crate::render::Draft;
use crate::template::Format;
use docx_rs::{AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts};

/// What a paragraph of the letter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Letterhead,
    Date,
    Block(Role),
    Other,
}

/// Whether XML 1.0 can carry `c` (tabs and line ends are handled before).
fn xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

fn alignment(a: Align) -> AlignmentType {
    match a {
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
    }
}

/// Points to the twentieths of a point Word measures spacing and margins in.
fn twips(points: f32) -> i32 {
    (points * 20.0).round() as i32
}

/// Points to the half-points Word measures font sizes in.
fn half_points(points: f32) -> usize {
    (points * 2.0).round().max(1.0) as usize
}

/// One paragraph: its lines, each a run of text with tabs, joined by line breaks.
fn paragraph(text: &str, kind: Kind, style: &DocumentStyle, new_page: bool) -> Paragraph {
    let (font, size, bold, align) = match kind {
        Kind::Letterhead => (
            style.letterhead_font.as_deref().unwrap_or(&style.font),
            style.letterhead_size,
            style.letterhead_bold,
            style.letterhead_align,
        ),
        Kind::Date => (style.font.as_str(), style.size, false, style.date_align),
        _ => (style.font.as_str(), style.size, false, Align::Left),
    };
    let fonts = RunFonts::new().ascii(font).hi_ansi(font).cs(font).east_asia(font);
    let mut run = Run::new().fonts(fonts).size(half_points(size));
    if bold {
        run = run.bold();
    }
    for (i, line) in crate::text::lines(text).enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                run = run.add_tab();
            }
            let clean: String = piece.chars().filter(|&c| xml_char(c)).collect();
            if !clean.is_empty() {
                run = run.add_text(clean);
            }
        }
    }
    let spacing = LineSpacing::new().before(0).after(twips(style.paragraph_space).max(0) as u32);
    let mut p = Paragraph::new().add_run(run).align(alignment(align)).line_spacing(spacing);
    if new_page {
        p = p.page_break_before(true);
    }
    if kind == Kind::Letterhead {
        p = p.keep_next(true);
    }
    p
}

/// The text between blocks as paragraphs: split at blank lines, each trimmed of the
/// line ends around it; the letterhead (the sender's lines, first in the letter) kept
/// whole, blank lines and all.
fn loose<'t>(text: &'t str, at_start: bool, letterhead: &str, date: &str, out: &mut Vec<(&'t str, Kind)>) {
    let mut rest = text;
    if at_start && !letterhead.is_empty() {
        if let Some(after) = rest.strip_prefix(letterhead) {
            out.push((&rest[..letterhead.len()], Kind::Letterhead));
            rest = after;
        }
    }
    for piece in rest.split("\n\n") {
        let piece = piece.trim_matches(['\n', '\r']);
        if piece.trim().is_empty() {
            continue;
        }
        let kind = if !date.is_empty() && piece.trim() == date { Kind::Date } else { Kind::Other };
        out.push((piece, kind));
    }
}

/// A Word document (the bytes of a `.docx` file) of a plain-text draft, in the
/// library's [`DocumentStyle`]. Drafts in other formats are refused: draft with
/// [`Format::Text`] (the findings and block spans are the same).
pub(crate) fn docx(library: &Library, draft: &Draft) -> Result<Vec<u8>> {
    if !matches!(draft.format, Format::Text | Format::Json) {
        return Err(Error::Unsupported {
            what: "a Word document is made from a plain-text draft: draft with the text format".into(),
        });
    }
    let style = library.document_style();
    let sender = library.sender(&draft.sender);
    let letterhead = sender.filter(|s| !s.letterhead.is_empty()).map(|s| s.letterhead.join("\n") + "\n");
    let date = sender.map(|s| s.date_style.format(draft.date)).unwrap_or_default();
    let text = draft.text.as_str();
    let mut parts: Vec<(&str, Kind)> = Vec::new();
    let mut at = 0;
    for b in draft.blocks.iter().filter(|b| b.parent.is_none()) {
        let Some(body) = text.get(b.start..b.end).filter(|_| b.start >= at) else { continue };
        loose(&text[at..b.start], at == 0, letterhead.as_deref().unwrap_or(""), &date, &mut parts);
        let role = library.block(&b.id).map_or(Role::Body, |x| x.role);
        parts.push((body, Kind::Block(role)));
        at = b.end;
    }
    loose(&text[at..], at == 0, letterhead.as_deref().unwrap_or(""), &date, &mut parts);

    let margin = twips(style.margin_mm / 25.4 * 72.0);
    let fonts = RunFonts::new().ascii(&style.font).hi_ansi(&style.font).cs(&style.font).east_asia(&style.font);
    let mut doc = Docx::new()
        .default_fonts(fonts)
        .default_size(half_points(style.size))
        .page_margin(PageMargin::new().top(margin).bottom(margin).left(margin).right(margin));
    let mut first_enclosure = true;
    for (body, kind) in parts {
        let new_page = kind == Kind::Block(Role::Enclosure) && style.enclosure_new_page && first_enclosure;
        if kind == Kind::Block(Role::Enclosure) {
            first_enclosure = false;
        }
        doc = doc.add_paragraph(paragraph(body, kind, style, new_page));
    }
    let mut out = std::io::Cursor::new(Vec::with_capacity(16 * 1024));
    doc.pack(&mut out).map_err(|e| Error::Encode { what: "the Word document".into(), problem: e.to_string() })?;
    Ok(out.into_inner())
}
