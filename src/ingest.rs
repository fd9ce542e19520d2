//! Ingest: turning a corpus of past letters into proposed blocks.

use crate::cluster::cluster;
use crate::error::Result;
use crate::matching::FnvBuild;
use crate::scan::time_phrases;
use crate::text::{bare_words, normalize, paragraphs, word_diff};
use jiff::ToSpan;
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;

/// How to ingest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IngestOptions {
    /// A block is proposed when at least this many letters use it (or a variant of it).
    pub min_letters: usize,
    /// Paragraphs at least this similar (word ratio) are variants of one block.
    pub threshold: f32,
    /// The `as_of` date written into proposed blocks.
    pub as_of: Date,
}

impl IngestOptions {
    /// At least 2 letters, similarity 0.8, blocks dated `as_of`.
    pub fn new(as_of: Date) -> IngestOptions {
        IngestOptions { min_letters: 2, threshold: 0.8, as_of }
    }
}

/// Distinct paragraphs seen so far, with the letters that use them. Memory grows with
/// the number of distinct paragraphs, not with the number of letters.
#[derive(Debug, Default)]
pub struct Corpus {
    names: Vec<String>,
    /// Distinct paragraphs by hash (collisions resolved by comparing texts).
    index: HashMap<u64, Vec<u32>, FnvBuild>,
    texts: Vec<String>,
    /// Letters using each distinct paragraph (ascending, unique).
    letters: Vec<Vec<u32>>,
    /// First use of each: (letter, 1-based paragraph number).
    first: Vec<(u32, u32)>,
    paragraphs: usize,
}

/// A block proposed from the corpus.
#[derive(Debug, Clone)]
pub struct Proposed {
    /// The canonical text: the variant most letters use.
    pub text: String,
    /// The letters (indices into [`Corpus::names`]) that use it or a variant.
    pub letters: Vec<u32>,
    /// Other variants and how many letters use each, most used first.
    pub variants: Vec<(String, usize)>,
    /// First use of the canonical text: (letter, paragraph).
    pub first: (u32, u32),
}

/// The paragraphs of a letter worth indexing: normalised, at least 4 words.
fn letter_paragraphs(text: &str) -> Vec<(u32, String)> {
    paragraphs(text)
        .into_iter()
        .enumerate()
        .map(|(i, (s, e))| (i as u32 + 1, normalize(&text[s..e])))
        .filter(|(_, p)| bare_words(p).len() >= 4)
        .collect()
}

impl Corpus {
    /// An empty corpus.
    pub fn new() -> Corpus {
        Corpus::default()
    }

    /// Adds letters (`(name, text)`); their paragraphs are split in parallel.
    pub fn add(&mut self, letters: Vec<(String, String)>) {
        let split: Vec<(String, Vec<(u32, String)>)> =
            letters.into_par_iter().map(|(name, text)| (name, letter_paragraphs(&text))).collect();
        for (name, paras) in split {
            let letter = self.names.len() as u32;
            self.names.push(name);
            for (no, p) in paras {
                self.paragraphs += 1;
                let hash = {
                    let mut h = crate::matching::Fnv::default();
                    std::hash::Hasher::write(&mut h, p.as_bytes());
                    std::hash::Hasher::finish(&h)
                };
                let same =
                    self.index.get(&hash).and_then(|ids| ids.iter().copied().find(|&i| self.texts[i as usize] == p));
                let id = match same {
                    Some(id) => id,
                    None => {
                        let id = self.texts.len() as u32;
                        self.index.entry(hash).or_default().push(id);
                        self.texts.push(p);
                        self.letters.push(Vec::new());
                        self.first.push((letter, no));
                        id
                    }
                };
                let users = &mut self.letters[id as usize];
                if users.last() != Some(&letter) {
                    users.push(letter);
                }
            }
        }
    }

    /// Letter names, in the order added.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// (letters, paragraphs, distinct paragraphs) seen.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.names.len(), self.paragraphs, self.texts.len())
    }

    /// Clusters the distinct paragraphs and proposes a block for each cluster used by
    /// at least `options.min_letters` letters, most used first.
    pub fn propose(&self, options: &IngestOptions) -> Vec<Proposed> {
        let weights: Vec<usize> = self.letters.iter().map(Vec::len).collect();
        let groups = cluster(&self.texts, &weights, options.threshold);
        let mut out = Vec::new();
        for g in groups {
            let mut letters: Vec<u32> = g.iter().flat_map(|&i| self.letters[i].iter().copied()).collect();
            letters.sort_unstable();
            letters.dedup();
            if letters.len() < options.min_letters {
                continue;
            }
            // The leader is the heaviest member: the canonical text.
            let canonical = g[0];
            let mut variants: Vec<(String, usize)> =
                g[1..].iter().map(|&i| (self.texts[i].clone(), weights[i])).collect();
            variants.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            out.push(Proposed { text: self.texts[canonical].clone(), letters, variants, first: self.first[canonical] });
        }
        out.sort_by_key(|p| std::cmp::Reverse(p.letters.len()));
        out
    }

    /// The proposed blocks as a library TOML file (loadable with `--library`), with
    /// usage and variants in comments and claim stubs for time-bound phrases.
    pub fn to_toml(&self, proposed: &[Proposed], options: &IngestOptions) -> String {
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let (letters, paras, distinct) = self.counts();
        let review_by = options.as_of.checked_add(6.months()).unwrap_or(options.as_of);
        let mut out = format!(
            "# Proposed blocks from {letters} letters ({paras} paragraphs, {distinct} distinct), \
             grouped at similarity {}; blocks used by at least {} letters.\n\
             # Review each block, give it a topic and role, and bind each claim stub to a fact.\n\n",
            options.threshold, options.min_letters
        );
        let mut used_ids: HashMap<String, usize> = HashMap::new();
        let mut ids = Vec::new();
        for p in proposed {
            let words = bare_words(&p.text);
            let base: String = words.iter().take(5).cloned().collect::<Vec<_>>().join("-");
            let base: String = base.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            let base = if base.is_empty() { "block".to_string() } else { base };
            let n = used_ids.entry(base.clone()).or_insert(0);
            *n += 1;
            let id = if *n == 1 { base } else { format!("{base}-{n}") };
            ids.push(id.clone());
            let title: String = p.text.split_whitespace().take(8).collect::<Vec<_>>().join(" ");
            let names: Vec<&str> = p.letters.iter().take(10).map(|&l| self.names[l as usize].as_str()).collect();
            let more = p.letters.len().saturating_sub(names.len());
            let _ = writeln!(
                out,
                "# Used by {} letters: {}{}",
                p.letters.len(),
                names.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            );
            for (v, count) in p.variants.iter().take(5) {
                let _ = writeln!(out, "# Variant ({count} letters): {}", word_diff(&p.text, v));
            }
            if p.variants.len() > 5 {
                let _ = writeln!(out, "# ... and {} more variants", p.variants.len() - 5);
            }
            // A letter's paragraph is data: template syntax is escaped.
            let text = p.text.replace("{{", "\\{{");
            let _ = writeln!(
                out,
                "[[block]]\nid = {}\ntitle = {}\ntopics = []\nrole = \"body\"\ntext = {}",
                q(&id),
                q(&title),
                q(&text)
            );
            let _ = writeln!(
                out,
                "provenance = [{{ seed = {}, paragraph = {} }}]",
                q(&self.names[p.first.0 as usize]),
                p.first.1
            );
            let _ = writeln!(out, "as_of = {}\nstatus = \"draft\"\n", options.as_of);
            for (s, e, what) in time_phrases(&p.text) {
                let quote = &p.text[s..e];
                if quote.contains("{{") {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "[[block.claim]]\nquote = {}\nkind = \"review\"\nreview_by = {review_by}\nnote = {}\n",
                    q(quote),
                    q(&format!(
                        "stub: the scanner found {what}; bind it to a fact (deadline, event, office, relative)"
                    ))
                );
            }
        }
        if !ids.is_empty() {
            let list: Vec<String> = ids.iter().map(|i| q(i)).collect();
            let _ = writeln!(
                out,
                "[[topic]]\nid = \"ingested\"\ntitle = \"Blocks proposed by ingest, most used first\"\nblocks = [{}]",
                list.join(", ")
            );
        }
        out
    }
}

/// Reads letters from paths: directories are walked (files ending `.txt`, `.eml` or
/// with no extension), files taken as given. Sorted, for deterministic output.
pub fn letter_paths(inputs: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
        for e in std::fs::read_dir(dir).map_err(|e| crate::Error::io(dir.display(), e))? {
            let p = e.map_err(|e| crate::Error::io(dir.display(), e))?.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_none_or(|x| x == "txt" || x == "eml") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for i in inputs {
        if i.is_dir() {
            walk(i, &mut out)?;
        } else {
            out.push(i.clone());
        }
    }
    out.sort();
    Ok(out)
}
