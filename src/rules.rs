//! The rules of a check: one module per kind of finding in what a letter says besides
//! its blocks' claims — people and their offices, seats, the signer's voice, elections
//! and governments, offices named by title, tracked entities, time expressions and
//! promises — each recognising, resolving against the facts and judging on the check
//! date. Each is a [`Rule`]; they run in the order of [`PRIORITY`], and a rule's finding
//! is kept only where no rule before it reported (see "Adding a rule" in the book,
//! `docs/src/design/adding-a-rule.md`).
//!
//! What several rules read of a letter is prepared once, in a [`Context`]; what they
//! have found so far, and the byte ranges taken, is the [`Findings`].

pub(crate) mod claims;
pub(crate) mod commitments;
pub(crate) mod entities;
pub(crate) mod events;
pub(crate) mod expressions;
pub(crate) mod officeholders;
pub(crate) mod seats;
pub(crate) mod titles;
pub(crate) mod voice;

use crate::facts::Facts;
use crate::finding::{Category, Finding, FindingKind, Severity};
use crate::text::{Folded, floor_char_boundary};
use crate::timex::rules::{RulesError, Source, Spanned};
use jiff::civil::Date;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::sync::LazyLock;

/// One kind of finding: recognised in a letter, resolved against the facts and judged
/// on the check date.
pub(crate) trait Rule: Sync {
    /// What the rule is: its id, its category, and what it reads besides the context.
    fn about(&self) -> About;

    /// Adds its findings to `findings`, each where nothing is reported yet
    /// ([`Findings::taken`]), and takes their ranges.
    fn find(&self, cx: &Context<'_>, findings: &mut Findings);
}

/// What a [`Rule`] is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct About {
    /// The rule's id, carried by each of its findings ([`Finding::rule`]): its module's name.
    pub(crate) id: &'static str,
    /// The coarse category of its findings ([`Finding::category`]).
    pub(crate) category: Category,
    /// Whether it reads the paragraphs of reviewed blocks too (a reviewed block's words
    /// stay true but for the people in them). Such rules stand first in [`PRIORITY`].
    pub(crate) reads_reviewed: bool,
    /// Whether it reads the time expressions [`crate::judge`] judged
    /// ([`Findings::judged`]): they are judged on another core while the rules before
    /// it in [`PRIORITY`] run.
    pub(crate) reads_judged: bool,
    /// Whether it reads the paragraphs of reviewed blocks outside the blocks' own claims
    /// (for what the blocks' claims do not bind: time-sensitive claims), wherever it
    /// stands in [`PRIORITY`].
    pub(crate) reads_matched: bool,
}

impl About {
    /// A rule `id` of `category`, reading neither reviewed blocks nor judged expressions.
    const fn new(id: &'static str, category: Category) -> About {
        About { id, category, reads_reviewed: false, reads_judged: false, reads_matched: false }
    }

    /// The rule reads the paragraphs of reviewed blocks too.
    const fn reading_reviewed(self) -> About {
        About { reads_reviewed: true, ..self }
    }

    /// The rule reads block-matched paragraphs outside the blocks' own claims.
    const fn reading_matched(self) -> About {
        About { reads_matched: true, ..self }
    }

    /// The rule reads the judged time expressions.
    const fn reading_judged(self) -> About {
        About { reads_judged: true, ..self }
    }
}

/// The rules, highest priority first: where two rules would report overlapping text,
/// the earlier one's finding stands and the later one's is not made. People come first
/// (a name is judged before any phrase around it), then the signer's voice (which reads
/// whether the signer was found out of office), then elections and governments, offices
/// named by title, tracked entities, every other time expression, the promises without
/// a date, and last the time-sensitive claims judged only by the letter's age (the
/// fallback: any rule before it that reports in a sentence says more, and it then stays
/// quiet there). The one ordered list; "Adding a rule" in the book says where a new
/// rule goes.
pub(crate) const PRIORITY: &[&dyn Rule] = &[
    &officeholders::Officeholders,
    &seats::Seats,
    &voice::Voice,
    &events::Events,
    &titles::Titles,
    &entities::Entities,
    &expressions::Expressions,
    &commitments::Commitments,
    &claims::Claims,
];

/// The rules' data, as written (`src/rules/rules.toml`): one section per rule, or per
/// part of the context several rules read.
const RULES_TOML: &str = include_str!("rules/rules.toml");
const RULES_FILE: &str = "src/rules/rules.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    patterns: Patterns,
    commitment: CommitmentRules,
    events: EventRules,
    signature: SignatureRules,
    offices: OfficeRules,
    claims: ClaimRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimRules {
    age_months: Spanned<i64>,
    values: Vec<String>,
    signer_verbs: Vec<String>,
    attitudes: Vec<String>,
    courtesy: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Patterns {
    past_marker: Spanned<String>,
    past_time: Spanned<String>,
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
    negators: Vec<String>,
    denials: Spanned<String>,
    reported: Spanned<String>,
    questions: Spanned<String>,
    standing: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRules {
    election: Spanned<String>,
    government: Spanned<String>,
    this_government: Spanned<String>,
    the_government: Spanned<String>,
    named_government: Spanned<String>,
    previous_government: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureRules {
    valedictions: Vec<String>,
    honorifics: Vec<String>,
    bylines: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficeRules {
    generic: Vec<String>,
    post_nominals: Vec<String>,
    surname_titles: Vec<String>,
    roles: Vec<String>,
    dated: Spanned<String>,
    as_office_before: Spanned<String>,
    as_office_after: Spanned<String>,
}

/// The rules, compiled once.
struct Rules {
    past_marker: Regex,
    /// A time in the past counted from the letter's date ("last week", "yesterday").
    past_time: Regex,
    /// A forward-looking form and its verb: group `be` (if "be" stands before the verb), `verb`.
    commitment: Regex,
    progressive: Regex,
    /// "Since the election": counted from the last general election.
    since_election: Regex,
    /// "Since they came into government": counted from the last change of government.
    since_government: Regex,
    /// "This Government": the government of the day the letter was written.
    this_government: Regex,
    /// "The Government", "Ministers": the government of the day, in a present or future clause.
    the_government: Regex,
    /// "The Conservative Government": group 1 names the party.
    named_government: Regex,
    previous_government: Regex,
    participles: Vec<String>,
    not_promises: Vec<String>,
    own_subjects: Vec<String>,
    /// A negation or denial before a form in its clause ("is not planning to").
    denials: Regex,
    /// The constituent's words before a form in its sentence ("You wrote about…").
    reported: Regex,
    /// An open question right before a form ("how they are going to").
    questions: Regex,
    /// Verbs after "committed to" that name a standing aim ("supporting").
    standing: Vec<String>,
    valedictions: Vec<String>,
    honorifics: Vec<String>,
    bylines: Vec<String>,
    generic_offices: Vec<String>,
    post_nominals: Vec<String>,
    surname_titles: Vec<String>,
    roles: Vec<String>,
    /// A clause that dates what it says.
    dated: Regex,
    /// An office spoken of as an office: before its title, after it.
    as_office_before: Regex,
    as_office_after: Regex,
    /// How old a letter is, in months, before its time-sensitive claims are asked about.
    claim_age_months: i64,
    claim_values: Vec<String>,
    signer_verbs: Vec<String>,
    attitudes: Vec<String>,
    courtesy: Vec<String>,
}

/// Compiles a rule's pattern. Word boundaries are ASCII (`(?-u:\b)`): the words
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
                r"\b(?:{})\s+(?:(?P<neg>{})\s+)?(?:(?:{})\s+)*(?:(?P<be>be)\s+)?(?P<verb>\w+)\b",
                forms.join("|"),
                c.negators.join("|"),
                c.adverbs.iter().map(|a| a.replace(' ', r"\s+")).collect::<Vec<_>>().join("|")
            ))
        })?;
        let progressive = source.check(&c.progressive, |p| re(&format!(r"\b(?:{})\b", p.join("|"))))?;
        let lower = |v: &[String]| v.iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>();
        let age = &file.claims.age_months;
        let claim_age_months = *age.get_ref();
        if !(1..=120).contains(&claim_age_months) {
            let what = format!("`age_months` must be 1 to 120, not {claim_age_months}");
            return Err(RulesError::Toml { at: source.locate(age.span().start), what });
        }
        Ok(Rules {
            past_marker: pattern(&file.patterns.past_marker)?,
            past_time: pattern(&file.patterns.past_time)?,
            commitment,
            progressive,
            since_election: pattern(&file.events.election)?,
            since_government: pattern(&file.events.government)?,
            this_government: pattern(&file.events.this_government)?,
            the_government: pattern(&file.events.the_government)?,
            named_government: pattern(&file.events.named_government)?,
            previous_government: pattern(&file.events.previous_government)?,
            participles: lower(&c.participles),
            not_promises: lower(&c.not_promises),
            own_subjects: lower(&c.own_subjects),
            denials: pattern(&c.denials)?,
            reported: pattern(&c.reported)?,
            questions: pattern(&c.questions)?,
            standing: lower(&c.standing),
            valedictions: lower(&file.signature.valedictions),
            honorifics: lower(&file.signature.honorifics),
            bylines: lower(&file.signature.bylines),
            generic_offices: lower(&file.offices.generic),
            post_nominals: lower(&file.offices.post_nominals),
            dated: pattern(&file.offices.dated)?,
            as_office_before: pattern(&file.offices.as_office_before)?,
            as_office_after: pattern(&file.offices.as_office_after)?,
            surname_titles: lower(&file.offices.surname_titles),
            roles: lower(&file.offices.roles),
            claim_age_months,
            claim_values: lower(&file.claims.values),
            signer_verbs: lower(&file.claims.signer_verbs),
            attitudes: lower(&file.claims.attitudes),
            courtesy: lower(&file.claims.courtesy),
        })
    }
}

/// The rules' data. It is part of the crate (a test reads them), so a mistake
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

/// Who signs the letter, resolved once for every rule: given (a name, and the office
/// they sign in), or read from the letter (a signature block, a byline or header:
/// "Letter from Ann Lee MP", "From: Ann Lee MP", a first line naming the Member). When
/// they have left an office the letter speaks from by the check date, what says so.
#[derive(Debug, Default)]
pub(crate) struct Signer {
    /// Where the letter names them as its signer, if it does.
    at: Option<(usize, usize)>,
    /// Out of an office the letter speaks from on the check date: what happened, the
    /// day after they left, and who holds it now.
    out: Option<(String, Option<Date>, Option<String>)>,
    /// When the signer is still in Parliament but no longer for the seat the letter
    /// names (a seat abolished or lost at a boundary change): that seat's names, in
    /// lowercase. Only the clauses that name it speak from an office they left.
    only_naming: Vec<String>,
}

impl Signer {
    /// The signer of `text`: `given` (a name and the office they sign in), or else the
    /// name of the facts base that signs the letter or stands in its byline or header.
    fn new(cx: &Context<'_>, given: Option<(&str, Option<&str>)>) -> Signer {
        let facts = cx.facts;
        let (name, at, office) = match given {
            Some((name, office)) => {
                let name = name.trim();
                let known = facts.tenures().iter().find(|t| t.holder.eq_ignore_ascii_case(name));
                (known.map_or_else(|| name.to_string(), |t| t.holder.clone()), None, office)
            }
            None => match cx.signer_in_text() {
                Some((name, s, e)) => (name, Some((s, e)), None),
                None => return Signer::default(),
            },
        };
        if let Some(out) = cx.signer_out(&name, office) {
            return Signer { at, out: Some(out), only_naming: Vec::new() };
        }
        match cx.seat_left(&name) {
            Some((out, names)) => Signer { at, out: Some(out), only_naming: names },
            None => Signer { at, out: None, only_naming: Vec::new() },
        }
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

    /// The byte range of the first sentence that starts at or after `from` (none past the
    /// text's end), a full stop inside a word or a number ("£8.8 million", "gov.uk") not
    /// ending one. Read one after another, without a list of them all (a long letter
    /// has hundreds of thousands).
    fn next_span(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        if from > text.len() {
            return None;
        }
        let bytes = text.as_bytes();
        let ends = &self.ends[self.ends.partition_point(|&e| e < from)..];
        let end = ends
            .iter()
            .copied()
            .find(|&e| bytes[e] != b'.' || bytes.get(e + 1).is_none_or(|b| !b.is_ascii_alphanumeric()))
            .unwrap_or(text.len());
        Some((from, end))
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

/// What the rules read of one letter, prepared once before any runs.
pub(crate) struct Context<'a> {
    /// The letter.
    text: &'a str,
    facts: &'a Facts,
    /// The check date.
    date: Date,
    /// When the letter was written, if known.
    written: Option<Date>,
    sentences: Sentences,
    signature: Signature,
    /// The text, ASCII-lowercased (byte offsets unchanged), for the lowercase automata.
    lower: String,
    /// Every office title found in the text, once: `(start, end, pattern)` of
    /// [`Facts::titles`], read by both [`titles`] and [`seats`].
    title_finds: Vec<(usize, usize, usize)>,
    /// Who signs the letter.
    signer: Signer,
    /// The text as [`Folded`] reads it, folded once (for the names automata of people
    /// and entities) and ASCII-lowercased in place: that keeps every byte offset, and the
    /// automata hold lowercase names. (What is read from it besides names does not
    /// depend on ASCII case: word boundaries, and windows that are lowercased anyway.)
    folded: Folded,
}

impl<'a> Context<'a> {
    /// Prepares what the rules read of `text`, checked on `date` against `facts`;
    /// `signer` is who signs it and the office they sign in, when given.
    pub(crate) fn new(
        text: &'a str,
        facts: &'a Facts,
        date: Date,
        written: Option<Date>,
        signer: Option<(&str, Option<&str>)>,
    ) -> Context<'a> {
        // What the rules read besides the text, prepared side by side.
        let (folded, (lower, title_finds)) = rayon::join(
            || {
                let mut folded = Folded::new(text);
                folded.text.make_ascii_lowercase();
                folded
            },
            || {
                let lower = text.to_ascii_lowercase();
                let finds = facts.titles().automaton.as_ref().map_or_else(Vec::new, |automaton| {
                    automaton.find_iter(&lower).map(|m| (m.start(), m.end(), m.pattern().as_usize())).collect()
                });
                (lower, finds)
            },
        );
        let mut cx = Context {
            text,
            facts,
            date,
            written,
            sentences: Sentences::new(text),
            signature: Signature::new(text),
            lower,
            title_finds,
            signer: Signer::default(),
            folded,
        };
        cx.signer = Signer::new(&cx, signer);
        cx
    }

    /// Whether the name at `s..e` is the letter's signer as it signs: in the signature
    /// ([`Signature::signs`]), or the byline or header the signer was read from.
    fn signs(&self, s: usize, e: usize) -> bool {
        self.signature.signs(self.text, (s, e)) || self.signer.at == Some((s, e))
    }

    /// A name of the facts base that signs the letter (the last in its signature block),
    /// or else the first that stands in its byline or header: `(name, start, end)`. The
    /// letter's lines are found once, so that each name costs a search, not a scan.
    fn signer_in_text(&self) -> Option<(String, usize, usize)> {
        let index = self.facts.names();
        let automaton = index.automaton.as_ref()?;
        let f = self.folded.text.as_str();
        let text = self.text;
        let breaks: Vec<usize> = text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i).collect();
        let line = |s: usize, e: usize| {
            let i = breaks.partition_point(|&b| b < s);
            let start = if i == 0 { 0 } else { breaks[i - 1] + 1 };
            let end = breaks.get(breaks.partition_point(|&b| b < e)).copied().unwrap_or(text.len());
            (start, end)
        };
        // The header: before the salutation; without one, the first two lines with words.
        let header_end = self.signature.salutation.unwrap_or_else(|| {
            let mut pos = 0;
            let mut worded = 0;
            for l in text.split_inclusive('\n') {
                if l.chars().any(char::is_alphanumeric) {
                    worded += 1;
                    if worded > 2 {
                        break;
                    }
                }
                pos += l.len();
            }
            pos
        });
        let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let mut signing = None;
        let mut header = None;
        for m in automaton.find_iter(f) {
            if word_char(f[..m.start()].chars().next_back()) || word_char(f[m.end()..].chars().next()) {
                continue;
            }
            let (s, e) = self.folded.original(m.start(), m.end());
            let (line_start, line_end) = line(s, e);
            let name = || index.names[m.pattern().as_usize()].clone();
            // A name on a long line neither signs nor stands in a byline.
            if line_end - line_start > 400 {
                continue;
            }
            if self.signature.signs(text, (s, e)) {
                signing = Some((name(), s, e));
            } else if header.is_none() && line_start < header_end && self.byline((line_start, line_end), s, e) {
                header = Some((name(), s, e));
            }
        }
        signing.or(header)
    }

    /// Whether the name at `s..e`, on the header line `line`, stands as a byline: alone
    /// on its line but for honorifics and post-nominals, or after "from", "by" or
    /// "writes" ("Letter from Ann Lee MP", "From: Ann Lee MP", "…, writes Ann Lee, MP
    /// for Woking").
    fn byline(&self, (line_start, line_end): (usize, usize), s: usize, e: usize) -> bool {
        let honorific = |w: &str| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.is_empty() || RULES.honorifics.iter().any(|h| h.eq_ignore_ascii_case(w))
        };
        let before: Vec<&str> = self.text[line_start..s].split_whitespace().collect();
        let lead = before.iter().rposition(|w| !honorific(w)).map(|i| &before[..=i]);
        let after = &self.text[e..line_end];
        let after_words = after.split_whitespace().take_while(|w| honorific(w)).count();
        match lead {
            None => after.split_whitespace().count() == after_words,
            Some(lead) => {
                let word = lead
                    .last()
                    .map_or(String::new(), |w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase());
                RULES.bylines.contains(&word)
            }
        }
    }

    /// When `name`, still in Parliament on the check date, no longer sits for the seat
    /// they held when the letter was written, and the letter names that seat ("I share
    /// Anytown constituents' concerns"): what happened, and the seat's names.
    #[allow(clippy::type_complexity)]
    fn seat_left(&self, name: &str) -> Option<((String, Option<Date>, Option<String>), Vec<String>)> {
        let facts = self.facts;
        let w = self.written?;
        let seat = facts.tenures().iter().filter(|t| t.holder == name && t.office.starts_with("mp-") && t.from <= w);
        let seat = seat.max_by_key(|t| t.from)?;
        let Err(left) = facts.check_holder(&seat.office, name, self.date) else { return None };
        let office = facts.office(&seat.office)?;
        // The seat's own name as letters write it ("Anytown constituents") too.
        let bare = office.title.strip_prefix("Member of Parliament for ").map(String::from);
        let names: Vec<String> = std::iter::once(&office.title)
            .chain(&office.aliases)
            .chain(&bare)
            .map(|n| n.to_ascii_lowercase())
            .filter(|n| n.len() > 3 && self.lower.contains(n.as_str()))
            .collect();
        if names.is_empty() {
            return None;
        }
        let message = match left {
            Some(l) => format!("the signer: {name} left office as {} on {l}", office.title),
            None => format!("the signer: {name} was not {} on {}", office.title, self.date),
        };
        let successor = facts
            .successor_at(&seat.office, self.date)
            .map(|(x, t)| format!("{} is {} (since {})", t.holder, x.title, t.from));
        Some(((message, left.map(crate::date::next_day), successor), names))
    }

    /// When `name` has left an office the letter speaks from by the check date: what
    /// happened, the day after, and who holds it now. The offices it speaks from are
    /// `office` when given; else their seat, and any ministerial post they held when the
    /// letter was written that it names (by title or department).
    fn signer_out(&self, name: &str, office: Option<&str>) -> Option<(String, Option<Date>, Option<String>)> {
        let facts = self.facts;
        let mine: Vec<&crate::facts::Tenure> = facts.tenures().iter().filter(|t| t.holder == name).collect();
        let by = self.written.unwrap_or(self.date);
        let seats: Vec<&&crate::facts::Tenure> = mine.iter().filter(|t| t.office.starts_with("mp-")).collect();
        let spoken: Vec<String> = match office {
            Some(o) => vec![o.to_string()],
            None => {
                let mut v: Vec<String> = Vec::new();
                // A Member when the letter was written speaks as one.
                if seats.iter().any(|t| t.from <= by) {
                    v.push("mp".into());
                }
                let named = |o: &crate::facts::Office| {
                    std::iter::once(&o.title)
                        .chain(&o.aliases)
                        .chain(&o.department)
                        .any(|n| n.len() > 6 && self.lower.contains(&n.to_ascii_lowercase()))
                };
                for t in
                    mine.iter().filter(|t| !t.office.starts_with("mp-") && self.written.is_some_and(|w| t.covers(w)))
                {
                    if facts.office(&t.office).is_some_and(named) && !v.contains(&t.office) {
                        v.push(t.office.clone());
                    }
                }
                v
            }
        };
        for o in spoken {
            if o == "mp" || o.starts_with("mp-") {
                if seats.iter().any(|t| t.covers(self.date)) || !seats.iter().any(|t| t.from <= self.date) {
                    continue;
                }
                let left = seats.iter().filter_map(|t| t.to).filter(|to| *to < self.date).max();
                let message = match left {
                    Some(l) => format!("the signer: {name} left office as a Member of Parliament on {l}"),
                    None => format!("the signer: {name} is not a Member of Parliament on {}", self.date),
                };
                let last = seats.iter().max_by_key(|t| t.from).map(|t| t.office.as_str());
                let successor = last
                    .and_then(|seat| facts.successor_at(seat, self.date))
                    .map(|(x, t)| format!("{} is {} (since {})", t.holder, x.title, t.from));
                return Some((message, left.map(crate::date::next_day), successor));
            }
            let Err(left) = facts.check_holder(&o, name, self.date) else { continue };
            let title = facts.office(&o).map_or(o.clone(), |x| x.title.clone());
            let message = match left {
                Some(l) => format!("the signer: {name} left office as {title} on {l}"),
                None => format!("the signer: {name} was not {title} on {}", self.date),
            };
            let successor = facts
                .successor_at(&o, self.date)
                .map(|(x, t)| format!("{} is {} (since {})", t.holder, x.title, t.from));
            return Some((message, left.map(crate::date::next_day), successor));
        }
        None
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

    /// Whether the clause around `s..e` dates what it says ("In March 2022 the
    /// Chancellor announced…"): what it says of an office then is history.
    fn dated_clause(&self, s: usize, e: usize) -> bool {
        let (a, b) = crate::timex::clause(self.text, s, e);
        RULES.dated.is_match(&self.text[a..b])
    }

    /// Whether the title at `s..e` names an office as an office, not its holder: what
    /// the office may do or is given ("the power the Bill gives to the Home
    /// Secretary"), or whoever holds it ("any future Prime Minister").
    fn as_office(&self, s: usize, e: usize) -> bool {
        let (a, _) = crate::timex::clause(self.text, s, e);
        let after = &self.text[e..floor_char_boundary(self.text, (e + 40).min(self.text.len()))];
        RULES.as_office_before.is_match(&self.text[a..s]) || RULES.as_office_after.is_match(after)
    }

    /// Whether the clause around `s..e` tells of a past act it places in time ("I met
    /// the Chancellor, Ann Lee, last week", "In 2023 she announced…"): history, true of
    /// the day it was written.
    fn past_act(&self, s: usize, e: usize) -> bool {
        let (a, b) = crate::timex::clause(self.text, s, e);
        crate::timex::tense_at(self.text, s, e) == crate::timex::Tense::Past
            && (RULES.past_time.is_match(&self.text[a..b]) || RULES.dated.is_match(&self.text[a..b]))
    }

    fn written_note(&self) -> String {
        match self.written {
            Some(w) => format!("written {w}"),
            None => "the letter's date is unknown".into(),
        }
    }
}

/// What the rules have found so far, in the order they found it.
#[derive(Default)]
pub(crate) struct Findings {
    /// The findings.
    list: Vec<Finding>,
    /// Byte ranges already reported (and those of the blocks' claims, reported before
    /// any rule runs).
    taken: Taken,
    /// The paragraphs of reviewed blocks, less their claims (which are in `taken`):
    /// left alone by the rules that read neither reviewed blocks nor matched paragraphs.
    reviewed: Taken,
    /// Whether the rule running now leaves `reviewed` alone.
    skips_reviewed: bool,
    /// The time expressions as [`crate::judge::judge`] judged them, for the rule that
    /// reads them ([`About::reads_judged`]).
    pub(crate) judged: Vec<Finding>,
}

impl Findings {
    /// Nothing found yet; `claimed` (the ranges the blocks' claims reported) taken, and
    /// `reviewed` (paragraphs of reviewed blocks) to be taken for the rules that do not
    /// read them.
    pub(crate) fn new(claimed: &[(usize, usize)], reviewed: &[(usize, usize)]) -> Findings {
        let mut taken = Taken::default();
        for &(a, b) in claimed {
            taken.insert(a, b);
        }
        let mut covered = Taken::default();
        for &(a, b) in reviewed {
            covered.insert(a, b);
        }
        Findings { taken, reviewed: covered, ..Findings::default() }
    }

    /// Runs `rule` on the letter, and marks its findings with its id and category.
    pub(crate) fn run(&mut self, rule: &dyn Rule, cx: &Context<'_>) {
        let about = rule.about();
        self.skips_reviewed = !(about.reads_reviewed || about.reads_matched);
        let before = self.list.len();
        rule.find(cx, self);
        for f in &mut self.list[before..] {
            f.rule = Some(about.id);
            f.category = Some(about.category);
        }
    }

    /// The findings, in text order.
    pub(crate) fn into_sorted(self) -> Vec<Finding> {
        let mut out = self.list;
        Finding::sort(&mut out);
        out
    }
}

/// A rule at work on a letter: what it reads, and the findings so far, to which it adds.
/// (It reads the [`Context`]'s fields as its own.)
struct Pass<'p, 'a> {
    cx: &'p Context<'a>,
    findings: &'p mut Findings,
}

impl<'a> std::ops::Deref for Pass<'_, 'a> {
    type Target = Context<'a>;

    fn deref(&self) -> &Context<'a> {
        self.cx
    }
}

impl Pass<'_, '_> {
    fn free(&self, s: usize, e: usize) -> bool {
        !(self.findings.taken.overlaps(s, e) || self.findings.skips_reviewed && self.findings.reviewed.overlaps(s, e))
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
        self.findings.taken.insert(s, e);
        self.findings.list.push(Finding {
            since,
            suggestion,
            ..Finding::at(self.text, (s, e), severity, kind, message)
        });
    }

    /// Names the source of the fact that decided the finding pushed last.
    fn sourced(&mut self, source: Option<&str>) {
        if let (Some(f), Some(s)) = (self.findings.list.last_mut(), source.filter(|s| !s.is_empty())) {
            f.source = Some(s.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    /// A rule for the tests: reports the letter's first word where it is free.
    struct FirstWord(&'static str);

    impl super::Rule for FirstWord {
        fn about(&self) -> super::About {
            super::About::new(self.0, super::Category::Time)
        }

        fn find(&self, cx: &super::Context<'_>, findings: &mut super::Findings) {
            let mut pass = super::Pass { cx, findings };
            let end = pass.text.find(' ').unwrap_or(pass.text.len());
            if pass.free(0, end) {
                let kind = super::FindingKind::RelativePhrase;
                pass.push(super::Severity::Info, kind, (0, end), None, self.0.to_string(), None);
            }
        }
    }

    #[test]
    fn of_two_rules_reporting_one_range_the_earlier_wins() {
        let facts = crate::facts::Facts::default();
        let date = crate::date::parse_date("2026-12-07").unwrap();
        let cx = super::Context::new("Soon enough.", &facts, date, None, None);
        let mut findings = super::Findings::new(&[], &[]);
        for rule in [FirstWord("first"), FirstWord("second")] {
            findings.run(&rule, &cx);
        }
        let found = findings.into_sorted();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule, found[0].message.as_str(), found[0].text.as_str()),
            (Some("first"), "first", "Soon")
        );
    }

    #[test]
    fn the_priority_table_is_whole_and_in_order() {
        use super::PRIORITY;
        let about: Vec<super::About> = PRIORITY.iter().map(|r| r.about()).collect();
        let ids: Vec<&str> = about.iter().map(|a| a.id).collect();
        // One rule per module of src/rules/, each once, named as its module.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut modules: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        modules.sort();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, modules, "a rule not in PRIORITY, or listed twice");
        // The rules that read reviewed blocks stand first: the blocks are taken once,
        // before the first rule that does not read them.
        let first_other = about.iter().position(|a| !a.reads_reviewed).unwrap();
        assert!(about[first_other..].iter().all(|a| !a.reads_reviewed), "{ids:?}");
        assert_eq!(about.iter().filter(|a| a.reads_judged).count(), 1, "the judged time expressions are read once");
    }

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
