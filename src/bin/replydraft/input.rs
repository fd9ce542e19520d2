//! Reading letters, messages and texts: files or standard input, decoded as the
//! library reads letters, saying on standard error what was decoded or passed over.

use crate::Failure;
use replydraft::Error;
use std::path::{Path, PathBuf};

/// The bytes of a file, or of standard input for `-` (saying so on a terminal).
pub fn read_bytes(path: &Path) -> Result<(String, Vec<u8>), Error> {
    let name = path.display().to_string();
    let bytes = if name == "-" {
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            eprintln!("replydraft: reading a letter from standard input; Ctrl-D to end");
        }
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Error::Io { path: name.clone(), source: e })?;
        buf
    } else {
        std::fs::read(path).map_err(|e| Error::Io { path: name.clone(), source: e })?
    };
    Ok((name, bytes))
}

pub fn read_input(path: &Path) -> Result<(String, String), Error> {
    let (name, bytes) = read_bytes(path)?;
    let text = letter_text(&name, &bytes)?;
    Ok((name, text))
}

/// The text of a letter or email (see `read_letter`), saying how it was decoded.
pub fn letter_text(name: &str, bytes: &[u8]) -> Result<String, Error> {
    let letter = replydraft::read_letter(name, bytes)?;
    if let Some(encoding) = &letter.encoding {
        eprintln!("replydraft: {name}: not UTF-8; read as {encoding}");
    }
    Ok(letter.text)
}

/// A text for `times`: UTF-8 as it is, so that offsets are the file's own; anything
/// else decoded as a letter is.
pub fn read_text(path: &Path) -> Result<String, Error> {
    if path.as_os_str() == "-" {
        return read_input(path).map(|(_, text)| text);
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Io { path: name.clone(), source: e })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => letter_text(&name, e.as_bytes()),
    }
}

/// The letters under `inputs`, saying what was passed over.
pub fn corpus_paths(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let found = replydraft::letter_paths(inputs)?;
    for (p, why) in &found.skipped {
        eprintln!("replydraft: {}: skipped: {why}", p.display());
    }
    Ok(found.files)
}

/// Reads letters of a corpus; one that cannot be read or is not text is passed over
/// with a warning instead of stopping the run (with `strict`, it stops the run).
pub fn read_corpus(paths: &[PathBuf], strict: bool) -> Result<Vec<(String, String)>, Failure> {
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        match read_input(p) {
            Ok(letter) => out.push(letter),
            Err(e) if strict => return Err(Failure::Hinted(e, " (--strict)")),
            Err(e) => eprintln!("replydraft: {e}; skipped"),
        }
    }
    Ok(out)
}
