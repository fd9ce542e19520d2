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
        Error::Request(format!(
            "{name}:{line}: not UTF-8 text (invalid byte at offset {at}); convert it to UTF-8 first"
        ))
    })
}

/// Straightens curly quotes and apostrophes, turns non-breaking spaces into spaces,
/// and folds every run of white space into one space.
///
/// ```
/// assert_eq!(replydraft::text::normalize("children\u{2019}s  \n care"), "children's care");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
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
    for line in text.split_inclusive('\n') {
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
    // The normalised haystack, and for each of its bytes the original byte offset.
    let mut norm = String::with_capacity(haystack.len());
    let mut map: Vec<usize> = Vec::with_capacity(haystack.len());
    let mut ends: Vec<usize> = Vec::with_capacity(haystack.len());
    let mut pending_space: Option<usize> = None;
    for (i, c) in haystack.char_indices() {
        let n = normalize(c.encode_utf8(&mut [0; 4]));
        if n.is_empty() {
            if !norm.is_empty() && pending_space.is_none() {
                pending_space = Some(i);
            }
            continue;
        }
        if let Some(sp) = pending_space.take() {
            norm.push(' ');
            map.push(sp);
            ends.push(sp + 1);
        }
        for _ in 0..n.len() {
            map.push(i);
            ends.push(i + c.len_utf8());
        }
        norm.push_str(&n);
    }
    let p = norm.find(&needle)?;
    Some((map[p], ends[p + needle.len() - 1]))
}
