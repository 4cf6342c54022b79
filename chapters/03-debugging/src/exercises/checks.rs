//! The checks behind the exercises: each runs an attempt and describes
//! what it did in words a snapshot can hold. An attempt that deadlocks or
//! blocks is given a bounded time and described as such, so a wrong answer
//! fails the check instead of hanging it.

use super::balance::{Balance, Rendezvous};
use super::hits::Hits;
use super::lock_order::Account;
use shared::exercise::attempt;
use std::pin::Pin;
use std::sync::{Arc, Barrier, mpsc};
use std::time::{Duration, Instant};

/// Runs `check` on its own thread and waits at most `limit` for its text.
/// A deadlocked attempt leaves its threads behind; the test process ends
/// anyway.
fn bounded(
    limit: Duration,
    check: impl FnOnce() -> String + Send + 'static,
) -> String {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(check());
    });
    match receive.recv_timeout(limit) {
        Ok(text) => text,
        Err(_) => format!(
            "no answer within {} s: deadlocked or blocked\n",
            limit.as_secs()
        ),
    }
}

/// Exercise 1: two threads, 2 000 transfers each, in opposite directions.
pub fn check_lock_order(transfer: fn(&Account, &Account, i64)) -> String {
    bounded(Duration::from_secs(10), move || {
        // Both threads hold a first lock before either takes a second:
        // the wrong order deadlocks on every run, not most runs.
        let meet = Rendezvous::new(2);
        let accounts = Arc::new([
            Account {
                id: 1,
                balance: Balance::meeting(1_000, meet.clone()),
            },
            Account {
                id: 2,
                balance: Balance::meeting(1_000, meet),
            },
        ]);
        attempt(
            || {
                let start = Barrier::new(2);
                std::thread::scope(|s| {
                    for (from, to) in [(0, 1), (1, 0)] {
                        let (accounts, start) = (&accounts, &start);
                        s.spawn(move || {
                            start.wait();
                            for _ in 0..2_000 {
                                transfer(&accounts[from], &accounts[to], 1);
                            }
                        });
                    }
                });
                accounts
                    .iter()
                    .map(|a| *a.balance.lock())
                    .collect::<Vec<_>>()
            },
            |balances| {
                format!(
                    "finished: yes\nbalances after 2 000 transfers each way: {balances:?}\n\
                     money conserved: {}\n",
                    yes(balances.iter().sum::<i64>() == 2_000)
                )
            },
        )
    })
}

/// Exercise 2: four threads, 1 000 hits each, three times. In every run
/// the threads meet after each read (see `hits`), so a read-then-write
/// loses hits on every run, every time.
pub fn check_lost_update(record_hit: fn(&Hits)) -> String {
    bounded(Duration::from_secs(20), move || {
        attempt(
            || {
                (0..3)
                    .map(|_| {
                        let hits = Hits::meeting(4);
                        let start = Barrier::new(4);
                        std::thread::scope(|s| {
                            for _ in 0..4 {
                                s.spawn(|| {
                                    start.wait();
                                    for _ in 0..1_000 {
                                        record_hit(&hits);
                                    }
                                });
                            }
                        });
                        hits.into_inner()
                    })
                    .collect::<Vec<_>>()
            },
            |counts| {
                format!(
                    "runs: {}\nevery run counted all 4 000 hits: {}\n",
                    counts.len(),
                    yes(counts.iter().all(|c| *c == 4_000))
                )
            },
        )
    })
}

/// The checksum of the check's data, computed here without blocking.
fn expected(data: &[u8]) -> u64 {
    data.iter().map(|b| u64::from(*b)).sum()
}

/// An attempt at exercise 3, boxed so every answer has one type.
pub type Checksum = fn(Arc<Vec<u8>>) -> Pin<Box<dyn Future<Output = u64> + Send>>;

/// Exercise 3: a ticker on a one-thread runtime beside the checksum.
pub fn check_responsive(checksum: Checksum) -> String {
    bounded(Duration::from_secs(10), move || {
        let data: Arc<Vec<u8>> = Arc::new((0..=255).cycle().take(10_000).collect());
        attempt(
            || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async {
                    let ticker = tokio::spawn(async {
                        let mut worst = Duration::ZERO;
                        for _ in 0..60 {
                            let planned = Instant::now() + Duration::from_millis(5);
                            tokio::time::sleep_until(planned.into()).await;
                            worst = worst.max(planned.elapsed());
                        }
                        worst
                    });
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let sum = checksum(data.clone()).await;
                    let worst = ticker.await.expect("the ticker");
                    (sum, worst)
                })
            },
            |(sum, worst)| {
                format!(
                    "checksum correct: {}\nthe ticker kept ticking (worst lag under 100 ms): {}\n",
                    yes(sum == expected(&data)),
                    yes(worst < Duration::from_millis(100))
                )
            },
        )
    })
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
