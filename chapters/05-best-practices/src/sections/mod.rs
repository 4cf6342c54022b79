//! One file per rule. Each `measure` runs the "before" and the "after"
//! into its typed results; each `report`, a pure function of them, shows
//! the difference and checks the claims it makes.

pub mod idempotency;
pub mod lock_order;
pub mod primitives;
pub mod resources;
pub mod right_tool;
pub mod shared_state;
pub mod testing;
pub mod timeouts;

/// "yes" or "no", for table cells that state a fact.
pub fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// A duration in seconds as whole milliseconds, for a title.
pub fn millis(seconds: f64) -> u64 {
    (seconds * 1e3).round() as u64
}
