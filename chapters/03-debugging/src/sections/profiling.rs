//! `profiling`: where the time goes in concurrent code. A profiler shows
//! CPU time; a thread waiting for a lock uses none, so a sampling profiler
//! barely sees contention. Measuring it takes two clocks around the lock:
//! one from asking to getting (waiting), one from getting to releasing
//! (holding). Then tokio's own view of a runtime, from `Handle::metrics()`.

use crate::Context;
use shared::report::{Cell, Record, SectionReport, Table};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Busy for `d`: the work each turn does.
fn work_for(d: Duration) -> u64 {
    let start = Instant::now();
    let mut spins = 0u64;
    while start.elapsed() < d {
        spins = std::hint::black_box(spins + 1);
    }
    spins
}

/// The time all threads together spent waiting for and holding the lock.
#[derive(Clone, Copy, Debug, Default)]
pub struct LockTime {
    pub waiting: Duration,
    pub holding: Duration,
    pub wall: Duration,
}

// ANCHOR: measure
/// `threads` threads each do `turns` turns of `work` and add the result to
/// a shared list: with the work inside the critical section, or before it.
pub fn contend(
    threads: usize,
    turns: usize,
    work: Duration,
    inside: bool,
) -> LockTime {
    let results = Mutex::new(Vec::new());
    let start = Instant::now();
    let per_thread: Vec<LockTime> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut time = LockTime::default();
                    for _ in 0..turns {
                        let early = if inside { 0 } else { work_for(work) };
                        let asked = Instant::now();
                        let mut list =
                            results.lock().unwrap_or_else(|e| e.into_inner());
                        let got = Instant::now();
                        let late = if inside { work_for(work) } else { 0 };
                        list.push(early + late);
                        // Read the clock before unlocking: waking a waiter
                        // may switch this thread out at the unlock.
                        let done = Instant::now();
                        drop(list);
                        time.waiting += got - asked;
                        time.holding += done - got;
                    }
                    time
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a contender"))
            .collect()
    });
    let mut total = LockTime {
        wall: start.elapsed(),
        ..LockTime::default()
    };
    for t in per_thread {
        total.waiting += t.waiting;
        total.holding += t.holding;
    }
    total
}
// ANCHOR_END: measure

// ANCHOR: metrics
/// What tokio says about a runtime with `tasks` sleeping tasks on it.
pub fn runtime_view(tasks: usize) -> anyhow::Result<(usize, usize, usize)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()?;
    let metrics = runtime.handle().metrics();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            runtime
                .spawn(async { tokio::time::sleep(Duration::from_millis(50)).await })
        })
        .collect();
    let while_sleeping = metrics.num_alive_tasks();
    runtime.block_on(async {
        for handle in handles {
            handle.await?;
        }
        anyhow::Ok(())
    })?;
    let afterwards = metrics.num_alive_tasks();
    Ok((metrics.num_workers(), while_sleeping, afterwards))
}
// ANCHOR_END: metrics

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let s = context.sizes.clone();
    let work = Duration::from_micros(20);
    let mut report = SectionReport::new(
        "profiling",
        format!(
            "{} threads each do {} turns of {} µs of work and add the result to one \
             shared list. With the work inside the lock they queue for it; with the \
             work done first, the lock is held for a push and the queue is gone.",
            s.contenders,
            s.contended_turns,
            work.as_micros()
        ),
    );
    let mut table = Table::new(
        "Time all threads spent waiting for the lock and holding it",
        &[
            "work done",
            "wall",
            "waiting",
            "holding",
            "waiting / holding",
        ],
    );
    let mut seen = Vec::new();
    for (name, inside) in [("inside the lock", true), ("before the lock", false)] {
        let t = contend(s.contenders, s.contended_turns, work, inside);
        let ratio = t.waiting.as_secs_f64() / t.holding.as_secs_f64().max(1e-9);
        table.push(vec![
            Cell::text(name),
            Cell::Seconds(t.wall.as_secs_f64()),
            Cell::Seconds(t.waiting.as_secs_f64()),
            Cell::Seconds(t.holding.as_secs_f64()),
            Cell::Ratio(ratio),
        ]);
        report.record(
            Record::new("profiling", Some("lock"), name)
                .with("wall_s", t.wall.as_secs_f64())
                .with("waiting_s", t.waiting.as_secs_f64())
                .with("holding_s", t.holding.as_secs_f64()),
        );
        seen.push(t);
    }
    report.table(table);
    report.check(
        seen[0].holding * 2 > seen[0].wall,
        "with the work inside the lock, it was held for over half the wall time: the \
         threads took turns instead of running side by side",
    );
    report.measured(
        seen[1].waiting * 2 < seen[0].waiting,
        "moving the work out of the lock cut the waiting by more than half",
    );
    let tasks = 100;
    let (workers, alive, after) = runtime_view(tasks)?;
    let mut view = Table::new(
        "tokio's view: Handle::metrics() on a runtime with 100 sleeping tasks",
        &["metric", "value"],
    );
    view.push(vec![
        Cell::text("num_workers()"),
        Cell::Count(workers as u64),
    ]);
    view.push(vec![
        Cell::text("num_alive_tasks(), while they sleep"),
        Cell::Count(alive as u64),
    ]);
    view.push(vec![
        Cell::text("num_alive_tasks(), after awaiting them"),
        Cell::Tally(after as u64),
    ]);
    report.table(view);
    report.check(
        workers == 2 && alive == tasks,
        "the runtime reported its 2 workers and all 100 sleeping tasks",
    );
    report.note(
        "For CPU time, profile the release binary: `perf record -g --call-graph dwarf \
         target/release/debugging profiling` then `perf report`, or `cargo flamegraph \
         -p debugging -- profiling` for a flame graph (the page has the details). \
         tokio-console shows every task's polls and wakes live; it needs the \
         console-subscriber crate and RUSTFLAGS=\"--cfg tokio_unstable\".",
    );
    Ok(report)
}
