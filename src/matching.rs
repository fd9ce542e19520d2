//! Matching paragraphs of letters to library blocks: an inverted index of word
//! shingles picks a few candidates, and `similar` confirms and diffs them.

use crate::library::Library;
use crate::text::{Fold, SLOT, fold_char, normalize, paragraphs, word_ratio, words};

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

/// Words per shingle.
const SHINGLE: usize = 3;
/// The least shingle overlap (Jaccard) for a block paragraph to be a candidate.
const MIN_OVERLAP: f32 = 0.05;

const FNV_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

/// One byte into an FNV-1a hash.
fn fnv_byte(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// FNV-1a, for hashing shingles: fast, deterministic, good enough for an index.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let h = if self.0 == 0 { FNV_BASIS } else { self.0 };
        self.0 = bytes.iter().fold(h, |h, b| fnv_byte(h, *b));
    }
}

#[derive(Default, Clone, Copy)]
pub(crate) struct FnvBuild;

impl BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv::default()
    }
}

/// The shingle hashes of a text's word hashes (see [`word_hashes`]), each distinct once.
pub(crate) fn shingles(words: &[u64]) -> Vec<u64> {
    let mut out: Vec<u64> =
        if words.len() < SHINGLE { vec![hash_words(words)] } else { words.windows(SHINGLE).map(hash_words).collect() };
    out.sort_unstable();
    out.dedup();
    out
}

/// The FNV hash of one string (a word, a paragraph).
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h = Fnv::default();
    h.write(s.as_bytes());
    h.finish()
}

fn hash_words(ws: &[u64]) -> u64 {
    // Order matters: each word is mixed into the running value, then multiplied.
    ws.iter().fold(FNV_BASIS, |h: u64, w| (h ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(31))
}

/// The hashes ([`hash_str`]) of the words of `text` as [`bare_words`](crate::text::bare_words)
/// finds them in the [`normalize`]d text, in order, computed without building either:
/// words are split at white space (as the normalised text is), and an ASCII word is
/// trimmed, lowercased and hashed in place; any other word is folded first.
pub(crate) fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut folded = String::new();
    for token in text.split(char::is_whitespace) {
        if token.is_ascii() {
            let w = token.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if !w.is_empty() {
                out.push(w.bytes().fold(FNV_BASIS, |h, b| fnv_byte(h, b.to_ascii_lowercase())));
            }
        } else {
            folded.clear();
            folded.extend(token.chars().filter_map(|c| match fold_char(c) {
                Fold::Char(c) => Some(c),
                _ => None,
            }));
            let w = folded.trim_matches(|c: char| !c.is_alphanumeric());
            if !w.is_empty() {
                out.push(hash_str(&w.to_lowercase()));
            }
        }
    }
    out
}

/// Which items (numbered in the order added) hold each shingle: the candidate
/// finder shared by block matching and clustering.
#[derive(Debug, Default)]
pub(crate) struct Postings {
    map: HashMap<u64, Vec<u32>, FnvBuild>,
    sizes: Vec<usize>,
}

impl Postings {
    /// Adds an item with these (distinct) shingles; returns its number.
    pub(crate) fn add(&mut self, shingles: &[u64]) -> u32 {
        let id = self.sizes.len() as u32;
        for h in shingles {
            self.map.entry(*h).or_default().push(id);
        }
        self.sizes.push(shingles.len());
        id
    }

    /// Items sharing shingles with `query`, as (Jaccard overlap, item), best first, at
    /// least `min`. `scratch` holds per-item counters between calls (all zero again on return).
    pub(crate) fn ranked(&self, query: &[u64], min: f32, scratch: &mut Vec<u32>) -> Vec<(f32, u32)> {
        let mut ranked = self.overlapping(query, min, scratch);
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked
    }

    /// As [`Postings::ranked`], but only the best comes first; the rest are in no order
    /// (for a caller that bounds every candidate anyway: sorting thousands costs more).
    pub(crate) fn overlapping(&self, query: &[u64], min: f32, scratch: &mut Vec<u32>) -> Vec<(f32, u32)> {
        scratch.resize(self.sizes.len(), 0);
        let mut touched: Vec<u32> = Vec::new();
        for h in query {
            for &e in self.map.get(h).map_or(&[][..], Vec::as_slice) {
                let c = &mut scratch[e as usize];
                if *c == 0 {
                    touched.push(e);
                }
                *c += 1;
            }
        }
        let mut ranked: Vec<(f32, u32)> = touched
            .into_iter()
            .map(|e| {
                let c = std::mem::take(&mut scratch[e as usize]) as f32;
                (c / (query.len() as f32 + self.sizes[e as usize] as f32 - c).max(1.0), e)
            })
            .filter(|(score, _)| *score >= min)
            .collect();
        let best = (0..ranked.len()).min_by(|&a, &b| {
            let (a, b) = (ranked[a], ranked[b]);
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
        });
        if let Some(best) = best {
            ranked.swap(0, best);
        }
        ranked
    }
}

/// Where `query` fills the [`SLOT`]s of `pattern`: the byte range of each slot's text in
/// `query`, if `query` is `pattern` with every slot filled by some non-empty text.
///
/// (Slot contents are the letter's own words, to be read as free text.)
pub(crate) fn slot_fills(pattern: &str, query: &str) -> Option<Vec<(usize, usize)>> {
    let chunks: Vec<&str> = pattern.split(SLOT).collect();
    let (first, last) = (chunks[0], chunks[chunks.len() - 1]);
    if chunks.len() < 2 || !query.starts_with(first) || !query[first.len()..].ends_with(last) {
        return None;
    }
    let end = query.len() - last.len();
    if end < first.len() {
        return None;
    }
    let mut fills = Vec::with_capacity(chunks.len() - 1);
    let mut pos = first.len();
    for mid in &chunks[1..chunks.len() - 1] {
        // A fill holds at least one character.
        let skip = query[pos..end].chars().next()?.len_utf8();
        let p = query[pos + skip..end].find(mid)?;
        fills.push((pos, pos + skip + p));
        pos += skip + p + mid.len();
    }
    if pos >= end {
        return None;
    }
    fills.push((pos, end));
    Some(fills)
}

/// One block paragraph, as the matcher compares it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub block: usize,
    /// The paragraph, normalised.
    pub text: String,
    /// Number of words (as [`words`] counts them).
    pub words: usize,
    /// The hashes of those words, sorted: the bag of words that bounds the similarity.
    pub bag: Vec<u64>,
    /// Whether the text has merge slots ([`SLOT`]), read once.
    pub slotted: bool,
}

impl Entry {
    fn new(block: usize, paragraph: &str) -> Entry {
        let text = normalize(paragraph);
        let all = words(&text);
        let (words, bag) = (all.len(), bag(&all));
        let slotted = text.contains(SLOT);
        Entry { block, text, words, bag, slotted }
    }
}

/// The sorted hashes of `ws`, for [`shared`].
fn bag(ws: &[&str]) -> Vec<u64> {
    let mut out: Vec<u64> = ws.iter().map(|w| hash_str(w)).collect();
    out.sort_unstable();
    out
}

/// How many words two bags share, counting repeats (a multiset intersection), if at
/// least `need`: the merge stops as soon as the words left cannot reach it. A diff can
/// match no more words than this, so `2 * shared / (a + b)` bounds the ratio.
fn shared(a: &[u64], b: &[u64], need: usize) -> Option<usize> {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if n + (a.len() - i).min(b.len() - j) < need {
            return None;
        }
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (n >= need).then_some(n)
}

/// A paragraph's best block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockMatch {
    /// The block id.
    pub block: String,
    /// Word similarity, 0 to 1 (`similar`'s ratio over normalised words).
    pub similarity: f32,
    /// The block paragraph's normalised text (`{{…}}` where a merge field goes).
    pub block_text: String,
}

/// A block's text as the matcher reads it: plain text is its own rendering (without
/// Markdown bold markers, as a plain-text letter shows it); a template
/// is rendered with no data (includes expanded, merge fields as slot markers). `None`
/// when it cannot be rendered.
pub(crate) fn matched_text<'a>(
    library: &Library,
    block: &'a crate::library::Block,
) -> Option<std::borrow::Cow<'a, str>> {
    if block.has_emphasis() {
        // As a plain-text letter shows it: Markdown bold markers dropped.
        Some(crate::text::plain_emphasis(&block.text))
    } else if block.is_plain() {
        Some(std::borrow::Cow::Borrowed(&block.text))
    } else {
        library.inner.loose.render(&block.id, &serde_json::json!({})).ok().map(std::borrow::Cow::Owned)
    }
}

/// Calls `f` with every paragraph of every block that has enough words to be matched,
/// with its word hashes, in the order the index numbers them (by block, then paragraph);
/// blocks are read in parallel. Returns what `f` returns, in that order.
fn each_paragraph<T: Send>(library: &Library, f: impl Fn(usize, &str, &[u64]) -> Option<T> + Sync) -> Vec<T> {
    use rayon::prelude::*;
    let per_block: Vec<Vec<T>> = library
        .blocks()
        .par_iter()
        .enumerate()
        .map(|(block_no, block)| {
            let Some(text) = matched_text(library, block) else { return Vec::new() };
            paragraphs(&text)
                .into_iter()
                .filter_map(|(s, e)| {
                    let ws = word_hashes(&text[s..e]);
                    if ws.len() < 4 { None } else { f(block_no, &text[s..e], &ws) }
                })
                .collect()
        })
        .collect();
    per_block.into_iter().flatten().collect()
}

/// An inverted index from word shingles to block paragraphs.
#[derive(Debug, Default)]
pub struct BlockIndex {
    entries: Vec<Entry>,
    postings: Postings,
}

impl BlockIndex {
    /// Indexes every paragraph of every block of `library` (includes expanded,
    /// merge fields left empty).
    pub fn build(library: &Library) -> BlockIndex {
        let prepared = each_paragraph(library, |block, text, ws| Some((shingles(ws), Entry::new(block, text))));
        let mut index = BlockIndex::default();
        for (shingles, entry) in prepared {
            index.postings.add(&shingles);
            index.entries.push(entry);
        }
        index
    }

    /// Number of indexed paragraphs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The most similar block paragraph to `paragraph` with a similarity of at least
    /// `threshold`, if any.
    pub fn best(&self, library: &Library, paragraph: &str, threshold: f32) -> Option<BlockMatch> {
        let ws = word_hashes(paragraph);
        if ws.len() < 4 {
            return None;
        }
        // Every block paragraph sharing enough shingles is a candidate.
        thread_local! {
            /// Per-entry counters, reused from one paragraph to the next.
            static SCRATCH: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let ranked = SCRATCH.with(|s| self.postings.overlapping(&shingles(&ws), MIN_OVERLAP, &mut s.borrow_mut()));
        let candidates = ranked.into_iter().map(|(_, e)| (e as usize, &self.entries[e as usize]));
        pick(&normalize(paragraph), candidates, threshold)
            .map(|(similarity, _, entry)| matched(library, similarity, entry))
    }

    /// The most similar paragraph by an exhaustive comparison with every indexed block
    /// paragraph, as [`BlockIndex::best`] would find it without its candidate stage:
    /// the reference that the index is tested against (slow on large libraries).
    pub fn best_exhaustive(&self, library: &Library, paragraph: &str, threshold: f32) -> Option<BlockMatch> {
        if word_hashes(paragraph).len() < 4 {
            return None;
        }
        pick(&normalize(paragraph), self.entries.iter().enumerate(), threshold)
            .map(|(similarity, _, entry)| matched(library, similarity, entry))
    }
}

/// The best of `candidates` (each with a key: ties go to the smaller) for the
/// normalised paragraph `norm`, as (similarity, key, entry). Each candidate gets an
/// exact upper bound on its similarity from the words it shares (a diff matches no
/// more), and candidates are compared in order of that bound until it falls below the
/// best found: the result is the best of all candidates, not of the first few.
fn pick<'a, K: Ord + Copy>(
    norm: &str,
    candidates: impl Iterator<Item = (K, &'a Entry)>,
    threshold: f32,
) -> Option<(f32, K, &'a Entry)> {
    let query = words(norm);
    let query_bag = bag(&query);
    let exact = |entry: &Entry| {
        if entry.slotted && slot_fills(&entry.text, norm).is_some() {
            1.0 // fills the block's slots
        } else {
            word_ratio(&query, &words(&entry.text))
        }
    };
    // The first candidate (the index's best-ranked) is scored at once: a candidate
    // whose bound is below its score cannot beat it, and most bounds are not computed.
    let mut candidates = candidates.peekable();
    let seed = candidates.peek().map(|&(k, entry)| (exact(entry), k, entry)).filter(|s| s.0 >= threshold);
    let floor = seed.map_or(threshold, |s| s.0);
    let mut bounded: Vec<(f32, K, &Entry)> = candidates
        .filter(|(k, _)| seed.is_none_or(|s| s.1 != *k))
        .filter_map(|(k, entry)| {
            if entry.slotted && slot_fills(&entry.text, norm).is_some() {
                return Some((f32::INFINITY, k, entry)); // fills the block's slots: similarity 1
            }
            // The lengths alone bound the words shared; the bags only when that passes.
            let total = (query.len() + entry.words) as f32;
            if 2.0 * query.len().min(entry.words) as f32 / total < floor {
                return None;
            }
            // The fewest shared words whose bound reaches the floor (less one, for rounding).
            let need = ((floor * total / 2.0).ceil() as usize).saturating_sub(1);
            let bound = 2.0 * shared(&query_bag, &entry.bag, need)? as f32 / total;
            (bound >= floor).then_some((bound, k, entry))
        })
        .collect();
    bounded.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut best: Option<(f32, K, &Entry)> = seed;
    for (bound, k, entry) in bounded {
        if best.is_some_and(|(score, _, _)| bound < score) {
            break;
        }
        let score = if bound.is_infinite() { 1.0 } else { exact(entry) };
        let better = match best {
            None => score >= threshold,
            Some((s, b, _)) => score > s || (score == s && k < b),
        };
        if better {
            best = Some((score, k, entry));
        }
    }
    best
}

fn matched(library: &Library, similarity: f32, entry: &Entry) -> BlockMatch {
    BlockMatch { block: library.blocks()[entry.block].id.clone(), similarity, block_text: entry.text.clone() }
}

/// The best block for each of `paragraphs` without an index: every block paragraph's
/// shingles are compared with the paragraphs' own (a few hundred), and only the block
/// paragraphs that share enough become candidates. The same candidates and the same
/// answers as [`BlockIndex::best`]; for a letter or two this costs a fraction of
/// building the index.
fn best_by_scan(library: &Library, queries: &[&str], threshold: f32) -> Vec<Option<BlockMatch>> {
    let query_shingles: Vec<Vec<u64>> = queries
        .iter()
        .map(|q| {
            let ws = word_hashes(q);
            if ws.len() < 4 { Vec::new() } else { shingles(&ws) }
        })
        .collect();
    let mut holders: HashMap<u64, Vec<u32>, FnvBuild> = HashMap::default();
    for (q, sh) in query_shingles.iter().enumerate() {
        for h in sh {
            holders.entry(*h).or_default().push(q as u32);
        }
    }
    if holders.is_empty() {
        return vec![None; queries.len()];
    }
    // (entry number within its block's order, queries it is a candidate for, entry)
    let found: Vec<(Vec<u32>, Entry)> = each_paragraph(library, |block, text, ws| {
        let sh = shingles(ws);
        let mut counts = vec![0u32; queries.len()];
        for h in &sh {
            for &q in holders.get(h).map_or(&[][..], Vec::as_slice) {
                counts[q as usize] += 1;
            }
        }
        let wanted: Vec<u32> = (0..queries.len() as u32)
            .filter(|&q| {
                let c = counts[q as usize] as f32;
                c > 0.0 && c / (query_shingles[q as usize].len() as f32 + sh.len() as f32 - c).max(1.0) >= MIN_OVERLAP
            })
            .collect();
        (!wanted.is_empty()).then(|| (wanted, Entry::new(block, text)))
    });
    queries
        .iter()
        .enumerate()
        .map(|(q, paragraph)| {
            if query_shingles[q].is_empty() {
                return None;
            }
            let candidates =
                found.iter().enumerate().filter(|(_, (qs, _))| qs.contains(&(q as u32))).map(|(k, (_, e))| (k, e));
            pick(&normalize(paragraph), candidates, threshold)
                .map(|(similarity, _, entry)| matched(library, similarity, entry))
        })
        .collect()
}

/// Letters matched by scanning before the index is built: scanning one letter costs
/// about as much as a tenth of the index.
const SCANNED_LETTERS: usize = 4;

/// A letter of more paragraphs than this is matched with the index (built for it if
/// need be): scanning compares each of its paragraphs with every block, the index
/// only with those that share enough of its shingles.
const SCANNED_PARAGRAPHS: usize = 256;

/// A library's matching index, built on first need: the first few letters are matched
/// by scanning every block ([`best_by_scan`]), and the index is built once from the
/// next one on. A `Desk` keeps one beside its library, and passes that same library
/// to every call.
#[derive(Debug, Default)]
pub(crate) struct Matcher {
    index: std::sync::OnceLock<BlockIndex>,
    /// How many letters were matched without the index.
    scans: std::sync::atomic::AtomicUsize,
}

impl Matcher {
    /// The index of `library` (built once, on first use).
    pub(crate) fn index(&self, library: &Library) -> &BlockIndex {
        self.index.get_or_init(|| BlockIndex::build(library))
    }

    /// The best block of `library` for each of `paragraphs` (each at least `threshold`
    /// similar), as [`BlockIndex::best`] finds it. The first few calls compare the
    /// paragraphs with every block without building the index (one check of one letter
    /// does not pay for an index of the whole library); later ones build it once and
    /// use it. The answers are the same either way.
    pub(crate) fn best_blocks(
        &self,
        library: &Library,
        paragraphs: &[&str],
        threshold: f32,
    ) -> Vec<Option<BlockMatch>> {
        use std::sync::atomic::Ordering;
        let index = match self.index.get() {
            Some(index) => index,
            None if paragraphs.len() <= SCANNED_PARAGRAPHS
                && self.scans.fetch_add(1, Ordering::Relaxed) < SCANNED_LETTERS =>
            {
                return best_by_scan(library, paragraphs, threshold);
            }
            None => self.index(library),
        };
        // A long letter's paragraphs are matched on every core (each on its own).
        if paragraphs.len() > SCANNED_PARAGRAPHS {
            use rayon::prelude::*;
            return paragraphs.par_iter().map(|p| index.best(library, p, threshold)).collect();
        }
        paragraphs.iter().map(|p| index.best(library, p, threshold)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass word hashes are the hashes of the bare words of the normalised
        /// text, whatever the text holds (white space of every kind, invisible
        /// characters, homoglyphs, letters whose case changes their length).
        #[test]
        fn word_hashes_are_those_of_the_bare_words(text in "([a-zA-Z0-9,.;'()\\- ]|\u{0B}|\u{A0}|\u{200B}|\u{2019}|\u{041D}|\u{3A3}|\u{130}|\u{1E9E}|\u{2028}|\u{85}|é){0,40}") {
            let expected: Vec<u64> =
                crate::text::bare_words(&normalize(&text)).iter().map(|w| hash_str(w)).collect();
            prop_assert_eq!(word_hashes(&text), expected);
        }
    }

    #[test]
    fn shingles_depend_on_word_order() {
        let (a, b, c) = (hash_str("a"), hash_str("b"), hash_str("c"));
        assert_ne!(shingles(&[a, b, c]), shingles(&[c, b, a]));
        assert_eq!(shingles(&[a, b, c, a, b, c]).len(), 3);
    }
}
