//! Time expressions ("last year", "by May", "2024-25"): recognised by [`crate::timex`]
//! and judged by [`crate::judge`], on another core beside the rules before this one.

use super::{About, Category, Context, Findings, Pass, Rule};

/// Time expressions ([`Pass::expressions`]).
pub(crate) struct Expressions;

impl Rule for Expressions {
    fn about(&self) -> About {
        About::new("expressions", Category::Time).reading_judged()
    }

    fn find(&self, cx: &Context<'_>, findings: &mut Findings) {
        Pass { cx, findings }.expressions()
    }
}

impl Pass<'_, '_> {
    /// Every other time expression, judged by its clause and re-read on the date: as
    /// [`crate::judge::judge`] judged them (on another core, while the rules before this
    /// one ran), where nothing else has been reported.
    fn expressions(&mut self) {
        for f in std::mem::take(&mut self.findings.judged) {
            if self.free(f.start, f.end) {
                self.findings.taken.insert(f.start, f.end);
                self.findings.list.push(f);
            }
        }
    }
}
