//! `cpu-bound`: sums of squares under every model.
//!
//! The claim, and where Rust parts from Python: threads run CPU work in
//! parallel (there is no GIL), so threads, a thread pool, rayon and worker
//! processes all approach one-times-the-cores speedup. An async runtime runs
//! CPU work only as wide as its worker threads — and blocks them meanwhile.

use super::timed_record;
use crate::Context;
use crate::models::Model;
use shared::measure::repeat;
use shared::report::{Cell, Record, SectionReport, Table, group_thousands};
use shared::workload::{sum_of_squares, sum_of_squares_formula};

/// Cores a parallel model must keep busy at once (CPU time over wall time)
/// for the check to hold on two or more cores. This, not the speedup, is
/// what the GIL forbids: on a shared or virtual machine two busy cores may
/// each run slower than one alone, so the speedup can fall short of it.
const BUSY_AT_LEAST: f64 = 1.5;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let ns: Vec<u64> = vec![sizes.cpu_n; sizes.cpu_jobs];
    let expected = sum_of_squares_formula(sizes.cpu_n);
    let mut report = SectionReport::new(
        "cpu-bound",
        format!(
            "{} jobs, each the sum of i*i below {}. Rust threads run on every \
             core at once: there is no GIL.",
            sizes.cpu_jobs,
            group_thousands(sizes.cpu_n)
        ),
    );
    if !crate::sizes::OPTIMISED {
        report.note(
            "This is a debug build: the jobs are smaller and slower than in \
             `cargo run --release -p comparison`, but the ratios hold.",
        );
    }
    let mut table = Table::new(
        "CPU-bound: wall time (median, range), speedup over sequential, cores kept busy",
        &["model", "runs on", "wall", "speedup", "CPU", "cores busy"],
    );
    let mut sequential_wall = None;
    let mut all_correct = true;
    let mut speedups = Vec::new();
    for model in Model::ALL {
        let (sums, timing) = repeat(sizes.runs, || model.sum_all(context, &ns))?;
        all_correct &= sums.len() == ns.len() && sums.iter().all(|&s| s == expected);
        let wall = timing.wall.median;
        let baseline = *sequential_wall.get_or_insert(wall);
        let speedup = baseline / wall;
        let busy = timing.cpu.median / wall;
        speedups.push((model, speedup, busy));
        table.push(vec![
            Cell::text(model.name()),
            Cell::Varies(model.runs_on(context, ns.len())),
            Cell::Timing(timing.wall),
            Cell::Ratio(speedup),
            Cell::Seconds(timing.cpu.median),
            Cell::Number(busy),
        ]);
        let record = Record::new("cpu-bound", Some("cpu"), model.name())
            .with("jobs", ns.len())
            .with("n", sizes.cpu_n)
            .with("speedup", speedup)
            .with("cores_busy", busy);
        context.keep(&mut report, timed_record(record, &timing));
    }
    crate::python::add_rows(context, "cpu", &mut table, &mut report)?;
    report.table(table);
    report.check(
        all_correct,
        format!(
            "every model computed all {} sums, each equal to the closed formula",
            ns.len()
        ),
    );
    report.measured(
        loop_really_runs(sizes.cpu_n / 4),
        "the loop really runs: 4× the work took over 2× the time (the optimiser \
         did not fold it into a formula)",
    );
    let parallel = [
        Model::Threads,
        Model::ThreadPool,
        Model::Rayon,
        Model::Processes,
    ];
    if context.cores >= 2 {
        let busy = speedups
            .iter()
            .filter(|(m, ..)| parallel.contains(m))
            .all(|(_, _, busy)| *busy >= BUSY_AT_LEAST);
        report.measured(
            busy,
            format!(
                "threads, thread-pool, rayon and processes each kept at least \
                 {BUSY_AT_LEAST} cores busy at once: they ran in parallel"
            ),
        );
        report.note(
            "Speedup can trail cores busy: when both cores compute, each may run \
             slower than one alone (hyper-threads, a busy host), which shows as \
             more CPU time for the same work than sequential needed.",
        );
    } else {
        report.note("Only one core here: no parallel speedup is possible, so none is checked.");
    }
    let smol_busy = speedups
        .iter()
        .find(|(m, ..)| *m == Model::Smol)
        .map(|s| s.2);
    report.check(
        smol_busy.is_some_and(|busy| busy < 1.25),
        "smol, on its one thread, kept about one core busy — asyncio's situation",
    );
    report.note(
        "tokio and async-std spread the jobs over their worker threads, so they \
         speed up too — but a worker busy with a sum cannot run any other task. \
         `event-loop` measures what that does to everything else on the runtime.",
    );
    Ok(report)
}

/// Times the sum for `n` and for `4n`, three times each. A loop scales with
/// `n`; a closed formula would take the same time for both.
fn loop_really_runs(n: u64) -> bool {
    let time = |n: u64| {
        let times: Vec<f64> = (0..3)
            .map(|_| {
                shared::measure::timed(|| sum_of_squares(n))
                    .1
                    .wall
                    .as_secs_f64()
            })
            .collect();
        shared::measure::median(&times)
    };
    time(4 * n) > 2.0 * time(n)
}
