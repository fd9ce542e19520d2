//! The temporal-expression layer, family by family, on sentences written for these
//! tests: each case names the text, the date it was written, the expression that must
//! be found (its exact extent) and its TIMEX3 value.

use replydraft::timex::{self, Timex, TimexType};

use crate::common::d;

/// The expression of `text` whose extent is exactly `expression`.
fn found(text: &str, written: &str, expression: &str) -> Timex {
    let all = timex::find(text, d(written));
    all.iter().find(|t| &text[t.start..t.end] == expression).cloned().unwrap_or_else(|| {
        let seen: Vec<_> = all.iter().map(|t| (&text[t.start..t.end], t.value.as_str())).collect();
        panic!("`{expression}` not found in {text:?} (written {written}); found {seen:?}")
    })
}

/// (written, text, expression, value)
type Case = (&'static str, &'static str, &'static str, &'static str);

fn run(cases: &[Case]) {
    let mut wrong = Vec::new();
    for &(written, text, expression, value) in cases {
        let t = found(text, written, expression);
        if t.value != value {
            wrong.push(format!(
                "{text:?} (written {written}): `{expression}` is {} (rule {}), not {value}",
                t.value, t.rule
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn dates_without_a_year_take_the_year_the_sentence_points_to() {
    run(&[
        ("2023-06-01", "The event is being held on the 1st of November.", "the 1st of November", "2023-11-01"),
        ("2023-06-01", "We will open 15 new special free schools by May.", "May", "2024-05"),
        ("2023-04-20", "We will open 15 new special free schools by May.", "May", "2023-05"),
        ("2023-07-10", "I attended an event for Carers Week earlier in June.", "June", "2023-06"),
        ("2023-06-01", "A plan is to be set out in September.", "September", "2023-09"),
        ("2023-02-01", "The Chancellor will say more at the Budget in October.", "October", "2023-10"),
        ("2023-11-15", "The figures were published on 3 March.", "3 March", "2023-03-03"),
        ("2024-01-05", "The consultation closed on 20 December.", "20 December", "2023-12-20"),
        ("2023-06-01", "The review reported in March 2022.", "March 2022", "2022-03"),
        ("2023-06-01", "It was announced on 14th July 2021.", "14th July 2021", "2021-07-14"),
        ("2023-06-01", "It was announced on July 14, 2021.", "July 14, 2021", "2021-07-14"),
        ("2023-06-01", "Published 2021-07-14 and again 14/07/2021.", "14/07/2021", "2021-07-14"),
    ]);
}

#[test]
fn periods_and_ranges() {
    run(&[
        ("2019-03-01", "The Government confirmed funding up to 2020.", "2020", "2020"),
        ("2023-06-01", "Between 2022 and 2025 we will build 300 homes.", "2022", "2022"),
        ("2023-06-01", "Between 2022 and 2025 we will build 300 homes.", "2025", "2025"),
        ("2023-02-01", "From April, the scheme opens to every family.", "April", "2023-04"),
        ("2023-06-01", "In the last academic year, 300 pupils took part.", "the last academic year", "AY2021"),
        ("2023-10-01", "In the last academic year, 300 pupils took part.", "the last academic year", "AY2022"),
        ("2023-06-01", "The 1990s saw the first reforms.", "The 1990s", "199"),
        ("2023-06-01", "Spending fell in Q3 2022.", "Q3 2022", "2022-Q3"),
        ("2023-06-01", "Profits rose in the third quarter of 2022.", "the third quarter of 2022", "2022-Q3"),
        ("2023-06-01", "The scheme runs until mid-2025.", "mid-2025", "2025"),
        ("2023-06-01", "The twentieth century saw two wars.", "The twentieth century", "19"),
    ]);
}

#[test]
fn uk_financial_academic_and_tax_years_in_every_spelling() {
    run(&[
        ("2024-06-12", "We allocated £20 million for 2024/25.", "2024/25", "FY2024"),
        ("2024-06-12", "We allocated £20 million for 2024-25.", "2024-25", "FY2024"),
        ("2024-06-12", "We allocated £20 million for 2024\u{2013}25.", "2024\u{2013}25", "FY2024"),
        ("2024-06-12", "Spending rose in the 2021-22 financial year.", "the 2021-22 financial year", "FY2021"),
        ("2024-06-12", "Spending rose in FY24.", "FY24", "FY2023"),
        ("2024-06-12", "Pupils in the 2023/24 academic year sit the new tests.", "the 2023/24 academic year", "AY2023"),
        ("2024-06-12", "The allowance is frozen for the 2024-25 tax year.", "the 2024-25 tax year", "TY2024"),
        ("2024-03-31", "Spending this financial year is £3 billion.", "this financial year", "FY2023"),
        ("2024-04-01", "Spending this financial year is £3 billion.", "this financial year", "FY2024"),
        ("2024-04-05", "The change applies from the next tax year.", "the next tax year", "TY2024"),
        ("2024-04-06", "The change applies from the next tax year.", "the next tax year", "TY2025"),
    ]);
    // "2022-25" is a range, not a financial year.
    let text = "Over 2022-25 we will build.";
    assert!(timex::find(text, d("2023-01-01")).iter().all(|t| !t.value.starts_with("FY")));
}

#[test]
fn anchored_durations_and_past_points() {
    run(&[
        ("2024-06-12", "Over the past two years we have invested.", "the past two years", "P2Y"),
        ("2018-10-01", "After eight years of austerity, councils are stretched.", "eight years", "P8Y"),
        ("2019-01-15", "The school was rebuilt just 3 years ago.", "just 3 years ago", "2016"),
        ("2024-06-12", "Crime has fallen in the last decade.", "the last decade", "201"),
        ("2024-06-12", "The building was finished six months ago.", "six months ago", "2023-12"),
        ("2024-06-12", "The scheme will run for two and a half years.", "two and a half years", "P2Y"),
        ("2024-06-12", "The inquiry lasted twenty-four months.", "twenty-four months", "P24M"),
        ("2024-06-12", "It takes a few weeks.", "a few weeks", "PXW"),
        ("2024-06-12", "Work will start in two years' time.", "two years' time", "2026"),
    ]);
    // Ages and amounts are not time.
    for text in
        ["My son is 15 years old.", "We paid £2020 for it.", "It rose by 2019% overall.", "It cost 3,2020 pounds."]
    {
        let found = timex::find(text, d("2024-06-12"));
        assert!(found.is_empty(), "{text}: {found:?}");
    }
}

#[test]
fn relative_phrases_resolve_against_the_written_date() {
    run(&[
        ("2019-01-15", "Last year the council spent £4 million.", "Last year", "2018"),
        ("2024-01-01", "Last year the council spent £4 million.", "Last year", "2023"),
        ("2023-12-31", "Last year the council spent £4 million.", "Last year", "2022"),
        ("2023-06-01", "We will say more later in the year.", "the year", "2023"),
        ("2023-06-20", "I met the Minister earlier this month.", "this month", "2023-06"),
        ("2023-06-20", "The plan will be published next spring.", "next spring", "2024-SP"),
        ("2023-06-20", "The plan will be published in the coming weeks.", "the coming weeks", "FUTURE_REF"),
        ("2023-06-20", "I am currently reviewing it.", "currently", "PRESENT_REF"),
        ("2023-06-20", "The guidance was recently updated.", "recently", "PAST_REF"),
        ("2023-06-20", "We met yesterday and meet again tomorrow.", "yesterday", "2023-06-19"),
        ("2023-06-20", "We met yesterday and meet again tomorrow.", "tomorrow", "2023-06-21"),
        ("2023-06-20", "Today I wrote to the Secretary of State.", "Today", "2023-06-20"),
        ("2023-06-20", "The Bill passed last week.", "last week", "2023-W24"),
        ("2023-06-20", "Since 2010 the number has doubled.", "2010", "2010"),
        ("2023-06-20", "Early next year the review will report.", "Early next year", "2024"),
        ("2023-06-20", "The Prime Minister spoke this morning.", "this morning", "2023-06-20TMO"),
        ("2023-06-20", "The vote is at 5 p.m. on Thursday.", "5 p.m. on Thursday", "2023-06-22T17:00"),
    ]);
}

#[test]
fn weekdays_point_back_unless_the_clause_looks_ahead() {
    // 2024-06-12 is a Wednesday.
    run(&[
        ("2024-06-12", "The Minister visited the school on Friday.", "Friday", "2024-06-07"),
        ("2024-06-12", "The Minister will visit the school on Friday.", "Friday", "2024-06-14"),
        ("2024-06-12", "The Minister visited on Wednesday.", "Wednesday", "2024-06-12"),
        ("2024-06-12", "The Minister visited last Wednesday.", "last Wednesday", "2024-06-05"),
        ("2024-06-12", "The Minister visits next Wednesday.", "next Wednesday", "2024-06-19"),
    ]);
}

#[test]
fn seasons_quarters_and_holidays() {
    run(&[
        ("2024-06-12", "The strategy will be published this autumn.", "this autumn", "2024-FA"),
        ("2024-06-12", "We consulted last winter.", "last winter", "2023-WI"),
        ("2024-06-12", "Work began in the summer of 2019.", "the summer of 2019", "2019-SU"),
        ("2024-11-12", "Profits rose in the third quarter.", "the third quarter", "2024-Q3"),
        ("2024-02-12", "Profits rose in the fourth quarter.", "the fourth quarter", "2023-Q4"),
        ("2024-06-12", "The office will close at Christmas.", "Christmas", "2024-12-25"),
        ("2024-01-10", "The office was closed at Christmas.", "Christmas", "2023-12-25"),
    ]);
    // "fall" is a season only as one.
    assert!(timex::find("Prices will fall.", d("2024-06-12")).is_empty());
    run(&[("2024-06-12", "We expect to report this fall.", "this fall", "2024-FA")]);
}

#[test]
fn every_expression_denotes_its_calendar_interval() {
    let interval = |v: &str| timex::interval(v).map(|(a, b)| (a.to_string(), b.to_string()));
    let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
    assert_eq!(interval("FY2024"), pair("2024-04-01", "2025-03-31"));
    assert_eq!(interval("TY2024"), pair("2024-04-06", "2025-04-05"));
    assert_eq!(interval("AY2023"), pair("2023-09-01", "2024-08-31"));
    assert_eq!(interval("2024-02"), pair("2024-02-01", "2024-02-29"));
    assert_eq!(interval("2023-WI"), pair("2023-12-01", "2024-02-29"));
    assert_eq!(interval("2024-W01"), pair("2024-01-01", "2024-01-07"));
    assert_eq!(interval("2024-W01-WE"), pair("2024-01-06", "2024-01-07"));
    assert_eq!(interval("2023-06-20TMO"), pair("2023-06-20", "2023-06-20"));
    assert_eq!(interval("19"), pair("1900-01-01", "1999-12-31"));
    assert_eq!(interval("PRESENT_REF"), None);
    assert_eq!(interval("2023-13"), None);
    assert_eq!(interval("2023-02-30"), None);
    // The interval travels with each expression.
    let t = found("Funding for 2024-25 is confirmed.", "2024-06-12", "2024-25");
    assert_eq!((t.first, t.last), (Some(d("2024-04-01")), Some(d("2025-03-31"))));
    let t = found("It ran over the past two years.", "2024-06-12", "the past two years");
    assert_eq!((t.kind, t.first), (TimexType::Duration, None));
}

#[test]
fn offsets_are_bytes_of_the_original_text_whatever_surrounds_them() {
    // İ lowercases to two characters; Ω and K (Kelvin) change length too.
    let text = "İİİ ΩK Last year, GROẞE Lane opened; next year \u{201c}İpek\u{201d} will.";
    let all = timex::find(text, d("2024-06-12"));
    let shown: Vec<&str> = all.iter().map(|t| &text[t.start..t.end]).collect();
    assert_eq!(shown, ["Last year", "next year"]);
    assert_eq!(all[1].value, "2025");
}

#[test]
fn what_is_found_does_not_overlap_and_comes_in_order() {
    let text = "On Friday 7 June 2024, last year, the past two years and FY24 all appear; Friday.";
    let all = timex::find(text, d("2024-06-12"));
    for w in all.windows(2) {
        assert!(w[0].end <= w[1].start, "{:?} overlaps {:?}", w[0], w[1]);
    }
    assert_eq!(&text[all[0].start..all[0].end], "Friday 7 June 2024");
    assert_eq!(all[0].value, "2024-06-07");
}

use proptest::prelude::Strategy;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// Any text, any anchor: no panic, spans on character boundaries, in order, not
    /// overlapping, each value non-empty and each interval in order.
    #[test]
    fn any_text_gives_well_formed_expressions(
        words in proptest::collection::vec(proptest::prop_oneof![
            proptest::string::string_regex("[A-Za-z0-9 ,.'/\u{2013}-]{0,12}").unwrap(),
            proptest::sample::select(vec!["last", "next", "year", "May", "Friday", "2024-25", "FY99", "ago",
                "9999999999999999999 years ago", "99999999999 days ago", "20000 months", "the 31st of February", "Q9 2020", "İ", "ẞ", "£", "%", "99:99 p.m.",
                "twenty-nine", "hundred", "nineteen ninety", "week", "quarter", "will", "was", "tonight"]).prop_map(String::from),
        ], 0..40),
        day in -800_000i64..800_000,
    ) {
        let text = words.join(" ");
        let anchor = d("2000-01-01").checked_add(jiff::Span::new().days(day / 100)).unwrap();
        let all = timex::find(&text, anchor);
        let mut last_end = 0;
        for t in &all {
            proptest::prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            proptest::prop_assert!(last_end <= t.start && t.start < t.end);
            proptest::prop_assert!(!t.value.is_empty());
            if let (Some(a), Some(b)) = (t.first, t.last) {
                proptest::prop_assert!(a <= b);
            }
            last_end = t.end;
        }
    }
}

use crate::common;

#[test]
fn the_times_command_prints_json_with_byte_offsets() {
    let dir = common::scratch("times");
    let file = dir.join("letter.txt");
    let text = "İpek wrote: last year we agreed funding for 2024/25.";
    std::fs::write(&file, text).unwrap();
    let (code, out, err) = common::run(&["times", file.to_str().unwrap(), "--ref", "2024-06-12", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let timexes = json["timexes"].as_array().unwrap();
    assert_eq!(timexes.len(), 2, "{out}");
    let first = &timexes[0];
    let (start, end) = (first["start"].as_u64().unwrap() as usize, first["end"].as_u64().unwrap() as usize);
    assert_eq!(&text[start..end], "last year");
    assert_eq!((first["type"].as_str(), first["value"].as_str()), (Some("DATE"), Some("2023")));
    assert_eq!((first["first"].as_str(), first["last"].as_str()), (Some("2023-01-01"), Some("2023-12-31")));
    assert_eq!(timexes[1]["value"], "FY2024");
    // Text output: one line per expression.
    let (code, out, _) = common::run(&["times", file.to_str().unwrap(), "--ref", "2024-06-12"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().next().unwrap().contains("\tDATE\t2023\tlast year\t2023-01-01..2023-12-31"), "{out}");
    // A bad anchor is a usage error.
    let (code, _, err) = common::run(&["times", file.to_str().unwrap(), "--ref", "2024-02-30"]);
    assert_eq!(code, 2);
    assert!(err.contains("2024-02-30"), "{err}");
}
