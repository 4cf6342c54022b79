//! The executors held to `concurrent.futures`' behaviour, after the way
//! CPython tests it (Lib/test/test_concurrent_futures): map order, timeouts,
//! cancellation, callbacks, shutdown, errors, and a broken process pool.
//! Every wait here has a bound.

use shared::executor::{
    Executor, ProcessPoolExecutor, ReturnWhen, State, SubmitError, TaskError,
    ThreadPoolExecutor, Unfinished, as_completed, wait,
};
use shared::tasks::{Echo, Misbehave, Sleep, SumOfSquares};
use shared::workload::sum_of_squares_formula;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(20);

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_executor-worker"))
}

/// Builds a pool of the given size.
type MakePool = Box<dyn Fn(usize) -> AnyPool>;

/// The same checks, run on both pools: the one-line switch.
fn pools() -> Vec<(&'static str, MakePool)> {
    vec![
        (
            "threads",
            Box::new(|n| {
                AnyPool::Threads(Box::new(ThreadPoolExecutor::new(n).unwrap()))
            }),
        ),
        (
            "processes",
            Box::new(|n| {
                AnyPool::Processes(Box::new(
                    ProcessPoolExecutor::new(n, worker()).unwrap(),
                ))
            }),
        ),
    ]
}

/// Boxed: the pools' sizes differ, more so under shuttle's locks.
enum AnyPool {
    Threads(Box<ThreadPoolExecutor>),
    Processes(Box<ProcessPoolExecutor>),
}

macro_rules! with_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            AnyPool::Threads($p) => $body,
            AnyPool::Processes($p) => $body,
        }
    };
}

#[test]
fn zero_workers_is_an_error() {
    assert!(ThreadPoolExecutor::new(0).is_err());
    assert!(ProcessPoolExecutor::new(0, worker()).is_err());
}

#[test]
fn map_yields_in_input_order_whatever_the_finishing_order() {
    for (name, make) in pools() {
        // Later inputs sleep less, so they finish first.
        let tasks: Vec<Sleep> = (0..6)
            .map(|i| Sleep {
                ms: 60 - 10 * i,
                value: i,
            })
            .collect();
        let got: Vec<u64> = with_pool!(make(3), |pool| pool
            .map(tasks.clone(), 1, Some(BOUND))
            .unwrap()
            .map(Result::unwrap)
            .collect());
        assert_eq!(got, [0, 1, 2, 3, 4, 5], "{name}");
    }
}

#[test]
fn map_with_chunks_gives_the_same_results() {
    for (name, make) in pools() {
        let tasks: Vec<SumOfSquares> = (0..50).map(|n| SumOfSquares { n }).collect();
        let expected: Vec<u64> = (0..50).map(sum_of_squares_formula).collect();
        for chunksize in [1, 7, 50, 100] {
            let got: Vec<u64> = with_pool!(make(2), |pool| pool
                .map(tasks.clone(), chunksize, Some(BOUND))
                .unwrap()
                .map(Result::unwrap)
                .collect());
            assert_eq!(got, expected, "{name}, chunksize {chunksize}");
        }
    }
}

#[test]
fn map_timeout_yields_timed_out_and_cancels_the_rest() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let tasks = vec![
        Sleep { ms: 0, value: 1 },
        Sleep { ms: 300, value: 2 },
        Sleep { ms: 0, value: 3 },
    ];
    let mut results = pool
        .map(tasks, 1, Some(Duration::from_millis(100)))
        .unwrap();
    assert_eq!(results.next(), Some(Ok(1)));
    assert_eq!(results.next(), Some(Err(TaskError::TimedOut)));
    assert_eq!(results.next(), None, "a timeout ends the iteration");
}

#[test]
fn result_timeout_raises_timed_out_and_the_task_goes_on() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let future = pool.submit(Sleep { ms: 200, value: 9 }).unwrap();
    assert_eq!(
        future.result_timeout(Duration::from_millis(20)),
        Err(TaskError::TimedOut)
    );
    assert_eq!(future.result_timeout(BOUND), Ok(9));
}

#[test]
fn cancel_succeeds_only_for_pending_tasks() {
    for (name, make) in pools() {
        with_pool!(make(1), |pool| {
            let running = pool.submit(Sleep { ms: 300, value: 1 }).unwrap();
            let pending = pool.submit(Sleep { ms: 0, value: 2 }).unwrap();
            let deadline = Instant::now() + BOUND;
            while !running.running() {
                assert!(Instant::now() < deadline, "{name}: the task never started");
                std::thread::sleep(Duration::from_millis(1));
            }
            assert!(
                !running.cancel(),
                "{name}: a running task cannot be cancelled"
            );
            assert!(pending.cancel(), "{name}: a pending task can");
            assert!(pending.cancelled() && pending.done());
            assert_eq!(pending.result_timeout(BOUND), Err(TaskError::Cancelled));
            assert_eq!(running.result_timeout(BOUND), Ok(1));
            assert!(
                !running.cancel(),
                "{name}: a finished task cannot be cancelled"
            );
        });
    }
}

#[test]
fn errors_and_panics_reach_only_their_own_future() {
    for (name, make) in pools() {
        with_pool!(make(2), |pool| {
            let failed =
                pool.submit(Misbehave::Fail("no such page".into())).unwrap();
            let panicked = pool
                .submit(Misbehave::Panic("index out of range".into()))
                .unwrap();
            let fine = pool.submit(SumOfSquares { n: 4 }).unwrap();
            assert_eq!(
                failed.result_timeout(BOUND),
                Err(TaskError::Failed("no such page".into())),
                "{name}"
            );
            assert_eq!(
                panicked.exception_timeout(BOUND),
                Some(TaskError::Panicked("index out of range".into())),
                "{name}"
            );
            assert_eq!(fine.result_timeout(BOUND), Ok(14), "{name}");
            assert_eq!(fine.exception_timeout(BOUND), None);
            // The pool still works after both.
            assert_eq!(
                pool.submit(Echo(5)).unwrap().result_timeout(BOUND),
                Ok(5),
                "{name}"
            );
        });
    }
}

#[test]
fn callbacks_run_in_order_even_when_added_late_or_panicking() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let future = pool.submit(Sleep { ms: 50, value: 3 }).unwrap();
    let (seen, log) = mpsc::channel();
    let first = seen.clone();
    future.add_done_callback(move |f| drop(first.send(("first", f.result()))));
    future.add_done_callback(|_| panic!("a callback that panics"));
    let second = seen.clone();
    future.add_done_callback(move |f| drop(second.send(("second", f.result()))));
    assert_eq!(future.result_timeout(BOUND), Ok(3));
    // The callbacks run on the worker, right after the result is set.
    let mut order = vec![
        log.recv_timeout(BOUND).unwrap(),
        log.recv_timeout(BOUND).unwrap(),
    ];
    let late = seen.clone();
    future.add_done_callback(move |f| drop(late.send(("late", f.result()))));
    drop(seen);
    order.extend(log.iter());
    assert_eq!(
        order,
        [("first", Ok(3)), ("second", Ok(3)), ("late", Ok(3))]
    );
    assert_eq!(pool.submit(Echo(1)).unwrap().result_timeout(BOUND), Ok(1));
}

#[test]
fn submit_after_shutdown_is_refused() {
    for (name, make) in pools() {
        with_pool!(make(1), |pool| {
            pool.shutdown(true, false);
            assert_eq!(
                pool.submit(Echo(1)).unwrap_err(),
                SubmitError::ShutDown,
                "{name}"
            );
        });
    }
}

#[test]
fn shutdown_with_cancel_futures_cancels_only_what_had_not_started() {
    for (name, make) in pools() {
        with_pool!(make(1), |pool| {
            let running = pool.submit(Sleep { ms: 200, value: 1 }).unwrap();
            let queued: Vec<_> = (0..5)
                .map(|i| pool.submit(Sleep { ms: 0, value: i }).unwrap())
                .collect();
            let deadline = Instant::now() + BOUND;
            while !running.running() {
                assert!(Instant::now() < deadline);
                std::thread::sleep(Duration::from_millis(1));
            }
            pool.shutdown(true, true);
            assert_eq!(running.result_timeout(BOUND), Ok(1), "{name}");
            assert!(queued.iter().all(|f| f.cancelled()), "{name}");
        });
    }
}

#[test]
fn shutdown_without_cancel_finishes_the_queue() {
    for (name, make) in pools() {
        with_pool!(make(1), |pool| {
            let queued: Vec<_> = (0..5)
                .map(|i| pool.submit(Sleep { ms: 10, value: i }).unwrap())
                .collect();
            pool.shutdown(true, false);
            assert!(
                queued
                    .iter()
                    .all(|f| matches!(f.state(), State::Finished(Ok(_)))),
                "{name}"
            );
        });
    }
}

#[test]
fn as_completed_yields_in_finishing_order() {
    let pool = ThreadPoolExecutor::new(3).unwrap();
    let futures: Vec<_> = [150, 10, 80]
        .iter()
        .map(|&ms| pool.submit(Sleep { ms, value: ms }).unwrap())
        .collect();
    let order: Vec<u64> = as_completed(&futures, Some(BOUND))
        .map(|f| f.unwrap().result().unwrap())
        .collect();
    assert_eq!(order, [10, 80, 150]);
    let slow = pool.submit(Sleep { ms: 300, value: 0 }).unwrap();
    let mut timed =
        as_completed(std::slice::from_ref(&slow), Some(Duration::from_millis(20)));
    let unfinished = Unfinished {
        unfinished: 1,
        of: 1,
    };
    assert_eq!(timed.next().map(|r| r.err()), Some(Some(unfinished)));
    assert!(timed.next().is_none());
}

#[test]
fn wait_returns_by_its_mode() {
    let pool = ThreadPoolExecutor::new(3).unwrap();
    let futures = vec![
        pool.submit(Sleep { ms: 10, value: 0 }).unwrap(),
        pool.submit(Sleep { ms: 400, value: 1 }).unwrap(),
        pool.submit(Sleep { ms: 400, value: 2 }).unwrap(),
    ];
    let first = wait(&futures, ReturnWhen::FirstCompleted, Some(BOUND));
    assert_eq!((first.done, first.not_done), (vec![0], vec![1, 2]));
    let all = wait(&futures, ReturnWhen::AllCompleted, Some(BOUND));
    assert_eq!((all.done, all.not_done), (vec![0, 1, 2], vec![]));

    let failing = vec![
        pool.submit(Sleep { ms: 400, value: 0 }).unwrap(),
        pool.submit(Misbehave::Fail("boom".into())).unwrap(),
    ];
    let exception = wait(&failing, ReturnWhen::FirstException, Some(BOUND));
    assert_eq!((exception.done, exception.not_done), (vec![1], vec![0]));

    let slow = vec![pool.submit(Sleep { ms: 300, value: 0 }).unwrap()];
    let timed = wait(
        &slow,
        ReturnWhen::AllCompleted,
        Some(Duration::from_millis(20)),
    );
    assert_eq!((timed.done, timed.not_done), (vec![], vec![0]));
}

#[test]
fn a_dead_worker_breaks_the_pool_instead_of_hanging() {
    let pool = ProcessPoolExecutor::new(1, worker()).unwrap();
    let killed = pool.submit(Misbehave::Abort).unwrap();
    // The worker may already be dead when the second task comes: then the
    // pool refuses it at once, as CPython's submit raises BrokenProcessPool.
    // Either way it never runs, and nothing hangs.
    let queued = pool.submit(Echo(1));
    let start = Instant::now();
    let error = killed.result_timeout(BOUND).unwrap_err();
    assert!(
        matches!(&error, TaskError::BrokenPool(why) if why.contains("misbehave")),
        "{error}"
    );
    match queued {
        Ok(queued) => assert!(matches!(
            queued.result_timeout(BOUND),
            Err(TaskError::BrokenPool(_))
        )),
        Err(refused) => {
            assert!(matches!(refused, SubmitError::Broken(_)), "{refused}")
        }
    }
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(matches!(pool.submit(Echo(2)), Err(SubmitError::Broken(_))));
}

#[test]
fn terminate_workers_stops_a_hung_worker_and_reaps_every_one() {
    let pool = ProcessPoolExecutor::new(2, worker()).unwrap();
    let pids = pool.pids();
    // Two tasks that would run for ten minutes, and one queued behind them.
    let minutes = Duration::from_secs(600).as_millis() as u64;
    let hung: Vec<_> = (0..2)
        .map(|_| {
            pool.submit(Sleep {
                ms: minutes,
                value: 0,
            })
            .unwrap()
        })
        .collect();
    let queued = pool.submit(Echo(1)).unwrap();
    let started = Instant::now();
    while !hung.iter().all(|f| f.running()) {
        assert!(started.elapsed() < BOUND, "the tasks never started");
        std::thread::sleep(Duration::from_millis(1));
    }
    pool.terminate_workers();
    for future in hung.iter().chain([&queued]) {
        let error = future.result_timeout(BOUND).unwrap_err();
        assert!(
            matches!(&error, TaskError::BrokenPool(why) if why.contains("terminate_workers")),
            "{error}"
        );
    }
    assert!(matches!(pool.submit(Echo(2)), Err(SubmitError::Broken(_))));
    for pid in pids {
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "worker {pid} remains after terminate_workers"
        );
    }
}

#[test]
fn no_worker_process_outlives_the_pool() {
    let pool = ProcessPoolExecutor::new(2, worker()).unwrap();
    let pids = pool.pids();
    assert_eq!(pool.submit(Echo(1)).unwrap().result_timeout(BOUND), Ok(1));
    drop(pool);
    for pid in pids {
        // Reaped: no /proc entry left, not even a zombie.
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "worker {pid} remains"
        );
    }
}

#[test]
fn a_task_a_worker_does_not_know_fails_with_its_name() {
    use serde::{Deserialize, Serialize};
    #[derive(Serialize, Deserialize)]
    struct Unregistered;
    impl shared::executor::Task for Unregistered {
        type Output = u64;
        const NAME: &'static str = "unregistered";
        fn run(self) -> anyhow::Result<u64> {
            Ok(0)
        }
    }
    let pool = ProcessPoolExecutor::new(1, worker()).unwrap();
    let error = pool
        .submit(Unregistered)
        .unwrap()
        .result_timeout(BOUND)
        .unwrap_err();
    assert_eq!(
        error,
        TaskError::Failed("no task named 'unregistered' in this worker".into())
    );
}

#[test]
fn a_pool_dropped_with_a_stopped_worker_terminates_it_within_its_bound() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let wait = Duration::from_millis(500);
    let pool = ProcessPoolExecutor::new(1, worker())
        .unwrap()
        .with_drop_wait(wait);
    let pid = pool.pids()[0];
    // A minute long, so that it is still running when the worker stops.
    let task = pool
        .submit(Sleep {
            ms: 60_000,
            value: 7,
        })
        .unwrap();
    let started = Instant::now();
    while !task.running() {
        assert!(started.elapsed() < BOUND, "the task never started");
        std::thread::sleep(Duration::from_millis(1));
    }
    // Stopped mid-task, as `kill -STOP` does: it will never answer.
    kill(Pid::from_raw(pid as i32), Signal::SIGSTOP).unwrap();
    let (done, dropped) = mpsc::channel();
    std::thread::spawn(move || {
        drop(pool);
        let _ = done.send(());
    });
    dropped
        .recv_timeout(wait + BOUND)
        .expect("dropping the pool waited on the stopped worker for ever");
    let error = task.result_timeout(BOUND).unwrap_err();
    assert!(matches!(error, TaskError::BrokenPool(_)), "{error}");
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "the stopped worker {pid} was not terminated and reaped"
    );
}

#[test]
fn duration_max_as_a_timeout_means_no_deadline() {
    for (name, make) in pools() {
        with_pool!(make(2), |pool| {
            let future = pool.submit(Echo(5)).unwrap();
            assert_eq!(future.result_timeout(Duration::MAX), Ok(5), "{name}");
            let both = [future.clone(), pool.submit(Echo(6)).unwrap()];
            let waited = wait(&both, ReturnWhen::AllCompleted, Some(Duration::MAX));
            assert_eq!(waited.done, [0, 1], "{name}");
            let completed = as_completed(&both, Some(Duration::MAX)).count();
            assert_eq!(completed, 2, "{name}");
            let mapped: Vec<_> = pool
                .map(vec![Echo(1), Echo(2)], 1, Some(Duration::MAX))
                .unwrap()
                .collect();
            assert_eq!(mapped, [Ok(1), Ok(2)], "{name}");
        });
    }
}

#[test]
fn as_completed_yields_a_future_given_twice_once() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let (a, b) = (pool.submit(Echo(1)).unwrap(), pool.submit(Echo(2)).unwrap());
    let given = [a.clone(), b.clone(), a.clone()];
    let yielded: Vec<_> = as_completed(&given, Some(BOUND))
        .map(|f| f.unwrap().result().unwrap())
        .collect();
    assert_eq!(yielded.len(), 2, "{yielded:?}");
    assert!(yielded.contains(&1) && yielded.contains(&2));
}

/// CPython removes its waiter from every future when `wait` or
/// `as_completed` returns; polling a pending future must not grow it.
#[test]
fn waiting_leaves_no_callback_behind_on_a_pending_future() {
    let future = shared::executor::TaskFuture::<u64>::pending();
    for _ in 0..100 {
        let waited = wait(
            std::slice::from_ref(&future),
            ReturnWhen::FirstCompleted,
            Some(Duration::ZERO),
        );
        assert_eq!(waited.not_done, [0]);
        let first =
            as_completed(std::slice::from_ref(&future), Some(Duration::ZERO)).next();
        assert!(matches!(first, Some(Err(Unfinished { unfinished: 1, .. }))));
    }
    assert_eq!(future.waiting_callbacks(), 0);
    // A callback the caller added is theirs: it stays until the task ends.
    future.add_done_callback(|_| {});
    let _ = wait(
        std::slice::from_ref(&future),
        ReturnWhen::AllCompleted,
        Some(Duration::ZERO),
    );
    assert_eq!(future.waiting_callbacks(), 1);
    assert!(future.set_running());
    future.finish(Ok(1));
    assert_eq!(future.waiting_callbacks(), 0);
}

#[test]
fn map_refuses_a_chunksize_of_zero() {
    for (name, make) in pools() {
        with_pool!(make(1), |pool| {
            let refused = pool.map(vec![Echo(1)], 0, None);
            assert!(matches!(refused, Err(SubmitError::ZeroChunksize)), "{name}");
        });
    }
}

/// A task that submits follow-up work holds a handle to its own pool; when
/// that is the last handle, the pool is dropped on its worker thread, which
/// must not try to join itself.
#[test]
fn a_task_holding_the_last_handle_to_its_pool_keeps_its_value() {
    use std::sync::Arc;
    let pool = Arc::new(ThreadPoolExecutor::new(1).unwrap());
    let (dropped, told) = mpsc::channel::<()>();
    let inner = pool.clone();
    let future = pool
        .submit_fn(move || {
            // Runs on after the test dropped its handle: `inner` is the last.
            told.recv_timeout(BOUND)?;
            let follow_up = inner.submit_fn(|| Ok(1))?;
            drop(inner);
            let _ = follow_up;
            Ok(7)
        })
        .unwrap();
    let waiter = future.clone();
    drop(pool);
    dropped.send(()).unwrap();
    assert_eq!(waiter.result_timeout(BOUND), Ok(7));
}

/// A task that prints — a line, then half a line — breaks neither pool:
/// its output is passed on, and the reply is read past it, task after task.
#[test]
fn a_task_that_prints_to_stdout_leaves_the_pool_working() {
    use shared::tasks::Print;
    for (name, make) in pools() {
        with_pool!(make(1), |pool| {
            for value in 0..3 {
                let task = Print {
                    text: format!("a log line from task {value}"),
                    value,
                };
                let future = pool.submit(task).unwrap();
                assert_eq!(future.result_timeout(BOUND), Ok(value), "{name}");
            }
            assert_eq!(
                pool.submit(Echo(9)).unwrap().result_timeout(BOUND),
                Ok(9),
                "{name}: still working"
            );
        });
    }
}

/// Counts its runs: to see whether a task ran at all.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Counted(u64);

static COUNTED_RUNS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

impl shared::executor::Task for Counted {
    type Output = u64;
    const NAME: &'static str = "counted";
    fn run(self) -> anyhow::Result<u64> {
        COUNTED_RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(self.0)
    }
}

/// After `map` yields `TimedOut`, the item it waited on is cancelled with
/// the rest when it has not started (CPython 3.12+), so it never runs.
#[test]
fn a_timed_out_map_item_that_had_not_started_never_runs() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    // The one worker is busy until the gate opens, so nothing map queues
    // can start before its timeout.
    let (open, gate) = mpsc::channel::<()>();
    let busy = pool
        .submit_fn(move || {
            gate.recv_timeout(BOUND)?;
            Ok(0)
        })
        .unwrap();
    let mut results = pool
        .map(
            vec![Counted(1), Counted(2)],
            1,
            Some(Duration::from_millis(20)),
        )
        .unwrap();
    assert_eq!(results.next(), Some(Err(TaskError::TimedOut)));
    open.send(()).unwrap();
    assert_eq!(busy.result_timeout(BOUND), Ok(0));
    // One worker, first in first out: once this has run, so would have
    // anything queued before it.
    assert_eq!(pool.submit(Echo(3)).unwrap().result_timeout(BOUND), Ok(3));
    let runs = COUNTED_RUNS.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(runs, 0, "a cancelled map item ran");
}

/// CPython's `as_completed` times out with "2 (of 4) futures unfinished",
/// counting each future once however often it was given.
#[test]
fn as_completed_timeout_says_how_many_futures_were_unfinished() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let done = [pool.submit(Echo(1)).unwrap(), pool.submit(Echo(2)).unwrap()];
    for future in &done {
        assert!(future.result_timeout(BOUND).is_ok());
    }
    let pending = || shared::executor::TaskFuture::<u64>::pending();
    let (a, b) = (pending(), pending());
    let given = [done[0].clone(), a.clone(), done[1].clone(), b, a];
    let yielded: Vec<_> =
        as_completed(&given, Some(Duration::from_millis(20))).collect();
    assert_eq!(yielded.len(), 3, "two done, then the timeout");
    let timeout = yielded[2].as_ref().unwrap_err();
    assert_eq!(timeout.to_string(), "2 (of 4) futures unfinished");
}
