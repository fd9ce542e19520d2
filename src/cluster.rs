//! Grouping near-duplicate texts: used by `ingest` (paragraphs across past letters)
//! and `campaigns` (whole incoming messages).
//!
//! Greedy leader clustering: texts are taken heaviest first; each joins the most
//! similar existing leader when their word similarity (`similar`'s ratio) reaches the
//! threshold, or becomes a leader itself. Leaders are found through an inverted index
//! of word shingles, so a text is compared in full with a handful of leaders only.

use crate::matching::{Postings, shingles, word_hashes};
use crate::text::ratio_bound;
use rayon::prelude::*;

/// Leaders whose shingles overlap this little (Jaccard) are not compared in full.
const MIN_OVERLAP: f32 = 0.2;
/// Leaders compared in full per text.
const CANDIDATES: usize = 3;

/// Groups `texts` into clusters of near-duplicates. `weights[i]` orders the texts
/// (heaviest first: a cluster's first member, its leader, is its heaviest text).
/// Returns clusters as indices into `texts`, largest total weight first; every text
/// is in exactly one cluster. Deterministic for the same input.
///
/// ```
/// let texts = ["the cat sat on the mat today", "the cat sat on the mat", "a dog ran far away from home"];
/// let groups = replydraft::cluster(&texts, &[1, 1, 1], 0.8);
/// assert_eq!(groups, vec![vec![0, 1], vec![2]]);
/// ```
pub fn cluster<T: AsRef<str> + Sync>(texts: &[T], weights: &[usize], threshold: f32) -> Vec<Vec<usize>> {
    // Texts are taken heaviest first, in chunks: each chunk's shingles and word counts
    // are computed in parallel, then the greedy pass (sequential, deterministic) runs
    // over it and the shingles are dropped. Memory holds one chunk's shingles and the
    // leaders' words (as hashes), not every text's.
    const CHUNK: usize = 4096;
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(weights.get(i).copied().unwrap_or(1)), i));

    // Leaders keep their words as hashes (8 bytes a word, not a String each).
    let mut leaders: Vec<Vec<u64>> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut postings = Postings::default();
    let mut scratch: Vec<u32> = Vec::new();
    for chunk in order.chunks(CHUNK) {
        let prepared: Vec<(Vec<u64>, Vec<u64>)> = chunk
            .par_iter()
            .map(|&i| {
                let w = word_hashes(texts[i].as_ref());
                let sh = shingles(&w);
                (w, sh)
            })
            .collect();
        for (&i, (words, sh)) in chunk.iter().zip(prepared) {
            let len = words.len();
            let ranked = postings.ranked(&sh, MIN_OVERLAP, &mut scratch);
            let mut best: Option<(f32, u32)> = None;
            for (_, l) in ranked.into_iter().take(CANDIDATES) {
                let leader = &leaders[l as usize];
                if ratio_bound(len, leader.len()) < threshold {
                    continue;
                }
                let r = hashed_ratio(&words, leader);
                if r >= threshold && best.is_none_or(|(b, bl)| r > b || (r == b && l < bl)) {
                    best = Some((r, l));
                }
            }
            match best {
                Some((_, l)) => members[l as usize].push(i),
                None => {
                    postings.add(&sh);
                    leaders.push(words);
                    members.push(vec![i]);
                }
            }
        }
    }
    let weight = |g: &Vec<usize>| g.iter().map(|&i| weights.get(i).copied().unwrap_or(1)).sum::<usize>();
    members.sort_by(|a, b| weight(b).cmp(&weight(a)).then(a[0].cmp(&b[0])));
    members
}

/// [`word_ratio`](crate::text::word_ratio) on word hashes: the same diff, over
/// 8-byte items.
fn hashed_ratio(a: &[u64], b: &[u64]) -> f32 {
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, a, b);
    similar::diff_ratio(&ops, a.len(), b.len())
}

/// A group of incoming messages that share most of their text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Campaign {
    /// The message that represents the group (its first, heaviest member).
    pub representative: String,
    /// The members' names (paths), representative first.
    pub members: Vec<String>,
}

/// Groups messages (`(name, text)`) into campaigns, largest first. Messages alone in
/// their group are campaigns of one.
///
/// ```
/// let msgs = [
///     ("a".to_string(), "Please support the kinship care bill, it matters to my family. Jo".to_string()),
///     ("b".to_string(), "Please support the kinship care bill, it matters to my family. Sam".to_string()),
///     ("c".to_string(), "The potholes on Mill Lane have not been fixed for a year.".to_string()),
/// ];
/// let c = replydraft::campaigns(&msgs, 0.7);
/// assert_eq!(c[0].members, ["a", "b"]);
/// assert_eq!(c[1].members, ["c"]);
/// ```
pub fn campaigns(messages: &[(String, String)], threshold: f32) -> Vec<Campaign> {
    let texts: Vec<String> = messages.par_iter().map(|(_, t)| crate::text::normalize(t)).collect();
    let weights = vec![1; texts.len()];
    cluster(&texts, &weights, threshold)
        .into_iter()
        .map(|g| Campaign {
            representative: messages[g[0]].1.clone(),
            members: g.iter().map(|&i| messages[i].0.clone()).collect(),
        })
        .collect()
}
