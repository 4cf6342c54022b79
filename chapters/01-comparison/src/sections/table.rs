//! `table`: the article's eight-row comparison, Python's verdict beside the
//! evidence this run measured for Rust's threads, processes and async tasks.
//!
//! It reads what the other sections recorded and runs any that have not run
//! yet, so `cargo run -p comparison -- table` alone also works.

use crate::Context;
use crate::models::Model;
use shared::report::{Cell, SectionReport, Table};

/// The sections whose records the table needs.
const NEEDS: [&str; 6] = [
    "io-bound",
    "cpu-bound",
    "memory",
    "overhead",
    "data-exchange",
    "event-loop",
];

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    for name in NEEDS {
        if !context.records.iter().any(|r| r.section == name) {
            let section = crate::CHAPTER.sections.iter().find(|s| s.name == name);
            let section = section.expect("NEEDS names real sections");
            (section.run)(context)?;
        }
    }
    let mut report = SectionReport::new(
        "table",
        "The article's comparison, row by row: Python's verdict (threading / \
         multiprocessing / asyncio), then what this machine measured for Rust.",
    );
    let mut table = Table::new(
        "Threads vs processes vs async — Python's verdict, Rust's measurements",
        &[
            "",
            "Python: threading / multiprocessing / asyncio",
            "Rust threads",
            "Rust processes",
            "Rust async (tokio)",
        ],
    );
    let mut missing = 0;
    let mut figure =
        |section: &str, model: &str, key: &str, cell: fn(f64) -> Cell| match context
            .find(section, None, model)
            .and_then(|r| r.number(key))
        {
            Some(value) => cell(value),
            None => {
                missing += 1;
                Cell::Missing("not measured".into())
            }
        };
    let rows = vec![
        vec![
            Cell::text("primary model"),
            Cell::text(
                "threads in one process / processes / one thread, cooperative",
            ),
            Cell::text("OS threads, no GIL"),
            Cell::text("worker processes, pipes"),
            Cell::text("tasks on one thread per core"),
        ],
        vec![
            Cell::text("CPU parallelism (cores busy)"),
            Cell::text("none: the GIL / true / none"),
            figure("cpu-bound", "threads", "cores_busy", Cell::Number),
            figure("cpu-bound", "processes", "cores_busy", Cell::Number),
            figure("cpu-bound", "tokio", "cores_busy", Cell::Number),
        ],
        vec![
            Cell::text("I/O-bound (N waits, wall)"),
            Cell::text("good / possible, heavier / excellent"),
            figure("io-bound", "threads", "wall_s", Cell::Seconds),
            figure("io-bound", "processes", "wall_s", Cell::Seconds),
            figure("io-bound", "tokio", "wall_s", Cell::Seconds),
        ],
        vec![
            Cell::text("CPU-bound (speedup; async: lag it causes)"),
            Cell::text("poor / excellent / poor, blocks the loop"),
            figure("cpu-bound", "rayon", "speedup", Cell::Ratio),
            figure("cpu-bound", "processes", "speedup", Cell::Ratio),
            figure(
                "event-loop",
                "directly in a task",
                "max_lag_s",
                Cell::Seconds,
            ),
        ],
        vec![
            Cell::text("memory per concurrent wait"),
            Cell::text("shared, racy / isolated / shared in one thread"),
            figure("memory", "threads", "bytes_per_unit", Cell::Bytes),
            figure("memory", "processes", "bytes_per_unit", Cell::Bytes),
            figure("memory", "tokio", "bytes_per_unit", Cell::Bytes),
        ],
        vec![
            Cell::text("data exchange (round trip)"),
            Cell::text(
                "shared variables + locks / IPC: pipes, queues / rarely needed",
            ),
            figure(
                "data-exchange",
                "crossbeam channel",
                "per_round_trip_s",
                Cell::Seconds,
            ),
            figure(
                "data-exchange",
                "pipe, JSON lines",
                "per_round_trip_s",
                Cell::Seconds,
            ),
            figure(
                "data-exchange",
                "tokio::sync::mpsc",
                "per_round_trip_s",
                Cell::Seconds,
            ),
        ],
        vec![
            Cell::text("overhead (start one)"),
            Cell::text("low / high / very low"),
            figure("overhead", "thread", "per_unit_s", Cell::Seconds),
            figure("overhead", "process", "per_unit_s", Cell::Seconds),
            figure("overhead", "tokio task", "per_unit_s", Cell::Seconds),
        ],
        vec![
            Cell::text("complexity (lines of code)"),
            Cell::text("medium / high / medium-high"),
            Cell::Count(lines_of_code(Model::Threads.source()) as u64),
            Cell::Count(
                (lines_of_code(Model::Processes.source())
                    + lines_of_code(include_str!("../worker.rs")))
                    as u64,
            ),
            Cell::Count(lines_of_code(Model::Tokio.source()) as u64),
        ],
    ];
    for row in rows {
        table.push(row);
    }
    report.table(table);
    report.check(
        missing == 0,
        "every Rust cell of the table was measured in this run",
    );
    report.note(
        "Where Rust differs: threads are parallel, so the CPU-bound row no longer \
         sends you to processes. Threads, rayon or a thread pool use every core \
         with shared memory and no serialisation; processes are for isolation.",
    );
    report.note(
        "What follows, with the figures above: async first for many concurrent \
         waits (network servers, crawlers) — a task costs bytes where a thread costs \
         kilobytes. Threads when the code or its libraries block, or when the \
         count is small. rayon for CPU-bound data work. spawn_blocking or rayon \
         for CPU work inside async code. Processes when a crash or a leak must \
         stay contained.",
    );
    report.note(
        "Complexity counts the non-blank, non-comment lines in each model's \
         anchored code: what you would write yourself (processes include the \
         worker protocol they need).",
    );
    Ok(report)
}

/// The non-blank, non-comment lines inside the `ANCHOR:` regions of a file.
pub fn lines_of_code(source: &str) -> usize {
    let mut inside = 0;
    let mut count = 0;
    for line in source.lines() {
        let line = line.trim();
        if line.starts_with("// ANCHOR_END:") {
            inside -= 1;
        } else if line.starts_with("// ANCHOR:") {
            inside += 1;
        } else if inside > 0 && !line.is_empty() && !line.starts_with("//") {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::lines_of_code;

    #[test]
    fn counts_only_code_inside_anchors() {
        let source = "fn outside() {}\n// ANCHOR: a\n/// doc\nfn a() {\n\n    1\n}\n// ANCHOR_END: a\n";
        assert_eq!(lines_of_code(source), 3);
    }
}
