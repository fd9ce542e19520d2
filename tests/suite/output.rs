//! What a caseworker receives: formats, Word and email in real programs, the command line's messages.

mod browser;
mod command_line;
mod formats;
