//! Bad and hostile input: the corpus of cases, attacks through the library and the command, properties.

#[cfg(unix)]
mod command_attacks;
mod corpus;
mod library_attacks;
mod properties;
