//! Sentence-level judgement: each time expression of a letter written on W, judged on
//! D by its clause and by what it would mean if read on D. Letters written for these
//! tests; dates explicit; boundaries the day before, of and after an interval ends.

use replydraft::{CheckOptions, Desk, Finding, FindingKind, Library, Severity};
use std::sync::LazyLock;

static DESK: LazyLock<Desk> = LazyLock::new(|| Desk::new(Library::embedded().unwrap()));

use crate::common::d;

fn check(text: &str, written: &str, date: &str) -> Vec<Finding> {
    let mut options = CheckOptions::new(d(date));
    options.written = Some(d(written));
    DESK.check("", text, &options).findings
}

/// The finding about exactly `expression`, if any.
fn about(findings: &[Finding], expression: &str) -> Option<Finding> {
    findings.iter().find(|f| f.text == expression).cloned()
}

fn severity(text: &str, expression: &str, written: &str, date: &str) -> Option<Severity> {
    about(&check(text, written, date), expression).map(|f| f.severity).filter(|s| *s != Severity::Info)
}

#[test]
fn a_forward_claim_is_an_error_from_the_day_after_its_interval_ends() {
    let text = "Dear Sam,\n\nA new plan will be set out in September.\n";
    assert_eq!(severity(text, "September", "2023-06-01", "2023-09-29"), None);
    assert_eq!(severity(text, "September", "2023-06-01", "2023-09-30"), None, "the last day of the interval");
    let f = about(&check(text, "2023-06-01", "2023-10-01"), "September").unwrap();
    assert_eq!((f.kind, f.severity, f.since), (FindingKind::Deadline, Severity::Error, Some(d("2023-10-01"))));
    assert!(f.message.contains("2023-09") && f.message.contains("2023-09-30"), "{}", f.message);
    assert_eq!(f.replacement, None, "a passed promise needs rewriting, not a date");
    // Other forward forms and a date without a year.
    for (text, expr) in [
        ("The strategy is due to be published in the spring.", "the spring"),
        ("We aim to open 15 new special free schools by May.", "by May"),
        ("The event is being held on the 1st of November.", "the 1st of November"),
    ] {
        assert_eq!(severity(text, expr, "2023-01-10", "2023-01-11"), None, "{text}: still to come");
        assert_eq!(severity(text, expr, "2023-01-10", "2024-12-01"), Some(Severity::Error), "{text}: passed");
    }
}

#[test]
fn past_tense_statements_about_past_intervals_are_history() {
    for (text, expr) in [
        ("In March 2022 the Government published its review.", "March 2022"),
        ("Funding has increased by 60% since 2019-20.", "2019-20"),
        ("We allocated £20 million for 2024/25.", "2024/25"),
        ("The scheme was launched in 2019.", "2019"),
    ] {
        let findings = check(text, "2025-06-01", "2026-11-22");
        let bad: Vec<_> = findings.iter().filter(|f| f.severity != Severity::Info).collect();
        assert!(bad.is_empty(), "{text}: {bad:#?}");
        let info = |f: &Finding| f.text.contains(expr) && f.severity == Severity::Info;
        assert!(findings.iter().any(info), "{text}: {expr} is history");
    }
    // The same financial year as a deadline still fails.
    let text = "Every council will receive the funding by 2024-25.";
    assert_eq!(severity(text, "by 2024-25", "2023-06-01", "2025-04-01"), Some(Severity::Error));
}

#[test]
fn a_relative_expression_read_later_says_what_it_meant_and_how_to_write_it() {
    let text = "Last year the council spent £4 million on the roads.";
    assert_eq!(severity(text, "Last year", "2019-01-15", "2019-12-31"), None, "it still means 2018");
    let f = about(&check(text, "2019-01-15", "2020-01-01"), "Last year").unwrap();
    assert_eq!((f.kind, f.severity), (FindingKind::RelativePhrase, Severity::Warning));
    assert_eq!(f.since, Some(d("2020-01-01")), "the first day it meant something else");
    assert!(f.message.contains("meant 2018") && f.message.contains("it means 2019"), "{}", f.message);
    assert_eq!(f.replacement.as_deref(), Some("In 2018"));
    // Once the gap exceeds the expression's own size (a year), an error.
    assert_eq!(severity(text, "Last year", "2019-01-15", "2020-12-31"), Some(Severity::Warning));
    assert_eq!(severity(text, "Last year", "2019-01-15", "2021-01-01"), Some(Severity::Error));
}

#[test]
fn replacements_fit_the_sentence() {
    let cases = [
        ("Today I wrote to the Minister.", "Today", "2023-02-02", "On 2 February 2023"),
        ("I wrote to the Minister today.", "today", "2023-02-02", "on 2 February 2023"),
        ("Prices have risen since last year.", "last year", "2023-02-02", "2022"),
        ("I met the team earlier this month.", "this month", "2023-02-02", "in February 2023"),
        ("Costs rose over the past two years.", "the past two years", "2023-06-01", "2021 and 2022"),
        ("It was announced six months ago.", "six months ago", "2023-06-01", "in December 2022"),
    ];
    for (text, expr, written, replacement) in cases {
        let f =
            about(&check(text, written, "2026-11-22"), expr).unwrap_or_else(|| panic!("{text}: no finding for {expr}"));
        assert_eq!(f.replacement.as_deref(), Some(replacement), "{text}: {}", f.message);
        assert_ne!(f.severity, Severity::Info, "{text}");
    }
}

#[test]
fn a_date_without_its_year_in_a_past_clause_is_read_as_the_latest_such_day() {
    // The letter's own date fixes "17th December", but a reader of the letter sent years
    // later takes it for the last 17 December: a warning, with the year written out.
    let text = "Thank you for your letter of 17th December about the review.";
    let f = about(&check(text, "2021-02-24", "2026-11-22"), "17th December").unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.replacement.as_deref(), Some("17 December 2020"));
    assert!(f.message.contains("2020-12-17") && f.message.contains("no year"), "{}", f.message);
    let text = "In March, the council published its new housing plan.";
    let f = about(&check(text, "2023-05-02", "2026-11-22"), "March")
        .unwrap_or_else(|| panic!("{:#?}", check(text, "2023-05-02", "2026-11-22")));
    assert_eq!((f.severity, f.replacement.as_deref()), (Severity::Warning, Some("March 2023")));
    let text = "I met the Minister on Friday.";
    let f = about(&check(text, "2024-06-12", "2026-11-22"), "Friday").unwrap();
    assert_eq!((f.severity, f.replacement.as_deref()), (Severity::Warning, Some("Friday 7 June 2024")));
    // Sent in the week it was written, it means what it meant: nothing to say.
    assert!(check(text, "2024-06-12", "2024-06-13").iter().all(|f| f.severity == Severity::Info));
}

#[test]
fn on_the_day_it_was_written_nothing_is_stale() {
    let text = "Last year we spent £4 million. Today I met the Minister, who will publish the plan \
                in September, and over the past two years funding rose. Next spring we will consult.";
    let findings = check(text, "2023-06-01", "2023-06-01");
    assert!(findings.iter().all(|f| f.severity == Severity::Info), "{findings:#?}");
}

use crate::common;

#[test]
fn fix_writes_every_certain_replacement_and_says_what_changed() {
    let dir = common::scratch("fix");
    let letter = dir.join("letter.txt");
    let text = "Dear Sam,\n\nLast year the council spent £4 million, and the plan will be published in September.\n";
    std::fs::write(&letter, text).unwrap();
    let out = dir.join("fixed.txt");
    let args = ["fix", letter.to_str().unwrap(), "--written", "2023-06-01", "--date", "2026-11-22", "--out"];
    let (code, _, err) = common::run(&[&args[..], &[out.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    let fixed = std::fs::read_to_string(&out).unwrap();
    // The relative phrase is written out; the passed promise is left for a person.
    assert_eq!(fixed, text.replace("Last year", "In 2022"));
    assert!(err.contains("\"Last year\" -> \"In 2022\"") && err.contains("1 change"), "{err}");
    // The file exists now: nothing is overwritten without --force.
    let (code, _, err) = common::run(&[&args[..], &[out.to_str().unwrap()]].concat());
    assert_eq!(code, 2, "{err}");
    // Without a written date there is nothing certain to write.
    let undated = dir.join("undated.txt");
    std::fs::write(&undated, "Last year we met.").unwrap();
    let (code, _, err) = common::run(&["fix", undated.to_str().unwrap(), "--date", "2026-11-22"]);
    assert_eq!(code, 2);
    assert!(err.contains("--written"), "{err}");
}

#[test]
fn every_future_form_without_a_date_asks_whether_it_happened_after_a_year() {
    let promise = |text: &str, date: &str| {
        check(text, "2021-03-12", date)
            .into_iter()
            .find(|f| f.kind == FindingKind::Commitment)
            .map(|f| (f.text, f.severity, f.since))
    };
    for (text, form) in [
        ("The Government will run a consultation on the scheme.", "will run"),
        ("Councils will face new duties.", "will face"),
        ("Staff will be training new recruits.", "will be training"),
        ("The Department is expected to set out its plans.", "is expected to set"),
        ("The Department plans to publish guidance.", "plans to publish"),
        ("The Government aims to halve the backlog.", "aims to halve"),
        ("The review is due to report.", "is due to report"),
        ("Ministers are considering the responses.", "are considering"),
        ("The Bill is making its way through Parliament.", "is making its way"),
        ("We'll introduce a new fund.", "'ll introduce"),
    ] {
        // Within a year of writing it is information; a year and a day on, a warning.
        assert_eq!(promise(text, "2022-03-12").map(|p| p.1), Some(Severity::Info), "{text}");
        let (shown, severity, since) = promise(text, "2022-03-13").unwrap_or_else(|| panic!("{text}: not found"));
        assert_eq!((shown.as_str(), severity, since), (form, Severity::Warning, Some(d("2022-03-13"))), "{text}");
    }
    // Courtesy, the letter's own action, negation and causes promise nothing.
    for text in [
        "I hope this will reassure you.",
        "You will appreciate that I cannot comment on individual cases.",
        "I will write to the Minister on your behalf.",
        "The Government will not introduce charges.",
        "This will continue to be kept under review.",
        "There will be no changes to the scheme.",
        "The delays are due to staff shortages.",
        "I will be pleased to help.",
    ] {
        assert_eq!(promise(text, "2026-11-23"), None, "{text}");
    }
}

#[test]
fn time_counted_from_an_election_is_resolved_against_the_facts() {
    let text =
        "Since the election we have built 200,000 homes. Since this Government came to power, employment has risen.";
    let on = |date: &str, phrase: &str| about(&check(text, "2023-03-03", date), phrase).unwrap();
    // The 2024 general election is the boundary: polling day (4 July) for the
    // election, the day the new government took office (5 July) for the government.
    for (phrase, day) in [("Since the election", 4), ("Since this Government came to power", 5)] {
        let date = |y: i16, m: i8, day: i8| replydraft::Date::new(y, m, day).unwrap().to_string();
        let f = on(&date(2024, 7, day - 1), phrase);
        assert_eq!(f.severity, Severity::Info, "{phrase}: {}", f.message);
        let f = on(&date(2024, 7, day), phrase);
        assert_eq!((f.severity, f.since), (Severity::Warning, Some(d(&date(2024, 7, day)))), "{phrase}");
        assert_eq!(on(&date(2025, 7, day), phrase).severity, Severity::Warning, "{phrase}: a year on, a warning");
        assert_eq!(on(&date(2025, 7, day + 1), phrase).severity, Severity::Error, "{phrase}: a year and a day on");
    }
    let f = on("2026-11-23", "Since the election");
    assert!(f.message.contains("2019-12-12") && f.message.contains("general-election-2024"), "{}", f.message);
    assert_eq!(f.replacement.as_deref(), Some("Since the 2019 general election"));
    let f = on("2026-11-23", "Since this Government came to power");
    assert!(f.message.contains("2010-05-11"), "{}", f.message);
    assert_eq!(f.replacement.as_deref(), Some("Since this Government came to power in May 2010"));
    // Written after the 2024 election, the same words are current in 2026.
    let findings = check(text, "2024-09-01", "2026-11-23");
    assert_eq!(about(&findings, "Since the election").unwrap().severity, Severity::Info);
}

#[test]
fn this_government_is_the_one_in_office_when_the_letter_was_written() {
    let text = "This Government is investing £2 billion in schools, and our Government will act.";
    let on = |written: &str, date: &str, phrase: &str| about(&check(text, written, date), phrase).unwrap();
    // Written under the Conservatives: the same until Labour took office on 2024-07-05.
    let f = on("2023-03-03", "2024-07-04", "This Government");
    assert_eq!(f.severity, Severity::Info, "{}", f.message);
    assert!(f.message.contains("Conservative"), "{}", f.message);
    let f = on("2023-03-03", "2024-07-05", "This Government");
    assert_eq!((f.severity, f.since), (Severity::Warning, Some(d("2024-07-05"))));
    assert!(f.message.contains("Labour"), "{}", f.message);
    assert_eq!(f.replacement.as_deref(), Some("The Conservative Government"));
    assert_eq!(on("2023-03-03", "2025-07-06", "our Government").severity, Severity::Error);
    assert_eq!(
        on("2023-03-03", "2025-07-06", "our Government").replacement.as_deref(),
        Some("the Conservative Government")
    );
    // The coalition gave way to a Conservative government on 2015-05-08.
    let f = on("2014-06-01", "2015-06-01", "This Government");
    assert!(f.message.contains("coalition") && f.since == Some(d("2015-05-08")), "{}", f.message);
    // Written under Labour, still Labour in 2026.
    assert_eq!(on("2024-09-01", "2026-11-23", "This Government").severity, Severity::Info);
}

#[test]
fn a_government_named_by_its_party_is_gone_once_another_takes_office() {
    let text = "The Conservative Government is investing in schools. The Labour Government left a deficit. \
                In 2019 the Conservative Government published a plan.";
    let named = |date: &str| {
        check(text, "2023-03-03", date)
            .into_iter()
            .filter(|f| f.text.ends_with("Government") && f.severity != Severity::Info)
            .map(|f| (f.start, f.severity, f.since))
            .collect::<Vec<_>>()
    };
    assert_eq!(named("2024-07-04"), [], "the day before Labour took office");
    // Only the present-tense sentence about the party then in office: not the party out
    // of office, not the past-tense history.
    assert_eq!(named("2024-07-05"), [(0, Severity::Warning, Some(d("2024-07-05")))]);
    assert_eq!(named("2025-07-06"), [(0, Severity::Error, Some(d("2024-07-05")))]);
}

#[test]
fn an_office_named_by_its_title_means_its_holder_when_written() {
    let text = "The Prime Minister is committed to this, and the Chancellor of the Duchy of Lancaster agrees.";
    let pm = |written: &str, date: &str| {
        about(&check(text, written, date), "The Prime Minister").map(|f| (f.severity, f.since, f.message))
    };
    // Each change of Prime Minister, the day before and the day of.
    for (written, before, on, then, now) in [
        ("2022-08-01", "2022-09-05", "2022-09-06", "Boris Johnson", "Liz Truss"),
        ("2022-09-10", "2022-10-24", "2022-10-25", "Liz Truss", "Rishi Sunak"),
        ("2024-01-15", "2024-07-04", "2024-07-05", "Rishi Sunak", "Keir Starmer"),
    ] {
        assert_eq!(pm(written, before), None, "{written} read {before}");
        let (severity, since, message) = pm(written, on).unwrap();
        assert_eq!((severity, since), (Severity::Warning, Some(d(on))), "{written} read {on}");
        assert!(message.contains(then) && message.contains(now), "{message}");
    }
    // A longer title that starts like a known one is its own office (from the register),
    // judged by its own holders, never as "the Chancellor"; history in the past tense
    // stays true.
    let findings = check(text, "2024-01-15", "2025-01-01");
    let duchy = about(&findings, "the Chancellor of the Duchy of Lancaster").expect("the Duchy's holders changed");
    assert!(duchy.message.contains("Oliver Dowden") && duchy.message.contains("Pat McFadden"), "{}", duchy.message);
    assert!(!findings.iter().any(|f| f.text == "the Chancellor"), "{findings:#?}");
    let past = "In 2023 the Prime Minister announced a review.";
    assert!(about(&check(past, "2024-01-15", "2025-01-01"), "the Prime Minister").is_none());
    // Named beside the title, the person is judged, not the title again.
    let named = "Rishi Sunak, the Prime Minister, is committed to this.";
    let findings = check(named, "2024-01-15", "2025-01-01");
    assert!(about(&findings, "the Prime Minister").is_none(), "{findings:#?}");
    assert_eq!(about(&findings, "Rishi Sunak").map(|f| f.severity), Some(Severity::Error));
}

#[test]
fn the_previous_government_is_the_one_before_the_last_change_of_party() {
    let text = "The previous Government left the public finances in a terrible state. \
                Under the last Labour government, waiting lists grew.";
    let previous = |written: &str, date: &str| {
        about(&check(text, written, date), "The previous Government").map(|f| (f.severity, f.since, f.replacement))
    };
    // Written under the coalition, read under the Conservatives: still Labour.
    assert_eq!(previous("2012-03-01", "2016-01-01"), None);
    assert_eq!(previous("2019-06-01", "2024-07-04"), None, "the day before Labour took office");
    let took = Some(d("2024-07-05"));
    let replacement = Some("The previous Labour Government".to_string());
    assert_eq!(previous("2019-06-01", "2024-07-05"), Some((Severity::Warning, took, replacement.clone())));
    assert_eq!(previous("2019-06-01", "2025-07-06"), Some((Severity::Error, took, replacement)));
    // "The last Labour government": a past one until Labour governs again, then only ever a warning.
    let last = |date: &str| {
        about(&check(text, "2019-06-01", date), "the last Labour government").map(|f| (f.severity, f.since))
    };
    assert_eq!(last("2024-07-04"), None);
    assert_eq!(last("2024-07-05"), Some((Severity::Warning, took)));
    assert_eq!(last("2026-07-05"), Some((Severity::Warning, took)));
    // Written while Labour governs, "the last Labour government" is left alone.
    assert!(about(&check(text, "2025-01-10", "2026-01-10"), "the last Labour government").is_none());
}

#[test]
fn a_range_is_judged_as_one_stretch_of_time() {
    // Funding promised "between 2022 and 2025": not stale while the range runs, an
    // error from the day after it ends, on the whole range (not on its first year).
    let text = "Dear Sam,\n\nThe Government will fund the scheme between 2022 and 2025.\n";
    for date in ["2023-06-01", "2025-12-31"] {
        let found = check(text, "2021-06-01", date);
        assert!(found.iter().all(|f| f.kind != FindingKind::Deadline), "{date}: the range still runs: {found:#?}");
    }
    let found = check(text, "2021-06-01", "2026-01-01");
    let f = about(&found, "2022 and 2025").expect("the range as one finding");
    assert_eq!((f.kind, f.severity, f.since), (FindingKind::Deadline, Severity::Error, Some(d("2026-01-01"))));
    assert!(about(&found, "2022").is_none(), "its first year is not judged on its own");
    // "from … to …", in the present, with months.
    let text = "Dear Sam,\n\nThe consultation is open from April 2024 to June 2024.\n";
    let f = about(&check(text, "2024-03-01", "2024-07-02"), "April 2024 to June 2024").unwrap();
    assert_eq!(f.since, Some(d("2024-07-01")));
    assert_eq!(severity(text, "April 2024 to June 2024", "2024-03-01", "2024-06-30"), None);
    // Across a year end (the scanner's own date passes once split this into two notes).
    let text = "Dear Sam,\n\nThe scheme will run from April 2019 to March 2020.\n";
    let found = check(text, "2019-01-10", "2026-11-22");
    let f = about(&found, "April 2019 to March 2020").expect("one finding for the range");
    assert_eq!((f.severity, f.since), (Severity::Error, Some(d("2020-04-01"))));
    assert!(about(&found, "April 2019").is_none() && about(&found, "March 2020").is_none());
    // In the past tense: history.
    let text = "Dear Sam,\n\nThe council spent the grant between 2019 and 2021.\n";
    assert_eq!(severity(text, "2019 and 2021", "2022-01-05", "2026-12-06"), None);
}

fn check_undated(text: &str, date: &str) -> Vec<Finding> {
    DESK.check("", text, &CheckOptions::new(d(date))).findings
}

#[test]
fn without_the_letters_date_what_depends_on_it_says_so_and_fixed_dates_are_judged_by_their_clause() {
    let text = "Dear Sam,\n\nWe will publish the plan in March 2023. Funding is available until 2024-25. \
                The review was published in 2019. Last year we spent more, and we are now acting. \
                Your letter of 17th December was passed on.\n";
    let at = |date: &str| check_undated(text, date);
    let f = at("2026-11-22");
    let plan = about(&f, "March 2023").unwrap();
    assert_eq!((plan.kind, plan.severity, plan.since), (FindingKind::Deadline, Severity::Error, Some(d("2023-04-01"))));
    assert!(plan.message.contains("unknown"), "{}", plan.message);
    // A deadline word makes a present-tense clause look ahead; the finding names it.
    let until = about(&f, "until 2024-25").unwrap();
    assert_eq!((until.severity, until.since), (Severity::Error, Some(d("2025-04-01"))));
    assert_eq!(about(&f, "2019").map(|x| x.severity), Some(Severity::Info), "past tense: history");
    for relative in ["Last year", "now"] {
        let x = about(&f, relative).unwrap();
        assert_eq!((x.kind, x.severity), (FindingKind::RelativePhrase, Severity::Warning), "{relative}");
        assert!(x.message.contains("depends on when the letter was written"), "{}", x.message);
        assert_eq!(x.replacement, None, "nothing is certain without the date");
    }
    assert_eq!(about(&f, "17th December").map(|x| x.severity), Some(Severity::Info), "no year: noted");
    // A deadline word in a clause with no tense marker: nothing says it was to come.
    let f = check_undated("Until 2015 the council ran the service.", "2026-11-22");
    assert_eq!(about(&f, "2015").map(|x| x.severity), Some(Severity::Info), "{f:#?}");
    // The day the plan's month ends nothing has passed; the day after it has.
    assert_eq!(about(&at("2023-03-31"), "March 2023").map(|x| x.severity), Some(Severity::Info));
    assert_eq!(about(&at("2023-04-01"), "March 2023").map(|x| x.severity), Some(Severity::Error));
}

#[test]
fn words_without_an_interval_hold_for_the_time_the_rules_give() {
    // "shortly": three months, then a warning, an error once stale for as long again.
    let text = "We will act shortly.";
    assert_eq!(severity(text, "shortly", "2023-01-10", "2023-04-10"), None, "the last day it holds");
    assert_eq!(severity(text, "shortly", "2023-01-10", "2023-04-11"), Some(Severity::Warning));
    assert_eq!(severity(text, "shortly", "2023-01-10", "2023-07-10"), Some(Severity::Warning));
    assert_eq!(severity(text, "shortly", "2023-01-10", "2023-07-11"), Some(Severity::Error));
    let f = about(&check(text, "2023-01-10", "2023-04-11"), "shortly").unwrap();
    assert_eq!(f.since, Some(d("2023-04-11")));
    assert!(f.message.contains("FUTURE_REF"), "{}", f.message);
    // Weak words ("now") are meant loosely: never more than a warning.
    let text = "We are now reviewing the scheme.";
    assert_eq!(severity(text, "now", "2019-01-10", "2026-11-22"), Some(Severity::Warning));
    // A present reference the rules do not list is not a claim about a date.
    assert_eq!(severity("The current system works.", "current", "2019-01-10", "2026-11-22"), None);
}

#[test]
fn a_term_of_parliament_is_resolved_against_the_facts() {
    // Written in March 2021, "this Parliament" is the one elected on 2019-12-12, which
    // sat until 2024-05-29.
    let text = "We will legislate in this Parliament.";
    assert_eq!(severity(text, "this Parliament", "2021-03-01", "2024-05-29"), None);
    let f = about(&check(text, "2021-03-01", "2024-05-30"), "this Parliament").unwrap();
    assert_eq!((f.kind, f.severity, f.since), (FindingKind::RelativePhrase, Severity::Warning, Some(d("2024-05-30"))));
    assert!(f.message.contains("2019-12-12") && f.message.contains("2024-05-29"), "{}", f.message);
    assert!(f.source.as_deref().is_some_and(|s| !s.is_empty()), "the fact that ended the term is cited");
    assert_eq!(severity(text, "this Parliament", "2021-03-01", "2025-05-30"), Some(Severity::Warning));
    assert_eq!(severity(text, "this Parliament", "2021-03-01", "2025-05-31"), Some(Severity::Error));
    // A session: the 2021-22 session was prorogued on 2022-04-28.
    let text = "The Bill will complete its passage this session.";
    assert_eq!(severity(text, "this session", "2021-06-01", "2022-04-27"), None);
    assert_eq!(severity(text, "this session", "2021-06-01", "2022-04-28"), Some(Severity::Warning));
    // Not the word "current" inside it, read as a time expression of its own.
    let f = check("The current session ends soon.", "2021-06-01", "2023-06-01");
    assert!(f.iter().all(|x| x.text != "current"), "{f:#?}");
    // Without the letter's date, which term is meant is unknown.
    let f = check_undated("We will legislate in this Parliament.", "2026-11-22");
    assert!(about(&f, "this Parliament").unwrap().message.contains("unknown"));
}

#[test]
fn a_stretch_ahead_counted_from_the_letter_ends() {
    let text = "Over the next five years we will build 300 schools.";
    assert_eq!(severity(text, "the next five years", "2019-03-10", "2024-03-10"), None, "the last day");
    let f = about(&check(text, "2019-03-10", "2024-03-11"), "the next five years").unwrap();
    assert_eq!((f.kind, f.severity, f.since), (FindingKind::Deadline, Severity::Error, Some(d("2024-03-11"))));
}

#[test]
fn every_time_finding_of_a_free_letter_is_an_expression_timex_finds() {
    // Recognition lives in one place: each date, year, deadline and relative-phrase
    // finding on text no block matches is a `timex` expression (with the deadline word
    // before it). This letter names no term of Parliament and no election, which the
    // facts base resolves from phrases of their own.
    let text = std::fs::read_to_string("tests/letters/housing.txt").unwrap();
    let written = d("2023-03-03");
    let found = replydraft::timex::find(&text, written);
    let f = check(&text, "2023-03-03", "2026-11-22");
    let timed = ["date", "year", "deadline", "financial-year", "relative-phrase"];
    let mut seen = 0;
    for x in f.iter().filter(|x| timed.contains(&x.kind.to_string().as_str())) {
        let ok = found
            .iter()
            .any(|t| t.end == x.end && t.start >= x.start && text[x.start..t.start].split_whitespace().count() <= 1);
        assert!(ok, "{:?} is not a time expression", x.text);
        seen += 1;
    }
    assert!(seen >= 4, "{f:#?}");
}

#[test]
fn a_clock_time_without_a_day_is_no_date_and_a_part_of_a_day_is_kept_when_written_out() {
    // "at 9am" takes the letter's day only by TimeBank's convention: not a claim.
    for written in [Some("2026-01-05"), None] {
        let mut options = CheckOptions::new(d("2026-11-22"));
        options.written = written.map(d);
        let f = DESK.check("", "The surgery opens at 9am and closes at noon.", &options).findings;
        assert!(f.iter().all(|x| !x.text.contains("9am") && !x.text.contains("noon")), "{written:?}: {f:#?}");
    }
    let cases = [
        ("We met on Friday afternoon.", "Friday afternoon", "the afternoon of Friday 2 January 2026"),
        ("Last night the council met.", "Last night", "On the night of 4 January 2026"),
        ("I spoke to the Minister this morning.", "this morning", "on the morning of 5 January 2026"),
    ];
    for (text, expr, replacement) in cases {
        let f = about(&check(text, "2026-01-05", "2026-11-22"), expr).unwrap_or_else(|| panic!("{text}: no {expr}"));
        assert_eq!(f.replacement.as_deref(), Some(replacement), "{text}: {}", f.message);
    }
    // "Over the last week" usually means the seven days up to the letter, not the
    // calendar week before it: stale, but no certain rewrite. "Last week" is the week.
    let f = about(&check("Over the last week we met twice.", "2017-08-10", "2026-11-22"), "the last week").unwrap();
    assert_eq!((f.severity, f.replacement), (Severity::Error, None));
    // "Last week" is the week, but written out ("the week beginning 31 July 2017") its
    // own words "the week" read as a relative expression again: no certain rewrite.
    let f = about(&check("We met last week.", "2017-08-10", "2026-11-22"), "last week").unwrap();
    assert_eq!(f.replacement, None);
    assert_eq!(f.suggestion.as_deref(), Some("write the date it meant"));
    // A clock time on a weekday is kept as written: no certain rewrite.
    let f = about(&check("We met at 10am on Friday.", "2026-01-05", "2026-11-22"), "10am on Friday").unwrap();
    assert_eq!(f.replacement, None, "{}", f.message);
}

use proptest::prelude::Strategy;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 128, ..Default::default() })]

    /// Any time language, any dates, with or without the letter's date: no panic, and
    /// every finding quotes the letter on character boundaries.
    #[test]
    fn any_time_language_is_judged_without_panic(
        words in proptest::collection::vec(proptest::prop_oneof![
            proptest::string::string_regex("[A-Za-z0-9 ,.'/\u{2013}-]{0,10}").unwrap(),
            proptest::sample::select(vec!["over the next", "over the past", "the last", "within", "by", "until",
                "since", "99999999999", "20000", "days ago", "years", "months", "weeks", "last year", "now", "shortly",
                "soon", "recently", "this Parliament", "this session", "at 9am", "at noon", "on Friday afternoon",
                "2024-25", "March 2023", "between 2022 and", "from April 2024 to", "will", "was", "is due to", "İ",
                "ẞ", "\n\n", "."]).prop_map(String::from),
        ], 0..30),
        written in proptest::option::of(-3_000i64..3_000),
        later in 0i64..5_000,
    ) {
        let text = words.join(" ");
        let base = d("2020-01-01");
        let written = written.map(|w| base.checked_add(jiff::Span::new().days(w)).unwrap());
        let mut options = CheckOptions::new(written.unwrap_or(base).checked_add(jiff::Span::new().days(later)).unwrap());
        options.written = written;
        for f in DESK.check("", &text, &options).findings {
            proptest::prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            proptest::prop_assert_eq!(&text[f.start..f.end], f.text.as_str());
        }
    }
}

#[test]
fn a_duration_after_which_something_holds_counts_back_from_the_letter() {
    // "After eight years of austerity", written 2018-06-01, meant 2010 to 2018: stale
    // once re-read more than four years on (half its size), an error after eight.
    let text = "After eight years of austerity, services are stretched.";
    assert_eq!(severity(text, "eight years", "2018-06-01", "2022-05-31"), None);
    assert_eq!(severity(text, "eight years", "2018-06-01", "2022-06-02"), Some(Severity::Warning));
    let f = about(&check(text, "2018-06-01", "2026-11-22"), "eight years").unwrap();
    assert_eq!((f.kind, f.severity), (FindingKind::RelativePhrase, Severity::Error));
    assert!(f.message.contains("2010-06-01 to 2018-06-01"), "{}", f.message);
    assert_eq!(f.replacement, None, "the words cannot be written out as years with certainty");
    // A duration that does not count from the letter's date is left alone.
    assert_eq!(severity("We have frozen fees for two years.", "two years", "2018-06-01", "2026-11-22"), None);
}

/// `text` with every certain replacement applied, checked at the given dates.
fn fixed(text: &str, written: &str, date: &str) -> String {
    let mut options = CheckOptions::new(d(date));
    options.written = Some(d(written));
    DESK.check("", text, &options).fixed(text).0
}

#[test]
fn a_certain_replacement_covers_the_whole_time_expression() {
    // "The year before" is anchored by "before", outside the span "the year": written
    // out alone it would name another year.
    let text = "It happened last year, or perhaps the year before.";
    let f = about(&check(text, "2022-07-01", "2026-11-22"), "the year").unwrap();
    assert_eq!(f.replacement, None, "{}", f.message);
    assert_eq!(fixed(text, "2022-07-01", "2026-11-22"), "It happened in 2021, or perhaps the year before.");
    // Two expressions that make one time ("two years ago today") are one or neither.
    for text in ["Two years ago today we opened the centre.", "We met on Friday last week."] {
        let stale: Vec<Finding> =
            check(text, "2022-07-01", "2026-11-22").into_iter().filter(|f| f.severity != Severity::Info).collect();
        assert!(!stale.is_empty() && stale.iter().all(|f| f.replacement.is_none()), "{text}: {stale:#?}");
        assert_eq!(fixed(text, "2022-07-01", "2026-11-22"), text);
    }
}

#[test]
fn a_relative_expression_used_as_a_noun_is_not_written_out_as_an_adverb() {
    let on = |text: &str| fixed(text, "2022-07-01", "2026-11-22");
    // The subject of a verb: the date alone.
    assert_eq!(on("Last year was difficult for many families."), "2021 was difficult for many families.");
    assert_eq!(on("Yesterday was a good day."), "30 June 2022 was a good day.");
    // A possessive, an object, one of two joined expressions: nothing certain.
    for text in [
        "Last year's report showed a rise.",
        "We spent last year working on the plan.",
        "Last year and this year we met twice.",
        "I met the Minister today about the plan.",
    ] {
        assert_eq!(on(text), text);
        let stale = check(text, "2022-07-01", "2026-11-22").into_iter().filter(|f| f.severity != Severity::Info);
        assert!(stale.count() > 0, "{text}: still reported");
    }
    // An adverbial is written out with its preposition.
    assert_eq!(on("Last year, the council spent £4 million."), "In 2021, the council spent £4 million.");
    assert_eq!(on("The council spent £4 million last year."), "The council spent £4 million in 2021.");
    assert_eq!(on("However, as we said last year, costs rose."), "However, as we said in 2021, costs rose.");
    assert_eq!(on("Between 2019 and last year costs rose."), "Between 2019 and 2021 costs rose.");
    // A present claim about the day it was written needs rewriting, not just its date.
    assert_eq!(on("Today we are consulting on the plan."), "Today we are consulting on the plan.");
}

#[test]
fn quoted_words_are_reported_but_never_rewritten() {
    for text in [
        "You wrote: \"Last year the council did nothing.\"",
        "\u{201c}Last year the council did nothing,\u{201d} you said.",
        "You said \u{2018}last year the council did nothing\u{2019} in your letter.",
        "> Last year the council did nothing.\n\nThank you for your email.",
    ] {
        let findings = check(text, "2022-07-01", "2026-11-22");
        let f = findings.iter().find(|f| f.text.eq_ignore_ascii_case("last year")).unwrap();
        assert_ne!(f.severity, Severity::Info, "{text}: still reported");
        assert_eq!(f.replacement, None, "{text}");
        assert_eq!(fixed(text, "2022-07-01", "2026-11-22"), text);
    }
    // Outside the quotation the letter's own words are written out.
    let text = "You wrote: \u{201c}Last year the council did nothing.\u{201d} Last year we met twice.";
    let expected = "You wrote: \u{201c}Last year the council did nothing.\u{201d} In 2021 we met twice.";
    assert_eq!(fixed(text, "2022-07-01", "2026-11-22"), expected);
    // An apostrophe is no quotation mark.
    let text = "The council\u{2019}s plan was set out last year.";
    assert_eq!(fixed(text, "2022-07-01", "2026-11-22"), "The council\u{2019}s plan was set out in 2021.");
}
