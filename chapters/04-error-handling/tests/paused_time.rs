//! The async timing demos under tokio's paused clock: time advances only
//! when every task waits, so the step counts are exact, not just likely.

use error_handling::sections::{async_tasks, timeouts};
use std::time::Duration;

const STEP: Duration = Duration::from_millis(100);

#[tokio::test(start_paused = true)]
async fn a_timeout_cuts_a_future_at_its_await_and_leaves_a_task_running() {
    let rows = timeouts::async_rows(STEP).await.unwrap();
    assert!(rows.future.held(), "{rows:?}");
    assert!(rows.spawned.held(), "{rows:?}");
    assert!(rows.aborted.held(), "{rows:?}");
    // At 3.5 steps, exactly 3 steps had run, and none after.
    assert_eq!((rows.future.at_timeout, rows.future.afterwards), (3, 3));
    assert_eq!(rows.spawned.ran, 6);
}

#[tokio::test(start_paused = true)]
async fn try_join_returns_at_the_first_error() {
    let started = tokio::time::Instant::now();
    let fail_fast = async_tasks::fail_fast(STEP).await.unwrap();
    assert!(fail_fast.try_join_held(), "{fail_fast:?}");
    assert!(fail_fast.join_set_held(), "{fail_fast:?}");
    // try_join! ends when b fails, after exactly 3 steps.
    assert_eq!(fail_fast.try_join_s, (STEP * 3).as_secs_f64());
    // Two runs, each ending when b fails after 3 steps: c's 40 never come.
    assert_eq!(started.elapsed(), STEP * 6);
}
