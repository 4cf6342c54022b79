//! The standard library's primitives, each at the job it fits. Every demo
//! checks its own invariant, so a wrong primitive (or a missing one)
//! would show as "no" in the table.

use super::{Demo, Saw};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Condvar, Mutex, OnceLock, RwLock};
use std::thread;
use std::time::Duration;

/// Every demo of this file, in the order the book describes them.
pub fn demos(threads: usize, increments: u64) -> Vec<Demo> {
    vec![
        mutex(threads, increments),
        rwlock(threads, increments),
        condvar(),
        barrier(threads),
        atomic(threads, increments),
        once_lock(threads),
    ]
}

/// A poisoned lock still holds sound data in these demos: nothing panics
/// half-way through an update.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ANCHOR: mutex
/// Mutex: several fields that must change together. A transfer moves
/// money between two balances; nobody may see it half done.
fn mutex(threads: usize, transfers: u64) -> Demo {
    let balances = Mutex::new((1_000_000u64, 0u64));
    let torn = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..transfers {
                    let mut b = lock(&balances);
                    if b.0 + b.1 != 1_000_000 {
                        torn.fetch_add(1, Ordering::Relaxed);
                    }
                    b.0 -= 1; // both halves of the transfer
                    b.1 += 1; // under the same guard
                }
            });
        }
    });
    let (a, b) = *lock(&balances);
    let moved = threads as u64 * transfers;
    Demo {
        saw: Saw::Mutex {
            transfers: moved,
            torn: torn.into_inner(),
        },
        holds: b == moved && a + b == 1_000_000,
    }
}
// ANCHOR_END: mutex

/// RwLock: many readers at once, a rare writer. Readers check that the
/// two fields they read belong to the same version.
fn rwlock(readers: usize, reads: u64) -> Demo {
    let config = RwLock::new((0u64, 0u64)); // (version, version × 10)
    let torn = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..readers {
            s.spawn(|| {
                for _ in 0..reads {
                    let c = config.read().unwrap_or_else(|e| e.into_inner());
                    if c.1 != c.0 * 10 {
                        torn.fetch_add(1, Ordering::Relaxed);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        s.spawn(|| {
            for version in 1..=3 {
                let mut c = config.write().unwrap_or_else(|e| e.into_inner());
                *c = (version, version * 10);
            }
        });
    });
    let torn = torn.into_inner();
    Demo {
        saw: Saw::RwLock {
            reads: done.into_inner(),
            writes: 3,
            torn,
        },
        holds: torn == 0
            && *config.read().unwrap_or_else(|e| e.into_inner()) == (3, 30),
    }
}

// ANCHOR: condvar
/// Condvar: sleep until a condition holds, without spinning. The wait has
/// a bound, as every wait in this book does.
fn condvar() -> Demo {
    let state = (Mutex::new(false), Condvar::new());
    let (woke_ready, timed_out) = thread::scope(|s| {
        let waiter = s.spawn(|| {
            let (ready, changed) = &state;
            let (guard, result) = changed
                .wait_timeout_while(lock(ready), Duration::from_secs(10), |r| !*r)
                .unwrap_or_else(|e| e.into_inner());
            (*guard, result.timed_out())
        });
        thread::sleep(Duration::from_millis(5));
        *lock(&state.0) = true;
        state.1.notify_all();
        waiter.join().expect("the waiter panicked")
    });
    Demo {
        saw: Saw::Condvar { woke_ready },
        holds: woke_ready && !timed_out,
    }
}
// ANCHOR_END: condvar

/// Barrier: nobody starts phase 2 until everyone has finished phase 1.
fn barrier(threads: usize) -> Demo {
    let log = Mutex::new(Vec::new());
    let gate = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                lock(&log).push(1);
                gate.wait();
                lock(&log).push(2);
            });
        }
    });
    let log = log.into_inner().unwrap_or_else(|e| e.into_inner());
    let first_two = log.iter().position(|&p| p == 2).unwrap_or(log.len());
    let ordered = log[first_two..].iter().all(|&p| p == 2);
    Demo {
        saw: Saw::Barrier { threads, ordered },
        holds: ordered && log.len() == 2 * threads,
    }
}

/// Atomics: one number (a counter, a flag) needs no lock at all.
fn atomic(threads: usize, increments: u64) -> Demo {
    let count = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..increments {
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let count = count.into_inner();
    Demo {
        saw: Saw::AtomicU64 {
            threads,
            increments,
            count,
        },
        holds: count == threads as u64 * increments,
    }
}

/// OnceLock: expensive set-up done once, however many threads ask first.
fn once_lock(threads: usize) -> Demo {
    let settings: OnceLock<String> = OnceLock::new();
    let inits = AtomicUsize::new(0);
    let seen: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    settings
                        .get_or_init(|| {
                            inits.fetch_add(1, Ordering::Relaxed);
                            "loaded once".to_string()
                        })
                        .clone()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a reader"))
            .collect()
    });
    let inits = inits.into_inner();
    Demo {
        saw: Saw::OnceLock { threads, inits },
        holds: inits == 1 && seen.iter().all(|s| s == "loaded once"),
    }
}
