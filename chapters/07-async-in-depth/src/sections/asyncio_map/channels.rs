//! Handing data between tasks: `Queue(maxsize)` ↔ bounded `mpsc`,
//! `Semaphore` ↔ `Semaphore`, `Event` ↔ `watch` (and the `Notify` that is
//! not one: it stores at most one wake-up, not a "set" state), pub-sub ↔
//! `broadcast` with a receiver that falls behind.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, broadcast, mpsc, watch};
use tokio::time::{Instant, sleep, timeout};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A producer of 6 items into a queue of 2, a consumer taking one every
/// 10 ms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackPressure {
    pub capacity: u64,
    /// The most items ever waiting in the queue.
    pub most_queued: u64,
    /// When each `send` returned, in ms of the paused clock.
    pub sent_at_ms: Vec<u64>,
}

pub async fn back_pressure() -> BackPressure {
    const CAPACITY: usize = 2;
    let start = Instant::now();
    // ANCHOR: queue
    let (send, mut receive) = mpsc::channel::<u64>(CAPACITY);
    let consumer = tokio::spawn(async move {
        while receive.recv().await.is_some() {
            sleep(ms(10)).await; // a slow consumer
        }
    });
    let (mut sent_at_ms, mut most_queued) = (Vec::new(), 0);
    for item in 0..6 {
        let _ = send.send(item).await; // waits while the queue is full
        sent_at_ms.push(start.elapsed().as_millis() as u64);
        most_queued = most_queued.max(send.max_capacity() - send.capacity());
    }
    // ANCHOR_END: queue
    drop(send);
    let _ = consumer.await;
    BackPressure {
        capacity: CAPACITY as u64,
        most_queued: most_queued as u64,
        sent_at_ms,
    }
}

/// Three waiters on a `watch` flag set at 10 ms, one arriving after; a
/// waiter arriving after `Notify::notify_waiters`; and two arriving after
/// two calls of `Notify::notify_one`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub woken: u64,
    pub late_waiter_passed: bool,
    /// `notify_waiters` stores nothing, so this must stay false.
    pub notify_late_waiter_passed: bool,
    /// Of two waiters after two `notify_one`s, how many passed: one, since
    /// `notify_one` stores a single permit, not a count.
    pub notify_one_late_waiters_passed: u64,
}

pub async fn event() -> Event {
    // ANCHOR: event
    let (set, flag) = watch::channel(false); // Event(): not set
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let mut flag = flag.clone();
            tokio::spawn(async move { flag.wait_for(|set| *set).await.is_ok() })
        })
        .collect();
    sleep(ms(10)).await;
    let _ = set.send(true); // event.set(): every waiter goes on
    let mut woken = 0;
    for waiter in waiters {
        woken += u64::from(waiter.await.unwrap_or(false));
    }
    let mut late = flag.clone(); // arrives after set(): passes at once
    let late_waiter_passed = timeout(ms(1), late.wait_for(|set| *set)).await.is_ok();
    // ANCHOR_END: event
    // ANCHOR: notify
    let notify = Notify::new();
    notify.notify_waiters(); // wakes those waiting now: no one
    let notify_late_waiter_passed = timeout(ms(1), notify.notified()).await.is_ok();

    let notify = Notify::new();
    notify.notify_one(); // no one waits: stores one permit
    notify.notify_one(); // still one permit: they do not add up
    let mut notify_one_late_waiters_passed = 0;
    for _ in 0..2 {
        let passed = timeout(ms(1), notify.notified()).await.is_ok();
        notify_one_late_waiters_passed += u64::from(passed); // first only
    }
    // ANCHOR_END: notify
    Event {
        woken,
        late_waiter_passed,
        notify_late_waiter_passed,
        notify_one_late_waiters_passed,
    }
}

/// A broadcast channel of 4, 10 messages sent before a receiver reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lag {
    pub capacity: u64,
    pub skipped: u64,
    pub received: Vec<u64>,
}

pub async fn lagging() -> Lag {
    const CAPACITY: usize = 4;
    // ANCHOR: broadcast
    let (publish, mut subscriber) = broadcast::channel::<u64>(CAPACITY);
    for message in 0..10 {
        let _ = publish.send(message); // never waits for a slow subscriber
    }
    drop(publish);
    let (mut skipped, mut received) = (0, Vec::new());
    loop {
        match subscriber.recv().await {
            Ok(message) => received.push(message),
            Err(broadcast::error::RecvError::Lagged(n)) => skipped += n,
            Err(broadcast::error::RecvError::Closed) => break,
        }
    }
    // ANCHOR_END: broadcast
    Lag {
        capacity: CAPACITY as u64,
        skipped,
        received,
    }
}

/// Five tasks behind a semaphore of two permits, each holding its permit
/// for 10 ms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limited {
    pub permits: u64,
    pub tasks: u64,
    /// The most tasks inside at once.
    pub most_inside: u64,
    pub took_ms: u64,
}

pub async fn semaphore() -> Limited {
    const PERMITS: usize = 2;
    let start = Instant::now();
    let (inside, most) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    // ANCHOR: semaphore
    let semaphore = Arc::new(Semaphore::new(PERMITS));
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let (semaphore, inside, most) =
                (semaphore.clone(), inside.clone(), most.clone());
            tokio::spawn(async move {
                let Ok(_permit) = semaphore.acquire().await else {
                    return; // closed: no permits will come
                };
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                sleep(ms(10)).await; // async with sem: ... the permit is held
                inside.fetch_sub(1, Ordering::SeqCst);
            }) // the permit is released when _permit is dropped
        })
        .collect();
    // ANCHOR_END: semaphore
    for task in tasks {
        let _ = task.await;
    }
    Limited {
        permits: PERMITS as u64,
        tasks: 5,
        most_inside: most.load(Ordering::SeqCst),
        took_ms: start.elapsed().as_millis() as u64,
    }
}
