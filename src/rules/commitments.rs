//! Promises and work in progress without a date ("The Government will publish…"):
//! written more than a year before the check date, each asks "has it happened?".

use super::{About, Category, Context, Findings, Pass, RULES, Rule, Rules};
use crate::date::next_day;
use crate::finding::{FindingKind, Severity, elapsed};
use jiff::ToSpan;

/// Promises without a date ([`Pass::commitments`]).
pub(crate) struct Commitments;

impl Rule for Commitments {
    fn about(&self) -> About {
        About::new("commitments", Category::Policy)
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        Pass { cx, findings }.commitments()
    }
}

/// The promises of `text`, as byte spans in text order (for the claim stubs of ingested
/// blocks, too).
pub(crate) fn commitments(text: &str) -> Vec<(usize, usize)> {
    RULES.commitments(text)
}

impl Rules {
    /// Whether the commitment match `c` is a promise: its verb is not courtesy or a
    /// function word, after "be" it is a participle, its subject is not the letter's
    /// own ("I will write", "you will know"), and it is not negated or denied ("is not
    /// planning to": a forward claim, not a promise to check was kept), the
    /// constituent's words restated ("You wrote to me about…"), a "how" question ("how
    /// they are going to…"), part of a title ("the Plan to Restore Nature") or a
    /// standing aim ("is committed to supporting").
    fn promises(&self, text: &str, c: &regex::Captures<'_>) -> bool {
        let (Some(verb), Some(whole)) = (c.name("verb"), c.get(0)) else { return false };
        let v = verb.as_str().to_ascii_lowercase();
        if self.not_promises.contains(&v) || c.name("neg").is_some() {
            return false;
        }
        if c.name("be").is_some()
            && !(v.ends_with("ed") || v.ends_with("en") || v.ends_with("ing") || self.participles.contains(&v))
        {
            return false;
        }
        let start = whole.start();
        let subject = text[..start].trim_end().rsplit(|ch: char| !ch.is_ascii_alphabetic()).next().unwrap_or("");
        if self.own_subjects.iter().any(|s| s.eq_ignore_ascii_case(subject)) {
            return false;
        }
        let sentence = &text[text[..start].rfind(['.', '!', '?', '\n']).map_or(0, |i| i + 1)..start];
        let clause = &sentence[sentence.rfind([',', ';', ':']).map_or(0, |i| i + 1)..];
        // A negation before "but" is another clause's ("has not yet published it but will").
        let clause = &clause[clause.to_ascii_lowercase().rfind(" but ").map_or(0, |i| i + 5)..];
        if self.denials.is_match(clause) || self.reported.is_match(sentence) || self.questions.is_match(clause) {
            return false;
        }
        // A title: a form or its verb capitalised inside a sentence.
        let capital = |w: &str| w.starts_with(|ch: char| ch.is_ascii_uppercase());
        if capital(verb.as_str()) || capital(whole.as_str()) && !sentence.trim().is_empty() {
            return false;
        }
        !(whole.as_str().to_ascii_lowercase().contains("committed") && self.standing.contains(&v))
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

impl Pass<'_, '_> {
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
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_promise_is_found_and_the_letters_own_action_is_not() {
        let text = "The Government will publish a plan. I will write to the Minister.";
        let found: Vec<&str> = super::commitments(text).into_iter().map(|(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["will publish"]);
    }
}
