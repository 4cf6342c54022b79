//! `io-bound`: the same N simulated downloads under every model.
//!
//! The claim: waiting overlaps under threads and under async tasks alike, so
//! N waits of d take about d, not N × d. Pools wait in rounds of their size.

use super::timed_record;
use crate::Context;
use crate::models::Model;
use shared::measure::repeat;
use shared::report::{Cell, Record, SectionReport, Table, format_seconds};
use shared::workload::urls;
use std::collections::HashSet;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let (count, delay) = (sizes.io_tasks, sizes.io_delay);
    let urls = urls(count);
    let mut report = SectionReport::new(
        "io-bound",
        format!(
            "{count} simulated downloads, each a {} wait. Waits overlap under \
             threads and async tasks alike: no GIL to release, no event loop to share.",
            format_seconds(delay.as_secs_f64())
        ),
    );
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
    let mut sequential_wall = None;
    let mut all_correct = true;
    let mut overlapped = Vec::new();
    let mut rounds_respected = true;
    for model in Model::ALL {
        let (downloads, timing) =
            repeat(sizes.runs, || model.download_all(context, &urls, delay))?;
        all_correct &= downloads.len() == count
            && downloads.iter().zip(&urls).all(|(d, url)| {
                d.url == *url && d.body == format!("data from {url}")
            });
        let threads: HashSet<_> = downloads.iter().map(|d| &d.ran_on).collect();
        let pids: HashSet<_> = downloads.iter().map(|d| d.ran_on.pid).collect();
        let wall = timing.wall.median;
        let baseline = *sequential_wall.get_or_insert(wall);
        let speedup = baseline / wall;
        // A pool of `size` runs the waits in rounds: at least ceil(N/size) × d.
        let size = match model {
            Model::Sequential => Some(1),
            Model::ThreadPool => Some(context.pool_size()),
            Model::Rayon => Some(crate::models::rayon_pool::threads()),
            Model::Processes => Some(context.process_count()),
            _ => None,
        };
        if let Some(size) = size {
            let rounds = count.div_ceil(size) as f64;
            rounds_respected &= timing.wall.min >= rounds * delay.as_secs_f64();
        } else {
            overlapped.push((model, wall));
        }
        table.push(vec![
            Cell::text(model.name()),
            Cell::Varies(model.runs_on(context, count)),
            Cell::Timing(timing.wall),
            Cell::Ratio(speedup),
            Cell::Seconds(timing.cpu.median),
            Cell::Tally(threads.len() as u64),
            Cell::Tally(pids.len() as u64),
        ]);
        let record = Record::new("io-bound", Some("io"), model.name())
            .with("tasks", count)
            .with("delay_s", delay.as_secs_f64())
            .with("speedup", speedup)
            .with("threads_seen", threads.len());
        context.keep(&mut report, timed_record(record, &timing));
    }
    crate::python::add_rows(context, "io", &mut table, &mut report)?;
    report.table(table);
    let serial = count as f64 * delay.as_secs_f64();
    report.check(
        all_correct,
        format!("every model returned all {count} downloads, in order, each 'data from URL'"),
    );
    report.check(
        rounds_respected,
        "pools waited in rounds: sequential, thread-pool, rayon and processes each \
         took at least ceil(N / workers) × d",
    );
    let names: Vec<&str> = overlapped.iter().map(|(m, _)| m.name()).collect();
    report.measured(
        overlapped.iter().all(|(_, wall)| *wall < serial / 4.0),
        format!(
            "{} overlapped every wait: each took under a quarter of N × d",
            names.join(", ")
        ),
    );
    report.note(
        "rayon has one thread per core, so blocking waits queue behind each other: \
         it is built for CPU work. Threads and tasks both overlap waits; the \
         difference is what each concurrent wait costs (see `memory`).",
    );
    Ok(report)
}
