//! The signer's own voice: first-person clauses that speak from the office a letter is
//! signed in ("I will continue to monitor…", "As a member of the committee, I…",
//! "I have raised this with the Minister"). When the signer no longer holds that office,
//! each of them is stale: the person who wrote them can no longer do what they say.
//! The clauses are recognised by the rules in `src/voice/rules.toml`.

use crate::finding::{Finding, FindingKind, Severity};
use crate::timex::rules::{RulesError, Source, Spanned};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::sync::LazyLock;

/// The rules file, compiled into the crate.
const RULES_TOML: &str = include_str!("voice/rules.toml");
const RULES_FILE: &str = "src/voice/rules.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    voice: VoiceFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoiceFile {
    patterns: Vec<Spanned<String>>,
    not_voice: Vec<String>,
}

/// The compiled rules.
#[derive(Debug)]
struct Rules {
    patterns: Vec<Regex>,
    not_voice: Vec<String>,
}

impl Rules {
    fn parse(text: &str) -> Result<Rules, RulesError> {
        let source = Source::new(RULES_FILE, text);
        let file: RulesFile = source.load()?;
        let patterns = file
            .voice
            .patterns
            .iter()
            .map(|p| {
                source.check(p, |p| RegexBuilder::new(&p.replace(r"\b", r"(?-u:\b)")).case_insensitive(true).build())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let not_voice = file.voice.not_voice.iter().map(|w| w.to_ascii_lowercase()).collect();
        Ok(Rules { patterns, not_voice })
    }
}

/// The rules. They are part of the crate (a test reads them), so a mistake in them is a
/// build defect, not bad input.
static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::parse(RULES_TOML).expect(RULES_FILE));

/// The clauses of `text` in the signer's own voice, as byte spans in text order.
pub(crate) fn clauses(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for re in &RULES.patterns {
        for c in re.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            if c.name("verb").is_some_and(|v| RULES.not_voice.contains(&v.as_str().to_ascii_lowercase())) {
                continue;
            }
            out.push((m.start(), m.end()));
        }
    }
    out.sort_unstable();
    // Overlapping clauses ("I will continue to" inside a longer one) keep the first.
    out.dedup_by(|b, a| b.0 < a.1);
    out
}

/// An error for each clause of `text` in the signer's own voice, when `signer` (a
/// signer finding) is an error: the signer no longer holds the office they speak from.
pub(crate) fn findings(text: &str, signer: &Finding) -> Vec<Finding> {
    if signer.kind != FindingKind::Signer || signer.severity != Severity::Error {
        return Vec::new();
    }
    clauses(text)
        .into_iter()
        .map(|(s, e)| {
            let message = format!("\"{}\" speaks from the signer's office; {}", &text[s..e], signer.message);
            Finding {
                since: signer.since,
                suggestion: Some(
                    "have the current office-holder sign it, or take out what the signer can no longer do".into(),
                ),
                ..Finding::at(text, (s, e), Severity::Error, FindingKind::SignerVoice, message)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_parse() {
        assert!(Rules::parse(RULES_TOML).is_ok());
        let e = Rules::parse("[voice]\npatterns = ['I will',\n  '(']\nnot_voice = []\n").unwrap_err();
        assert!(e.to_string().starts_with("src/voice/rules.toml:3:3: the pattern does not compile"), "{e}");
        let e = Rules::parse("[voice]\npatterns = []\nnot_voice = []\nnot_voices = []\n").unwrap_err();
        assert!(
            e.to_string().starts_with("src/voice/rules.toml:4:1: ") && e.to_string().contains("`not_voices`"),
            "{e}"
        );
    }

    #[test]
    fn first_person_office_work_is_found_and_courtesy_is_not() {
        let found = |t: &str| clauses(t).into_iter().map(|(s, e)| t[s..e].to_string()).collect::<Vec<_>>();
        assert_eq!(found("I will continue to closely monitor funding levels."), ["I will continue to closely monitor"]);
        assert_eq!(found("I can assure you that I will monitor the progress."), ["I will monitor"]);
        assert_eq!(
            found("As a member of the Education Committee, I am investigating this."),
            ["As a member of the Education Committee, I"]
        );
        assert_eq!(
            found("I have raised this matter with the Minister."),
            ["I have raised this matter with the Minister"]
        );
        assert_eq!(found("I am pressing the Treasury."), ["I am pressing"]);
        assert_eq!(found("Write again and I will gladly look into it."), ["I will gladly"]);
        // Roles held, the office's routine, the seat spoken for.
        assert_eq!(found("I am a Minister in the Department for Transport."), ["I am a Minister"]);
        assert_eq!(found("I sit on the Justice Committee."), ["I sit on"]);
        assert_eq!(found("I spend most of my week on casework."), ["I spend most of my"]);
        assert_eq!(found("I regularly visit our schools."), ["I regularly visit"]);
        assert_eq!(found("I meet local heads every month."), ["I meet local heads every month"]);
        assert_eq!(found("I share many Anytown constituents' worries."), ["I share many Anytown constituents"]);
        assert_eq!(found("Schools in my constituency will gain."), ["in my constituency"]);
        assert!(found("I see that you wrote last month. I know families who struggle every day.").is_empty());
        assert!(found("I will be happy to help. I hope this is useful. I am writing to you.").is_empty());
        assert!(found("The Minister will continue to monitor it.").is_empty());
    }
}
