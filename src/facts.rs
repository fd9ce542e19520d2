//! The facts base: dated, sourced events, offices and their holders, periods,
//! tracked entities (bills, consultations, schemes, fiscal events) and elections. Claims in blocks are bound to these facts by id.

use crate::date::toml_date;
use crate::error::{Error, Location};
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

/// An office (a ministry, a seat). Who holds it lives in [`Tenure`]s. The register
/// (`register/*.csv`) adds an office for each seat (`mp-woking`) and post it names.
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
    /// The register's names for it (`office` in `register/ministers.csv`): appointments
    /// there under these names are tenures of this office.
    #[serde(default)]
    pub register: Vec<String>,
    /// The department it belongs to, as the register names it ("Department for
    /// Education"): "the Secretary of State" in a sentence that names the department
    /// is this office.
    #[serde(default)]
    pub department: Option<String>,
    /// Where it is defined.
    #[serde(skip)]
    pub at: Location,
}

impl Office {
    /// Whether it is a seat in the Commons (its id starts `mp-`).
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// assert!(library.facts().office("mp-woking").unwrap().is_seat());
    /// assert!(!library.facts().office("prime-minister").unwrap().is_seat());
    /// ```
    pub fn is_seat(&self) -> bool {
        self.id.starts_with("mp-")
    }
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
    /// An event after which it is not known whether the holder still holds the office
    /// (a resignation announced, the successor not yet known): after its day an open
    /// tenure is unverified, with the event's words as the reason.
    #[serde(default)]
    pub doubted_by: Option<String>,
    /// The date its source is known to (the register snapshot's, the facts file's
    /// `known_to`): past it, and past how long a fact of its kind is assumed to hold
    /// ([`Facts::held_until`]), an open tenure is unverified.
    #[serde(skip)]
    pub known_to: Option<Date>,
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

/// A dated state of a tracked [`Entity`]: a bill's stage, a consultation's opening or
/// closing, a strategy's publication, a scheme's end.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// `introduced`, `royal-assent`, `opened`, `closed`, `published`, `scrapped` ...
    pub state: String,
    /// The day.
    #[serde(with = "toml_date")]
    pub date: Date,
    /// What it became or what happened, in words a letter can use ("Children's
    /// Wellbeing and Schools Act 2026").
    #[serde(default)]
    pub what: Option<String>,
    /// Whether the entity's life as letters speak of it ends here (Royal Assent, a bill
    /// falling, a consultation closing, a strategy published, a scheme scrapped): a
    /// present or future sentence about it is then an error, not a warning.
    #[serde(default)]
    pub last: bool,
    /// Where the fact comes from.
    pub source: String,
    /// The day is not known: the state was reached by `date` (an Act known only by its
    /// year: `date` is the last day of that year). It never gives an exact day.
    #[serde(default)]
    pub by: bool,
}

impl State {
    /// When it happened, in words: the day, or "by" the day when only that is known.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let bill = library.facts().entities().iter().find(|e| e.id == "cws-bill").unwrap();
    /// assert_eq!(bill.states.last().unwrap().when(), "on 2026-04-29");
    /// ```
    pub fn when(&self) -> String {
        if self.by { format!("by {} (the day is not known)", self.date) } else { format!("on {}", self.date) }
    }
}

/// Something letters speak of that moves through dated states: a bill, a
/// consultation, a review, a strategy, a scheme, a court case, a fiscal event, a
/// session of Parliament. Each state is also an event (`<id>.<state>`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Id (`cws-bill`).
    pub id: String,
    /// `bill`, `consultation`, `review`, `strategy`, `scheme`, `court-case`,
    /// `fiscal-event`, `session` ...
    pub kind: String,
    /// Its name as letters write it ("the Children's Wellbeing and Schools Bill").
    pub name: String,
    /// Other names that say which it is.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Short names that mean it only once the letter has named it in full ("the Bill").
    #[serde(default)]
    pub short: Vec<String>,
    /// A series it belongs to (`budget`, `spending-review`): "the Budget" in a clause
    /// that looks ahead means the next of the series after the letter was written.
    #[serde(default)]
    pub series: Option<String>,
    /// Its states, in date order.
    pub states: Vec<State>,
    /// The date its source is known to (its file's `known_to`).
    #[serde(skip)]
    pub known_to: Option<Date>,
    /// Whether it comes from a table (`policy/*.csv`): an entity a facts TOML file
    /// defines under the same id or name wins over it.
    #[serde(skip)]
    pub(crate) from_table: bool,
}

impl Entity {
    /// The states after `after`, up to and including `until`.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let on = |d: &str| replydraft::parse_date(d).unwrap();
    /// let bill = library.facts().entities().iter().find(|e| e.id == "rwanda-bill").unwrap();
    /// let moved: Vec<&str> = bill.states_between(on("2024-01-01"), on("2024-04-25")).map(|s| s.state.as_str()).collect();
    /// assert_eq!(moved, ["commons-third-reading", "royal-assent"]);
    /// ```
    pub fn states_between(&self, after: Date, until: Date) -> impl Iterator<Item = &State> {
        self.states.iter().filter(move |s| s.date > after && s.date <= until)
    }
}

/// A series of entities named alike ("the Budget", "the Spending Review").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// Id (`budget`), as entities name it in `series`.
    pub id: String,
    /// How letters name the next one ("the Budget", "the next Budget", "the Autumn Budget").
    pub names: Vec<String>,
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

/// How a register file's rows become offices: a facts file's `[register]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRules {
    /// Ministerial posts whose name gives no portfolio ("Minister of State"): each
    /// department's is an office of its own ("Minister of State, Department for Education").
    #[serde(default)]
    pub generic_posts: Vec<String>,
}

/// Whether a name is an abbreviation ("DfE", "MEDP": no space, a capital after its
/// first letter): letters must match its case.
pub(crate) fn is_abbreviation(name: &str) -> bool {
    !name.contains(' ') && name.chars().skip(1).any(|c| c.is_ascii_uppercase())
}

/// How long a fact of one kind is assumed to hold past the date its source is known
/// to (a facts file's `[hold]` table: `seat = "next-general-election"`, `post = "4 weeks"`).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Hold {
    /// For a span of time past the source's date.
    For(jiff::Span),
    /// Until the next general election (a seat: it changes hands only at an election,
    /// or at a by-election the facts would show).
    NextGeneralElection,
}

impl Hold {
    /// Reads a hold as a facts file writes it: `"next-general-election"`, or a number
    /// and a unit (`"4 weeks"`, `"6 months"`, `"30 days"`, `"1 year"`).
    ///
    /// ```
    /// use replydraft::Hold;
    /// assert!(matches!(Hold::parse("next-general-election"), Ok(Hold::NextGeneralElection)));
    /// assert!(matches!(Hold::parse("4 weeks"), Ok(Hold::For(_))));
    /// assert!(Hold::parse("a while").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Hold, String> {
        let text = text.trim();
        if text == "next-general-election" {
            return Ok(Hold::NextGeneralElection);
        }
        let problem =
            || format!("`{text}`: write \"next-general-election\" or a number and days, weeks, months or years");
        let (n, unit) = text.split_once(' ').ok_or_else(problem)?;
        let n: i64 = n.parse().ok().filter(|n| (0..=100_000).contains(n)).ok_or_else(problem)?;
        let span = match unit.trim().trim_end_matches('s') {
            "day" => jiff::Span::new().try_days(n),
            "week" => jiff::Span::new().try_weeks(n),
            "month" => jiff::Span::new().try_months(n),
            "year" => jiff::Span::new().try_years(n),
            _ => return Err(problem()),
        };
        span.map(Hold::For).map_err(|_| problem())
    }
}

/// A source the facts base was built from ([`Facts::sources`]): a facts file, a
/// register, a policy table or a pack added with the library.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Source {
    /// The file, as the library names it (`facts.toml`, `register/mps.csv`).
    pub file: String,
    /// What it is ("the MPs' register", "Acts of Parliament and their Bills", "facts").
    pub what: String,
    /// Its rows (a TOML file: its events, offices, tenures, periods, entities, series
    /// and elections).
    pub rows: usize,
    /// The date it is known to, if it says.
    pub known_to: Option<Date>,
}

/// A seat or a ministerial post, as a register row names it.
#[derive(Debug, Clone)]
pub(crate) enum Post {
    /// A constituency.
    Seat(String),
    /// A ministerial post and the department it was in.
    Ministerial { office: String, department: String },
}

/// A register row: a tenure whose office is named by its post, given an office once
/// every facts file is read.
#[derive(Debug, Clone)]
pub(crate) struct RegisterRow {
    post: Post,
    tenure: Tenure,
}

/// A row of `register/mps.csv` (the columns used).
#[derive(Deserialize)]
struct MpRow {
    name: String,
    constituency: String,
    start: String,
    end: String,
    source: String,
    #[serde(default)]
    end_precision: String,
}

/// A row of `register/ministers.csv` (the columns used).
#[derive(Deserialize)]
struct MinisterRow {
    office: String,
    holder: String,
    start: String,
    end: String,
    source: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    acting: String,
}

/// The `# known_to = YYYY-MM-DD` comment of a CSV file, if any (line 1 on error).
pub(crate) fn known_to_comment(file: &str, text: &str) -> Result<Option<Date>, Error> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').trim().strip_prefix("known_to")?.trim().strip_prefix('='))
        .map(|d| {
            d.trim()
                .parse::<Date>()
                .map_err(|e| Error::Invalid { at: Location::new(file, 1, 1), message: format!("known_to: {e}") })
        })
        .next()
        .transpose()
}

/// Reads a register file: `register/mps.csv` (a `constituency` column) or
/// `register/ministers.csv` (an `office` column). Lines starting with `#` are comments;
/// `# known_to = YYYY-MM-DD` among them dates the snapshot. `end` is the first day out
/// of office (blank while in office); a tenure's `to` is the day before.
///
/// ```
/// let csv = "# known_to = 2026-08-20\nname,constituency,start,end,source\n\
///            Ann Lee,Woking,2019-12-12,2024-05-30,test\n";
/// let library = replydraft::Library::from_files([("register/mps.csv".to_string(), csv.to_string())]).unwrap();
/// let t = &library.facts().tenures()[0];
/// assert_eq!((t.office.as_str(), t.to.unwrap().to_string()), ("mp-woking", "2024-05-29".into()));
/// assert_eq!(library.facts().office("mp-woking").unwrap().title, "Member of Parliament for Woking");
/// ```
pub(crate) fn read_register(file: &str, text: &str) -> Result<Vec<RegisterRow>, Error> {
    let invalid = |line: u64, message: String| Error::Invalid {
        at: Location::new(file, usize::try_from(line).unwrap_or(usize::MAX), 1),
        message,
    };
    let known_to = known_to_comment(file, text)?;
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| invalid(1, e.to_string()))?.clone();
    let seats = headers.iter().any(|h| h == "constituency");
    if !seats && !headers.iter().any(|h| h == "office") {
        return Err(invalid(1, "a register file has a `constituency` (MPs) or an `office` (ministers) column".into()));
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| invalid(e.position().map_or(1, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(1, |p| p.line());
        let at = Location::new(file, usize::try_from(line).unwrap_or(usize::MAX), 1);
        let bad = |e: &dyn std::fmt::Display| invalid(line, e.to_string());
        let (post, holder, start, end, source) = if seats {
            let r: MpRow = record.deserialize(Some(&headers)).map_err(|e| bad(&e))?;
            let upper = if r.end_precision == "upper_bound_writ_date" {
                "; the seat fell vacant before `end` (the by-election writ)"
            } else {
                ""
            };
            let source = format!("UK Parliament election results ({}{upper}), Open Parliament Licence v3.0", r.source);
            (Post::Seat(r.constituency), r.name, r.start, r.end, source)
        } else {
            let r: MinisterRow = record.deserialize(Some(&headers)).map_err(|e| bad(&e))?;
            let acting = if r.acting.is_empty() { "" } else { "; acting" };
            let source = format!("IfG Ministers Database ({}{acting}), CC BY 4.0", r.source);
            (Post::Ministerial { office: r.office, department: r.department }, r.holder, r.start, r.end, source)
        };
        let date = |d: &str| d.trim().parse::<Date>().map_err(|e| bad(&format!("`{d}`: {e}")));
        let from = date(&start)?;
        let to = match end.trim() {
            "" => None,
            e => Some(date(e)?.yesterday().map_err(|e| bad(&e))?.max(from)),
        };
        if holder.trim().is_empty() {
            return Err(invalid(line, "a register row without a name".into()));
        }
        let tenure = Tenure { office: String::new(), holder, from, to, source, doubted_by: None, known_to, at };
        out.push(RegisterRow { post, tenure });
    }
    Ok(out)
}

/// How letters write a seat besides its title: "MP for X", and both with the seat's
/// name as letterheads print it, without its comma ("Birmingham Erdington" for the
/// results' "Birmingham, Erdington") and with "&" for "and".
fn seat_aliases(seat: &str) -> Vec<String> {
    let mut names = vec![seat.to_string()];
    for variant in
        [seat.replace(", ", " "), seat.replace(" and ", " & "), seat.replace(", ", " ").replace(" and ", " & ")]
    {
        if !names.contains(&variant) {
            names.push(variant);
        }
    }
    let mut out = vec![format!("MP for {seat}")];
    for n in &names[1..] {
        out.push(format!("Member of Parliament for {n}"));
        out.push(format!("MP for {n}"));
    }
    out
}

/// An id made of a name's words, lowercased, without "and" ("Stone, Great Wyrley and
/// Penkridge" → `stone-great-wyrley-penkridge`).
pub(crate) fn slug(name: &str) -> String {
    let words = name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("and"));
    words.map(str::to_lowercase).collect::<Vec<_>>().join("-")
}

/// Every office's title and aliases, found in one pass over a text (ASCII case
/// folded): "the Prime Minister", "the Home Secretary", seats without "the" ("Member of
/// Parliament for Woking", "MP for Woking"), and every title without "the" as a
/// letterhead or a signature writes it.
#[derive(Debug, Clone)]
pub(crate) struct TitleIndex {
    /// The office id of each pattern, in the automaton's pattern order.
    pub(crate) offices: Vec<String>,
    /// Whether each pattern is a title without "the" (a seat's, or any office's as a
    /// letterhead or signature line writes it: "Secretary of State for Education").
    pub(crate) bare: Vec<bool>,
    /// `None` only if the titles are too many to build an automaton of.
    pub(crate) automaton: Option<aho_corasick::AhoCorasick>,
}

impl TitleIndex {
    fn build(offices: &BTreeMap<String, Office>) -> TitleIndex {
        let mut patterns = Vec::new();
        let mut ids = Vec::new();
        let mut bare = Vec::new();
        for o in offices.values() {
            for name in std::iter::once(&o.title).chain(&o.aliases) {
                if !o.is_seat() {
                    patterns.push(format!("the {}", name.to_ascii_lowercase()));
                    ids.push(o.id.clone());
                    bare.push(false);
                }
                patterns.push(name.to_ascii_lowercase());
                ids.push(o.id.clone());
                bare.push(true);
            }
        }
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            // Thousands of patterns, searched in one short letter per build: the
            // automaton that is quickest to build.
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(&patterns)
            .ok();
        TitleIndex { offices: ids, bare, automaton }
    }
}

/// What a name in the [`EntityIndex`] stands for.
#[derive(Debug, Clone)]
pub(crate) enum Named {
    /// The entities (by index) of that name or alias: several when a name was used
    /// again (a bill that fell and came back, the annual Finance Bill), told apart by
    /// the letter's date ([`Facts::meant`]).
    Entities(Vec<usize>),
    /// The next of a series (by index into `series`).
    Series(usize),
}

/// Every entity's names and every series' names, found in one pass (ASCII case folded);
/// short names ("the Bill") in another, so that they never hide a full name that starts
/// later ("the consultation on Stable Homes…"). One automaton for all (about 800
/// entities with the policy tables), built once per facts base.
#[derive(Debug, Clone)]
pub(crate) struct EntityIndex {
    /// What each pattern stands for, in the automaton's pattern order.
    pub(crate) named: Vec<Named>,
    /// For a pattern that is an abbreviation ("DfE"), the letters as they must be
    /// written: a match in another case is another word.
    pub(crate) exact: Vec<Option<String>>,
    /// `None` when there are no names (or too many to build an automaton of).
    pub(crate) automaton: Option<aho_corasick::AhoCorasick>,
    /// The entities whose short name each short pattern is.
    pub(crate) short_of: Vec<Vec<usize>>,
    /// The short names.
    pub(crate) shorts: Option<aho_corasick::AhoCorasick>,
}

fn automaton(patterns: &[String]) -> Option<aho_corasick::AhoCorasick> {
    (!patterns.is_empty())
        .then(|| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                // Thousands of patterns, searched in one short letter per build: the
                // automaton that is quickest to build.
                .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                .build(patterns)
                .ok()
        })
        .flatten()
}

impl EntityIndex {
    fn build(entities: &[Entity], series: &[Series]) -> EntityIndex {
        let mut patterns: Vec<String> = Vec::new();
        let mut named = Vec::new();
        let mut exact = Vec::new();
        let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let (mut short_names, mut short_of): (Vec<String>, Vec<Vec<usize>>) = (Vec::new(), Vec::new());
        for (i, x) in entities.iter().enumerate() {
            for n in std::iter::once(&x.name).chain(&x.aliases) {
                let n = crate::text::normalize(n);
                let folded = n.to_ascii_lowercase();
                match at.get(&folded) {
                    Some(&p) => {
                        if let Named::Entities(list) = &mut named[p] {
                            if !list.contains(&i) {
                                list.push(i);
                            }
                        }
                    }
                    None => {
                        at.insert(folded.clone(), patterns.len());
                        exact.push(is_abbreviation(&n).then(|| n.clone()));
                        patterns.push(folded);
                        named.push(Named::Entities(vec![i]));
                    }
                }
            }
            for n in &x.short {
                let n = crate::text::normalize(n).to_ascii_lowercase();
                match short_names.iter().position(|s| *s == n) {
                    Some(p) => short_of[p].push(i),
                    None => {
                        short_names.push(n);
                        short_of.push(vec![i]);
                    }
                }
            }
        }
        for (i, s) in series.iter().enumerate() {
            for n in &s.names {
                patterns.push(crate::text::normalize(n).to_ascii_lowercase());
                named.push(Named::Series(i));
                exact.push(None);
            }
        }
        EntityIndex { named, exact, automaton: automaton(&patterns), short_of, shorts: automaton(&short_names) }
    }
}

/// Every officeholder's name, found in one pass over a text (on text folded by
/// [`crate::text::Folded`] and ASCII-lowercased, which keeps its byte offsets; the
/// names are lowercased alike: quicker to build than a case-insensitive automaton).
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
        let folded: Vec<String> = names.iter().map(|n| crate::text::normalize(n).to_ascii_lowercase()).collect();
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            // Thousands of patterns, searched in one short letter per build: the
            // automaton that is quickest to build.
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(&folded)
            .ok();
        NameIndex { names, automaton }
    }
}

/// The offices and tenures of the facts files with those of a lazily read register.
#[derive(Debug, Clone, Default)]
pub(crate) struct Full {
    offices: BTreeMap<String, Office>,
    tenures: Vec<Tenure>,
    /// Register rows that could not be read (none in the embedded register: a test reads it).
    errors: Vec<String>,
}

/// The term of an institution ([`Facts::term`]): a Parliament, a session, a Spending
/// Review period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Term {
    /// Its first day.
    pub first: Date,
    /// Its last day.
    pub last: Date,
    /// Its name, as a message writes it.
    pub name: String,
    /// Where the fact that ends it comes from.
    pub source: String,
}

/// All dated facts of a library.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub(crate) names: std::sync::OnceLock<NameIndex>,
    pub(crate) titles: std::sync::OnceLock<TitleIndex>,
    /// Register rows read eagerly, given offices in `finish`.
    pub(crate) register: Vec<RegisterRow>,
    /// Register files read on first use (the embedded register): `(name, text)`.
    pub(crate) register_lazy: Vec<(String, &'static str)>,
    /// The offices and tenures with the lazily read register's, built on first use.
    pub(crate) full: std::sync::OnceLock<Full>,
    pub(crate) register_rules: RegisterRules,
    pub(crate) events: BTreeMap<String, Event>,
    pub(crate) offices: BTreeMap<String, Office>,
    pub(crate) tenures: Vec<Tenure>,
    pub(crate) periods: BTreeMap<String, Period>,
    pub(crate) entities: Vec<Entity>,
    pub(crate) series: Vec<Series>,
    pub(crate) entity_names: std::sync::OnceLock<EntityIndex>,
    pub(crate) elections: Vec<Election>,
    pub(crate) known_to: Option<Date>,
    /// How long a fact of each kind holds past its source's date (`seat`, `post`, an
    /// entity kind).
    pub(crate) holds: BTreeMap<String, Hold>,
    /// The sources it was built from, in load order.
    pub(crate) sources: Vec<Source>,
    /// Tables read on first use of the entities (the embedded policy tables), with the
    /// reader that turns one into entities (the library's: `policy` stands above `facts`).
    pub(crate) tables_lazy: Vec<(String, &'static str)>,
    pub(crate) read_table: Option<fn(&str, &str) -> Vec<Entity>>,
    /// The entities with the lazily read tables', and the events of their states.
    pub(crate) with_tables: std::sync::OnceLock<(Vec<Entity>, BTreeMap<String, Event>)>,
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

    /// The sources the facts base was built from: each file, what it is, its rows and
    /// the date it is known to.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let sources = library.facts().sources();
    /// let mps = sources.iter().find(|s| s.file == "register/mps.csv").unwrap();
    /// assert_eq!(mps.known_to.unwrap().to_string(), "2026-08-20");
    /// assert!(sources.iter().any(|s| s.file == "policy/acts.csv" && s.rows > 500));
    /// ```
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// How long a fact of `kind` (`seat`, `post`, or an entity kind such as `scheme`)
    /// is assumed to hold past the date its source is known to (the facts files'
    /// `[hold]` table); `None` when it is not assumed to hold at all.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// assert!(matches!(library.facts().hold("seat"), Some(replydraft::Hold::NextGeneralElection)));
    /// ```
    pub fn hold(&self, kind: &str) -> Option<Hold> {
        self.holds.get(kind).copied()
    }

    /// The last day a fact of `kind` whose source is known to `known` is assumed to
    /// hold: `known` plus its [`Facts::hold`]. Until the next general election means
    /// the day before the next dissolution the facts know of, or else five years after
    /// the last election (the longest a Parliament sits).
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let on = |d: &str| replydraft::parse_date(d).unwrap();
    /// let facts = library.facts();
    /// assert_eq!(facts.held_until("post", on("2026-06-19")), on("2026-07-17"));
    /// assert!(facts.held_until("seat", on("2026-08-20")) > on("2029-01-01"));
    /// assert_eq!(facts.held_until("no-such-kind", on("2026-06-19")), on("2026-06-19"));
    /// ```
    pub fn held_until(&self, kind: &str, known: Date) -> Date {
        match self.hold(kind) {
            None => known,
            Some(Hold::For(span)) => known.checked_add(span).unwrap_or(Date::MAX),
            Some(Hold::NextGeneralElection) => {
                let next = self.elections.iter().filter_map(|e| e.dissolution).filter(|d| *d > known).min();
                match next {
                    Some(d) => d.yesterday().unwrap_or(d),
                    None => self
                        .last_election(known, false)
                        .and_then(|e| e.date.checked_add(jiff::Span::new().years(5)).ok())
                        .unwrap_or(known)
                        .max(known),
                }
            }
        }
    }

    /// A warning for an open tenure that the facts can no longer vouch for on `date`:
    /// after an event that put it in doubt (`doubted_by`), or past the date its source
    /// is known to and the time a fact of its kind (`seat`, `post`) is assumed to hold.
    /// Gives the last day it was vouched for and the message.
    pub(crate) fn unverifiable(&self, tenure: &Tenure, title: &str, date: Date) -> Option<(Date, String)> {
        if tenure.to.is_some() {
            return None;
        }
        let holder = &tenure.holder;
        if let Some(e) = tenure.doubted_by.as_deref().and_then(|id| self.event(id)).filter(|e| e.date < date) {
            let message = format!(
                "unverified: on {} {}; that {holder} is still {title} on {date} is not confirmed (source: {})",
                e.date, e.what, e.source
            );
            return Some((e.date.yesterday().unwrap_or(e.date), message));
        }
        let known = tenure.known_to.or(self.known_to)?;
        let (kind, noun) = if tenure.office.starts_with("mp-") { ("seat", "a seat") } else { ("post", "an office") };
        let until = self.held_until(kind, known);
        let how = if until > known { format!("; {noun} is assumed to hold only to {until}") } else { String::new() };
        (until < date).then(|| {
            let message = format!(
                "unverified: {holder} was {title} on {known}, the date its source is known to{how}; whether still on {date} is not known"
            );
            (until, message)
        })
    }

    /// The entity a name found in a letter written on `w` and read on `date` means, of
    /// those that share it (a bill that fell and came back, each year's Finance Bill, a
    /// department renamed and later named so again): the first whose life had not
    /// ended by `w`, else the last; `None` when another of that name is alive on `date`
    /// (the name means something that exists again).
    pub(crate) fn meant(&self, candidates: &[usize], w: Date, date: Date) -> Option<usize> {
        let entities = self.entities();
        let end = |i: usize| entities[i].states.iter().find(|s| s.last).map_or(Date::MAX, |s| s.date);
        let chosen = candidates
            .iter()
            .copied()
            .filter(|&i| end(i) > w)
            .min_by_key(|&i| end(i))
            .or_else(|| candidates.iter().copied().max_by_key(|&i| end(i)))?;
        let alive = |i: usize| entities[i].states.first().is_some_and(|s| s.date <= date) && end(i) > date;
        (end(chosen) > date || !candidates.iter().any(|&i| i != chosen && alive(i))).then_some(chosen)
    }

    /// The officeholder names automaton, built on first use.
    pub(crate) fn names(&self) -> &NameIndex {
        self.names.get_or_init(|| NameIndex::build(self.tenures()))
    }

    /// The office titles automaton, built on first use.
    pub(crate) fn titles(&self) -> &TitleIndex {
        self.titles.get_or_init(|| TitleIndex::build(self.all().0))
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
        self.events.get(id).or_else(|| self.lazy_tables()?.1.get(id))
    }

    /// All events, derived ones included, by id.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.events.values().chain(self.lazy_tables().into_iter().flat_map(|(_, events)| events.values()))
    }

    /// The entities with those of the tables read on first use, and their states'
    /// events; `None` when there are no such tables.
    fn lazy_tables(&self) -> Option<&(Vec<Entity>, BTreeMap<String, Event>)> {
        let read = self.read_table.filter(|_| !self.tables_lazy.is_empty())?;
        Some(self.with_tables.get_or_init(|| {
            let mut entities: Vec<Entity> = self.tables_lazy.iter().flat_map(|(name, text)| read(name, text)).collect();
            entities.extend(self.entities.iter().cloned());
            keep_written(&mut entities);
            let mut events = BTreeMap::new();
            // The eagerly read entities' events are in `events` already.
            let lazy = entities.iter().filter(|x| x.from_table && !self.entities.iter().any(|e| e.id == x.id));
            entity_events(lazy, &mut events);
            (entities, events)
        }))
    }

    /// An office by id.
    pub fn office(&self, id: &str) -> Option<&Office> {
        self.offices.get(id).or_else(|| self.all().0.get(id))
    }

    /// All offices.
    pub fn offices(&self) -> impl Iterator<Item = &Office> {
        self.all().0.values()
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
        self.all().1
    }

    /// Register rows that could not be read, when the register is read on first use
    /// (the embedded register: a test holds it to none). A library directory's register
    /// is read when it loads, and a bad row is a load error instead.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// assert!(library.facts().register_errors().is_empty());
    /// ```
    pub fn register_errors(&self) -> &[String] {
        if self.register_lazy.is_empty() { &[] } else { &self.full().errors }
    }

    /// The offices and tenures, with the register's: the embedded register is read on
    /// first use (drafting with a sender whose office the facts files define never needs it).
    fn all(&self) -> (&BTreeMap<String, Office>, &[Tenure]) {
        if self.register_lazy.is_empty() {
            return (&self.offices, &self.tenures);
        }
        let full = self.full();
        (&full.offices, &full.tenures)
    }

    fn full(&self) -> &Full {
        self.full.get_or_init(|| {
            let mut full = Full { offices: self.offices.clone(), tenures: self.tenures.clone(), errors: Vec::new() };
            let mut rows = Vec::new();
            for (name, text) in &self.register_lazy {
                match read_register(name, text) {
                    Ok(r) => rows.extend(r),
                    Err(e) => full.errors.push(e.to_string()),
                }
            }
            resolve_register(&mut full.offices, &mut full.tenures, rows, &self.register_rules);
            full
        })
    }

    /// Tracked entities: bills, consultations, reviews, strategies, schemes, fiscal
    /// events, sessions.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let bill = library.facts().entities().iter().find(|e| e.id == "cws-bill").unwrap();
    /// assert_eq!(bill.states.last().unwrap().what.as_deref(), Some("Children's Wellbeing and Schools Act 2026"));
    /// ```
    pub fn entities(&self) -> &[Entity] {
        match self.lazy_tables() {
            Some((entities, _)) => entities,
            None => &self.entities,
        }
    }

    /// Series of entities named alike ("the Budget").
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// assert!(library.facts().series().iter().any(|s| s.id == "spending-review"));
    /// ```
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// The entity names automaton, built on first use.
    pub(crate) fn entity_names(&self) -> &EntityIndex {
        self.entity_names.get_or_init(|| EntityIndex::build(self.entities(), &self.series))
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

    /// The term of an institution sitting on `on`: `"parliament"` (from the last general
    /// election to the day before the next dissolution), `"session"` (a tracked session
    /// of Parliament, to the day before it ended) or `"spending-review"` (a Spending
    /// Review period). `None` when the facts base does not know the term's end.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let on = |d: &str| replydraft::parse_date(d).unwrap();
    /// let term = library.facts().term("parliament", on("2021-03-01")).unwrap();
    /// assert_eq!((term.first, term.last), (on("2019-12-12"), on("2024-05-29")));
    /// assert_eq!(term.name, "the Parliament elected on 2019-12-12");
    /// ```
    pub fn term(&self, kind: &str, on: Date) -> Option<Term> {
        match kind {
            "parliament" => {
                let elected = self.last_election(on, false)?;
                // It sits until the day before its dissolution.
                let next = self
                    .elections
                    .iter()
                    .filter(|e| e.dissolution.is_some_and(|d| d > on))
                    .min_by_key(|e| e.dissolution)?;
                Some(Term {
                    first: elected.date,
                    last: next.dissolution?.yesterday().ok()?,
                    name: format!("the Parliament elected on {}", elected.date),
                    source: next.source.clone(),
                })
            }
            "session" => self
                .entities()
                .iter()
                .filter(|x| x.kind == "session")
                .filter_map(|x| {
                    let first = x.states.first()?.date;
                    let ended = x.states.iter().find(|s| s.last)?;
                    let last = ended.date.yesterday().ok()?;
                    (first <= on && on <= last).then(|| Term {
                        first,
                        last,
                        name: x.name.clone(),
                        source: ended.source.clone(),
                    })
                })
                .min_by_key(|t| t.last),
            "spending-review" => self
                .periods()
                .filter(|x| x.id.starts_with("sr") && x.from <= on && on <= x.to)
                .map(|x| Term { first: x.from, last: x.to, name: x.name.clone(), source: x.source.clone() })
                .next(),
            _ => None,
        }
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
        self.of_office(office).find(|t| t.covers(date))
    }

    /// The one holder of `office` on `date`: `None` when no one, or several at once (two
    /// ministers under one post name), held it.
    ///
    /// ```
    /// let library = replydraft::Library::embedded().unwrap();
    /// let on = |d: &str| replydraft::parse_date(d).unwrap();
    /// let mp = library.facts().sole_holder_at("mp-woking", on("2023-01-01")).unwrap();
    /// assert_eq!(mp.holder, "Jonathan Lord");
    /// // Parliament dissolved on 2024-05-30: no MPs until polling day.
    /// assert!(library.facts().sole_holder_at("mp-woking", on("2024-06-15")).is_none());
    /// ```
    pub fn sole_holder_at(&self, office: &str, date: Date) -> Option<&Tenure> {
        let mut holders = self.of_office(office).filter(|t| t.covers(date));
        let first = holders.next()?;
        holders.all(|t| t.holder == first.holder).then_some(first)
    }

    /// The tenures of `office`: those of the facts files if they give any (then the
    /// register is not read), else the register's.
    fn of_office<'a, 'o>(&'a self, office: &'o str) -> impl Iterator<Item = &'a Tenure> + use<'a, 'o> {
        let written = self.tenures.iter().any(|t| t.office == office);
        let list = if written { &self.tenures[..] } else { self.tenures() };
        list.iter().filter(move |t| t.office == office)
    }

    /// The tenures of `holder` in `office`.
    pub fn tenures_of<'a>(&'a self, office: &'a str, holder: &'a str) -> impl Iterator<Item = &'a Tenure> + 'a {
        self.of_office(office).filter(move |t| t.holder.eq_ignore_ascii_case(holder))
    }

    /// Where the facts about `holder` in `office` up to `date` come from: the source of
    /// their latest tenure that began by then (the one that shows them in office, or
    /// the one whose end shows them out of it).
    ///
    /// ```
    /// let library = replydraft::Library::embedded()?;
    /// let d = replydraft::parse_date("2023-01-01")?;
    /// let source = library.facts().holder_source("secretary-of-state-education", "Gavin Williamson", d);
    /// assert!(source.is_some_and(|s| !s.is_empty()));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn holder_source<'a>(&'a self, office: &'a str, holder: &'a str, date: Date) -> Option<&'a str> {
        self.tenures_of(office, holder)
            .filter(|t| t.from <= date)
            .max_by_key(|t| t.from)
            .map(|t| t.source.as_str())
            .filter(|s| !s.is_empty())
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

    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        // A tenure put in doubt names an event of the facts.
        for t in &self.tenures {
            if let Some(id) = t.doubted_by.as_deref().filter(|id| !self.events.contains_key(*id)) {
                return Err(Error::Invalid {
                    at: t.at.clone(),
                    message: format!("tenure of {} in `{}`: `doubted_by` names no event (`{id}`)", t.holder, t.office),
                });
            }
        }
        keep_written(&mut self.entities);
        // A seat a facts file defines is written in letters as the register's seats are.
        for o in self.offices.values_mut().filter(|o| o.is_seat()) {
            let Some(seat) = o.title.strip_prefix("Member of Parliament for ") else { continue };
            for a in seat_aliases(seat) {
                if !o.aliases.contains(&a) {
                    o.aliases.push(a);
                }
            }
        }
        let rows = std::mem::take(&mut self.register);
        resolve_register(&mut self.offices, &mut self.tenures, rows, &self.register_rules);
        for e in &self.elections {
            let ev = |id: String, date, what: String| Event { id, date, what, source: e.source.clone() };
            self.events.insert(e.id.clone(), ev(e.id.clone(), e.date, e.what.clone()));
            if let Some(d) = e.dissolution {
                let id = format!("{}.dissolution", e.id);
                self.events.insert(id.clone(), ev(id, d, format!("Parliament dissolved before the {}", e.id)));
            }
        }
        entity_events(self.entities.iter(), &mut self.events);
        Ok(())
    }
}

/// Each state of each entity as an event (`<id>.<state>`).
fn entity_events<'a>(entities: impl Iterator<Item = &'a Entity>, events: &mut BTreeMap<String, Event>) {
    for x in entities {
        // A state known only by a last possible day is not an event on a day.
        for st in x.states.iter().filter(|st| !st.by) {
            let id = format!("{}.{}", x.id, st.state);
            let what = st.what.clone().unwrap_or_else(|| format!("{}: {}", x.name, st.state.replace('-', " ")));
            events.insert(id.clone(), Event { id, date: st.date, what, source: st.source.clone() });
        }
    }
}

/// An entity a facts file defines wins over a table's row for the same thing (the
/// same id, a name or alias in common, or the same fiscal event: its series and
/// day), so that one thing gives one finding.
fn keep_written(entities: &mut Vec<Entity>) {
    let key = |n: &str| {
        let n = crate::text::normalize(n).to_ascii_lowercase();
        n.strip_prefix("the ").map(str::to_string).unwrap_or(n)
    };
    let written: Vec<&Entity> = entities.iter().filter(|x| !x.from_table).collect();
    let ids: std::collections::HashSet<&str> = written.iter().map(|x| x.id.as_str()).collect();
    let names: std::collections::HashSet<String> =
        written.iter().flat_map(|x| std::iter::once(&x.name).chain(&x.aliases)).map(|n| key(n)).collect();
    let delivered: std::collections::HashSet<(Option<&str>, Date)> = written
        .iter()
        .filter(|x| x.kind == "fiscal-event")
        .filter_map(|x| Some((x.series.as_deref(), x.states.first()?.date)))
        .collect();
    let drop: Vec<bool> = entities
        .iter()
        .map(|x| {
            x.from_table
                && (ids.contains(x.id.as_str())
                    || std::iter::once(&x.name).chain(&x.aliases).any(|n| names.contains(&key(n)))
                    || x.kind == "fiscal-event"
                        && x.states.first().is_some_and(|st| delivered.contains(&(x.series.as_deref(), st.date))))
        })
        .collect();
    let mut i = 0;
    entities.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
    // Two tables with one id (a pack that updates the default tables): the later.
    let mut seen = std::collections::HashSet::new();
    let keep: Vec<bool> = entities.iter().rev().map(|x| seen.insert(x.id.clone())).collect();
    let mut keep = keep.into_iter().rev();
    entities.retain(|_| keep.next().unwrap_or(true));
}

/// Gives each register row its office: the office that lists the row's post name in
/// `register`, or else one made from the row (`mp-<seat>`, the post's name, or for a
/// generic post the post and its department). An office with tenures in a facts file
/// keeps those alone: the register adds none to it.
fn resolve_register(
    offices: &mut BTreeMap<String, Office>,
    tenures: &mut Vec<Tenure>,
    rows: Vec<RegisterRow>,
    rules: &RegisterRules,
) {
    if rows.is_empty() {
        return;
    }
    let named: std::collections::HashMap<String, String> =
        offices.values().flat_map(|o| o.register.iter().map(|n| (n.to_lowercase(), o.id.clone()))).collect();
    let written: std::collections::HashSet<String> = tenures.iter().map(|t| t.office.clone()).collect();
    for RegisterRow { post, mut tenure } in rows {
        let department = match &post {
            Post::Ministerial { department, .. } if !department.is_empty() => Some(department.clone()),
            _ => None,
        };
        let (id, title, alias) = match post {
            Post::Seat(seat) => {
                (format!("mp-{}", slug(&seat)), format!("Member of Parliament for {seat}"), seat_aliases(&seat))
            }
            Post::Ministerial { office, department } => match named.get(&office.to_lowercase()) {
                Some(id) => (id.clone(), office, Vec::new()),
                None if rules.generic_posts.iter().any(|g| g.eq_ignore_ascii_case(&office)) => {
                    let title = format!("{office}, {department}");
                    (slug(&title), title, Vec::new())
                }
                None => (slug(&office), office, Vec::new()),
            },
        };
        offices.entry(id.clone()).or_insert_with(|| Office {
            id: id.clone(),
            title,
            aliases: alias,
            successor: None,
            register: Vec::new(),
            department,
            at: tenure.at.clone(),
        });
        // The office is known either way; its tenures come from the facts files alone
        // when they give any.
        if written.contains(&id) {
            continue;
        }
        tenure.office = id;
        tenures.push(tenure);
    }
}
