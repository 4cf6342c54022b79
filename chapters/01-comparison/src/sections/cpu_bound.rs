//! `cpu-bound`: sums of squares under every model.
//!
//! The claim, and where Rust parts from Python: threads run CPU work in
//! parallel (there is no GIL), so threads, a thread pool, rayon and worker
//! processes all approach one-times-the-cores speedup. An async runtime runs
//! CPU work only as wide as its worker threads — and blocks them meanwhile.

use super::speedup;
use crate::python::{self, PythonModel, PythonRun};
use crate::{Context, Results, need};
use models::Model;
use serde::{Deserialize, Serialize};
use shared::measure::{Repeated, Spread, timed};
use shared::report::{Cell, SectionReport, Table, group_thousands};
use shared::speedup::speedups_in_turns;
use shared::workload::{sum_of_squares, sum_of_squares_formula};

/// Cores a parallel model must keep busy at once (CPU time over wall time)
/// for the claim to hold on two or more cores. This, not the speedup, is
/// what the GIL forbids: on a shared or virtual machine two busy cores may
/// each run slower than one alone, so the speedup can fall short of it.
pub const BUSY_AT_LEAST: f64 = 1.5;

/// What `cpu-bound` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpuBound {
    pub jobs: usize,
    /// Each job sums the squares below `n`.
    pub n: u64,
    pub cores: usize,
    /// Whether the build was optimised: a debug build runs smaller jobs.
    pub optimised: bool,
    /// One row per model, sequential first.
    pub rows: Vec<CpuRow>,
    /// The loop at `n / 4` and at `n`: a loop scales with its size; a
    /// closed formula the optimiser substituted would not.
    pub loop_quarter: f64,
    pub loop_whole: f64,
    pub python: PythonRun,
}

/// One model's run of every job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpuRow {
    pub model: Model,
    pub runs_on: String,
    pub timing: Repeated,
    /// Over sequential: the median of each turn's ratio to the faster of
    /// that turn's two sequential runs ([`shared::speedup`]). A run saved
    /// before it was measured has none and falls back on the medians.
    #[serde(default)]
    pub speedup: Option<Spread>,
    /// Every sum equal to the closed formula.
    pub correct: bool,
}

impl CpuRow {
    /// Cores kept busy: median CPU time over median wall time.
    pub fn cores_busy(&self) -> f64 {
        self.timing.cpu.median / self.timing.wall.median
    }
}

impl CpuBound {
    pub fn row(&self, model: Model) -> Option<&CpuRow> {
        self.rows.iter().find(|r| r.model == model)
    }

    /// `model`'s speedup over sequential, both from this run.
    pub fn speedup(&self, model: Model) -> Option<f64> {
        let row = self.row(model)?;
        if let Some(paired) = row.speedup {
            return Some(paired.median);
        }
        let baseline = self.row(Model::Sequential)?;
        Some(speedup(&baseline.timing.wall, &row.timing.wall))
    }

    /// Whether the speedups were taken turn by turn (runs saved before
    /// that have only the medians).
    pub fn paired(&self) -> bool {
        self.rows.iter().all(|r| r.speedup.is_some())
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let ns: Vec<u64> = vec![sizes.cpu_n; sizes.cpu_jobs];
    let expected = sum_of_squares_formula(sizes.cpu_n);
    // One untimed run first: the first model timed would otherwise pay for
    // cold caches and a core still clocking up, and a slow baseline
    // inflates every speedup after it.
    Model::Sequential.sum_all(&context.runners, &ns)?;
    // The models take turns, run by run, and each turn ends with
    // sequential again: a machine that slows down for a while slows every
    // model, and one slow baseline run cannot inflate a turn's speedups.
    assert_eq!(Model::ALL[0], Model::Sequential, "the baseline comes first");
    let timed = speedups_in_turns(
        sizes.runs,
        Model::ALL,
        |_| 0,
        |model| model.sum_all(&context.runners, &ns),
    )?;
    let rows = (Model::ALL.iter().zip(timed))
        .map(|(&model, run)| CpuRow {
            model,
            runs_on: model.runs_on(&context.runners, ns.len()),
            timing: run.timing,
            speedup: Some(run.speedup),
            correct: run.value.len() == ns.len()
                && run.value.iter().all(|&s| s == expected),
        })
        .collect();
    let (loop_quarter, loop_whole) = loop_times(sizes.cpu_n / 4);
    results.cpu_bound = Some(CpuBound {
        jobs: sizes.cpu_jobs,
        n: sizes.cpu_n,
        cores: context.runners.cores,
        optimised: crate::sizes::OPTIMISED,
        rows,
        loop_quarter,
        loop_whole,
        python: python::measure(context, python::Job::Cpu)?,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let cpu = need(&results.cpu_bound, "cpu-bound")?;
    let mut report = SectionReport::new(
        "cpu-bound",
        format!(
            "{} jobs, each the sum of i*i below {}. Rust threads run on every \
             core at once: there is no GIL.",
            cpu.jobs,
            group_thousands(cpu.n)
        ),
    );
    if !cpu.optimised {
        report.note(
            "This is a debug build: the jobs are smaller and slower than in \
             `cargo run --release -p comparison`, but the ratios hold.",
        );
    }
    report.table(table(cpu));
    if cpu.paired() {
        report.note(
            "The models ran in turns, each turn ending with sequential again; a \
             speedup is the median of each turn's ratio to the faster of that \
             turn's two sequential runs, so one slow baseline run inflates none.",
        );
    }
    python::add_table(
        &cpu.python,
        &["model", "runs on", "wall", "speedup", "CPU", "cores busy"],
        &mut report,
    );
    versus_python(cpu, &mut report);
    report.check(
        cpu.rows.len() == Model::ALL.len() && cpu.rows.iter().all(|r| r.correct),
        format!(
            "every model computed all {} sums, each equal to the closed formula",
            cpu.jobs
        ),
    );
    report.measured(
        cpu.loop_whole > 2.0 * cpu.loop_quarter,
        "the loop really runs: 4× the work took over 2× the time (the optimiser \
         did not fold it into a formula)",
    );
    check_parallel(cpu, &mut report);
    let smol = cpu.row(Model::Smol);
    report.check(
        smol.is_some_and(|row| row.cores_busy() < 1.25),
        "smol, on its one thread, kept about one core busy — asyncio's situation",
    );
    report.note(
        "tokio and async-std spread the jobs over their worker threads, so they \
         speed up too — but a worker busy with a sum cannot run any other task. \
         `event-loop` measures what that does to everything else on the runtime.",
    );
    Ok(report)
}

/// A row per model: wall time, speedup, CPU time and cores kept busy.
fn table(cpu: &CpuBound) -> Table {
    let mut table = Table::new(
        "CPU-bound: wall time (median, range), speedup over sequential, cores kept busy",
        &["model", "runs on", "wall", "speedup", "CPU", "cores busy"],
    );
    for row in &cpu.rows {
        table.push(vec![
            Cell::text(row.model.name()),
            Cell::Varies(row.runs_on.clone()),
            Cell::Timing(row.timing.wall),
            Cell::CpuSpeedup(cpu.speedup(row.model).unwrap_or(f64::NAN)),
            Cell::Seconds(row.timing.cpu.median),
            Cell::Cores(row.cores_busy()),
        ]);
    }
    table
}

/// On two cores or more: did every parallel model keep them busy?
fn check_parallel(cpu: &CpuBound, report: &mut SectionReport) {
    let parallel_busy = cpu
        .rows
        .iter()
        .filter(|r| r.model.is_parallel())
        .all(|r| r.cores_busy() >= BUSY_AT_LEAST);
    if cpu.cores >= 2 {
        report.measured(
            parallel_busy,
            format!(
                "threads, thread-pool, rayon and processes each kept at least \
                 {BUSY_AT_LEAST} cores busy at once: they ran in parallel"
            ),
        );
        report.verdict(if parallel_busy {
            "Speedup can trail cores busy: when both cores compute, each may run \
             slower than one alone (hyper-threads, a busy host), which shows as \
             more CPU time for the same work than sequential needed."
        } else {
            "In this run some parallel model kept fewer cores busy than the \
             claim asks: other work was taking the cores. Rerun on a quiet \
             machine before reading the speedups."
        });
    } else {
        report.note("Only one core here: no parallel speedup is possible, so none is checked.");
    }
}

// ANCHOR: versus_python
/// Rust against CPython per element, from this run: the two sides sum below
/// different `n` (CPython's loop is far slower), so their wall times only
/// compare once divided by the elements each summed.
fn versus_python(cpu: &CpuBound, report: &mut SectionReport) {
    let PythonRun::Ran {
        n: Some(python_n),
        rows,
    } = &cpu.python
    else {
        return;
    };
    let python_row = |model| rows.iter().find(|r| r.model == model);
    let per_element = |wall: f64, n: u64| wall / (cpu.jobs as f64 * n as f64);
    let mut table = Table::new(
        "Rust against CPython, per element summed (median wall time over elements)",
        &[
            "CPython",
            "Rust",
            "CPython per element",
            "Rust per element",
            "Rust faster by",
        ],
    );
    let pairs = [
        (Model::Sequential, PythonModel::Sequential),
        (Model::Threads, PythonModel::Threading),
        (Model::Threads, PythonModel::Multiprocessing),
    ];
    let mut sequential_ratio = None;
    for (rust, python) in pairs {
        let (Some(r), Some(p)) = (cpu.row(rust), python_row(python)) else {
            continue;
        };
        let rust_each = per_element(r.timing.wall.median, cpu.n);
        let python_each = per_element(p.wall.median, *python_n);
        let faster = python_each / rust_each;
        if rust == Model::Sequential {
            sequential_ratio = Some(faster);
        }
        table.push(vec![
            Cell::text(python.name()),
            Cell::text(rust.name()),
            Cell::Seconds(python_each),
            Cell::Seconds(rust_each),
            Cell::Ratio(faster),
        ]);
    }
    if !table.rows.is_empty() {
        report.table(table);
    }
    report.measured(
        sequential_ratio.is_some_and(|ratio| ratio > 1.0),
        "one thread against one thread, Rust sums each element faster than CPython",
    );
}
// ANCHOR_END: versus_python

/// Median time of the sum below `n` and below `4n`, three runs each.
fn loop_times(n: u64) -> (f64, f64) {
    let time = |n: u64| {
        let times: Vec<f64> = (0..3)
            .map(|_| timed(|| sum_of_squares(n)).1.wall.as_secs_f64())
            .collect();
        shared::measure::median(&times)
    };
    (time(n), time(4 * n))
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A run made up for the checks: `walls[i]` seconds for model `i` of
    /// [`Model::ALL`], each using `busy` cores.
    pub fn made_up(walls: [f64; 8], busy: f64) -> CpuBound {
        let rows = Model::ALL
            .iter()
            .zip(walls)
            .map(|(&model, wall)| {
                let busy = if model.is_parallel() { busy } else { 1.0 };
                CpuRow {
                    model,
                    runs_on: "made up".into(),
                    timing: Repeated {
                        runs: 3,
                        wall: Spread::single(wall),
                        cpu: Spread::single(wall * busy),
                    },
                    speedup: None,
                    correct: true,
                }
            })
            .collect();
        CpuBound {
            jobs: 8,
            n: 1000,
            cores: 2,
            optimised: true,
            rows,
            loop_quarter: 1.0,
            loop_whole: 4.0,
            python: PythonRun::NotAsked,
        }
    }

    fn report_of(cpu: CpuBound) -> SectionReport {
        let results = Results {
            cpu_bound: Some(cpu),
            ..Results::default()
        };
        let mut report = report(&results).unwrap();
        report.limit_to_cores(2);
        report
    }

    #[test]
    fn an_honest_run_passes_every_check() {
        let r = report_of(made_up([2.0, 1.05, 1.1, 1.05, 1.1, 1.2, 1.2, 2.0], 1.9));
        assert!(
            r.checks().all(|c| c.holds),
            "{}",
            r.render(shared::report::Render::Plain)
        );
    }

    /// A sequential median a neighbour inflated would claim 2.75×; the
    /// turn-by-turn ratio the run measured is what the page shows and checks.
    #[test]
    fn the_turn_by_turn_speedup_is_the_one_shown_and_checked() {
        let mut cpu = made_up([2.75, 1.0, 1.1, 1.0, 1.1, 1.2, 1.2, 2.0], 1.9);
        for row in &mut cpu.rows {
            let paired = if row.model == Model::Sequential {
                1.0
            } else {
                1.9
            };
            row.speedup = Some(Spread::single(paired));
        }
        assert_eq!(cpu.speedup(Model::Threads), Some(1.9));
        let r = report_of(cpu);
        assert!(r.implausible().is_empty(), "{r:?}");
    }

    #[test]
    fn a_speedup_above_the_cores_is_refused() {
        let r = report_of(made_up([2.75, 1.0, 1.1, 1.0, 1.1, 1.2, 1.2, 2.0], 1.9));
        assert_eq!(r.implausible().len(), 1, "{r:?}");
    }

    #[test]
    fn a_wrong_sum_breaks_an_invariant() {
        let mut cpu = made_up([2.0, 1.05, 1.1, 1.05, 1.1, 1.2, 1.2, 2.0], 1.9);
        cpu.rows[3].correct = false;
        assert_eq!(report_of(cpu).broken().len(), 1);
    }

    #[test]
    fn threads_that_ran_one_at_a_time_miss_the_parallel_claim() {
        let r = report_of(made_up([2.0, 1.9, 1.9, 1.9, 1.9, 1.2, 1.2, 2.0], 1.0));
        let missed: Vec<_> = r.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1, "{r:?}");
        assert!(missed[0].claim.contains("ran in parallel"));
        assert!(
            r.render(shared::report::Render::Plain)
                .contains("Rerun on a quiet")
        );
    }

    #[test]
    fn a_folded_loop_misses_its_claim() {
        let mut cpu = made_up([2.0, 1.05, 1.1, 1.05, 1.1, 1.2, 1.2, 2.0], 1.9);
        cpu.loop_whole = cpu.loop_quarter;
        let r = report_of(cpu);
        assert!(
            r.checks()
                .any(|c| !c.holds && c.claim.contains("the loop really runs"))
        );
    }

    #[test]
    fn rust_and_python_compare_per_element_not_per_run() {
        use crate::python::PythonRow;
        // Rust: 8 jobs below 1000 in 2.0 s sequentially; CPython: 8 jobs
        // below 10 in 1.0 s, 50× slower per element.
        let mut cpu = made_up([2.0, 1.05, 1.1, 1.05, 1.1, 1.2, 1.2, 2.0], 1.9);
        let row = |model, wall| PythonRow {
            model,
            runs_on: "made up".into(),
            wall: Spread::single(wall),
            cpu: Spread::single(wall),
        };
        cpu.python = PythonRun::Ran {
            n: Some(10),
            rows: vec![
                row(PythonModel::Sequential, 1.0),
                row(PythonModel::Threading, 1.0),
            ],
        };
        let r = report_of(cpu);
        let table = r
            .tables()
            .find(|t| t.title.starts_with("Rust against"))
            .expect("a Rust against CPython table");
        assert_eq!(table.rows[0][4], Cell::Ratio(50.0));
        assert_eq!(table.rows.len(), 2, "no multiprocessing row was measured");
        assert!(
            r.checks().any(
                |c| c.holds && c.claim.contains("Rust sums each element faster")
            )
        );
        cpu = made_up([2.0, 1.05, 1.1, 1.05, 1.1, 1.2, 1.2, 2.0], 1.9);
        cpu.python = PythonRun::Ran {
            n: Some(10_000),
            rows: vec![row(PythonModel::Sequential, 1.0)],
        };
        assert!(
            report_of(cpu)
                .checks()
                .any(|c| !c.holds
                    && c.claim.contains("Rust sums each element faster")),
            "CPython faster per element must miss the claim"
        );
    }
}
