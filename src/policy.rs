//! The national policy tables (`policy/*.csv`: Acts, fallen bills, departments, fiscal
//! events, schemes) read into tracked [`Entity`]s of the facts base.
//!
//! Each table is told by its header, so a facts pack of the same form is read alike
//! whatever its file is called. A `# known_to = YYYY-MM-DD` comment line dates the table.

use crate::error::{Error, Location};
use crate::facts::{Entity, State};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};

/// Which of the policy tables a CSV file is (by its header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// `title, year, chapter, royal_assent, bill_title, source`.
    Acts,
    /// `bill_title, session, introduced, fell, how, later, source`.
    FallenBills,
    /// `department, event, date, successor, source`.
    Departments,
    /// `name, date, source`.
    FiscalEvents,
    /// `id, name, aliases, event, date, what, source`.
    Schemes,
}

impl Table {
    /// What the table holds, in words.
    pub(crate) fn what(self) -> &'static str {
        match self {
            Table::Acts => "Acts of Parliament and their Bills",
            Table::FallenBills => "government bills that fell or were withdrawn",
            Table::Departments => "departments created, renamed, merged and abolished",
            Table::FiscalEvents => "fiscal events (Budgets, Statements, Spending Reviews)",
            Table::Schemes => "national schemes and policies with their dates",
        }
    }

    /// The columns each table must have.
    fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Acts => &["title", "year", "royal_assent", "bill_title", "source"],
            Table::FallenBills => &["bill_title", "introduced", "fell", "how", "source"],
            Table::Departments => &["department", "event", "date", "source"],
            Table::FiscalEvents => &["name", "date", "source"],
            Table::Schemes => &["id", "name", "aliases", "event", "date", "what", "source"],
        }
    }
}

/// The table a CSV text's header names, if it is one of the policy tables.
pub(crate) fn table_of(text: &str) -> Option<Table> {
    let header = text.lines().find(|l| !l.starts_with('#') && !l.trim().is_empty())?;
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    let has = |c: &str| cols.contains(&c);
    Some(if has("royal_assent") {
        Table::Acts
    } else if has("fell") {
        Table::FallenBills
    } else if has("department") {
        Table::Departments
    } else if has("aliases") {
        Table::Schemes
    } else if cols == ["name", "date", "source"] {
        Table::FiscalEvents
    } else {
        return None;
    })
}

/// A policy table, read.
#[derive(Debug, Clone)]
pub(crate) struct PolicyTable {
    pub(crate) table: Table,
    pub(crate) entities: Vec<Entity>,
    /// Rows read (a scheme has a row per event).
    pub(crate) rows: usize,
    pub(crate) known_to: Option<Date>,
}

/// A name without a trailing note in brackets ("Budget 2010 (Alistair Darling)",
/// "Bus fare cap (England)", "Arbitration Bill [HL]").
fn bare(name: &str) -> String {
    let mut n = name.trim();
    while let Some(close) = n.chars().next_back().filter(|c| *c == ')' || *c == ']') {
        let open = if close == ')' { '(' } else { '[' };
        let mut depth = 0;
        let Some(at) = n.char_indices().rev().find_map(|(i, c)| {
            depth += i32::from(c == close) - i32::from(c == open);
            (depth == 0).then_some(i)
        }) else {
            break;
        };
        let rest = n[..at].trim_end();
        if rest.is_empty() {
            break;
        }
        n = rest;
    }
    n.to_string()
}

/// A department's name and the abbreviation in brackets after it
/// ("Department for Education (DfE)").
fn name_and_abbreviation(name: &str) -> (String, Option<String>) {
    let name = name.trim();
    match name.strip_suffix(')').and_then(|n| n.rsplit_once(" (")) {
        Some((full, abbr)) if !abbr.contains(' ') => (full.to_string(), Some(abbr.to_string())),
        _ => (name.to_string(), None),
    }
}

/// An alias worth matching: an abbreviation of three or more letters with a capital
/// after its first (matched in its own case), or a name of two or more words that does
/// not start with a figure ("£2 fare cap" and "2.5% GDP" are figures, not names).
fn useful_alias(alias: &str) -> bool {
    let a = alias.trim();
    let words = a.split_whitespace().count();
    let abbreviation = words == 1 && a.len() >= 3 && a.chars().skip(1).any(|c| c.is_ascii_uppercase());
    abbreviation || words >= 2 && a.chars().next().is_some_and(char::is_alphabetic)
}

/// Reads one policy table. Errors name the file and line.
///
/// ```text
/// # known_to = 2026-12-07
/// title,year,chapter,royal_assent,bill_title,source,notes
/// Example Act 2024,2024,1,2024-02-01,Example Bill,https://example.org,
/// ```
pub(crate) fn read_policy(file: &str, text: &str, table: Table) -> Result<PolicyTable, Error> {
    let invalid = |line: u64, message: String| Error::Invalid {
        at: Location::new(file, usize::try_from(line).unwrap_or(usize::MAX), 1),
        message,
    };
    let known_to = crate::facts::known_to_comment(file, text)?;
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| invalid(1, e.to_string()))?.clone();
    let header_line = text.lines().take_while(|l| l.starts_with('#') || l.trim().is_empty()).count() as u64 + 1;
    for c in table.columns() {
        if !headers.iter().any(|h| h == *c) {
            return Err(invalid(header_line, format!("{} need a `{c}` column", table.what())));
        }
    }
    let mut rows: Vec<(u64, BTreeMap<String, String>)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| invalid(e.position().map_or(1, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(1, |p| p.line());
        let row: BTreeMap<String, String> =
            headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), v.trim().to_string())).collect();
        rows.push((line, row));
    }
    let get = |row: &BTreeMap<String, String>, c: &str| row.get(c).cloned().unwrap_or_default();
    let date = |line: u64, column: &str, v: &str| {
        v.parse::<Date>().map_err(|e| invalid(line, format!("`{column}` is `{v}`: {e} (write YYYY-MM-DD)")))
    };
    let optional = |line: u64, column: &str, v: &str| (!v.is_empty()).then(|| date(line, column, v)).transpose();
    let state = |state: &str, date: Date, what: Option<String>, last: bool, source: String| State {
        state: state.to_string(),
        date,
        what,
        last,
        source,
        by: false,
    };
    let entity =
        |id: String, kind: &str, name: String, aliases: Vec<String>, short: &[&str], states: Vec<State>| Entity {
            id,
            kind: kind.to_string(),
            name,
            aliases,
            short: short.iter().map(|s| s.to_string()).collect(),
            series: None,
            states,
            known_to,
            from_table: true,
        };
    let required = |line: u64, row: &BTreeMap<String, String>, c: &str| {
        let v = get(row, c);
        if v.is_empty() { Err(invalid(line, format!("`{c}` is empty"))) } else { Ok(v) }
    };
    let mut entities = Vec::new();
    match table {
        Table::Acts => {
            for (line, row) in &rows {
                let (line, title, source) = (*line, required(*line, row, "title")?, required(*line, row, "source")?);
                let year: i16 = get(row, "year")
                    .parse()
                    .map_err(|_| invalid(line, format!("`year` is `{}`: write the year", get(row, "year"))))?;
                let bill = bare(&required(line, row, "bill_title")?);
                let chapter = get(row, "chapter");
                let st = match optional(line, "royal_assent", &get(row, "royal_assent"))? {
                    Some(d) => state("royal-assent", d, Some(title.clone()), true, source),
                    // Known only by its year: enacted by the last day of it, never on a known day.
                    None => {
                        let end = Date::new(year, 12, 31).map_err(|e| invalid(line, e.to_string()))?;
                        let mut st =
                            state("royal-assent", end, Some(format!("{title} (an Act by {year})")), true, source);
                        st.by = true;
                        st
                    }
                };
                let id =
                    format!("act-{year}-c{}", if chapter.is_empty() { crate::facts::slug(&title) } else { chapter });
                entities.push(entity(id, "bill", bill, Vec::new(), &["the Bill", "this Bill"], vec![st]));
            }
        }
        Table::FallenBills => {
            for (line, row) in &rows {
                let line = *line;
                let (name, source) = (bare(&required(line, row, "bill_title")?), required(line, row, "source")?);
                let how = get(row, "how");
                // A bill carried over lives on (the Act, if any, is in the Acts table).
                let Some(fell) =
                    optional(line, "fell", &get(row, "fell"))?.filter(|_| !how.starts_with("carried over"))
                else {
                    continue;
                };
                let mut states = Vec::new();
                if let Some(d) = optional(line, "introduced", &get(row, "introduced"))? {
                    states.push(state("introduced", d, None, false, source.clone()));
                }
                let later = get(row, "later");
                let what = if later.is_empty() {
                    format!("the {name}: {how}")
                } else {
                    format!("the {name}: {how}; later: {later}")
                };
                states.push(state("fell", fell, Some(what), true, source));
                let id = format!("fallen-{}-{fell}", crate::facts::slug(&name));
                entities.push(entity(id, "bill", name, Vec::new(), &["the Bill", "this Bill"], states));
            }
        }
        Table::Departments => {
            // Every abbreviation and the departments that use it: one shared by two
            // names (DCMS, renamed and back) says nothing certain.
            let mut abbreviations: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
            for (_, row) in &rows {
                for col in ["department", "successor"] {
                    if let (full, Some(abbr)) = name_and_abbreviation(&get(row, col)) {
                        abbreviations.entry(abbr).or_default().insert(full);
                    }
                }
            }
            // A department's lives in date order: a life ends when it is renamed, merged,
            // split or abolished; "created" after that starts another.
            let mut lives: Vec<(String, Option<String>, Vec<State>)> = Vec::new();
            let mut open: HashMap<String, usize> = HashMap::new();
            for (line, row) in &rows {
                let line = *line;
                let (full, abbr) = name_and_abbreviation(&required(line, row, "department")?);
                let (event, source) = (required(line, row, "event")?, required(line, row, "source")?);
                let d = date(line, "date", &required(line, row, "date")?)?;
                let successor = name_and_abbreviation(&get(row, "successor")).0;
                let (what, last) = match event.as_str() {
                    "created" => (None, false),
                    "abolished" => (Some(format!("the {full} was abolished")), true),
                    "renamed" => (Some(format!("the {full} was renamed the {successor}")), true),
                    "merged into" => (Some(format!("the {full} was merged into the {successor}")), true),
                    "split into" => {
                        (Some(format!("the {full} was split into {}", successor.replace("; ", " and "))), true)
                    }
                    // Functions moved between departments that go on.
                    _ => continue,
                };
                let i = match open.get(&full) {
                    Some(&i) if event != "created" || lives[i].2.is_empty() => i,
                    _ => {
                        lives.push((full.clone(), abbr.clone(), Vec::new()));
                        open.insert(full.clone(), lives.len() - 1);
                        lives.len() - 1
                    }
                };
                // The state is the verb alone ("merged", "split"): its `what` says into what.
                let verb = event.split(' ').next().unwrap_or(&event);
                lives[i].2.push(state(verb, d, what, last, source));
                if last {
                    open.remove(&full);
                }
            }
            for (name, abbr, states) in lives {
                let Some(first) = states.first() else { continue };
                let aliases = abbr
                    .filter(|a| a.len() >= 3 && abbreviations.get(a).is_some_and(|names| names.len() == 1))
                    .into_iter()
                    .collect();
                let id = format!("department-{}-{}", crate::facts::slug(&name), first.date);
                entities.push(entity(id, "department", name, aliases, &[], states));
            }
        }
        Table::FiscalEvents => {
            for (line, row) in &rows {
                let line = *line;
                let (name, source) = (bare(&required(line, row, "name")?), required(line, row, "source")?);
                let d = date(line, "date", &required(line, row, "date")?)?;
                let what = Some(format!("{name} was delivered on {d}"));
                let mut x = entity(
                    format!("fiscal-{}", crate::facts::slug(&name)),
                    "fiscal-event",
                    name.clone(),
                    Vec::new(),
                    &[],
                    vec![state("delivered", d, what, true, source)],
                );
                let lower = name.to_ascii_lowercase();
                x.series = if lower.contains("spending review") || lower.contains("spending round") {
                    Some("spending-review".into())
                } else if lower.contains("budget") {
                    Some("budget".into())
                } else if lower.contains("statement") {
                    Some("fiscal-statement".into())
                } else {
                    None
                };
                entities.push(x);
            }
        }
        Table::Schemes => {
            let mut order: Vec<String> = Vec::new();
            let mut schemes: HashMap<String, (String, Vec<String>, Vec<State>)> = HashMap::new();
            for (line, row) in &rows {
                let line = *line;
                let (id, name, source) =
                    (required(line, row, "id")?, bare(&required(line, row, "name")?), required(line, row, "source")?);
                let event = required(line, row, "event")?;
                if !["announced", "start", "change", "end"].contains(&event.as_str()) {
                    return Err(invalid(line, format!("`event` is `{event}`: announced, start, change or end")));
                }
                let d = date(line, "date", &required(line, row, "date")?)?;
                let what = get(row, "what");
                let what = Some(format!("{name}: {}", if what.is_empty() { event.clone() } else { what }));
                let aliases: Vec<String> = get(row, "aliases")
                    .split(';')
                    .map(str::trim)
                    .filter(|a| useful_alias(a))
                    .map(String::from)
                    .collect();
                let entry = schemes.entry(id.clone()).or_insert_with(|| {
                    order.push(id.clone());
                    (name, aliases, Vec::new())
                });
                let name = match event.as_str() {
                    "start" => "started",
                    "change" => "changed",
                    "end" => "ended",
                    other => other,
                };
                entry.2.push(state(name, d, what, event == "end", source));
            }
            for id in order {
                let Some((name, aliases, mut states)) = schemes.remove(&id) else { continue };
                states.sort_by_key(|s| s.date);
                entities.push(entity(id, "scheme", name, aliases, &["the scheme"], states));
            }
        }
    }
    Ok(PolicyTable { table, entities, rows: rows.len(), known_to })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_in_brackets_is_not_part_of_the_name() {
        assert_eq!(bare("Budget 2010 (Alistair Darling)"), "Budget 2010");
        assert_eq!(bare("Arbitration Bill [HL]"), "Arbitration Bill");
        assert_eq!(
            bare("Terrorism (Protection of Premises) Bill (Martyn's Law)"),
            "Terrorism (Protection of Premises) Bill"
        );
        assert_eq!(bare("House of Lords Reform (No. 2) Bill"), "House of Lords Reform (No. 2) Bill");
    }

    #[test]
    fn figures_and_single_lowercase_words_are_not_aliases() {
        assert!(useful_alias("MEDP") && useful_alias("settled status"));
        assert!(!useful_alias("£2 fare cap") && !useful_alias("furlough") && !useful_alias("PC"));
    }

    #[test]
    fn a_renamed_department_ends_one_life_and_a_recreated_one_starts_another() {
        let csv = "department,event,date,successor,source\n\
                   Ministry of Widgets (MoW),created,2012-01-01,,s\n\
                   Ministry of Widgets (MoW),renamed,2015-01-01,Department for Gadgets (DfG),s\n\
                   Department for Gadgets (DfG),created,2015-01-01,,s\n\
                   Ministry of Widgets (MoW),created,2020-01-01,,s\n";
        let t = read_policy("d.csv", csv, table_of(csv).unwrap()).unwrap();
        let widgets: Vec<&Entity> = t.entities.iter().filter(|e| e.name == "Ministry of Widgets").collect();
        assert_eq!(widgets.len(), 2);
        assert!(widgets[0].states.last().unwrap().last && !widgets[1].states.last().unwrap().last);
        // MoW names one department (in two lives): an alias of both.
        assert!(widgets.iter().all(|w| w.aliases == ["MoW"]));
        assert_eq!(t.entities.iter().find(|e| e.name == "Department for Gadgets").unwrap().aliases, ["DfG"]);
        // An abbreviation two names share (renamed and back) is an alias of neither.
        let csv = "department,event,date,successor,source\n\
                   Office for Widgets (OfW),renamed,2012-01-01,Office for Widgets and Gadgets (OfW),s\n\
                   Office for Widgets and Gadgets (OfW),created,2012-01-01,,s\n";
        let t = read_policy("d.csv", csv, table_of(csv).unwrap()).unwrap();
        assert!(t.entities.iter().all(|e| e.aliases.is_empty()), "{:?}", t.entities);
    }
}
