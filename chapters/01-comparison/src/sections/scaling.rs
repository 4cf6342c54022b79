//! `scaling`: speedup against the number of workers, for a thread pool
//! (rayon) and for worker processes. Both climb until they run out of
//! cores, then flatten: past that, more workers only share the same cores.

use crate::Context;
use crate::models::processes;
use rayon::prelude::*;
use shared::measure::repeat;
use shared::report::{Cell, Record, SectionReport, Table};
use shared::workload::sum_of_squares;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let ns = vec![sizes.cpu_n / 2; sizes.cpu_jobs];
    let most = sizes
        .scaling_most
        .unwrap_or((2 * context.cores).clamp(2, 8));
    let checked_at = context.cores.min(most);
    let mut report = SectionReport::new(
        "scaling",
        "The CPU-bound jobs on one worker, then more, up to twice the cores: \
         speedup over one worker. It rises while idle cores can take the extra \
         workers; past the core count, more workers only share the same cores.",
    );
    let mut table = Table::new(
        "Speedup over one worker (median wall time)",
        &["workers", "rayon", "processes"],
    );
    let mut single = [0.0f64; 2];
    let mut busy_at_cores = [0.0f64; 2];
    for workers in 1..=most {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()?;
        let (_, rayon_t) = repeat(sizes.runs, || -> anyhow::Result<Vec<u64>> {
            Ok(pool.install(|| ns.par_iter().map(|&n| sum_of_squares(n)).collect()))
        })?;
        let (_, process_t) = repeat(sizes.runs, || {
            processes::sum_all(&context.worker, workers, &ns)
        })?;
        let mut row = vec![Cell::Count(workers as u64)];
        for (i, (model, timing)) in [("rayon", rayon_t), ("processes", process_t)]
            .into_iter()
            .enumerate()
        {
            if workers == 1 {
                single[i] = timing.wall.median;
            }
            let speedup = single[i] / timing.wall.median;
            if workers == checked_at {
                busy_at_cores[i] = timing.cpu.median / timing.wall.median;
            }
            row.push(Cell::Ratio(speedup));
            let record = Record::new("scaling", Some("cpu"), model)
                .with("workers", workers)
                .with("speedup", speedup);
            context.keep(&mut report, super::timed_record(record, &timing));
        }
        table.push(row);
    }
    report.table(table);
    if context.cores >= 2 {
        report.measured(
            busy_at_cores.iter().all(|busy| *busy >= 1.5),
            "with one worker per core (or all of them, if fewer), rayon and processes \
             each kept at least 1.5 cores busy at once",
        );
    }
    report.note(
        "On a shared or virtual machine the speedup can even pass the core count: \
         a lone worker may run slower than two together (host scheduling, clock \
         speed). Cores busy says what the workers did; speedup, what it bought.",
    );
    report.note(
        "Python's process pool draws the same curve; its thread pool stays flat at \
         1× because of the GIL. Run `--python` in `cpu-bound` to see it.",
    );
    Ok(report)
}
