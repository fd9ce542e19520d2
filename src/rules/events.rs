//! Time counted from elections and governments ("since the election", "this
//! Government", "the previous Government", "the Conservative Government"), resolved
//! against the facts on the day the letter was written and on the check date.

use super::{About, Category, Context, Findings, Pass, RULES, Rule};
use crate::finding::{Finding, FindingKind, Severity};
use jiff::ToSpan;
use jiff::civil::Date;

/// Elections and governments ([`Pass::events`]).
pub(crate) struct Events;

impl Rule for Events {
    fn about(&self) -> About {
        About::new("events", Category::Time)
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        Pass { cx, findings }.events()
    }
}

impl Pass<'_, '_> {
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
        self.the_government(w, &meant);
        self.previous_governments(w);
        self.named_governments(w);
    }

    /// "The Government", "Ministers" in a present or future clause ("the Government is
    /// committed to…", "Ministers will publish…"): the government of the day the letter
    /// was written, `meant`. Once an election has put another in office, the clause
    /// speaks of a government that is gone: stale like "this Government". A past clause
    /// is history, and so is any clause that dates itself.
    fn the_government(&mut self, w: Date, meant: &str) {
        let facts = self.facts;
        let Some(changed) = facts.government_change(w, self.date, |g| g == meant) else { return };
        for m in RULES.the_government.find_iter(self.text) {
            let (s, e) = (m.start(), m.end());
            // "The Government of Wales" names another.
            if !self.free(s, e)
                || m.as_str().to_ascii_lowercase().ends_with(" of")
                || self.dated_clause(s, e)
                || self.as_office(s, e)
            {
                continue;
            }
            let tense = crate::timex::tense_at(self.text, s, e);
            if !matches!(tense, crate::timex::Tense::Present | crate::timex::Tense::Future) {
                continue;
            }
            let shown = m.as_str();
            let now = changed.government.as_deref().unwrap_or("another");
            let message = format!(
                "\"{shown}\" in the present or future tense, written {w}, meant the {meant} Government; since {} (after {}) it is the {now} Government",
                changed.took_office(),
                changed.id
            );
            let suggestion =
                format!("name the government (\"the {meant} Government\") and say what it did in the past tense");
            self.push_moved((s, e), changed.took_office(), false, message, None, suggestion);
            // Not a phrase of time: who is meant, as with an office named by its title.
            if let Some(f) = self.findings.list.last_mut() {
                f.kind = FindingKind::Officeholder;
            }
        }
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
        self.findings.list.push(Finding {
            since: Some(changed),
            suggestion: Some(suggestion),
            replacement,
            ..Finding::at(self.text, span, severity, FindingKind::RelativePhrase, message)
        });
        self.findings.taken.insert(span.0, span.1);
    }
}
