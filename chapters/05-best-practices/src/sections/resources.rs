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

use crate::Context;
use crate::quiet::quietly;
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// Money lost when `transfer` is cancelled each of three ways, and
/// whether each cancellation really happened.
async fn cancel_three_ways(transfer: Transfer, limit: Duration) -> Vec<(i64, bool)> {
    let mut results = Vec::new();

    // 1. A select! that finishes on another branch drops this one.
    let accounts = Accounts::new();
    let cancelled = tokio::select! {
        biased; // poll the transfer first, so it reaches its await
        () = transfer(accounts.clone()) => false,
        () = std::future::ready(()) => true,
    };
    results.push((100 - accounts.total(), cancelled));

    // 2. A timeout drops the future it wraps.
    let accounts = Accounts::new();
    let timed_out = tokio::time::timeout(limit, transfer(accounts.clone()))
        .await
        .is_err();
    results.push((100 - accounts.total(), timed_out));

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
    results.push((100 - accounts.total(), aborted));
    results
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let mut report = SectionReport::new(
        "resources",
        "Rule 6: release resources deterministically. A connection given back by \
         hand leaks on every early way out; held in a guard it goes back on \
         every path. An async transfer cancelled at its .await leaves money \
         half-moved unless a guard undoes the first half.",
    );
    let mut table = Table::new(
        "Connections still out after one call, by way out of the function",
        &["way out", "given back by hand", "held in a guard"],
    );
    let (mut by_hand_leaks, mut guard_leaks) = (0, 0);
    for path in Path::ALL {
        let (h, g) = (leaked(by_hand, path), leaked(with_guard, path));
        (by_hand_leaks, guard_leaks) = (by_hand_leaks + h, guard_leaks + g);
        table.push(vec![
            Cell::text(path.name()),
            Cell::Count(h as u64),
            Cell::Count(g as u64),
        ]);
    }
    let pool = Pool::default();
    let re_raised = scoped_thread_panics(&pool);
    table.push(vec![
        Cell::text("panic in a scoped thread"),
        Cell::text("—"),
        Cell::Count(pool.out() as u64),
    ]);
    report.table(table);
    report.check(
        by_hand_leaks == 3,
        "by hand, the early return, the ? and the panic each leaked one",
    );
    report.check(guard_leaks == 0, "the guard gave it back on every path");
    report.check(
        re_raised && pool.out() == 0,
        "a scoped thread's panic reached the caller, and its lease went back",
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let limit = context.sizes.deadline;
    let before = runtime.block_on(cancel_three_ways(two_steps, limit));
    let after = runtime.block_on(cancel_three_ways(guarded, limit));
    let mut table = Table::new(
        "A transfer of 10, cancelled at its await: money missing afterwards",
        &["cancelled by", "debit, await, credit", "debit in a guard"],
    );
    let ways = [
        "select! on another branch",
        "tokio::time::timeout",
        "JoinHandle::abort",
    ];
    for (way, (b, a)) in ways.iter().zip(before.iter().zip(&after)) {
        table.push(vec![
            Cell::text(*way),
            Cell::Count(b.0 as u64),
            Cell::Count(a.0 as u64),
        ]);
    }
    report.table(table);
    report.check(
        before.iter().chain(&after).all(|(_, cancelled)| *cancelled),
        "each of the three ways really cancelled the transfer",
    );
    report.check(
        before.iter().all(|(lost, _)| *lost == 10),
        "unguarded, every cancellation left the transfer half done: 10 missing",
    );
    report.check(
        after.iter().all(|(lost, _)| *lost == 0),
        "guarded, every cancellation rolled the debit back: nothing missing",
    );
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
