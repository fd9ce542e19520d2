//! Dates: reading them from TOML and the command line, and writing them in letters.

use crate::error::{Error, Result};
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

/// Parses `YYYY-MM-DD`, rejecting impossible dates such as 2023-02-30.
///
/// ```
/// assert!(replydraft::parse_date("2024-02-29").is_ok());
/// let err = replydraft::parse_date("2023-02-30").unwrap_err();
/// assert!(err.to_string().contains("2023-02-30"));
/// ```
pub fn parse_date(text: &str) -> Result<Date> {
    let bad = |why: String| Error::Value {
        what: "date",
        value: text.to_string(),
        problem: format!("{why} (write YYYY-MM-DD, for example 2024-07-04)"),
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return Err(bad("not in the form YYYY-MM-DD".into()));
    }
    let num = |s: &str| s.parse::<i16>().map_err(|_| bad(format!("`{s}` is not a number")));
    let (y, m, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
    Date::new(y, m as i8, d as i8).map_err(|e| bad(e.to_string()))
}

/// Today's date in the system's time zone (what the command line uses when `--date`
/// is not given), so an embedder need not add `jiff` for it.
///
/// ```
/// let today = replydraft::today();
/// assert!(today >= replydraft::parse_date("2026-01-01").unwrap());
/// ```
pub fn today() -> Date {
    jiff::Zoned::now().date()
}

/// Parses a length of time such as `6 months`, `2 years`, `7 days` or ISO `P6M`.
pub fn parse_span(text: &str) -> Result<jiff::Span> {
    text.trim().parse::<jiff::Span>().map_err(|e| Error::Value {
        what: "length of time",
        value: text.to_string(),
        problem: format!("{e} (write for example `6 months` or `2 years`)"),
    })
}

/// Serde support for TOML dates (`as_of = 2022-07-15`, unquoted) as `jiff::civil::Date`.
pub(crate) mod toml_date {
    use super::*;

    pub(crate) fn from_datetime(dt: toml::value::Datetime) -> std::result::Result<Date, String> {
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                Date::new(d.year as i16, d.month as i8, d.day as i8).map_err(|e| format!("impossible date {dt}: {e}"))
            }
            _ => Err(format!("expected a date like 2022-07-15, found `{dt}`")),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Date, D::Error> {
        let dt = toml::value::Datetime::deserialize(d)
            .map_err(|e| serde::de::Error::custom(format!("{e}; write dates unquoted, like as_of = 2022-07-15")))?;
        from_datetime(dt).map_err(serde::de::Error::custom)
    }

    pub(crate) fn serialize<S: serde::Serializer>(date: &Date, s: S) -> std::result::Result<S::Ok, S::Error> {
        date.to_string().serialize(s)
    }

    /// For `Option<Date>` fields.
    pub(crate) mod option {
        use super::*;
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Date>, D::Error> {
            super::deserialize(d).map(Some)
        }
    }
}

/// Serde support for lengths of time written as strings (`tolerance = "6 months"`).
pub(crate) mod span_text {
    use super::*;
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<jiff::Span>, D::Error> {
        let text = String::deserialize(d)?;
        let span = parse_span(&text).map_err(serde::de::Error::custom)?;
        if span.is_negative() {
            return Err(serde::de::Error::custom(format!(
                "`{text}` is a negative length of time; write how long it lasts, for example `6 months`"
            )));
        }
        Ok(Some(span))
    }
}

/// How a letter writes its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateStyle {
    /// `2 February 2023`
    #[default]
    DayMonthYear,
    /// `16th August 2022`
    Ordinal,
    /// `July 2022`
    MonthYear,
    /// `2023-02-02`
    Iso,
}

impl DateStyle {
    /// Writes `date` in this style.
    ///
    /// ```
    /// use replydraft::DateStyle;
    /// let d = replydraft::parse_date("2022-08-16").unwrap();
    /// assert_eq!(DateStyle::Ordinal.format(d), "16th August 2022");
    /// assert_eq!(DateStyle::DayMonthYear.format(d), "16 August 2022");
    /// assert_eq!(DateStyle::MonthYear.format(d), "August 2022");
    /// ```
    pub fn format(self, date: Date) -> String {
        match self {
            DateStyle::DayMonthYear => date.strftime("%-d %B %Y").to_string(),
            DateStyle::MonthYear => date.strftime("%B %Y").to_string(),
            DateStyle::Iso => date.to_string(),
            DateStyle::Ordinal => {
                let d = date.day();
                let suffix = match (d % 10, d % 100) {
                    (_, 11..=13) => "th",
                    (1, _) => "st",
                    (2, _) => "nd",
                    (3, _) => "rd",
                    _ => "th",
                };
                format!("{d}{suffix} {}", date.strftime("%B %Y"))
            }
        }
    }
}

/// The day after `date` (saturating at the end of time).
pub(crate) fn next_day(date: Date) -> Date {
    date.tomorrow().unwrap_or(date)
}

/// Date arithmetic that never panics, from the time crate (one place for it).
pub(crate) use replydraft_time::shifted;
