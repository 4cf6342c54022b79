//! `data-exchange`: one message there and back. Threads share memory and
//! pass messages through channels; a process pool must serialise them
//! through a pipe; tasks pass them through async channels without leaving
//! the thread.

use crate::{Context, Results, need};
use anyhow::bail;
use serde::{Deserialize, Serialize};
use shared::executor::Executor;
use shared::measure::Spread;
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Echo;
use std::time::{Duration, Instant};

/// Far longer than any round trip takes: only a stuck worker reaches it.
const ROUND_TRIP_BOUND: Duration = Duration::from_secs(10);

/// Round trips are timed in batches of this many, each batch one sample:
/// the minimum over many batches is the cost without interference.
const BATCH: usize = 50;

/// What `data-exchange` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataExchange {
    pub rows: Vec<ExchangeRow>,
}

/// The ways a message goes there and back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Way {
    StdChannel,
    CrossbeamChannel,
    ProcessPool,
    TokioChannel,
    SmolChannel,
}

impl Way {
    pub const ALL: [Way; 5] = [
        Way::StdChannel,
        Way::CrossbeamChannel,
        Way::ProcessPool,
        Way::TokioChannel,
        Way::SmolChannel,
    ];

    /// Between whom the message travels.
    pub fn between(self) -> &'static str {
        match self {
            Way::StdChannel | Way::CrossbeamChannel => "2 threads",
            Way::ProcessPool => "2 processes",
            Way::TokioChannel => "2 tokio tasks",
            Way::SmolChannel => "2 smol tasks, 1 thread",
        }
    }

    /// What carries it.
    pub fn through(self) -> &'static str {
        match self {
            Way::StdChannel => "std::sync::mpsc",
            Way::CrossbeamChannel => "crossbeam channel",
            Way::ProcessPool => "process pool, submit + result",
            Way::TokioChannel => "tokio::sync::mpsc",
            Way::SmolChannel => "async-channel",
        }
    }
}

/// One way: how many round trips, and the time per round trip over the
/// batches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExchangeRow {
    pub way: Way,
    pub round_trips: usize,
    pub per_round_trip: Spread,
}

impl DataExchange {
    pub fn per_round_trip(&self, way: Way) -> Option<&Spread> {
        self.rows
            .iter()
            .find(|r| r.way == way)
            .map(|r| &r.per_round_trip)
    }
}

/// Runs `n` round trips one way, returning the time of each batch.
type Measure = fn(&Context, usize) -> anyhow::Result<Vec<Duration>>;

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let mut rows = Vec::new();
    for way in Way::ALL {
        let (measure, n): (Measure, usize) = match way {
            Way::StdChannel => (std_channel, sizes.round_trips),
            Way::CrossbeamChannel => (crossbeam_channel, sizes.round_trips),
            Way::ProcessPool => (process_pool, sizes.pipe_round_trips),
            Way::TokioChannel => (tokio_channel, sizes.round_trips),
            Way::SmolChannel => (smol_channel, sizes.round_trips),
        };
        let mut samples = Vec::new();
        for _ in 0..sizes.runs {
            let batches = measure(context, n)?;
            samples.extend(batches.iter().map(|b| b.as_secs_f64() / BATCH as f64));
        }
        rows.push(ExchangeRow {
            way,
            round_trips: n.div_ceil(BATCH) * BATCH * sizes.runs,
            per_round_trip: Spread::of(&samples),
        });
    }
    results.data_exchange = Some(DataExchange { rows });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let exchange = need(&results.data_exchange, "data-exchange")?;
    let mut report = SectionReport::new(
        "data-exchange",
        "A message's round trip (there and back). Between threads it is a \
         hand-over in memory; through a process pool it is serialised, written \
         to a pipe, run by the worker and read back.",
    );
    report.table(round_trips_table(exchange));
    if let (Some(channel), Some(pipe)) = (
        exchange.per_round_trip(Way::CrossbeamChannel),
        exchange.per_round_trip(Way::ProcessPool),
    ) {
        report.measured(
            channel.min < pipe.min,
            "a channel between threads beats a process pool's round trip (minimum \
             against minimum)",
        );
    }
    report.check(
        exchange.rows.len() == Way::ALL.len()
            && exchange.rows.iter().all(|r| r.per_round_trip.min > 0.0),
        "every way carried its messages there and back, each unchanged",
    );
    report.note(
        "Each round trip wakes the other side; when it sleeps on another core, \
         waking it costs microseconds. On a busy machine the median varies ten-fold \
         while the minimum barely moves: compare minimums and ranges, not single \
         numbers. Two tasks on one thread hand over without waking anything.",
    );
    report.note(
        "The process pool's round trip is what `submit(task).result()` costs: \
         the task goes through a channel to the thread that drives the worker, \
         down the pipe as one postcard frame, and its result comes back the \
         same way — two more hand-overs than a bare pipe.",
    );
    Ok(report)
}

/// One row per way a message can travel, minimum and median per round trip.
fn round_trips_table(exchange: &DataExchange) -> Table {
    let mut table = Table::new(
        format!(
            "Round trip of one small message, timed in batches of {BATCH}: the \
             minimum per round trip (without interference), and the median with \
             its range"
        ),
        &[
            "between",
            "through",
            "round trips",
            "minimum",
            "median (range)",
        ],
    );
    for row in &exchange.rows {
        table.push(vec![
            Cell::text(row.way.between()),
            Cell::text(row.way.through()),
            Cell::Count(row.round_trips as u64),
            Cell::Seconds(row.per_round_trip.min),
            Cell::Timing(row.per_round_trip),
        ]);
    }
    table
}

/// Times `n` round trips (rounded up to whole batches) of `one`, which
/// sends message `i` and checks it came back: the time of each batch.
fn batches(
    n: usize,
    mut one: impl FnMut(usize) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::new();
    for batch in 0..n.div_ceil(BATCH) {
        let start = Instant::now();
        for i in batch * BATCH..(batch + 1) * BATCH {
            one(i)?;
        }
        times.push(start.elapsed());
    }
    Ok(times)
}

fn std_channel(_: &Context, n: usize) -> anyhow::Result<Vec<Duration>> {
    let (to_echo, echo_inbox) = std::sync::mpsc::sync_channel::<usize>(1);
    let (to_main, main_inbox) = std::sync::mpsc::sync_channel::<usize>(1);
    let echo = std::thread::spawn(move || {
        for message in echo_inbox {
            if to_main.send(message).is_err() {
                break;
            }
        }
    });
    let times = batches(n, |i| {
        to_echo.send(i)?;
        if main_inbox.recv()? != i {
            bail!("a message came back changed");
        }
        Ok(())
    });
    drop(to_echo);
    let _ = echo.join();
    times
}

// ANCHOR: crossbeam
fn crossbeam_channel(_: &Context, n: usize) -> anyhow::Result<Vec<Duration>> {
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
    let times = batches(n, |i| {
        to_echo.send(i)?;
        if main_inbox.recv()? != i {
            bail!("a message came back changed");
        }
        Ok(())
    });
    drop(to_echo); // ends the echo thread's loop
    let _ = echo.join();
    times
}
// ANCHOR_END: crossbeam

// ANCHOR: process_pool
fn process_pool(context: &Context, n: usize) -> anyhow::Result<Vec<Duration>> {
    let pool = context.runners.worker.pool(1)?;
    let times = batches(n, |i| {
        let back = pool
            .submit(Echo(i as u64))?
            .result_timeout(ROUND_TRIP_BOUND);
        if back.is_err() {
            pool.terminate_workers(); // so that shutting down cannot hang on it
        }
        if back? != i as u64 {
            bail!("a message came back changed");
        }
        Ok(())
    });
    pool.shutdown(true, false);
    times
}
// ANCHOR_END: process_pool

fn tokio_channel(context: &Context, n: usize) -> anyhow::Result<Vec<Duration>> {
    context.runners.tokio()?.block_on(async {
        let (to_echo, mut echo_inbox) = tokio::sync::mpsc::channel::<usize>(1);
        let (to_main, mut main_inbox) = tokio::sync::mpsc::channel::<usize>(1);
        let echo = tokio::spawn(async move {
            while let Some(message) = echo_inbox.recv().await {
                if to_main.send(message).await.is_err() {
                    break;
                }
            }
        });
        let mut times = Vec::new();
        for batch in 0..n.div_ceil(BATCH) {
            let start = Instant::now();
            for i in batch * BATCH..(batch + 1) * BATCH {
                to_echo.send(i).await?;
                if main_inbox.recv().await != Some(i) {
                    bail!("a message came back changed");
                }
            }
            times.push(start.elapsed());
        }
        drop(to_echo);
        echo.await?;
        Ok(times)
    })
}

fn smol_channel(_: &Context, n: usize) -> anyhow::Result<Vec<Duration>> {
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
        let mut times = Vec::new();
        for batch in 0..n.div_ceil(BATCH) {
            let start = Instant::now();
            for i in batch * BATCH..(batch + 1) * BATCH {
                to_echo.send(i).await?;
                if main_inbox.recv().await? != i {
                    bail!("a message came back changed");
                }
            }
            times.push(start.elapsed());
        }
        drop(to_echo);
        echo.await;
        Ok(times)
    }))
}
