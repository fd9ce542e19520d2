//! Drafting: letters from topics and blocks, golden files, the current editions, JSON types, determinism.

mod current_editions;
mod determinism;
mod draft;
mod golden;
mod json_types;
