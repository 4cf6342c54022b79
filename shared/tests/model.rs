//! Model checking the future's state machine with shuttle: every
//! interleaving of the threads below (`check_dfs`) or a large random sample
//! of them (`check_random`) is run, and the invariants must hold in each.
//!
//! `cargo test -p shared --features shuttle --test model`

use shared::executor::{Order, ReturnWhen, TaskError, TaskFuture, wait};
use shuttle::sync::Arc;
use shuttle::sync::atomic::{AtomicUsize, Ordering};
use shuttle::thread;

/// A worker starting the task races a caller cancelling it: exactly one
/// wins, and `result()` agrees with the winner.
fn cancel_races_start() {
    let future = TaskFuture::<u32>::pending();
    let worker = {
        let future = future.clone();
        thread::spawn(move || {
            let started = future.set_running();
            if started {
                future.finish(Ok(7));
            }
            started
        })
    };
    let cancelled = future.cancel();
    let ran = worker.join().unwrap();
    assert_ne!(cancelled, ran, "exactly one of cancel and start wins");
    match future.result() {
        Ok(7) => assert!(ran),
        Err(TaskError::Cancelled) => assert!(cancelled),
        other => panic!("impossible outcome {other:?}"),
    }
}

#[test]
fn cancel_and_start_exclude_each_other_in_every_interleaving() {
    shuttle::check_dfs(cancel_races_start, None);
}

/// A callback added while the task finishes on another thread runs exactly
/// once, and sees the final result.
fn callback_races_finish() {
    let future = TaskFuture::<u32>::pending();
    assert!(future.set_running());
    let runs = Arc::new(AtomicUsize::new(0));
    let worker = {
        let future = future.clone();
        thread::spawn(move || future.finish(Ok(1)))
    };
    let seen = runs.clone();
    future.add_done_callback(move |f| {
        assert_eq!(f.result(), Ok(1));
        seen.fetch_add(1, Ordering::SeqCst);
    });
    worker.join().unwrap();
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "the callback ran exactly once"
    );
}

#[test]
fn a_callback_runs_exactly_once_in_every_interleaving() {
    shuttle::check_dfs(callback_races_finish, None);
}

/// `wait(FirstCompleted)` returns with at least one future done and lists
/// exactly the futures that are done; `AllCompleted` waits for both.
fn wait_for_two_workers() {
    let futures = vec![TaskFuture::<u32>::pending(), TaskFuture::<u32>::pending()];
    let workers: Vec<_> = futures
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, f)| {
            thread::spawn(move || {
                assert!(f.set_running());
                f.finish(if i == 0 {
                    Ok(0)
                } else {
                    Err(TaskError::Failed("x".into()))
                });
            })
        })
        .collect();
    let first = wait(&futures, ReturnWhen::FirstCompleted, None);
    assert!(!first.done.is_empty());
    assert!(first.done.iter().all(|&i| futures[i].done()));
    let exception = wait(&futures, ReturnWhen::FirstException, None);
    assert!(exception.done.contains(&1), "the failed future is reported");
    let all = wait(&futures, ReturnWhen::AllCompleted, None);
    assert_eq!(all.done, vec![0, 1]);
    for worker in workers {
        worker.join().unwrap();
    }
}

#[test]
fn wait_keeps_its_promise_in_sampled_interleavings() {
    shuttle::check_random(wait_for_two_workers, 2_000);
}

#[test]
fn wait_keeps_its_promise_in_every_interleaving() {
    shuttle::check_dfs(wait_for_two_workers, Some(20_000));
}

/// `wait` with a zero timeout gives up while the task finishes on another
/// thread and takes its callback back: in every interleaving the future
/// ends done with no callback left waiting on it, and a waiter that saw
/// it done says so.
fn a_waiter_gives_up_while_the_task_finishes() {
    let future = TaskFuture::<u32>::pending();
    assert!(future.set_running());
    let worker = {
        let future = future.clone();
        thread::spawn(move || future.finish(Ok(3)))
    };
    let waited = wait(
        std::slice::from_ref(&future),
        ReturnWhen::AllCompleted,
        Some(std::time::Duration::ZERO),
    );
    worker.join().unwrap();
    assert_eq!(future.waiting_callbacks(), 0, "a callback was left behind");
    assert!(future.done());
    assert_eq!(waited.done.len() + waited.not_done.len(), 1);
}

#[test]
fn a_waiter_that_gives_up_leaves_nothing_behind_in_every_interleaving() {
    shuttle::check_dfs(a_waiter_gives_up_while_the_task_finishes, Some(20_000));
}

/// A task queued in its future's allocation (`TaskFuture::with_task`, what
/// `submit_fn` queues) races a caller cancelling it: exactly one wins, the
/// result agrees, and the task's code is dropped exactly once — by the
/// worker, even when it never ran and the future outlives it.
fn a_queued_task_races_its_cancel() {
    let drops = Arc::new(AtomicUsize::new(0));
    let captured = CountsDrops(drops.clone());
    let (future, queued) = TaskFuture::<u32>::with_task(move || {
        let _held = &captured;
        Ok(7)
    });
    let worker = thread::spawn(move || queued.order(Order::Run));
    let cancelled = future.cancel();
    worker.join().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 1, "the task's code was kept");
    match future.result() {
        Ok(7) => assert!(!cancelled),
        Err(TaskError::Cancelled) => assert!(cancelled),
        other => panic!("impossible outcome {other:?}"),
    }
}

/// Counts its drops: whether a task's captured values were let go.
struct CountsDrops(Arc<AtomicUsize>);

impl Drop for CountsDrops {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_queued_task_runs_or_is_cancelled_and_let_go_in_every_interleaving() {
    shuttle::check_dfs(a_queued_task_races_its_cancel, None);
}
