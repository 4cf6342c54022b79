//! A `std::sync::Mutex` guard held across an `.await`, on a runtime with
//! one thread. The holder is suspended with the lock; the next task
//! blocks the thread waiting for it; the holder can never run again to
//! release it. clippy's `await_holding_lock` lint catches the pattern.
//!
//! `tokio::spawn` would not even accept the broken task — a std guard is
//! not `Send` — so the tasks here are local to one thread, as they are in
//! a `LocalSet` or a single-threaded app.
//!
//! Both tasks touch one counter. Each version runs them on a fresh
//! one-thread runtime, first task first (tokio runs spawned tasks in
//! order), so the outcome does not depend on scheduling luck.

use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tokio::task::yield_now;

/// The three ways the two tasks share the counter, the broken one first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Version {
    StdHeldAcrossAwait,
    StdDroppedBeforeAwait,
    TokioHeldAcrossAwait,
}

impl Version {
    pub fn name(self) -> &'static str {
        match self {
            Version::StdHeldAcrossAwait => "std Mutex held across .await",
            Version::StdDroppedBeforeAwait => {
                "std Mutex, guard dropped before .await"
            }
            Version::TokioHeldAcrossAwait => "tokio::sync::Mutex held across .await",
        }
    }
}

/// What one version did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub version: Version,
    /// Whether the second task got the lock within the bound.
    pub other_got_lock: bool,
    /// The counter at the end: 2 when both tasks added their 1.
    pub total: u64,
}

// ANCHOR: before
/// Before: the guard lives across the `.await`.
#[expect(clippy::await_holding_lock, reason = "the mistake this demo shows")]
async fn add_across_await(counter: Arc<Mutex<u64>>) {
    let mut guard = counter.lock().unwrap_or_else(|e| e.into_inner());
    yield_now().await; // suspended here, still holding the lock
    *guard += 1;
}
// ANCHOR_END: before

// ANCHOR: scoped
/// After (one fix): finish with the guard, drop it, then await.
async fn add_then_await(counter: Arc<Mutex<u64>>) {
    {
        let mut guard = counter.lock().unwrap_or_else(|e| e.into_inner());
        *guard += 1;
    } // the guard is dropped here, before the await
    yield_now().await;
}
// ANCHOR_END: scoped

// ANCHOR: tokio_mutex
/// After (the other fix): tokio's Mutex; waiting for it yields.
async fn add_with_tokio_mutex(counter: Arc<tokio::sync::Mutex<u64>>) {
    let mut guard = counter.lock().await;
    yield_now().await; // fine: a waiting task yields instead of blocking
    *guard += 1;
}
// ANCHOR_END: tokio_mutex

/// The second task's plain blocking `lock()`, with a bound: it blocks the
/// runtime's thread exactly as `lock()` would, but gives up after `limit`
/// instead of deadlocking the demo.
fn blocking_lock_for(counter: &Mutex<u64>, limit: Duration) -> bool {
    let start = Instant::now();
    loop {
        if let Ok(mut guard) = counter.try_lock() {
            *guard += 1;
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        thread::sleep(Duration::from_millis(1)); // the thread stays blocked
    }
}

fn one_thread() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?)
}

/// Runs the two tasks for a std-Mutex version (`first` is the first task).
fn with_std_mutex<F>(
    first: fn(Arc<Mutex<u64>>) -> F,
    limit: Duration,
) -> anyhow::Result<(bool, u64)>
where
    F: Future<Output = ()> + 'static,
{
    let counter = Arc::new(Mutex::new(0));
    // A std guard is not `Send`, so `tokio::spawn` refuses the broken
    // future outright: the compiler's first line of defence. Tasks kept on
    // one thread (`spawn_local`) are accepted, and that is where it bites.
    let local = tokio::task::LocalSet::new();
    let got = local.block_on(&one_thread()?, async {
        let a = tokio::task::spawn_local(first(Arc::clone(&counter)));
        let other = Arc::clone(&counter);
        let b = tokio::task::spawn_local(
            async move { blocking_lock_for(&other, limit) },
        );
        a.await?;
        anyhow::Ok(b.await?)
    })?;
    let total = *counter.lock().unwrap_or_else(|e| e.into_inner());
    Ok((got, total))
}

/// The three versions, the broken one first.
pub fn compare(limit: Duration) -> anyhow::Result<Vec<Held>> {
    let (got, total) = with_std_mutex(add_across_await, limit)?;
    let before = Held {
        version: Version::StdHeldAcrossAwait,
        other_got_lock: got,
        total,
    };
    let (got, total) = with_std_mutex(add_then_await, limit)?;
    let scoped = Held {
        version: Version::StdDroppedBeforeAwait,
        other_got_lock: got,
        total,
    };
    let counter = Arc::new(tokio::sync::Mutex::new(0));
    let got = one_thread()?.block_on(async {
        let a = tokio::spawn(add_with_tokio_mutex(Arc::clone(&counter)));
        let other = Arc::clone(&counter);
        let b = tokio::spawn(async move {
            let locked = tokio::time::timeout(limit, other.lock()).await;
            locked.map(|mut guard| *guard += 1).is_ok()
        });
        a.await?;
        anyhow::Ok(b.await?)
    })?;
    let total = *counter.blocking_lock();
    let tokio_mutex = Held {
        version: Version::TokioHeldAcrossAwait,
        other_got_lock: got,
        total,
    };
    Ok(vec![before, scoped, tokio_mutex])
}

/// The table, and the checks that only the std guard held across .await
/// locked the other task out.
pub fn report(report: &mut SectionReport, held: &[Held]) {
    let version = |v| held.iter().find(|h| h.version == v);
    report.table(table(held));
    report.check(
        version(Version::StdHeldAcrossAwait).is_some_and(|h| !h.other_got_lock),
        "a std guard held across .await locks out the other task",
    );
    report.check(
        [
            Version::StdDroppedBeforeAwait,
            Version::TokioHeldAcrossAwait,
        ]
        .into_iter()
        .all(|v| version(v).is_some_and(|h| h.other_got_lock && h.total == 2)),
        "tokio's Mutex, or a guard dropped before .await, lets both finish",
    );
}

fn table(held: &[Held]) -> Table {
    let mut table = Table::new(
        "Two tasks on one runtime thread; the first holds the lock over a yield",
        &["version", "second task got the lock", "counter (want 2)"],
    );
    for h in held {
        table.push(vec![
            Cell::text(h.version.name()),
            Cell::text(super::super::yes(h.other_got_lock)),
            Cell::Count(h.total),
        ]);
    }
    table
}
