//! tokio's counterparts, for code that runs as tasks. They wait by
//! yielding to the runtime instead of blocking the thread, so a task that
//! waits for one never stops the others.

use super::{Demo, Saw};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, Notify, OnceCell, Semaphore, mpsc};
use tokio::task::yield_now;
use tokio::time::timeout;

/// A bound on every wait below: no demo can hang the chapter.
const BOUND: Duration = Duration::from_secs(10);

pub async fn demos(tasks: usize) -> Vec<Demo> {
    vec![
        mutex(tasks).await,
        notify().await,
        semaphore(tasks * 2).await,
        channel().await,
        once_cell(tasks).await,
    ]
}

/// tokio's Mutex: a lock that may be held across an `.await`.
async fn mutex(tasks: usize) -> Demo {
    let total = Arc::new(Mutex::new(0usize));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let total = Arc::clone(&total);
            tokio::spawn(async move {
                let mut guard = total.lock().await;
                yield_now().await; // others run meanwhile; they wait politely
                *guard += 1;
            })
        })
        .collect();
    let mut finished = 0;
    for h in handles {
        finished += usize::from(timeout(BOUND, h).await.is_ok_and(|r| r.is_ok()));
    }
    let total = *total.lock().await;
    Demo {
        saw: Saw::TokioMutex { tasks, total },
        holds: total == tasks && finished == tasks,
    }
}

/// Notify: the async Condvar — wake a task that waits for an event.
async fn notify() -> Demo {
    let event = Arc::new(Notify::new());
    let waiter = {
        let event = Arc::clone(&event);
        tokio::spawn(async move { timeout(BOUND, event.notified()).await.is_ok() })
    };
    yield_now().await; // let the waiter start waiting
    event.notify_one();
    let woke = matches!(waiter.await, Ok(true));
    Demo {
        saw: Saw::TokioNotify { woke },
        holds: woke,
    }
}

/// Semaphore: at most N at once — connections, requests in flight.
async fn semaphore(tasks: usize) -> Demo {
    const PERMITS: usize = 2;
    let permits = Arc::new(Semaphore::new(PERMITS));
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (permits, inside, most) =
                (permits.clone(), inside.clone(), most.clone());
            tokio::spawn(async move {
                let _permit = permits.acquire().await.expect("never closed");
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                yield_now().await;
                inside.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    for h in handles {
        let _ = timeout(BOUND, h).await;
    }
    let most = most.load(Ordering::SeqCst);
    Demo {
        saw: Saw::TokioSemaphore {
            tasks,
            permits: PERMITS,
            most,
        },
        holds: most == PERMITS,
    }
}

/// A bounded mpsc channel: back-pressure between tasks.
async fn channel() -> Demo {
    const CAPACITY: usize = 4;
    let (send, _receive) = mpsc::channel::<usize>(CAPACITY);
    let mut accepted = 0;
    while send.try_send(accepted).is_ok() && accepted <= CAPACITY {
        accepted += 1;
    }
    Demo {
        saw: Saw::TokioChannel {
            capacity: CAPACITY,
            accepted,
        },
        holds: accepted == CAPACITY,
    }
}

/// OnceCell: async set-up done once, however many tasks ask first.
async fn once_cell(tasks: usize) -> Demo {
    let cell = Arc::new(OnceCell::<String>::new());
    let inits = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (cell, inits) = (cell.clone(), inits.clone());
            tokio::spawn(async move {
                let value = cell
                    .get_or_init(|| async {
                        inits.fetch_add(1, Ordering::SeqCst);
                        yield_now().await; // the others arrive meanwhile
                        "loaded once".to_string()
                    })
                    .await;
                value == "loaded once"
            })
        })
        .collect();
    let mut right = 0;
    for h in handles {
        right += usize::from(matches!(timeout(BOUND, h).await, Ok(Ok(true))));
    }
    let inits = inits.load(Ordering::SeqCst);
    Demo {
        saw: Saw::TokioOnceCell { tasks, inits },
        holds: inits == 1 && right == tasks,
    }
}
