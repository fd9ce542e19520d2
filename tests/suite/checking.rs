//! Checking letters: matching, claims, tracked entities, the judgement of time expressions, suggest.

mod anchoring;
mod big_letters;
mod check;
mod claims;
mod entities;
mod false_findings;
mod judgement;
mod matching_exact;
mod suggest;
mod time_sensitive;
