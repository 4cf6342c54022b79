//! `database`: a real database, driven from async code.
//!
//! The claim: a blocking driver (rusqlite, like Python's `sqlite3`) called
//! straight from an async task stops every other task on that thread for
//! the whole query; on `spawn_blocking` the others run on. With that in
//! place, concurrent writers and readers share one SQLite file safely, and
//! a transaction keeps a transfer whole. PostgreSQL and Redis run when the
//! reader has them.

use crate::db::bank::{self, Outcome};
use crate::db::{self, TempDb, servers};
use crate::sizes::Sizes;
use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
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

/// What `database` measured, durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Database {
    pub slow_query: SlowQuery,
    pub writers: Writers,
    pub transfers: Transfers,
    /// PostgreSQL and Redis: run, failed, or skipped (and why).
    pub servers: Vec<ServerRun>,
}

/// One slow query beside a ticking task, on a one-thread runtime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlowQuery {
    /// The query counts to this number in SQL.
    pub count_to: i64,
    /// Called in the async task: how long, and the ticks meanwhile.
    pub direct: f64,
    pub direct_ticks: u64,
    /// On spawn_blocking.
    pub spawned: f64,
    pub spawned_ticks: u64,
}

/// Writers committing batches while readers count the rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Writers {
    pub writers: usize,
    /// Transactions committed in all, and the rows in each.
    pub transactions: usize,
    pub rows_each: usize,
    /// Rows in the table at the end.
    pub rows: i64,
    pub took: f64,
    pub reads: usize,
    /// Every distinct count a reader saw.
    pub counts_seen: Vec<i64>,
}

/// Transfers that may overdraw, three ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transfers {
    pub planned: usize,
    pub accounts: i64,
    pub opening: i64,
    pub autocommit: Bank,
    pub transaction: Bank,
    /// One transaction each, split over `connections` at once.
    pub concurrent: Bank,
    pub connections: usize,
}

/// What a plan of transfers left the bank with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bank {
    pub moved: u64,
    pub refused: u64,
    pub total: i64,
    pub lowest: i64,
}

/// A database server the section talks to, where the reader has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Which {
    Postgres,
    Redis,
}

impl Which {
    pub fn server(self) -> servers::Server {
        match self {
            Which::Postgres => servers::POSTGRES,
            Which::Redis => servers::REDIS,
        }
    }
}

/// One server, and what became of it in this run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerRun {
    pub server: Which,
    pub outcome: ServerOutcome,
}

/// A server's demo: skipped (the driver is not built, or its URL unset),
/// measured, or failed — a server that was named but did not answer is a
/// failure, not a skip: the reader asked for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerOutcome {
    Skipped { why: String },
    Measured(ServerCounts),
    Failed { error: String },
}

/// What a server's demo counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerCounts {
    /// `tasks` connections inserted `rows_per_task` rows each, every insert
    /// in a transaction that also keeps a running total.
    Postgres {
        tasks: usize,
        rows_per_task: usize,
        rows: i64,
        sum: i64,
        total: i64,
    },
    /// `tasks` INCRs from separate connections, then a MULTI/EXEC that
    /// adds `multi_adds` and reads the counter back.
    Redis {
        tasks: usize,
        multi_adds: i64,
        after_incrs: i64,
        multi_incr: i64,
        multi_get: i64,
    },
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let urls = context.servers.clone();
    let file = TempDb::new("database");
    let slow_query = blocking_the_runtime(&file, sizes.slow_query_to)?;
    let runtime = context.runtime()?;
    let writers = runtime.block_on(readers_and_writers(&file, &sizes))?;
    let transfers = runtime.block_on(transfers(&file, &sizes))?;
    let servers = [Which::Postgres, Which::Redis]
        .into_iter()
        .map(|server| ServerRun {
            server,
            outcome: match server.server().url_in(&urls) {
                Err(why) => ServerOutcome::Skipped { why },
                Ok(url) => runtime.block_on(run_server(server, &url)),
            },
        })
        .collect();
    results.database = Some(Database {
        slow_query,
        writers,
        transfers,
        servers,
    });
    Ok(())
}

/// A ticker task beside one slow query, on a single-threaded runtime (one
/// thread, like asyncio's event loop): how often did it tick meanwhile?
fn blocking_the_runtime(file: &TempDb, count_to: i64) -> anyhow::Result<SlowQuery> {
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
    Ok(SlowQuery {
        count_to,
        direct: direct_took.as_secs_f64(),
        direct_ticks: direct,
        spawned: spawned_took.as_secs_f64(),
        spawned_ticks: spawned,
    })
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
) -> anyhow::Result<Writers> {
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
    Ok(Writers {
        writers: sizes.writers,
        transactions: sizes.writers * per_writer,
        rows_each: batch,
        rows: total,
        took: wall.as_secs_f64(),
        reads,
        counts_seen: seen.into_iter().collect(),
    })
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
async fn transfers(file: &TempDb, sizes: &Sizes) -> anyhow::Result<Transfers> {
    let plan: Vec<(i64, i64, i64)> = (0..sizes.transfers as i64)
        .map(|i| (i % ACCOUNTS, (i * 7 + 3) % ACCOUNTS, 10 + (i * 37) % 90))
        .filter(|(from, to, _)| from != to)
        .collect();
    let mut banks = Vec::new();
    for with_transaction in [false, true] {
        let path = file.path.clone();
        let plan = plan.clone();
        let bank = tokio::task::spawn_blocking(move || -> rusqlite::Result<Bank> {
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
            Ok(Bank {
                moved,
                refused,
                total,
                lowest,
            })
        })
        .await??;
        banks.push(bank);
    }
    let (moved, refused, total, lowest) =
        concurrent_transfers(file, &plan, sizes.writers).await?;
    Ok(Transfers {
        planned: plan.len(),
        accounts: ACCOUNTS,
        opening: OPENING,
        autocommit: banks[0],
        transaction: banks[1],
        concurrent: Bank {
            moved,
            refused,
            total,
            lowest,
        },
        connections: sizes.writers,
    })
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

/// How many tasks, each on its own connection, write to a server at once.
#[cfg(any(feature = "postgres", feature = "redis"))]
const SERVER_TASKS: usize = 8;
/// How many rows each PostgreSQL task inserts, one transaction each.
#[cfg(feature = "postgres")]
const ROWS_PER_TASK: usize = 25;

/// Runs one server's demo against `url`.
#[cfg_attr(
    not(any(feature = "postgres", feature = "redis")),
    expect(clippy::unused_async, unused_variables)
)]
async fn run_server(server: Which, url: &str) -> ServerOutcome {
    #[cfg(feature = "postgres")]
    if server == Which::Postgres {
        let ran = servers::postgres::run(url, SERVER_TASKS, ROWS_PER_TASK).await;
        return match ran {
            Ok(c) => ServerOutcome::Measured(ServerCounts::Postgres {
                tasks: SERVER_TASKS,
                rows_per_task: ROWS_PER_TASK,
                rows: c.rows,
                sum: c.sum,
                total: c.total,
            }),
            Err(e) => ServerOutcome::Failed {
                error: format!("{e:#}"),
            },
        };
    }
    #[cfg(feature = "redis")]
    if server == Which::Redis {
        return match servers::redis::run(url, SERVER_TASKS).await {
            Ok(c) => ServerOutcome::Measured(ServerCounts::Redis {
                tasks: SERVER_TASKS,
                multi_adds: servers::redis::MULTI_ADDS,
                after_incrs: c.after_incrs,
                multi_incr: c.multi_incr,
                multi_get: c.multi_get,
            }),
            Err(e) => ServerOutcome::Failed {
                error: format!("{e:#}"),
            },
        };
    }
    ServerOutcome::Skipped {
        why: format!("{} is not built", server.server().driver),
    }
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let database = need(&results.database, "database")?;
    let mut report = SectionReport::new(
        "database",
        "SQLite through rusqlite, a blocking driver, from async code: on the \
         runtime's thread it stalls every task; on spawn_blocking it does not. \
         Then concurrent writers, readers and transfers in transactions.",
    );
    slow_query(&database.slow_query, &mut report);
    writers_and_readers(&database.writers, &mut report);
    transfers_table(&database.transfers, &mut report);
    servers_table(&database.servers, &mut report);
    Ok(report)
}

fn slow_query(q: &SlowQuery, report: &mut SectionReport) {
    let mut table = Table::new(
        format!(
            "A query counting to {}, beside a task ticking every 1 ms",
            q.count_to
        ),
        &["the query ran", "took", "ticks meanwhile"],
    );
    table.push(vec![
        Cell::text("in the async task"),
        Cell::Seconds(q.direct),
        Cell::Tally(q.direct_ticks),
    ]);
    table.push(vec![
        Cell::text("on spawn_blocking"),
        Cell::Seconds(q.spawned),
        Cell::Tally(q.spawned_ticks),
    ]);
    report.table(table);
    report.check(
        q.direct_ticks == 0 && q.spawned_ticks > 0,
        "called in the task, the query stopped the ticker dead (0 ticks); on \
         spawn_blocking the ticker went on ticking",
    );
}

fn writers_and_readers(w: &Writers, report: &mut SectionReport) {
    let batch = w.rows_each;
    let expected = (w.transactions * batch) as i64;
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
        Cell::Count(w.writers as u64),
        Cell::Count(w.transactions as u64),
        Cell::Count(batch as u64),
        Cell::Count(w.rows as u64),
        Cell::Seconds(w.took),
        Cell::Tally(w.reads as u64),
        Cell::Tally(w.counts_seen.len() as u64),
    ]);
    report.table(table);
    report.check(
        w.rows == expected,
        format!("every committed row is there: {expected} rows"),
    );
    report.check(
        batch > 0 && w.counts_seen.iter().all(|count| count % batch as i64 == 0),
        format!(
            "readers never saw half a transaction: every count they read was a \
             multiple of {batch}"
        ),
    );
}

fn transfers_table(t: &Transfers, report: &mut SectionReport) {
    let mut table = Table::new(
        format!(
            "{} transfers between {} accounts of {} (a balance may \
             not go below 0)",
            t.planned, t.accounts, t.opening
        ),
        &["how", "moved", "refused", "total after", "lowest balance"],
    );
    for (how, bank) in [
        ("autocommit (broken)", &t.autocommit),
        ("one transaction each", &t.transaction),
    ] {
        table.push(vec![
            Cell::text(how),
            Cell::Count(bank.moved),
            Cell::Count(bank.refused),
            Cell::Count(bank.total as u64),
            Cell::Count(bank.lowest as u64),
        ]);
    }
    let concurrent = &t.concurrent;
    table.push(vec![
        Cell::text(format!("{} connections at once", t.connections)),
        Cell::Tally(concurrent.moved),
        Cell::Tally(concurrent.refused),
        Cell::Count(concurrent.total as u64),
        Cell::Tally(concurrent.lowest as u64),
    ]);
    report.table(table);
    let opening_total = t.accounts * t.opening;
    let (broken, fixed) = (&t.autocommit, &t.transaction);
    report.check(
        broken.refused > 0 && broken.total > opening_total,
        "without a transaction, each refused debit left its credit behind: the \
         total grew",
    );
    report.check(
        fixed.refused > 0
            && fixed.total == opening_total
            && concurrent.total == opening_total
            && fixed.lowest >= 0
            && concurrent.lowest >= 0,
        format!(
            "in a transaction, a refused debit rolled its credit back: the total \
             stayed {opening_total} and no balance went below 0, one connection or \
             several at once"
        ),
    );
}

/// PostgreSQL and Redis, where the reader runs them.
fn servers_table(runs: &[ServerRun], report: &mut SectionReport) {
    let mut table = Table::new(
        "Database servers (asyncpg and aioredis in Python)",
        &["server", "async driver", "here"],
    );
    let mut checks = Vec::new();
    for run in runs {
        let server = run.server.server();
        let here = match &run.outcome {
            ServerOutcome::Skipped { why } => why.clone(),
            ServerOutcome::Failed { error } => {
                checks.push((
                    false,
                    format!(
                        "{} at {} answered: {error}",
                        server.name, server.variable
                    ),
                ));
                format!("failed: {error}")
            }
            ServerOutcome::Measured(counts) => {
                let (holds, claim, line) = server_check(counts);
                checks.push((holds, claim.to_owned()));
                line
            }
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

/// A server's invariant on what it counted, and its one-line outcome.
fn server_check(counts: &ServerCounts) -> (bool, &'static str, String) {
    match *counts {
        ServerCounts::Postgres {
            tasks,
            rows_per_task,
            rows,
            sum,
            total,
        } => {
            let expected = i64::try_from(tasks * rows_per_task).unwrap_or(i64::MAX);
            (
                rows == expected && sum == expected && total == expected,
                "PostgreSQL: every insert and its update of the total \
                 committed together: rows = sum = kept total",
                format!("ran: {rows} rows, sum {sum}, kept total {total}"),
            )
        }
        ServerCounts::Redis {
            tasks,
            multi_adds,
            after_incrs,
            multi_incr,
            multi_get,
        } => {
            let incrs = i64::try_from(tasks).unwrap_or(i64::MAX);
            let after = incrs + multi_adds;
            (
                after_incrs == incrs && multi_incr == after && multi_get == after,
                "Redis: concurrent INCRs from separate connections lost \
                 none; MULTI/EXEC saw its own INCRBY and nothing else",
                format!(
                    "ran: {tasks} INCRs gave {after_incrs}; MULTI/EXEC gave \
                     {multi_incr} and {multi_get}"
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank(refused: u64, total: i64) -> Bank {
        Bank {
            moved: 10 - refused,
            refused,
            total,
            lowest: 0,
        }
    }

    fn made_up(direct_ticks: u64, counts_seen: Vec<i64>) -> Results {
        Results {
            database: Some(Database {
                slow_query: SlowQuery {
                    count_to: 1_000,
                    direct: 0.1,
                    direct_ticks,
                    spawned: 0.1,
                    spawned_ticks: 90,
                },
                writers: Writers {
                    writers: 2,
                    transactions: 10,
                    rows_each: 5,
                    rows: 50,
                    took: 0.1,
                    reads: 30,
                    counts_seen,
                },
                transfers: Transfers {
                    planned: 10,
                    accounts: 10,
                    opening: 100,
                    autocommit: bank(2, 1_181),
                    transaction: bank(4, 1_000),
                    concurrent: bank(3, 1_000),
                    connections: 2,
                },
                servers: vec![
                    ServerRun {
                        server: Which::Postgres,
                        outcome: ServerOutcome::Skipped {
                            why: "skipped: DATABASE_URL is unset".into(),
                        },
                    },
                    ServerRun {
                        server: Which::Redis,
                        outcome: ServerOutcome::Measured(ServerCounts::Redis {
                            tasks: 8,
                            multi_adds: 10,
                            after_incrs: 8,
                            multi_incr: 18,
                            multi_get: 18,
                        }),
                    },
                ],
            }),
            ..Results::default()
        }
    }

    #[test]
    fn a_stalled_ticker_and_whole_transactions_hold() {
        let good = report(&made_up(0, vec![0, 5, 25, 50])).unwrap();
        assert!(good.checks().all(|c| c.holds), "{good:?}");
        // The skip is said in the table, not silent; the server that ran
        // is checked, the one skipped is not.
        let said = good.cells().any(|c| {
            matches!(c, Cell::Varies(v) if v == "skipped: DATABASE_URL is unset")
        });
        assert!(said, "{good:?}");
        assert!(good.checks().any(|c| c.claim.starts_with("Redis:")));
        assert!(!good.checks().any(|c| c.claim.starts_with("PostgreSQL")));
    }

    #[test]
    fn a_tick_during_the_query_or_half_a_transaction_is_broken() {
        let ticked = report(&made_up(3, vec![0, 50])).unwrap();
        assert_eq!(ticked.broken().len(), 1, "{ticked:?}");
        assert!(ticked.broken()[0].claim.contains("stopped the ticker"));
        let torn = report(&made_up(0, vec![0, 7, 50])).unwrap();
        assert_eq!(torn.broken().len(), 1);
        assert!(torn.broken()[0].claim.contains("half a transaction"));
    }

    #[test]
    fn money_from_nowhere_in_a_transaction_is_broken() {
        let mut results = made_up(0, vec![50]);
        results
            .database
            .as_mut()
            .unwrap()
            .transfers
            .concurrent
            .total = 1_010;
        let grew = report(&results).unwrap();
        assert_eq!(grew.broken().len(), 1);
        assert!(grew.broken()[0].claim.contains("rolled its credit back"));
    }

    #[test]
    fn a_server_that_failed_or_lost_an_incr_is_broken() {
        let mut results = made_up(0, vec![50]);
        let servers = &mut results.database.as_mut().unwrap().servers;
        servers[0].outcome = ServerOutcome::Failed {
            error: "connect: connection refused".into(),
        };
        servers[1].outcome = ServerOutcome::Measured(ServerCounts::Redis {
            tasks: 8,
            multi_adds: 10,
            after_incrs: 7,
            multi_incr: 17,
            multi_get: 17,
        });
        let failed = report(&results).unwrap();
        assert_eq!(failed.broken().len(), 2, "{failed:?}");
        assert!(failed.broken()[0].claim.contains("DATABASE_URL answered"));
    }
}
