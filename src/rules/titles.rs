//! Offices named by their title ("the Prime Minister", "the Home Secretary") or by a
//! role in a department a sentence names ("the Secretary of State" … "the Department
//! for Education"): the holder on the day the letter was written, against the holder
//! on the check date.

use super::{About, Category, Context, Findings, Pass, RULES, Rule};
use crate::date::next_day;
use crate::finding::{FindingKind, Severity};
use jiff::civil::Date;

/// Offices named by title or role ([`Pass::titles`], [`Pass::roles`]).
pub(crate) struct Titles;

impl Rule for Titles {
    fn about(&self) -> About {
        About::new("titles", Category::People)
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        let Some(w) = cx.written else { return };
        // Judged only when the facts base knows the government of the day the letter
        // was written (as when these were the last steps of the events pass).
        if cx.facts.government_on(w).and_then(|e| e.government.as_ref()).is_none() {
            return;
        }
        let mut pass = Pass { cx, findings };
        pass.titles(w);
        pass.roles(w);
    }
}

impl Pass<'_, '_> {
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
            // The same holder, but the facts no longer vouch for them (past their source's
            // date and hold, or after an event that puts them in doubt).
            let unverified = (then.holder == now.holder).then(|| facts.unverifiable(now, &office.title, self.date));
            if then.holder == now.holder && unverified.as_ref().is_some_and(Option::is_none)
                || did
                || self.names_near(s, e, &then.holder)
                || crate::timex::tense_at(self.text, s, e) == crate::timex::Tense::Past
            {
                continue;
            }
            let shown = &self.text[s..e];
            if let Some(Some((known, message))) = unverified {
                let suggestion = format!("check who is {} now, and name them", office.title);
                let message = format!("\"{shown}\": {message}");
                self.push(
                    Severity::Warning,
                    FindingKind::Officeholder,
                    (s, e),
                    Some(next_day(known)),
                    message,
                    Some(suggestion),
                );
                continue;
            }
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
        let cx = self.cx;
        let lower = &cx.lower;
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
    }
}
