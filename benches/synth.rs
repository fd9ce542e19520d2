//! Synthetic corpora made from the real blocks, with word-level perturbations and
//! fixed seeds. Shared by the benches and the tests (`#[path]`-included).
#![allow(dead_code)]

use replydraft::{Desk, Library};

/// xorshift64*: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

const VOCAB: &[&str] = &[
    "council",
    "support",
    "families",
    "local",
    "services",
    "funding",
    "children",
    "schools",
    "community",
    "housing",
    "review",
    "plan",
    "minister",
    "people",
    "care",
    "health",
    "report",
    "work",
    "year",
    "new",
];

/// `text` with about `rate` of its words deleted, replaced, duplicated or swapped.
pub fn perturb(text: &str, rate: f64, rng: &mut Rng) -> String {
    let mut words: Vec<String> = text.split_whitespace().map(String::from).collect();
    let mut out = Vec::with_capacity(words.len() + 4);
    let mut i = 0;
    while i < words.len() {
        if rng.chance(rate) {
            match rng.below(4) {
                0 => {}
                1 => out.push(VOCAB[rng.below(VOCAB.len())].to_string()),
                2 => {
                    out.push(words[i].clone());
                    out.push(words[i].clone());
                }
                _ => {
                    if i + 1 < words.len() {
                        words.swap(i, i + 1);
                    }
                    out.push(words[i].clone());
                }
            }
        } else {
            out.push(words[i].clone());
        }
        i += 1;
    }
    out.join(" ")
}

/// The paragraphs of the embedded library's blocks (merge fields filled with sample values).
pub fn source_paragraphs() -> Vec<String> {
    let desk = Desk::new(Library::embedded().unwrap());
    let library = desk.library();
    let mut out = Vec::new();
    for topic in library.topics() {
        let mut r = replydraft::DraftRequest::new(topic.id.clone(), replydraft::parse_date("2023-01-01").unwrap());
        r.layout = Some("body".into());
        r.include = topic.optional.clone();
        r.recipient.fields.insert("organisation".into(), "Home for Good".into());
        r.recipient.fields.insert("letter_date".into(), "17th December".into());
        let text = desk.draft(&r).unwrap().text;
        for (s, e) in replydraft::text::paragraphs(&text) {
            let p = replydraft::text::normalize(&text[s..e]);
            if p.split_whitespace().count() >= 8 && !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// Source paragraphs that are not near-duplicates of each other (word ratio < 0.5),
/// so that each is a separate ground-truth group.
pub fn distinct_sources() -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for p in source_paragraphs() {
        let w: Vec<&str> = p.split_whitespace().collect();
        if kept.iter().all(|k| replydraft::text::word_ratio(&w, &k.split_whitespace().collect::<Vec<_>>()) < 0.5) {
            kept.push(p);
        }
    }
    kept
}

/// A library of `n` blocks: perturbed copies of the real paragraphs, as library files.
pub fn library_files(n: usize, seed: u64) -> Vec<(String, String)> {
    let sources = source_paragraphs();
    let mut rng = Rng::new(seed);
    let mut toml = String::new();
    for i in 0..n {
        let src = &sources[i % sources.len()];
        let text = if i < sources.len() { src.clone() } else { perturb(src, 0.15, &mut rng) };
        let text = toml::Value::String(text.replace("{{", "\\{{")).to_string();
        toml.push_str(&format!(
            "[[block]]\nid = \"b{i}\"\ntitle = \"t\"\nrole = \"body\"\ntext = {text}\nas_of = 2023-01-01\n\n"
        ));
    }
    vec![("blocks.toml".to_string(), toml)]
}

/// `n` letters: each takes 3 to 6 source paragraphs (by index, returned as ground
/// truth), perturbed at `rate`, with a greeting line.
pub fn letters(n: usize, sources: &[String], rate: f64, seed: u64) -> Vec<(String, String, Vec<usize>)> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let k = 3 + rng.below(4);
            let picks: Vec<usize> = (0..k).map(|_| rng.below(sources.len())).collect();
            let mut text = format!("Dear Resident {i},\n\n");
            for &p in &picks {
                text.push_str(&perturb(&sources[p], rate, &mut rng));
                text.push_str("\n\n");
            }
            (format!("letter-{i:06}.txt"), text, picks)
        })
        .collect()
}

/// `n` incoming messages in `groups` campaigns plus singletons: returns (name, text,
/// campaign id or None).
pub fn campaign_messages(n: usize, groups: usize, seed: u64) -> Vec<(String, String, Option<usize>)> {
    let sources = source_paragraphs();
    let mut rng = Rng::new(seed);
    // Each campaign takes two source paragraphs no other campaign uses.
    let mut order: Vec<usize> = (0..sources.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let templates: Vec<String> = (0..groups)
        .map(|g| {
            let (a, b) = (order[(2 * g) % order.len()], order[(2 * g + 1) % order.len()]);
            format!("{} {}", sources[a], sources[b])
        })
        .collect();
    let vocab: Vec<&str> = sources.iter().flat_map(|s| s.split_whitespace()).collect();
    (0..n)
        .map(|i| {
            if i % 10 == 9 {
                // A singleton: words drawn at random from the whole vocabulary.
                let len = 60 + rng.below(60);
                let text: Vec<&str> = (0..len).map(|_| vocab[rng.below(vocab.len())]).collect();
                (format!("msg-{i:06}.txt"), text.join(" "), None)
            } else {
                let g = rng.below(groups);
                let text = format!("Dear MP, {} Yours, Constituent {i}", perturb(&templates[g], 0.04, &mut rng));
                (format!("msg-{i:06}.txt"), text, Some(g))
            }
        })
        .collect()
}

/// Pairwise precision and recall of `predicted` groups against `truth` labels (items
/// with label None are singletons in the truth).
pub fn pair_scores(predicted: &[Vec<usize>], truth: &[Option<usize>]) -> (f64, f64) {
    let mut label = vec![0usize; truth.len()];
    for (g, members) in predicted.iter().enumerate() {
        for &m in members {
            label[m] = g;
        }
    }
    let (mut tp, mut fp, mut fneg) = (0u64, 0u64, 0u64);
    for i in 0..truth.len() {
        for j in i + 1..truth.len() {
            let same_true = truth[i].is_some() && truth[i] == truth[j];
            let same_pred = label[i] == label[j];
            match (same_pred, same_true) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fneg += 1,
                _ => {}
            }
        }
    }
    (tp as f64 / (tp + fp).max(1) as f64, tp as f64 / (tp + fneg).max(1) as f64)
}
