//! People of the facts base named in a letter, judged in the office the words around
//! them imply: out of office (an error, or the signer's), unverifiable after what the
//! facts base knows, or in office; and names written with letters of another script.

use super::{About, Category, Context, Findings, Pass, RULES, Rule, Taken};
use crate::date::next_day;
use crate::finding::{Finding, FindingKind, Severity};
use crate::text::{floor_char_boundary, is_homoglyph};

/// People named in the letter ([`Pass::officeholders`]).
pub(crate) struct Officeholders;

impl Rule for Officeholders {
    fn about(&self) -> About {
        About::new("officeholders", Category::People).reading_reviewed()
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        Pass { cx, findings }.officeholders()
    }
}

/// A name found by [`Pass::officeholders`], judged once all are found.
enum Found<'n> {
    /// A holder in an implied office: span, name, office id, past-tense context.
    Holder(usize, usize, &'n str, String, bool),
    /// A name written with letters of another script: span, message.
    Mixed(usize, usize, String),
}

impl Pass<'_, '_> {
    /// People in the facts base named in the letter, judged in the office the words
    /// around them imply. Names are found in one pass over the folded text (white space
    /// of any kind, line breaks, invisible characters and dashes read alike, ASCII case
    /// ignored), and reported on the original text.
    fn officeholders(&mut self) {
        let index = self.facts.names();
        let Some(automaton) = &index.automaton else { return };
        let cx = self.cx;
        let (folded, lower) = (&cx.folded, &cx.folded.text);
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
            let past = RULES.past_marker.is_match(&window) || self.past_act(s, e);
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
            let past = RULES.past_marker.is_match(&window) || self.past_act(s, e);
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
                Found::Mixed(s, e, message) => self.findings.list.push(Finding {
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
            // Post-nominals may stand between, with or without commas ("Ann Lee, QC, MP").
            let skip = |a: &str| a.trim_start_matches(|c: char| c == ',' || c.is_whitespace()).to_string();
            let mut a = skip(after);
            for p in &RULES.post_nominals {
                if let Some(rest) = a.strip_prefix(p.as_str()).filter(|r| r.starts_with([' ', ','])) {
                    a = skip(rest);
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
        let pushed = self.findings.list.len();
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
                if severity == Severity::Error && self.signs(s, e) {
                    let message = format!("the signer: {message}");
                    self.push(severity, FindingKind::Signer, (s, e), last.map(next_day), message, successor);
                } else {
                    self.push(severity, FindingKind::Officeholder, (s, e), last.map(next_day), message, successor);
                }
            }
        }
        if self.findings.list.len() > pushed {
            self.sourced(source);
        }
    }
}
