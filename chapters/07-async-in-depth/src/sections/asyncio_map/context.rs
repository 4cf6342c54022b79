//! The rest of asyncio's vocabulary: async generators ↔ `Stream`,
//! `contextvars` ↔ `task_local!`, `shield` ↔ a spawned task, and
//! `async with` ↔ a guard's `Drop`.

use futures_util::StreamExt;
use futures_util::stream;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::{sleep, timeout};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ANCHOR: stream
/// An async generator: yields 1, 2, 3… waiting a millisecond before each,
/// until `limit`. `stream::unfold` keeps the state between items.
fn ticks(limit: u64) -> impl futures_util::Stream<Item = u64> {
    stream::unfold(0, move |n| async move {
        if n == limit {
            return None;
        }
        sleep(ms(1)).await;
        Some((n + 1, n + 1))
    })
}

/// `async for n in ticks(10): if n % 3 == 0: out.append(n * n)`.
pub async fn async_for() -> Vec<u64> {
    let mut squares = Vec::new();
    let mut numbers = Box::pin(ticks(10).filter(|n| std::future::ready(n % 3 == 0)));
    while let Some(n) = numbers.next().await {
        squares.push(n * n);
    }
    squares
}
// ANCHOR_END: stream

tokio::task_local! {
    static REQUEST: u64;
}

/// What each task read of its request id after waiting, and whether a
/// task it spawned could read one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskLocal {
    pub seen: Vec<u64>,
    pub spawned_child_saw: Option<u64>,
}

pub async fn task_local() -> TaskLocal {
    // ANCHOR: task_local
    let handle = |id: u64, wait: u64| {
        REQUEST.scope(id, async move {
            sleep(ms(wait)).await; // the other request runs meanwhile
            REQUEST.get()
        })
    };
    let (first, second) = tokio::join!(handle(1, 20), handle(2, 10));
    let spawned_child_saw = REQUEST
        .scope(3, async {
            // Not inherited: unlike contextvars, which create_task copies.
            let child = tokio::spawn(async { REQUEST.try_with(|id| *id).ok() });
            child.await.ok().flatten()
        })
        .await;
    // ANCHOR_END: task_local
    TaskLocal {
        seen: vec![first, second],
        spawned_child_saw,
    }
}

/// A spawned job awaited under a timeout that fires first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shield {
    pub waiter_timed_out: bool,
    pub job_finished: bool,
}

pub async fn shield() -> Shield {
    let finished = Arc::new(AtomicBool::new(false));
    // ANCHOR: shield
    let job = tokio::spawn({
        let finished = finished.clone();
        async move {
            sleep(ms(30)).await;
            finished.store(true, Ordering::SeqCst);
        }
    });
    // Dropping the handle at the timeout cancels the wait, not the job.
    let waited = timeout(ms(10), job).await;
    // ANCHOR_END: shield
    sleep(ms(50)).await;
    Shield {
        waiter_timed_out: waited.is_err(),
        job_finished: finished.load(Ordering::SeqCst),
    }
}

/// What a scope holding a guard wrote to its log: once left normally, once
/// left early by `?` with an error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct With {
    pub normal: Vec<String>,
    pub early_error: Vec<String>,
}

type Log = std::sync::Mutex<Vec<String>>;

fn write(log: &Log, line: &str) {
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(line.to_string());
}

// ANCHOR: with
/// `async with resource:` — the guard's `Drop` is `__aexit__`, run however
/// the scope is left (without the chance to `.await`).
struct Guard<'a>(&'a Log);

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        write(self.0, "exit");
    }
}

async fn use_resource(log: &Log, fail: bool) -> Result<(), &'static str> {
    let _guard = Guard(log); // async with resource:
    write(log, "body");
    sleep(ms(1)).await; // held across the .await
    if fail {
        Err("failed")?; // an early return: the guard still drops
    }
    write(log, "body done");
    Ok(())
} // the scope ends: _guard is dropped here
// ANCHOR_END: with

pub async fn async_with() -> With {
    let run = |fail| async move {
        let log = Log::default();
        let _ = use_resource(&log, fail).await;
        write(&log, "after");
        log.into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    With {
        normal: run(false).await,
        early_error: run(true).await,
    }
}
