use crate::exercises::responsive::legacy_checksum;
use std::sync::Arc;

// ANCHOR: solution
pub async fn checksum(data: Arc<Vec<u8>>) -> u64 {
    // The blocking call runs on tokio's pool for blocking work; this task
    // just waits for the answer, and the runtime runs the others meanwhile.
    tokio::task::spawn_blocking(move || legacy_checksum(&data))
        .await
        .expect("legacy_checksum does not panic")
}
// ANCHOR_END: solution
