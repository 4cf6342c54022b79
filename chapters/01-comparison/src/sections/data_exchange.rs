//! `data-exchange`: one message there and back. Threads share memory and
//! pass messages through channels; a process pool must serialise them
//! through a pipe; tasks pass them through async channels without leaving
//! the thread.

use crate::Context;
use anyhow::bail;
use shared::executor::Executor;
use shared::measure::Spread;
use shared::report::{Cell, Record, SectionReport, Table};
use shared::tasks::Echo;
use std::time::{Duration, Instant};

/// The process pool's row: also the name `table` looks it up by.
pub const POOL_ROUND_TRIP: &str = "process pool, submit + result";

/// Far longer than any round trip takes: only a stuck worker reaches it.
const ROUND_TRIP_BOUND: Duration = Duration::from_secs(10);

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let mut report = SectionReport::new(
        "data-exchange",
        "A message's round trip (there and back). Between threads it is a \
         hand-over in memory; through a process pool it is serialised, written \
         to a pipe, run by the worker and read back.",
    );
    let mut table = Table::new(
        "Round trip of one small message (median per round trip, range over runs)",
        &["between", "through", "round trips", "per round trip"],
    );
    type Measure = fn(&Context, usize) -> anyhow::Result<Duration>;
    let ways: [(&str, &str, Measure, usize); 5] = [
        (
            "2 threads",
            "std::sync::mpsc",
            std_channel,
            sizes.round_trips,
        ),
        (
            "2 threads",
            "crossbeam channel",
            crossbeam_channel,
            sizes.round_trips,
        ),
        (
            "2 processes",
            POOL_ROUND_TRIP,
            process_pool,
            sizes.pipe_round_trips,
        ),
        (
            "2 tokio tasks",
            "tokio::sync::mpsc",
            tokio_channel,
            sizes.round_trips,
        ),
        (
            "2 smol tasks, 1 thread",
            "async-channel",
            smol_channel,
            sizes.round_trips,
        ),
    ];
    let mut medians = Vec::new();
    for (between, through, measure, n) in ways {
        let mut samples = Vec::new();
        for _ in 0..sizes.runs {
            samples.push(measure(context, n)?.as_secs_f64() / n as f64);
        }
        let spread = Spread::of(&samples);
        medians.push((through, spread.median));
        table.push(vec![
            Cell::text(between),
            Cell::text(through),
            Cell::Count(n as u64),
            Cell::Timing(spread),
        ]);
        context.keep(
            &mut report,
            Record::new("data-exchange", None, through)
                .with("between", between)
                .with("round_trips", n)
                .with("per_round_trip_s", spread.median)
                .with("per_round_trip_min_s", spread.min)
                .with("per_round_trip_max_s", spread.max),
        );
    }
    report.table(table);
    let median = |name: &str| medians.iter().find(|(n, _)| *n == name).map(|m| m.1);
    if let (Some(channel), Some(pipe)) =
        (median("crossbeam channel"), median(POOL_ROUND_TRIP))
    {
        report.measured(
            channel < pipe,
            "a channel between threads beats a process pool's round trip",
        );
    }
    report.note(
        "Each round trip wakes the other side; when it sleeps on another core, \
         waking it costs microseconds. On a busy machine these figures vary ten-fold: \
         compare ranges, not single numbers. Two tasks on one thread hand over \
         without waking anything.",
    );
    report.note(
        "The process pool's round trip is what `submit(task).result()` costs: \
         the task goes through a channel to the thread that drives the worker, \
         down the pipe as a line of JSON, and its result comes back the same \
         way — two more hand-overs than a bare pipe.",
    );
    Ok(report)
}

fn std_channel(_: &Context, n: usize) -> anyhow::Result<Duration> {
    let (to_echo, echo_inbox) = std::sync::mpsc::sync_channel::<usize>(1);
    let (to_main, main_inbox) = std::sync::mpsc::sync_channel::<usize>(1);
    let echo = std::thread::spawn(move || {
        for message in echo_inbox {
            if to_main.send(message).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    for i in 0..n {
        to_echo.send(i)?;
        if main_inbox.recv()? != i {
            bail!("a message came back changed");
        }
    }
    let elapsed = start.elapsed();
    drop(to_echo);
    let _ = echo.join();
    Ok(elapsed)
}

// ANCHOR: crossbeam
fn crossbeam_channel(_: &Context, n: usize) -> anyhow::Result<Duration> {
    use crossbeam::channel::bounded;
    let (to_echo, echo_inbox) = bounded::<usize>(1);
    let (to_main, main_inbox) = bounded::<usize>(1);
    let echo = std::thread::spawn(move || {
        for message in echo_inbox {
            if to_main.send(message).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    for i in 0..n {
        to_echo.send(i)?;
        if main_inbox.recv()? != i {
            bail!("a message came back changed");
        }
    }
    let elapsed = start.elapsed();
    drop(to_echo); // ends the echo thread's loop
    let _ = echo.join();
    Ok(elapsed)
}
// ANCHOR_END: crossbeam

// ANCHOR: process_pool
fn process_pool(context: &Context, n: usize) -> anyhow::Result<Duration> {
    let pool = context.worker.pool(1)?;
    let start = Instant::now();
    for i in 0..n as u64 {
        let back = pool.submit(Echo(i))?.result_timeout(ROUND_TRIP_BOUND);
        if back.is_err() {
            pool.terminate_workers(); // so that shutting down cannot hang on it
        }
        if back? != i {
            bail!("a message came back changed");
        }
    }
    let elapsed = start.elapsed();
    pool.shutdown(true, false);
    Ok(elapsed)
}
// ANCHOR_END: process_pool

fn tokio_channel(context: &Context, n: usize) -> anyhow::Result<Duration> {
    context.tokio()?.block_on(async {
        let (to_echo, mut echo_inbox) = tokio::sync::mpsc::channel::<usize>(1);
        let (to_main, mut main_inbox) = tokio::sync::mpsc::channel::<usize>(1);
        let echo = tokio::spawn(async move {
            while let Some(message) = echo_inbox.recv().await {
                if to_main.send(message).await.is_err() {
                    break;
                }
            }
        });
        let start = Instant::now();
        for i in 0..n {
            to_echo.send(i).await?;
            if main_inbox.recv().await != Some(i) {
                bail!("a message came back changed");
            }
        }
        let elapsed = start.elapsed();
        drop(to_echo);
        echo.await?;
        Ok(elapsed)
    })
}

fn smol_channel(_: &Context, n: usize) -> anyhow::Result<Duration> {
    let executor = smol::LocalExecutor::new();
    smol::block_on(executor.run(async {
        let (to_echo, echo_inbox) = smol::channel::bounded::<usize>(1);
        let (to_main, main_inbox) = smol::channel::bounded::<usize>(1);
        let echo = executor.spawn(async move {
            while let Ok(message) = echo_inbox.recv().await {
                if to_main.send(message).await.is_err() {
                    break;
                }
            }
        });
        let start = Instant::now();
        for i in 0..n {
            to_echo.send(i).await?;
            if main_inbox.recv().await? != i {
                bail!("a message came back changed");
            }
        }
        let elapsed = start.elapsed();
        drop(to_echo);
        echo.await;
        Ok(elapsed)
    }))
}
