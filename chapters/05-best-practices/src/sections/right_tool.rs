//! `right-tool`: rule 8, choose the right tool — and in particular, do
//! not use processes for light I/O.
//!
//! The same light I/O job (many short waits) runs under three of chapter
//! 1's models (from the `models` crate): threads, tokio tasks, a pool of
//! worker processes; and a fresh process per job. Every one overlaps the
//! waits; what differs is what the overlap costs, in CPU time above all.
//! A short CPU job under rayon gives the other side. The decision guide at
//! the end is built from these figures.

use crate::light_job;
use crate::{Context, Results, need};
use models::{Model, Runners, WorkerCommand};
use serde::{Deserialize, Serialize};
use shared::measure::{Repeated, repeat};
use shared::report::{Cell, SectionReport, Table};
use shared::workload::{Download, urls};
use std::time::Duration;

/// A fresh process for every job, all at once: what starting a
/// `multiprocessing.Process` per request amounts to.
fn process_per_job(
    program: &std::path::Path,
    urls: &[String],
    wait: Duration,
) -> anyhow::Result<Vec<String>> {
    let limit = wait + Duration::from_secs(30);
    std::thread::scope(|s| {
        let jobs: Vec<_> = (urls.iter())
            .map(|url| {
                s.spawn(move || light_job::run_one(program, url, wait, limit))
            })
            .collect();
        (jobs.into_iter())
            .map(|j| j.join().unwrap_or_else(|_| anyhow::bail!("a job panicked")))
            .collect()
    })
}

/// What `right-tool` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RightTool {
    /// Light I/O jobs, each one's wait in seconds, and the timed runs.
    pub jobs: usize,
    pub wait: f64,
    pub runs: usize,
    /// The light I/O job under each way.
    pub ways: Vec<WayRun>,
    /// The other side: CPU-bound sums, each timing over warmed runs.
    pub sequential: Repeated,
    pub rayon: Repeated,
    /// rayon's sums equal the sequential ones.
    pub sums_equal: bool,
}

/// The ways the light I/O job runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Way {
    Threads,
    TokioTasks,
    ProcessPool,
    ProcessPerJob,
}

impl Way {
    pub fn name(self) -> &'static str {
        match self {
            Way::Threads => "threads",
            Way::TokioTasks => "tokio tasks",
            Way::ProcessPool => "process pool",
            Way::ProcessPerJob => "process per job",
        }
    }

    /// What the jobs run on, for `jobs` of them.
    fn runs_on(self, jobs: usize) -> String {
        match self {
            Way::Threads => format!("{jobs} threads"),
            Way::TokioTasks => format!("{jobs} tasks"),
            Way::ProcessPool => "a process per core".to_string(),
            Way::ProcessPerJob => format!("{jobs} processes"),
        }
    }
}

/// One way of running the light I/O job, and what it cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WayRun {
    pub way: Way,
    pub timing: Repeated,
    /// Every download came back, in order (or every body was right).
    pub right: bool,
}

impl RightTool {
    fn timing(&self, way: Way) -> Option<&Repeated> {
        self.ways.iter().find(|w| w.way == way).map(|w| &w.timing)
    }

    /// The median wall time of `way`, NaN when it did not run.
    pub fn wall(&self, way: Way) -> f64 {
        self.timing(way).map_or(f64::NAN, |t| t.wall.median)
    }

    /// The median CPU time of `way`, NaN when it did not run.
    pub fn cpu(&self, way: Way) -> f64 {
        self.timing(way).map_or(f64::NAN, |t| t.cpu.median)
    }

    /// rayon's speedup over the sequential sums.
    pub fn speedup(&self) -> f64 {
        self.sequential.wall.median / self.rayon.wall.median
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let runners = Runners::new(WorkerCommand {
        program: context.worker.clone(),
    });
    let (jobs, wait) = (sizes.light_jobs, sizes.light_wait);
    let urls = urls(jobs);
    let in_order = |got: &[Download]| got.iter().map(|d| &d.url).eq(urls.iter());

    let mut ways = Vec::new();
    for (way, model) in [
        (Way::Threads, Model::Threads),
        (Way::TokioTasks, Model::Tokio),
        (Way::ProcessPool, Model::Processes),
    ] {
        let (got, timing) =
            repeat(sizes.runs, || model.download_all(&runners, &urls, wait))?;
        ways.push(WayRun {
            way,
            timing,
            right: in_order(&got),
        });
    }
    let (got, timing) =
        repeat(sizes.runs, || process_per_job(&context.worker, &urls, wait))?;
    let bodies = got.len() == urls.len()
        && (got.iter())
            .zip(&urls)
            .all(|(b, u)| *b == format!("data from {u}"));
    ways.push(WayRun {
        way: Way::ProcessPerJob,
        timing,
        right: bodies,
    });

    // The other side: CPU-bound work, where threads (rayon) pay off.
    let n = if cfg!(debug_assertions) {
        2_000_000
    } else {
        50_000_000
    };
    let ns = vec![n; 2 * context.cores];
    // Start rayon's threads before timing it: a pool is built once.
    Model::Rayon.sum_all(&runners, &[1_000])?;
    Model::Sequential.sum_all(&runners, &ns)?; // warm, untimed: a fair baseline
    let (one, sequential) =
        repeat(sizes.runs, || Model::Sequential.sum_all(&runners, &ns))?;
    let (all, rayon) = repeat(sizes.runs, || Model::Rayon.sum_all(&runners, &ns))?;
    results.right_tool = Some(RightTool {
        jobs,
        wait: wait.as_secs_f64(),
        runs: sizes.runs,
        ways,
        sequential,
        rayon,
        sums_equal: one == all,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let tool = need(&results.right_tool, "right-tool")?;
    let mut report = SectionReport::new(
        "right-tool",
        "Rule 8: choose the right tool. Light I/O — many short waits — under \
         threads, async tasks and processes: all overlap the waits, but \
         processes pay to start, to serialise and to be reaped, in CPU time. \
         The guide at the end is built from these figures.",
    );
    report_light_io(&mut report, tool);
    report.table(guide(tool));
    report.note(
        "The speedup is rayon's on a short CPU-bound sum; it shrinks when other \
         programs keep the cores busy. A process is worth its cost when a crash, \
         a leak or untrusted native code must stay contained — not to wait on \
         I/O, and in Rust not to use every core either.",
    );
    Ok(report)
}

/// The light I/O job under each model, and the checks on it.
fn report_light_io(report: &mut SectionReport, tool: &RightTool) {
    let (jobs, runs) = (tool.jobs, tool.runs);
    let mut table = Table::new(
        format!(
            "Light I/O: {jobs} jobs, each a {} ms wait (median, range of {} run{})",
            super::millis(tool.wait),
            runs,
            if runs == 1 { "" } else { "s" }
        ),
        &["model", "runs on", "all back, in order", "wall", "CPU time"],
    );
    for way in &tool.ways {
        table.push(vec![
            Cell::text(way.way.name()),
            Cell::text(way.way.runs_on(jobs)),
            Cell::text(super::yes(way.right)),
            Cell::Timing(way.timing.wall),
            Cell::Seconds(way.timing.cpu.median),
        ]);
    }
    report.table(table);
    let cpu_ratio = tool.cpu(Way::ProcessPerJob) / tool.cpu(Way::Threads).max(1e-6);
    let every_way = [
        Way::Threads,
        Way::TokioTasks,
        Way::ProcessPool,
        Way::ProcessPerJob,
    ];
    report.check(
        every_way.iter().all(|w| tool.timing(*w).is_some())
            && tool.ways.iter().all(|w| w.right),
        "every model brought every download back, in order",
    );
    report.measured(
        cpu_ratio >= 5.0,
        "a process per job burned over five times the CPU time of threads",
    );
    report.measured(
        tool.wall(Way::ProcessPool) > tool.wall(Way::TokioTasks),
        "the process pool took longer than tokio tasks",
    );
    report.check(tool.sums_equal, "rayon's sums equal the sequential ones");
}

/// The guide: which tool for which job, each row with this run's figure.
fn guide(tool: &RightTool) -> Table {
    let jobs = tool.jobs;
    let mut guide = Table::new(
        "The guide, with this run's evidence",
        &["the job", "reach for", "evidence", "measured here"],
    );
    let ratio = tool.wall(Way::ProcessPool) / tool.wall(Way::TokioTasks);
    let per_process = tool.cpu(Way::ProcessPerJob) / jobs as f64;
    let rows: [(&str, &str, &str, Cell); 6] = [
        (
            "many concurrent waits",
            "async tasks (tokio)",
            "wall time of the light I/O job",
            Cell::Seconds(tool.wall(Way::TokioTasks)),
        ),
        (
            "blocking calls, few jobs",
            "threads, a thread pool",
            "the same, on threads",
            Cell::Seconds(tool.wall(Way::Threads)),
        ),
        (
            "CPU-bound data work",
            "rayon (threads)",
            "speedup over one thread",
            Cell::CpuSpeedup(tool.speedup()),
        ),
        (
            "CPU work in async code",
            "spawn_blocking or rayon",
            "see chapter 1, event-loop",
            Cell::text("—"),
        ),
        (
            "isolation from crashes",
            "processes",
            "CPU time per process started",
            Cell::Seconds(per_process),
        ),
        (
            "light I/O in processes",
            "don't: use tasks",
            "process pool's wall ÷ tokio's",
            Cell::Ratio(ratio),
        ),
    ];
    for (job, tool, evidence, figure) in rows {
        guide.push(vec![
            Cell::text(job),
            Cell::text(tool),
            Cell::text(evidence),
            figure,
        ]);
    }
    guide
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::measure::Spread;

    fn timing(wall: f64, cpu: f64) -> Repeated {
        Repeated {
            runs: 3,
            wall: Spread::single(wall),
            cpu: Spread::single(cpu),
        }
    }

    fn made_up(per_job_cpu: f64, rayon_wall: f64, right: bool) -> Results {
        let way = |way, wall, cpu| WayRun {
            way,
            timing: timing(wall, cpu),
            right,
        };
        Results {
            right_tool: Some(RightTool {
                jobs: 16,
                wait: 0.005,
                runs: 3,
                ways: vec![
                    way(Way::Threads, 0.006, 0.002),
                    way(Way::TokioTasks, 0.006, 0.001),
                    way(Way::ProcessPool, 0.030, 0.020),
                    way(Way::ProcessPerJob, 0.040, per_job_cpu),
                ],
                sequential: timing(1.0, 1.0),
                rayon: timing(rayon_wall, 1.0),
                sums_equal: true,
            }),
            ..Results::default()
        }
    }

    #[test]
    fn costly_processes_and_a_real_speedup_hold() {
        let mut good = report(&made_up(0.05, 0.55, true)).unwrap();
        good.limit_to_cores(2);
        assert!(good.checks().all(|c| c.holds), "{good:?}");
    }

    #[test]
    fn a_download_lost_is_broken_and_cheap_processes_miss_the_claim() {
        let lost = report(&made_up(0.05, 0.55, false)).unwrap();
        assert_eq!(lost.broken().len(), 1, "{lost:?}");
        let cheap = report(&made_up(0.004, 0.55, true)).unwrap();
        let missed: Vec<_> = cheap.checks().filter(|c| !c.holds).collect();
        assert_eq!(missed.len(), 1);
        assert!(missed[0].claim.contains("five times the CPU time"));
    }

    /// A speedup above the cores is a disturbed baseline: the run is not
    /// fit to quote.
    #[test]
    fn a_speedup_past_the_cores_is_implausible() {
        let mut fast = report(&made_up(0.05, 0.3, true)).unwrap();
        fast.limit_to_cores(2);
        assert_eq!(fast.implausible().len(), 1, "{fast:?}");
        assert!(fast.broken().is_empty());
    }
}
