//! The hit counter the lost-update check hands the learner's code.
//!
//! A lost update needs one bad interleaving: another thread's hit landing
//! between a thread's read of the count and its write. Left to the
//! scheduler, a read-then-write without a pause between them loses hits on
//! some runs and none on others, so a racy answer could pass. [`Hits`] is
//! an `AtomicU64` with the same methods, except that, given a meeting,
//! every `load` waits (briefly, bounded) until each of the checking
//! threads has made a read of its own: the threads read in step, so a
//! read-then-write loses hits on every run, however quiet the machine and
//! however many reads it makes before its write. `fetch_add` never reads
//! first, a compare-and-swap loop retries until its write lands, and an
//! answer that serialises the threads another way only waits out the bound
//! once.

use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicU64, Ordering};

/// A counter of hits: `AtomicU64`'s methods, nothing more.
#[derive(Debug, Default)]
pub struct Hits {
    count: AtomicU64,
    meet: Option<Meeting>,
}

/// Where the checking threads meet after each read: a barrier that opens
/// each time `parties` reads have arrived, so the n-th reads of all the
/// threads land together, before any of them can write.
#[derive(Debug, Default)]
struct Meeting {
    state: Mutex<Arrivals>,
    all_here: Condvar,
    parties: usize,
}

#[derive(Debug, Default)]
struct Arrivals {
    /// Reads that have arrived since the barrier last opened.
    waiting: usize,
    /// How many times the barrier has opened: a waiter's own opening is
    /// the one after the count it saw on arriving.
    opened: u64,
    /// The bound passed once (threads out of step: one has finished, or
    /// the answer serialises them): from then on nobody waits.
    gave_up: bool,
}

/// Far longer than four threads in step take between two reads; short
/// enough that an answer that never lets them meet loses little time.
const MEET_WITHIN: std::time::Duration = std::time::Duration::from_millis(500);

impl Meeting {
    /// Waits until `parties` reads have arrived, or the bound passes; once
    /// the bound has passed, nobody waits again.
    fn meet(&self) {
        let mut state = self.state.lock();
        if state.gave_up {
            return;
        }
        state.waiting += 1;
        if state.waiting >= self.parties {
            state.waiting = 0;
            state.opened += 1;
            self.all_here.notify_all();
            return;
        }
        let mine = state.opened;
        let waited = self.all_here.wait_while_for(
            &mut state,
            |s| s.opened == mine && !s.gave_up,
            MEET_WITHIN,
        );
        if waited.timed_out() {
            state.gave_up = true;
            self.all_here.notify_all();
        }
    }
}

impl Hits {
    pub fn new() -> Hits {
        Hits::default()
    }

    /// A counter whose every `load` waits until each of `parties` threads
    /// has read (the check's).
    pub fn meeting(parties: usize) -> Hits {
        Hits {
            count: AtomicU64::new(0),
            meet: Some(Meeting {
                parties,
                ..Meeting::default()
            }),
        }
    }

    // ANCHOR: forced
    /// Reads the count; in the check, each read then waits until every
    /// thread has read, so no thread writes before the others have read.
    pub fn load(&self, order: Ordering) -> u64 {
        let seen = self.count.load(order);
        if let Some(meet) = &self.meet {
            meet.meet();
        }
        seen
    }
    // ANCHOR_END: forced

    pub fn store(&self, value: u64, order: Ordering) {
        self.count.store(value, order);
    }

    pub fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        self.count.fetch_add(value, order)
    }

    /// The count once the threads are done (no meeting: nobody else reads).
    pub fn into_inner(self) -> u64 {
        self.count.into_inner()
    }

    pub fn compare_exchange(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64> {
        self.count.compare_exchange(current, new, success, failure)
    }
}
