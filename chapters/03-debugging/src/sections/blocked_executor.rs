//! `blocked-executor`: the counterpart of asyncio's debug mode, which
//! logs "Executing <Task …> took 0.250 seconds" when a task holds the loop
//! too long. tokio has no such switch, so we build the two halves: every
//! task is wrapped so the runtime records whose `poll` is running, and a
//! watchdog on its own OS thread watches a heartbeat task. When the
//! heartbeat stops, the runtime is blocked, and the watchdog names the task
//! being polled and measures how long the stall lasted.

use crate::Context;
use parking_lot::Mutex;
use shared::report::{Cell, Record, SectionReport, Table};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

/// Which task the runtime is polling right now ("" between polls).
pub type Polling = Arc<Mutex<&'static str>>;

// ANCHOR: named
/// A task with a name: while its `poll` runs, `polling` holds the name.
pub struct Named<F: Future> {
    name: &'static str,
    polling: Polling,
    inner: Pin<Box<F>>,
}

pub fn named<F: Future>(
    name: &'static str,
    polling: &Polling,
    inner: F,
) -> Named<F> {
    Named {
        name,
        polling: polling.clone(),
        inner: Box::pin(inner),
    }
}

impl<F: Future> Future for Named<F> {
    type Output = F::Output;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<F::Output> {
        let this = &mut *self;
        *this.polling.lock() = this.name;
        let output = this.inner.as_mut().poll(cx);
        *this.polling.lock() = "";
        output
    }
}
// ANCHOR_END: named

/// A stall the watchdog saw: whose poll it happened in, and how long the
/// heartbeat was late.
#[derive(Clone, Debug, PartialEq)]
pub struct Stall {
    pub task: &'static str,
    pub lasted: Duration,
}

// ANCHOR: watchdog
/// Watches `beat` (microseconds since `start`, written by the heartbeat
/// task) until `stop`; a heartbeat older than `limit` while a task's poll
/// runs is a stall in that task. A late heartbeat with no poll running is
/// the machine (another program had the core), not a task: it shows only
/// in the worst delay.
fn watchdog(
    start: Instant,
    beat: &AtomicU64,
    polling: &Polling,
    limit: Duration,
    stop: &AtomicBool,
) -> (Vec<Stall>, Duration) {
    let (mut stalls, mut current, mut worst) = (Vec::new(), None, Duration::ZERO);
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(1));
        let last = Duration::from_micros(beat.load(Ordering::Relaxed));
        let late = start.elapsed().saturating_sub(last);
        worst = worst.max(late);
        match current.take() {
            None if late > limit => {
                let task = *polling.lock();
                if !task.is_empty() {
                    current = Some(Stall { task, lasted: late });
                }
            }
            None => {}
            Some(stall) if late > limit => {
                current = Some(Stall {
                    lasted: late,
                    ..stall
                })
            }
            Some(stall) => stalls.push(stall), // the heartbeat is back
        }
    }
    stalls.extend(current);
    (stalls, worst)
}
// ANCHOR_END: watchdog

/// Where the blocking work runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// Inside the async tasks, on the runtime's one thread.
    Blocking,
    /// Handed to `spawn_blocking`; the task only awaits the answer.
    SpawnBlocking,
}

/// Busy for `d` without reaching an `.await`.
fn checksum_for(d: Duration) -> u64 {
    let start = Instant::now();
    let mut sum = 0u64;
    while start.elapsed() < d {
        sum = std::hint::black_box(sum.wrapping_add(1));
    }
    sum
}

// ANCHOR: tasks
/// A CPU loop and a blocking call, each `block` long, run where `version`
/// says.
async fn checksum(version: Version, block: Duration) -> u64 {
    match version {
        Version::Blocking => checksum_for(block),
        Version::SpawnBlocking => {
            tokio::task::spawn_blocking(move || checksum_for(block))
                .await
                .unwrap_or(0)
        }
    }
}

async fn legacy_db(version: Version, block: Duration) {
    match version {
        Version::Blocking => std::thread::sleep(block), // a blocking driver
        Version::SpawnBlocking => {
            let _ =
                tokio::task::spawn_blocking(move || std::thread::sleep(block)).await;
        }
    }
}
// ANCHOR_END: tasks

/// Runs a heartbeat, a well-behaved downloader and the two blocking tasks
/// on a one-thread runtime (asyncio's situation), under the watchdog.
pub fn watch(
    version: Version,
    block: Duration,
) -> anyhow::Result<(Vec<Stall>, Duration)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let polling: Polling = Arc::new(Mutex::new(""));
    let beat = Arc::new(AtomicU64::new(0));
    let stop = AtomicBool::new(false);
    let start = Instant::now();
    let limit = block / 4;
    std::thread::scope(|s| {
        let dog = s.spawn(|| watchdog(start, &beat, &polling, limit, &stop));
        let ran = runtime.block_on(async {
            let done = Arc::new(AtomicBool::new(false));
            let heartbeat = {
                let (done, beat) = (done.clone(), beat.clone());
                named("heartbeat", &polling, async move {
                    while !done.load(Ordering::Relaxed) {
                        beat.store(
                            start.elapsed().as_micros() as u64,
                            Ordering::Relaxed,
                        );
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                })
            };
            let gap = block / 2;
            let download = named("download", &polling, async move {
                for _ in 0..8 {
                    tokio::time::sleep(gap / 2).await;
                }
            });
            let sum = named("checksum", &polling, async move {
                tokio::time::sleep(gap).await;
                checksum(version, block).await
            });
            let db = named("legacy-db", &polling, async move {
                tokio::time::sleep(gap * 2 + block).await;
                legacy_db(version, block).await
            });
            let (download, sum, db) =
                (tokio::spawn(download), tokio::spawn(sum), tokio::spawn(db));
            let heartbeat = tokio::spawn(heartbeat);
            download.await?;
            sum.await?;
            db.await?;
            tokio::time::sleep(gap).await; // let the heartbeat be seen again
            done.store(true, Ordering::Relaxed);
            heartbeat.await?;
            anyhow::Ok(())
        });
        stop.store(true, Ordering::Relaxed);
        let seen = dog.join().expect("the watchdog thread");
        ran.map(|()| seen)
    })
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let block = context.sizes.block_for;
    let limit = block / 4;
    let mut report = SectionReport::new(
        "blocked-executor",
        format!(
            "On a one-thread tokio runtime, a heartbeat task beats every ms beside a \
             downloader, a {} ms CPU loop (`checksum`) and a {} ms blocking call \
             (`legacy-db`). A watchdog thread reports every heartbeat later than {} ms \
             and names the task whose poll was running.",
            block.as_millis(),
            block.as_millis(),
            limit.as_millis()
        ),
    );
    let mut table = Table::new(
        "What the watchdog reported",
        &["blocking work", "stall in task", "stall lasted"],
    );
    let mut found = Vec::new();
    for (name, version) in [
        ("inside the tasks", Version::Blocking),
        ("on spawn_blocking", Version::SpawnBlocking),
    ] {
        let (stalls, worst) = watch(version, block)?;
        for stall in &stalls {
            table.push(vec![
                Cell::text(name),
                Cell::text(stall.task),
                Cell::Seconds(stall.lasted.as_secs_f64()),
            ]);
        }
        if stalls.is_empty() {
            table.push(vec![
                Cell::text(name),
                Cell::text("none (worst heartbeat delay:)"),
                Cell::Seconds(worst.as_secs_f64()),
            ]);
        }
        report.record(
            Record::new("blocked-executor", None, name)
                .with("stalls", stalls.len())
                .with("worst_delay_s", worst.as_secs_f64()),
        );
        found.push(stalls);
    }
    report.table(table);
    let names: Vec<&str> = found[0].iter().map(|s| s.task).collect();
    report.check(
        names == ["checksum", "legacy-db"],
        "blocking inside the tasks: the watchdog named checksum, then legacy-db",
    );
    report.check(
        found[0].iter().all(|s| s.lasted >= block / 2),
        "each stall lasted at least half the blocking work: every task stood still",
    );
    report.check(
        found[1].is_empty(),
        "with spawn_blocking no task's poll stalled the heartbeat: the runtime \
         stayed responsive",
    );
    report.note(
        "asyncio's debug mode (PYTHONASYNCIODEBUG=1, loop.slow_callback_duration) \
         names the slow callback after it returns; this watchdog sees the stall while \
         it happens, which is what you need when the task never returns. In \
         production, tokio-console shows each task's busy time, and tokio's unstable \
         metrics count long polls.",
    );
    Ok(report)
}
