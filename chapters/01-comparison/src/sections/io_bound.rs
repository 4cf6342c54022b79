//! `io-bound`: the same N simulated downloads under every model.
//!
//! The claim: waiting overlaps under threads and under async tasks alike, so
//! N waits of d take about d, not N × d. Pools wait in rounds of their size.

use super::speedup;
use crate::python::{self, PythonRun};
use crate::{Context, Results, need};
use models::Model;
use serde::{Deserialize, Serialize};
use shared::measure::{Repeated, repeat};
use shared::report::{Cell, SectionReport, Table, format_seconds};
use shared::workload::urls;
use std::collections::HashSet;

/// What `io-bound` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoBound {
    pub tasks: usize,
    /// Each download's wait, in seconds.
    pub delay_s: f64,
    /// One row per model, sequential first.
    pub rows: Vec<IoRow>,
    pub python: PythonRun,
}

/// One model's run of every download.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoRow {
    pub model: Model,
    pub runs_on: String,
    /// For a model that waits in rounds, the workers per round.
    pub pool_size: Option<usize>,
    pub timing: Repeated,
    /// Every download came back, in order, with its page.
    pub correct: bool,
    pub threads_seen: usize,
    pub processes_seen: usize,
}

impl IoBound {
    pub fn row(&self, model: Model) -> Option<&IoRow> {
        self.rows.iter().find(|r| r.model == model)
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let (count, delay) = (sizes.io_tasks, sizes.io_delay);
    let urls = urls(count);
    let mut rows = Vec::new();
    for &model in Model::ALL {
        let (downloads, timing) = repeat(sizes.runs, || {
            model.download_all(&context.runners, &urls, delay)
        })?;
        let correct = downloads.len() == count
            && downloads.iter().zip(&urls).all(|(d, url)| {
                d.url == *url && d.body == format!("data from {url}")
            });
        let threads: HashSet<_> = downloads.iter().map(|d| &d.ran_on).collect();
        let pids: HashSet<_> = downloads.iter().map(|d| d.ran_on.pid).collect();
        // A pool of `size` runs the waits in rounds: at least ceil(N/size) × d.
        let pool_size = match model {
            Model::Sequential => Some(1),
            Model::ThreadPool => Some(context.runners.pool_size()),
            Model::Rayon => Some(models::rayon_pool::threads()),
            Model::Processes => Some(context.runners.process_count()),
            _ => None,
        };
        rows.push(IoRow {
            model,
            runs_on: model.runs_on(&context.runners, count),
            pool_size,
            timing,
            correct,
            threads_seen: threads.len(),
            processes_seen: pids.len(),
        });
    }
    results.io_bound = Some(IoBound {
        tasks: count,
        delay_s: delay.as_secs_f64(),
        rows,
        python: python::measure(context, python::Job::Io)?,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let io = need(&results.io_bound, "io-bound")?;
    let (count, delay) = (io.tasks, io.delay_s);
    let mut report = SectionReport::new(
        "io-bound",
        format!(
            "{count} simulated downloads, each a {} wait. Waits overlap under \
             threads and async tasks alike: no GIL to release, no event loop to share.",
            format_seconds(delay)
        ),
    );
    report.table(table(io));
    python::add_table(
        &io.python,
        &["model", "runs on", "wall", "speedup", "CPU"],
        &mut report,
    );
    check_waits(io, &mut report);
    report.note(
        "rayon has one thread per core, so blocking waits queue behind each other: \
         it is built for CPU work. Threads and tasks both overlap waits; the \
         difference is what each concurrent wait costs (see `memory`).",
    );
    Ok(report)
}

/// A row per model: wall time, speedup, CPU, and the threads and
/// processes it was seen to use.
fn table(io: &IoBound) -> Table {
    let mut table = Table::new(
        "I/O-bound: wall time (median, range), speedup over sequential",
        &[
            "model",
            "runs on",
            "wall",
            "speedup",
            "CPU",
            "threads seen",
            "processes",
        ],
    );
    let baseline = io.row(Model::Sequential).map(|r| r.timing.wall);
    for row in &io.rows {
        table.push(vec![
            Cell::text(row.model.name()),
            Cell::Varies(row.runs_on.clone()),
            Cell::Timing(row.timing.wall),
            // Waits overlap without cores: no core-count limit applies.
            Cell::Ratio(
                baseline.map_or(f64::NAN, |b| speedup(&b, &row.timing.wall)),
            ),
            Cell::Seconds(row.timing.cpu.median),
            Cell::Tally(row.threads_seen as u64),
            Cell::Tally(row.processes_seen as u64),
        ]);
    }
    table
}

/// Every download came back; pools waited in rounds, the rest overlapped.
fn check_waits(io: &IoBound, report: &mut SectionReport) {
    let (count, delay) = (io.tasks, io.delay_s);
    let serial = count as f64 * delay;
    report.check(
        io.rows.len() == Model::ALL.len() && io.rows.iter().all(|r| r.correct),
        format!("every model returned all {count} downloads, in order, each 'data from URL'"),
    );
    let rounds_respected = io.rows.iter().all(|row| {
        row.pool_size.is_none_or(|size| {
            row.timing.wall.min >= count.div_ceil(size) as f64 * delay
        })
    });
    report.check(
        rounds_respected,
        "pools waited in rounds: sequential, thread-pool, rayon and processes each \
         took at least ceil(N / workers) × d",
    );
    let overlapped: Vec<&IoRow> =
        io.rows.iter().filter(|r| r.pool_size.is_none()).collect();
    let names: Vec<&str> = overlapped.iter().map(|r| r.model.name()).collect();
    report.measured(
        overlapped
            .iter()
            .all(|r| r.timing.wall.median < serial / 4.0),
        format!(
            "{} overlapped every wait: each took under a quarter of N × d",
            names.join(", ")
        ),
    );
    report.check(
        io.rows.iter().all(|r| r.timing.wall.min >= delay),
        "no model finished before one wait had passed",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::measure::Spread;

    /// 16 waits of 0.1 s: pools wait in rounds, the rest overlap.
    fn made_up() -> Results {
        let rows = Model::ALL
            .iter()
            .map(|&model| {
                let pool_size = match model {
                    Model::Sequential => Some(1),
                    Model::ThreadPool => Some(6),
                    Model::Rayon | Model::Processes => Some(2),
                    _ => None,
                };
                let wall = pool_size
                    .map_or(0.11, |size| 16usize.div_ceil(size) as f64 * 0.1 + 0.01);
                IoRow {
                    model,
                    runs_on: "made up".into(),
                    pool_size,
                    timing: Repeated {
                        runs: 1,
                        wall: Spread::single(wall),
                        cpu: Spread::single(0.001),
                    },
                    correct: true,
                    threads_seen: 1,
                    processes_seen: 1,
                }
            })
            .collect();
        Results {
            io_bound: Some(IoBound {
                tasks: 16,
                delay_s: 0.1,
                rows,
                python: PythonRun::NotAsked,
            }),
            ..Results::default()
        }
    }

    fn failed(results: &Results) -> Vec<String> {
        let report = report(results).unwrap();
        report
            .checks()
            .filter(|c| !c.holds)
            .map(|c| c.claim.clone())
            .collect()
    }

    #[test]
    fn an_honest_run_passes() {
        assert_eq!(failed(&made_up()), Vec::<String>::new());
    }

    #[test]
    fn a_pool_faster_than_its_rounds_breaks_an_invariant() {
        let mut results = made_up();
        let io = results.io_bound.as_mut().unwrap();
        io.rows[2].timing.wall = Spread::single(0.2); // 6 workers, 16 waits: 3 rounds
        assert_eq!(failed(&results).len(), 1);
        assert!(failed(&results)[0].contains("rounds"));
    }

    #[test]
    fn a_lost_download_and_a_serial_wait_are_caught() {
        let mut results = made_up();
        let io = results.io_bound.as_mut().unwrap();
        io.rows[5].correct = false;
        io.rows[6].timing.wall = Spread::single(1.6);
        let failed = failed(&results);
        assert_eq!(failed.len(), 2, "{failed:?}");
        let report = report(&results).unwrap();
        assert_eq!(report.broken().len(), 1, "the lost download is a bug");
    }
}
