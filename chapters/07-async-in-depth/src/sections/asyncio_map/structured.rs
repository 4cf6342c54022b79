//! Waiting on several tasks: `TaskGroup` ↔ `JoinSet`,
//! `wait(FIRST_COMPLETED)` ↔ `select!`, `as_completed` ↔
//! `FuturesUnordered`. Each runs on a paused clock, so which task ends
//! first is decided by its sleep alone.

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A `JoinSet` whose second child fails while the other two still work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub error: String,
    /// Children that finished their work (none should: they were slower).
    pub finished: u64,
    pub cancelled: u64,
}

pub async fn task_group() -> Group {
    let finished = Arc::new(AtomicU64::new(0));
    // ANCHOR: join_set
    let mut children = JoinSet::new();
    for (child, fails) in [(1, false), (2, true), (3, false)] {
        let finished = finished.clone();
        children.spawn(async move {
            if fails {
                sleep(ms(10)).await;
                anyhow::bail!("child {child} failed");
            }
            sleep(ms(100)).await;
            finished.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
    }
    let mut error = String::new();
    let mut cancelled = 0;
    while let Some(outcome) = children.join_next().await {
        match outcome {
            Ok(Err(err)) if error.is_empty() => {
                error = err.to_string();
                // TaskGroup: the first failure cancels the rest.
                children.abort_all();
            }
            Err(join_error) if join_error.is_cancelled() => cancelled += 1,
            _ => {}
        }
    }
    // ANCHOR_END: join_set
    Group {
        error,
        finished: finished.load(Ordering::SeqCst),
        cancelled,
    }
}

/// `select!` on two sleeps: which won, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct First {
    pub winner: String,
    pub after_ms: u64,
}

pub async fn first_completed() -> First {
    let start = Instant::now();
    // ANCHOR: select
    let winner = tokio::select! {
        _ = sleep(ms(30)) => "slow",
        _ = sleep(ms(10)) => "fast",
    }; // the loser is dropped: asyncio.wait would leave it pending
    // ANCHOR_END: select
    First {
        winner: winner.to_string(),
        after_ms: start.elapsed().as_millis() as u64,
    }
}

/// The order in which futures of 30, 10 and 20 ms came out.
pub async fn as_completed() -> Vec<u64> {
    // ANCHOR: unordered
    let mut pending: FuturesUnordered<_> = [30, 10, 20]
        .into_iter()
        .map(|delay| async move {
            sleep(ms(delay)).await;
            delay
        })
        .collect();
    let mut order = Vec::new();
    while let Some(delay) = pending.next().await {
        order.push(delay); // each as it completes
    }
    // ANCHOR_END: unordered
    order
}
