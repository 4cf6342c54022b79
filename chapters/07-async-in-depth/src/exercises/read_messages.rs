//! Exercise 2: a `select!` loop that loses nothing.

use crate::sections::cancellation::Half;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Interval;

/// What the loop delivered.
#[derive(Debug, Default, PartialEq)]
pub struct Delivered {
    /// Each message as (header, body), in the order they came.
    pub messages: Vec<(Half, Half)>,
    pub ticks: u64,
}

// ANCHOR: exercise
/// Until `halves` closes, pair each header with the body after it, and
/// count every tick of `ticker` as it comes — in one `select!` loop, losing
/// no half however the ticks fall.
pub async fn read_messages(
    halves: UnboundedReceiver<Half>,
    ticker: Interval,
) -> Delivered {
    // TODO: which branch may be dropped when the other wins?
    let _ = (halves, ticker);
    todo!("read_messages")
}
// ANCHOR_END: exercise
