//! The scanner: what an unmatched paragraph says besides its time expressions (those
//! are [`crate::timex`]'s to find and [`crate::judge`]'s to judge) — time counted from
//! elections, governments, officeholders, seats, tracked entities, the signer's voice
//! and promises without a date — judged against the facts at a date.

use crate::date::next_day;
use crate::facts::Facts;
use crate::finding::{Finding, FindingKind, Severity, elapsed};
use crate::text::{Folded, floor_char_boundary, is_homoglyph};
use crate::timex::rules::{RulesError, Source, Spanned};
use jiff::ToSpan;
use jiff::civil::Date;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::sync::LazyLock;

/// The scanner's recognition rules, as written (`src/scan/rules.toml`).
const RULES_TOML: &str = include_str!("scan/rules.toml");
const RULES_FILE: &str = "src/scan/rules.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    patterns: Patterns,
    commitment: CommitmentRules,
    events: EventRules,
    signature: SignatureRules,
    offices: OfficeRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Patterns {
    past_marker: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitmentRules {
    forms: Spanned<Vec<String>>,
    adverbs: Vec<String>,
    participles: Vec<String>,
    progressive: Spanned<Vec<String>>,
    not_promises: Vec<String>,
    own_subjects: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRules {
    election: Spanned<String>,
    government: Spanned<String>,
    this_government: Spanned<String>,
    named_government: Spanned<String>,
    previous_government: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureRules {
    valedictions: Vec<String>,
    honorifics: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficeRules {
    generic: Vec<String>,
    post_nominals: Vec<String>,
    past_verbs: Vec<String>,
    surname_titles: Vec<String>,
    roles: Vec<String>,
}

/// The rules, compiled once.
struct Rules {
    past_marker: Regex,
    /// A forward-looking form and its verb: group `be` (if "be" stands before the verb), `verb`.
    commitment: Regex,
    progressive: Regex,
    /// "Since the election": counted from the last general election.
    since_election: Regex,
    /// "Since they came into government": counted from the last change of government.
    since_government: Regex,
    /// "This Government": the government of the day the letter was written.
    this_government: Regex,
    /// "The Conservative Government": group 1 names the party.
    named_government: Regex,
    previous_government: Regex,
    participles: Vec<String>,
    not_promises: Vec<String>,
    own_subjects: Vec<String>,
    valedictions: Vec<String>,
    honorifics: Vec<String>,
    generic_offices: Vec<String>,
    post_nominals: Vec<String>,
    past_verbs: Vec<String>,
    surname_titles: Vec<String>,
    roles: Vec<String>,
}

/// Compiles a scanner pattern. Word boundaries are ASCII (`(?-u:\b)`): the words
/// matched are ASCII, and a Unicode `\b` forces the slow engine on any letter with a
/// `£` or a dash in it.
fn re(pattern: &str) -> Result<Regex, regex::Error> {
    let pattern = pattern.replace(r"\b", r"(?-u:\b)").replace(r"\w", "[A-Za-z]");
    RegexBuilder::new(&pattern).case_insensitive(true).build()
}

impl Rules {
    fn parse(text: &str) -> Result<Rules, RulesError> {
        let source = Source::new(RULES_FILE, text);
        let file: RulesFile = source.load()?;
        let pattern = |p: &Spanned<String>| source.check(p, |p| re(p));
        let c = &file.commitment;
        let commitment = source.check(&c.forms, |forms| {
            re(&format!(
                r"\b(?:{})\s+(?:(?:{})\s+)*(?:(?P<be>be)\s+)?(?P<verb>\w+)\b",
                forms.join("|"),
                c.adverbs.iter().map(|a| a.replace(' ', r"\s+")).collect::<Vec<_>>().join("|")
            ))
        })?;
        let progressive = source.check(&c.progressive, |p| re(&format!(r"\b(?:{})\b", p.join("|"))))?;
        let lower = |v: &[String]| v.iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>();
        Ok(Rules {
            past_marker: pattern(&file.patterns.past_marker)?,
            commitment,
            progressive,
            since_election: pattern(&file.events.election)?,
            since_government: pattern(&file.events.government)?,
            this_government: pattern(&file.events.this_government)?,
            named_government: pattern(&file.events.named_government)?,
            previous_government: pattern(&file.events.previous_government)?,
            participles: lower(&c.participles),
            not_promises: lower(&c.not_promises),
            own_subjects: lower(&c.own_subjects),
            valedictions: lower(&file.signature.valedictions),
            honorifics: lower(&file.signature.honorifics),
            generic_offices: lower(&file.offices.generic),
            post_nominals: lower(&file.offices.post_nominals),
            past_verbs: lower(&file.offices.past_verbs),
            surname_titles: lower(&file.offices.surname_titles),
            roles: lower(&file.offices.roles),
        })
    }

    /// Whether the commitment match `c` is a promise: its verb is not courtesy or a
    /// function word, after "be" it is a participle, and its subject is not the
    /// letter's own ("I will write", "you will know").
    fn promises(&self, text: &str, c: &regex::Captures<'_>) -> bool {
        let Some(verb) = c.name("verb") else { return false };
        let v = verb.as_str().to_ascii_lowercase();
        if self.not_promises.contains(&v) {
            return false;
        }
        if c.name("be").is_some()
            && !(v.ends_with("ed") || v.ends_with("en") || v.ends_with("ing") || self.participles.contains(&v))
        {
            return false;
        }
        let start = c.get(0).map_or(0, |m| m.start());
        let subject = text[..start].trim_end().rsplit(|ch: char| !ch.is_ascii_alphabetic()).next().unwrap_or("");
        !self.own_subjects.iter().any(|s| s.eq_ignore_ascii_case(subject))
    }

    /// The promises of `text` (a form and its verb, or a whole phrase of work in
    /// progress or due), as byte spans in text order.
    fn commitments(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = self
            .commitment
            .captures_iter(text)
            .filter(|c| self.promises(text, c))
            .filter_map(|c| c.get(0).map(|m| (m.start(), m.end())))
            .chain(self.progressive.find_iter(text).map(|m| (m.start(), m.end())))
            .collect();
        out.sort_unstable();
        out
    }
}

/// The scanner's rules. They are part of the crate (a test reads them), so a mistake
/// in them is a build defect, not bad input.
static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::parse(RULES_TOML).expect(RULES_FILE));

/// Where a letter can be signed, found once per letter: after its last valediction
/// ("Yours sincerely,"), and after its salutation ("Dear …").
#[derive(Debug, Default)]
struct Signature {
    /// The end of the last line that opens with a valediction.
    after_valediction: Option<usize>,
    /// The start of the first line that opens with "Dear ".
    salutation: Option<usize>,
}

impl Signature {
    fn new(text: &str) -> Signature {
        let mut sig = Signature::default();
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let start = line.trim_start();
            let opens = |w: &str| start.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
            if RULES.valedictions.iter().any(|v| opens(v)) {
                sig.after_valediction = Some(pos + line.len());
            }
            if sig.salutation.is_none() && opens("dear ") {
                sig.salutation = Some(pos);
            }
            pos += line.len();
        }
        sig
    }

    /// Whether byte `at` is where the letter speaks as its signer: the letterhead
    /// (before the salutation) or the signature (after the last valediction).
    fn speaks_as(&self, at: usize) -> bool {
        self.after_valediction.is_some_and(|v| at >= v) || self.salutation.is_some_and(|s| at < s)
    }

    /// Whether the name at `start..end` signs the letter: it follows the valediction,
    /// or, after the salutation, it stands on a line of its own with nothing beside it
    /// but honorifics and post-nominals ("Rt Hon Ann Lee CBE MP").
    fn signs(&self, text: &str, (start, end): (usize, usize)) -> bool {
        if self.after_valediction.is_some_and(|s| start >= s) {
            return true;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |p| end + p);
        let mut beside = text[line_start..start].split_whitespace().chain(text[end..line_end].split_whitespace());
        self.salutation.is_some_and(|s| s < line_start)
            && beside.all(|w| {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                w.is_empty() || RULES.honorifics.iter().any(|h| h.eq_ignore_ascii_case(w))
            })
    }
}

/// The sentences of a text: where each ends (at `.`, `!`, `?` or a line break), found
/// once, so that finding the sentence around any span is a binary search.
struct Sentences {
    /// Byte offsets of the sentence-ending characters, ascending.
    ends: Vec<usize>,
}

impl Sentences {
    fn new(text: &str) -> Sentences {
        let ends = text.bytes().enumerate().filter(|(_, b)| b".!?\n\r".contains(b)).map(|(i, _)| i).collect();
        Sentences { ends }
    }

    /// The byte range of the sentence around `start..end`.
    fn around(&self, text: &str, start: usize, end: usize) -> (usize, usize) {
        let i = self.ends.partition_point(|&e| e < start);
        let s = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        let j = self.ends.partition_point(|&e| e < end);
        let e = self.ends.get(j).copied().unwrap_or(text.len());
        (s.min(e), e)
    }
}

/// Byte ranges already reported, kept merged so that a lookup is logarithmic.
#[derive(Default)]
pub(crate) struct Taken(std::collections::BTreeMap<usize, usize>);

impl Taken {
    pub(crate) fn overlaps(&self, s: usize, e: usize) -> bool {
        // With merged, disjoint ranges, only the last one starting before `e` can overlap.
        let e = e.max(s + 1);
        self.0.range(..e).next_back().is_some_and(|(_, &end)| end > s)
    }

    pub(crate) fn insert(&mut self, mut s: usize, mut e: usize) {
        if e <= s {
            e = s + 1;
        }
        while let Some((&a, &b)) = self.0.range(..=e).next_back() {
            if b < s {
                break;
            }
            self.0.remove(&a);
            s = s.min(a);
            e = e.max(b);
        }
        self.0.insert(s, e);
    }
}

/// A name found by [`Scan::officeholders`], judged once all are found.
enum Found<'n> {
    /// A holder in an implied office: span, name, office id, past-tense context.
    Holder(usize, usize, &'n str, String, bool),
    /// A name written with letters of another script: span, message.
    Mixed(usize, usize, String),
}

struct Scan<'a> {
    text: &'a str,
    facts: &'a Facts,
    date: Date,
    written: Option<Date>,
    taken: Taken,
    sentences: Sentences,
    signature: Signature,
    /// The text, ASCII-lowercased (byte offsets unchanged), for the lowercase automata.
    lower: String,
    /// Every office title found in the text, once: `(start, end, pattern)` of
    /// [`Facts::titles`], read by both [`Scan::titles`] and [`Scan::seats`].
    title_finds: Vec<(usize, usize, usize)>,
    /// The text folded once (for the names automata of people and entities).
    folding: std::sync::Arc<Folding>,
    out: Vec<Finding>,
}

/// The text as [`Folded`] reads it, ASCII-lowercased in place: ASCII lowercasing keeps
/// every byte offset, and the names automata hold lowercase names. (What is read from
/// it besides names does not depend on ASCII case: word boundaries, and windows that
/// are lowercased anyway.)
struct Folding {
    folded: Folded,
}

impl Folding {
    fn new(text: &str) -> Folding {
        let mut folded = Folded::new(text);
        folded.text.make_ascii_lowercase();
        Folding { folded }
    }
}

impl Scan<'_> {
    fn free(&self, s: usize, e: usize) -> bool {
        !self.taken.overlaps(s, e)
    }

    fn push(
        &mut self,
        severity: Severity,
        kind: FindingKind,
        (s, e): (usize, usize),
        since: Option<Date>,
        message: String,
        suggestion: Option<String>,
    ) {
        self.taken.insert(s, e);
        self.out.push(Finding { since, suggestion, ..Finding::at(self.text, (s, e), severity, kind, message) });
    }

    /// Names the source of the fact that decided the finding pushed last.
    fn sourced(&mut self, source: Option<&str>) {
        if let (Some(f), Some(s)) = (self.out.last_mut(), source.filter(|s| !s.is_empty())) {
            f.source = Some(s.to_string());
        }
    }

    fn written_note(&self) -> String {
        match self.written {
            Some(w) => format!("written {w}"),
            None => "the letter's date is unknown".into(),
        }
    }

    /// Time counted from an election ("since the election", "since this Government
    /// came to power"), resolved against the facts base on the day the letter was
    /// written and on the check date: once a later election has happened, the phrase
    /// means another one. A warning for the first year after it, an error after; the
    /// replacement names the election meant.
    fn events(&mut self) {
        let Some(w) = self.written else { return };
        for (re, new_government) in [(&RULES.since_election, false), (&RULES.since_government, true)] {
            for m in re.find_iter(self.text) {
                let (s, e) = (m.start(), m.end());
                if !self.free(s, e) {
                    continue;
                }
                let (Some(meant), Some(now)) =
                    (self.facts.last_election(w, new_government), self.facts.last_election(self.date, new_government))
                else {
                    continue;
                };
                let shown = m.as_str();
                let year = meant.date.year();
                // A government counts from the day it took office; an election from polling day.
                let day = |e: &crate::facts::Election| if new_government { e.took_office() } else { e.date };
                let (meant_day, now_day) = (day(meant), day(now));
                let what = if new_government { "the government that took office on" } else { "the election of" };
                if now.date == meant.date {
                    let message = format!("\"{shown}\" written {w}: {what} {meant_day} ({})", meant.id);
                    self.push(Severity::Info, FindingKind::RelativePhrase, (s, e), None, message, None);
                    continue;
                }
                let rest = &self.text[e..];
                let dated = rest.trim_start().get(..3).is_some_and(|x| x.eq_ignore_ascii_case("in "));
                let message = format!(
                    "\"{shown}\" written {w} counted from {what} {meant_day}; read on {} it counts from {now_day} ({})",
                    self.date, now.id
                );
                let replacement = if new_government {
                    (!dated).then(|| format!("{shown} in {}", crate::date::DateStyle::MonthYear.format(meant_day)))
                } else {
                    let lead = shown.split_whitespace().next().unwrap_or("since");
                    Some(format!("{lead} the {year} general election"))
                };
                // Dated ("since they came into office in 2010"): the words still say
                // which; never more than a warning.
                let suggestion = match &replacement {
                    Some(r) => format!("name the election: \"{r}\""),
                    None => "name the election it counts from".into(),
                };
                self.push_moved((s, e), now_day, dated, message, replacement, suggestion);
            }
        }
        self.this_government(w);
    }

    /// "This Government" ("the current Government", "our Government"): the government
    /// formed after the last election before the letter was written. Once an election
    /// has put another in office, the words point at it.
    fn this_government(&mut self, w: Date) {
        let facts = self.facts;
        let Some(meant) = facts.government_on(w).and_then(|e| e.government.clone()) else { return };
        for m in RULES.this_government.find_iter(self.text) {
            let (s, e) = (m.start(), m.end());
            if !self.free(s, e) {
                continue;
            }
            let shown = m.as_str();
            let Some(changed) = facts.government_change(w, self.date, |g| g == meant) else {
                let message = format!("\"{shown}\" written {w}: the {meant} Government");
                self.push(Severity::Info, FindingKind::RelativePhrase, (s, e), None, message, None);
                continue;
            };
            let now = changed.government.as_deref().unwrap_or("another");
            let message = format!(
                "\"{shown}\" written {w} meant the {meant} Government; since {} (after {}) it is the {now} Government",
                changed.took_office(),
                changed.id
            );
            let the = if shown.starts_with(char::is_uppercase) { "The" } else { "the" };
            let replacement = format!("{the} {meant} Government");
            let suggestion = format!("name the government: \"{replacement}\"");
            self.push_moved((s, e), changed.took_office(), false, message, Some(replacement), suggestion);
        }
        self.previous_governments(w);
        self.named_governments(w);
        self.titles(w);
        self.roles(w);
    }

    /// "The Conservative Government" in a present or future clause, written while that
    /// party governed: once another government has taken office, the sentence speaks
    /// of one that is gone. In the past tense it is history.
    /// "The previous Government": the government in office before the last change of
    /// governing party by `W`. After another change by `D`, the words mean another
    /// government: stale like "this Government" (a warning, an error a year on), with
    /// the one meant as the replacement ("the previous Labour Government"). "The last Labour
    /// Government", written while another party governed, is a past one; once that
    /// party governs again the words may be read as the government of the day: a
    /// warning, never more.
    fn previous_governments(&mut self, w: Date) {
        let facts = self.facts;
        // The government in office the day before `e`'s took office.
        let before = |e: &crate::facts::Election| {
            e.took_office().yesterday().ok().and_then(|d| facts.government_on(d)).and_then(|g| g.government.clone())
        };
        for c in RULES.previous_government.captures_iter(self.text) {
            let Some(m) = c.get(0) else { continue };
            let (s, e) = (m.start(), m.end());
            if !self.free(s, e) {
                continue;
            }
            let shown = m.as_str();
            match c.get(1).map(|p| p.as_str().to_ascii_lowercase()) {
                None => {
                    let (Some(change_w), Some(change_d)) =
                        (facts.last_election(w, true), facts.last_election(self.date, true))
                    else {
                        continue;
                    };
                    let (Some(meant), Some(now)) = (before(change_w), before(change_d)) else { continue };
                    if change_w.id == change_d.id || meant == now {
                        continue;
                    }
                    let message = format!(
                        "\"{shown}\" written {w} meant the {meant} Government (replaced on {}); read on {} it means the {now} Government (replaced on {})",
                        change_w.took_office(),
                        self.date,
                        change_d.took_office()
                    );
                    let article = if shown.starts_with("the ") || shown.starts_with("The ") { &shown[..4] } else { "" };
                    let replacement = format!("{article}previous {meant} Government");
                    let suggestion = format!("name it: \"{replacement}\"");
                    self.push_moved((s, e), change_d.took_office(), false, message, Some(replacement), suggestion);
                }
                Some(party) => {
                    let governs = |g: &str| g.to_ascii_lowercase().contains(&party);
                    if facts.government_on(w).and_then(|g| g.government.as_deref()).is_some_and(governs) {
                        continue;
                    }
                    let again = facts
                        .elections()
                        .iter()
                        .filter(|e| e.took_office() > w && e.took_office() <= self.date)
                        .filter(|e| e.government.as_deref().is_some_and(governs))
                        .min_by_key(|e| e.took_office());
                    let Some(again) = again else { continue };
                    let message = format!(
                        "\"{shown}\" written {w} meant a past government; since {} (after {}) a {} Government is in office, and the words may be read as it",
                        again.took_office(),
                        again.id,
                        again.government.as_deref().unwrap_or(&party)
                    );
                    let suggestion = "name it by its years (\"the Labour Government of 1997 to 2010\")".to_string();
                    self.push_moved((s, e), again.took_office(), true, message, None, suggestion);
                }
            }
        }
    }

    fn named_governments(&mut self, w: Date) {
        let facts = self.facts;
        let Some(then) = facts.government_on(w).and_then(|e| e.government.clone()) else { return };
        for c in RULES.named_government.captures_iter(self.text) {
            let (Some(m), Some(party)) = (c.get(0), c.get(1)) else { continue };
            let (s, e) = (m.start(), m.end());
            let governed = then.to_ascii_lowercase().contains(&party.as_str().to_ascii_lowercase());
            if !self.free(s, e) || !governed {
                continue;
            }
            let tense = crate::timex::tense_at(self.text, s, e);
            // "The Conservative Government" goes on while the Conservatives govern, in
            // coalition or alone.
            let party = party.as_str().to_ascii_lowercase();
            let still = |g: &str| g.to_ascii_lowercase().contains(&party);
            let Some(changed) = facts.government_change(w, self.date, still) else { continue };
            if !matches!(tense, crate::timex::Tense::Present | crate::timex::Tense::Future) {
                continue;
            }
            let now = changed.government.as_deref().unwrap_or("another");
            let message = format!(
                "\"{}\" in the present or future tense, written {w}: since {} (after {}) the {now} Government is in office",
                m.as_str(),
                changed.took_office(),
                changed.id
            );
            let suggestion = "say what it did, in the past tense".to_string();
            self.push_moved((s, e), changed.took_office(), false, message, None, suggestion);
        }
    }

    /// An office named by its title ("the Prime Minister", "the Chancellor", "the
    /// Home Secretary"), not a seat: it means the holder on the day the letter was
    /// written. When the holder on the check date is another, a sentence that is not
    /// in the past tense now points at someone else: a warning naming both. Posts that
    /// several held at once under one name are left alone.
    fn titles(&mut self, w: Date) {
        let facts = self.facts;
        let index = facts.titles();
        for (s, e, p) in self.title_finds.clone() {
            let Some(office) = facts.office(&index.offices[p]).filter(|o| !o.is_seat() && !index.bare[p]) else {
                continue;
            };
            let after = &self.text[e..];
            // Not the start of a longer title ("the Chancellor of the Duchy of Lancaster").
            if !self.whole_word(s, e)
                || [" of ", " for "].iter().any(|p| after.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p)))
                || !self.free(s, e)
            {
                continue;
            }
            let (Some(then), Some(now)) =
                (facts.sole_holder_at(&office.id, w), facts.sole_holder_at(&office.id, self.date))
            else {
                continue;
            };
            let next = after.split_whitespace().next().unwrap_or("").trim_end_matches(|c: char| !c.is_alphabetic());
            let next = next.to_ascii_lowercase();
            let did = next.len() > 3 && next.ends_with("ed") || RULES.past_verbs.contains(&next);
            if then.holder == now.holder
                || did
                || self.names_near(s, e, &then.holder)
                || crate::timex::tense_at(self.text, s, e) == crate::timex::Tense::Past
            {
                continue;
            }
            let shown = &self.text[s..e];
            let message = format!("on {w} \"{shown}\" was {}; since {} it is {}", then.holder, now.from, now.holder);
            let suggestion =
                format!("name the person meant (\"{shown}, {}\"), or write for {}", then.holder, now.holder);
            let since = then.to.map_or(now.from, next_day);
            self.push(Severity::Warning, FindingKind::Officeholder, (s, e), Some(since), message, Some(suggestion));
        }
    }

    /// "The Secretary of State", "the Minister" in a sentence that names one department
    /// ("…the Department for Education…"): the person who held that role in that
    /// department on `W`, when only one did. Judged like a title: when another holds it
    /// on `D`, a sentence not in the past tense now points at someone else.
    fn roles(&mut self, w: Date) {
        let facts = self.facts;
        // Lent out while findings are pushed; put back at the end.
        let lower = std::mem::take(&mut self.lower);
        let departments: std::collections::BTreeSet<&str> =
            facts.offices().filter_map(|o| o.department.as_deref()).collect();
        for role in &RULES.roles {
            let needle = format!("the {role}");
            for (s, _) in lower.match_indices(&needle) {
                let e = s + needle.len();
                let after = &lower[e..];
                if !self.whole_word(s, e)
                    || [" of ", " for ", " without "].iter().any(|p| after.starts_with(p))
                    || !self.free(s, e)
                {
                    continue;
                }
                let (a, b) = self.sentences.around(self.text, s, e);
                let sentence = &lower[a..b];
                let mut named = departments.iter().filter(|d| sentence.contains(&d.to_ascii_lowercase()));
                let (Some(department), None) = (named.next(), named.next()) else { continue };
                // Whoever held the role in that department on a day, if one person did.
                let holder = |day: Date| {
                    let mut people = facts
                        .offices()
                        .filter(|o| {
                            o.department.as_deref() == Some(*department)
                                && o.title.to_ascii_lowercase().contains(role.as_str())
                        })
                        .filter_map(|o| facts.sole_holder_at(&o.id, day).map(|t| (o, t)));
                    let first = people.next()?;
                    people.all(|(_, t)| t.holder == first.1.holder).then_some(first)
                };
                let (Some((_, then)), Some((office, now))) = (holder(w), holder(self.date)) else { continue };
                if then.holder == now.holder
                    || self.names_near(s, e, &then.holder)
                    || crate::timex::tense_at(self.text, s, e) == crate::timex::Tense::Past
                {
                    continue;
                }
                let shown = &self.text[s..e];
                let message = format!(
                    "on {w} \"{shown}\" ({department}) was {}; since {} it is {} ({})",
                    then.holder, now.from, now.holder, office.title
                );
                let suggestion =
                    format!("name the person meant (\"{shown}, {}\"), or write for {}", then.holder, now.holder);
                let since = then.to.map_or(now.from, next_day);
                self.push(Severity::Warning, FindingKind::Officeholder, (s, e), Some(since), message, Some(suggestion));
            }
        }
        self.lower = lower;
    }

    /// Whether `s..e` stands as whole words.
    fn whole_word(&self, s: usize, e: usize) -> bool {
        !self.text[..s].chars().next_back().is_some_and(char::is_alphanumeric)
            && !self.text[e..].starts_with(char::is_alphanumeric)
    }

    /// Whether `s..e` stands on a line of its own (a letterhead's or signature's line).
    fn alone_on_line(&self, s: usize, e: usize) -> bool {
        let line_start = self.text[..s].rfind('\n').map_or(0, |p| p + 1);
        let line_end = self.text[e..].find('\n').map_or(self.text.len(), |p| e + p);
        let rest = |t: &str| t.chars().all(|c| !c.is_alphanumeric());
        rest(&self.text[line_start..s]) && rest(&self.text[e..line_end])
    }

    /// Whether `name` is written within 60 bytes of `s..e` (any ASCII case).
    fn names_near(&self, s: usize, e: usize, name: &str) -> bool {
        let near = &self.text[floor_char_boundary(self.text, s.saturating_sub(60))
            ..floor_char_boundary(self.text, (e + 60).min(self.text.len()))];
        near.to_ascii_lowercase().contains(&name.to_ascii_lowercase())
    }

    /// Seat lines ("Member of Parliament for Daventry", "MP for Woking"), and any other
    /// office's title on a line of its own (a letterhead's or signature's "Secretary of
    /// State for Education"): the seat's
    /// Member on the day the letter was written (or, without that day, the Member named
    /// beside it). When the seat has another Member on the check date, or none (after a
    /// dissolution), the line is stale: in the letterhead or the signature it is the
    /// signer's own (an error), and so is a seat line on a line of its own; elsewhere
    /// ("my colleague the MP for Woking") a warning. Every seat line is judged, the
    /// Member's name beside it too.
    fn seats(&mut self) {
        let facts = self.facts;
        let index = facts.titles();
        for (s, e, p) in self.title_finds.clone() {
            let Some(office) = facts.office(&index.offices[p]).filter(|_| index.bare[p]) else { continue };
            // Any other office's title counts here only on a line of its own: a letterhead's
            // or a signature's ("Secretary of State for Education").
            if !self.whole_word(s, e) || !self.free(s, e) || !office.is_seat() && !self.alone_on_line(s, e) {
                continue;
            }
            let then = match self.written {
                Some(w) => facts.sole_holder_at(&office.id, w).or_else(|| {
                    // A post several held at once: the one named beside the line.
                    facts
                        .tenures()
                        .iter()
                        .find(|t| t.office == office.id && t.covers(w) && self.names_near(s, e, &t.holder))
                }),
                None => facts
                    .tenures()
                    .iter()
                    .filter(|t| t.office == office.id && t.from <= self.date && self.names_near(s, e, &t.holder))
                    .max_by_key(|t| t.from),
            };
            let Some(then) = then else { continue };
            let now = facts.sole_holder_at(&office.id, self.date);
            if facts.check_holder(&office.id, &then.holder, self.date).is_ok() {
                continue;
            }
            // The last day of the holder's last stint before the check date (a Member
            // re-elected held the seat again after each dissolution).
            let stints = facts.tenures().iter().filter(|t| t.office == office.id && t.holder == then.holder);
            let Some(left) = stints.filter_map(|t| t.to).filter(|to| *to < self.date).max() else { continue };
            let shown = &self.text[s..e];
            let when =
                self.written.map_or_else(|| format!("as written, \"{shown}\""), |w| format!("on {w} \"{shown}\""));
            let (what, message) = match now {
                _ if !office.is_seat() => {
                    ("office", format!("{when} was {}, who left the office on {left}", then.holder))
                }
                Some(n) => ("seat", format!("{when} was {}; since {} it is {}", then.holder, n.from, n.holder)),
                None => (
                    "seat",
                    format!(
                        "{when} was {}, who left the seat on {left}; no one holds it on {}",
                        then.holder, self.date
                    ),
                ),
            };
            let suggestion = match now {
                Some(n) => format!("{} is {} (since {}); sign as them", n.holder, office.title, n.from),
                None => format!("check who is {} on {}", office.title, self.date),
            };
            let since = Some(next_day(left));
            if self.signature.speaks_as(s) || self.alone_on_line(s, e) {
                let message = format!("the signer's {what}: {message}");
                self.push(Severity::Error, FindingKind::Signer, (s, e), since, message, Some(suggestion));
            } else {
                self.push(Severity::Warning, FindingKind::Officeholder, (s, e), since, message, Some(suggestion));
            }
        }
    }

    /// The signer's own voice: when the letter's signer is out of office (an error found
    /// by [`Scan::officeholders`] or [`Scan::seats`]), every first-person clause that
    /// speaks from the office ([`crate::voice`]) is an error too.
    fn voice(&mut self) {
        let Some(signer) = self.out.iter().find(|f| f.kind == FindingKind::Signer && f.severity == Severity::Error)
        else {
            return;
        };
        let found = crate::voice::findings(self.text, &signer.clone());
        for f in found {
            self.taken.insert(f.start, f.end);
            self.out.push(f);
        }
    }

    /// Tracked entities ([`crate::facts::Entity`]) named in a clause in the present or
    /// future tense: stale once the entity has reached a state after the letter was
    /// written (an error when that state is its `last`), unverifiable after the facts
    /// base's `known_to`. A short name ("the Bill") counts after the entity is named in
    /// full; a series name ("the Spending Review") in a clause that looks ahead means the
    /// next of the series after `W`. Names are found in one pass over the folded text.
    fn entities(&mut self) {
        let Some(w) = self.written else { return };
        let facts = self.facts;
        let index = facts.entity_names();
        let Some(automaton) = &index.automaton else { return };
        let folding = std::sync::Arc::clone(&self.folding);
        let (folded, lower) = (&folding.folded, &folding.folded.text);
        let f = folded.text.as_str();
        let whole = |m: &aho_corasick::Match| {
            let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            !word_char(f[..m.start()].chars().next_back()) && !word_char(f[m.end()..].chars().next())
        };
        // What each find means: an entity (named in full) or a series, in text order.
        enum Meant {
            Entity(usize),
            Series(usize),
        }
        let mut found: Vec<(usize, usize, Meant)> = automaton
            .find_iter(lower)
            .filter(|m| whole(m))
            .map(|m| {
                let meant = match index.named[m.pattern().as_usize()] {
                    crate::facts::Named::Entity(i) => Meant::Entity(i),
                    crate::facts::Named::Series(k) => Meant::Series(k),
                };
                (m.start(), m.end(), meant)
            })
            .collect();
        // A short name ("the Bill") means the entity with that short name last named in
        // full before it; it never counts inside a full name.
        if let Some(shorts) = &index.shorts {
            let mut extra = Vec::new();
            for m in shorts.find_iter(lower).filter(|m| whole(m)) {
                if found.iter().any(|(s, e, _)| *s < m.end() && m.start() < *e) {
                    continue;
                }
                let candidates = &index.short_of[m.pattern().as_usize()];
                let meant = found
                    .iter()
                    .filter(|(_, e, x)| *e <= m.start() && matches!(x, Meant::Entity(i) if candidates.contains(i)))
                    .max_by_key(|(_, e, _)| *e);
                if let Some((_, _, Meant::Entity(i))) = meant {
                    extra.push((m.start(), m.end(), Meant::Entity(*i)));
                }
            }
            found.extend(extra);
            found.sort_by_key(|(s, _, _)| *s);
        }
        for (fs, fe, meant) in found {
            let (s, e) = folded.original(fs, fe);
            if !self.free(s, e) {
                continue;
            }
            let tense = crate::timex::tense_at(self.text, s, e);
            match meant {
                Meant::Entity(i) if matches!(tense, crate::timex::Tense::Present | crate::timex::Tense::Future) => {
                    self.judge_entity(&facts.entities()[i], (s, e), w);
                }
                Meant::Series(k) if tense == crate::timex::Tense::Future => {
                    self.judge_series(&facts.series()[k].id, (s, e), w);
                }
                _ => {}
            }
        }
    }

    /// An entity named in a present or future clause: stale once it has reached a state
    /// after `w` (an error if one of them is its last), unverifiable after `known_to`.
    fn judge_entity(&mut self, x: &crate::facts::Entity, span: (usize, usize), w: Date) {
        // Already over when the letter was written: the letter's own mistake, not staleness.
        if x.states.iter().any(|st| st.last && st.date <= w) {
            return;
        }
        let shown = &self.text[span.0..span.1];
        let moved: Vec<&crate::facts::State> = x.states_between(w, self.date).collect();
        let Some(first) = moved.first() else {
            if let Some(known) = self.facts.unknown_since(self.date) {
                let message = format!(
                    "unverifiable: the facts base is known to {known}; what became of the {} since is not known",
                    x.name
                );
                let suggestion = format!("check where the {} stands now, and update the facts base", x.name);
                self.push(
                    Severity::Warning,
                    FindingKind::Entity,
                    span,
                    Some(next_day(known)),
                    message,
                    Some(suggestion),
                );
            }
            return;
        };
        let latest = moved[moved.len() - 1];
        let severity = if moved.iter().any(|st| st.last) { Severity::Error } else { Severity::Warning };
        let steps: Vec<String> =
            moved.iter().map(|st| format!("{} on {}", st.state.replace('-', " "), st.date)).collect();
        let message = format!(
            "\"{shown}\" in the present or future tense, written {w}: the {} has moved on since ({})",
            x.name,
            steps.join(", ")
        );
        let now = latest
            .what
            .clone()
            .unwrap_or_else(|| format!("{}: {} on {}", x.name, latest.state.replace('-', " "), latest.date));
        let suggestion = format!("say where it stands now: {now} ({})", latest.source);
        self.push(severity, FindingKind::Entity, span, Some(first.date), message, Some(suggestion));
        self.sourced(Some(&latest.source));
    }

    /// A series name looking ahead ("the Spending Review will…"): the next of the series
    /// after `w`; an error once it has been delivered, unverifiable when the facts base
    /// has none after `w` and the check date is past `known_to`.
    fn judge_series(&mut self, series: &str, span: (usize, usize), w: Date) {
        let next = self
            .facts
            .entities()
            .iter()
            .filter(|x| x.series.as_deref() == Some(series))
            .filter_map(|x| Some((x, x.states.first()?)))
            .filter(|(_, st)| st.date > w)
            .min_by_key(|(_, st)| st.date);
        let shown = &self.text[span.0..span.1];
        match next {
            Some((x, st)) if st.date <= self.date => {
                let message = format!(
                    "\"{shown}\" looks ahead, written {w}: it meant the next one, the {}, delivered on {}",
                    x.name, st.date
                );
                let suggestion = format!("say what the {} set out ({})", x.name, st.source);
                self.push(Severity::Error, FindingKind::Entity, span, Some(st.date), message, Some(suggestion));
            }
            None => {
                if let Some(known) = self.facts.unknown_since(self.date) {
                    let message =
                        format!("unverifiable: \"{shown}\" looks ahead, and the facts base is known only to {known}");
                    let suggestion = "check whether it has happened, and update the facts base".to_string();
                    self.push(
                        Severity::Warning,
                        FindingKind::Entity,
                        span,
                        Some(next_day(known)),
                        message,
                        Some(suggestion),
                    );
                }
            }
            Some(_) => {}
        }
    }

    /// A phrase that has meant something else since `changed`: a warning for a year
    /// after, then an error (a warning at most if `capped`), with its certain
    /// replacement, if any.
    fn push_moved(
        &mut self,
        span: (usize, usize),
        changed: Date,
        capped: bool,
        message: String,
        replacement: Option<String>,
        suggestion: String,
    ) {
        let a_year_on = changed.checked_add(1.year()).unwrap_or(changed);
        let severity = if self.date > a_year_on && !capped { Severity::Error } else { Severity::Warning };
        self.out.push(Finding {
            since: Some(changed),
            suggestion: Some(suggestion),
            replacement,
            ..Finding::at(self.text, span, severity, FindingKind::RelativePhrase, message)
        });
        self.taken.insert(span.0, span.1);
    }

    /// Every other time expression, judged by its clause and re-read on the date
    /// ([`crate::judge`]).
    /// The time expressions as [`crate::judge::judge`] judged them (on another core,
    /// while the passes before this one ran), where nothing else has been reported.
    fn expressions(&mut self, judged: Vec<Finding>) {
        for f in judged {
            if self.free(f.start, f.end) {
                self.taken.insert(f.start, f.end);
                self.out.push(f);
            }
        }
    }

    fn commitments(&mut self) {
        for (start, end) in RULES.commitments(self.text) {
            if !self.free(start, end) {
                continue;
            }
            let shown = &self.text[start..end];
            let (severity, since, message) = match self.written {
                Some(w) if self.date > w.checked_add(1.year()).unwrap_or(w) => (
                    Severity::Warning,
                    w.checked_add(1.year()).ok().map(next_day),
                    format!(
                        "\"{shown}\" looks ahead (a promise, work in progress or something due), written {w}, {} ago: has it happened?",
                        elapsed(w, self.date)
                    ),
                ),
                _ => (Severity::Info, None, format!("\"{shown}\" looks ahead ({})", self.written_note())),
            };
            self.push(
                severity,
                FindingKind::Commitment,
                (start, end),
                since,
                message,
                Some("say what has been done, in the past tense".into()),
            );
        }
    }

    /// People in the facts base named in the letter, judged in the office the words
    /// around them imply. Names are found in one pass over the folded text (white space
    /// of any kind, line breaks, invisible characters and dashes read alike, ASCII case
    /// ignored), and reported on the original text.
    fn officeholders(&mut self) {
        let index = self.facts.names();
        let Some(automaton) = &index.automaton else { return };
        let folding = std::sync::Arc::clone(&self.folding);
        let (folded, lower) = (&folding.folded, &folding.folded.text);
        let f = folded.text.as_str();
        let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let whole =
            |pos: usize, end: usize| !word_char(f[..pos].chars().next_back()) && !word_char(f[end..].chars().next());
        let window_at = |pos: usize, end: usize| {
            let before = f[floor_char_boundary(f, pos.saturating_sub(40))..pos].to_lowercase();
            let after = f[end..floor_char_boundary(f, end + 70)].to_lowercase();
            (format!("{before} {after}"), after)
        };
        let mut found = Vec::new();
        // Each name found, the end of its first mention and the offices it was judged in.
        let mut named: Vec<(&str, usize, Vec<String>)> = Vec::new();
        let mut spans = Taken::default();
        let mut bare = Vec::new();
        for m in automaton.find_iter(lower) {
            let (pos, end) = (m.start(), m.end());
            if !whole(pos, end) {
                continue;
            }
            let (s, e) = folded.original(pos, end);
            if !self.free(s, e) {
                continue;
            }
            spans.insert(pos, end);
            let name = index.names[m.pattern().as_usize()].as_str();
            let (window, after) = window_at(pos, end);
            let past = RULES.past_marker.is_match(&window);
            if let Some(c) = self.text[s..e].chars().find(|&c| is_homoglyph(c)) {
                let message = format!(
                    "\"{}\" mixes scripts: `{c}` (U+{:04X}) only looks like a Latin letter; is this {name}?",
                    &self.text[s..e],
                    u32::from(c)
                );
                found.push(Found::Mixed(s, e, message));
            }
            // Every mention is judged: each one left in a letter needs mending.
            let offices = self.implied_offices(name, &window, &after);
            match named.iter_mut().find(|(n, _, _)| *n == name) {
                Some((_, _, seen)) => {
                    seen.extend(offices.iter().filter(|o| !seen.contains(o)).cloned().collect::<Vec<_>>())
                }
                None => named.push((name, end, offices.clone())),
            }
            if offices.is_empty() {
                bare.push((s, e, name, past));
            }
            for office in offices {
                found.push(Found::Holder(s, e, name, office, past));
            }
        }
        // A mention with no office words of its own (the name alone in a signature) is
        // the same person in the offices the letter's other mentions name.
        for (s, e, name, past) in bare {
            for (_, _, offices) in named.iter().filter(|(n, _, _)| *n == name) {
                for office in offices {
                    found.push(Found::Holder(s, e, name, office.clone(), past));
                }
            }
        }
        // "Mr Lord", "Dr Smith": after the full name, the family name with a title is the
        // same person, in the offices the full name was judged in and any its own words imply.
        // Every title and family name is found in one pass, then taken name by name,
        // title by title, in text order.
        let mut needles: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, usize)>> = Vec::new();
        for (k, (name, _, _)) in named.iter().enumerate() {
            let Some(family) = name.rsplit(' ').next().filter(|w| w.len() > 1 && *w != *name) else { continue };
            for (t, title) in RULES.surname_titles.iter().enumerate() {
                let needle = format!("{title} {}", family.to_ascii_lowercase());
                match needles.iter().position(|n| *n == needle) {
                    Some(i) => owners[i].push((k, t)),
                    None => {
                        needles.push(needle);
                        owners.push(vec![(k, t)]);
                    }
                }
            }
        }
        let mut mentions: Vec<(usize, usize, usize, usize)> = Vec::new();
        if let Ok(titled) = aho_corasick::AhoCorasick::new(&needles) {
            for m in titled.find_overlapping_iter(lower) {
                let i = m.pattern().as_usize();
                mentions.extend(owners[i].iter().map(|&(k, t)| (k, t, m.start(), i)));
            }
        }
        mentions.sort_unstable();
        // A needle's mentions do not overlap one another (as `match_indices` reads them).
        let mut last_end: Vec<usize> = vec![0; needles.len()];
        let mut last_owner: Vec<Option<(usize, usize)>> = vec![None; needles.len()];
        for (k, t, pos, i) in mentions {
            if last_owner[i] != Some((k, t)) {
                last_owner[i] = Some((k, t));
                last_end[i] = 0;
            }
            let end = pos + needles[i].len();
            if pos < last_end[i] {
                continue;
            }
            last_end[i] = end;
            let (name, first_end, offices) = &named[k];
            if pos < *first_end || !whole(pos, end) || spans.overlaps(pos, end) {
                continue;
            }
            let (s, e) = folded.original(pos, end);
            if !self.free(s, e) {
                continue;
            }
            spans.insert(pos, end);
            let (window, after) = window_at(pos, end);
            let past = RULES.past_marker.is_match(&window);
            let mut all = offices.clone();
            all.extend(self.implied_offices(name, &window, &after).into_iter().filter(|o| !offices.contains(o)));
            for office in all {
                found.push(Found::Holder(s, e, name, office, past));
            }
        }
        found.sort_by_key(|x| match x {
            Found::Holder(s, ..) | Found::Mixed(s, ..) => *s,
        });
        for x in found {
            match x {
                Found::Holder(s, e, name, office, past) => self.judge_holder(s, e, name, &office, past),
                Found::Mixed(s, e, message) => self.out.push(Finding {
                    suggestion: Some("retype the name in Latin letters".into()),
                    ..Finding::at(self.text, (s, e), Severity::Warning, FindingKind::MixedScript, message)
                }),
            }
        }
    }

    /// Offices `name` has held that the nearby text implies (a title, an alias, or a
    /// generic role such as "Secretary of State" or "MP").
    fn implied_offices(&self, name: &str, window: &str, after: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let says_mp = {
            let mut a = after.trim_start();
            for p in &RULES.post_nominals {
                if let Some(rest) = a.strip_prefix(p.as_str()).and_then(|r| r.strip_prefix(' ')) {
                    a = rest;
                }
            }
            a.starts_with("mp") && !a[2..].starts_with(|c: char| c.is_alphanumeric())
                || window.contains("member of parliament")
        };
        let mut generic: Vec<&crate::facts::Tenure> = Vec::new();
        let mut mp = false;
        for t in self.facts.tenures().iter().filter(|t| t.holder == name) {
            let Some(o) = self.facts.office(&t.office) else { continue };
            if o.is_seat() {
                // A seat named beside the name ("MP for Woking") is that seat: two Members
                // of one name are told apart by it.
                let named = std::iter::once(&o.title).chain(&o.aliases).any(|n| window.contains(&n.to_lowercase()));
                if named && !out.contains(&t.office) {
                    out.push(t.office.clone());
                }
                mp |= says_mp && !named;
                continue;
            }
            let title = o.title.to_lowercase();
            if window.contains(&title) || o.aliases.iter().any(|a| window.contains(&a.to_lowercase())) {
                if !out.contains(&t.office) {
                    out.push(t.office.clone());
                }
            } else if RULES.generic_offices.iter().any(|g| title.contains(g.as_str()) && window.contains(g.as_str())) {
                generic.push(t);
            }
        }
        // A role named generically ("Secretary of State") is the office held when the
        // letter was written, or else the latest one held.
        if out.is_empty() {
            let held = self.written.and_then(|w| generic.iter().find(|t| t.covers(w)));
            if let Some(t) = held.or_else(|| generic.iter().filter(|t| t.from <= self.date).max_by_key(|t| t.from)) {
                out.push(t.office.clone());
            }
        }
        if mp && !out.iter().any(|o| o.starts_with("mp-")) {
            out.push("mp".to_string());
        }
        out
    }

    fn judge_holder(&mut self, s: usize, e: usize, name: &str, office: &str, past: bool) {
        let facts = self.facts;
        let (title, check, source) = if office == "mp" {
            let seats: Vec<&crate::facts::Tenure> =
                facts.tenures().iter().filter(|t| t.holder == name && t.office.starts_with("mp-")).collect();
            let holding = seats.iter().copied().find(|t| t.covers(self.date));
            let last = seats.iter().filter_map(|t| t.to).filter(|to| *to < self.date).max();
            let source = seats.iter().filter(|t| t.from <= self.date).max_by_key(|t| t.from).map(|t| t.source.as_str());
            ("a Member of Parliament".to_string(), holding.ok_or(last), source)
        } else {
            let source = facts.holder_source(office, name, self.date);
            let title = facts.office(office).map_or(office.to_string(), |o| o.title.clone());
            (title, facts.check_holder(office, name, self.date), source)
        };
        let pushed = self.out.len();
        match check {
            Ok(t) => match facts.unverifiable(t, &title, self.date) {
                // After what the facts base knows: not known to be still in office.
                Some((known, message)) => self.push(
                    Severity::Warning,
                    FindingKind::Officeholder,
                    (s, e),
                    Some(next_day(known)),
                    message,
                    Some("update the facts base, or check who holds the office now".into()),
                ),
                None => self.push(
                    Severity::Info,
                    FindingKind::Officeholder,
                    (s, e),
                    None,
                    format!("{name} is {title} on {}", self.date),
                    None,
                ),
            },
            Err(last) => {
                let severity = if past { Severity::Info } else { Severity::Error };
                let successor = if office == "mp" {
                    None
                } else {
                    facts
                        .successor_at(office, self.date)
                        .map(|(o, t)| format!("{} is {} (since {})", t.holder, o.title, t.from))
                };
                let message = match last {
                    Some(l) => format!("{name} left office as {title} on {l}"),
                    None => format!("{name} was not {title} on {}", self.date),
                };
                // An out-of-office name that signs the letter is the signer, as a draft calls it.
                if severity == Severity::Error && self.signature.signs(self.text, (s, e)) {
                    let message = format!("the signer: {message}");
                    self.push(severity, FindingKind::Signer, (s, e), last.map(next_day), message, successor);
                } else {
                    self.push(severity, FindingKind::Officeholder, (s, e), last.map(next_day), message, successor);
                }
            }
        }
        if self.out.len() > pushed {
            self.sourced(source);
        }
    }
}

/// Scans `text` for time-bound language and judges each find on `date`, for a letter
/// written on `written` (if known). Spans in `claimed` (reported by claims) are left
/// alone; spans in `covered` (paragraphs of reviewed blocks) are only checked for
/// officeholders. Findings are in text order.
pub(crate) fn scan(
    text: &str,
    facts: &Facts,
    date: Date,
    written: Option<Date>,
    covered: &[(usize, usize)],
    claimed: &[(usize, usize)],
) -> Vec<Finding> {
    // The time expressions are judged on their own (the longest pass), beside the
    // passes that come before them in priority.
    let (judged, mut s) = rayon::join(
        || crate::judge::judge(text, facts, written, date),
        || {
            let mut taken = Taken::default();
            for &(a, b) in claimed {
                taken.insert(a, b);
            }
            // What the passes read besides the text, prepared side by side.
            let (folding, (lower, title_finds)) = rayon::join(
                || Folding::new(text),
                || {
                    let lower = text.to_ascii_lowercase();
                    let finds = facts.titles().automaton.as_ref().map_or_else(Vec::new, |automaton| {
                        automaton.find_iter(&lower).map(|m| (m.start(), m.end(), m.pattern().as_usize())).collect()
                    });
                    (lower, finds)
                },
            );
            let mut s = Scan {
                text,
                facts,
                date,
                written,
                taken,
                sentences: Sentences::new(text),
                signature: Signature::new(text),
                lower,
                title_finds,
                folding: std::sync::Arc::new(folding),
                out: Vec::new(),
            };
            s.officeholders();
            s.seats();
            s.voice();
            for &(a, b) in covered {
                s.taken.insert(a, b);
            }
            s.events();
            s.entities();
            s
        },
    );
    s.expressions(judged);
    s.commitments();
    let mut out = s.out;
    Finding::sort(&mut out);
    out
}

/// Time-bound phrases in `text` without judging them: `(start, end, what)`, for the
/// claim stubs of ingested blocks. The time expressions of [`crate::timex`] (read as
/// written on `anchor`; durations only when counted from the letter's date), then the
/// promises that do not overlap them.
pub(crate) fn time_phrases(text: &str, anchor: Date) -> Vec<(usize, usize, &'static str)> {
    let reading = crate::timex::read(text);
    let found = reading.at(anchor);
    let moved = crate::timex::moves_with_anchor(&reading, &found, anchor);
    let mut taken = Taken::default();
    let mut out: Vec<(usize, usize, &'static str)> = Vec::new();
    for (t, moves) in found.iter().zip(moved).filter(|(t, _)| !crate::judge::dayless(t)) {
        let (start, end) = crate::judge::deadline_span(text, t);
        let what = match t.kind {
            crate::timex::TimexType::Duration if crate::judge::counted(text, t).is_some() => "a relative phrase",
            crate::timex::TimexType::Duration | crate::timex::TimexType::Set => continue,
            _ if moves => "a relative phrase",
            _ if start < t.start => "a deadline",
            _ if t.value.starts_with("FY") => "a financial year",
            _ => "a date",
        };
        taken.insert(start, end);
        out.push((start, end, what));
    }
    for (s, e) in RULES.commitments(text) {
        if !taken.overlaps(s, e) {
            taken.insert(s, e);
            out.push((s, e, "a future-tense commitment"));
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_rules_file_parses_and_a_broken_one_says_where() {
        use super::{RULES_FILE, RULES_TOML, Rules};
        assert!(Rules::parse(RULES_TOML).is_ok());
        // A bad pattern and an unknown key are errors naming the file and their line.
        let line = |text: &str, needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
        let broken = RULES_TOML.replace("past_marker = '", "past_marker = '(");
        let e = Rules::parse(&broken).err().unwrap();
        assert!(e.to_string().contains("the pattern does not compile"), "{e}");
        assert_eq!((e.location().file.as_str(), e.location().line), (RULES_FILE, line(&broken, "past_marker = ")));
        let broken = RULES_TOML.replace("this_government = '", "this_goverment = '");
        let e = Rules::parse(&broken).err().unwrap();
        assert!(e.to_string().starts_with(&format!("{RULES_FILE}:")) && e.to_string().contains("`this_goverment`"));
        assert_eq!(e.location().line, line(&broken, "this_goverment = "));
        assert!(Rules::parse("[patterns]\n").is_err());
    }

    #[test]
    fn the_signature_follows_the_last_valediction() {
        let letter = "Dear Sam,\n\nBest wishes for the year; regards to all.\n\nYours sincerely,\n\nAnn Lee MP\n";
        let at = super::Signature::new(letter).after_valediction.unwrap();
        assert_eq!(letter[at..].trim(), "Ann Lee MP");
        assert_eq!(super::Signature::new("Dear Sam,\n\nThank you for writing.\n").after_valediction, None);
        let letter = "Rt Hon Ann Lee MP\n\nDear Sam,\n\nAnn Lee said so.\n\nRt Hon Ann Lee CBE MP\nMinister\n";
        let signature = super::Signature::new(letter);
        let at = |n: usize| {
            let s = letter.match_indices("Ann Lee").nth(n).unwrap().0;
            signature.signs(letter, (s, s + 7))
        };
        assert_eq!((at(0), at(1), at(2)), (false, false, true), "letterhead, body, signature");
    }
}
