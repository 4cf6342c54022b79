//! One file per section. Each has a `measure` that runs the work and
//! stores typed results, and a `report` that reads only those results: so
//! the table, the charts and a saved document all show the same figures.

pub mod calibration;
pub mod combining;
pub mod cpu_bound;
pub mod data_exchange;
pub mod event_loop;
pub mod io_bound;
pub mod memory;
pub mod overhead;
pub mod scaling;
pub mod table;

use shared::measure::Spread;

/// How many times faster `wall` was than `baseline`, median against median:
/// the one definition every speedup of the chapter uses.
pub fn speedup(baseline: &Spread, wall: &Spread) -> f64 {
    baseline.median / wall.median
}
