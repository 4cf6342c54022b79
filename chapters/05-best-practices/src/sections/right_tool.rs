//! `right-tool`: rule 8, choose the right tool — and in particular, do
//! not use processes for light I/O.
//!
//! The same light I/O job (many short waits) runs under chapter 1's
//! models: threads, tokio tasks, a pool of worker processes, and a fresh
//! process per job. Every one overlaps the waits; what differs is what
//! the overlap costs, in CPU time above all. A short CPU job under rayon
//! gives the other side. The decision guide at the end is built from
//! these figures.

use crate::Context;
use crate::light_job;
use comparison::models::Model;
use comparison::worker::WorkerCommand;
use shared::measure::{Repeated, repeat};
use shared::report::{Cell, Record, SectionReport, Table};
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

/// One way of running the light I/O job, and what it cost.
struct Way {
    name: &'static str,
    timing: Repeated,
    right: bool,
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let mut report = SectionReport::new(
        "right-tool",
        "Rule 8: choose the right tool. Light I/O — many short waits — under \
         threads, async tasks and processes: all overlap the waits, but \
         processes pay to start, to serialise and to be reaped, in CPU time. \
         The guide at the end is built from these figures.",
    );
    let command = WorkerCommand {
        program: context.worker.clone(),
    };
    let models =
        comparison::Context::new(comparison::sizes::Sizes::quick(), command.clone());
    let (jobs, wait) = (sizes.light_jobs, sizes.light_wait);
    let urls = urls(jobs);
    let in_order = |got: &[Download]| got.iter().map(|d| &d.url).eq(urls.iter());

    let mut ways = Vec::new();
    for (name, model) in [
        ("threads", Model::Threads),
        ("tokio tasks", Model::Tokio),
        ("process pool", Model::Processes),
    ] {
        let (got, timing) =
            repeat(sizes.runs, || model.download_all(&models, &urls, wait))?;
        ways.push(Way {
            name,
            timing,
            right: in_order(&got),
        });
    }
    let (got, timing) =
        repeat(sizes.runs, || process_per_job(&context.worker, &urls, wait))?;
    let bodies = (got.iter())
        .zip(&urls)
        .all(|(b, u)| *b == format!("data from {u}"));
    ways.push(Way {
        name: "process per job",
        timing,
        right: bodies,
    });

    let mut table = Table::new(
        format!(
            "Light I/O: {jobs} jobs, each a {} ms wait (median, range of {} run{})",
            wait.as_millis(),
            sizes.runs,
            if sizes.runs == 1 { "" } else { "s" }
        ),
        &["model", "runs on", "all back, in order", "wall", "CPU time"],
    );
    for way in &ways {
        let runs_on = match way.name {
            "threads" => format!("{jobs} threads"),
            "tokio tasks" => format!("{jobs} tasks"),
            "process pool" => "a process per core".to_string(),
            _ => format!("{jobs} processes"),
        };
        table.push(vec![
            Cell::text(way.name),
            Cell::text(runs_on),
            Cell::text(super::yes(way.right)),
            Cell::Timing(way.timing.wall),
            Cell::Seconds(way.timing.cpu.median),
        ]);
        report.record(
            Record::new("right-tool", Some("light-io"), way.name)
                .with("wall_s", way.timing.wall.median)
                .with("cpu_s", way.timing.cpu.median),
        );
    }
    report.table(table);
    let figure = |name: &str, cpu: bool| {
        let way = ways
            .iter()
            .find(|w| w.name == name)
            .expect("a measured way");
        if cpu {
            way.timing.cpu.median
        } else {
            way.timing.wall.median
        }
    };
    let cpu_ratio =
        figure("process per job", true) / figure("threads", true).max(1e-6);
    report.check(
        ways.iter().all(|w| w.right),
        "every model brought every download back, in order",
    );
    report.measured(
        cpu_ratio >= 5.0,
        "a process per job burned over five times the CPU time of threads",
    );
    report.measured(
        figure("process pool", false) > figure("tokio tasks", false),
        "the process pool took longer than tokio tasks",
    );

    // The other side: CPU-bound work, where threads (rayon) pay off.
    let n = if cfg!(debug_assertions) {
        2_000_000
    } else {
        50_000_000
    };
    let ns = vec![n; 2 * context.cores];
    // Start rayon's threads before timing it: a pool is built once.
    Model::Rayon.sum_all(&models, &[1_000])?;
    Model::Sequential.sum_all(&models, &ns)?; // warm, untimed: a fair baseline
    let (one, single) =
        repeat(sizes.runs, || Model::Sequential.sum_all(&models, &ns))?;
    let (all, pooled) = repeat(sizes.runs, || Model::Rayon.sum_all(&models, &ns))?;
    let speedup = single.wall.median / pooled.wall.median;
    report.check(one == all, "rayon's sums equal the sequential ones");

    let mut guide = Table::new(
        "The guide, with this run's evidence",
        &["the job", "reach for", "evidence", "measured here"],
    );
    let ratio = figure("process pool", false) / figure("tokio tasks", false);
    let per_process = figure("process per job", true) / jobs as f64;
    let rows: [(&str, &str, &str, Cell); 6] = [
        (
            "many concurrent waits",
            "async tasks (tokio)",
            "wall time of the light I/O job",
            Cell::Seconds(figure("tokio tasks", false)),
        ),
        (
            "blocking calls, few jobs",
            "threads, a thread pool",
            "the same, on threads",
            Cell::Seconds(figure("threads", false)),
        ),
        (
            "CPU-bound data work",
            "rayon (threads)",
            "speedup over one thread",
            Cell::CpuSpeedup(speedup),
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
    report.table(guide);
    report.note(
        "The speedup is rayon's on a short CPU-bound sum; it shrinks when other \
         programs keep the cores busy. A process is worth its cost when a crash, \
         a leak or untrusted native code must stay contained — not to wait on \
         I/O, and in Rust not to use every core either.",
    );
    Ok(report)
}
