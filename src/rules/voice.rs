//! The signer's own voice: once the signer is found out of office, the first-person
//! clauses that speak from the office ([`crate::voice`] recognises them).

use super::{About, Category, Context, Findings, Pass, Rule};
use crate::finding::{Finding, FindingKind, Severity};

/// The signer's voice ([`Pass::voice`]).
pub(crate) struct Voice;

impl Rule for Voice {
    fn about(&self) -> About {
        About::new("voice", Category::Voice).reading_reviewed()
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        Pass { cx, findings }.voice()
    }
}

impl Pass<'_, '_> {
    /// The signer's own voice: when the letter's signer is out of office (an error found
    /// by [`super::officeholders`] or [`super::seats`]), every first-person clause that
    /// speaks from the office ([`crate::voice`]) is an error too.
    /// A signer given or read from a byline ([`super::Signer`]) who has left the office
    /// the letter speaks from is found out of office here when no name of theirs in the
    /// letter was: where the byline names them, or else at the letter's start.
    fn voice(&mut self) {
        let found = self.findings.list.iter().find(|f| f.kind == FindingKind::Signer && f.severity == Severity::Error);
        let signer = match (found, &self.signer.out) {
            (Some(f), _) => f.clone(),
            (None, Some((message, since, successor))) => {
                let at = self.signer.at.filter(|&(s, e)| self.free(s, e)).unwrap_or((0, 0));
                let f = Finding {
                    since: *since,
                    suggestion: successor.clone(),
                    ..Finding::at(self.text, at, Severity::Error, FindingKind::Signer, message.clone())
                };
                self.findings.list.push(f.clone());
                f
            }
            (None, None) => return,
        };
        let mut found = crate::voice::findings(self.text, &signer);
        // Still in Parliament for another seat: only what speaks for the seat left.
        let only = &self.signer.only_naming;
        if !only.is_empty() {
            found.retain(|f| only.iter().any(|n| f.text.to_ascii_lowercase().contains(n.as_str())));
        }
        for f in found {
            self.findings.taken.insert(f.start, f.end);
            self.findings.list.push(f);
        }
    }
}
