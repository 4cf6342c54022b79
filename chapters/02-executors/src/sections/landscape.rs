//! `landscape`: the same CPU jobs through every tool Rust offers for a
//! batch of work, measured side by side, with when to pick which.

use crate::{BOUND, Context, Results, need};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use shared::measure::{Repeated, repeat};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::SumOfSquares;
use shared::workload::sum_of_squares;

/// What `landscape` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Landscape {
    pub jobs: usize,
    /// Each job sums the squares below `n`.
    pub n: u64,
    /// One row per tool, sequential first: the baseline of every speedup.
    pub rows: Vec<LandscapeRow>,
}

/// One tool's runs of every job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LandscapeRow {
    pub tool: Tool,
    pub timing: Repeated,
    /// The sums it returned, in the jobs' order.
    pub sums: Vec<u64>,
}

/// The tools, in the order the table shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    Sequential,
    ThreadPoolExecutor,
    ProcessPoolExecutor,
    RayonParIter,
    ThreadScope,
    SpawnBlocking,
    JoinSet,
}

impl Tool {
    pub const ALL: [Tool; 7] = [
        Tool::Sequential,
        Tool::ThreadPoolExecutor,
        Tool::ProcessPoolExecutor,
        Tool::RayonParIter,
        Tool::ThreadScope,
        Tool::SpawnBlocking,
        Tool::JoinSet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tool::Sequential => "sequential",
            Tool::ThreadPoolExecutor => "ThreadPoolExecutor",
            Tool::ProcessPoolExecutor => "ProcessPoolExecutor",
            Tool::RayonParIter => "rayon par_iter",
            Tool::ThreadScope => "thread::scope",
            Tool::SpawnBlocking => "tokio spawn_blocking",
            Tool::JoinSet => "tokio JoinSet",
        }
    }

    /// What to pick it for.
    pub fn pick(self) -> &'static str {
        match self {
            Tool::Sequential => "the baseline",
            Tool::ThreadPoolExecutor => "futures, callbacks, cancel; any closure",
            Tool::ProcessPoolExecutor => "isolation: a crash stays in its worker",
            Tool::RayonParIter => "data-parallel CPU work: the default",
            Tool::ThreadScope => "a few long jobs that borrow local data",
            Tool::SpawnBlocking => "blocking or CPU work from async code",
            Tool::JoinSet => "async: results as they finish, abort the rest",
        }
    }
}

impl Landscape {
    /// `tool`'s speedup over sequential, median against median, both from
    /// this run.
    pub fn speedup(&self, tool: Tool) -> Option<f64> {
        let of = |tool| self.rows.iter().find(|r| r.tool == tool);
        Some(of(Tool::Sequential)?.timing.wall.median / of(tool)?.timing.wall.median)
    }
}

type Way<'a> = &'a dyn Fn() -> anyhow::Result<Vec<u64>>;

/// Longer than the workspace's 60 lines on purpose: the book shows the ways
/// side by side as closures over the same inputs (`ANCHOR: landscape`), so
/// a reader compares them in one listing; split into functions, each would
/// need the pools and the runtime passed in and the listing would scatter.
pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let ns = vec![sizes.cpu_n; sizes.cpu_jobs];
    let cores = context.cores;
    let thread_pool = ThreadPoolExecutor::new(cores)?;
    let process_pool = ProcessPoolExecutor::new(cores, &context.program)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().build()?;
    let tasks = || ns.iter().map(|&n| SumOfSquares { n }).collect::<Vec<_>>();

    let sequential = || Ok(ns.iter().map(|&n| sum_of_squares(n)).collect());
    let executor = || {
        Ok(thread_pool
            .map(tasks(), 1, Some(BOUND))?
            .collect::<Result<_, _>>()?)
    };
    let processes = || {
        Ok(process_pool
            .map(tasks(), 1, Some(BOUND))?
            .collect::<Result<_, _>>()?)
    };
    // ANCHOR: landscape
    let rayon = || Ok(ns.par_iter().map(|&n| sum_of_squares(n)).collect());
    let scope = || {
        Ok(std::thread::scope(|s| {
            let handles: Vec<_> = ns
                .iter()
                .map(|&n| s.spawn(move || sum_of_squares(n)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a sum thread"))
                .collect()
        }))
    };
    let spawn_blocking = || {
        runtime.block_on(async {
            let handles: Vec<_> = ns
                .iter()
                .map(|&n| tokio::task::spawn_blocking(move || sum_of_squares(n)))
                .collect();
            let mut sums = Vec::new();
            for handle in handles {
                sums.push(handle.await?);
            }
            Ok(sums)
        })
    };
    let join_set = || {
        runtime.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (i, &n) in ns.iter().enumerate() {
                set.spawn_blocking(move || (i, sum_of_squares(n)));
            }
            let mut sums = vec![0; ns.len()];
            while let Some(done) = set.join_next().await {
                let (i, sum) = done?; // in completion order: put it back in place
                sums[i] = sum;
            }
            Ok(sums)
        })
    };
    // ANCHOR_END: landscape
    let ways: [Way; 7] = [
        &sequential,
        &executor,
        &processes,
        &rayon,
        &scope,
        &spawn_blocking,
        &join_set,
    ];
    results.landscape = Some(Landscape {
        jobs: ns.len(),
        n: sizes.cpu_n,
        rows: time_each(ways, sizes.runs)?,
    });
    Ok(())
}

/// Times each way `runs` times, in `Tool::ALL`'s order.
fn time_each(ways: [Way; 7], runs: usize) -> anyhow::Result<Vec<LandscapeRow>> {
    // One untimed run first: a cold first run would slow the baseline
    // and inflate every speedup after it past the core count.
    ways[0]()?;
    let mut rows = Vec::new();
    for (tool, way) in Tool::ALL.into_iter().zip(ways) {
        let (sums, timing) = repeat(runs, way)?;
        rows.push(LandscapeRow { tool, timing, sums });
    }
    Ok(rows)
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let landscape = need(&results.landscape, "landscape")?;
    let mut report = SectionReport::new(
        "landscape",
        format!(
            "{} CPU jobs through each tool. Every tool after the first uses every \
             core; they differ in what they cost to set up and in what they let \
             you do.",
            landscape.jobs
        ),
    );
    let mut table = Table::new(
        "Same jobs, every tool (median wall time, range)",
        &["tool", "wall", "speedup", "pick it for"],
    );
    for row in &landscape.rows {
        table.push(vec![
            Cell::text(row.tool.name()),
            Cell::Timing(row.timing.wall),
            Cell::CpuSpeedup(landscape.speedup(row.tool).unwrap_or(f64::NAN)),
            Cell::text(row.tool.pick()),
        ]);
    }
    report.table(table);
    let rows = &landscape.rows;
    report.check(
        rows.len() == Tool::ALL.len()
            && rows.iter().all(|r| r.sums.len() == landscape.jobs)
            && rows.windows(2).all(|w| w[0].sums == w[1].sums),
        "every tool computed the same sums in the same order",
    );
    report.note(
        "rayon needs no setup and balances the load by stealing work. An executor \
         is for when you want a handle on each task. thread::scope is for a few \
         long jobs that borrow. spawn_blocking and JoinSet are for async \
         programs. A process pool pays for its isolation with a round trip per \
         task.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::measure::Spread;

    /// A run made up for the checks: `walls[i]` seconds for tool `i` of
    /// [`Tool::ALL`].
    fn made_up(walls: [f64; 7]) -> Landscape {
        let rows = Tool::ALL
            .into_iter()
            .zip(walls)
            .map(|(tool, wall)| LandscapeRow {
                tool,
                timing: Repeated {
                    runs: 3,
                    wall: Spread::single(wall),
                    cpu: Spread::single(0.1),
                },
                sums: vec![5, 14, 30],
            })
            .collect();
        Landscape {
            jobs: 3,
            n: 10,
            rows,
        }
    }

    /// The report as the command line holds it: to the cores of the run.
    fn report_of(landscape: Landscape) -> SectionReport {
        let mut report = report(&Results {
            landscape: Some(landscape),
            ..Results::default()
        })
        .unwrap();
        report.limit_to_cores(2);
        report
    }

    const HONEST: [f64; 7] = [0.1, 0.05, 0.053, 0.051, 0.056, 0.053, 0.052];

    #[test]
    fn an_honest_run_passes_every_check() {
        let r = report_of(made_up(HONEST));
        assert!(r.checks().all(|c| c.holds), "{r:?}");
    }

    #[test]
    fn a_speedup_above_the_cores_is_refused() {
        let mut walls = HONEST;
        walls[0] = 0.2; // a cold baseline: rayon near 4× on two cores
        let r = report_of(made_up(walls));
        assert!(r.broken().is_empty());
        assert_eq!(r.implausible().len(), 1, "{r:?}");
    }

    #[test]
    fn a_tool_with_other_sums_breaks_an_invariant() {
        let mut landscape = made_up(HONEST);
        landscape.rows[5].sums.reverse();
        assert_eq!(report_of(landscape).broken().len(), 1);
        let mut short = made_up(HONEST);
        short.rows.pop();
        assert_eq!(report_of(short).broken().len(), 1);
    }
}
