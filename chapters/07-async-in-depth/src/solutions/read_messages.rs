use crate::exercises::read_messages::Delivered;
use crate::sections::cancellation::Half;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Interval;

// ANCHOR: solution
pub async fn read_messages(
    mut halves: UnboundedReceiver<Half>,
    mut ticker: Interval,
) -> Delivered {
    let mut delivered = Delivered::default();
    let mut header = None; // outside the select!, so no drop loses it
    loop {
        tokio::select! {
            half = halves.recv() => match (half, header.take()) {
                (None, _) => return delivered,
                (Some(first), None) => header = Some(first),
                (Some(body), Some(first)) => delivered.messages.push((first, body)),
            },
            _ = ticker.tick() => delivered.ticks += 1,
        }
    }
}
// ANCHOR_END: solution
