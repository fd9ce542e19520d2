//! The signer's own voice: once the signer is found out of office, the first-person
//! clauses that speak from the office ([`crate::voice`] recognises them).

use super::{About, Category, Context, Findings, Pass, Rule};
use crate::finding::{FindingKind, Severity};

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
    fn voice(&mut self) {
        let Some(signer) =
            self.findings.list.iter().find(|f| f.kind == FindingKind::Signer && f.severity == Severity::Error)
        else {
            return;
        };
        let found = crate::voice::findings(self.text, &signer.clone());
        for f in found {
            self.findings.taken.insert(f.start, f.end);
            self.findings.list.push(f);
        }
    }
}
