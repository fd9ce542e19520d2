//! What the commands share for printing: counts in words, notices on standard error,
//! the progress bar, and standard output's errors.

use replydraft::{Error, Library, STREAM};
use std::path::Path;

/// An error writing to standard output.
pub fn stdout_error(e: std::io::Error) -> Error {
    Error::Io { path: STREAM.into(), source: e }
}

/// A spinner on standard error (hidden when it is not a terminal).
pub fn progress(what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {pos} {msg} ({per_sec}, {elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
}

/// "1 letter", "2 letters".
pub fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// On stderr, when `date` is after the facts base's `known_to`: who holds an office
/// past the time its facts are assumed to hold is not known (such findings are
/// warnings, never "fine"; `replydraft facts` lists each source's date).
pub fn facts_notice(library: &Library, date: replydraft::Date) {
    if let Some(known) = library.facts().unknown_since(date) {
        eprintln!(
            "replydraft: facts known to {known}; judged at {date}: office holders past how long their facts hold are unverified (see `replydraft facts`)"
        );
    }
}

/// "4 topics", or "4 topics (8 editions)" when some topic has more than one edition.
pub fn topic_count(library: &Library) -> String {
    let (topics, editions) = (library.latest_topics().count(), library.topics().len());
    if editions > topics { format!("{} ({editions} editions)", count(topics, "topic")) } else { count(topics, "topic") }
}

/// The directory a file is written in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Removes the temporary files that killed runs left in `dir`, saying so.
pub fn sweep(dir: &Path) {
    for p in replydraft::cli::remove_stale_temps(dir) {
        removed(&p);
    }
}

/// Says that a killed run's temporary file was removed.
pub fn removed(path: &Path) {
    eprintln!("replydraft: removed {}, left by an interrupted run", path.display());
}
