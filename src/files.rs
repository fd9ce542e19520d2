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
        Ok(m) if m.is_dir() => Err(Error::Path { path: path.display().to_string(), problem: "is a directory".into() }),
        Ok(_) => Ok(Target::Special),
    }
}

fn refuse(path: &Path, overwrite: bool) -> Error {
    if overwrite {
        Error::Path {
            path: path.display().to_string(),
            problem: "is a symbolic link; name the file it points to".into(),
        }
    } else {
        Error::Exists { path: path.display().to_string() }
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
    /// The text: an email's body (its plain-text part, or its HTML part as a reader
    /// sees it: hidden elements left out, quoted parts as `> ` lines); otherwise the
    /// whole file, decoded.
    pub text: String,
    /// An email's sender, as `Name <address>` (or the address alone): the first
    /// mailbox of its first `From:` field, the one mail programs show.
    pub from: Option<String>,
    /// An email's `Reply-To:` (its first mailbox), where answers are to go.
    pub reply_to: Option<String>,
    /// Why who sent an email is in doubt, when it is: more than one `From:` field or
    /// mailbox, a `Sender:` that is not the `From:`, more than one `Reply-To:`.
    pub sender_conflict: Option<String>,
    /// An email's subject.
    pub subject: Option<String>,
    /// The encoding the file was decoded from, when it was not UTF-8 (`windows-1252`).
    pub encoding: Option<String>,
}

/// Header fields one of which, beside `From:`, makes a header block an email's.
const EMAIL_HEADERS: &[&str] = &["subject", "date", "to", "message-id", "mime-version"];

/// Whether `bytes` (from a file named `name`) are an email: a `.eml` file, or text
/// that opens with an RFC 5322 header block: header fields only (continuation lines
/// indented), a `From:` with an address in it and one of [`EMAIL_HEADERS`], then a
/// blank line. A memo that opens `Date: 1 July 2022` or `To: all staff` is a letter.
fn is_mail(name: &str, bytes: &[u8]) -> bool {
    if name.to_ascii_lowercase().ends_with(".eml") {
        return true;
    }
    let (mut from, mut other) = (false, false);
    for line in bytes[..bytes.len().min(1 << 16)].split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return from && other;
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            continue;
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else { return false };
        let field = &line[..colon];
        if field.is_empty() || !field.iter().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        let field = String::from_utf8_lossy(field).to_ascii_lowercase();
        from |= field == "from" && line[colon..].contains(&b'@');
        other |= EMAIL_HEADERS.contains(&field.as_str());
    }
    false
}

/// An email's mailbox as `Name <address>`, the address alone, or the name alone.
fn mailbox(a: &mail_parser::Addr) -> String {
    match (a.name(), a.address()) {
        (Some(n), Some(addr)) => format!("{n} <{addr}>"),
        (None, Some(addr)) => addr.to_string(),
        (Some(n), None) => n.to_string(),
        (None, None) => String::new(),
    }
}

/// Why who sent `message` is in doubt (see [`Letter::sender_conflict`]).
fn sender_conflict(message: &mail_parser::Message) -> Option<String> {
    use mail_parser::HeaderName;
    let fields = |h: HeaderName<'static>| message.header_values(h).filter_map(|v| v.as_address()).collect::<Vec<_>>();
    let boxes = |f: &[&mail_parser::Address]| f.iter().flat_map(|a| a.iter()).map(mailbox).collect::<Vec<_>>();
    let (from, sender, reply_to) = (fields(HeaderName::From), fields(HeaderName::Sender), fields(HeaderName::ReplyTo));
    let (from_boxes, reply_boxes) = (boxes(&from), boxes(&reply_to));
    if from.len() > 1 {
        return Some(format!(
            "it has {} From: fields ({}): mail programs show the first, answers would go to the last",
            from.len(),
            from_boxes.join("; ")
        ));
    }
    if from_boxes.len() > 1 {
        return Some(format!("its From: names more than one writer ({})", from_boxes.join("; ")));
    }
    let address = |f: &[&mail_parser::Address]| {
        f.first().and_then(|a| a.first()).and_then(|a| a.address()).map(|a| a.to_lowercase())
    };
    if let (Some(s), Some(f)) = (address(&sender), address(&from)) {
        if sender.len() > 1 || s != f {
            return Some(format!("its Sender: ({s}) is not its From: ({f})"));
        }
    }
    (reply_boxes.len() > 1).then(|| format!("its Reply-To: names more than one address ({})", reply_boxes.join("; ")))
}

/// `bytes` parsed as an email.
fn parse_mail(bytes: &[u8]) -> Option<mail_parser::Message<'_>> {
    mail_parser::MessageParser::default().parse(bytes)
}

/// An email's text body part, when it has one: (its index among the parts, its text).
fn mail_text(message: &mail_parser::Message) -> Option<(u32, String)> {
    let id = *message.text_body.first()?;
    match &message.part(id)?.body {
        mail_parser::PartType::Text(text) => Some((id, text.to_string())),
        mail_parser::PartType::Html(html) => Some((id, html_text(html))),
        _ => None,
    }
}

/// Reads a letter from `bytes` (`name` says where they came from): an email (see
/// [`is_mail`]: a `.eml` file, or text that opens with a header block) is parsed and
/// its body decoded (quoted-printable, base64, any charset); other text is taken as
/// UTF-8 when it is, by its byte-order mark when it has one (UTF-16), and otherwise
/// decoded from the legacy encoding it most likely is (`windows-1252` for most office
/// files). A file with NUL bytes in it is not text: an error.
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
///
/// // A memo whose first line is its date is a letter, not an email.
/// let l = replydraft::read_letter("memo.txt", b"Date: 01/07/2022\n\nTo all staff.\n").unwrap();
/// assert!(l.text.starts_with("Date: 01/07/2022"));
/// ```
pub fn read_letter(name: &str, bytes: &[u8]) -> Result<Letter> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) && encoding_rs::Encoding::for_bom(bytes).is_none() {
        return Err(Error::NotText {
            file: name.to_string(),
            line: None,
            problem: "not text (it holds NUL bytes)".into(),
        });
    }
    if is_mail(name, bytes) {
        if let Some(message) = parse_mail(bytes) {
            if let Some((_, text)) = mail_text(&message) {
                let first = |h: mail_parser::HeaderName<'static>| {
                    message.header_values(h).find_map(|v| v.as_address()).and_then(|a| a.first()).map(mailbox)
                };
                let subject = message.subject().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
                return Ok(Letter {
                    text,
                    from: first(mail_parser::HeaderName::From).filter(|f| !f.is_empty()),
                    reply_to: first(mail_parser::HeaderName::ReplyTo).filter(|f| !f.is_empty()),
                    sender_conflict: sender_conflict(&message),
                    subject,
                    encoding: None,
                });
            }
        }
    }
    let (text, encoding) = decode(bytes);
    Ok(Letter { text, from: None, reply_to: None, sender_conflict: None, subject: None, encoding })
}

/// `bytes`, a letter [`read_letter`] reads (as `name`), with its text replaced by
/// `text`. A letter that is not an email is `text` itself, in UTF-8. An email keeps
/// every header and every other part byte for byte: only its one text part's body is
/// written anew, in that part's charset and transfer encoding. An email whose text
/// cannot be written back so (an HTML body or an HTML version beside the text,
/// several text parts, a charset that cannot hold the new text) is an
/// [`Error::Message`], never a message with parts lost.
///
/// ```
/// let mail = b"From: Ann <ann@example.org>\r\nSubject: Care\r\n\r\nWritten last year.\r\n";
/// let out = replydraft::rewrite_letter("in.eml", mail, "Written in 2021.\r\n").unwrap();
/// assert_eq!(out, b"From: Ann <ann@example.org>\r\nSubject: Care\r\n\r\nWritten in 2021.\r\n");
/// ```
pub fn rewrite_letter(name: &str, bytes: &[u8], text: &str) -> Result<Vec<u8>> {
    let message = if is_mail(name, bytes) { parse_mail(bytes) } else { None };
    let Some((message, (id, old))) = message.and_then(|m| mail_text(&m).map(|t| (m, t))) else {
        return Ok(text.as_bytes().to_vec());
    };
    let refuse = |why: String| Error::Message {
        file: name.to_string(),
        message: format!("{why}: its text cannot be written back in place (change it by hand)"),
    };
    let part = message.part(id).ok_or_else(|| refuse("its text part is missing".into()))?;
    if message.text_body.len() > 1 {
        return Err(refuse("its text is in several parts".into()));
    }
    if !matches!(part.body, mail_parser::PartType::Text(_)) || message.html_body.iter().any(|h| *h != id) {
        return Err(refuse("it has an HTML body".into()));
    }
    if old == text {
        return Ok(bytes.to_vec());
    }
    use mail_parser::MimeHeaders;
    let charset = part.content_type().and_then(|c| c.attribute("charset")).unwrap_or("us-ascii");
    let ascii = ["us-ascii", "ascii", "ansi_x3.4-1968"].iter().any(|a| charset.eq_ignore_ascii_case(a));
    let encoding = encoding_rs::Encoding::for_label(charset.as_bytes())
        .filter(|e| e.output_encoding() == *e)
        .ok_or_else(|| refuse(format!("its charset `{charset}` cannot be written")))?;
    let (raw, _, unmappable) = encoding.encode(text);
    if unmappable || (ascii && !text.is_ascii()) {
        return Err(refuse(format!("the new text cannot be written in its charset `{charset}`")));
    }
    let (start, end) = (part.offset_body as usize, part.offset_end as usize);
    let eol: &[u8] = if bytes.get(..start).unwrap_or_default().ends_with(b"\r\n") { b"\r\n" } else { b"\n" };
    let transfer = part.content_transfer_encoding().unwrap_or("7bit").to_ascii_lowercase();
    let body = match transfer.as_str() {
        "quoted-printable" => quoted_printable(&raw, eol),
        "base64" => base64(&raw, eol),
        "7bit" if !raw.is_ascii() => return Err(refuse("the new text is not 7-bit, as its part says it is".into())),
        "7bit" | "8bit" | "binary" => raw.into_owned(),
        other => return Err(refuse(format!("its transfer encoding `{other}` is unknown"))),
    };
    let out = [bytes.get(..start).unwrap_or_default(), &body, bytes.get(end..).unwrap_or_default()].concat();
    // Read back as the letter was read: the same text, or nothing written.
    match parse_mail(&out).as_ref().and_then(mail_text) {
        Some((_, back)) if back == text => Ok(out),
        _ => Err(refuse("the rewritten message does not read back as the new text".into())),
    }
}

/// `bytes` quoted-printable (RFC 2045): lines of at most 76 characters, line breaks
/// of the text kept as `eol`.
fn quoted_printable(bytes: &[u8], eol: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut width = 0;
        for (j, &b) in line.iter().enumerate() {
            let last = j + 1 == line.len();
            let plain = ((b == b' ' || b == b'\t') && !last) || (b.is_ascii_graphic() && b != b'=');
            let piece = if plain { vec![b] } else { format!("={b:02X}").into_bytes() };
            if width + piece.len() > 75 {
                out.extend_from_slice(b"=");
                out.extend_from_slice(eol);
                width = 0;
            }
            width += piece.len();
            out.extend_from_slice(&piece);
        }
        if i + 1 < lines.len() {
            out.extend_from_slice(eol);
        }
    }
    out
}

/// `bytes` in base64 (RFC 2045), lines of 76 characters ending `eol`.
fn base64(bytes: &[u8], eol: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(bytes.len() * 4 / 3 + 4);
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.extend_from_slice(eol);
        }
        let n = chunk.iter().enumerate().fold(0u32, |n, (k, &b)| n | u32::from(b) << (16 - 8 * k));
        for k in 0..4 {
            out.push(if k <= chunk.len() { ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] } else { b'=' });
        }
    }
    out.extend_from_slice(eol);
    out
}

/// The text a reader sees in `html`: tags left out, character references decoded,
/// block elements on lines of their own; what is hidden (`display:none`,
/// `visibility:hidden`, the `hidden` attribute, the head, styles and scripts) left out;
/// quoted parts (`<blockquote>`, Gmail's and Yahoo's quote blocks) written as `> `
/// lines, as a mail program quotes them in plain text.
fn html_text(html: &str) -> String {
    const VOID: &[&str] =
        &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];
    const RAW: &[&str] = &["script", "style", "title", "textarea", "template"];
    const BLOCK: &[&str] = &[
        "address",
        "article",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ];
    const SELF_CLOSING: &[&str] = &["p", "li", "dt", "dd", "tr", "td", "th", "option"];
    // Open elements: (name, hidden, quoting).
    let mut open: Vec<(String, bool, bool)> = Vec::new();
    let (mut out, mut line, mut space) = (String::new(), String::new(), false);
    let hidden = |open: &[(String, bool, bool)]| open.iter().any(|e| e.1);
    let quoting = |open: &[(String, bool, bool)]| open.iter().filter(|e| e.2).count();
    let flush = |out: &mut String, line: &mut String, depth: usize| {
        if !line.is_empty() {
            out.push_str(&"> ".repeat(depth));
            out.push_str(line.trim_end());
            out.push('\n');
            line.clear();
        }
    };
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if !hidden(&open) {
                push_text(&mut line, &mut space, &decode_entities(rest));
            }
            break;
        };
        if !hidden(&open) {
            push_text(&mut line, &mut space, &decode_entities(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = if closing { 2 } else { 1 };
        let tag_name: String = rest[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
            .collect::<String>()
            .to_ascii_lowercase();
        if tag_name.is_empty() && !rest.starts_with("<!") && !rest.starts_with("<?") {
            // A `<` that opens no tag is text.
            if !hidden(&open) {
                push_text(&mut line, &mut space, "<");
            }
            rest = &rest[1..];
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[..end];
        rest = &rest[end..];
        if tag_name.is_empty() {
            continue;
        }
        if BLOCK.contains(&tag_name.as_str()) && !hidden(&open) {
            // A `<br>` on an empty line is a blank line; a paragraph has one around it.
            if (tag_name == "br" && line.is_empty()) || (tag_name == "p" && !out.is_empty() && !out.ends_with("\n\n")) {
                flush(&mut out, &mut line, quoting(&open));
                out.push('\n');
            } else {
                flush(&mut out, &mut line, quoting(&open));
            }
            space = false;
        }
        if closing {
            if let Some(i) = open.iter().rposition(|e| e.0 == tag_name) {
                open.truncate(i);
            }
            continue;
        }
        let attrs = tag.to_ascii_lowercase();
        if RAW.contains(&tag_name.as_str()) {
            let close = format!("</{tag_name}");
            rest = rest.to_ascii_lowercase().find(&close).map_or("", |i| &rest[i..]);
            continue;
        }
        if VOID.contains(&tag_name.as_str()) || tag.ends_with("/>") {
            continue;
        }
        if SELF_CLOSING.contains(&tag_name.as_str()) && open.last().is_some_and(|e| e.0 == tag_name) {
            open.pop();
        }
        let style: String = attr(&attrs, "style").unwrap_or_default().chars().filter(|c| !c.is_whitespace()).collect();
        let is_hidden = tag_name == "head"
            || attr(&attrs, "hidden").is_some()
            || style.contains("display:none")
            || style.contains("visibility:hidden");
        let class = attr(&attrs, "class").unwrap_or_default();
        let is_quote =
            tag_name == "blockquote" || class.split_whitespace().any(|c| ["gmail_quote", "yahoo_quoted"].contains(&c));
        open.push((tag_name, is_hidden, is_quote));
    }
    flush(&mut out, &mut line, quoting(&open));
    out.trim_start_matches('\n').to_string()
}

/// Appends `text` to `line`, runs of white space as one space.
fn push_text(line: &mut String, space: &mut bool, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            *space = true;
        } else {
            if *space && !line.is_empty() {
                line.push(' ');
            }
            *space = false;
            line.push(c);
        }
    }
}

/// Where the tag that opens `html` ends (after its `>`; quoted attribute values may hold `>`).
fn tag_end(html: &str) -> usize {
    let mut quote = None;
    for (i, c) in html.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// The value of attribute `name` in `tag` (lower case), `Some("")` for one without a value.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag.split_once(char::is_whitespace)?.1;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let key_end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')?;
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let value = if let Some(v) = rest.strip_prefix('=') {
            let v = v.trim_start();
            let (value, after) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => v[1..].split_once(q).unwrap_or((&v[1..], "")),
                _ => v.split_at(v.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(v.len())),
            };
            rest = after;
            value
        } else {
            ""
        };
        if key == name {
            return Some(value);
        }
        if key.is_empty() {
            return None;
        }
    }
}

/// `text` with HTML character references decoded (`&amp;`, `&#8217;`, `&pound;`...);
/// one not known is left as written.
fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    const NAMED: &[(&str, char)] = &[
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("nbsp", '\u{a0}'),
        ("pound", '£'),
        ("euro", '€'),
        ("lsquo", '\u{2018}'),
        ("rsquo", '\u{2019}'),
        ("ldquo", '\u{201c}'),
        ("rdquo", '\u{201d}'),
        ("ndash", '\u{2013}'),
        ("mdash", '\u{2014}'),
        ("hellip", '\u{2026}'),
        ("copy", '©'),
    ];
    if !text.contains('&') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..].find(';').filter(|&e| e <= 10).and_then(|e| {
            let name = &rest[1..=e];
            let c = match name.strip_prefix('#') {
                Some(n) => match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                    None => n.parse().ok().and_then(char::from_u32),
                },
                None => NAMED.iter().find(|(k, _)| *k == name).map(|(_, c)| *c),
            }?;
            Some((c, e + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
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
