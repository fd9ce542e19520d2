//! Property tests: drafts checked back find their blocks; finding spans are exact
//! and never split a character; merge values are data; certain replacements, applied,
//! check clean and keep the sentence's other words.

use proptest::prelude::*;
use replydraft::{CheckOptions, Desk, DraftRequest, Format, Library, parse_date};
use std::sync::LazyLock;

static DESK: LazyLock<Desk> = LazyLock::new(|| Desk::new(Library::embedded().unwrap()));

fn topic_and_extras() -> impl Strategy<Value = (String, Vec<String>)> {
    let topics: Vec<String> = DESK.library().topics().iter().map(|t| t.id.clone()).collect();
    let blocks: Vec<String> = DESK.library().blocks().iter().map(|b| b.id.clone()).collect();
    (prop::sample::select(topics), prop::collection::vec(prop::sample::select(blocks), 0..3))
}

/// Names and field values: letters, punctuation, quotes, markup and right-to-left marks.
fn value() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿ' .,&<>\"{}\u{200f}\u{202e}-]{1,40}".prop_map(|s| {
        let t = s.trim().to_string();
        if t.chars().any(char::is_alphanumeric) { t } else { format!("A{t}") }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_rendered_draft_checked_back_maps_every_block_paragraph_to_its_block(
        (topic, extras) in topic_and_extras(),
        name in value(),
        org in value(),
        day in 0i64..2000,
    ) {
        let date = parse_date("2021-01-01").unwrap().checked_add(jiff::Span::new().days(day)).unwrap();
        let mut request = DraftRequest::new(topic, date);
        request.include = extras;
        request.recipient.name = Some(name);
        request.recipient.fields.insert("organisation".into(), org);
        request.recipient.fields.insert("letter_date".into(), "17th December".into());
        let draft = DESK.draft(&request).unwrap();
        let report = DESK.check("draft", &draft.text, &CheckOptions::new(date));
        // Every paragraph inside a top-level block's span is found again, as that block.
        // (A block made only of merge fields, like a contact footer, has no wording to recognise.)
        for span in draft.blocks.iter().filter(|b| b.parent.is_none() && literal_words(&b.id) >= 4) {
            for p in report.paragraphs.iter().filter(|p| p.start >= span.start && p.end <= span.end) {
                let words = replydraft::text::bare_words(&draft.text[p.start..p.end]).len();
                if words < 4 { continue; }
                prop_assert_eq!(p.block.as_deref(), Some(span.id.as_str()), "paragraph {:?}", &draft.text[p.start..p.end]);
                prop_assert_eq!(p.similarity, 1.0);
            }
        }
    }

    #[test]
    fn finding_spans_lie_in_the_text_and_quote_it_exactly(text in "(?s).{0,600}", extra in prop::sample::select(vec![
        "", "by the end of 2023", "later this year", "2024-25", "Rishi Sunak, Prime Minister", "12 March 2022\n\n",
        "now", "\u{2019}s", "é\u{200f}", "We will publish it by 2024/25.",
    ])) {
        let input = format!("{extra}{text}{extra}");
        let report = DESK.check("p", &input, &CheckOptions::new(parse_date("2026-11-22").unwrap()));
        for f in &report.findings {
            prop_assert!(f.start <= f.end && f.end <= input.len());
            prop_assert!(input.is_char_boundary(f.start) && input.is_char_boundary(f.end));
            prop_assert_eq!(&input[f.start..f.end], f.text.as_str());
        }
        for p in &report.paragraphs {
            prop_assert!(input.is_char_boundary(p.start) && input.is_char_boundary(p.end) && p.start < p.end);
        }
    }

    #[test]
    fn merge_values_are_kept_in_text_and_escaped_in_html(name in value()) {
        let mut request = DraftRequest::new("care-funding", parse_date("2022-08-16").unwrap());
        request.recipient.name = Some(name.clone());
        let text = DESK.draft(&request).unwrap().text;
        let dear = format!("Dear {name},");
        prop_assert!(text.contains(&dear));
        request.format = Format::Html;
        let html = DESK.draft(&request).unwrap().text;
        let escaped = format!("Dear {},", handlebars_escape(&name));
        prop_assert!(html.contains(&escaped));
        if name.contains('<') {
            prop_assert!(!html.contains(&dear));
        }
    }
}

/// Sentences with a time phrase (`{p}`, or `{P}` capitalised) in one syntactic slot:
/// an adverbial at the start or the end of a clause, a subject, a possessive, an
/// object, the object of a preposition, beside another expression, inside a quotation.
const SLOTS: [&str; 16] = [
    "{P} the council spent £4 million on the roads.",
    "{P}, the council spent £4 million.",
    "{P} was difficult for many families.",
    "{P}'s report showed a rise.",
    "The council spent £4 million {p}.",
    "We spent {p} working on the plan.",
    "Prices have risen since {p}.",
    "I met the Minister {p} about the plan.",
    "It happened {p}, or perhaps the year before.",
    "{P} today we opened the centre.",
    "You wrote: \"{P} the council did nothing.\"",
    "> {P} the council did nothing.\n",
    "Between 2019 and {p} costs rose.",
    "I am pleased that {p} we are consulting on it.",
    "{P} we will publish the plan.",
    "However, as the reviews set out {p}, the system is failing.",
];

const PHRASES: [&str; 16] = [
    "last year",
    "this year",
    "last month",
    "last week",
    "yesterday",
    "today",
    "two years ago",
    "six months ago",
    "this morning",
    "last night",
    "on Friday",
    "last summer",
    "the past two years",
    "earlier this month",
    "next year",
    "in March",
];

fn sentence() -> impl Strategy<Value = String> {
    (prop::sample::select(&SLOTS[..]), prop::sample::select(&PHRASES[..])).prop_map(|(slot, phrase)| {
        let mut chars = phrase.chars();
        let upper = chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str());
        slot.replace("{p}", phrase).replace("{P}", &upper)
    })
}

/// The words of `text` outside the byte spans `spans` (in order, not overlapping).
fn words_outside(text: &str, spans: &[(usize, usize)]) -> Vec<String> {
    let mut at = 0;
    let mut out = Vec::new();
    for &(s, e) in spans {
        out.extend(text[at..s].split_whitespace().map(String::from));
        at = e;
    }
    out.extend(text[at..].split_whitespace().map(String::from));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every certain replacement, applied, checks clean at the same dates (nothing stale
    /// and nothing more to write out where it stands), and every other word of the
    /// letter is kept, in order.
    #[test]
    fn certain_replacements_applied_check_clean_and_keep_the_other_words(
        sentences in prop::collection::vec(sentence(), 1..4),
        written in 0i64..3000,
        later in 0i64..4000,
    ) {
        let text = sentences.join(" ");
        let written = parse_date("2015-01-01").unwrap().checked_add(jiff::Span::new().days(written)).unwrap();
        let mut options = CheckOptions::new(written.checked_add(jiff::Span::new().days(later)).unwrap());
        options.written = Some(written);
        let report = DESK.check("", &text, &options);
        let (fixed, applied) = report.fixed(&text);
        let old: Vec<(usize, usize)> = applied.iter().map(|f| (f.start, f.end)).collect();
        let mut new = Vec::new();
        let mut shift = 0isize;
        for f in &applied {
            let r = f.replacement.as_deref().unwrap();
            let start = f.start.checked_add_signed(shift).unwrap();
            new.push((start, start + r.len()));
            prop_assert_eq!(&fixed[start..start + r.len()], r);
            shift += r.len() as isize - (f.end - f.start) as isize;
        }
        prop_assert_eq!(words_outside(&text, &old), words_outside(&fixed, &new), "{} -> {}", text, fixed);
        let again = DESK.check("", &fixed, &options);
        for f in &again.findings {
            let on_a_fix = new.iter().any(|&(s, e)| f.start < e && s < f.end);
            prop_assert!(
                !on_a_fix || f.severity == replydraft::Severity::Info && f.replacement.is_none(),
                "{:?} -> {:?}: {:?}", text, fixed, f
            );
        }
    }
}

/// The words of a block's template outside `{{...}}`.
fn literal_words(id: &str) -> usize {
    let text = &DESK.library().block(id).unwrap().text;
    let mut literal = String::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find("{{") {
        literal.push_str(&rest[..open]);
        literal.push(' ');
        rest = rest[open..].find("}}").map_or("", |c| &rest[open + c + 2..]);
    }
    literal.push_str(rest);
    replydraft::text::bare_words(&literal).len()
}

/// What HTML output must turn a value into.
fn handlebars_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '&' => "&amp;".to_string(),
            '\'' => "&#x27;".to_string(),
            '`' => "&#x60;".to_string(),
            '=' => "&#x3D;".to_string(),
            c => c.to_string(),
        })
        .collect()
}
