//! `table`: the article's eight-row comparison, Python's verdict beside the
//! evidence this run measured for Rust's threads, processes and async tasks.
//!
//! It measures nothing: it reads the typed results its sections stored in
//! this run (they run first, and print their own reports, when `table` is
//! asked for alone), so every cell is the figure its section shows.

use crate::sections::cpu_bound::{BUSY_AT_LEAST, CpuBound};
use crate::sections::data_exchange::Way;
use crate::sections::event_loop::Placement;
use crate::sections::memory::Unit as Waiter;
use crate::sections::overhead::Unit;
use crate::{Context, Results, need};
use models::Model;
use shared::report::{Cell, SectionReport, Table};

/// Nothing to measure: the sections it needs ran first, in this process.
pub fn measure(_: &mut Context, _: &mut Results) -> anyhow::Result<()> {
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let cpu = need(&results.cpu_bound, "cpu-bound")?;
    let mut report = SectionReport::new(
        "table",
        "The article's comparison, row by row: Python's verdict for threading, \
         multiprocessing and asyncio, each beside what this run measured for \
         its Rust counterpart.",
    );
    let mut table = Table::new(
        "The article's verdicts for Python, and what Rust measured here",
        &[
            "",
            "threading",
            "Rust threads",
            "multiprocessing",
            "Rust processes",
            "asyncio",
            "Rust tokio",
        ],
    );
    let (rows, missing) = rows(results)?;
    for row in rows {
        table.push(row);
    }
    report.table(table);
    report.check(
        missing == 0,
        "every Rust cell of the table was measured in this run",
    );
    report.verdict(verdict(cpu));
    report.note(
        "What follows, with the figures above: async first for many concurrent \
         waits (network servers, crawlers) — a task costs bytes where a thread costs \
         kilobytes. Threads when the code or its libraries block, or when the \
         count is small. rayon for CPU-bound data work. spawn_blocking or rayon \
         for CPU work inside async code. Processes when a crash or a leak must \
         stay contained.",
    );
    report.note(
        "¹ cores kept busy (CPU time / wall time) by the CPU-bound jobs. ² median \
         wall time of the I/O-bound section's waits. ³ speedup of the CPU-bound \
         jobs over sequential; for tokio, the worst lag a CPU job in a task caused \
         another task. ⁴ memory per concurrent wait, at the largest count measured. \
         ⁵ one round trip, the minimum: crossbeam channel, process pool, tokio \
         channel. ⁶ starting and finishing one thread, process, task, the minimum. \
         ⁷ non-blank, non-comment lines of each model's code; for processes also \
         the worker's registry, its start in main and the two tasks it sends, \
         which must be named, serialisable types. The pools themselves \
         (shared::executor, built in chapter 2) are not counted. Every figure is \
         the one its section printed in this run.",
    );
    Ok(report)
}

/// The table's eight rows, each Python verdict beside the figure its own
/// section measured for the Rust counterpart, and how many figures are
/// missing from this run.
///
/// Longer than the workspace's 60 lines on purpose: it is the article's
/// table written out as data, one `vec!` per row in the article's order,
/// so it reads against the article line by line; split, a row would be
/// looked for in another function.
fn rows(results: &Results) -> anyhow::Result<(Vec<Vec<Cell>>, usize)> {
    let io = need(&results.io_bound, "io-bound")?;
    let cpu = need(&results.cpu_bound, "cpu-bound")?;
    let memory = need(&results.memory, "memory")?;
    let overhead = need(&results.overhead, "overhead")?;
    let exchange = need(&results.data_exchange, "data-exchange")?;
    let event_loop = need(&results.event_loop, "event-loop")?;
    let mut missing = 0;
    let mut figure = |value: Option<f64>, cell: fn(f64) -> Cell| match value {
        Some(v) if v.is_finite() => cell(v),
        _ => {
            missing += 1;
            Cell::Missing("not measured".into())
        }
    };
    let busy = |model| cpu.row(model).map(|r| r.cores_busy());
    let io_wall = |model| io.row(model).map(|r| r.timing.wall.median);
    let start = |unit| overhead.per_unit(unit).map(|s| s.min);
    let trip = |way| exchange.per_round_trip(way).map(|s| s.min);
    let text = Cell::text;
    let rows = vec![
        vec![
            text("primary model"),
            text("threads, 1 process"),
            text("OS threads"),
            text("processes"),
            text("worker processes"),
            text("1 thread, cooperative"),
            text("tasks, thread per core"),
        ],
        vec![
            text("CPU parallelism¹"),
            text("none (GIL)"),
            figure(busy(Model::Threads), Cell::Cores),
            text("true"),
            figure(busy(Model::Processes), Cell::Cores),
            text("none"),
            figure(busy(Model::Tokio), Cell::Cores),
        ],
        vec![
            text("I/O-bound²"),
            text("good"),
            figure(io_wall(Model::Threads), Cell::Seconds),
            text("possible, heavier"),
            figure(io_wall(Model::Processes), Cell::Seconds),
            text("excellent"),
            figure(io_wall(Model::Tokio), Cell::Seconds),
        ],
        vec![
            text("CPU-bound³"),
            text("poor"),
            figure(cpu.speedup(Model::Threads), Cell::CpuSpeedup),
            text("excellent"),
            figure(cpu.speedup(Model::Processes), Cell::CpuSpeedup),
            text("poor, blocks loop"),
            figure(
                event_loop.lag(Placement::OnTheRuntime).map(|l| l.max),
                Cell::Seconds,
            ),
        ],
        vec![
            text("memory⁴"),
            text("shared, racy"),
            figure(memory.per_unit(Waiter::Threads), Cell::Bytes),
            text("isolated"),
            figure(memory.per_unit(Waiter::Processes), Cell::Bytes),
            text("shared, 1 thread"),
            figure(memory.per_unit(Waiter::Tokio), Cell::Bytes),
        ],
        vec![
            text("data exchange⁵"),
            text("shared vars + locks"),
            figure(trip(Way::CrossbeamChannel), Cell::Seconds),
            text("IPC: pipe, queue"),
            figure(trip(Way::ProcessPool), Cell::Seconds),
            text("rarely needed"),
            figure(trip(Way::TokioChannel), Cell::Seconds),
        ],
        vec![
            text("overhead⁶"),
            text("low"),
            figure(start(Unit::Thread), Cell::Seconds),
            text("high"),
            figure(start(Unit::Process), Cell::Seconds),
            text("very low"),
            figure(start(Unit::TokioTask), Cell::Seconds),
        ],
        vec![
            text("complexity⁷"),
            text("medium"),
            Cell::Count(lines_of_code(Model::Threads.source()) as u64),
            text("high"),
            Cell::Count(process_lines() as u64),
            text("medium-high"),
            Cell::Count(lines_of_code(Model::Tokio.source()) as u64),
        ],
    ];
    Ok((rows, missing))
}

/// What the CPU rows say about Rust, or why this run cannot say it.
fn verdict(cpu: &CpuBound) -> String {
    let busy = |model| cpu.row(model).map(|r| r.cores_busy());
    let parallel = cpu.cores >= 2
        && [Model::Threads, Model::Processes]
            .iter()
            .all(|&m| busy(m).is_some_and(|b| b >= BUSY_AT_LEAST));
    if parallel {
        "Where Rust differs: threads are parallel, so the CPU-bound row no longer \
         sends you to processes. Threads, rayon or a thread pool use every core \
         with shared memory and no serialisation; processes are for isolation."
            .to_string()
    } else if cpu.cores >= 2 {
        format!(
            "In this run threads or processes kept fewer than {BUSY_AT_LEAST} cores \
             busy: other work had the cores, so the CPU rows understate what this \
             machine can do. Rerun when it is quiet before reading them."
        )
    } else {
        "Only one core here: no row can show parallel speedup.".to_string()
    }
}

/// What the process model costs to write: the model, the worker's registry
/// and its start in `main`, and the definitions of the tasks it sends — code
/// the other models need not write: a closure does not cross a process.
fn process_lines() -> usize {
    let tasks = include_str!("../../../../shared/src/tasks.rs");
    lines_of_code(Model::Processes.source())
        + lines_of_code(include_str!("../worker.rs"))
        + lines_of_code(include_str!("../main.rs"))
        + task_lines(tasks, "SumOfSquares")
        + task_lines(tasks, "DownloadTask")
}

/// The non-blank, non-comment lines of task `name` in `source`: its struct
/// with its attributes, and its `impl Task`. Zero if there is no such task.
pub fn task_lines(source: &str, name: &str) -> usize {
    let lines: Vec<&str> = source.lines().collect();
    let declares = |line: &&str| {
        line.strip_prefix("pub struct ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with([' ', '(', ';']))
    };
    let Some(mut start) = lines.iter().position(declares) else {
        return 0;
    };
    while start > 0 && lines[start - 1].starts_with("#[") {
        start -= 1;
    }
    let implementation = format!("impl Task for {name} {{");
    let end = lines[start..]
        .iter()
        .position(|line| *line == implementation)
        .and_then(|i| {
            let closing = lines[start + i..].iter().position(|l| *l == "}")?;
            Some(start + i + closing)
        });
    let Some(end) = end else {
        return 0;
    };
    lines[start..=end]
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .count()
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
    use super::{lines_of_code, task_lines};

    #[test]
    fn counts_a_task_from_its_struct_to_the_end_of_its_impl() {
        let source = "pub struct Other;\n#[derive(Clone)]\npub struct Job {\n    \
                      n: u64,\n}\n\n// note\nimpl Task for Job {\n    fn run() \
                      {}\n}\nfn after() {}\n";
        assert_eq!(task_lines(source, "Job"), 7);
        assert_eq!(task_lines(source, "Jo"), 0);
        assert_eq!(task_lines(source, "Missing"), 0);
    }

    #[test]
    fn the_process_model_counts_both_tasks_it_sends() {
        let tasks = include_str!("../../../../shared/src/tasks.rs");
        assert!(task_lines(tasks, "SumOfSquares") >= 8);
        assert!(task_lines(tasks, "DownloadTask") >= 8);
    }

    #[test]
    fn counts_only_code_inside_anchors() {
        let source = "fn outside() {}\n// ANCHOR: a\n/// doc\nfn a() {\n\n    1\n}\n// ANCHOR_END: a\n";
        assert_eq!(lines_of_code(source), 3);
    }
}
