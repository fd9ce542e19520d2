//! Writing files safely: every output is written to an exclusive temporary file with
//! a random name in the target's directory and moved into place only when complete;
//! nothing is overwritten unless asked; devices and pipes are written through; a
//! symbolic link is never followed or replaced; walks of directories skip what is not
//! a regular file and never loop. A new file's mode follows the umask (as a file
//! created in place would: 0644 under umask 022); a replaced file keeps its mode.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How this tool's temporary files and staging directories begin: `.replydraft-PID-`,
/// so that a later run can recognise (and remove) the ones a killed run left behind.
pub const TEMP_PREFIX: &str = ".replydraft-";

fn temp_prefix() -> String {
    format!("{TEMP_PREFIX}{}-", std::process::id())
}

fn dir_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// What stands at an output path.
enum Target {
    /// Nothing.
    Absent,
    /// A regular file.
    File,
    /// A device, a pipe or a socket: written through, never replaced.
    Special,
    /// A symbolic link: refused.
    Link,
}

fn target(path: &Path) -> Result<Target> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::Absent),
        Err(e) => Err(Error::io(path.display(), e)),
        Ok(m) if m.file_type().is_symlink() => Ok(Target::Link),
        Ok(m) if m.is_file() => Ok(Target::File),
        Ok(m) if m.is_dir() => Err(Error::Request(format!("{}: is a directory", path.display()))),
        Ok(_) => Ok(Target::Special),
    }
}

fn refuse(path: &Path, overwrite: bool) -> Error {
    if overwrite {
        Error::Request(format!("{}: is a symbolic link; name the file it points to", path.display()))
    } else {
        Error::Request(format!("{}: exists already (use --force to overwrite)", path.display()))
    }
}

/// Gives `file` (about to replace `path`) the mode of the file at `path`.
fn keep_mode(path: &Path, file: &File) -> Result<()> {
    let mode = std::fs::metadata(path).map_err(|e| Error::io(path.display(), e))?.permissions();
    file.set_permissions(mode).map_err(|e| Error::io(path.display(), e))
}

/// An output file being written: a temporary file beside the target, moved into place
/// by [`AtomicFile::commit`]; dropped without a commit, it leaves nothing behind. A
/// device or a pipe (`/dev/null`, `/dev/stdout`) is written directly instead.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("out.jsonl");
/// let mut f = replydraft::cli::AtomicFile::create(&path, false).unwrap();
/// f.write_all(b"{}\n").unwrap();
/// f.commit().unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
/// // Without `overwrite`, an existing file is never replaced.
/// assert!(replydraft::cli::AtomicFile::create(&path, false).is_err());
/// ```
pub struct AtomicFile {
    path: PathBuf,
    overwrite: bool,
    inner: Inner,
}

enum Inner {
    Temp(std::io::BufWriter<tempfile::NamedTempFile>),
    Direct(std::io::BufWriter<File>),
}

impl AtomicFile {
    /// Starts writing `path`. Without `overwrite`, an existing file is an error now and
    /// at [`AtomicFile::commit`] (if one appeared meanwhile). A symbolic link is refused.
    pub fn create(path: &Path, overwrite: bool) -> Result<AtomicFile> {
        let inner = match target(path)? {
            Target::Link => return Err(refuse(path, overwrite)),
            Target::File if !overwrite => return Err(refuse(path, false)),
            Target::Special => {
                let f = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path.display(), e))?;
                Inner::Direct(std::io::BufWriter::with_capacity(1 << 20, f))
            }
            existing @ (Target::Absent | Target::File) => {
                let prefix = temp_prefix();
                let mut builder = tempfile::Builder::new();
                builder.prefix(&prefix).suffix(".tmp");
                // Created as `open(2)` creates a file, 0666 less the umask (not
                // tempfile's 0600, which would hide the office's letters from colleagues).
                #[cfg(unix)]
                builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
                let tmp = builder.tempfile_in(dir_of(path)).map_err(|e| Error::io(path.display(), e))?;
                if let Target::File = existing {
                    keep_mode(path, tmp.as_file())?;
                }
                Inner::Temp(std::io::BufWriter::with_capacity(1 << 20, tmp))
            }
        };
        Ok(AtomicFile { path: path.to_path_buf(), overwrite, inner })
    }

    /// The temporary file's path, if there is one (for removal on a signal).
    pub fn temp_path(&self) -> Option<&Path> {
        match &self.inner {
            Inner::Temp(w) => Some(w.get_ref().path()),
            Inner::Direct(_) => None,
        }
    }

    /// Finishes the file and moves it into place. An I/O error names the target.
    pub fn commit(self) -> Result<()> {
        let io = |e: std::io::Error| Error::io(self.path.display(), e);
        match self.inner {
            Inner::Direct(mut w) => w.flush().map_err(io),
            Inner::Temp(w) => {
                let tmp = w.into_inner().map_err(|e| io(e.into_error()))?;
                tmp.as_file().sync_data().map_err(io)?;
                if !self.overwrite {
                    return tmp.persist_noclobber(&self.path).map(drop).map_err(|e| {
                        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                            refuse(&self.path, false)
                        } else {
                            io(e.error)
                        }
                    });
                }
                if let Target::Link = target(&self.path)? {
                    return Err(refuse(&self.path, true));
                }
                tmp.persist(&self.path).map(drop).map_err(|e| io(e.error))
            }
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.inner {
            Inner::Temp(w) => w.write(buf),
            Inner::Direct(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.inner {
            Inner::Temp(w) => w.write_all(buf),
            Inner::Direct(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.inner {
            Inner::Temp(w) => w.flush(),
            Inner::Direct(w) => w.flush(),
        }
    }
}

/// Writes `bytes` to `path` atomically (see [`AtomicFile`]). Without `overwrite`, an
/// existing file is an error and is left untouched.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let mut f = AtomicFile::create(path, overwrite)?;
    f.write_all(bytes).map_err(|e| Error::io(path.display(), e))?;
    f.commit()
}

/// An exclusive lock on the file at `path`, held until the returned handle is dropped:
/// runs that edit one file in place (read, change, replace) take it in turn. A file
/// replaced by [`write_atomic`] is a new file, so the lock is taken again when the
/// file locked is no longer the one at `path` (a run waiting on it reads the new one).
/// (Elsewhere than Unix, no lock is taken.)
pub(crate) fn lock(path: &Path) -> Result<File> {
    loop {
        let file = File::open(path).map_err(|e| Error::io(path.display(), e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
                .map_err(|e| Error::io(path.display(), e.into()))?;
            let locked = file.metadata().map_err(|e| Error::io(path.display(), e))?;
            let current = std::fs::metadata(path).map_err(|e| Error::io(path.display(), e))?;
            if (locked.dev(), locked.ino()) != (current.dev(), current.ino()) {
                continue;
            }
        }
        return Ok(file);
    }
}

/// A staging directory inside `dir` for all-or-nothing runs: files are written into it
/// and moved into `dir` by [`Staging::commit`]; dropped without a commit, it is removed
/// with everything in it.
pub struct Staging {
    dir: PathBuf,
    staged: tempfile::TempDir,
    names: Vec<std::ffi::OsString>,
}

impl Staging {
    /// A new staging directory inside `dir`.
    pub fn new(dir: &Path) -> Result<Staging> {
        let staged =
            tempfile::Builder::new().prefix(&temp_prefix()).tempdir_in(dir).map_err(|e| Error::io(dir.display(), e))?;
        Ok(Staging { dir: dir.to_path_buf(), staged, names: Vec::new() })
    }

    /// The staging directory's path.
    pub fn path(&self) -> &Path {
        self.staged.path()
    }

    /// Writes a file named `name` into the staging directory.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.staged.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io(path.display(), e))?;
        self.names.push(name.into());
        Ok(())
    }

    /// Moves every staged file into place. Without `overwrite`, nothing is moved if any
    /// target exists already.
    pub fn commit(self, overwrite: bool) -> Result<()> {
        for n in &self.names {
            let to = self.dir.join(n);
            match target(&to)? {
                Target::Absent => {}
                Target::File if overwrite => {}
                Target::Link | Target::Special => return Err(refuse(&to, true)),
                Target::File => return Err(refuse(&to, false)),
            }
        }
        for n in &self.names {
            let (from, to) = (self.staged.path().join(n), self.dir.join(n));
            let moved = if overwrite {
                if let Target::File = target(&to)? {
                    keep_mode(&to, &File::open(&from).map_err(|e| Error::io(from.display(), e))?)?;
                }
                std::fs::rename(&from, &to)
            } else {
                std::fs::hard_link(&from, &to).and_then(|()| std::fs::remove_file(&from))
            };
            moved.map_err(|e| Error::io(to.display(), e))?;
        }
        Ok(())
    }
}

/// Removes the temporary files and staging directories that runs of this tool killed
/// before they could clean up (SIGKILL, a full disk) left in `dir`: names starting
/// [`TEMP_PREFIX`] and the process id of a process that no longer runs (where the
/// system says which processes run) or older than a day. Returns what was removed.
pub fn remove_stale_temps(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return removed };
    let proc_fs = Path::new("/proc/self").exists();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = name.strip_prefix(TEMP_PREFIX).and_then(|r| r.split('-').next()) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let stale = if proc_fs {
            pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|a| a.as_secs() > 86_400))
        };
        if !stale {
            continue;
        }
        let path = e.path();
        let gone = match e.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
        if gone.is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// Files found by [`walk`], and what was passed over with why.
#[derive(Debug, Default, Clone)]
pub struct Walk {
    /// Regular files, sorted.
    pub files: Vec<PathBuf>,
    /// Entries passed over (not regular files, loops), with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Walks `inputs`: directories recursively (symbolic links followed, each directory
/// visited once, so a link loop ends), keeping regular files for which `keep` is true;
/// hidden entries (names starting with `.`), FIFOs, sockets, devices and unreadable
/// directories inside them are passed over with the reason (a file named directly is
/// taken as given). Sorted, for deterministic output.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("a.txt"), "Dear Ann").unwrap();
/// #[cfg(unix)]
/// std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
/// let w = replydraft::walk(&[dir.path().to_path_buf()], &|_| true).unwrap();
/// assert_eq!(w.files.len(), 1);
/// ```
pub fn walk(inputs: &[PathBuf], keep: &dyn Fn(&Path) -> bool) -> Result<Walk> {
    fn visit(
        dir: &Path,
        keep: &dyn Fn(&Path) -> bool,
        seen: &mut std::collections::HashSet<PathBuf>,
        out: &mut Walk,
    ) -> Result<()> {
        let real = std::fs::canonicalize(dir).map_err(|e| Error::io(dir.display(), e))?;
        if !seen.insert(real) {
            out.skipped.push((dir.to_path_buf(), "a directory already visited (a link loop?)".into()));
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir.display(), e))?
            .map(|e| e.map(|e| e.path()).map_err(|e| Error::io(dir.display(), e)))
            .collect::<Result<_>>()?;
        entries.sort();
        for p in entries {
            // Hidden entries (`.DS_Store`, `.git`) are not letters or library files.
            if p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                out.skipped.push((p, "hidden".into()));
                continue;
            }
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => {
                    if let Err(e) = visit(&p, keep, seen, out) {
                        out.skipped.push((p, e.to_string()));
                    }
                }
                Ok(m) if m.is_file() => {
                    if keep(&p) {
                        out.files.push(p);
                    }
                }
                Ok(_) => out.skipped.push((p, "not a regular file (a pipe, socket or device)".into())),
                Err(e) => out.skipped.push((p, format!("cannot be read: {e}"))),
            }
        }
        Ok(())
    }
    let mut out = Walk::default();
    for i in inputs {
        // Each input is walked on its own: a directory named twice is read twice.
        let mut seen = std::collections::HashSet::new();
        // A path named directly must exist; what it is, is the caller's choice.
        let meta = std::fs::metadata(i).map_err(|e| Error::io(i.display(), e))?;
        if meta.is_dir() {
            visit(i, keep, &mut seen, &mut out)?;
        } else {
            out.files.push(i.clone());
        }
    }
    out.files.sort();
    Ok(out)
}

/// A letter read from a file's bytes: its text, who sent it, and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Letter {
    /// The text: an email's body (its plain-text part, or its HTML part as text);
    /// otherwise the whole file, decoded.
    pub text: String,
    /// An email's sender, as `Name <address>` (or the address alone).
    pub from: Option<String>,
    /// An email's subject.
    pub subject: Option<String>,
    /// The encoding the file was decoded from, when it was not UTF-8 (`windows-1252`).
    pub encoding: Option<String>,
}

/// Header names that open an email file.
const EMAIL_HEADERS: &[&str] =
    &["return-path:", "received:", "from:", "mime-version:", "delivered-to:", "message-id:", "date:", "to:"];

/// Reads a letter from `bytes` (`name` says where they came from): an email (`.eml`, or
/// text that opens with mail headers) is parsed and its body decoded (quoted-printable,
/// base64, any charset); other text is taken as UTF-8 when it is, by its byte-order
/// mark when it has one (UTF-16), and otherwise decoded from the legacy encoding it
/// most likely is (`windows-1252` for most office files). A file with NUL bytes in it
/// is not text: an error.
///
/// ```
/// let l = replydraft::read_letter("old.txt", b"Dear Ann,\n\nThe council\x92s plan costs \x80400.\n").unwrap();
/// assert!(l.text.contains("council\u{2019}s plan costs \u{20AC}400"));
/// assert_eq!(l.encoding.as_deref(), Some("windows-1252"));
///
/// let mail = b"From: Ann Lee <ann@example.org>\r\nSubject: Care\r\nContent-Type: text/plain; charset=utf-8\r\n\
/// Content-Transfer-Encoding: quoted-printable\r\n\r\nI=E2=80=99m writing about kinship care.\r\n";
/// let l = replydraft::read_letter("msg.eml", mail).unwrap();
/// assert_eq!(l.text.trim(), "I\u{2019}m writing about kinship care.");
/// assert_eq!(l.from.as_deref(), Some("Ann Lee <ann@example.org>"));
/// ```
pub fn read_letter(name: &str, bytes: &[u8]) -> Result<Letter> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) && encoding_rs::Encoding::for_bom(bytes).is_none() {
        return Err(Error::Request(format!("{name}: not text (it holds NUL bytes)")));
    }
    let first_line = head.split(|b| *b == b'\n').find(|l| !l.trim_ascii().is_empty()).unwrap_or(&[]);
    let looks_like_mail =
        EMAIL_HEADERS.iter().any(|h| first_line.get(..h.len()).is_some_and(|p| p.eq_ignore_ascii_case(h.as_bytes())));
    if name.to_ascii_lowercase().ends_with(".eml") || looks_like_mail {
        if let Some(message) = mail_parser::MessageParser::default().parse(bytes) {
            if let Some(body) = message.body_text(0) {
                let from = message.from().and_then(|a| a.first()).map(|a| match (a.name(), a.address()) {
                    (Some(n), Some(addr)) => format!("{n} <{addr}>"),
                    (None, Some(addr)) => addr.to_string(),
                    (Some(n), None) => n.to_string(),
                    (None, None) => String::new(),
                });
                let subject = message.subject().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
                return Ok(Letter {
                    text: body.into_owned(),
                    from: from.filter(|f| !f.is_empty()),
                    subject,
                    encoding: None,
                });
            }
        }
    }
    let (text, encoding) = decode(bytes);
    Ok(Letter { text, from: None, subject: None, encoding })
}

/// `bytes` as text: UTF-8 as it is (a byte-order mark dropped), a UTF-16 file by its
/// byte-order mark, anything else from the encoding most likely (named in the answer).
fn decode(bytes: &[u8]) -> (String, Option<String>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let name = (encoding != encoding_rs::UTF_8).then(|| encoding.name().to_ascii_lowercase());
        return (text.into_owned(), name);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), None);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    // The hint is the office's country: short texts are read as windows-1252, not a
    // look-alike code page.
    let encoding = detector.guess(Some(b"uk"), true);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), Some(encoding.name().to_ascii_lowercase()))
}
