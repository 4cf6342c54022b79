//! One file per section. Each `run` measures, checks the claims it makes
//! and returns a report; its records feed `table`.

pub mod combining;
pub mod cpu_bound;
pub mod data_exchange;
pub mod event_loop;
pub mod io_bound;
pub mod memory;
pub mod overhead;
pub mod scaling;
pub mod table;

use shared::measure::Repeated;
use shared::report::Record;

/// The figures every timed record carries: median wall time with its range,
/// and median CPU time.
pub fn timed_record(record: Record, timing: &Repeated) -> Record {
    record
        .with("wall_s", timing.wall.median)
        .with("wall_min_s", timing.wall.min)
        .with("wall_max_s", timing.wall.max)
        .with("cpu_s", timing.cpu.median)
        .with("runs", timing.runs)
}
