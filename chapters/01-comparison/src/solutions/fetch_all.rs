use shared::workload::{Download, download_blocking};
use std::time::Duration;

// ANCHOR: solution
pub fn fetch_all(urls: &[String], delay: Duration) -> Vec<Download> {
    std::thread::scope(|s| {
        let handles: Vec<_> = urls
            .iter()
            .map(|url| s.spawn(move || download_blocking(url, delay)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a download thread"))
            .collect()
    })
}
// ANCHOR_END: solution
