//! Suggesting a topic for an incoming message: BM25 over each topic's title,
//! keywords (counted three times) and the text of its blocks.

use crate::library::Library;
use crate::text::bare_words;

use std::collections::HashMap;

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// How many times a topic's title and keywords count, against its block text.
const KEYWORD_WEIGHT: f32 = 3.0;
/// Enclosures (annexes, terms of reference) are attachments, not what a reply is about.
const ENCLOSURE_WEIGHT: f32 = 0.25;

/// A light stem: plural and common verb endings off, so "recommend" meets "recommendations".
fn stem(word: &str) -> String {
    let w = word.strip_suffix("'s").unwrap_or(word);
    for suffix in ["ations", "ation", "ings", "ing", "ies", "ed", "es", "s"] {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.chars().count() >= 4 {
                return base.to_string();
            }
        }
    }
    w.to_string()
}

/// Words too common to say anything about a topic.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "being", "but", "by",
    "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "me", "more", "my", "no", "not", "of", "on", "or", "our", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "them", "there", "these", "they", "this", "those", "to", "up",
    "us", "very", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you",
    "your",
];

fn terms(text: &str) -> impl Iterator<Item = String> {
    bare_words(text).into_iter().filter(|w| !STOPWORDS.contains(&w.as_str())).map(|w| stem(&w))
}

/// A topic and how well it fits a message.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Suggestion {
    /// Topic id.
    pub topic: String,
    /// Topic title.
    pub title: String,
    /// BM25 score (higher fits better; comparable within one message only).
    pub score: f32,
}

/// Each topic's weighted term counts, built once per library.
#[derive(Debug)]
pub(crate) struct TopicTerms {
    docs: Vec<HashMap<String, f32>>,
    lengths: Vec<f32>,
    avg: f32,
}

impl TopicTerms {
    fn build(library: &Library) -> TopicTerms {
        let docs: Vec<HashMap<String, f32>> = library
            .topics()
            .iter()
            .map(|t| {
                let mut tf: HashMap<String, f32> = HashMap::new();
                let mut add = |text: &str, n: f32| {
                    for w in terms(text) {
                        *tf.entry(w).or_default() += n;
                    }
                };
                add(&t.title, KEYWORD_WEIGHT);
                for k in &t.keywords {
                    add(k, KEYWORD_WEIGHT);
                }
                for id in t.blocks.iter().chain(t.alternatives.iter().flatten()) {
                    let weight = match library.block(id).map(|b| b.role) {
                        Some(crate::Role::Enclosure) => ENCLOSURE_WEIGHT,
                        _ => 1.0,
                    };
                    if let Ok(text) = library.inner.loose.render(id, &serde_json::json!({})) {
                        add(&text, weight);
                    }
                }
                tf
            })
            .collect();
        let lengths: Vec<f32> = docs.iter().map(|d| d.values().sum::<f32>()).collect();
        let avg = lengths.iter().sum::<f32>() / (docs.len() as f32).max(1.0);
        TopicTerms { docs, lengths, avg }
    }
}

impl Library {
    /// The library's topics ranked for `message`, best first (topics scoring 0 are left out).
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let s = library.suggest("I am worried about funding for secure children's homes and unregulated provision.");
    /// assert_eq!(s[0].topic, "care-funding");
    /// ```
    pub fn suggest(&self, message: &str) -> Vec<Suggestion> {
        let TopicTerms { docs, lengths, avg } = self.inner.topic_terms.get_or_init(|| TopicTerms::build(self));
        let n = docs.len() as f32;
        let mut query: Vec<String> = terms(message).collect();
        query.sort();
        query.dedup();
        let mut out: Vec<Suggestion> = self
            .topics()
            .iter()
            .zip(docs)
            .zip(lengths)
            .map(|((t, tf), len)| {
                let score = query
                    .iter()
                    .filter_map(|w| {
                        let f = *tf.get(w)?;
                        let df = docs.iter().filter(|d| d.contains_key(w)).count() as f32;
                        let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                        Some(idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg.max(1.0))))
                    })
                    .sum::<f32>();
                Suggestion { topic: t.id.clone(), title: t.title.clone(), score }
            })
            .filter(|s| s.score > 0.0)
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.topic.cmp(&b.topic)));
        out
    }
}
