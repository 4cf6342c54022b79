//! `dataflow`: the seed's CPU-bound job, many sums of squares, on a
//! dataflow engine across processes (timely dataflow, two processes over
//! loopback TCP: the Dask/Ray counterpart) against rayon and one thread on
//! the same machine, at several amounts of work per job: where the
//! engine's start-up and coordination stop mattering. The engine's half
//! needs `--features dataflow`; without it rayon and one thread run alone
//! and the report says what it skipped.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::measure::Spread;
use shared::report::{Cell, SectionReport, Table, format_seconds};
use shared::workload::{sum_of_squares, sum_of_squares_formula};

/// What `dataflow` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataflow {
    pub jobs: u64,
    /// Threads, or processes, each parallel way ran on: the machine's cores.
    pub workers: u64,
    pub runs: u64,
    /// One entry per work size, smallest first.
    pub sizes: Vec<AtSize>,
    /// Why the engine's rows are missing, if they are.
    pub engine_skipped: Option<String>,
}

/// Every way at one `n`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AtSize {
    /// Each job is the sum of squares below `n`: the work per job.
    pub n: u64,
    /// The sum of every job's result, from the closed formula.
    pub expected: u64,
    pub rows: Vec<Row>,
}

/// One way, timed over the runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub way: Way,
    /// One job list. For the engine, the last of [`ROUNDS`] rounds of one
    /// execution: the engine started, connected and warm.
    pub seconds: Spread,
    /// Each run's speedup over the one-thread run of the same turn: paired,
    /// so that a machine whose speed drifts between turns (this one's does)
    /// moves both sides of each ratio alike.
    pub vs_one_thread: Spread,
    /// The total it computed, over `summed` job lists (last run).
    pub sum: u64,
    pub summed: u64,
    /// Jobs each timely worker computed, and worker 0 gathered, over the
    /// rounds of the last run (empty and `None` for one thread and rayon).
    pub shares: Vec<u64>,
    pub gathered: Option<u64>,
    /// The engine only: each execution whole, from starting its threads
    /// or processes to their end, and what of it is not the rounds:
    /// start-up, connecting, stopping.
    pub execution: Option<Spread>,
    pub rest: Option<Spread>,
}

/// The ways compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Way {
    OneThread,
    Rayon,
    TimelyThreads,
    TimelyProcesses,
}

impl Way {
    pub fn name(self) -> &'static str {
        match self {
            Way::OneThread => "one thread",
            Way::Rayon => "rayon",
            Way::TimelyThreads => "timely, threads",
            Way::TimelyProcesses => "timely, processes over TCP",
        }
    }
}

const CLAIM: &str = "A dataflow engine runs the same job list across processes that could \
     be on other machines; on one machine it pays a start-up and a \
     coordination cost that rayon does not, and wins nothing back until \
     another machine brings more cores.";

/// Rounds of the job list in each engine execution: the last is timed,
/// the first warms the connections up.
pub const ROUNDS: u64 = 2;

/// What one run of one way produced.
struct Outcome {
    sum: u64,
    summed: u64,
    shares: Vec<u64>,
    gathered: Option<u64>,
    /// One job list's time, and for the engine the execution's and the rest.
    seconds: f64,
    execution_rest: Option<(f64, f64)>,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let (jobs, runs) = (context.sizes.dataflow_jobs, context.sizes.dataflow_runs);
    let workers = shared::machine::cores();
    let ways = ways();
    let mut sizes = Vec::new();
    for &n in &context.sizes.dataflow_n {
        let runs = in_turns(&ways, runs, |way| run(way, context, workers, jobs, n))?;
        let baseline: Vec<f64> = runs[0].iter().map(|o| o.seconds).collect();
        let rows = (ways.iter().zip(runs))
            .map(|(&way, outcomes)| row_of(way, outcomes, &baseline))
            .collect();
        let expected = sum_of_squares_formula(n).wrapping_mul(jobs);
        sizes.push(AtSize { n, expected, rows });
    }
    results.dataflow = Some(Dataflow {
        jobs,
        workers: workers as u64,
        runs: runs as u64,
        sizes,
        engine_skipped: ENGINE_SKIPPED.map(str::to_string),
    });
    Ok(())
}

/// Run 1 of every way, then run 2 of every way, and so on, so that a
/// machine whose speed drifts (this one's does: its cores are shared with
/// other machines' work) moves every way alike. Each turn starts with an
/// untimed run of one thread, since the run after the processes' start-up,
/// which is mostly asleep, ran at another speed than those after it; and
/// ends with one thread again, the faster of its two runs being the
/// turn's baseline: a neighbour slowing one of them cannot inflate the
/// turn's speedups. `ways[0]` is one thread. Each way's outcomes, in order.
fn in_turns(
    ways: &[Way],
    runs: usize,
    mut run: impl FnMut(Way) -> anyhow::Result<Outcome>,
) -> anyhow::Result<Vec<Vec<Outcome>>> {
    let mut outcomes: Vec<Vec<Outcome>> = ways.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs.max(1) {
        run(Way::OneThread)?;
        let mut turn = (ways.iter())
            .map(|&way| run(way))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let again = run(Way::OneThread)?;
        turn[0].seconds = turn[0].seconds.min(again.seconds);
        for (way, outcome) in outcomes.iter_mut().zip(turn) {
            way.push(outcome);
        }
    }
    Ok(outcomes)
}

/// `baseline`: the one-thread runs' seconds, turn by turn.
fn row_of(way: Way, outcomes: Vec<Outcome>, baseline: &[f64]) -> Row {
    let seconds: Vec<f64> = outcomes.iter().map(|o| o.seconds).collect();
    let ratios: Vec<f64> = (baseline.iter().zip(&seconds))
        .map(|(one, way)| one / way)
        .collect();
    let splits: Vec<(f64, f64)> =
        outcomes.iter().filter_map(|o| o.execution_rest).collect();
    let spread = |pick: fn(&(f64, f64)) -> f64| {
        (!splits.is_empty())
            .then(|| Spread::of(&splits.iter().map(pick).collect::<Vec<_>>()))
    };
    let (execution, rest) = (spread(|s| s.0), spread(|s| s.1));
    let last = outcomes.into_iter().last().expect("at least one run");
    Row {
        way,
        seconds: Spread::of(&seconds),
        vs_one_thread: Spread::of(&ratios),
        sum: last.sum,
        summed: last.summed,
        shares: last.shares,
        gathered: last.gathered,
        execution,
        rest,
    }
}

/// The ways this build can run.
fn ways() -> Vec<Way> {
    let mut ways = vec![Way::OneThread, Way::Rayon];
    if ENGINE_SKIPPED.is_none() {
        ways.extend([Way::TimelyThreads, Way::TimelyProcesses]);
    }
    ways
}

// ANCHOR: one_machine
/// One run of `way`: `jobs` sums of squares below `n`, added up.
fn run(
    way: Way,
    context: &Context,
    workers: usize,
    jobs: u64,
    n: u64,
) -> anyhow::Result<Outcome> {
    use rayon::prelude::*;
    let start = std::time::Instant::now();
    let sum = match way {
        Way::OneThread => (0..jobs)
            .map(|_| sum_of_squares(n))
            .fold(0, u64::wrapping_add),
        Way::Rayon => (0..jobs)
            .into_par_iter()
            .map(|_| sum_of_squares(n))
            .reduce(|| 0, u64::wrapping_add),
        Way::TimelyThreads | Way::TimelyProcesses => {
            return engine(way, context, workers, jobs, n);
        }
    };
    Ok(Outcome {
        sum,
        summed: 1,
        shares: Vec::new(),
        gathered: None,
        seconds: start.elapsed().as_secs_f64(),
        execution_rest: None,
    })
}
// ANCHOR_END: one_machine

/// Why the engine's rows are missing, if they are.
#[cfg(feature = "dataflow")]
const ENGINE_SKIPPED: Option<&str> = None;
#[cfg(not(feature = "dataflow"))]
const ENGINE_SKIPPED: Option<&str> = Some(
    "built without the `dataflow` feature \
     (cargo run -p beyond-one-machine --features dataflow)",
);

#[cfg(not(feature = "dataflow"))]
fn engine(
    way: Way,
    _: &Context,
    _: usize,
    _: u64,
    _: u64,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("{} needs the `dataflow` feature", way.name())
}

/// One engine execution, in threads or across processes, of [`ROUNDS`]
/// rounds of the job list.
#[cfg(feature = "dataflow")]
fn engine(
    way: Way,
    context: &Context,
    workers: usize,
    jobs: u64,
    n: u64,
) -> anyhow::Result<Outcome> {
    use crate::dataflow::{cluster, in_threads};
    let start = std::time::Instant::now();
    let shares = match way {
        Way::TimelyThreads => in_threads(workers, jobs, n, ROUNDS)?,
        _ => cluster::run_processes(&context.program, workers, jobs, n, ROUNDS)?,
    };
    let execution = start.elapsed().as_secs_f64();
    let first = (shares.iter().find(|s| s.worker == 0))
        .ok_or_else(|| anyhow::anyhow!("no share from worker 0"))?;
    let last_round = first.round_s.last().copied().unwrap_or_default();
    Ok(Outcome {
        sum: first.sum,
        summed: ROUNDS,
        shares: shares.iter().map(|s| s.computed).collect(),
        gathered: Some(first.gathered),
        seconds: last_round,
        execution_rest: Some((
            execution,
            execution - first.round_s.iter().sum::<f64>(),
        )),
    })
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let dataflow = need(&results.dataflow, "dataflow")?;
    let mut report = SectionReport::new("dataflow", CLAIM);
    if let Some(why) = &dataflow.engine_skipped {
        report.note(format!("skipped, the engine's half: {why}"));
    }
    report.table(ways_table(dataflow));
    report.note(
        "The ways run in turns, one run of each after another, between two \
         runs of one thread; \"vs one thread\" is the median of each turn's \
         ratio to the faster of that turn's one-thread runs. An engine run is \
         one execution: its last round is timed.",
    );
    let exact = (dataflow.sizes.iter()).all(|at| {
        (at.rows.iter()).all(|row| row.sum == at.expected.wrapping_mul(row.summed))
    });
    report.check(
        exact,
        "every way's total is the closed formula's, at every size",
    );
    let engine_rows: Vec<&Row> = (dataflow.sizes.iter())
        .flat_map(|at| &at.rows)
        .filter(|row| !row.shares.is_empty())
        .collect();
    if dataflow.engine_skipped.is_none() {
        engine_checks(&mut report, dataflow, &engine_rows);
        report.table(startup_table(dataflow));
        distribution_claims(&mut report, dataflow);
    }
    Ok(report)
}

fn ways_table(dataflow: &Dataflow) -> Table {
    let mut table = Table::new(
        format!(
            "{} sums of squares below n, each way on {} threads or processes \
             ({} runs each)",
            dataflow.jobs, dataflow.workers, dataflow.runs
        ),
        &["n", "way", "wall time", "vs one thread", "jobs/s"],
    );
    for at in &dataflow.sizes {
        for row in &at.rows {
            table.push(vec![
                Cell::Count(at.n),
                Cell::text(row.way.name()),
                Cell::Timing(row.seconds),
                Cell::CpuSpeedup(row.vs_one_thread.median),
                Cell::PerSecond(dataflow.jobs as f64 / row.seconds.median),
            ]);
        }
    }
    table
}

fn engine_checks(report: &mut SectionReport, dataflow: &Dataflow, rows: &[&Row]) {
    let once = rows.iter().all(|row| {
        let jobs = dataflow.jobs * row.summed;
        row.shares.iter().sum::<u64>() == jobs && row.gathered == Some(jobs)
    });
    report.check(
        once,
        "the engine computed each job once: the workers' shares add up to the \
         jobs, and worker 0 gathered every result",
    );
    let spread = (rows.iter()).all(|row| {
        row.shares.len() == dataflow.workers as usize
            && row.shares.iter().all(|s| *s > 0)
    });
    report.check(
        spread,
        "every timely worker, thread or process, computed some of the jobs",
    );
}

fn startup_table(dataflow: &Dataflow) -> Table {
    let mut table = Table::new(
        format!(
            "Each engine execution ({} rounds), and the rest of it: start, \
             connect, stop",
            ROUNDS
        ),
        &["n", "way", "execution", "the rest"],
    );
    for at in &dataflow.sizes {
        for row in &at.rows {
            if let (Some(execution), Some(rest)) = (row.execution, row.rest) {
                table.push(vec![
                    Cell::Count(at.n),
                    Cell::text(row.way.name()),
                    Cell::Timing(execution),
                    Cell::Timing(rest),
                ]);
            }
        }
    }
    table
}

fn row(at: &AtSize, way: Way) -> Option<&Row> {
    at.rows.iter().find(|r| r.way == way)
}

/// The claims the figures decide: at the least work per job, rayon beats
/// the processes; at the most, the processes come near rayon; and how
/// many jobs' work the processes' start-up is worth.
fn distribution_claims(report: &mut SectionReport, dataflow: &Dataflow) {
    let median = |at: &AtSize, way| row(at, way).map(|r| r.seconds.median);
    if let Some(least) = dataflow.sizes.first()
        && let (Some(rayon), Some(processes)) = (
            median(least, Way::Rayon),
            median(least, Way::TimelyProcesses),
        )
    {
        report.measured(
            rayon < processes,
            format!(
                "with n = {}, rayon finishes a round before the processes",
                least.n
            ),
        );
    }
    let Some(most) = dataflow.sizes.last() else {
        return;
    };
    let (Some(one), Some(processes)) = (
        median(most, Way::OneThread),
        row(most, Way::TimelyProcesses),
    ) else {
        return;
    };
    report.measured(
        processes.seconds.median < one,
        format!(
            "with n = {}, the processes finish a round before one thread",
            most.n
        ),
    );
    if let Some(rayon) = row(most, Way::Rayon) {
        report.verdict(format!(
            "With n = {}, rayon ran {:.2}× as fast as one thread: what this \
             run's cores were worth to this loop, and all the engine, on the \
             same cores, could hope for.",
            most.n, rayon.vs_one_thread.median
        ));
    }
    let rest = (dataflow.sizes.iter())
        .filter_map(|at| row(at, Way::TimelyProcesses).and_then(|r| r.rest))
        .map(|rest| rest.min)
        .fold(f64::INFINITY, f64::min);
    let per_job = one / dataflow.jobs as f64;
    report.verdict(format!(
        "Starting, connecting and stopping the processes took {} at the \
         fastest: the work of {:.0} jobs with n = {} on one thread ({} \
         each). A cluster that stays up pays it once; one started per job \
         list pays it every time.",
        format_seconds(rest),
        rest / per_job,
        most.n,
        format_seconds(per_job),
    ));
}
