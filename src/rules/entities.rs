//! Tracked entities (bills, consultations, strategies, fiscal events: [`crate::facts::Entity`])
//! spoken of in the present or future after they have moved on.

use super::{About, Category, Context, Findings, Pass, Rule};
use crate::date::next_day;
use crate::finding::{FindingKind, Severity};
use jiff::civil::Date;

/// Tracked entities ([`Pass::entities`]).
pub(crate) struct Entities;

impl Rule for Entities {
    fn about(&self) -> About {
        About::new("entities", Category::Policy)
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        Pass { cx, findings }.entities()
    }
}

impl Pass<'_, '_> {
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
        let cx = self.cx;
        let (folded, lower) = (&cx.folded, &cx.folded.text);
        let f = folded.text.as_str();
        let whole = |m: &aho_corasick::Match| {
            let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            !word_char(f[..m.start()].chars().next_back()) && !word_char(f[m.end()..].chars().next())
        };
        // An abbreviation ("DfE") only in its own letters' case.
        let cased = |m: &aho_corasick::Match| {
            index.exact.get(m.pattern().as_usize()).and_then(Option::as_ref).is_none_or(|exact| {
                let (s, e) = folded.original(m.start(), m.end());
                crate::text::normalize(&self.text[s..e]) == *exact
            })
        };
        // What each find means: an entity (named in full) or a series, in text order.
        enum Meant {
            Entity(usize),
            Series(usize),
        }
        let mut found: Vec<(usize, usize, Meant)> = automaton
            .find_iter(lower)
            .filter(|m| whole(m) && cased(m))
            .filter_map(|m| {
                let meant = match &index.named[m.pattern().as_usize()] {
                    crate::facts::Named::Entities(list) => Meant::Entity(facts.meant(list, w, self.date)?),
                    crate::facts::Named::Series(k) => Meant::Series(*k),
                };
                Some((m.start(), m.end(), meant))
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
            // Past its source's date and how long a fact of its kind is assumed to hold.
            let known = x.known_to.or(self.facts.known_to());
            let until = known.map(|k| (k, self.facts.held_until(&x.kind, k))).filter(|(_, u)| *u < self.date);
            if let Some((known, until)) = until {
                let held = if until > known {
                    format!(", and a {} is assumed to hold to {until}", x.kind)
                } else {
                    String::new()
                };
                let message = format!(
                    "unverifiable: the facts base is known to {known}{held}; what became of the {} since is not known",
                    x.name
                );
                let suggestion = format!("check where the {} stands now, and update the facts base", x.name);
                self.unverifiable(span, until, message, suggestion);
            }
            return;
        };
        let latest = moved[moved.len() - 1];
        let severity = if moved.iter().any(|st| st.last) { Severity::Error } else { Severity::Warning };
        let steps: Vec<String> =
            moved.iter().map(|st| format!("{} {}", st.state.replace('-', " "), st.when())).collect();
        let message = format!(
            "\"{shown}\" in the present or future tense, written {w}: the {} has moved on since ({})",
            x.name,
            steps.join(", ")
        );
        let now = latest
            .what
            .clone()
            .unwrap_or_else(|| format!("{}: {} {}", x.name, latest.state.replace('-', " "), latest.when()));
        let suggestion = format!("say where it stands now: {now} ({})", latest.source);
        // A state known only by a last possible day gives no day it began.
        let since = (!first.by).then_some(first.date);
        self.push(severity, FindingKind::Entity, span, since, message, Some(suggestion));
        self.sourced(Some(&latest.source));
    }

    /// A series name looking ahead ("the Spending Review will…"): the next of the series
    /// after `w`; an error once it has been delivered, unverifiable when the facts base
    /// has none after `w` and the check date is past `known_to`.
    /// A warning that what became of an entity since the facts base's `known` day is
    /// not known (it holds from the day after).
    fn unverifiable(&mut self, span: (usize, usize), known: Date, message: String, suggestion: String) {
        self.push(Severity::Warning, FindingKind::Entity, span, Some(next_day(known)), message, Some(suggestion));
    }

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
                    self.unverifiable(span, known, message, suggestion);
                }
            }
            Some(_) => {}
        }
    }
}
