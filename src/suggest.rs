//! Suggesting a topic for an incoming message. A topic's `subjects` are the words and
//! phrases of its area ("children's social care", "kinship"); a message that names no
//! subject of any topic is about none of them (an office's library answers what it
//! has lines for, and "potholes" or "school funding" are not among them). Otherwise
//! topics are ranked by the subjects and `keywords` they match (each weighted by how
//! few topics share it) plus BM25 over the topic's title and block text. Words are
//! compared as Snowball (Porter 2) English stems, stopwords left out.

use crate::library::Library;
use crate::text::normalize;

use std::collections::HashMap;

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// How much the block text's BM25 counts against the keywords.
const TEXT_WEIGHT: f32 = 1.0;
/// Enclosures (annexes, terms of reference) are attachments, not what a reply is about.
const ENCLOSURE_WEIGHT: f32 = 0.25;

/// Words too common to say anything about a topic.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "being", "but",
    "by", "can", "could", "dear", "did", "do", "does", "for", "from", "get", "had", "has", "have", "he", "her", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "me", "more", "mp", "my", "no", "not", "of", "on", "or", "our",
    "please", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "there", "these", "they",
    "this", "those", "to", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "who", "why",
    "will", "with", "would", "you", "your",
];

/// The stems of `text`'s words, in order, stopwords left out. Words are split at
/// anything but letters, digits and apostrophes ("mixed-race" is two words), and a
/// possessive `'s` is dropped.
fn terms(text: &str) -> Vec<String> {
    thread_local! {
        static STEMMER: rust_stemmers::Stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    }
    let text = normalize(text).to_lowercase();
    STEMMER.with(|stemmer| {
        text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .map(|w| w.trim_matches('\''))
            .map(|w| w.strip_suffix("'s").unwrap_or(w))
            .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
            .map(|w| stemmer.stem(w).into_owned())
            .collect()
    })
}

/// Whether `phrase` occurs in `words` as a contiguous run.
fn contains(words: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase)
}

/// A topic and how well it fits a message.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Suggestion {
    /// Topic id.
    pub topic: String,
    /// Topic title.
    pub title: String,
    /// Score (higher fits better; comparable within one message only).
    pub score: f32,
    /// The topic's keywords the message uses.
    pub matched: Vec<String>,
}

/// One of a topic's words or phrases, as stems.
#[derive(Debug)]
struct Term {
    /// As the library writes it.
    text: String,
    stems: Vec<String>,
    /// A subject (a message must name one of some topic's), not only a keyword.
    subject: bool,
}

/// One topic's subjects and keywords and weighted term counts, built once per library.
#[derive(Debug)]
struct TopicProfile {
    keywords: Vec<Term>,
    tf: HashMap<String, f32>,
    length: f32,
}

/// Every latest topic's profile, built once per library (a `Desk` keeps it, beside its
/// library).
#[derive(Debug)]
pub(crate) struct TopicTerms {
    topics: Vec<TopicProfile>,
    avg: f32,
    /// How many topics list each subject or keyword (as stems).
    keyword_df: HashMap<Vec<String>, usize>,
}

impl TopicTerms {
    pub(crate) fn build(library: &Library) -> TopicTerms {
        let topics: Vec<TopicProfile> = library
            .latest_topics()
            .map(|t| {
                let mut tf: HashMap<String, f32> = HashMap::new();
                let mut add = |text: &str, n: f32| {
                    for w in terms(text) {
                        *tf.entry(w).or_default() += n;
                    }
                };
                add(&t.title, 1.0);
                // A topic's words are those of every edition's blocks, each block once:
                // what was written on it over the years is how people write about it.
                let mut ids: Vec<&String> = Vec::new();
                for e in library.topics().iter().filter(|e| e.id == t.id) {
                    for id in e.blocks.iter().chain(e.alternatives.iter().flatten()) {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                for id in ids {
                    let weight = match library.block(id).map(|b| b.role) {
                        Some(crate::Role::Enclosure) => ENCLOSURE_WEIGHT,
                        _ => 1.0,
                    };
                    if let Some(text) = library.block(id).and_then(|b| crate::matching::matched_text(library, b)) {
                        add(&text, weight);
                    }
                }
                // Subjects first: a keyword with a subject's stems is that subject.
                let mut keywords: Vec<Term> = Vec::new();
                let all = t.subjects.iter().map(|k| (k, true)).chain(t.keywords.iter().map(|k| (k, false)));
                for (text, subject) in all {
                    let stems = terms(text);
                    if !stems.is_empty() && !keywords.iter().any(|k| k.stems == stems) {
                        keywords.push(Term { text: text.clone(), stems, subject });
                    }
                }
                let length = tf.values().sum::<f32>();
                TopicProfile { keywords, tf, length }
            })
            .collect();
        // Each topic lists a stem sequence once, so this counts topics.
        let mut keyword_df: HashMap<Vec<String>, usize> = HashMap::new();
        for k in topics.iter().flat_map(|t| &t.keywords) {
            *keyword_df.entry(k.stems.clone()).or_default() += 1;
        }
        let avg = topics.iter().map(|t| t.length).sum::<f32>() / (topics.len() as f32).max(1.0);
        TopicTerms { topics, avg, keyword_df }
    }
}

/// The topics of `library` that fit `message`, best first, by `profiles` (the library's
/// own [`TopicTerms`]); empty when none does (see the module documentation for what
/// "fits" means).
pub(crate) fn suggest(library: &Library, profiles: &TopicTerms, message: &str) -> Vec<Suggestion> {
    let TopicTerms { topics, avg, keyword_df } = profiles;
    let n = topics.len() as f32;
    let words = terms(message);
    let mut query = words.clone();
    query.sort();
    query.dedup();
    let matched: Vec<Vec<&Term>> =
        topics.iter().map(|p| p.keywords.iter().filter(|k| contains(&words, &k.stems)).collect()).collect();
    if !matched.iter().flatten().any(|k| k.subject) {
        return Vec::new();
    }
    let mut out: Vec<Suggestion> = library
        .latest_topics()
        .zip(topics)
        .zip(matched)
        .filter_map(|((t, p), matched)| {
            let keyword_score: f32 = matched
                .iter()
                .map(|k| {
                    let df = keyword_df.get(&k.stems).copied().unwrap_or(1) as f32;
                    k.stems.len().min(2) as f32 * (1.0 + n / df).ln()
                })
                .sum();
            let text_score = query
                .iter()
                .filter_map(|w| {
                    let f = *p.tf.get(w)?;
                    let df = topics.iter().filter(|d| d.tf.contains_key(w)).count() as f32;
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    Some(idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * p.length / avg.max(1.0))))
                })
                .sum::<f32>();
            let score = keyword_score + TEXT_WEIGHT * text_score;
            (score > 0.0).then(|| Suggestion {
                topic: t.id.clone(),
                title: t.title.clone(),
                score,
                matched: matched.iter().map(|k| k.text.clone()).collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.topic.cmp(&b.topic)));
    out
}
