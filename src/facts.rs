//! The facts base: dated, sourced events, offices and their holders, periods,
//! bills and elections. Claims in blocks are bound to these facts by id.

use crate::date::toml_date;
use crate::error::Location;
use jiff::civil::Date;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Something that happened on a day.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Id that claims refer to (`event = "national-framework-published"`).
    pub id: String,
    /// The day it happened.
    #[serde(with = "toml_date")]
    pub date: Date,
    /// What happened, in a sentence.
    pub what: String,
    /// Where the fact comes from.
    pub source: String,
}

/// An office (a ministry, a seat). Who holds it lives in [`Tenure`]s.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// Id (`secretary-of-state-education`, `mp-daventry`).
    pub id: String,
    /// Its formal title.
    pub title: String,
    /// Other names it goes by in letters.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The office that replaced it (a renamed seat), if any.
    #[serde(default)]
    pub successor: Option<String>,
    /// Where it is defined.
    #[serde(skip)]
    pub at: Location,
}

/// One person's time in one office.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenure {
    /// The office id.
    pub office: String,
    /// The holder's name, as it is written in letters.
    pub holder: String,
    /// First day in office.
    #[serde(with = "toml_date")]
    pub from: Date,
    /// Last day in office; `None` while still in office.
    #[serde(default, with = "toml_date::option")]
    pub to: Option<Date>,
    /// Where the fact comes from.
    pub source: String,
    /// Where it is defined.
    #[serde(skip)]
    pub at: Location,
}

impl Tenure {
    /// Whether the holder was in office on `date` (both ends inclusive).
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// A named stretch of time: a financial year, a spending-review period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// Id (`fy-2024-25`, `sr21`).
    pub id: String,
    /// How letters name it.
    pub name: String,
    /// First day.
    #[serde(with = "toml_date")]
    pub from: Date,
    /// Last day.
    #[serde(with = "toml_date")]
    pub to: Date,
    /// Where the fact comes from.
    pub source: String,
}

/// A stage of a bill.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// `introduced`, `royal-assent` ...
    pub stage: String,
    /// The day.
    #[serde(with = "toml_date")]
    pub date: Date,
    /// Where the fact comes from.
    pub source: String,
}

/// A bill and its stages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bill {
    /// Id.
    pub id: String,
    /// The bill's title.
    pub title: String,
    /// The Act's title once passed.
    #[serde(default)]
    pub act: Option<String>,
    /// Its stages, in order.
    pub stages: Vec<Stage>,
}

/// A general election.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Election {
    /// Id (`general-election-2024`).
    pub id: String,
    /// Polling day.
    #[serde(with = "toml_date")]
    pub date: Date,
    /// The day Parliament was dissolved.
    #[serde(default, with = "toml_date::option")]
    pub dissolution: Option<Date>,
    /// What happened.
    pub what: String,
    /// Whether another party (or coalition) formed the government after it: "since
    /// this Government came to power" counts from the last such election.
    #[serde(default)]
    pub new_government: bool,
    /// Who formed the government after it, as a letter would name it ("Conservative",
    /// "Labour"): "this Government" written after it is "the Labour Government".
    #[serde(default)]
    pub government: Option<String>,
    /// The day the government it produced took office (the Prime Minister's
    /// appointment), when that was not polling day.
    #[serde(default, with = "toml_date::option")]
    pub formed: Option<Date>,
    /// Where the fact comes from.
    pub source: String,
}

impl Election {
    /// The day the government it produced took office: `formed`, or polling day.
    pub fn took_office(&self) -> Date {
        self.formed.unwrap_or(self.date)
    }
}

/// Every officeholder's name, found in one pass over a text (ASCII case folded, on
/// text folded by [`crate::text::Folded`]).
#[derive(Debug, Clone)]
pub(crate) struct NameIndex {
    /// Holder names as written in the facts base, in the automaton's pattern order.
    pub(crate) names: Vec<String>,
    /// `None` only if the names are too many to build an automaton of.
    pub(crate) automaton: Option<aho_corasick::AhoCorasick>,
}

impl NameIndex {
    fn build(tenures: &[Tenure]) -> NameIndex {
        let mut names: Vec<String> = tenures.iter().map(|t| t.holder.clone()).collect();
        names.sort_unstable();
        names.dedup();
        let folded: Vec<String> = names.iter().map(|n| crate::text::normalize(n)).collect();
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&folded)
            .ok();
        NameIndex { names, automaton }
    }
}

/// All dated facts of a library.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub(crate) names: std::sync::OnceLock<NameIndex>,
    pub(crate) events: BTreeMap<String, Event>,
    pub(crate) offices: BTreeMap<String, Office>,
    pub(crate) tenures: Vec<Tenure>,
    pub(crate) periods: BTreeMap<String, Period>,
    pub(crate) bills: Vec<Bill>,
    pub(crate) elections: Vec<Election>,
    pub(crate) known_to: Option<Date>,
}

impl Facts {
    /// The date the facts base is known to (`known_to` in a facts file; the earliest,
    /// when several files give one). After it, who holds an office is not known.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// assert_eq!(library.facts().known_to().unwrap().to_string(), "2026-11-22");
    /// ```
    pub fn known_to(&self) -> Option<Date> {
        self.known_to
    }

    /// `known_to` when `date` is after it: what happened between the two is not known.
    pub fn unknown_since(&self, date: Date) -> Option<Date> {
        self.known_to.filter(|k| *k < date)
    }

    /// A warning for an open tenure read after `known_to`: it is not known whether
    /// `holder` still held `title` on `date`.
    pub(crate) fn unverifiable(&self, tenure: &Tenure, title: &str, date: Date) -> Option<(Date, String)> {
        let known = self.unknown_since(date).filter(|_| tenure.to.is_none())?;
        Some((known, format!("unverifiable: the facts base is known to {known}, when {} was {title}", tenure.holder)))
    }
    /// The officeholder names automaton, built on first use.
    pub(crate) fn names(&self) -> &NameIndex {
        self.names.get_or_init(|| NameIndex::build(&self.tenures))
    }

    /// An event by id. Elections (`general-election-2024`, `general-election-2024.dissolution`)
    /// and bill stages (`cws-bill.royal-assent`) are events too.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let e = library.facts().event("cws-bill.royal-assent").unwrap();
    /// assert_eq!(e.date.to_string(), "2026-04-29");
    /// ```
    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.get(id)
    }

    /// All events, derived ones included, by id.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.events.values()
    }

    /// An office by id.
    pub fn office(&self, id: &str) -> Option<&Office> {
        self.offices.get(id)
    }

    /// All offices.
    pub fn offices(&self) -> impl Iterator<Item = &Office> {
        self.offices.values()
    }

    /// A period by id (`fy-2024-25`, `sr21`).
    pub fn period(&self, id: &str) -> Option<&Period> {
        self.periods.get(id)
    }

    /// All periods.
    pub fn periods(&self) -> impl Iterator<Item = &Period> {
        self.periods.values()
    }

    /// All tenures, in file order.
    pub fn tenures(&self) -> &[Tenure] {
        &self.tenures
    }

    /// Bills.
    pub fn bills(&self) -> &[Bill] {
        &self.bills
    }

    /// General elections.
    pub fn elections(&self) -> &[Election] {
        &self.elections
    }

    /// The last general election held on or before `on`; with `new_government`, the
    /// last whose new government had taken office by `on`.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let on = |d: &str| replydraft::parse_date(d).unwrap();
    /// let facts = library.facts();
    /// assert_eq!(facts.last_election(on("2023-05-01"), false).unwrap().date, on("2019-12-12"));
    /// assert_eq!(facts.last_election(on("2023-05-01"), true).unwrap().date, on("2010-05-06"));
    /// // Polling day 4 July 2024; the new government took office on the 5th.
    /// assert_eq!(facts.last_election(on("2024-07-04"), true).unwrap().date, on("2010-05-06"));
    /// assert_eq!(facts.last_election(on("2024-07-05"), true).unwrap().date, on("2024-07-04"));
    /// ```
    pub fn last_election(&self, on: Date, new_government: bool) -> Option<&Election> {
        let day = |e: &Election| if new_government { e.took_office() } else { e.date };
        self.elections.iter().filter(|e| day(e) <= on && (e.new_government || !new_government)).max_by_key(|e| day(e))
    }

    /// The first election after `after` (up to `until`) that put in office a
    /// government of which `still` is not true (`still` reads its `government`).
    pub fn government_change(&self, after: Date, until: Date, still: impl Fn(&str) -> bool) -> Option<&Election> {
        self.elections
            .iter()
            .filter(|e| e.took_office() > after && e.took_office() <= until)
            .filter(|e| e.government.as_deref().is_some_and(|g| !still(g)))
            .min_by_key(|e| e.took_office())
    }

    /// The election whose government was in office on `on` (of those that name one).
    pub fn government_on(&self, on: Date) -> Option<&Election> {
        self.elections
            .iter()
            .filter(|e| e.government.is_some() && e.took_office() <= on)
            .max_by_key(|e| e.took_office())
    }

    /// Who held `office` on `date`, if anyone.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let d = replydraft::parse_date("2021-02-24").unwrap();
    /// let t = library.facts().holder_at("secretary-of-state-education", d).unwrap();
    /// assert_eq!(t.holder, "Gavin Williamson");
    /// ```
    pub fn holder_at(&self, office: &str, date: Date) -> Option<&Tenure> {
        self.tenures.iter().find(|t| t.office == office && t.covers(date))
    }

    /// The tenures of `holder` in `office`.
    pub fn tenures_of<'a>(&'a self, office: &'a str, holder: &'a str) -> impl Iterator<Item = &'a Tenure> + 'a {
        self.tenures.iter().filter(move |t| t.office == office && t.holder.eq_ignore_ascii_case(holder))
    }

    /// Who holds `office` (or the office that replaced it) on `date`, as a suggestion.
    pub fn successor_at(&self, office: &str, date: Date) -> Option<(&Office, &Tenure)> {
        let mut id = office;
        for _ in 0..8 {
            let o = self.office(id)?;
            if let Some(t) = self.holder_at(id, date) {
                return Some((o, t));
            }
            id = o.successor.as_deref()?;
        }
        None
    }

    /// The tenure of `holder` in `office` on `date`, or else how it ended:
    /// `Ok(tenure)` when in office, `Err(Some(last_day))` after their last tenure
    /// ended, `Err(None)` when they never held it up to `date`.
    pub fn check_holder<'a>(
        &'a self,
        office: &'a str,
        holder: &'a str,
        date: Date,
    ) -> Result<&'a Tenure, Option<Date>> {
        let mut ended = None;
        for t in self.tenures_of(office, holder) {
            if t.covers(date) {
                return Ok(t);
            }
            if let Some(to) = t.to.filter(|to| *to < date) {
                ended = ended.max(Some(to));
            }
        }
        Err(ended)
    }

    pub(crate) fn finish(&mut self) {
        for e in &self.elections {
            let ev = |id: String, date, what: String| Event { id, date, what, source: e.source.clone() };
            self.events.insert(e.id.clone(), ev(e.id.clone(), e.date, e.what.clone()));
            if let Some(d) = e.dissolution {
                let id = format!("{}.dissolution", e.id);
                self.events.insert(id.clone(), ev(id, d, format!("Parliament dissolved before the {}", e.id)));
            }
        }
        for b in &self.bills {
            for s in &b.stages {
                let id = format!("{}.{}", b.id, s.stage);
                let name = if s.stage == "royal-assent" { b.act.as_deref().unwrap_or(&b.title) } else { &b.title };
                let what = format!("{name}: {}", s.stage.replace('-', " "));
                self.events.insert(id.clone(), Event { id, date: s.date, what, source: s.source.clone() });
            }
        }
    }
}
