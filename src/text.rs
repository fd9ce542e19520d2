//! Text helpers shared by golden files, matching and checking: normalising,
//! words, paragraphs and word diffs.

use crate::error::{Error, Result};
use similar::{ChangeTag, TextDiff};

/// Decodes a file's bytes as UTF-8; an error names the file, the line and the byte
/// offset of the first invalid byte.
///
/// ```
/// let err = replydraft::text::from_utf8("letter.txt", b"Dear Ann,\n\xff".to_vec()).unwrap_err();
/// assert!(err.to_string().starts_with("letter.txt:2: not UTF-8 text (invalid byte at offset 10)"));
/// ```
pub fn from_utf8(name: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        Error::NotText {
            file: name.to_string(),
            line: Some(line),
            problem: format!("not UTF-8 text (invalid byte at offset {at}); convert it to UTF-8 first"),
        }
    })
}

/// How one character reads when texts are compared: the table behind [`normalize`],
/// [`Folded`] and every case-insensitive search of names. It is data a maintainer can
/// read: quotes straightened, dashes and hyphens made `-`, invisible characters
/// (zero-width spaces and joiners, soft hyphens, direction marks, byte-order marks)
/// dropped, white space of any kind a space, and Cyrillic and Greek letters that look
/// like Latin ones (homoglyphs) read as those Latin letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// Left out.
    Drop,
    /// White space (runs of it fold to one space).
    Space,
    /// This character (the same one, or what it stands for).
    Char(char),
}

/// Characters that are read as another one: `(from, to)`.
const FOLD_TABLE: &[(char, char)] = &[
    // Quotes and primes.
    ('\u{2018}', '\''),
    ('\u{2019}', '\''),
    ('\u{201B}', '\''),
    ('\u{2032}', '\''),
    ('\u{201C}', '"'),
    ('\u{201D}', '"'),
    ('\u{201E}', '"'),
    ('\u{2033}', '"'),
    // Hyphens and dashes that join words or numbers (the em dash stays punctuation).
    ('\u{2010}', '-'),
    ('\u{2011}', '-'),
    ('\u{2012}', '-'),
    ('\u{2013}', '-'),
    ('\u{2212}', '-'),
    // Cyrillic letters that look Latin.
    ('\u{0410}', 'A'),
    ('\u{0412}', 'B'),
    ('\u{0415}', 'E'),
    ('\u{041A}', 'K'),
    ('\u{041C}', 'M'),
    ('\u{041D}', 'H'),
    ('\u{041E}', 'O'),
    ('\u{0420}', 'P'),
    ('\u{0421}', 'C'),
    ('\u{0422}', 'T'),
    ('\u{0425}', 'X'),
    ('\u{0405}', 'S'),
    ('\u{0406}', 'I'),
    ('\u{0408}', 'J'),
    ('\u{0430}', 'a'),
    ('\u{0435}', 'e'),
    ('\u{043E}', 'o'),
    ('\u{0440}', 'p'),
    ('\u{0441}', 'c'),
    ('\u{0443}', 'y'),
    ('\u{0445}', 'x'),
    ('\u{0455}', 's'),
    ('\u{0456}', 'i'),
    ('\u{0458}', 'j'),
    ('\u{0501}', 'd'),
    ('\u{04BB}', 'h'),
    // Greek letters that look Latin.
    ('\u{0391}', 'A'),
    ('\u{0392}', 'B'),
    ('\u{0395}', 'E'),
    ('\u{0396}', 'Z'),
    ('\u{0397}', 'H'),
    ('\u{0399}', 'I'),
    ('\u{039A}', 'K'),
    ('\u{039C}', 'M'),
    ('\u{039D}', 'N'),
    ('\u{039F}', 'O'),
    ('\u{03A1}', 'P'),
    ('\u{03A4}', 'T'),
    ('\u{03A5}', 'Y'),
    ('\u{03A7}', 'X'),
    ('\u{03BF}', 'o'),
];

/// Characters that are left out: zero-width spaces and joiners, the soft hyphen, the
/// word joiner, the byte-order mark, and direction marks and embeddings.
const INVISIBLE: &[char] = &[
    '\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}',
    '\u{202D}', '\u{202E}', '\u{2060}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{FEFF}',
];

/// How `c` reads when texts are compared (see [`Fold`]).
///
/// ```
/// use replydraft::text::{Fold, fold_char};
/// assert_eq!(fold_char('\u{2019}'), Fold::Char('\''));
/// assert_eq!(fold_char('\u{00A0}'), Fold::Space);
/// assert_eq!(fold_char('\u{000B}'), Fold::Space); // vertical tab
/// assert_eq!(fold_char('\u{200B}'), Fold::Drop);
/// assert_eq!(fold_char('\u{041D}'), Fold::Char('H')); // Cyrillic En
/// ```
pub fn fold_char(c: char) -> Fold {
    if c.is_ascii() {
        // `char::is_whitespace`, not `is_ascii_whitespace`: the vertical tab (U+000B) is
        // white space to `str::trim` too, and a library block's text is trimmed so.
        return if c.is_whitespace() { Fold::Space } else { Fold::Char(c) };
    }
    if INVISIBLE.contains(&c) {
        Fold::Drop
    } else if c.is_whitespace() {
        Fold::Space
    } else {
        FOLD_TABLE.iter().find(|(from, _)| *from == c).map_or(Fold::Char(c), |&(_, to)| Fold::Char(to))
    }
}

/// Whether `c` is read as another letter (a homoglyph such as Cyrillic `Н` for `H`).
pub fn is_homoglyph(c: char) -> bool {
    c.is_alphabetic() && !c.is_ascii() && matches!(fold_char(c), Fold::Char(x) if x.is_ascii_alphabetic())
}

/// Folds `text` as [`fold_char`] reads it, and folds every run of white space into
/// one space (none at the ends).
///
/// ```
/// assert_eq!(replydraft::text::normalize("children\u{2019}s  \n care"), "children's care");
/// assert_eq!(replydraft::text::normalize("Gavin\u{00A0}\u{200B}Williamson"), "Gavin Williamson");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        match fold_char(c) {
            Fold::Drop => {}
            Fold::Space => space = !out.is_empty(),
            Fold::Char(c) => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
            }
        }
    }
    out
}

/// A text as [`normalize`] folds it, with the way back: every byte of the folded text
/// knows the range of the original bytes it came from, so a match found in the folded
/// text is reported on the original (whose byte lengths may differ).
///
/// ```
/// let letter = "Rt Hon Gavin\u{00A0}\u{00A0}Williamson";
/// let f = replydraft::text::Folded::new(letter);
/// assert_eq!(f.text, "Rt Hon Gavin Williamson");
/// let p = f.text.find("Gavin Williamson").unwrap();
/// let (s, e) = f.original(p, p + "Gavin Williamson".len());
/// assert_eq!(&letter[s..e], "Gavin\u{00A0}\u{00A0}Williamson");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// The folded text (the same as [`normalize`] gives).
    pub text: String,
    /// The way back, one entry where the mapping changes (not one per byte, so that a
    /// 50 MB letter costs 50 MB, not 850): from each entry's `at` on, the folded bytes
    /// are either a verbatim copy of the original from `from` (characters of equal byte
    /// length), or, when `to` is set, one character folded from `from..to`.
    runs: Vec<FoldRun>,
}

#[derive(Debug, Clone, Copy)]
struct FoldRun {
    at: usize,
    from: usize,
    to: Option<usize>,
}

impl Folded {
    /// Folds `original`.
    pub fn new(original: &str) -> Folded {
        let mut f = Folded { text: String::with_capacity(original.len()), runs: Vec::new() };
        let mut pending: Option<(usize, usize)> = None;
        for (i, c) in original.char_indices() {
            match fold_char(c) {
                Fold::Drop => {}
                Fold::Space => {
                    if !f.text.is_empty() {
                        let end = i + c.len_utf8();
                        pending = Some(pending.map_or((i, end), |(s, _)| (s, end)));
                    }
                }
                Fold::Char(x) => {
                    if let Some((s, e)) = pending.take() {
                        f.push(' ', s, e);
                    }
                    f.push(x, i, i + c.len_utf8());
                }
            }
        }
        f
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        let at = self.text.len();
        if end - start == c.len_utf8() {
            // A verbatim run goes on while the original goes on with it.
            let continues = self.runs.last().is_some_and(|r| r.to.is_none() && r.from + (at - r.at) == start);
            if !continues {
                self.runs.push(FoldRun { at, from: start, to: None });
            }
        } else {
            self.runs.push(FoldRun { at, from: start, to: Some(end) });
        }
        self.text.push(c);
    }

    /// The run holding folded byte `pos` (`pos` < the folded text's length).
    fn run(&self, pos: usize) -> FoldRun {
        self.runs[self.runs.partition_point(|r| r.at <= pos) - 1]
    }

    /// The original byte range of the folded range `start..end` (non-empty, on
    /// character boundaries of the folded text).
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        if end <= start || end > self.text.len() {
            return (0, 0);
        }
        let first = self.run(start);
        let s = match first.to {
            None => first.from + (start - first.at),
            Some(_) => first.from,
        };
        let last = self.run(end - 1);
        let e = match last.to {
            None => last.from + (end - last.at),
            Some(to) => to,
        };
        (s, e)
    }
}

/// The words of a normalised text (split on white space, punctuation kept).
pub fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// Lowercased words with punctuation stripped from their ends, for comparing
/// wording while ignoring punctuation and case. Empty tokens are dropped.
///
/// ```
/// assert_eq!(replydraft::text::bare_words("Carers; increased, (support)"), ["carers", "increased", "support"]);
/// ```
pub fn bare_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Similarity of two word sequences, from 0 to 1 (`similar`'s ratio).
///
/// ```
/// let r = replydraft::text::word_ratio(&["a", "b", "c", "d"], &["a", "b", "x", "d"]);
/// assert!((r - 0.75).abs() < 1e-6);
/// ```
pub fn word_ratio<T: AsRef<str>>(a: &[T], b: &[T]) -> f32 {
    let a: Vec<&str> = a.iter().map(AsRef::as_ref).collect();
    let b: Vec<&str> = b.iter().map(AsRef::as_ref).collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    TextDiff::from_slices(&a, &b).ratio()
}

/// The highest similarity two word sequences of these lengths can have: a full
/// comparison can be skipped when this is below the threshold.
///
/// ```
/// assert_eq!(replydraft::text::ratio_bound(10, 30), 0.5);
/// ```
pub fn ratio_bound(a: usize, b: usize) -> f32 {
    if a + b == 0 { 1.0 } else { 2.0 * a.min(b) as f32 / (a + b) as f32 }
}

/// A one-line word diff: removed words as `[-old-]`, added ones as `{+new+}`, with
/// a few words of context around each change and `…` for the rest.
///
/// ```
/// let d = replydraft::text::word_diff("It recommendations include", "Its recommendations include");
/// assert_eq!(d, "[-It-]{+Its+} recommendations include");
/// ```
pub fn word_diff(old: &str, new: &str) -> String {
    let (a, b) = (normalize(old), normalize(new));
    let (a, b) = (words(&a), words(&b));
    let diff = TextDiff::from_slices(&a, &b);
    let changes: Vec<(ChangeTag, &str)> = diff.iter_all_changes().map(|c| (c.tag(), c.value())).collect();
    const CONTEXT: usize = 4;
    let near = |i: usize| {
        let lo = i.saturating_sub(CONTEXT);
        let hi = (i + CONTEXT + 1).min(changes.len());
        changes[lo..hi].iter().any(|(t, _)| *t != ChangeTag::Equal)
    };
    let mut out: Vec<String> = Vec::new();
    let mut skipped = false;
    let mut i = 0;
    while i < changes.len() {
        let (tag, _) = changes[i];
        if tag == ChangeTag::Equal {
            if near(i) {
                if skipped {
                    out.push("…".into());
                    skipped = false;
                }
                out.push(changes[i].1.to_string());
            } else {
                skipped = true;
            }
            i += 1;
            continue;
        }
        if skipped {
            out.push("…".into());
            skipped = false;
        }
        let mut removed = Vec::new();
        let mut added = Vec::new();
        while i < changes.len() && changes[i].0 != ChangeTag::Equal {
            match changes[i].0 {
                ChangeTag::Delete => removed.push(changes[i].1),
                _ => added.push(changes[i].1),
            }
            i += 1;
        }
        let mut piece = String::new();
        if !removed.is_empty() {
            piece.push_str(&format!("[-{}-]", removed.join(" ")));
        }
        if !added.is_empty() {
            piece.push_str(&format!("{{+{}+}}", added.join(" ")));
        }
        out.push(piece);
    }
    if skipped {
        out.push("…".into());
    }
    out.join(" ")
}

/// Byte ranges of the paragraphs of `text`, with surrounding white space trimmed.
/// Paragraphs are separated by blank lines; a single line break also ends a
/// paragraph when the line before is at least 60 characters long and ends a
/// sentence (`.`, `!`, `?`, or `:` , possibly followed by a closing quote), as in
/// letters pasted from web pages with one line per paragraph. Ranges always fall
/// on character boundaries.
///
/// ```
/// let t = "Dear Ann,\n\nFirst line\nsame paragraph.\n \nLast.";
/// let p: Vec<&str> = replydraft::text::paragraphs(t).into_iter().map(|(s, e)| &t[s..e]).collect();
/// assert_eq!(p, ["Dear Ann,", "First line\nsame paragraph.", "Last."]);
/// let web = "Thank you for contacting me regarding the independent review into care.\nIn 2021 the review began.";
/// assert_eq!(replydraft::text::paragraphs(web).len(), 2);
/// ```
pub fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in lines(text) {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        if trimmed.is_empty() {
            if let Some(s) = start.take() {
                out.push((s, end));
            }
        } else {
            let lead = content.len() - content.trim_start().len();
            if start.is_none() {
                start = Some(pos + lead);
            }
            end = pos + content.trim_end().len();
            if ends_paragraph(trimmed) {
                if let Some(s) = start.take() {
                    out.push((s, end));
                }
            }
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push((s, end));
    }
    out
}

/// The lines of `text` with their line breaks: `\n`, `\r\n`, or a lone `\r` (old Mac
/// files) each end a line.
///
/// ```
/// let l: Vec<&str> = replydraft::text::lines("a\rb\r\nc\nd").collect();
/// assert_eq!(l, ["a\r", "b\r\n", "c\n", "d"]);
/// ```
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let from = start;
        let mut i = from;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    i += 1;
                    break;
                }
                b'\r' => {
                    i += 1 + usize::from(bytes.get(i + 1) == Some(&b'\n'));
                    break;
                }
                _ => i += 1,
            }
        }
        start = i;
        Some(&text[from..i])
    })
}

/// Whether a line ends its paragraph even without a blank line after it.
fn ends_paragraph(line: &str) -> bool {
    let core = line.trim_end_matches(['"', '\'', '\u{2019}', '\u{201D}', ')', '*']);
    line.chars().count() >= 60 && core.ends_with(['.', '!', '?', ':'])
}

/// Finds `needle` in `haystack` as [`normalize`] sees them both (quotes straightened,
/// white space folded), and returns the byte range in `haystack` as given.
///
/// ```
/// let letter = "the review\u{2019}s   findings";
/// let (s, e) = replydraft::text::find_normalized(letter, "review's findings").unwrap();
/// assert_eq!(&letter[s..e], "review\u{2019}s   findings");
/// ```
pub fn find_normalized(haystack: &str, needle: &str) -> Option<(usize, usize)> {
    if let Some(p) = haystack.find(needle) {
        return Some((p, p + needle.len()));
    }
    let needle = normalize(needle);
    if needle.is_empty() {
        return None;
    }
    let folded = Folded::new(haystack);
    let p = folded.text.find(&needle)?;
    Some(folded.original(p, p + needle.len()))
}

/// A file-name and id-safe form of a name: ASCII letters and digits, lowercased, its
/// first six words joined by `-`, at most 60 bytes; empty when nothing is left.
///
/// ```
/// assert_eq!(replydraft::text::slug("Rt Hon Siobhán O'Brien MP"), "rt-hon-siobh-n-o-brien");
/// assert_eq!(replydraft::text::slug("../../etc/passwd"), "etc-passwd");
/// ```
pub fn slug(name: &str) -> String {
    let slug = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .take(6)
        .collect::<Vec<_>>()
        .join("-");
    slug.get(..60).unwrap_or(&slug).trim_end_matches('-').to_string()
}

/// The Markdown bold runs (`**…**`) of a block's text, as the offsets of their opening
/// and closing `**`. A run opens at `**` followed by a character that is neither space
/// nor `*`, and closes at the next `**` after a non-space character, within one
/// paragraph; a lone `**` is left as text.
///
/// ```
/// assert_eq!(replydraft::text::bold_runs("a **b c** d"), [(2, 7)]);
/// assert!(replydraft::text::bold_runs("2 ** 3, a **\n\nb**").is_empty());
/// ```
pub fn bold_runs(text: &str) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut open: Option<usize> = None;
    let mut at = 0;
    while let Some(p) = text[at..].find("**").map(|p| p + at) {
        let before = text[..p].chars().next_back();
        let after = text[p + 2..].chars().next();
        if let Some(o) = open.filter(|&o| !text[o..p].contains("\n\n")) {
            if before.is_some_and(|c| !c.is_whitespace()) && p > o + 2 {
                runs.push((o, p));
                open = None;
                at = p + 2;
                continue;
            }
        }
        open = after.is_some_and(|c| !c.is_whitespace() && c != '*').then_some(p);
        at = p + 2;
    }
    runs
}

/// A block's text as plain text: Markdown bold markers removed, nothing else changed.
///
/// ```
/// assert_eq!(replydraft::text::plain_emphasis("'**Stable Homes**', 2 ** 3"), "'Stable Homes', 2 ** 3");
/// ```
pub fn plain_emphasis(text: &str) -> std::borrow::Cow<'_, str> {
    let runs = bold_runs(text);
    if runs.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (open, close) in runs {
        out.push_str(&text[from..open]);
        out.push_str(&text[open + 2..close]);
        from = close + 2;
    }
    out.push_str(&text[from..]);
    std::borrow::Cow::Owned(out)
}

/// A block's text as HTML: escaped, Markdown bold as `<strong>`.
///
/// ```
/// assert_eq!(replydraft::text::html_emphasis("**A & B** <i>"), "<strong>A &amp; B</strong> &lt;i&gt;");
/// ```
pub fn html_emphasis(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut from = 0;
    for (open, close) in bold_runs(text) {
        out.push_str(&handlebars::html_escape(&text[from..open]));
        out.push_str("<strong>");
        out.push_str(&handlebars::html_escape(&text[open + 2..close]));
        out.push_str("</strong>");
        from = close + 2;
    }
    out.push_str(&handlebars::html_escape(&text[from..]));
    out
}

/// The `{{…}}` expressions of a handlebars template, in order: for each, the offset of
/// its `{{`, of its first `}}`, and just past its end (a triple-stash's third `}`
/// included). An escaped `\{{` is literal text and skipped; an unclosed `{{` ends the
/// search.
pub(crate) fn mustaches(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let open = at + text.get(at..)?.find("{{")?;
            if text[..open].ends_with('\\') {
                at = open + 2;
                continue;
            }
            let close = open + text[open..].find("}}")?;
            let end = close + 2 + usize::from(text[close + 2..].starts_with('}'));
            at = end;
            return Some((open, close, end));
        }
    })
}

/// Where a merge field stands in a block's text, as the matcher sees it.
pub(crate) const SLOT: char = '\u{E000}';

/// `text` (a block template) with every plain merge field (`{{recipient.name}}`,
/// `{{{x}}}`) replaced by [`SLOT`]; includes, conditions and loops are kept.
pub(crate) fn slot_fields(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (open, close, end) in mustaches(text) {
        let inner = text[open + 2..close].trim_start_matches(['{', '~']).trim();
        let plain = inner.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '@' || c == '.')
            && inner != "else";
        out.push_str(&text[from..open]);
        if plain {
            out.push(SLOT);
        } else {
            out.push_str(&text[open..end]);
        }
        from = end;
    }
    out.push_str(&text[from..]);
    out
}

/// The largest char boundary of `text` at or before `i`, from the time crate (one place for it).
pub(crate) use replydraft_time::floor_char_boundary;

/// An address as it may stand in a header: one `@`, something on each side, and no
/// white space, control character or character that would end the address.
///
/// ```
/// assert!(replydraft::text::valid_email("ann.obrien@example.org"));
/// assert!(!replydraft::text::valid_email("ann@example.org\r\nBcc: all@example.org"));
/// assert!(!replydraft::text::valid_email("Ann <ann@example.org>"));
/// ```
pub fn valid_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else { return false };
    let fine = |part: &str| {
        !part.is_empty()
            && part.len() <= 255
            && part.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[]\\,;:\"@".contains(c))
    };
    fine(local) && fine(domain) && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

/// An email address in the one form it is compared, written and recorded in: white
/// space around it and invisible characters in it (zero-width spaces and joiners,
/// direction marks, byte-order marks: see [`fold_char`]) taken out, the domain in
/// lower case, the local part as written. What then is not an address ([`valid_email`]:
/// one `@`, no white space, control character or delimiter, a dotted domain) is an
/// [`Error::Address`]. Every place that reads, writes or compares an address (`reply`,
/// an email's `To:`, the log's key for a recipient) goes through this one function.
///
/// ```
/// use replydraft::text::normalize_email;
/// assert_eq!(normalize_email(" Ann\u{200B}.Lee@Example.ORG ").unwrap(), "Ann.Lee@example.org");
/// assert!(normalize_email("ann@example.org\r\nBcc: all@example.org").is_err());
/// assert!(normalize_email("ann lee@example.org").is_err());
/// ```
pub fn normalize_email(address: &str) -> Result<String> {
    let kept: String = address.trim().chars().filter(|&c| fold_char(c) != Fold::Drop).collect();
    let reject = |reason: &str| Error::Address { address: address.to_string(), reason: reason.to_string() };
    if kept.chars().any(char::is_control) {
        return Err(reject("it holds a control character (a line break?)"));
    }
    if !valid_email(&kept) {
        return Err(reject("not of the form name@domain.example, without spaces or <>()[],;:\""));
    }
    let (local, domain) = kept.rsplit_once('@').unwrap_or((&kept, ""));
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// The UK postcode in `line`, if any, in upper case without its space (`NN172AB`).
///
/// ```
/// assert_eq!(replydraft::text::uk_postcode("Corby nn17 2ab").as_deref(), Some("NN172AB"));
/// assert_eq!(replydraft::text::uk_postcode("London SW1A 0AA").as_deref(), Some("SW1A0AA"));
/// assert_eq!(replydraft::text::uk_postcode("4 Elm Road"), None);
/// ```
pub fn uk_postcode(line: &str) -> Option<String> {
    static POSTCODE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*([0-9][A-Za-z]{2})\b")
            .expect("the postcode pattern compiles")
    });
    let c = POSTCODE.captures(line)?;
    Some(format!("{}{}", &c[1], &c[2]).to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::{Fold, Folded, fold_char};

    /// The way back, one entry per folded byte (as `Folded` once kept it): the oracle.
    fn per_byte(original: &str) -> (String, Vec<usize>, Vec<usize>) {
        let (mut text, mut starts, mut ends) = (String::new(), Vec::new(), Vec::new());
        let mut pending: Option<(usize, usize)> = None;
        let mut push = |c: char, s: usize, e: usize, text: &mut String| {
            for _ in 0..c.len_utf8() {
                starts.push(s);
                ends.push(e);
            }
            text.push(c);
        };
        for (i, c) in original.char_indices() {
            match fold_char(c) {
                Fold::Drop => {}
                Fold::Space if !text.is_empty() => {
                    let end = i + c.len_utf8();
                    pending = Some(pending.map_or((i, end), |(s, _)| (s, end)));
                }
                Fold::Space => {}
                Fold::Char(x) => {
                    if let Some((s, e)) = pending.take() {
                        push(' ', s, e, &mut text);
                    }
                    push(x, i, i + c.len_utf8(), &mut text);
                }
            }
        }
        (text, starts, ends)
    }

    #[test]
    fn the_way_back_is_the_per_byte_one() {
        let letters = [
            "Rt Hon Gavin\u{00A0}\u{00A0}Williamson said \u{201C}no\u{201D}.",
            "  lead\u{200B}ing \t\n\n spaces – and dashes—here, Siobhán’s café\r\n",
            "ÀÉÎ ascii \u{FEFF}mixed Н\u{0301}омоглиф end ",
            "",
            "\u{00A0}",
        ];
        for letter in letters {
            let folded = Folded::new(letter);
            let (text, starts, ends) = per_byte(letter);
            assert_eq!(folded.text, text);
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for (n, &a) in bounds.iter().enumerate() {
                for &z in &bounds[n + 1..] {
                    assert_eq!(folded.original(a, z), (starts[a], ends[z - 1]), "{letter:?} {a}..{z}");
                }
            }
            assert_eq!(folded.original(3, 3), (0, 0));
            assert_eq!(folded.original(0, text.len() + 1), (0, 0));
        }
    }
}
