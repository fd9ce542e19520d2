//! Matching paragraphs of letters to library blocks: an inverted index of word
//! shingles picks a few candidates, and `similar` confirms and diffs them.

use crate::library::Library;
use crate::text::{bare_words, normalize, paragraphs, word_ratio, words};

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

/// Words per shingle.
const SHINGLE: usize = 3;
/// The least shingle overlap (Jaccard) for a block paragraph to be a candidate.
const MIN_OVERLAP: f32 = 0.05;

/// FNV-1a, for hashing shingles: fast, deterministic, good enough for an index.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
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

/// The shingle hashes of a word list (each distinct once).
pub(crate) fn shingles(words: &[String]) -> Vec<u64> {
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

fn hash_words(ws: &[String]) -> u64 {
    let mut h = Fnv::default();
    for w in ws {
        h.write(w.as_bytes());
        h.write(&[0xff]);
    }
    h.finish()
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
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked
    }
}

/// Where a merge field stands in a block's text, as the matcher sees it.
pub(crate) const SLOT: char = '\u{E000}';

/// `text` (a block template) with every plain merge field (`{{recipient.name}}`,
/// `{{{x}}}`) replaced by [`SLOT`]; includes, conditions and loops are kept.
pub(crate) fn slot_fields(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        // An escaped `\{{` is literal text.
        if open > 0 && rest[..open].ends_with('\\') {
            out.push_str(&rest[..open + 2]);
            rest = &rest[open + 2..];
            continue;
        }
        let Some(close) = rest[open..].find("}}") else { break };
        let inner = rest[open + 2..open + close].trim_start_matches(['{', '~']).trim();
        let plain = inner.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '@' || c == '.')
            && inner != "else";
        out.push_str(&rest[..open]);
        let end = open + close + 2 + usize::from(rest[open + close + 2..].starts_with('}'));
        if plain {
            out.push(SLOT);
        } else {
            out.push_str(&rest[open..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
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

/// One indexed paragraph of a block.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub block: usize,
    /// The paragraph, normalised.
    pub text: String,
    /// Number of words (as [`words`] counts them).
    pub words: usize,
    /// The hashes of those words, sorted: the bag of words that bounds the similarity.
    pub bag: Vec<u64>,
}

/// The sorted hashes of `ws`, for [`shared`].
fn bag(ws: &[&str]) -> Vec<u64> {
    let mut out: Vec<u64> = ws.iter().map(|w| hash_str(w)).collect();
    out.sort_unstable();
    out
}

/// How many words two bags share, counting repeats (a multiset intersection). A diff
/// can match no more words than this, so `2 * shared / (a + b)` bounds the ratio.
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
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
    n
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
        use rayon::prelude::*;
        // Paragraphs, normalised, with their shingles: in parallel, block by block.
        let prepared: Vec<Vec<(Vec<u64>, Entry)>> = library
            .blocks()
            .par_iter()
            .enumerate()
            .map(|(block_no, block)| {
                // Plain text is its own rendering.
                let rendered = if block.is_plain() {
                    std::borrow::Cow::Borrowed(block.text.as_str())
                } else {
                    match library.inner.loose.render(&block.id, &serde_json::json!({})) {
                        Ok(t) => std::borrow::Cow::Owned(t),
                        Err(_) => return Vec::new(),
                    }
                };
                paragraphs(&rendered)
                    .into_iter()
                    .filter_map(|(s, e)| {
                        let text = normalize(&rendered[s..e]);
                        let ws = bare_words(&text);
                        if ws.len() < 4 {
                            return None;
                        }
                        let all = words(&text);
                        let (words, bag) = (all.len(), bag(&all));
                        Some((shingles(&ws), Entry { block: block_no, text, words, bag }))
                    })
                    .collect()
            })
            .collect();
        let mut index = BlockIndex::default();
        for (shingles, entry) in prepared.into_iter().flatten() {
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
        let norm = normalize(paragraph);
        let ws = bare_words(&norm);
        if ws.len() < 4 {
            return None;
        }
        // Every block paragraph sharing enough shingles is a candidate; each gets an exact
        // upper bound on its similarity from the words it shares, and candidates are
        // compared in order of that bound until it falls below the best found: the
        // result is the best of all candidates, not of the first few.
        thread_local! {
            /// Per-entry counters, reused from one paragraph to the next.
            static SCRATCH: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let ranked = SCRATCH.with(|s| self.postings.ranked(&shingles(&ws), MIN_OVERLAP, &mut s.borrow_mut()));
        let best = self.pick(&norm, ranked.into_iter().map(|(_, e)| e), threshold);
        best.map(|(similarity, e)| self.matched(library, similarity, e))
    }

    /// The most similar paragraph by an exhaustive comparison with every indexed block
    /// paragraph, as [`BlockIndex::best`] would find it without its candidate stage:
    /// the reference that the index is tested against (slow on large libraries).
    pub fn best_exhaustive(&self, library: &Library, paragraph: &str, threshold: f32) -> Option<BlockMatch> {
        let norm = normalize(paragraph);
        if bare_words(&norm).len() < 4 {
            return None;
        }
        let best = self.pick(&norm, 0..self.entries.len() as u32, threshold);
        best.map(|(similarity, e)| self.matched(library, similarity, e))
    }

    /// The best of `candidates` for the normalised paragraph `norm`, as (similarity,
    /// entry). Each candidate gets an exact upper bound on its similarity from the words
    /// it shares (a diff matches no more), and candidates are compared in order of that
    /// bound until it falls below the best found; ties go to the earlier entry.
    fn pick(&self, norm: &str, candidates: impl Iterator<Item = u32>, threshold: f32) -> Option<(f32, u32)> {
        let query = words(norm);
        let query_bag = bag(&query);
        let mut bounded: Vec<(f32, u32)> = candidates
            .filter_map(|e| {
                let entry = &self.entries[e as usize];
                if entry.text.contains(SLOT) && slot_fills(&entry.text, norm).is_some() {
                    return Some((f32::INFINITY, e)); // fills the block's slots: similarity 1
                }
                let bound = 2.0 * shared(&query_bag, &entry.bag) as f32 / (query.len() + entry.words) as f32;
                (bound >= threshold).then_some((bound, e))
            })
            .collect();
        bounded.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut best: Option<(f32, u32)> = None;
        for (bound, e) in bounded {
            if best.is_some_and(|(score, _)| bound < score) {
                break;
            }
            let entry = &self.entries[e as usize];
            let score = if bound.is_infinite() { 1.0 } else { word_ratio(&query, &words(&entry.text)) };
            let better = match best {
                None => score >= threshold,
                Some((s, b)) => score > s || (score == s && e < b),
            };
            if better {
                best = Some((score, e));
            }
        }
        best
    }

    fn matched(&self, library: &Library, similarity: f32, e: u32) -> BlockMatch {
        let entry = &self.entries[e as usize];
        BlockMatch { block: library.blocks()[entry.block].id.clone(), similarity, block_text: entry.text.clone() }
    }
}

impl Library {
    /// The matching index of this library (built once, on first use).
    pub fn index(&self) -> &BlockIndex {
        self.inner.index.get_or_init(|| BlockIndex::build(self))
    }
}
