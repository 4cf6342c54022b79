//! `event-loop`: CPU work on an async runtime, and the lag it causes.
//!
//! asyncio's rule holds in Rust: a task that computes without reaching an
//! `.await` holds its thread, and every other task on that thread waits.
//! A ticker task that wants to wake every few milliseconds measures how late
//! it wakes; then the same work moves to `spawn_blocking` and to rayon.

use crate::{Context, Results, need};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use shared::measure::{Spread, median};
use shared::report::{Cell, SectionReport, Table};
use shared::workload::sum_of_squares;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// Where the CPU jobs run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Inside an async task, on the runtime's own thread.
    OnTheRuntime,
    /// On tokio's pool of threads for blocking work.
    SpawnBlocking,
    /// On rayon's pool, with the answer sent back through a oneshot channel.
    Rayon,
}

impl Placement {
    pub const ALL: [Placement; 3] = [
        Placement::OnTheRuntime,
        Placement::SpawnBlocking,
        Placement::Rayon,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Placement::OnTheRuntime => "directly in a task",
            Placement::SpawnBlocking => "spawn_blocking",
            Placement::Rayon => "rayon + oneshot",
        }
    }
}

// ANCHOR: ticker
/// Wakes every `tick` until `stop`, recording how late each wake-up was.
async fn ticker(stop: Arc<AtomicBool>, tick: Duration) -> Vec<Duration> {
    let mut lags = Vec::new();
    let mut planned = Instant::now() + tick;
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep_until(planned).await;
        let now = Instant::now();
        lags.push(now - planned);
        planned = now + tick;
    }
    lags
}
// ANCHOR_END: ticker

// ANCHOR: placement
/// Runs one CPU job where `placement` says, from inside the runtime.
async fn cpu_job(placement: Placement, n: u64) -> anyhow::Result<u64> {
    Ok(match placement {
        // Blocks the only runtime thread until the sum is done.
        Placement::OnTheRuntime => {
            tokio::spawn(async move { sum_of_squares(n) }).await?
        }
        // Moves the sum to another thread; this task just awaits it.
        Placement::SpawnBlocking => {
            tokio::task::spawn_blocking(move || sum_of_squares(n)).await?
        }
        Placement::Rayon => {
            let (answer, answered) = tokio::sync::oneshot::channel();
            rayon::spawn(move || {
                let _ = answer.send(sum_of_squares(n));
            });
            answered.await?
        }
    })
}
// ANCHOR_END: placement

/// What `event-loop` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventLoop {
    /// The tick the ticker wants, in seconds.
    pub tick_s: f64,
    pub jobs: usize,
    /// The `n` of each job, sized to take about the chosen job length.
    pub n: u64,
    pub rows: Vec<(Placement, Lag)>,
}

impl EventLoop {
    pub fn lag(&self, placement: Placement) -> Option<&Lag> {
        self.rows
            .iter()
            .find(|(p, _)| *p == placement)
            .map(|(_, l)| l)
    }
}

/// What one placement did to the ticker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lag {
    pub ticks: usize,
    pub median: f64,
    pub max: f64,
    pub job: Spread,
}

/// Runs `jobs` CPU jobs of `n` one after another on a one-thread runtime
/// (asyncio's situation), with the ticker beside them.
pub fn lag_of(
    placement: Placement,
    jobs: usize,
    n: u64,
    tick: Duration,
) -> anyhow::Result<Lag> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let ticks = tokio::spawn(ticker(stop.clone(), tick));
        tokio::time::sleep(tick * 3).await; // let the ticker settle in
        let mut job_times = Vec::new();
        for _ in 0..jobs {
            let start = Instant::now();
            cpu_job(placement, n).await?;
            job_times.push(start.elapsed().as_secs_f64());
        }
        stop.store(true, Ordering::Relaxed);
        let lags = ticks.await.context("the ticker task")?;
        let secs: Vec<f64> = lags.iter().map(Duration::as_secs_f64).collect();
        Ok(Lag {
            ticks: secs.len(),
            median: median(&secs),
            max: secs.iter().copied().fold(0.0, f64::max),
            job: Spread::of(&job_times),
        })
    })
}

/// The `n` whose sum takes about `target` on this machine and build.
pub fn n_taking(target: Duration) -> u64 {
    let probe = 1_000_000;
    let (_, timing) = shared::measure::timed(|| sum_of_squares(probe));
    let per_step = timing.wall.as_secs_f64().max(1e-12) / probe as f64;
    (target.as_secs_f64() / per_step) as u64
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let n = n_taking(sizes.blocking_job);
    let mut rows = Vec::new();
    for placement in Placement::ALL {
        rows.push((
            placement,
            lag_of(placement, sizes.blocking_jobs, n, sizes.tick)?,
        ));
    }
    results.event_loop = Some(EventLoop {
        tick_s: sizes.tick.as_secs_f64(),
        jobs: sizes.blocking_jobs,
        n,
        rows,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let event_loop = need(&results.event_loop, "event-loop")?;
    let mut report = SectionReport::new(
        "event-loop",
        format!(
            "A ticker task wants to wake every {} on a one-thread tokio runtime \
             (asyncio's situation) while {} CPU jobs run. Run inside a task, each job \
             stalls the ticker for its whole length; moved off the runtime, it does not.",
            shared::report::format_seconds(event_loop.tick_s),
            event_loop.jobs
        ),
    );
    let mut table = Table::new(
        "How late the ticker woke while the CPU jobs ran",
        &[
            "CPU jobs run",
            "job length",
            "ticks",
            "median lag",
            "max lag",
        ],
    );
    for (placement, lag) in &event_loop.rows {
        table.push(vec![
            Cell::text(placement.name()),
            Cell::Timing(lag.job),
            Cell::Tally(lag.ticks as u64),
            Cell::Seconds(lag.median),
            Cell::Seconds(lag.max),
        ]);
    }
    report.table(table);
    let (Some(blocked), true) = (
        event_loop.lag(Placement::OnTheRuntime),
        event_loop.rows.len() == Placement::ALL.len(),
    ) else {
        anyhow::bail!("the event-loop results lack a placement");
    };
    report.check(
        blocked.max >= blocked.job.median / 2.0,
        "run directly in a task, a job stalled the ticker for at least half its length",
    );
    let mut moved = event_loop
        .rows
        .iter()
        .filter(|(p, _)| *p != Placement::OnTheRuntime);
    report.measured(
        moved.all(|(_, lag)| lag.max < blocked.max / 2.0),
        "moved to spawn_blocking or rayon, the ticker's worst lag was under half of that",
    );
    report.note(
        "A multi-threaded runtime hides this until every worker is busy: then the \
         same stall hits every task. tokio's guidance is to reach an .await every \
         10 to 100 µs; anything longer belongs on spawn_blocking or rayon.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lag(max: f64) -> Lag {
        Lag {
            ticks: 10,
            median: max / 2.0,
            max,
            job: Spread::single(0.05),
        }
    }

    fn made_up(blocked: f64, moved: f64) -> Results {
        Results {
            event_loop: Some(EventLoop {
                tick_s: 0.005,
                jobs: 3,
                n: 1_000,
                rows: vec![
                    (Placement::OnTheRuntime, lag(blocked)),
                    (Placement::SpawnBlocking, lag(moved)),
                    (Placement::Rayon, lag(moved)),
                ],
            }),
            ..Results::default()
        }
    }

    #[test]
    fn a_job_that_did_not_stall_the_ticker_breaks_the_invariant() {
        assert!(
            report(&made_up(0.05, 0.001))
                .unwrap()
                .checks()
                .all(|c| c.holds)
        );
        assert_eq!(report(&made_up(0.001, 0.001)).unwrap().broken().len(), 1);
    }

    #[test]
    fn a_moved_job_that_still_stalls_misses_its_claim() {
        let r = report(&made_up(0.05, 0.04)).unwrap();
        assert!(r.broken().is_empty());
        assert_eq!(r.checks().filter(|c| !c.holds).count(), 1);
    }
}
