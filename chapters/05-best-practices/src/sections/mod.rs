//! One file per rule. Each `run` shows the "before" and the "after",
//! checks the claims it makes and returns a report.

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
