//! The correspondence log: every letter sent, in an SQLite database (bundled with the
//! crate, so nothing needs installing), so that a constituent who writes twice in a
//! campaign is not sent the same letter twice, and an office can see what it told whom.
//!
//! Each letter records the recipient's key ([`recipient_key`]: their email, else name
//! and postcode), the topic, its blocks with the hash of each block's text, the letter's
//! date, where it was written and how many findings it had. The database carries an
//! application id and a schema version (`PRAGMA application_id`, `user_version`): a file
//! that is not a replydraft log, or one from a newer replydraft, is refused and left as
//! it is. Writers use WAL mode and wait for each other, so two runs at once both record
//! every letter.
//!
//! Letters are recorded *pending* before they are written and confirmed once the
//! writer has them durably in place (flushed; a file written and moved into place).
//! Each pending letter carries a [`Proof`]: what will show that *this* run wrote it,
//! should the run end before confirming. Opening the log settles what a run that has
//! ended (a killed one) left pending: a letter is kept only when its proof holds (its
//! own file holds exactly its bytes and is not the file that stood there before; or
//! the run's own temporary file was moved into place); every other one is taken out.
//! A file that was there already never counts. Writers are known by their PID and by
//! when that process started (where `/proc` tells), so a PID the system has given to
//! another process does not keep a dead run's letters pending.

use crate::error::{Error, Result};
use crate::render::Recipient;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Who a process is beyond its PID (which the system gives out again): the boot and
/// the moment it started, where `/proc` tells (Linux); `None` elsewhere.
fn process_identity(pid: u32) -> Option<String> {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command's name (field 2) is in parentheses and may hold anything: fields are
    // counted from the last `)`; the start time is field 22.
    let start = stat.rsplit_once(')')?.1.split_whitespace().nth(19)?;
    Some(format!("{}:{start}", boot.trim()))
}

/// Whether the process that recorded a pending batch `age` seconds ago, as `pid` and
/// (when it could tell) `writer` ([`process_identity`]), may still be writing. This
/// process opens the log before it records anything: its own PID is never a writer.
/// Where `/proc` tells, the process must still run and be the same one; without an
/// identity to compare, a batch under a day old is taken to be still written.
fn writer_alive(pid: i64, writer: Option<&str>, age: i64) -> bool {
    const DAY: i64 = 24 * 3600;
    let Ok(pid) = u32::try_from(pid) else { return false };
    if pid == std::process::id() {
        return false;
    }
    let proc_dir = Path::new("/proc");
    if !proc_dir.is_dir() {
        return age < DAY;
    }
    if !proc_dir.join(pid.to_string()).exists() {
        return false;
    }
    match (writer, process_identity(pid)) {
        (Some(recorded), Some(now)) => recorded == now,
        _ => age < DAY,
    }
}

/// A file's identity on its file system (device and inode, where the system has them):
/// a file moved into place keeps it, a file replaced gets another.
fn file_identity(meta: &std::fs::Metadata) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(format!("{}:{}", meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// What will show, should the run that records a letter pending end before it confirms
/// it, that the run wrote the letter: opening the log keeps such a letter only when its
/// proof holds, and takes out every other one. Without one (the default: standard
/// output, a device), a pending letter of a run that ended is taken out.
///
/// ```
/// use replydraft::{CorrespondenceLog, Proof, Sent, parse_date};
/// let dir = tempfile::tempdir().unwrap();
/// let (db, letter) = (dir.path().join("office.db"), dir.path().join("ann.txt"));
/// let mut log = CorrespondenceLog::open(&db)?;
/// let mut sent = Sent::new(Some("email:ann@example.org".into()), "roads", Vec::new().into(), parse_date("2026-12-06")?);
/// sent.output = Some(letter.display().to_string());
/// sent.proof = Proof::file(&letter, b"Dear Ann,\n");
/// log.begin(&[sent])?;
/// std::fs::write(&letter, b"Dear Ann,\n").unwrap();
/// // The run ends before confirming; the next open finds the letter written.
/// drop(log);
/// assert_eq!(CorrespondenceLog::open(&db)?.len()?, 1);
/// # Ok::<(), replydraft::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proof(Option<String>);

impl Proof {
    /// A letter about to be written as its own file at `path`, with `bytes`: it counts
    /// as written when the file holds exactly those bytes and is not the file that
    /// stands at `path` now (if one does).
    pub fn file(path: &Path, bytes: &[u8]) -> Proof {
        let hash = crate::library::bytes_hash(bytes);
        Proof(Some(match std::fs::symlink_metadata(path) {
            // A file whose identity cannot be told could be the one there now: never proof.
            Ok(meta) => format!("{hash} replaces {}", file_identity(&meta).as_deref().unwrap_or("?")),
            Err(_) => hash,
        }))
    }

    /// Letters in output written to the temporary file `temp` and moved into place
    /// (renamed) whole at the end: they count as written when the output is that very
    /// file. No proof where files have no identity the system tells.
    pub fn renamed(temp: &Path) -> Proof {
        let id = std::fs::symlink_metadata(temp).ok().and_then(|m| file_identity(&m));
        Proof(id.map(|id| format!("renamed {id}")))
    }

    /// Whether the letter written at `output` is the one this proof promises.
    fn holds(proof: &str, output: &Path) -> bool {
        let Some(meta) = std::fs::symlink_metadata(output).ok().filter(std::fs::Metadata::is_file) else {
            return false;
        };
        let id = file_identity(&meta);
        if let Some(renamed) = proof.strip_prefix("renamed ") {
            return id.as_deref() == Some(renamed);
        }
        let (hash, replaces) = match proof.split_once(" replaces ") {
            Some((hash, old)) => (hash, Some(old)),
            None => (proof, None),
        };
        if replaces.is_some_and(|old| old == "?" || id.as_deref() == Some(old)) {
            return false;
        }
        std::fs::read(output).is_ok_and(|bytes| crate::library::bytes_hash(&bytes) == hash)
    }
}

/// A letter's blocks, each with the hash of its text.
pub type BlockList = Arc<[(String, String)]>;

/// The schema version this build writes and reads.
pub const LOG_SCHEMA_VERSION: i32 = 2;
/// `PRAGMA application_id` of a replydraft log ("RDLG").
const APPLICATION_ID: i32 = 0x5244_4c47;

/// The schema, version by version: `MIGRATIONS[n]` takes a log from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE block_sets (
    id INTEGER PRIMARY KEY,
    blocks TEXT NOT NULL UNIQUE
);
-- Letters are recorded in batches; a batch is pending until its letters are written.
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    -- 0: pending (recorded before its files were written), 1: sent.
    state INTEGER NOT NULL CHECK (state IN (0, 1)),
    -- When it was recorded, in Unix seconds.
    logged_at INTEGER NOT NULL,
    -- The process that recorded it: a pending batch is settled only once it has gone.
    pid INTEGER NOT NULL
);
CREATE INDEX batches_pending ON batches (state) WHERE state = 0;
CREATE TABLE letters (
    id INTEGER PRIMARY KEY,
    batch INTEGER NOT NULL REFERENCES batches(id),
    recipient TEXT NOT NULL,
    topic TEXT NOT NULL,
    block_set INTEGER NOT NULL REFERENCES block_sets(id),
    date TEXT NOT NULL,
    output TEXT,
    findings INTEGER NOT NULL
);
CREATE INDEX letters_by_recipient ON letters (recipient, topic, date);
CREATE INDEX letters_by_batch ON letters (batch);
",
    "
-- The process that recorded a batch, beyond its PID (reused): boot and start time.
ALTER TABLE batches ADD COLUMN writer TEXT;
-- What shows that a pending letter was written (see `Proof`).
ALTER TABLE letters ADD COLUMN proof TEXT;
",
];

/// The key a recipient is known by in the log: `email:` and their address
/// ([`crate::text::normalize_email`]) in lower case; else `name:` their name (lower
/// case, single spaces, invisible characters such as zero-width spaces dropped) and `|` the postcode found in their address (upper case, no
/// space); else `name:` the name alone. `None` when the recipient has neither email
/// nor name.
///
/// ```
/// use replydraft::{Recipient, recipient_key};
/// let mut r = Recipient::default();
/// r.name = Some("Ann  Lee".into());
/// r.address = vec!["4 Elm Road".into(), "Corby nn17 2ab".into()];
/// assert_eq!(recipient_key(&r).as_deref(), Some("name:ann lee|NN172AB"));
/// r.name = Some("ANN\u{200B}\u{00A0}Lee".into());
/// assert_eq!(recipient_key(&r).as_deref(), Some("name:ann lee|NN172AB"), "invisible characters are dropped");
/// r.email = Some(" Ann.Lee@Example.org ".into());
/// assert_eq!(recipient_key(&r).as_deref(), Some("email:ann.lee@example.org"));
/// ```
pub fn recipient_key(r: &Recipient) -> Option<String> {
    if let Some(email) = r.email.as_deref().and_then(|e| crate::text::normalize_email(e).ok()) {
        return Some(format!("email:{}", email.to_lowercase()));
    }
    // Read as names are compared ([`crate::text::normalize`]: invisible characters
    // dropped, quotes straightened, white space single), in lower case.
    let name = r.name.as_deref().map(|n| crate::text::normalize(n).to_lowercase())?;
    if name.is_empty() {
        return None;
    }
    let postcode = r.address.iter().rev().find_map(|line| crate::text::uk_postcode(line));
    Some(match postcode {
        Some(p) => format!("name:{name}|{p}"),
        None => format!("name:{name}"),
    })
}

/// One letter in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Sent {
    /// Its row in the log (0 before it is recorded).
    pub id: i64,
    /// The recipient's key ([`recipient_key`]; empty when there was none).
    pub recipient: String,
    /// The topic.
    pub topic: String,
    /// The blocks in the letter, each with the hash of its text ([`crate::text_hash`]);
    /// shared, as every letter of a run has the same.
    pub blocks: BlockList,
    /// The letter's date.
    pub date: Date,
    /// Where it was written (a file), if anywhere.
    pub output: Option<String>,
    /// How many findings the letter had.
    pub findings: usize,
    /// What shows the letter was written, should its run end before confirming it
    /// (kept while it is pending; not read back).
    #[serde(skip)]
    pub proof: Proof,
}

impl Sent {
    /// A letter to record.
    pub fn new(recipient: Option<String>, topic: &str, blocks: BlockList, date: Date) -> Sent {
        Sent {
            id: 0,
            recipient: recipient.unwrap_or_default(),
            topic: topic.to_string(),
            blocks,
            date,
            output: None,
            findings: 0,
            proof: Proof::default(),
        }
    }
}

/// Letters recorded in one transaction: the batch's id and each letter's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Batch {
    /// The batch.
    pub id: i64,
    /// Its letters, in the order given.
    pub letters: Vec<i64>,
}

/// What to list from the log: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogQuery {
    /// A recipient key, or an email or name that keys are made from.
    pub recipient: Option<String>,
    /// A topic id.
    pub topic: Option<String>,
    /// Letters dated on or after this day.
    pub since: Option<Date>,
}

/// An open correspondence log.
#[derive(Debug)]
pub struct CorrespondenceLog {
    conn: Connection,
    path: PathBuf,
    /// Block lists already stored, by their text.
    sets: HashMap<String, i64>,
    /// This process, as [`process_identity`] tells it.
    writer: Option<String>,
}

fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Database { path: path.display().to_string(), source: e }
}

/// The log at `path` cannot be used, for the reason `problem`.
fn log_error(path: &Path, problem: String) -> Error {
    Error::Log { path: path.display().to_string(), problem }
}

/// A block list as stored: `id=hash` lines.
fn block_text(blocks: &[(String, String)]) -> String {
    blocks.iter().map(|(id, h)| format!("{id}={h}")).collect::<Vec<_>>().join("\n")
}

fn parse_blocks(text: &str) -> Vec<(String, String)> {
    text.lines().filter_map(|l| l.split_once('=')).map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

impl CorrespondenceLog {
    /// Opens the log at `path`, creating it if it does not exist, and settles what a
    /// killed run left pending. A file that is not a replydraft log, or that a newer
    /// replydraft wrote, is an error and is not changed.
    ///
    /// ```
    /// use replydraft::{CorrespondenceLog, LogQuery, Sent, parse_date};
    /// let dir = std::env::temp_dir().join(format!("replydraft-doc-log-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("replydraft.db");
    /// let _ = std::fs::remove_file(&path);
    /// let mut log = CorrespondenceLog::open(&path)?;
    /// let letter = Sent::new(Some("email:ann@example.org".into()), "care-funding", Vec::new().into(), parse_date("2026-12-06")?);
    /// log.record(&[letter])?;
    /// let sent = log.sent_on("care-funding", None)?;
    /// assert_eq!(sent.get("email:ann@example.org"), Some(&parse_date("2026-12-06")?));
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn open(path: &Path) -> Result<CorrespondenceLog> {
        // Never open (and so never change) a file that is not an SQLite database.
        if let Ok(mut f) = std::fs::File::open(path) {
            use std::io::Read;
            let mut head = [0u8; 16];
            let n = f.read(&mut head).map_err(|e| Error::io(path.display(), e))?;
            // An empty file is a new log; anything else must open as SQLite does.
            if n > 0 && (n < 16 || head[..] != b"SQLite format 3\0"[..]) {
                let problem = "not a replydraft correspondence log (not an SQLite database); name another log file";
                return Err(log_error(path, problem.into()));
            }
        }
        let mut conn = Connection::open(path).map_err(|e| db_error(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(60)).map_err(|e| db_error(path, e))?;
        let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(|e| db_error(path, e))?;
        let version: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| db_error(path, e))?;
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(|e| db_error(path, e))?;
        if app != APPLICATION_ID && (app != 0 || tables > 0) {
            let problem = "not a replydraft correspondence log (another program's database); name another log file";
            return Err(log_error(path, problem.into()));
        }
        if version > LOG_SCHEMA_VERSION {
            let problem = format!(
                "written by a newer replydraft (log schema {version}; this one reads up to {LOG_SCHEMA_VERSION}): upgrade replydraft"
            );
            return Err(log_error(path, problem));
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| db_error(path, e))?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(|e| db_error(path, e))?;
        // Bulk runs write many rows at once: a larger page cache and fewer checkpoints.
        conn.pragma_update(None, "cache_size", -32_000).map_err(|e| db_error(path, e))?;
        conn.pragma_update(None, "wal_autocheckpoint", 16_000).map_err(|e| db_error(path, e))?;
        // Migrate forward, one version per transaction.
        let mut at = version;
        while at < LOG_SCHEMA_VERSION {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| db_error(path, e))?;
            let now: i32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| db_error(path, e))?;
            if now == at {
                tx.execute_batch(MIGRATIONS[at as usize]).map_err(|e| db_error(path, e))?;
                tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(|e| db_error(path, e))?;
                tx.pragma_update(None, "user_version", at + 1).map_err(|e| db_error(path, e))?;
            }
            tx.commit().map_err(|e| db_error(path, e))?;
            at = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| db_error(path, e))?;
        }
        let writer = process_identity(std::process::id());
        let mut log = CorrespondenceLog { conn, path: path.to_path_buf(), sets: HashMap::new(), writer };
        log.settle()?;
        Ok(log)
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        db_error(&self.path, e)
    }

    /// Pending letters left by a run that has ended: kept when their [`Proof`] holds,
    /// else taken out. Returns how many were settled.
    fn settle(&mut self) -> Result<usize> {
        let path = self.path.clone();
        let e = |e| db_error(&path, e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        // Only the batches of writers that have ended: a run still going (another
        // process writing JSON lines, say) confirms its own.
        let now = jiff::Timestamp::now().as_second();
        let batches: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT id, pid, logged_at, writer FROM batches WHERE state = 0").map_err(e)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<String>>(3)?))
                })
                .map_err(e)?;
            let rows: Vec<(i64, i64, i64, Option<String>)> = rows.collect::<rusqlite::Result<_>>().map_err(e)?;
            rows.into_iter()
                .filter(|(_, pid, at, writer)| !writer_alive(*pid, writer.as_deref(), now - at))
                .map(|(id, ..)| id)
                .collect()
        };
        let mut settled = 0;
        // Letters of one output (JSON lines) share their proof: each is checked once.
        let mut checked: HashMap<(String, String), bool> = HashMap::new();
        for batch in &batches {
            let letters: Vec<(i64, Option<String>, Option<String>)> = {
                let mut stmt =
                    tx.prepare_cached("SELECT id, output, proof FROM letters WHERE batch = ?1").map_err(e)?;
                let rows = stmt.query_map([batch], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(e)?;
                rows.collect::<rusqlite::Result<_>>().map_err(e)?
            };
            for (id, output, proof) in letters.iter() {
                let written = match (output, proof) {
                    (Some(output), Some(proof)) => *checked
                        .entry((output.clone(), proof.clone()))
                        .or_insert_with(|| Proof::holds(proof, Path::new(output))),
                    _ => false,
                };
                if !written {
                    tx.execute("DELETE FROM letters WHERE id = ?1", [id]).map_err(e)?;
                }
            }
            tx.execute("UPDATE batches SET state = 1 WHERE id = ?1", [batch]).map_err(e)?;
            settled += letters.len();
        }
        tx.commit().map_err(e)?;
        Ok(settled)
    }

    fn block_set(
        tx: &rusqlite::Transaction,
        sets: &mut HashMap<String, i64>,
        blocks: &[(String, String)],
    ) -> rusqlite::Result<i64> {
        let text = block_text(blocks);
        if let Some(id) = sets.get(&text) {
            return Ok(*id);
        }
        tx.prepare_cached("INSERT OR IGNORE INTO block_sets (blocks) VALUES (?1)")?.execute([&text])?;
        let id: i64 =
            tx.prepare_cached("SELECT id FROM block_sets WHERE blocks = ?1")?.query_row([&text], |r| r.get(0))?;
        sets.insert(text, id);
        Ok(id)
    }

    fn insert(&mut self, letters: &[Sent], state: i64) -> Result<Batch> {
        let path = self.path.clone();
        let e = |e| db_error(&path, e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        let now = jiff::Timestamp::now().as_second();
        tx.prepare_cached("INSERT INTO batches (state, logged_at, pid, writer) VALUES (?1, ?2, ?3, ?4)")
            .map_err(e)?
            .execute(params![state, now, i64::from(std::process::id()), self.writer])
            .map_err(e)?;
        let batch = tx.last_insert_rowid();
        let mut ids = Vec::with_capacity(letters.len());
        // Rows go in by statements of up to ROWS rows: far fewer statements to run.
        const ROWS: usize = 64;
        let sql = |n: usize| {
            let one = "(?, ?, ?, ?, ?, ?, ?, ?)";
            format!(
                "INSERT INTO letters (batch, recipient, topic, block_set, date, output, findings, proof) VALUES {}",
                vec![one; n].join(", ")
            )
        };
        let mut last: Option<(&BlockList, i64)> = None;
        for chunk in letters.chunks(ROWS) {
            let mut sets = Vec::with_capacity(chunk.len());
            for l in chunk {
                sets.push(match last {
                    Some((b, id)) if Arc::ptr_eq(b, &l.blocks) || **b == *l.blocks => id,
                    _ => {
                        let id = Self::block_set(&tx, &mut self.sets, &l.blocks).map_err(e)?;
                        last = Some((&l.blocks, id));
                        id
                    }
                });
            }
            let dates: Vec<String> = chunk.iter().map(|l| l.date.to_string()).collect();
            let findings: Vec<i64> = chunk.iter().map(|l| l.findings as i64).collect();
            let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 8);
            for (i, l) in chunk.iter().enumerate() {
                values.extend([
                    &batch as &dyn rusqlite::ToSql,
                    &l.recipient,
                    &l.topic,
                    &sets[i],
                    &dates[i],
                    &l.output,
                    &findings[i],
                    // A letter recorded as sent needs no proof.
                    if state == 0 { &l.proof.0 } else { &None::<String> },
                ]);
            }
            tx.prepare_cached(&sql(chunk.len())).map_err(e)?.execute(values.as_slice()).map_err(e)?;
            // One statement's rows take consecutive ids, ending at the last one.
            let end = tx.last_insert_rowid();
            ids.extend(end + 1 - chunk.len() as i64..=end);
        }
        tx.commit().map_err(e)?;
        Ok(Batch { id: batch, letters: ids })
    }

    /// Records letters as sent, in one transaction.
    pub fn record(&mut self, letters: &[Sent]) -> Result<Batch> {
        self.insert(letters, 1)
    }

    /// Records letters as about to be written, in one transaction:
    /// [`CorrespondenceLog::confirm`] the batch once they are durably written; a run
    /// that ends first leaves it to be settled by the next open, by each letter's
    /// [`Proof`] (a letter without one is taken out).
    pub fn begin(&mut self, letters: &[Sent]) -> Result<Batch> {
        self.insert(letters, 0)
    }

    /// Marks a pending batch as sent, but for the letters in `unwritten`, which are
    /// taken out.
    ///
    /// ```
    /// use replydraft::{CorrespondenceLog, LogQuery, Sent, parse_date};
    /// let dir = std::env::temp_dir().join(format!("replydraft-doc-confirm-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("office.db");
    /// let _ = std::fs::remove_file(&path);
    /// let mut log = CorrespondenceLog::open(&path)?;
    /// let d = parse_date("2026-12-06")?;
    /// let letters: Vec<Sent> = ["email:a@example.org", "email:b@example.org"]
    ///     .iter()
    ///     .map(|k| Sent::new(Some(k.to_string()), "roads", Vec::new().into(), d))
    ///     .collect();
    /// let batch = log.begin(&letters)?;
    /// // The second letter could not be written: it is taken out.
    /// log.confirm(&batch, &batch.letters[1..])?;
    /// let mut q = LogQuery::default();
    /// q.topic = Some("roads".into());
    /// let sent = log.query(&q)?;
    /// assert_eq!(sent.len(), 1);
    /// assert_eq!(sent[0].recipient, "email:a@example.org");
    /// # Ok::<(), replydraft::Error>(())
    /// ```
    pub fn confirm(&mut self, batch: &Batch, unwritten: &[i64]) -> Result<()> {
        let path = self.path.clone();
        let e = |e| db_error(&path, e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        {
            let mut delete = tx.prepare_cached("DELETE FROM letters WHERE id = ?1 AND batch = ?2").map_err(e)?;
            for id in unwritten {
                delete.execute([*id, batch.id]).map_err(e)?;
            }
        }
        tx.execute("UPDATE batches SET state = 1 WHERE id = ?1", [batch.id]).map_err(e)?;
        tx.commit().map_err(e)
    }

    /// Takes a pending batch out: none of its letters was written.
    pub fn cancel(&mut self, batch: &Batch) -> Result<()> {
        let path = self.path.clone();
        let e = |e| db_error(&path, e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        tx.execute("DELETE FROM letters WHERE batch = ?1", [batch.id]).map_err(e)?;
        tx.execute("DELETE FROM batches WHERE id = ?1 AND state = 0", [batch.id]).map_err(e)?;
        tx.commit().map_err(e)
    }

    /// The recipients sent a letter on `topic` (dated on or after `since`, if given),
    /// each with the date of their latest.
    pub fn sent_on(&self, topic: &str, since: Option<Date>) -> Result<HashMap<String, Date>> {
        let since = since.map(|d| d.to_string()).unwrap_or_default();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT l.recipient, max(l.date) FROM letters l JOIN batches b ON b.id = l.batch \
                 WHERE l.topic = ?1 AND l.date >= ?2 AND b.state = 1 AND l.recipient != '' GROUP BY l.recipient",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![topic, since], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        let mut out = HashMap::new();
        for row in rows {
            let (key, date) = row.map_err(|e| self.err(e))?;
            if let Ok(d) = date.parse() {
                out.insert(key, d);
            }
        }
        Ok(out)
    }

    /// The letters sent that match `query`, oldest first.
    pub fn query(&self, query: &LogQuery) -> Result<Vec<Sent>> {
        // A recipient given as an email or a name is turned into the key it makes.
        let recipient = query.recipient.as_deref().map(|r| {
            if r.starts_with("email:") || r.starts_with("name:") {
                r.to_string()
            } else {
                let mut rec = Recipient::default();
                if r.contains('@') {
                    rec.email = Some(r.to_string());
                } else {
                    rec.name = Some(r.to_string());
                }
                recipient_key(&rec).unwrap_or_default()
            }
        });
        let mut stmt = self
            .conn
            .prepare(
                "SELECT l.id, l.recipient, l.topic, s.blocks, l.date, l.output, l.findings FROM letters l \
                 JOIN block_sets s ON s.id = l.block_set JOIN batches b ON b.id = l.batch WHERE b.state = 1 \
                 AND (?1 IS NULL OR l.recipient = ?1 OR l.recipient LIKE ?1 || '|%') \
                 AND (?2 IS NULL OR l.topic = ?2) AND (?3 IS NULL OR l.date >= ?3) ORDER BY l.date, l.id",
            )
            .map_err(|e| self.err(e))?;
        let since = query.since.map(|d| d.to_string());
        let rows = stmt
            .query_map(params![recipient, query.topic, since], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, recipient, topic, blocks, date, output, findings) = row.map_err(|e| self.err(e))?;
            let date = date.parse().map_err(|_| {
                log_error(&self.path, format!("correspondence log: letter {id} has a bad date {date:?}"))
            })?;
            out.push(Sent {
                id,
                recipient,
                topic,
                blocks: parse_blocks(&blocks).into(),
                date,
                output,
                findings: findings.max(0) as usize,
                proof: Proof::default(),
            });
        }
        Ok(out)
    }

    /// The number of letters recorded as sent.
    pub fn len(&self) -> Result<usize> {
        let n: Option<i64> = self
            .conn
            .query_row("SELECT count(*) FROM letters l JOIN batches b ON b.id = l.batch WHERE b.state = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(n.unwrap_or(0).max(0) as usize)
    }

    /// Whether no letter is recorded.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_of_schema_1_is_migrated_and_its_unproven_pending_letters_taken_out() {
        let dir = tempfile::tempdir().unwrap();
        let (db, letter) = (dir.path().join("old.db"), dir.path().join("ann.txt"));
        std::fs::write(&letter, "Dear Ann,\n").unwrap();
        {
            let conn = Connection::open(&db).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            // One letter sent, one pending (its file there, but nothing shows who wrote it).
            conn.execute_batch(
                "INSERT INTO block_sets (id, blocks) VALUES (1, '');
                 INSERT INTO batches (id, state, logged_at, pid) VALUES (1, 1, 0, 1), (2, 0, 0, 0);",
            )
            .unwrap();
            let output = letter.display().to_string();
            for (batch, who) in [(1, "email:bob@example.org"), (2, "email:ann@example.org")] {
                conn.execute(
                    "INSERT INTO letters (batch, recipient, topic, block_set, date, output, findings) \
                     VALUES (?1, ?2, 'roads', 1, '2026-12-06', ?3, 0)",
                    params![batch, who, output],
                )
                .unwrap();
            }
        }
        let log = CorrespondenceLog::open(&db).unwrap();
        let version: i32 = log.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, LOG_SCHEMA_VERSION);
        let sent = log.query(&LogQuery::default()).unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].recipient, "email:bob@example.org");
    }

    #[test]
    fn a_process_is_known_by_when_it_started_not_only_its_pid() {
        let Some(me) = process_identity(std::process::id()) else { return }; // no /proc here
        assert_eq!(process_identity(std::process::id()).as_deref(), Some(me.as_str()));
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let pid = i64::from(child.id());
        let theirs = process_identity(child.id());
        assert!(theirs.is_some() && theirs.as_deref() != Some(me.as_str()));
        assert!(writer_alive(pid, theirs.as_deref(), 0), "the same process");
        assert!(!writer_alive(pid, Some(&me), 0), "the PID of another process");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!writer_alive(pid, theirs.as_deref(), 0), "gone");
    }
}
