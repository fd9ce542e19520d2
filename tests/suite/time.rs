//! Time expressions (`timex`), against TimeBank-style cases.

mod expressions;
