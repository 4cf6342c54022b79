//! Exercise 3: a runtime that a blocking call freezes.

use std::sync::Arc;
use std::time::Duration;

// ANCHOR: legacy
/// A checksum from a library with no async API: it blocks its thread for
/// 200 ms (as a synchronous driver or a large file read would).
pub fn legacy_checksum(data: &[u8]) -> u64 {
    std::thread::sleep(Duration::from_millis(200));
    data.iter().map(|b| u64::from(*b)).sum()
}
// ANCHOR_END: legacy

// ANCHOR: exercise
/// Returns `legacy_checksum(&data)` without freezing the runtime: every
/// other task on it must keep running while the checksum is computed.
/// Calling it directly here would block the runtime's thread for 200 ms.
pub async fn checksum(data: Arc<Vec<u8>>) -> u64 {
    // TODO: run legacy_checksum where blocking is allowed, and await it.
    let _ = data;
    todo!("checksum: move the blocking call off the runtime")
}
// ANCHOR_END: exercise
