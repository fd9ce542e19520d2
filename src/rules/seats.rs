//! Seat lines ("Member of Parliament for Daventry") and other offices' titles on a line
//! of their own (a letterhead's, a signature's), judged against the seat's or office's
//! holder on the check date.

use super::{About, Category, Context, Findings, Pass, Rule};
use crate::date::next_day;
use crate::finding::{FindingKind, Severity};

/// Seat lines and titles standing alone ([`Pass::seats`]).
pub(crate) struct Seats;

impl Rule for Seats {
    fn about(&self) -> About {
        About::new("seats", Category::People).reading_reviewed()
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        Pass { cx, findings }.seats()
    }
}

impl Pass<'_, '_> {
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
}
