//! Ingest: turning a corpus of past letters into proposed blocks.

use crate::cluster::cluster;
use crate::error::Result;
use crate::files::{Walk, walk};
use crate::matching::FnvBuild;
use crate::scan::time_phrases;
use crate::text::{bare_words, normalize, paragraphs, word_diff};
use jiff::ToSpan;
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::HashMap;

/// How to ingest.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
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
///
/// ```
/// use replydraft::{Corpus, IngestOptions, Library, parse_date};
/// let mut corpus = Corpus::new();
/// let shared = "Thank you for writing to me about the closure of the Riverside library branch.";
/// corpus.add(vec![
///     ("a.txt".into(), format!("Dear Ann,\n\n{shared}\n\nYours sincerely,")),
///     ("b.txt".into(), format!("Dear Bob,\n\n{shared}\n\nYours sincerely,")),
/// ]);
/// let options = IngestOptions::new(parse_date("2026-11-23").unwrap());
/// let proposed = corpus.propose(&options);
/// assert!(proposed.iter().any(|p| p.text == shared));
/// // The proposed blocks are a library file that loads.
/// let toml = corpus.to_toml(&proposed, &options);
/// let library = Library::from_files([("ingested.toml".to_string(), toml)]).unwrap();
/// assert!(library.blocks().iter().any(|b| b.text == shared));
/// ```
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
    /// Other variants, as ids of the corpus's distinct paragraphs (read one with
    /// [`Corpus::paragraph`]), and how many letters use each, most used first. Ids, not
    /// copies: a large corpus's variants would double its memory.
    pub variants: Vec<(u32, usize)>,
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
                let hash = crate::matching::hash_str(&p);
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

    /// Distinct paragraph `id` (as in [`Proposed::variants`]), normalised.
    pub fn paragraph(&self, id: u32) -> &str {
        self.texts.get(id as usize).map_or("", String::as_str)
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
            let mut variants: Vec<(u32, usize)> = g[1..].iter().map(|&i| (i as u32, weights[i])).collect();
            variants
                .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| self.texts[a.0 as usize].cmp(&self.texts[b.0 as usize])));
            out.push(Proposed { text: self.texts[canonical].clone(), letters, variants, first: self.first[canonical] });
        }
        out.sort_by_key(|p| std::cmp::Reverse(p.letters.len()));
        out
    }

    /// The proposed blocks as a library TOML file (loadable with `--library`), with
    /// usage and variants in comments and claim stubs for time-bound phrases. Every
    /// value goes through the TOML serializer and every comment through
    /// [`toml_comment`], and blocks are `literal`: whatever the letters hold, the file
    /// loads, and each block renders its letter's text as it was.
    pub fn to_toml(&self, proposed: &[Proposed], options: &IngestOptions) -> String {
        let (letters, paras, distinct) = self.counts();
        let review_by = options.as_of.checked_add(6.months()).unwrap_or(options.as_of);
        let mut out = format!(
            "# Proposed blocks from {letters} letters ({paras} paragraphs, {distinct} distinct), \
             grouped at similarity {}; blocks used by at least {} letters.\n\
             # Review each block, give it a topic and role, and bind each claim stub to a fact.\n\n",
            options.threshold, options.min_letters
        );
        let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut ids = Vec::new();
        for p in proposed {
            let words = bare_words(&p.text);
            let base: String = words.iter().take(5).cloned().collect::<Vec<_>>().join("-");
            let base: String = base.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            let base = if base.is_empty() { "block".to_string() } else { base };
            let id = (1..)
                .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
                .find(|id| !used.contains(id))
                .unwrap_or_default();
            used.insert(id.clone());
            ids.push(id.clone());
            let names: Vec<&str> = p.letters.iter().take(10).map(|&l| self.names[l as usize].as_str()).collect();
            let more = p.letters.len().saturating_sub(names.len());
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            out.push_str(&toml_comment(&format!("Used by {} letters: {}{more}", p.letters.len(), names.join(", "))));
            for &(v, count) in p.variants.iter().take(5) {
                let diff = word_diff(&p.text, self.paragraph(v));
                out.push_str(&toml_comment(&format!("Variant ({count} letters): {diff}")));
            }
            if p.variants.len() > 5 {
                out.push_str(&toml_comment(&format!("... and {} more variants", p.variants.len() - 5)));
            }
            let claim = time_phrases(&p.text, options.as_of)
                .into_iter()
                .map(|(s, e, what)| ClaimStub {
                    quote: p.text[s..e].to_string(),
                    kind: "review",
                    review_by: toml_date(review_by),
                    note: format!(
                        "stub: the scanner found {what}; bind it to a fact (deadline, event, office, relative)"
                    ),
                })
                .collect();
            let block = ProposedBlock {
                id,
                title: p.text.split_whitespace().take(8).collect::<Vec<_>>().join(" "),
                topics: Vec::new(),
                role: "body",
                literal: true,
                text: p.text.clone(),
                provenance: vec![ProvenanceStub {
                    seed: self.names[p.first.0 as usize].clone(),
                    paragraph: p.first.1 as usize,
                }],
                as_of: toml_date(options.as_of),
                status: "draft",
                claim,
            };
            out.push_str(&toml::to_string(&IngestFile { block: vec![block], topic: Vec::new() }).unwrap_or_default());
            out.push('\n');
        }
        if !ids.is_empty() {
            let topic = TopicStub {
                id: "ingested".into(),
                title: "Blocks proposed by ingest, most used first".into(),
                blocks: ids,
            };
            out.push_str(&toml::to_string(&IngestFile { block: Vec::new(), topic: vec![topic] }).unwrap_or_default());
        }
        out
    }
}

/// A TOML comment line holding `text`: control characters (line breaks among them),
/// which a comment cannot hold, are written as `\u{…}` escapes.
///
/// ```
/// assert_eq!(replydraft::toml_comment("a\nb"), "# a\\u{a}b\n");
/// ```
pub fn toml_comment(text: &str) -> String {
    let mut out = String::from("# ");
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}

fn toml_date(d: Date) -> toml::value::Datetime {
    toml::value::Datetime {
        date: Some(toml::value::Date { year: d.year() as u16, month: d.month() as u8, day: d.day() as u8 }),
        time: None,
        offset: None,
    }
}

/// The shape of an ingested library file, for the serializer.
#[derive(serde::Serialize)]
struct IngestFile {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    block: Vec<ProposedBlock>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    topic: Vec<TopicStub>,
}

#[derive(serde::Serialize)]
struct ProposedBlock {
    id: String,
    title: String,
    topics: Vec<String>,
    role: &'static str,
    literal: bool,
    text: String,
    provenance: Vec<ProvenanceStub>,
    as_of: toml::value::Datetime,
    status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    claim: Vec<ClaimStub>,
}

#[derive(serde::Serialize)]
struct ProvenanceStub {
    seed: String,
    paragraph: usize,
}

#[derive(serde::Serialize)]
struct ClaimStub {
    quote: String,
    kind: &'static str,
    review_by: toml::value::Datetime,
    note: String,
}

#[derive(serde::Serialize)]
struct TopicStub {
    id: String,
    title: String,
    blocks: Vec<String>,
}

/// Finds letters in paths: directories are walked (files ending `.txt`, `.eml` or with
/// no extension; link loops end; pipes and devices are passed over, with the reason in
/// [`Walk::skipped`]), files are taken as given. Sorted, for deterministic output.
pub fn letter_paths(inputs: &[std::path::PathBuf]) -> Result<Walk> {
    walk(inputs, &|p| p.extension().is_none_or(|x| x == "txt" || x == "eml"))
}
