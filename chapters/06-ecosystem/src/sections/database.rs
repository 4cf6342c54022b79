//! `database`: a real database, driven from async code.
//!
//! The claim: a blocking driver (rusqlite, like Python's `sqlite3`) called
//! straight from an async task stops every other task on that thread for
//! the whole query; on `spawn_blocking` the others run on. With that in
//! place, concurrent writers and readers share one SQLite file safely, and
//! a transaction keeps a transfer whole. PostgreSQL and Redis run when the
//! reader has them.

use crate::Context;
use crate::db::bank::{self, Outcome};
use crate::db::{self, TempDb, servers};
use crate::sizes::Sizes;
use shared::report::{Cell, Record, SectionReport, Table};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// The most times a reader counts the rows: a bound on its loop.
const MAX_READS: usize = 100_000;

/// The bank of the transfers: how many accounts, and what each opens with.
const ACCOUNTS: i64 = 10;
const OPENING: i64 = 100;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let mut report = SectionReport::new(
        "database",
        "SQLite through rusqlite, a blocking driver, from async code: on the \
         runtime's thread it stalls every task; on spawn_blocking it does not. \
         Then concurrent writers, readers and transfers in transactions.",
    );
    let file = TempDb::new("database");
    blocking_the_runtime(&file, sizes.slow_query_to, &mut report)?;
    let runtime = context.runtime()?;
    runtime.block_on(readers_and_writers(&file, &sizes, &mut report))?;
    runtime.block_on(transfers(&file, &sizes, &mut report))?;
    servers(runtime, &mut report);
    Ok(report)
}

/// A ticker task beside one slow query, on a single-threaded runtime (one
/// thread, like asyncio's event loop): how often did it tick meanwhile?
fn blocking_the_runtime(
    file: &TempDb,
    count_to: i64,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let conn = db::open(&file.path)?;
    let ((direct, spawned), (direct_took, spawned_took)) =
        runtime.block_on(async {
            let ticks = Arc::new(AtomicU64::new(0));
            let ticker = tokio::spawn(tick(Arc::clone(&ticks)));
            tokio::time::sleep(Duration::from_millis(5)).await;
            // ANCHOR: blocking_call
            // On the runtime's own thread: nothing else runs until it returns.
            let before = ticks.load(Ordering::SeqCst);
            let start = Instant::now();
            db::count_to(&conn, count_to)?;
            let direct_took = start.elapsed();
            let direct = ticks.load(Ordering::SeqCst) - before;

            tokio::time::sleep(Duration::from_millis(5)).await;
            // On the blocking pool: the runtime's thread is free to tick.
            let before = ticks.load(Ordering::SeqCst);
            let start = Instant::now();
            let conn = tokio::task::spawn_blocking(move || {
                db::count_to(&conn, count_to).map(|_| conn)
            })
            .await??;
            let spawned_took = start.elapsed();
            let spawned = ticks.load(Ordering::SeqCst) - before;
            // ANCHOR_END: blocking_call
            ticker.abort();
            drop(conn);
            anyhow::Ok(((direct, spawned), (direct_took, spawned_took)))
        })?;
    let mut table = Table::new(
        format!("A query counting to {count_to}, beside a task ticking every 1 ms"),
        &["the query ran", "took", "ticks meanwhile"],
    );
    table.push(vec![
        Cell::text("in the async task"),
        Cell::Seconds(direct_took.as_secs_f64()),
        Cell::Tally(direct),
    ]);
    table.push(vec![
        Cell::text("on spawn_blocking"),
        Cell::Seconds(spawned_took.as_secs_f64()),
        Cell::Tally(spawned),
    ]);
    report.table(table);
    report.record(
        Record::new("database", Some("slow-query"), "rusqlite")
            .with("direct_s", direct_took.as_secs_f64())
            .with("direct_ticks", direct)
            .with("spawn_blocking_s", spawned_took.as_secs_f64())
            .with("spawn_blocking_ticks", spawned),
    );
    report.check(
        direct == 0 && spawned > 0,
        "called in the task, the query stopped the ticker dead (0 ticks); on \
         spawn_blocking the ticker went on ticking",
    );
    Ok(())
}

/// Ticks until aborted, or at most 100 000 times (100 s): bounded.
async fn tick(ticks: Arc<AtomicU64>) {
    let mut interval = tokio::time::interval(Duration::from_millis(1));
    // Ticks missed while the thread was blocked are not made up afterwards:
    // a burst of them would be counted in the next measurement.
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    for _ in 0..100_000 {
        interval.tick().await;
        ticks.fetch_add(1, Ordering::SeqCst);
    }
}

/// Writers commit batches while readers count; every count a reader sees
/// is a whole number of batches.
async fn readers_and_writers(
    file: &TempDb,
    sizes: &Sizes,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let (batch, per_writer) = (sizes.rows_per_transaction, sizes.transactions);
    let writing = Arc::new(AtomicBool::new(true));
    let start = Instant::now();
    // ANCHOR: writers
    let mut writers = JoinSet::new();
    for writer in 0..sizes.writers {
        let path = file.path.clone();
        writers.spawn_blocking(move || -> rusqlite::Result<()> {
            let mut conn = db::open(&path)?;
            for _ in 0..per_writer {
                db::write_batch(&mut conn, writer, batch)?;
            }
            Ok(())
        });
    }
    // ANCHOR_END: writers
    let mut readers = JoinSet::new();
    for _ in 0..sizes.readers {
        let (path, writing) = (file.path.clone(), Arc::clone(&writing));
        readers.spawn_blocking(move || read_while(&path, &writing));
    }
    while let Some(done) = writers.join_next().await {
        done??;
    }
    writing.store(false, Ordering::SeqCst);
    let wall = start.elapsed();
    let mut seen = BTreeSet::new();
    let mut reads = 0;
    while let Some(done) = readers.join_next().await {
        let (counts, n) = done??;
        seen.extend(counts);
        reads += n;
    }
    let total = db::count_events(&db::open(&file.path)?)?;
    let expected = (sizes.writers * per_writer * batch) as i64;
    let mut table = Table::new(
        "Writers and readers on one SQLite file (WAL mode)",
        &[
            "writers",
            "transactions",
            "rows each",
            "rows",
            "took",
            "reads",
            "counts seen",
        ],
    );
    table.push(vec![
        Cell::Count(sizes.writers as u64),
        Cell::Count((sizes.writers * per_writer) as u64),
        Cell::Count(batch as u64),
        Cell::Count(total as u64),
        Cell::Seconds(wall.as_secs_f64()),
        Cell::Tally(reads as u64),
        Cell::Tally(seen.len() as u64),
    ]);
    report.table(table);
    report.check(
        total == expected,
        format!("every committed row is there: {expected} rows"),
    );
    report.check(
        seen.iter().all(|count| count % batch as i64 == 0),
        format!(
            "readers never saw half a transaction: every count they read was a \
             multiple of {batch}"
        ),
    );
    Ok(())
}

/// Counts the rows until the writers are done (or [`MAX_READS`] times):
/// the distinct counts seen, and how many reads it made.
fn read_while(
    path: &Path,
    writing: &AtomicBool,
) -> rusqlite::Result<(BTreeSet<i64>, usize)> {
    let conn = db::open(path)?;
    let mut seen = BTreeSet::new();
    let mut reads = 0;
    while reads < MAX_READS {
        let still_writing = writing.load(Ordering::SeqCst);
        seen.insert(db::count_events(&conn)?);
        reads += 1;
        if !still_writing {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    Ok((seen, reads))
}

/// Transfers that sometimes overdraw: without a transaction money appears
/// from nowhere; with one, the total never moves.
async fn transfers(
    file: &TempDb,
    sizes: &Sizes,
    report: &mut SectionReport,
) -> anyhow::Result<()> {
    let plan: Vec<(i64, i64, i64)> = (0..sizes.transfers as i64)
        .map(|i| (i % ACCOUNTS, (i * 7 + 3) % ACCOUNTS, 10 + (i * 37) % 90))
        .filter(|(from, to, _)| from != to)
        .collect();
    let mut table = Table::new(
        format!(
            "{} transfers between {ACCOUNTS} accounts of {OPENING} (a balance may \
             not go below 0)",
            plan.len()
        ),
        &["how", "moved", "refused", "total after", "lowest balance"],
    );
    let mut outcomes = Vec::new();
    for with_transaction in [false, true] {
        let path = file.path.clone();
        let plan = plan.clone();
        let (moved, refused, total, lowest) = tokio::task::spawn_blocking(
            move || -> rusqlite::Result<(u64, u64, i64, i64)> {
                let mut conn = db::open(&path)?;
                bank::open_accounts(&mut conn, ACCOUNTS, OPENING)?;
                let (mut moved, mut refused) = (0, 0);
                for &(from, to, amount) in &plan {
                    let outcome = if with_transaction {
                        bank::transfer(&mut conn, from, to, amount)?
                    } else {
                        bank::transfer_without_transaction(&conn, from, to, amount)?
                    };
                    match outcome {
                        Outcome::Moved => moved += 1,
                        Outcome::RolledBack => refused += 1,
                    }
                }
                let (total, lowest) = bank::total_and_lowest(&conn)?;
                Ok((moved, refused, total, lowest))
            },
        )
        .await??;
        let how = if with_transaction {
            "one transaction each"
        } else {
            "autocommit (broken)"
        };
        table.push(vec![
            Cell::text(how),
            Cell::Count(moved),
            Cell::Count(refused),
            Cell::Count(total as u64),
            Cell::Count(lowest as u64),
        ]);
        outcomes.push((refused, total, lowest));
    }
    let concurrent = concurrent_transfers(file, &plan, sizes.writers).await?;
    table.push(vec![
        Cell::text(format!("{} connections at once", sizes.writers)),
        Cell::Tally(concurrent.0),
        Cell::Tally(concurrent.1),
        Cell::Count(concurrent.2 as u64),
        Cell::Tally(concurrent.3 as u64),
    ]);
    report.table(table);
    let opening_total = ACCOUNTS * OPENING;
    let (broken, fixed) = (outcomes[0], outcomes[1]);
    report.check(
        broken.0 > 0 && broken.1 > opening_total,
        "without a transaction, each refused debit left its credit behind: the \
         total grew",
    );
    report.check(
        fixed.0 > 0
            && fixed.1 == opening_total
            && concurrent.2 == opening_total
            && fixed.2 >= 0
            && concurrent.3 >= 0,
        format!(
            "in a transaction, a refused debit rolled its credit back: the total \
             stayed {opening_total} and no balance went below 0, one connection or \
             several at once"
        ),
    );
    Ok(())
}

/// The plan split over `workers` connections, each on spawn_blocking:
/// (moved, refused, total, lowest). Which transfers are refused depends
/// on the order the workers commit in.
async fn concurrent_transfers(
    file: &TempDb,
    plan: &[(i64, i64, i64)],
    workers: usize,
) -> anyhow::Result<(u64, u64, i64, i64)> {
    let path = file.path.clone();
    let opened = path.clone();
    tokio::task::spawn_blocking(move || {
        bank::open_accounts(&mut db::open(&opened)?, ACCOUNTS, OPENING)
    })
    .await??;
    let workers = workers.max(1);
    let mut tasks = JoinSet::new();
    for w in 0..workers {
        let (path, mine): (PathBuf, Vec<_>) = (
            path.clone(),
            plan.iter().skip(w).step_by(workers).copied().collect(),
        );
        tasks.spawn_blocking(move || -> rusqlite::Result<(u64, u64)> {
            let mut conn = db::open(&path)?;
            let (mut moved, mut refused) = (0, 0);
            for (from, to, amount) in mine {
                match bank::transfer(&mut conn, from, to, amount)? {
                    Outcome::Moved => moved += 1,
                    Outcome::RolledBack => refused += 1,
                }
            }
            Ok((moved, refused))
        });
    }
    let (mut moved, mut refused) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (m, r) = done??;
        moved += m;
        refused += r;
    }
    let (total, lowest) = bank::total_and_lowest(&db::open(&path)?)?;
    Ok((moved, refused, total, lowest))
}

/// PostgreSQL and Redis, where the reader runs them.
fn servers(runtime: &tokio::runtime::Runtime, report: &mut SectionReport) {
    let mut table = Table::new(
        "Database servers (asyncpg and aioredis in Python)",
        &["server", "async driver", "here"],
    );
    let mut checks = Vec::new();
    for server in [servers::POSTGRES, servers::REDIS] {
        let here = match server.url() {
            Err(skipped) => skipped,
            Ok(url) => runtime.block_on(run_server(server, &url, &mut checks)),
        };
        table.push(vec![
            Cell::text(server.name),
            Cell::text(server.driver),
            Cell::Varies(here),
        ]);
    }
    report.table(table);
    report.note(
        "The drivers are opt-in cargo features (`postgres`, `redis`): they add \
         compile time, and most readers have neither server running. The \
         page says what each costs and how it maps to asyncpg and aioredis.",
    );
    for (holds, claim) in checks {
        report.check(holds, claim);
    }
}

/// How many tasks, each on its own connection, write to a server at once.
#[cfg(any(feature = "postgres", feature = "redis"))]
const SERVER_TASKS: usize = 8;
/// How many rows each PostgreSQL task inserts, one transaction each.
#[cfg(feature = "postgres")]
const ROWS_PER_TASK: usize = 25;

/// Runs one server's demo: its checks go into `checks` (they appear only
/// when a server is there), its one-line outcome into the table.
#[cfg_attr(
    not(any(feature = "postgres", feature = "redis")),
    expect(clippy::unused_async, clippy::ptr_arg, unused_variables)
)]
async fn run_server(
    server: servers::Server,
    url: &str,
    checks: &mut Vec<(bool, String)>,
) -> String {
    #[cfg(feature = "postgres")]
    if server.feature == servers::POSTGRES.feature {
        let ran = servers::postgres::run(url, SERVER_TASKS, ROWS_PER_TASK).await;
        return match ran {
            Ok(c) => {
                let expected =
                    i64::try_from(SERVER_TASKS * ROWS_PER_TASK).unwrap_or(i64::MAX);
                checks.push((
                    c.rows == expected && c.sum == expected && c.total == expected,
                    "PostgreSQL: every insert and its update of the total \
                     committed together: rows = sum = kept total"
                        .to_owned(),
                ));
                format!(
                    "ran: {} rows, sum {}, kept total {}",
                    c.rows, c.sum, c.total
                )
            }
            Err(e) => server_failed(server, &e, checks),
        };
    }
    #[cfg(feature = "redis")]
    if server.feature == servers::REDIS.feature {
        return match servers::redis::run(url, SERVER_TASKS).await {
            Ok(c) => {
                let tasks = i64::try_from(SERVER_TASKS).unwrap_or(i64::MAX);
                let after = tasks + servers::redis::MULTI_ADDS;
                checks.push((
                    c.after_incrs == tasks
                        && c.multi_incr == after
                        && c.multi_get == after,
                    "Redis: concurrent INCRs from separate connections lost \
                     none; MULTI/EXEC saw its own INCRBY and nothing else"
                        .to_owned(),
                ));
                format!(
                    "ran: {} INCRs gave {}; MULTI/EXEC gave {} and {}",
                    SERVER_TASKS, c.after_incrs, c.multi_incr, c.multi_get
                )
            }
            Err(e) => server_failed(server, &e, checks),
        };
    }
    format!("{} is not built", server.driver)
}

/// A server that was named but did not answer is a failure, not a skip:
/// the reader asked for it.
#[cfg(any(feature = "postgres", feature = "redis"))]
fn server_failed(
    server: servers::Server,
    error: &anyhow::Error,
    checks: &mut Vec<(bool, String)>,
) -> String {
    checks.push((
        false,
        format!("{} at {} answered: {error:#}", server.name, server.variable),
    ));
    format!("failed: {error:#}")
}
