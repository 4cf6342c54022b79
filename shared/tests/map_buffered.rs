//! `map_buffered`, Python 3.14's `map(buffersize=…)`: an input without end
//! is taken a few chunks at a time, on both pools. Every wait has a bound.

use shared::executor::{
    Executor, ProcessPoolExecutor, SubmitError, TaskError, ThreadPoolExecutor,
};
use shared::tasks::{Echo, Sleep};
use std::cell::Cell;
use std::path::Path;
use std::time::Duration;

const BOUND: Duration = Duration::from_secs(20);

/// Takes the first results from an endless input and counts how much of it
/// was consumed: the buffer, one chunk more, never the whole input.
fn first_of_endless(pool: &impl Executor, name: &str) {
    let taken = Cell::new(0u64);
    let endless = (0..).map(|i| {
        taken.set(taken.get() + 1);
        Echo(i)
    });
    let results = pool.map_buffered(endless, 2, Some(BOUND), 3).unwrap();
    let first: Vec<_> = results.take(10).collect();
    let expected: Vec<Result<u64, TaskError>> = (0..10).map(Ok).collect();
    assert_eq!(first, expected, "{name}: in input order");
    // Ten results are five chunks; three were in flight, and one more is
    // taken each time the oldest is waited on.
    assert!(
        taken.get() <= 10 + 2 * 4,
        "{name}: took {} tasks",
        taken.get()
    );
}

#[test]
fn an_endless_input_is_taken_a_buffer_at_a_time_on_both_pools() {
    first_of_endless(&ThreadPoolExecutor::new(2).unwrap(), "threads");
    let program = Path::new(env!("CARGO_BIN_EXE_executor-worker"));
    first_of_endless(&ProcessPoolExecutor::new(2, program).unwrap(), "processes");
}

#[test]
fn a_buffersize_of_zero_is_refused() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let refused = pool.map_buffered(vec![Echo(1)], 1, None, 0);
    assert!(matches!(refused, Err(SubmitError::ZeroBuffersize)));
}

/// A timeout ends the iteration as `map`'s does, and nothing more of the
/// input is taken after it.
#[test]
fn a_buffered_map_that_times_out_takes_no_more_input() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let taken = Cell::new(0u64);
    let slow = (0..).map(|value| {
        taken.set(taken.get() + 1);
        Sleep { ms: 500, value }
    });
    let mut results = pool
        .map_buffered(slow, 1, Some(Duration::from_millis(20)), 2)
        .unwrap();
    assert_eq!(results.next(), Some(Err(TaskError::TimedOut)));
    let after_timeout = taken.get();
    assert_eq!(results.next(), None);
    assert_eq!(taken.get(), after_timeout, "input taken after the timeout");
    pool.shutdown(false, true);
}
