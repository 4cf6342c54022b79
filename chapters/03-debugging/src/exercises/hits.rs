//! The hit counter the lost-update check hands the learner's code.
//!
//! A lost update needs one bad interleaving: another thread's hit landing
//! between a thread's read of the count and its write. Left to the
//! scheduler, a read-then-write without a pause between them loses hits on
//! some runs and none on others, so a racy answer could pass. [`Hits`] is
//! an `AtomicU64` with the same methods, except that, given a meeting, the
//! first `load` in each thread waits (briefly, bounded) until every thread
//! has loaded: a read-then-write then loses hits on every run, however
//! quiet the machine, while `fetch_add` never reads first, and an answer
//! that serialises the threads another way only waits out the bound once.

use parking_lot::{Condvar, Mutex};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// A counter of hits: `AtomicU64`'s methods, nothing more.
#[derive(Debug, Default)]
pub struct Hits {
    count: AtomicU64,
    meet: Option<Meeting>,
}

/// Where the checking threads meet after their first read.
#[derive(Debug, Default)]
struct Meeting {
    state: Mutex<(usize, bool)>,
    all_here: Condvar,
    parties: usize,
}

/// Far longer than four threads take to reach their first read; short
/// enough that an answer that never lets them meet loses little time.
const MEET_WITHIN: std::time::Duration = std::time::Duration::from_millis(500);

thread_local! {
    static MET: Cell<bool> = const { Cell::new(false) };
}

impl Meeting {
    /// Waits until `parties` threads have arrived, or the bound passes;
    /// once the bound has passed, nobody waits again.
    fn meet(&self) {
        let mut state = self.state.lock();
        state.0 += 1;
        if state.0 >= self.parties || state.1 {
            self.all_here.notify_all();
            return;
        }
        let waited = self.all_here.wait_while_for(
            &mut state,
            |s| s.0 < self.parties,
            MEET_WITHIN,
        );
        if waited.timed_out() {
            state.1 = true;
        }
    }
}

impl Hits {
    pub fn new() -> Hits {
        Hits::default()
    }

    /// A counter whose first `load` in each of `parties` threads waits
    /// for the others' (the check's).
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
    /// Reads the count; the first read in each thread of the check's first
    /// run waits until every thread has read.
    pub fn load(&self, order: Ordering) -> u64 {
        let seen = self.count.load(order);
        if let Some(meet) = &self.meet
            && !MET.with(Cell::get)
        {
            MET.with(|met| met.set(true));
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
