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
    /// written. When the holder on the check date is another, the sentence now points
    /// at someone else, whatever its tense ([`Pass::means_holder`]): a warning naming
    /// both. Posts that several held at once under one name are left alone.
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
            // Whether the facts still vouch for the holder they show now (past their
            // source's date and hold, or after an event that puts them in doubt, they do not).
            let doubt = facts.unverifiable(now, &office.title, self.date);
            let same = then.holder == now.holder;
            if same && doubt.is_none() || !self.means_holder(s, e, &then.holder) {
                continue;
            }
            let shown = &self.text[s..e];
            let check_now = format!("check who is {} now", office.title);
            if let (true, Some((known, why))) = (same, &doubt) {
                let message = format!("\"{shown}\": {why}");
                let suggestion = format!("{check_now}, and name them");
                self.push(
                    Severity::Warning,
                    FindingKind::Officeholder,
                    (s, e),
                    Some(next_day(*known)),
                    message,
                    Some(suggestion),
                );
                continue;
            }
            // Another holder now, who may be in doubt too (the Prime Minister after an
            // announced resignation): not named as certain.
            let (now_is, instead) = match &doubt {
                Some((_, why)) => (format!("the facts show {} (since {}), {why}", now.holder, now.from), check_now),
                None => (format!("it means {} (since {})", now.holder, now.from), format!("write for {}", now.holder)),
            };
            let message = format!("\"{shown}\" meant {} when written ({w}); on {} {now_is}", then.holder, self.date);
            let suggestion = format!("name the person meant (\"{shown}, {}\"), or {instead}", then.holder);
            let since = then.to.map_or(now.from, next_day);
            self.push(Severity::Warning, FindingKind::Officeholder, (s, e), Some(since), message, Some(suggestion));
        }
    }

    /// Whether the title at `s..e` means the person who held it when the letter was
    /// written (`holder`), whatever the tense ("the Prime Minister has been clear", "the
    /// Chancellor announced"): not when the holder is named beside it (the name is
    /// judged), when its clause dates what it says or tells of a past act it places in
    /// time ("last week": history), or when it names the office
    /// as an office ("the power the Bill gives to the Home Secretary").
    fn means_holder(&self, s: usize, e: usize, holder: &str) -> bool {
        !self.names_near(s, e, holder) && !self.dated_clause(s, e) && !self.past_act(s, e) && !self.as_office(s, e)
    }

    /// "The Secretary of State", "the Minister" in a sentence that names one department
    /// ("…the Department for Education…"): the person who held that role in that
    /// department on `W`, when only one did. Judged like a title: when another holds it
    /// on `D`, the sentence now points at someone else.
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
                if then.holder == now.holder || !self.means_holder(s, e, &then.holder) {
                    continue;
                }
                let shown = &self.text[s..e];
                let message = format!(
                    "\"{shown}\" ({department}) meant {} when written ({w}); on {} it means {} ({}, since {})",
                    then.holder, self.date, now.holder, office.title, now.from
                );
                let suggestion =
                    format!("name the person meant (\"{shown}, {}\"), or write for {}", then.holder, now.holder);
                let since = then.to.map_or(now.from, next_day);
                self.push(Severity::Warning, FindingKind::Officeholder, (s, e), Some(since), message, Some(suggestion));
            }
        }
    }
}
