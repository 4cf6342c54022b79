//! The load generator both sides share the shape of: `workers` workers,
//! each with a connection of its own, each making its calls one after
//! another, until `calls` calls are made in all or `within` has passed.
//! `python/ecosystem.py` runs Python's clients and drivers the same way,
//! so a row of Rust and a row of Python differ only in the code under test.

use super::endpoint::{Item, id_of_call};
use crate::stats::Throughput;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// The longest one call may take: far beyond any answer on loopback.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// How much load, at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub workers: usize,
    pub calls: usize,
    pub within: Duration,
}

/// What one load achieved, durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Load {
    pub workers: usize,
    /// Calls made; fewer than `asked` when the time bound ended the load.
    pub calls: usize,
    pub asked: usize,
    /// Answers that were not the one asked for.
    pub wrong: usize,
    pub wall: f64,
    pub throughput: Throughput,
}

impl Load {
    pub fn of(
        bounds: Bounds,
        took: &[Duration],
        wrong: usize,
        wall: Duration,
    ) -> Load {
        Load {
            workers: bounds.workers,
            calls: took.len(),
            asked: bounds.calls,
            wrong,
            wall: wall.as_secs_f64(),
            throughput: Throughput::of(took, wall),
        }
    }
}

/// Hands out call numbers until all are handed out or time is up: the
/// workers share it, so that fast workers make more of the calls.
pub struct Tickets {
    next: AtomicUsize,
    calls: usize,
    deadline: Instant,
}

impl Tickets {
    pub fn take(&self) -> Option<usize> {
        if Instant::now() >= self.deadline {
            return None;
        }
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        (index < self.calls).then_some(index)
    }
}

/// What one worker did: each call's latency, and the wrong answers.
#[derive(Debug, Default)]
pub struct Tally {
    pub took: Vec<Duration>,
    pub wrong: usize,
}

impl Tally {
    pub fn record(&mut self, started: Instant, right: bool) {
        self.took.push(started.elapsed());
        self.wrong += usize::from(!right);
    }
}

/// Runs `bounds.workers` copies of `worker` at once and adds up what they
/// did. The first worker to fail fails the load.
pub async fn run<W, F>(bounds: Bounds, worker: W) -> anyhow::Result<Load>
where
    W: Fn(Arc<Tickets>) -> F,
    F: Future<Output = anyhow::Result<Tally>> + Send + 'static,
{
    let start = Instant::now();
    let tickets = Arc::new(Tickets {
        next: AtomicUsize::new(0),
        calls: bounds.calls,
        deadline: start + bounds.within,
    });
    let mut workers = JoinSet::new();
    for _ in 0..bounds.workers {
        workers.spawn(worker(Arc::clone(&tickets)));
    }
    let mut all = Tally::default();
    while let Some(joined) = workers.join_next().await {
        let tally = joined??;
        all.took.extend(tally.took);
        all.wrong += tally.wrong;
    }
    Ok(Load::of(bounds, &all.took, all.wrong, start.elapsed()))
}

/// `GET {base}/items/{id}` under `bounds`, each answer checked.
// ANCHOR: http_load
pub async fn http(base: &str, bounds: Bounds) -> anyhow::Result<Load> {
    run(bounds, |tickets| {
        let base = base.to_owned();
        async move {
            // A client per worker: one kept-alive connection each, as
            // each Python worker has.
            let client = crate::client::async_client(CALL_TIMEOUT)?;
            let mut tally = Tally::default();
            while let Some(index) = tickets.take() {
                let id = id_of_call(index);
                let started = Instant::now();
                let response =
                    client.get(format!("{base}/items/{id}")).send().await?;
                // A refusal (a 5xx, say) is a wrong answer, not the end
                // of the load.
                let right = response.status().is_success()
                    && response.json::<Item>().await? == Item::of(id);
                tally.record(started, right);
            }
            Ok(tally)
        }
    })
    .await
}
// ANCHOR_END: http_load

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_stop_at_the_count_and_at_the_deadline() {
        let now = Instant::now();
        let tickets = Tickets {
            next: AtomicUsize::new(0),
            calls: 3,
            deadline: now + Duration::from_secs(3600),
        };
        let taken: Vec<_> = std::iter::from_fn(|| tickets.take()).collect();
        assert_eq!(taken, [0, 1, 2]);
        let late = Tickets {
            next: AtomicUsize::new(0),
            calls: 3,
            deadline: now,
        };
        assert_eq!(late.take(), None);
    }
}
