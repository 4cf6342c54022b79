//! `resources`: rule 6, release resources deterministically.
//!
//! Part one: a pool of connections, taken and given back. Given back by
//! hand at the end of the function (Python's `acquire()` … `release()`
//! without `with` or `finally`), every path that leaves early leaks one.
//! Held in a guard that gives it back in `Drop` (Python's `with`), no
//! path can. Part two: an async transfer cancelled at its `.await` — by
//! a `select!` that drops it, by `tokio::time::timeout`, by
//! `JoinHandle::abort` — leaves money half-moved unless a guard undoes the
//! first half.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::panics::quietly;
use shared::report::{Cell, SectionReport, Table};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

/// Connections handed out and not yet given back: a leak shows as a
/// count that stays above zero.
#[derive(Debug, Default)]
pub struct Pool {
    out: AtomicUsize,
}

impl Pool {
    pub fn take(&self) {
        self.out.fetch_add(1, Ordering::SeqCst);
    }

    pub fn give_back(&self) {
        self.out.fetch_sub(1, Ordering::SeqCst);
    }

    pub fn out(&self) -> usize {
        self.out.load(Ordering::SeqCst)
    }
}

// ANCHOR: lease
impl Pool {
    /// A connection that goes back to the pool when the lease is dropped.
    pub fn lease(&self) -> Lease<'_> {
        self.take();
        Lease { pool: self }
    }
}

/// Gives its connection back on every way out of its scope: the end, a
/// `return`, a `?`, a panic unwinding through it.
pub struct Lease<'a> {
    pool: &'a Pool,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        self.pool.give_back();
    }
}
// ANCHOR_END: lease

/// The ways out of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Path {
    /// Falls off the end.
    Normal,
    /// `return` before the end.
    EarlyReturn,
    /// An error passed up with `?`.
    Error,
    /// A panic.
    Panic,
}

impl Path {
    pub const ALL: [Path; 4] =
        [Path::Normal, Path::EarlyReturn, Path::Error, Path::Panic];

    fn name(self) -> &'static str {
        match self {
            Path::Normal => "normal end",
            Path::EarlyReturn => "early return",
            Path::Error => "error with ?",
            Path::Panic => "panic",
        }
    }
}

/// Stands in for the work done with a connection.
fn query(path: Path) -> Result<bool, String> {
    match path {
        Path::Error => Err("the query failed".into()),
        Path::Panic => panic!("a bug in the query code"),
        Path::EarlyReturn => Ok(false),
        Path::Normal => Ok(true),
    }
}

// ANCHOR: by_hand
/// Before: give the connection back by hand at the end.
fn by_hand(pool: &Pool, path: Path) -> Result<(), String> {
    pool.take();
    let found = query(path)?; // an error leaves here, without giving back
    if !found {
        return Ok(()); // so does this
    }
    pool.give_back(); // only the normal path reaches this line
    Ok(())
}
// ANCHOR_END: by_hand

// ANCHOR: with_guard
/// After: hold it in a guard; every way out gives it back.
fn with_guard(pool: &Pool, path: Path) -> Result<(), String> {
    let _lease = pool.lease();
    let found = query(path)?;
    if !found {
        return Ok(());
    }
    Ok(())
}
// ANCHOR_END: with_guard

/// Connections still out after one call of `f` on `path`, panics caught.
fn leaked(f: fn(&Pool, Path) -> Result<(), String>, path: Path) -> usize {
    let pool = Pool::default();
    let _ = quietly(|| catch_unwind(AssertUnwindSafe(|| f(&pool, path))));
    pool.out()
}

// ANCHOR: scoped
/// A scoped thread that panics holding a lease: the scope joins it and
/// passes the panic on, and the lease was given back during the unwind.
fn scoped_thread_panics(pool: &Pool) -> bool {
    let outcome = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            std::thread::scope(|s| {
                s.spawn(|| {
                    let _lease = pool.lease();
                    let _ = query(Path::Panic);
                });
            })
        }))
    });
    outcome.is_err() // the scope re-raised the thread's panic
}
// ANCHOR_END: scoped

/// Two balances; money in flight is neither here nor there.
#[derive(Debug)]
pub struct Accounts {
    pub from: AtomicI64,
    pub to: AtomicI64,
}

impl Accounts {
    fn new() -> Arc<Accounts> {
        Arc::new(Accounts {
            from: AtomicI64::new(100),
            to: AtomicI64::new(0),
        })
    }

    fn total(&self) -> i64 {
        self.from.load(Ordering::SeqCst) + self.to.load(Ordering::SeqCst)
    }
}

// ANCHOR: two_steps
/// Before: debit, wait for a confirmation, credit. Cancelled at the
/// `.await`, the debit is done and the credit never will be.
async fn transfer_in_two_steps(
    accounts: Arc<Accounts>,
    confirmed: impl Future<Output = ()>,
) {
    accounts.from.fetch_sub(10, Ordering::SeqCst);
    confirmed.await; // a cancelled future stops here, for good
    accounts.to.fetch_add(10, Ordering::SeqCst);
}
// ANCHOR_END: two_steps

// ANCHOR: guarded
/// The first half of a transfer, undone on drop unless committed.
struct Debit {
    accounts: Arc<Accounts>,
    committed: bool,
}

impl Debit {
    fn new(accounts: Arc<Accounts>) -> Debit {
        accounts.from.fetch_sub(10, Ordering::SeqCst);
        Debit {
            accounts,
            committed: false,
        }
    }

    fn commit(mut self) {
        self.accounts.to.fetch_add(10, Ordering::SeqCst);
        self.committed = true;
    }
}

impl Drop for Debit {
    fn drop(&mut self) {
        if !self.committed {
            self.accounts.from.fetch_add(10, Ordering::SeqCst); // roll back
        }
    }
}

/// After: the same steps, the debit held by a guard. Dropping the future
/// drops the guard, which undoes the debit.
async fn transfer_guarded(
    accounts: Arc<Accounts>,
    confirmed: impl Future<Output = ()>,
) {
    let debit = Debit::new(accounts);
    confirmed.await;
    debit.commit();
}
// ANCHOR_END: guarded

/// The confirmation in this demo never comes, so cancellation always
/// lands at the `.await` — no race with a fast confirmation.
fn never() -> std::future::Pending<()> {
    std::future::pending()
}

type Transfer =
    fn(Arc<Accounts>) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

fn two_steps(
    a: Arc<Accounts>,
) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(transfer_in_two_steps(a, never()))
}

fn guarded(a: Arc<Accounts>) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(transfer_guarded(a, never()))
}

/// The ways a future is cancelled, in the order they are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cancel {
    Select,
    Timeout,
    Abort,
}

impl Cancel {
    pub fn name(self) -> &'static str {
        match self {
            Cancel::Select => "select! on another branch",
            Cancel::Timeout => "tokio::time::timeout",
            Cancel::Abort => "JoinHandle::abort",
        }
    }
}

/// What one cancellation did to a transfer of 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancelled {
    /// Money missing afterwards.
    pub lost: i64,
    /// Whether the cancellation really happened.
    pub cancelled: bool,
}

/// Money lost when `transfer` is cancelled each of three ways, and
/// whether each cancellation really happened, in [`Cancel`]'s order.
async fn cancel_three_ways(transfer: Transfer, limit: Duration) -> Vec<Cancelled> {
    let mut results = Vec::new();

    // 1. A select! that finishes on another branch drops this one.
    let accounts = Accounts::new();
    let cancelled = tokio::select! {
        biased; // poll the transfer first, so it reaches its await
        () = transfer(accounts.clone()) => false,
        () = std::future::ready(()) => true,
    };
    results.push(Cancelled {
        lost: 100 - accounts.total(),
        cancelled,
    });

    // 2. A timeout drops the future it wraps.
    let accounts = Accounts::new();
    let timed_out = tokio::time::timeout(limit, transfer(accounts.clone()))
        .await
        .is_err();
    results.push(Cancelled {
        lost: 100 - accounts.total(),
        cancelled: timed_out,
    });

    // 3. abort() cancels a spawned task at its next await.
    let accounts = Accounts::new();
    let task = tokio::spawn(transfer(accounts.clone()));
    for _ in 0..1_000 {
        if accounts.from.load(Ordering::SeqCst) != 100 {
            break; // the task has reached its await
        }
        tokio::task::yield_now().await;
    }
    task.abort();
    let aborted = matches!(task.await, Err(e) if e.is_cancelled());
    results.push(Cancelled {
        lost: 100 - accounts.total(),
        cancelled: aborted,
    });
    results
}

/// What `resources` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resources {
    /// Connections still out after one call, by way out of the function.
    pub paths: Vec<PathLeaks>,
    /// A scoped thread that panicked holding a lease: whether the scope
    /// passed the panic on, and the connections still out after.
    pub scoped_re_raised: bool,
    pub scoped_out: usize,
    /// A transfer cancelled each way: unguarded, and with its debit in a
    /// guard.
    pub cancelled: Vec<Cancellation>,
}

/// One way out of a function, and the connections it left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathLeaks {
    pub path: Path,
    pub by_hand: usize,
    pub guard: usize,
}

/// One way of cancelling, and what it did to each version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    pub way: Cancel,
    pub two_steps: Cancelled,
    pub guarded: Cancelled,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let paths = (Path::ALL.into_iter())
        .map(|path| PathLeaks {
            path,
            by_hand: leaked(by_hand, path),
            guard: leaked(with_guard, path),
        })
        .collect();
    let pool = Pool::default();
    let scoped_re_raised = scoped_thread_panics(&pool);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let limit = context.sizes.deadline;
    let before = runtime.block_on(cancel_three_ways(two_steps, limit));
    let after = runtime.block_on(cancel_three_ways(guarded, limit));
    let ways = [Cancel::Select, Cancel::Timeout, Cancel::Abort];
    let cancelled = (ways.into_iter().zip(before.into_iter().zip(after)))
        .map(|(way, (two_steps, guarded))| Cancellation {
            way,
            two_steps,
            guarded,
        })
        .collect();
    results.resources = Some(Resources {
        paths,
        scoped_re_raised,
        scoped_out: pool.out(),
        cancelled,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let resources = need(&results.resources, "resources")?;
    let mut report = SectionReport::new(
        "resources",
        "Rule 6: release resources deterministically. A connection given back by \
         hand leaks on every early way out; held in a guard it goes back on \
         every path. An async transfer cancelled at its .await leaves money \
         half-moved unless a guard undoes the first half.",
    );
    report_leases(&mut report, resources);
    report_cancelled(&mut report, &resources.cancelled);
    report.note(
        "In Rust, cancelling a future means dropping it: it stops at the await \
         where it was suspended and never runs another line. Drop still runs, so \
         a guard is the one place cleanup is sure to happen — the async form of \
         Python's try/finally around an await that may raise CancelledError. \
         The simplest fix needs no guard: await first, then make both changes \
         with no await between them.",
    );
    Ok(report)
}

/// A connection given back by hand or held in a guard, on every way out.
fn report_leases(report: &mut SectionReport, resources: &Resources) {
    let mut table = Table::new(
        "Connections still out after one call, by way out of the function",
        &["way out", "given back by hand", "held in a guard"],
    );
    for leaks in &resources.paths {
        table.push(vec![
            Cell::text(leaks.path.name()),
            Cell::Count(leaks.by_hand as u64),
            Cell::Count(leaks.guard as u64),
        ]);
    }
    table.push(vec![
        Cell::text("panic in a scoped thread"),
        Cell::text("—"),
        Cell::Count(resources.scoped_out as u64),
    ]);
    report.table(table);
    let leaked = |path: Path| {
        let leaks = resources.paths.iter().find(|l| l.path == path);
        leaks.map(|l| l.by_hand)
    };
    report.check(
        leaked(Path::Normal) == Some(0)
            && [Path::EarlyReturn, Path::Error, Path::Panic]
                .into_iter()
                .all(|p| leaked(p) == Some(1)),
        "by hand, the early return, the ? and the panic each leaked one",
    );
    report.check(
        resources.paths.len() == Path::ALL.len()
            && resources.paths.iter().all(|l| l.guard == 0),
        "the guard gave it back on every path",
    );
    report.check(
        resources.scoped_re_raised && resources.scoped_out == 0,
        "a scoped thread's panic reached the caller, and its lease went back",
    );
}

/// A transfer cancelled at its await, unguarded and guarded.
fn report_cancelled(report: &mut SectionReport, cancelled: &[Cancellation]) {
    let mut table = Table::new(
        "A transfer of 10, cancelled at its await: money missing afterwards",
        &["cancelled by", "debit, await, credit", "debit in a guard"],
    );
    for c in cancelled {
        table.push(vec![
            Cell::text(c.way.name()),
            Cell::Count(c.two_steps.lost as u64),
            Cell::Count(c.guarded.lost as u64),
        ]);
    }
    report.table(table);
    report.check(
        cancelled.len() == 3
            && (cancelled.iter())
                .all(|c| c.two_steps.cancelled && c.guarded.cancelled),
        "each of the three ways really cancelled the transfer",
    );
    report.check(
        cancelled.iter().all(|c| c.two_steps.lost == 10),
        "unguarded, every cancellation left the transfer half done: 10 missing",
    );
    report.check(
        cancelled.iter().all(|c| c.guarded.lost == 0),
        "guarded, every cancellation rolled the debit back: nothing missing",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(guard_leaks: usize, guarded_lost: i64) -> Results {
        let paths = (Path::ALL.into_iter())
            .map(|path| PathLeaks {
                path,
                by_hand: usize::from(path != Path::Normal),
                guard: if path == Path::Panic { guard_leaks } else { 0 },
            })
            .collect();
        let cancelled = [Cancel::Select, Cancel::Timeout, Cancel::Abort]
            .into_iter()
            .map(|way| Cancellation {
                way,
                two_steps: Cancelled {
                    lost: 10,
                    cancelled: true,
                },
                guarded: Cancelled {
                    lost: guarded_lost,
                    cancelled: true,
                },
            })
            .collect();
        Results {
            resources: Some(Resources {
                paths,
                scoped_re_raised: true,
                scoped_out: 0,
                cancelled,
            }),
            ..Results::default()
        }
    }

    #[test]
    fn leaks_by_hand_and_none_guarded_hold() {
        let good = report(&made_up(0, 0)).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn a_guard_that_leaked_or_a_debit_not_rolled_back_is_broken() {
        let leaky = report(&made_up(1, 0)).unwrap();
        assert_eq!(leaky.broken().len(), 1, "{leaky:?}");
        assert!(leaky.broken()[0].claim.contains("every path"));
        let half_done = report(&made_up(0, 10)).unwrap();
        assert_eq!(half_done.broken().len(), 1);
        assert!(
            half_done.broken()[0]
                .claim
                .contains("rolled the debit back")
        );
    }
}
