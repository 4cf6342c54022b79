//! SQLite through rusqlite: a blocking driver, driven from async code.
//!
//! rusqlite calls into the SQLite C library and blocks its thread until the
//! query is done, as Python's `sqlite3` does. From async code such a call
//! belongs on `tokio::task::spawn_blocking`, the counterpart of asyncio's
//! `run_in_executor` (which is what aiosqlite does underneath).

pub mod bank;
pub mod servers;

use rusqlite::{Connection, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a connection waits for another's write lock before it gives up
/// with "database is locked": a bound, like every wait in this chapter.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A database file of its own in the temporary directory, removed (with
/// its WAL files) when dropped, on every path — and on Ctrl-C, which runs
/// no destructor (`shared::interrupt`).
#[derive(Debug)]
pub struct TempDb {
    pub path: PathBuf,
}

impl TempDb {
    pub fn new(tag: &str) -> TempDb {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("ecosystem-{tag}-{}-{n}.sqlite", std::process::id());
        let db = TempDb {
            path: std::env::temp_dir().join(name),
        };
        db.files().for_each(shared::interrupt::remove_on_interrupt);
        db
    }

    /// The database and the files SQLite keeps beside it: the rollback
    /// journal (while the database is created, before WAL mode is on),
    /// then WAL mode's two.
    fn files(&self) -> impl Iterator<Item = PathBuf> + '_ {
        ["", "-journal", "-wal", "-shm"].into_iter().map(|suffix| {
            let mut path = self.path.clone().into_os_string();
            path.push(suffix);
            PathBuf::from(path)
        })
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for path in self.files() {
            let _ = std::fs::remove_file(&path);
            shared::interrupt::forget_file(&path);
        }
    }
}

/// Opens `path` in WAL mode, so readers read while one writer writes, and
/// creates the tables if they are missing.
// ANCHOR: open
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let _mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS events (
             id INTEGER PRIMARY KEY, writer INTEGER NOT NULL, n INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS accounts (
             id INTEGER PRIMARY KEY,
             balance INTEGER NOT NULL CHECK (balance >= 0));",
    )?;
    Ok(conn)
}
// ANCHOR_END: open

/// Inserts `rows` events in one transaction: all of them, or none.
/// `IMMEDIATE` takes the write lock at `BEGIN`, so two writers queue
/// (within the busy timeout) instead of failing halfway.
// ANCHOR: write_batch
pub fn write_batch(
    conn: &mut Connection,
    writer: usize,
    rows: usize,
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut insert =
            tx.prepare_cached("INSERT INTO events (writer, n) VALUES (?1, ?2)")?;
        for n in 0..rows {
            insert.execute((writer as i64, n as i64))?;
        }
    }
    tx.commit()
}
// ANCHOR_END: write_batch

pub fn count_events(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))
}

/// A query that keeps SQLite busy: counting to `n` in SQL.
pub fn count_to(conn: &Connection, n: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1)
         SELECT count(*) FROM c",
        [n],
        |r| r.get(0),
    )
}
