//! The integration tests, one binary (each test file a module, grouped by subject), so
//! that `cargo test` links the crate and its dependencies once.

mod common;
/// Synthetic libraries and letters, shared with the benches.
#[path = "../../benches/synth.rs"]
mod synth;

mod bad_input;
mod checking;
mod drafting;
mod facts;
mod output;
mod project;
mod register;
mod time;
mod workflow;
