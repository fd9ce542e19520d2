//! Clauses: the finite verb groups of a sentence, each with its tense, aspect,
//! modality, negation and the subject before it, classed (the Government, a body, a
//! bill or scheme, a figure, the signer, the reader, a generic subject, a pronoun).
//! Recognition only: what a clause claims, and whether that is still true, is the
//! rules' to judge (`src/rules/claims.rs`).
//!
//! Open-class words (verbs and their forms, nouns, adjectives, adverbs) come from a
//! curated English lexicon: Harper's dictionary (Apache-2.0, `src/clauses/lexicon/`),
//! read once on first use with its affix rules, so that "remains", "launched",
//! "built" and "spending" are known for the verb forms they are. The closed classes
//! (auxiliaries, modals, negators, the words that class a subject) are data,
//! `src/clauses/words.toml`. Every offset is a byte offset on the text given; no input
//! makes the reader panic (it is fuzzed with the rest of `check`).
//!
//! ```text
//! "The Bill also makes no provision for safe routes."
//!  └ subject: the Bill (a document) · verb group: "makes" · present, positive
//! "The Government has been spending £6m a day."
//!  └ subject: the Government · "has been spending" · present perfect, progressive
//! ```

use crate::timex::rules::{RulesError, Source};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The tense of a finite verb group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tense {
    /// "announced", "was", "had published", "did not".
    Past,
    /// "is", "remains", "can", "is looking".
    Present,
    /// "has launched", "have been spending".
    PresentPerfect,
    /// "will", "shall", "is going to".
    Future,
    /// "would", "could", "might", "may".
    Conditional,
}

/// What a clause's subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    /// The Government, Ministers, a Secretary of State.
    Government,
    /// A department, a council, a court, a named organisation.
    Body,
    /// A bill, an Act, a scheme, a policy, a document.
    Document,
    /// A figure ("480,000 people", "45% of members").
    Figure,
    /// "I", "we": the letter's signer.
    Signer,
    /// "You": the reader.
    Addressee,
    /// A class of people or things ("children", "families").
    Generic,
    /// "It", "this", "which": something named before.
    Pronoun,
    /// "There is…", "there are…".
    Existential,
    /// A proper name not classed otherwise ("Section 21", "Shell").
    Named,
    /// Any other noun phrase.
    Other,
    /// No subject before the group (an imperative, a shared subject not found).
    Missing,
}

/// One finite verb group and its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    /// The subject's byte span (empty, at the group's start, when it is missing).
    pub(crate) subject: (usize, usize),
    /// What the subject is.
    pub(crate) class: Subject,
    /// Whether the subject opens with a determiner or possessive ("the", "this", "our").
    pub(crate) determined: bool,
    /// The verb group's byte span ("has been spending").
    pub(crate) group: (usize, usize),
    pub(crate) tense: Tense,
    /// "is looking", "has been spending".
    pub(crate) progressive: bool,
    /// "has launched", "had been", "will have".
    pub(crate) perfect: bool,
    /// "is expected", "was published".
    pub(crate) passive: bool,
    /// The modal, lowercase ("will", "would", "can"), if the group has one.
    pub(crate) modal: Option<String>,
    pub(crate) negated: bool,
    /// The group's main verb, lowercase ("spending"; "is" when "be" is the main verb).
    pub(crate) verb: String,
    /// "Be" (or "have") is the main verb: what follows is a complement, not an action.
    pub(crate) copula: bool,
    /// The byte span of the word after the group (the complement's first word), if any.
    pub(crate) next: Option<(usize, usize)>,
    /// Where the clause ends: the next clause boundary or the sentence's end.
    pub(crate) end: usize,
}

// ---------------------------------------------------------------------------------
// The lexicon.

/// What the lexicon knows of a word: a set of part-of-speech and verb-form bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tags(u32);

impl Tags {
    pub(crate) const NOUN: Tags = Tags(1);
    pub(crate) const PROPER: Tags = Tags(1 << 1);
    pub(crate) const PLURAL: Tags = Tags(1 << 2);
    pub(crate) const VERB: Tags = Tags(1 << 3);
    pub(crate) const LEMMA: Tags = Tags(1 << 4);
    pub(crate) const THIRD: Tags = Tags(1 << 5);
    /// A regular past form ("-ed"): simple past and past participle.
    pub(crate) const PAST: Tags = Tags(1 << 6);
    pub(crate) const PRETERITE: Tags = Tags(1 << 7);
    pub(crate) const PARTICIPLE: Tags = Tags(1 << 8);
    pub(crate) const PROGRESSIVE: Tags = Tags(1 << 9);
    pub(crate) const ADJECTIVE: Tags = Tags(1 << 10);
    pub(crate) const SUPERLATIVE: Tags = Tags(1 << 11);
    pub(crate) const COMPARATIVE: Tags = Tags(1 << 12);
    pub(crate) const ADVERB: Tags = Tags(1 << 13);
    pub(crate) const PREPOSITION: Tags = Tags(1 << 14);
    pub(crate) const DETERMINER: Tags = Tags(1 << 15);
    pub(crate) const PRONOUN: Tags = Tags(1 << 16);
    pub(crate) const CONJUNCTION: Tags = Tags(1 << 17);
    /// Entered in lower case (a common word, not only a name).
    pub(crate) const COMMON: Tags = Tags(1 << 18);

    /// Whether any bit of `other` is set.
    pub(crate) fn any(self, other: Tags) -> bool {
        self.0 & other.0 != 0
    }

    fn with(self, other: Tags) -> Tags {
        Tags(self.0 | other.0)
    }
}

impl std::ops::BitOr for Tags {
    type Output = Tags;
    fn bitor(self, other: Tags) -> Tags {
        self.with(other)
    }
}

/// Harper's curated English dictionary, its affix rules, and its irregular verbs.
const DICTIONARY: &str = include_str!("clauses/lexicon/dictionary.dict");
const ANNOTATIONS: &str = include_str!("clauses/lexicon/annotations.json");
const IRREGULAR_VERBS: &str = include_str!("clauses/lexicon/irregular_verbs.json");

#[derive(Deserialize)]
struct Annotations {
    affixes: HashMap<String, Affix>,
    properties: HashMap<String, Property>,
}

#[derive(Deserialize)]
struct Affix {
    kind: String,
    replacements: Vec<Replacement>,
    #[serde(default)]
    target: Vec<Target>,
}

#[derive(Deserialize)]
struct Replacement {
    remove: String,
    add: String,
    condition: String,
}

#[derive(Deserialize)]
struct Target {
    #[serde(default)]
    if_base: Option<serde_json::Value>,
    #[serde(default)]
    metadata: serde_json::Value,
}

#[derive(Deserialize)]
struct Property {
    #[serde(default)]
    metadata: serde_json::Value,
}

/// The tags a piece of Harper's word metadata (`{"verb": {"verb_form": "PAST"}}`) gives.
fn metadata_tags(m: &serde_json::Value) -> Tags {
    let mut t = Tags::default();
    let Some(m) = m.as_object() else { return t };
    if let Some(noun) = m.get("noun") {
        t = t | Tags::NOUN;
        if noun.get("is_proper").and_then(|v| v.as_bool()) == Some(true) {
            t = t | Tags::PROPER;
        }
        if noun.get("is_plural").and_then(|v| v.as_bool()) == Some(true) {
            t = t | Tags::PLURAL;
        }
    }
    if let Some(verb) = m.get("verb") {
        t = t | Tags::VERB;
        t = t | match verb.get("verb_form").and_then(|v| v.as_str()) {
            Some("LEMMA") => Tags::LEMMA,
            Some("PAST") => Tags::PAST,
            Some("PRETERITE") => Tags::PRETERITE,
            Some("PAST_PARTICIPLE") => Tags::PARTICIPLE,
            Some("PROGRESSIVE") => Tags::PROGRESSIVE,
            Some("THIRD_PERSON_SINGULAR") => Tags::THIRD,
            _ => Tags::default(),
        };
    }
    if let Some(adj) = m.get("adjective") {
        t = t | Tags::ADJECTIVE;
        t = t | match adj.get("degree").and_then(|v| v.as_str()) {
            Some("Superlative") => Tags::SUPERLATIVE,
            Some("Comparative") => Tags::COMPARATIVE,
            _ => Tags::default(),
        };
    }
    for (key, tag) in [
        ("adverb", Tags::ADVERB),
        ("preposition", Tags::PREPOSITION),
        ("determiner", Tags::DETERMINER),
        ("pronoun", Tags::PRONOUN),
        ("conjunction", Tags::CONJUNCTION),
    ] {
        if m.get(key).is_some_and(|v| !v.is_null() && v != &serde_json::Value::Bool(false)) {
            t = t | tag;
        }
    }
    t
}

/// Whether `word` ends as an affix condition says ("[^aeiou]y", "e", ".").
fn condition_holds(word: &[char], condition: &str) -> bool {
    let mut sets: Vec<(bool, Vec<char>)> = Vec::new();
    let mut chars = condition.chars();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                let mut negated = false;
                let mut set = Vec::new();
                for c in chars.by_ref() {
                    match c {
                        ']' => break,
                        '^' if set.is_empty() && !negated => negated = true,
                        c => set.push(c),
                    }
                }
                sets.push((negated, set));
            }
            '.' => sets.push((true, Vec::new())),
            c => sets.push((false, vec![c])),
        }
    }
    if sets.len() > word.len() {
        return false;
    }
    let tail = &word[word.len() - sets.len()..];
    tail.iter().zip(&sets).all(|(c, (negated, set))| set.contains(c) != *negated)
}

/// Words and their tags, lowercase.
struct Lexicon {
    words: HashMap<String, Tags>,
}

impl Lexicon {
    fn read() -> Lexicon {
        let annotations: Annotations = serde_json::from_str(ANNOTATIONS)
            .unwrap_or(Annotations { affixes: HashMap::new(), properties: HashMap::new() });
        let property = |flag: char| {
            let mut buf = [0u8; 4];
            annotations.properties.get(flag.encode_utf8(&mut buf) as &str).map(|p| metadata_tags(&p.metadata))
        };
        let mut words: HashMap<String, Tags> = HashMap::with_capacity(160_000);
        let mut add = |word: String, tags: Tags| {
            let e = words.entry(word).or_default();
            *e = e.with(tags);
        };
        for line in DICTIONARY.lines().skip(1) {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (word, flags) = line.split_once('/').unwrap_or((line, ""));
            let case = if word.chars().next().is_some_and(char::is_uppercase) { Tags::PROPER } else { Tags::COMMON };
            let mut base = case;
            for f in flags.chars() {
                base = base.with(property(f).unwrap_or_default());
            }
            // A verb without a form property is its lemma.
            if base.any(Tags::VERB)
                && !base.any(
                    Tags::PAST | Tags::PRETERITE | Tags::PARTICIPLE | Tags::PROGRESSIVE | Tags::THIRD | Tags::LEMMA,
                )
            {
                base = base.with(Tags::LEMMA);
            }
            let lower = word.to_lowercase();
            let chars: Vec<char> = lower.chars().collect();
            for f in flags.chars() {
                let mut buf = [0u8; 4];
                let Some(affix) = annotations.affixes.get(f.encode_utf8(&mut buf) as &str) else { continue };
                if affix.kind != "suffix" {
                    continue;
                }
                let mut derived = case;
                for t in &affix.target {
                    let applies = t.if_base.as_ref().is_none_or(|b| {
                        let need = metadata_tags(b);
                        need == Tags::default() || base.any(need)
                    });
                    if applies {
                        derived = derived.with(metadata_tags(&t.metadata));
                    }
                }
                if derived == case {
                    continue;
                }
                if let Some(r) = affix.replacements.iter().find(|r| condition_holds(&chars, &r.condition)) {
                    if let Some(stem) = lower.strip_suffix(r.remove.as_str()) {
                        add(format!("{stem}{}", r.add), derived);
                    }
                }
            }
            add(lower, base);
        }
        // Irregular verbs: lemma, simple past, past participle.
        if let Ok(rows) = serde_json::from_str::<Vec<serde_json::Value>>(IRREGULAR_VERBS) {
            for row in rows.iter().filter_map(|r| r.as_array()) {
                let forms: Vec<&str> = row.iter().filter_map(|v| v.as_str()).collect();
                if let [lemma, past, participle] = forms[..] {
                    add(lemma.to_string(), Tags::VERB | Tags::LEMMA | Tags::COMMON);
                    add(past.to_string(), Tags::VERB | Tags::PRETERITE | Tags::COMMON);
                    add(participle.to_string(), Tags::VERB | Tags::PARTICIPLE | Tags::COMMON);
                }
            }
        }
        Lexicon { words }
    }

    fn get(&self, lower: &str) -> Tags {
        self.words.get(lower).copied().unwrap_or_default()
    }
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::read);

/// The tags the lexicon gives `word` (any case).
pub(crate) fn tags(word: &str) -> Tags {
    LEXICON.get(&word.to_lowercase())
}

// ---------------------------------------------------------------------------------
// The closed classes.

const WORDS_TOML: &str = include_str!("clauses/words.toml");
const WORDS_FILE: &str = "src/clauses/words.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WordsFile {
    auxiliaries: Auxiliaries,
    modals: Modals,
    negation: Negation,
    subjects: Subjects,
    records: Records,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Auxiliaries {
    be_present: Vec<String>,
    be_past: Vec<String>,
    have_present: Vec<String>,
    have_past: Vec<String>,
    do_present: Vec<String>,
    do_past: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Modals {
    future: Vec<String>,
    conditional: Vec<String>,
    present: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Negation {
    negators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Subjects {
    signer: Vec<String>,
    addressee: Vec<String>,
    pronoun: Vec<String>,
    existential: Vec<String>,
    government: Vec<String>,
    body: Vec<String>,
    document: Vec<String>,
    generic: Vec<String>,
    definite: Vec<String>,
    object: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Records {
    markers: Vec<String>,
}

/// What the first word of a verb group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aux {
    Be(bool),
    Have(bool),
    Do(bool),
    Modal(Tense),
}

impl WordsFile {
    fn parse(text: &str) -> Result<WordsFile, RulesError> {
        Source::new(WORDS_FILE, text).load()
    }

    /// The auxiliary `w` (lowercase) is, if any; the bool is "present".
    fn aux(&self, w: &str) -> Option<Aux> {
        let a = &self.auxiliaries;
        let m = &self.modals;
        let is = |v: &[String]| v.iter().any(|x| x == w);
        Some(if is(&a.be_present) {
            Aux::Be(true)
        } else if is(&a.be_past) {
            Aux::Be(false)
        } else if is(&a.have_present) {
            Aux::Have(true)
        } else if is(&a.have_past) {
            Aux::Have(false)
        } else if is(&a.do_present) {
            Aux::Do(true)
        } else if is(&a.do_past) {
            Aux::Do(false)
        } else if is(&m.future) {
            Aux::Modal(Tense::Future)
        } else if is(&m.conditional) {
            Aux::Modal(Tense::Conditional)
        } else if is(&m.present) {
            Aux::Modal(Tense::Present)
        } else {
            return None;
        })
    }

    fn class(&self, w: &str) -> Option<Subject> {
        let s = &self.subjects;
        let is = |v: &[String]| v.iter().any(|x| x == w);
        [
            (&s.signer, Subject::Signer),
            (&s.addressee, Subject::Addressee),
            (&s.pronoun, Subject::Pronoun),
            (&s.existential, Subject::Existential),
            (&s.government, Subject::Government),
            (&s.body, Subject::Body),
            (&s.document, Subject::Document),
            (&s.generic, Subject::Generic),
        ]
        .into_iter()
        .find(|(v, _)| is(v))
        .map(|(_, c)| c)
    }
}

/// The closed classes. They are part of the crate (a test reads them), so a mistake in
/// them is a build defect, not bad input.
static WORDS: LazyLock<WordsFile> = LazyLock::new(|| WordsFile::parse(WORDS_TOML).expect(WORDS_FILE));

// ---------------------------------------------------------------------------------
// Tokens.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Number,
    /// A clause boundary: `,`, `;`, `:`, a bracket, a dash, a quotation mark.
    Break,
}

#[derive(Debug, Clone)]
struct Token {
    start: usize,
    end: usize,
    kind: Kind,
    /// Lowercase, with `’` as `'`.
    norm: String,
    /// The lexicon's tags (words only).
    tags: Tags,
    /// Whether the word is written with a capital (and is not the sentence's first).
    capital: bool,
}

/// The clitics a word may end in, split off as tokens of their own.
const CLITICS: &[&str] = &["n't", "'ll", "'re", "'ve", "'m", "'d", "'s"];

/// The tokens of `text[start..end]`.
fn tokens(text: &str, start: usize, end: usize) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let Some(slice) = text.get(start..end) else { return out };
    let mut it = slice.char_indices().peekable();
    let mut first = true;
    while let Some((i, c)) = it.next() {
        let at = start + i;
        if c.is_alphabetic() {
            let mut stop = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                let joins = (d == '\'' || d == '’' || d == '-')
                    && slice[j + d.len_utf8()..].chars().next().is_some_and(char::is_alphabetic);
                if d.is_alphanumeric() || joins {
                    stop = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            let word = &slice[i..stop];
            let norm = word.to_lowercase().replace('’', "'");
            // Split a clitic off ("doesn't" → "does" + "n't", "we'll" → "we" + "'ll").
            let split =
                CLITICS.iter().find(|c| norm.len() > c.len() && norm.ends_with(**c)).map(|c| norm.len() - c.len());
            let capital = !first && c.is_uppercase();
            first = false;
            match split {
                Some(k) if norm.is_char_boundary(k) => {
                    // Byte offsets: the clitic's length is the same in `norm` and the
                    // word, but for a curly apostrophe (3 bytes for 1).
                    let clitic = &norm[k..];
                    let clitic_bytes = clitic.len() + if word.contains('’') { 2 } else { 0 };
                    let cut = at + word.len().saturating_sub(clitic_bytes);
                    if text.is_char_boundary(cut) && cut > at {
                        out.push(word_token(at, cut, norm[..k].to_string(), capital));
                        out.push(word_token(cut, at + word.len(), clitic.to_string(), false));
                    } else {
                        out.push(word_token(at, at + word.len(), norm, capital));
                    }
                }
                _ => out.push(word_token(at, at + word.len(), norm, capital)),
            }
        } else if c.is_ascii_digit()
            || (matches!(c, '£' | '$' | '€') && it.peek().is_some_and(|(_, d)| d.is_ascii_digit()))
        {
            let mut stop = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                let inner = (d == ',' || d == '.') && slice[j + 1..].chars().next().is_some_and(|e| e.is_ascii_digit());
                if d.is_ascii_alphanumeric() || d == '%' || inner {
                    stop = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            first = false;
            let norm = slice[i..stop].to_lowercase();
            out.push(Token {
                start: at,
                end: start + stop,
                kind: Kind::Number,
                norm,
                tags: Tags::default(),
                capital: false,
            });
        } else if matches!(c, ',' | ';' | ':' | '(' | ')' | '–' | '—' | '"' | '“' | '”' | '.' | '!' | '?') {
            out.push(Token {
                start: at,
                end: at + c.len_utf8(),
                kind: Kind::Break,
                norm: String::new(),
                tags: Tags::default(),
                capital: false,
            });
        }
    }
    out
}

fn word_token(start: usize, end: usize, norm: String, capital: bool) -> Token {
    let tags = LEXICON.get(&norm);
    Token { start, end, kind: Kind::Word, norm, tags, capital }
}

/// Words that open a clause: after one, what follows has a subject of its own.
const OPENERS: &[&str] = &[
    "that", "because", "as", "if", "when", "while", "whilst", "although", "though", "since", "and", "but", "so",
    "where", "whether", "once", "until", "unless", "or", "after", "before", "how", "what", "why", "whereas",
];

/// Words that may stand inside a verb group (between its auxiliary and its verb)
/// besides the lexicon's adverbs.
const INSIDE: &[&str] = &["also", "now", "still", "already", "currently", "not", "n't", "never", "just", "all"];

// ---------------------------------------------------------------------------------
// Verb groups.

/// The clauses of the sentence at `start..end` of `text`, in order.
pub(crate) fn clauses(text: &str, start: usize, end: usize) -> Vec<Clause> {
    let toks = tokens(text, start, end);
    let words = &*WORDS;
    let mut out: Vec<Clause> = Vec::new();
    let mut i = 0;
    let mut last_end_token = 0; // the token after the last group
    while i < toks.len() {
        let Some((tense_aux, j)) = group_at(&toks, i, words) else {
            i += 1;
            continue;
        };
        let GroupRead { tense, progressive, passive, perfect, modal, negated, main, copula } = tense_aux;
        // The subject: back from the group to the last boundary.
        let mut s = i;
        while s > last_end_token {
            let t = &toks[s - 1];
            if t.kind == Kind::Break || (t.kind == Kind::Word && OPENERS.contains(&t.norm.as_str())) {
                break;
            }
            s -= 1;
        }
        // "…, which has…": the relative pronoun is the subject; "since 2015 we have…":
        // a personal pronoun is the whole subject.
        if i > 0 && matches!(toks[i - 1].norm.as_str(), "which" | "who" | "that" | "i" | "we" | "you" | "they" | "it") {
            s = i - 1;
        }
        // "…the damage it does…": a pronoun straight after a noun opens a relative
        // clause with no relative word; it says nothing of its own.
        let reduced_relative = s + 1 == i
            && s > 0
            && toks[s].tags.any(Tags::PRONOUN)
            && toks[s - 1].kind == Kind::Word
            && toks[s - 1].tags.any(Tags::NOUN)
            && !toks[s - 1].tags.any(Tags::PRONOUN | Tags::PREPOSITION | Tags::CONJUNCTION | Tags::DETERMINER)
            && !INSIDE.contains(&toks[s - 1].norm.as_str());
        let (class, determined, subject) = if reduced_relative {
            (Subject::Missing, false, (toks[s].start, toks[i - 1].end))
        } else if s < i {
            let (class, determined) = classify(&toks[s..i], words);
            (class, determined, (toks[s].start, toks[i - 1].end))
        } else if let Some(prev) = out.last().filter(|_| {
            // "…and will continue": the subject is the last clause's.
            i > 0 && matches!(toks[i - 1].norm.as_str(), "and" | "but" | "or")
        }) {
            (prev.class, prev.determined, prev.subject)
        } else {
            (Subject::Missing, false, (toks[i].start, toks[i].start))
        };
        // The clause ends at the next boundary after the group (a comma, a clause opener
        // followed by more, the sentence's end).
        let clause_end = toks[j..]
            .iter()
            .find(|t| t.kind == Kind::Break && t.norm.is_empty() && !matches!(&text[t.start..t.end], "(" | ")"))
            .map_or(end, |t| t.start);
        out.push(Clause {
            subject,
            class,
            determined,
            group: (toks[i].start, toks[j - 1].end),
            tense,
            progressive,
            perfect,
            passive,
            modal,
            negated,
            verb: toks[main].norm.clone(),
            copula,
            next: toks.get(j).filter(|t| t.kind != Kind::Break).map(|t| (t.start, t.end)),
            end: clause_end.max(toks[j - 1].end),
        });
        last_end_token = j;
        i = j;
    }
    out
}

struct GroupRead {
    tense: Tense,
    progressive: bool,
    passive: bool,
    perfect: bool,
    modal: Option<String>,
    negated: bool,
    /// The token index of the main verb.
    main: usize,
    copula: bool,
}

/// Whether the token can end a subject ("the Bill", "it", "480,000", "councils").
fn ends_subject(t: &Token) -> bool {
    match t.kind {
        Kind::Number => true,
        Kind::Break => false,
        Kind::Word => {
            if t.norm == "to"
                || t.tags.any(Tags::PREPOSITION | Tags::DETERMINER) && !t.tags.any(Tags::NOUN | Tags::PRONOUN)
            {
                return false;
            }
            t.tags.any(Tags::NOUN | Tags::PRONOUN | Tags::PROPER) || t.capital || t.tags == Tags::default()
        }
    }
}

/// The verb group starting at token `i`, if one does, and the index after it.
fn group_at(toks: &[Token], i: usize, words: &WordsFile) -> Option<(GroupRead, usize)> {
    let t = &toks[i];
    if t.kind != Kind::Word {
        return None;
    }
    let prev = i.checked_sub(1).map(|p| &toks[p]);
    // An infinitive ("to be") or a word after a determiner is not finite.
    if prev.is_some_and(|p| p.norm == "to" || (p.tags.any(Tags::DETERMINER) && !p.tags.any(Tags::PRONOUN))) {
        return None;
    }
    let is_inside = |t: &Token| {
        t.kind == Kind::Word
            && (INSIDE.contains(&t.norm.as_str())
                || (t.norm == "of" || t.norm == "course") && toks.iter().any(|x| x.norm == "course")
                || words.negation.negators.contains(&t.norm)
                || (t.tags.any(Tags::ADVERB) && !t.tags.any(Tags::VERB | Tags::NOUN | Tags::DETERMINER)))
    };
    let negator = |t: &Token| words.negation.negators.contains(&t.norm);
    let mut read = GroupRead {
        tense: Tense::Present,
        progressive: false,
        passive: false,
        perfect: false,
        modal: None,
        negated: t.norm == "cannot",
        main: i,
        copula: false,
    };
    // "'s" is "is" after a pronoun ("it's", "that's"), a possessive otherwise.
    let aux = if t.norm == "'s" {
        prev.filter(|p| p.tags.any(Tags::PRONOUN) || p.norm == "there").map(|_| Aux::Be(true))
    } else {
        words.aux(&t.norm)
    };
    let Some(aux) = aux else {
        // A lexical finite verb: a third-person or past form after a subject (adverbs
        // may stand between: "the Bill also makes"), or a lemma after a plural subject
        // or a personal pronoun.
        let mut back = i;
        while back > 0 && is_inside(&toks[back - 1]) && !words.negation.negators.contains(&toks[back - 1].norm) {
            back -= 1;
        }
        let p = back.checked_sub(1).map(|k| &toks[k])?;
        if !ends_subject(p) || p.norm.ends_with("'s") || (p.tags.any(Tags::ADJECTIVE) && !p.tags.any(Tags::NOUN)) {
            return None;
        }
        let tags = t.tags;
        // A capital inside a sentence starts a name ("the Schools Bill"), not a verb;
        // a function word is never one.
        let function = tags.any(Tags::CONJUNCTION | Tags::DETERMINER | Tags::PRONOUN | Tags::PREPOSITION)
            || OPENERS.contains(&t.norm.as_str());
        if !tags.any(Tags::VERB) || function || t.capital || words.subjects.object.contains(&p.norm) {
            return None;
        }
        // A word that is a noun too ("doctors", "routes") is a verb only when a
        // subject can end before it and something other than a verb follows it.
        let next = toks.get(i + 1);
        if tags.any(Tags::NOUN)
            && next.is_none_or(|n| n.kind == Kind::Break || (n.kind == Kind::Word && words.aux(&n.norm).is_some()))
        {
            return None;
        }
        let pronoun = |w: &str| matches!(w, "i" | "we" | "you" | "they");
        let plural_subject = p.tags.any(Tags::PLURAL)
            || pronoun(&p.norm)
            || (p.kind == Kind::Word && p.norm.ends_with('s') && p.tags.any(Tags::NOUN));
        let singular_subject = !(pronoun(&p.norm) || p.tags.any(Tags::PLURAL) && !p.capital);
        read.tense = if tags.any(Tags::THIRD) && singular_subject {
            Tense::Present
        } else if tags.any(Tags::PRETERITE)
            || (tags.any(Tags::PAST) && !tags.any(Tags::PARTICIPLE))
            || (tags.any(Tags::PAST) && !tags.any(Tags::NOUN))
        {
            Tense::Past
        } else if tags.any(Tags::LEMMA) && plural_subject {
            Tense::Present
        } else {
            return None;
        };
        return Some((read, i + 1));
    };
    let mut j = i + 1;
    let skip = |j: &mut usize, read: &mut GroupRead| {
        let mut n = 0;
        while *j < toks.len() && n < 3 && is_inside(&toks[*j]) {
            read.negated |= negator(&toks[*j]);
            *j += 1;
            n += 1;
        }
    };
    // The state: what the last auxiliary was.
    let mut state = aux;
    match aux {
        Aux::Be(present) | Aux::Have(present) | Aux::Do(present) => {
            read.tense = if present { Tense::Present } else { Tense::Past };
        }
        Aux::Modal(tense) => {
            read.tense = tense;
            read.modal = Some(t.norm.clone());
        }
    }
    loop {
        skip(&mut j, &mut read);
        let Some(n) = toks.get(j).filter(|n| n.kind == Kind::Word) else { break };
        match state {
            Aux::Modal(_) | Aux::Do(_) => {
                if n.norm == "be" {
                    state = Aux::Be(true);
                    read.main = j;
                    j += 1;
                    continue;
                }
                if n.norm == "have" {
                    state = Aux::Have(true);
                    read.main = j;
                    j += 1;
                    continue;
                }
                if n.tags.any(Tags::VERB) {
                    read.main = j;
                    j += 1;
                }
                break;
            }
            Aux::Be(present) => {
                if n.norm == "going" && toks.get(j + 1).is_some_and(|t| t.norm == "to") && present {
                    read.tense = Tense::Future;
                    read.main = j;
                    j += 2;
                    state = Aux::Modal(Tense::Future);
                    continue;
                }
                if n.norm == "being" {
                    read.progressive = true;
                    j += 1;
                    continue;
                }
                if n.tags.any(Tags::PROGRESSIVE) && n.tags.any(Tags::VERB) {
                    read.progressive = true;
                    read.main = j;
                    j += 1;
                } else if n.tags.any(Tags::PARTICIPLE | Tags::PAST) && n.tags.any(Tags::VERB) {
                    read.passive = true;
                    read.main = j;
                    j += 1;
                } else {
                    read.copula = true;
                }
                break;
            }
            Aux::Have(present) => {
                if n.norm == "been" {
                    read.perfect = true;
                    if present && read.modal.is_none() {
                        read.tense = Tense::PresentPerfect;
                    }
                    state = Aux::Be(present);
                    read.main = j;
                    j += 1;
                    continue;
                }
                if n.tags.any(Tags::PARTICIPLE | Tags::PAST) && n.tags.any(Tags::VERB) {
                    read.perfect = true;
                    if present && read.modal.is_none() {
                        read.tense = Tense::PresentPerfect;
                    }
                    read.main = j;
                    j += 1;
                } else {
                    read.copula = true;
                }
                break;
            }
        }
    }
    if matches!(state, Aux::Be(_)) && read.main == i {
        read.copula = true;
    }
    if read.main == i && matches!(aux, Aux::Be(_) | Aux::Have(_)) {
        read.copula = true;
    }
    Some((read, j))
}

/// The class of a subject's tokens, and whether it opens with a determiner.
fn classify(subject: &[Token], words: &WordsFile) -> (Subject, bool) {
    let first = &subject[0];
    if subject.len() == 1 {
        if let Some(class @ (Subject::Signer | Subject::Addressee | Subject::Pronoun | Subject::Existential)) =
            words.class(&first.norm)
        {
            return (class, false);
        }
    }
    // "…including the Law Society…", "…deeply about the services…": a subject does not
    // open with a preposition, an adverb or a verb.
    let opens_otherwise = first.tags.any(Tags::PREPOSITION | Tags::ADVERB | Tags::VERB)
        && !first.tags.any(Tags::NOUN | Tags::PRONOUN | Tags::DETERMINER | Tags::ADJECTIVE);
    let participle = first.tags.any(Tags::PROGRESSIVE) && first.norm.ends_with("ing");
    if opens_otherwise || participle || words.subjects.object.contains(&first.norm) {
        return (Subject::Missing, false);
    }
    let determined = words.subjects.definite.contains(&first.norm) || first.norm.ends_with("'s");
    if matches!(first.norm.as_str(), "your" | "yours") {
        return (Subject::Addressee, determined);
    }
    if subject.iter().any(|t| matches!(t.norm.as_str(), "i" | "we")) {
        return (Subject::Signer, determined);
    }
    // The head: the last word before the first preposition after the first word.
    let cut = subject
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, t)| t.kind == Kind::Word && t.tags.any(Tags::PREPOSITION) && !t.tags.any(Tags::NOUN))
        .map_or(subject.len(), |(k, _)| k);
    let head_part = &subject[..cut];
    if subject.iter().any(|t| t.kind == Kind::Number && !is_identifier(subject, t)) {
        return (Subject::Figure, determined);
    }
    for t in head_part.iter().rev() {
        if t.kind != Kind::Word {
            continue;
        }
        if let Some(c @ (Subject::Government | Subject::Body | Subject::Document)) = words.class(&t.norm) {
            return (c, determined);
        }
    }
    let head = head_part.iter().rev().find(|t| t.kind == Kind::Word);
    let Some(head) = head else { return (Subject::Other, determined) };
    // "Analysis by the Department shows…": a class named after the head stands for it
    // when the head has none.
    if words.class(&head.norm).is_none() {
        for t in subject.iter().rev() {
            if let Some(c @ (Subject::Government | Subject::Body | Subject::Document)) = words.class(&t.norm) {
                return (c, determined);
            }
        }
    }
    if words.class(&head.norm) == Some(Subject::Generic) && !determined {
        return (Subject::Generic, determined);
    }
    let named = head_part.iter().any(|t| t.capital)
        || head_part.iter().any(|t| t.kind == Kind::Word && t.tags.any(Tags::PROPER) && !t.tags.any(Tags::COMMON));
    if named {
        return (Subject::Named, determined);
    }
    if !determined && head.tags.any(Tags::PLURAL) {
        return (Subject::Generic, determined);
    }
    (Subject::Other, determined)
}

/// Whether the number `t` names a thing ("Section 21", "Amendment 93") or a year.
fn is_identifier(around: &[Token], t: &Token) -> bool {
    let year = t.norm.len() == 4 && t.norm.chars().all(|c| c.is_ascii_digit());
    let after_name =
        around.iter().position(|x| std::ptr::eq(x, t)).and_then(|k| k.checked_sub(1)).is_some_and(|k| {
            around[k].capital || around[k].tags.any(Tags::PROPER) && !around[k].tags.any(Tags::COMMON)
        });
    year || after_name
}

/// The figures of the sentence at `start..end`: amounts of money, percentages, and
/// counts of a thousand or more (not years, dates or numbered names), as byte spans.
pub(crate) fn figures(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let toks = tokens(text, start, end);
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        if t.kind != Kind::Number || is_identifier(&toks, t) {
            continue;
        }
        let n = &t.norm;
        let next = toks.get(k + 1).map_or("", |x| x.norm.as_str());
        let money = n.starts_with(['£', '$', '€']);
        let percent = n.ends_with('%') || next == "per" && toks.get(k + 2).is_some_and(|x| x.norm == "cent");
        let large = n.contains(',') || matches!(next, "million" | "billion" | "thousand" | "trillion");
        if money || percent || large {
            out.push((t.start, t.end));
        }
    }
    out
}

/// Where the sentence at `start..end` states a record ("the highest on record", "more
/// than ever before", "the biggest investment to date"): the marker's byte span.
pub(crate) fn record(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let toks = tokens(text, start, end);
    let degree = toks.iter().any(|t| {
        t.tags.any(Tags::SUPERLATIVE | Tags::COMPARATIVE)
            || matches!(t.norm.as_str(), "most" | "more" | "fewer" | "less")
    });
    for marker in &WORDS.records.markers {
        let parts: Vec<&str> = marker.split_whitespace().collect();
        for k in 0..toks.len() {
            let hit = parts.iter().enumerate().all(|(o, p)| toks.get(k + o).is_some_and(|t| t.norm == *p));
            if !hit {
                continue;
            }
            // "record" and "unprecedented" stand alone; "ever", "to date" need a degree.
            if degree || matches!(parts[0], "record" | "unprecedented") {
                return Some((toks[k].start, toks[k + parts.len() - 1].end));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{Subject, Tense, clauses};

    fn read(text: &str) -> Vec<(String, Subject, String, Tense, bool)> {
        clauses(text, 0, text.len())
            .into_iter()
            .map(|c| {
                (
                    text[c.subject.0..c.subject.1].to_string(),
                    c.class,
                    text[c.group.0..c.group.1].to_string(),
                    c.tense,
                    c.negated,
                )
            })
            .collect()
    }

    #[test]
    fn the_words_file_parses() {
        assert!(super::WordsFile::parse(super::WORDS_TOML).is_ok());
        assert!(super::WordsFile::parse("[auxiliaries]\n").is_err());
    }

    #[test]
    fn the_lexicon_knows_verb_forms() {
        use super::{Tags, tags};
        assert!(tags("remains").any(Tags::THIRD));
        assert!(tags("launched").any(Tags::PAST));
        assert!(tags("built").any(Tags::PARTICIPLE | Tags::PRETERITE));
        assert!(tags("spending").any(Tags::PROGRESSIVE));
        assert!(tags("highest").any(Tags::SUPERLATIVE));
        assert!(!tags("children").any(Tags::VERB));
    }

    #[test]
    fn tense_aspect_and_subjects() {
        let r = read("The scheme remains open to new applicants.");
        assert_eq!(r[0].1, Subject::Document);
        assert_eq!((r[0].2.as_str(), r[0].3), ("remains", Tense::Present));
        let r = read("The Treasury has been paying £4m a week.");
        let c = &clauses("The Treasury has been paying £4m a week.", 0, 40)[0];
        assert!(c.perfect && c.progressive && !c.passive);
        assert_eq!((r[0].0.as_str(), r[0].1, r[0].3), ("The Treasury", Subject::Government, Tense::PresentPerfect));
        assert_eq!(r[0].2, "has been paying");
        let r = read("We will not close the library.");
        assert_eq!((r[0].1, r[0].3, r[0].4), (Subject::Signer, Tense::Future, true));
        let r = read("The council would welcome bids, and it could extend the deadline.");
        assert_eq!((r[0].1, r[0].3), (Subject::Body, Tense::Conditional));
        assert_eq!((r[1].0.as_str(), r[1].1), ("it", Subject::Pronoun));
        let r = read("Ofwat fined the company in 2019.");
        assert_eq!((r[0].1, r[0].3), (Subject::Body, Tense::Past));
        let r = read("Grandparents deserve our thanks.");
        assert_eq!((r[0].1, r[0].3), (Subject::Generic, Tense::Present));
        let r = read("1,200 households are waiting for a decision.");
        assert_eq!(r[0].1, Subject::Figure);
        let r = read("The Department is going to consult on it, which doesn't surprise me.");
        assert_eq!((r[0].1, r[0].3), (Subject::Body, Tense::Future));
        assert_eq!((r[1].0.as_str(), r[1].4), ("which", true));
    }

    #[test]
    fn offsets_are_on_the_text_and_odd_input_is_read() {
        let text = "The Board’s plan won’t change — it’s “final”.";
        for c in clauses(text, 0, text.len()) {
            assert!(text.get(c.group.0..c.group.1).is_some() && text.get(c.subject.0..c.subject.1).is_some());
        }
        for odd in [
            "",
            "'",
            "’s",
            "n't",
            "£",
            "1,",
            "is is is",
            "it is",
            "Будет.",
            "ﬁ won't",
            "has been",
            "£1.",
            "— which will",
        ] {
            let _ = clauses(odd, 0, odd.len());
            let _ = super::figures(odd, 0, odd.len());
            let _ = super::record(odd, 0, odd.len());
        }
    }

    proptest::proptest! {
        #[test]
        fn no_text_makes_the_reader_panic(text in "[ a-zA-Z'’£0-9,.;:()\u{2014}\u{0400}-\u{0410}]{0,80}") {
            for c in clauses(&text, 0, text.len()) {
                proptest::prop_assert!(c.subject.0 <= c.subject.1 && c.group.0 < c.group.1 && c.end <= text.len());
                proptest::prop_assert!(text.get(c.subject.0..c.subject.1).is_some() && text.get(c.group.0..c.group.1).is_some());
            }
            let _ = (super::figures(&text, 0, text.len()), super::record(&text, 0, text.len()));
        }
    }
}
