//! `relock --python`: CPython's `threading.Lock` and `RLock` asked again by
//! the thread that holds them, so the page's "Python's Lock waits for
//! itself too" is run here, not asserted.

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use shared::python::Outcome;
use shared::report::{Cell, SectionReport, Table};
use std::time::Duration;

/// The script, run as `python3 -c SCRIPT TIMEOUT_SECONDS`.
pub const SCRIPT: &str = include_str!("../python/relock.py");

/// What the script saw, as it printed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PythonRelock {
    pub version: String,
    /// `Lock.acquire(timeout=…)` by the holder: got it (it must not), and
    /// how long it waited, in seconds.
    pub lock_got_it: bool,
    pub lock_waited_s: f64,
    /// How deep one thread held the `RLock`, and whether another thread's
    /// `acquire(blocking=False)` got it meanwhile (it must not).
    pub rlock_depth: usize,
    pub rlock_other_got_it: bool,
}

/// Whether the script ran, and what it saw.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum PythonRelockRun {
    /// No `--python` on the command line.
    #[default]
    NotAsked,
    /// Asked, but it could not run here.
    Skipped {
        why: String,
    },
    Ran {
        locks: PythonRelock,
    },
}

/// With an interpreter, runs the script; otherwise `NotAsked`.
pub fn measure(
    interpreter: Option<&str>,
    timeout: Duration,
) -> anyhow::Result<PythonRelockRun> {
    let Some(interpreter) = interpreter else {
        return Ok(PythonRelockRun::NotAsked);
    };
    let args = [timeout.as_secs_f64().to_string()];
    match shared::python::run(interpreter, SCRIPT, &args)? {
        Outcome::Missing(why) => Ok(PythonRelockRun::Skipped { why }),
        Outcome::Ran(stdout) => Ok(PythonRelockRun::Ran {
            locks: parse(&stdout)?,
        }),
    }
}

/// The script's document; a negative or non-finite wait is a broken
/// script, refused.
pub fn parse(stdout: &str) -> anyhow::Result<PythonRelock> {
    let locks: PythonRelock = serde_json::from_str(stdout.trim())
        .context("reading what CPython's locks did")?;
    if !(locks.lock_waited_s.is_finite() && locks.lock_waited_s >= 0.0) {
        bail!("CPython's lock waited {} s", locks.lock_waited_s);
    }
    Ok(locks)
}

/// Adds CPython's two locks to the report, or says why they are missing.
pub fn add_table(
    python: &PythonRelockRun,
    timeout_s: f64,
    report: &mut SectionReport,
) {
    let locks = match python {
        PythonRelockRun::NotAsked => return,
        PythonRelockRun::Skipped { why } => {
            report.note(format!("CPython's locks skipped: {why}."));
            return;
        }
        PythonRelockRun::Ran { locks } => locks,
    };
    let mut table = Table::new(
        format!(
            "CPython {}: the same, asked again by the holder",
            locks.version
        ),
        &["lock", "asked with", "got it", "waited"],
    );
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    table.push(vec![
        Cell::text("threading.Lock"),
        Cell::text("acquire(timeout=…)"),
        Cell::text(yes_no(locks.lock_got_it)),
        Cell::Seconds(locks.lock_waited_s),
    ]);
    table.push(vec![
        Cell::text("threading.RLock"),
        Cell::text("with, nested"),
        Cell::text(format!("yes, {} deep", locks.rlock_depth)),
        Cell::text("none"),
    ]);
    report.table(table);
    report.check(
        !locks.lock_got_it && locks.lock_waited_s >= 0.9 * timeout_s,
        "CPython's Lock, asked again by its holder, waited out its timeout for itself",
    );
    report.check(
        locks.rlock_depth == 2 && !locks.rlock_other_got_it,
        "CPython's RLock let its holder in again and kept another thread out",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(got_it: bool, waited: f64, other: bool) -> String {
        format!(
            r#"{{"version": "3.11.7", "lock_got_it": {got_it}, "lock_waited_s": {waited},
                "rlock_depth": 2, "rlock_other_got_it": {other}}}"#
        )
    }

    fn broken(stdout: &str) -> Vec<String> {
        let run = PythonRelockRun::Ran {
            locks: parse(stdout).unwrap(),
        };
        let mut report = SectionReport::new("relock", "test");
        add_table(&run, 0.1, &mut report);
        report.broken().iter().map(|c| c.claim.clone()).collect()
    }

    #[test]
    fn a_lock_that_waited_for_itself_and_an_rlock_that_let_in_hold() {
        assert!(broken(&output(false, 0.1001, false)).is_empty());
    }

    #[test]
    fn a_lock_that_returned_early_or_let_in_its_holder_is_broken() {
        assert_eq!(broken(&output(false, 0.01, false)).len(), 1);
        assert_eq!(broken(&output(true, 0.1001, false)).len(), 1);
    }

    #[test]
    fn an_rlock_another_thread_got_is_broken() {
        let broken = broken(&output(false, 0.1001, true));
        assert_eq!(broken.len(), 1);
        assert!(broken[0].contains("kept another thread out"), "{broken:?}");
    }

    #[test]
    fn a_negative_wait_is_refused() {
        assert!(parse(&output(false, -1.0, false)).is_err());
    }

    #[test]
    fn not_asked_adds_nothing_and_a_skip_says_why() {
        let mut report = SectionReport::new("relock", "test");
        add_table(&PythonRelockRun::NotAsked, 0.1, &mut report);
        assert_eq!(report.blocks.len(), 0);
        let skipped = PythonRelockRun::Skipped {
            why: "'python9' was not found".into(),
        };
        add_table(&skipped, 0.1, &mut report);
        assert!(
            format!("{report:?}").contains("CPython's locks skipped: 'python9'")
        );
    }
}
