//! Throughput and latency from a batch of timed requests.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a batch of requests achieved.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    pub requests_per_second: f64,
    pub p50: f64,
    pub p99: f64,
}

impl Throughput {
    /// `took` holds each request's latency; `wall` the whole batch's time.
    pub fn of(took: &[Duration], wall: Duration) -> Throughput {
        let mut seconds: Vec<f64> = took.iter().map(Duration::as_secs_f64).collect();
        seconds.sort_by(f64::total_cmp);
        Throughput {
            requests_per_second: took.len() as f64 / wall.as_secs_f64().max(1e-9),
            p50: percentile(&seconds, 50.0),
            p99: percentile(&seconds, 99.0),
        }
    }
}

/// The nearest-rank percentile of sorted `values`: the smallest value with
/// at least `p` per cent of the values at or below it. 0 when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
