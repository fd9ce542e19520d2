//! Time-sensitive claims judged by age: a present or present-perfect statement about
//! the Government, a body, a bill or scheme, a figure or a record, a forward-looking or
//! conditional claim, the signer's own promise, an undated figure given as current.
//! Where no rule before it decided anything in the sentence and the letter was written
//! more than `age_months` (`[claims]` of `src/rules/rules.toml`) before the check date,
//! one warning per sentence says what kind of claim it is, when it was written and
//! what to check. Timeless statements (values, definitions, generic subjects), history
//! (the past tense), courtesy and the letter's own business stay quiet.
//!
//! The clauses are the clause layer's ([`crate::clauses`]): this module only judges.

use super::{About, Category, Context, Findings, Pass, RULES, Rule};
use crate::clauses::{Clause, Subject, Tense};
use crate::date::next_day;
use crate::finding::{FindingKind, Severity, elapsed};
use jiff::ToSpan;

/// Time-sensitive claims no fact decides ([`Pass::claims`]).
pub(crate) struct Claims;

impl Rule for Claims {
    fn about(&self) -> About {
        About::new("claims", Category::Policy).reading_matched()
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        Pass { cx, findings }.claims()
    }
}

/// What kind of time-sensitive claim a sentence makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClaimClass {
    /// "the highest on record", "more than ever before".
    Record,
    /// "880,000 pensioners", "spending £6m a day", in the present.
    Figure,
    /// "I will…", "we will…": the signer's own promise.
    Promise,
    /// "The scheme will open…", "the Department is going to…".
    Future,
    /// "an agreement would strengthen…".
    Conditional,
    /// "has launched an inquiry".
    PresentPerfect,
    /// "The Bill remains in its early stages".
    Present,
}

impl ClaimClass {
    /// What the warning calls the claim, and the question it asks.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            ClaimClass::Record => ("claim of a record", "is it still a record?"),
            ClaimClass::Figure => ("undated figure given as current", "is it still the figure?"),
            ClaimClass::Promise => ("the signer's own promise", "has it been kept, and can it still be made?"),
            ClaimClass::Future => ("forward-looking claim", "has it happened?"),
            ClaimClass::Conditional => ("conditional claim", "does it still hold?"),
            ClaimClass::PresentPerfect => ("present-perfect claim", "has anything happened since?"),
            ClaimClass::Present => ("present-tense claim", "is it still true?"),
        }
    }
}

/// The class of claim the clause makes in its sentence (which has a figure, or a
/// record, where `figure` or `record` says so), or `None` for a timeless, historical or
/// courtesy clause.
pub(crate) fn class_of(text: &str, c: &Clause, figure: bool, record: bool) -> Option<ClaimClass> {
    let rules = &*RULES;
    if c.tense == Tense::Past || matches!(c.class, Subject::Addressee | Subject::Missing) {
        return None;
    }
    let clause = text[c.subject.0..c.end].to_lowercase();
    if rules.courtesy.iter().any(|p| clause.contains(p.as_str())) {
        return None;
    }
    let next = c.next.map(|(s, e)| text[s..e].to_lowercase()).unwrap_or_default();
    let value = c.copula && rules.claim_values.contains(&next);
    let modal = c.modal.as_deref().unwrap_or("");
    let current = matches!(c.tense, Tense::Present | Tense::PresentPerfect);
    let subject = text[c.subject.0..c.subject.1].to_lowercase();
    let value = value || (c.passive && rules.claim_values.contains(&c.verb));
    if value
        || rules.attitudes.contains(&c.verb)
        || (c.class == Subject::Signer && rules.signer_verbs.contains(&c.verb))
    {
        return None;
    }
    // "May" and "might" hedge, "should" and "must" urge: they claim nothing.
    if matches!(modal, "may" | "might" | "should" | "must" | "ought") {
        return None;
    }
    // A record is news in any present clause, the signer's too.
    if record && current {
        return Some(ClaimClass::Record);
    }
    // A figure given in a present clause ("since 2015 we have welcomed 480,000
    // people"), but not one reported as spent or given ("£5m has been allocated"): that
    // is an act, dated by the letter.
    let perfect_passive = c.tense == Tense::PresentPerfect && c.passive;
    if figure && current && !perfect_passive && c.class != Subject::Generic {
        return Some(ClaimClass::Figure);
    }
    if c.class == Subject::Signer {
        return match c.tense {
            Tense::Future => Some(ClaimClass::Promise),
            Tense::Present if c.progressive => Some(ClaimClass::Promise),
            _ => None,
        };
    }
    // The Government's "would" is a policy; anyone else's, speculation.
    if c.tense == Tense::Conditional && c.class != Subject::Government {
        return None;
    }
    // Present ability ("can") is a claim about what an institution or a policy does;
    // said of anything else, it is a value.
    let institution = matches!(c.class, Subject::Government | Subject::Body | Subject::Document | Subject::Named);
    if c.tense == Tense::Present && !modal.is_empty() && !institution {
        return None;
    }
    let class = match c.tense {
        Tense::Future => ClaimClass::Future,
        Tense::Conditional => ClaimClass::Conditional,
        Tense::PresentPerfect => ClaimClass::PresentPerfect,
        Tense::Present => ClaimClass::Present,
        Tense::Past => return None,
    };
    let simple_present = class == ClaimClass::Present && !c.progressive;
    let relative = matches!(subject.as_str(), "who" | "which" | "that");
    match c.class {
        Subject::Government => Some(class),
        // "Guidance has been issued", "concerns have been raised": an act, dated by the
        // letter.
        _ if perfect_passive => None,
        // Of a class of people or things, the present states a value or a definition
        // ("children deserve…"), the future a hope, the perfect a general experience.
        Subject::Generic | Subject::Existential => None,
        // "It is vital that…", "this is not sustainable": a frame or a judgement; "it is
        // putting strain on…": a judgement of the moment.
        Subject::Pronoun if c.copula || c.progressive => None,
        // "They provide…", "…who are unable to…": a description of whoever was named.
        Subject::Pronoun if simple_present && (relative || subject == "they" || subject == "these") => None,
        // "The Act is…", "councils are…": a description, unless the clause acts.
        Subject::Body | Subject::Document | Subject::Named if c.copula && simple_present => None,
        // Undetermined bodies in the simple present ("local authorities receive
        // funding…") describe how things are arranged.
        Subject::Body if simple_present && !c.determined && modal.is_empty() => None,
        Subject::Body if c.progressive => None,
        // Any other noun phrase in the simple present ("early help saves money", "the
        // duty of politicians is…") is a general statement or a judgement, and in the
        // perfect, an experience.
        Subject::Other if simple_present || class == ClaimClass::PresentPerfect => None,
        _ => Some(class),
    }
}

impl Pass<'_, '_> {
    fn claims(&mut self) {
        let Some(written) = self.written else { return };
        let age = RULES.claim_age_months;
        let due = written.checked_add(age.months()).unwrap_or(written);
        if self.date <= due {
            return;
        }
        let text = self.text;
        let mut from = 0;
        while let Some((s, e)) = self.sentences.next_span(text, from) {
            from = e + 1;
            let (s, e) = trim(text, s, e);
            if e <= s || self.signature.speaks_as(s) || self.lower[s..e].split_whitespace().count() < 5 {
                continue;
            }
            // A heading ("Food Standards and Future Trade Deals"): every long word capitalised.
            let mut long = text[s..e].split_whitespace().filter(|w| w.len() > 3).peekable();
            if long.peek().is_some() && long.all(|w| w.starts_with(|c: char| c.is_uppercase())) {
                continue;
            }
            let clauses = crate::clauses::clauses(self.text, s, e);
            if clauses.is_empty() {
                continue;
            }
            let figures = crate::clauses::figures(self.text, s, e);
            let record = crate::clauses::record(self.text, s, e);
            // The first clause that makes a claim and in which no rule before this one
            // reported anything.
            let found = clauses.iter().find_map(|c| {
                let start = c.subject.0.min(c.group.0);
                if !self.free(start, c.end) || dated(&text[start..c.end]) {
                    return None;
                }
                // A figure or a record counts for the clause it stands in.
                let figure = figures.iter().any(|&(a, _)| a >= start && a < c.end);
                let in_record = record.is_some_and(|(a, _)| a >= start && a < c.end);
                class_of(text, c, figure, in_record).map(|class| (c, class, start))
            });
            let Some((c, class, start)) = found else { continue };
            let (kind, question) = class.words();
            let about = match c.class {
                Subject::Signer => String::new(),
                _ => format!(" about {}", describe(&text[c.subject.0..c.subject.1])),
            };
            let message = format!("{kind}{about} written {written}, {} ago: {question}", elapsed(written, self.date));
            // The message says what to check; a suggestion would say it twice.
            self.push(Severity::Warning, FindingKind::Claim, (start, c.end), Some(next_day(due)), message, None);
        }
    }
}

/// The subject as the message names it: "the Online Safety Bill", "“it”".
fn describe(subject: &str) -> String {
    let words: Vec<&str> = subject.split_whitespace().collect();
    let first = words.first().copied().unwrap_or("");
    let lowered = |w: &str| {
        let mut c = w.chars();
        c.next().map_or(String::new(), |f| f.to_lowercase().chain(c).collect())
    };
    match words.len() {
        0 => String::new(),
        1 if crate::clauses::tags(first).any(crate::clauses::Tags::PRONOUN) => format!("\"{}\"", lowered(first)),
        n if n > 8 => format!("\"{} …\"", words[..8].join(" ")),
        _ if matches!(first, "The" | "This" | "These" | "Our" | "Its" | "Their") => std::iter::once(lowered(first))
            .chain(words[1..].iter().map(|w| w.to_string()))
            .collect::<Vec<_>>()
            .join(" "),
        _ => words.join(" "),
    }
}

/// Whether `clause` carries a year ("in 2019", "since 2015", "2024/25"): it dates
/// itself, and says when it was true.
fn dated(clause: &str) -> bool {
    let bytes = clause.as_bytes();
    bytes.windows(4).enumerate().any(|(i, w)| {
        let digits = w.iter().all(u8::is_ascii_digit) && (w.starts_with(b"19") || w.starts_with(b"20"));
        let before = i.checked_sub(1).is_none_or(|k| !bytes[k].is_ascii_alphanumeric());
        let after = bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit() && *b != b',');
        digits && before && after
    })
}

/// `s..e` without the whitespace and closing punctuation at its ends.
fn trim(text: &str, s: usize, e: usize) -> (usize, usize) {
    let t = &text[s..e];
    let lead = t.len() - t.trim_start().len();
    let t = t.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '!' | '?'));
    (s + lead, (s + t.len()).max(s + lead))
}

#[cfg(test)]
mod tests {
    use super::{ClaimClass, class_of};

    /// The class of claim of the first clause that makes one, in `sentence`.
    fn class(sentence: &str) -> Option<ClaimClass> {
        let figures = crate::clauses::figures(sentence, 0, sentence.len());
        let record = crate::clauses::record(sentence, 0, sentence.len());
        crate::clauses::clauses(sentence, 0, sentence.len()).iter().find_map(|c| {
            let figure = figures.iter().any(|&(a, _)| a >= c.group.0 && a < c.end);
            class_of(sentence, c, figure, record.is_some_and(|(a, _)| a >= c.subject.0))
        })
    }

    #[test]
    fn each_class_of_claim_is_told_apart() {
        use ClaimClass::*;
        assert_eq!(class("The Water Bill remains stuck in committee"), Some(Present));
        assert_eq!(class("The Treasury has opened a consultation on the levy"), Some(PresentPerfect));
        assert_eq!(class("The council will publish its transport plan"), Some(Future));
        assert_eq!(class("Ministers would lower the cap if the review recommends it"), Some(Conditional));
        assert_eq!(class("I will press the Minister for a meeting next month"), Some(Promise));
        assert_eq!(class("This is the largest rise in bus fares on record"), Some(Record));
        assert_eq!(class("The scheme now supports 42,000 tenants"), Some(Figure));
    }

    #[test]
    fn a_clause_with_its_year_is_dated() {
        assert!(super::dated("the council has funded 40 places since 2019"));
        assert!(super::dated("the allocation for 2024/25 remains"));
        assert!(!super::dated("the scheme supports 42,000 owners"));
        assert!(!super::dated("the scheme supports 2,019 owners and 20190 boats"));
    }

    #[test]
    fn timeless_history_and_courtesy_are_not_claims() {
        for s in [
            "Grandparents deserve our support",
            "It is important that every tenant knows their rights",
            "The council closed the depot in 2015",
            "I hope this is helpful",
            "I understand your frustration with the delays",
            "You may wish to contact the council directly",
            "Neighbours play a vital part in village life",
        ] {
            assert_eq!(class(s), None, "{s}");
        }
    }
}
