//! The lock around an account's balance, as the lock-order check needs it.
//!
//! A deadlock between two opposite transfers needs one bad interleaving:
//! each thread holding its first lock before either takes its second. Left
//! to the scheduler, that happens most runs but not all, so a broken answer
//! could pass. A [`Balance`] given a [`Rendezvous`] makes every thread that
//! takes its first lock wait (briefly, bounded) until the other has taken
//! its own first lock too: in the wrong order the threads then deadlock
//! every time; in one global order the second thread is still waiting for
//! the first lock, so the wait runs out and nothing is lost but the bound.
//! Without a rendezvous it is a plain `parking_lot::Mutex`.

use parking_lot::{Condvar, Mutex, MutexGuard};
use std::cell::Cell;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

/// A balance behind a lock.
#[derive(Debug, Default)]
pub struct Balance {
    amount: Mutex<i64>,
    meet: Option<Arc<Rendezvous>>,
}

/// Where the threads of one check meet after taking their first lock.
#[derive(Debug, Default)]
pub struct Rendezvous {
    arrived: Mutex<usize>,
    all_here: Condvar,
    parties: usize,
}

/// How long a thread waits for the others at the rendezvous: far longer
/// than taking a free lock, far shorter than the check's time bound.
const MEET_WITHIN: Duration = Duration::from_millis(200);

thread_local! {
    /// Balance locks this thread holds, and whether it has met the others.
    static HELD: Cell<usize> = const { Cell::new(0) };
    static MET: Cell<bool> = const { Cell::new(false) };
}

impl Rendezvous {
    pub fn new(parties: usize) -> Arc<Rendezvous> {
        Arc::new(Rendezvous {
            parties,
            ..Rendezvous::default()
        })
    }

    fn meet(&self) {
        let mut arrived = self.arrived.lock();
        *arrived += 1;
        if *arrived >= self.parties {
            self.all_here.notify_all();
            return;
        }
        let _ = self.all_here.wait_while_for(
            &mut arrived,
            |n| *n < self.parties,
            MEET_WITHIN,
        );
    }
}

impl Balance {
    pub fn new(amount: i64) -> Balance {
        Balance {
            amount: Mutex::new(amount),
            meet: None,
        }
    }

    /// A balance whose first lock in each thread waits at `meet`.
    pub fn meeting(amount: i64, meet: Arc<Rendezvous>) -> Balance {
        Balance {
            amount: Mutex::new(amount),
            meet: Some(meet),
        }
    }

    /// Locks the balance, waiting until it is free.
    pub fn lock(&self) -> BalanceGuard<'_> {
        let guard = self.amount.lock();
        HELD.with(|held| held.set(held.get() + 1));
        if let Some(meet) = &self.meet
            && HELD.with(Cell::get) == 1
            && !MET.with(Cell::get)
        {
            MET.with(|met| met.set(true));
            meet.meet();
        }
        BalanceGuard { guard }
    }
}

/// The locked balance; reads and writes as an `i64`.
pub struct BalanceGuard<'a> {
    guard: MutexGuard<'a, i64>,
}

impl Deref for BalanceGuard<'_> {
    type Target = i64;
    fn deref(&self) -> &i64 {
        &self.guard
    }
}

impl DerefMut for BalanceGuard<'_> {
    fn deref_mut(&mut self) -> &mut i64 {
        &mut self.guard
    }
}

impl Drop for BalanceGuard<'_> {
    fn drop(&mut self) {
        HELD.with(|held| held.set(held.get() - 1));
    }
}
