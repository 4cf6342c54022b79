//! CPython's executor options, held to CPython's behaviour: `initializer`
//! on both pools (a failing one breaks the pool), `thread_name_prefix`,
//! `max_tasks_per_child`, and the default worker counts. Every wait has a
//! bound.

use shared::executor::{
    Executor, ProcessPoolExecutor, SubmitError, TaskError, ThreadPoolExecutor,
};
use shared::tasks::{Echo, Misbehave, Recall, Remember};
use std::path::Path;
use std::time::Duration;

const BOUND: Duration = Duration::from_secs(20);

#[test]
fn thread_names_take_the_prefix_as_cpython_names_them() {
    let pool = ThreadPoolExecutor::builder()
        .max_workers(2)
        .thread_name_prefix("fetcher")
        .build()
        .unwrap();
    let name = pool
        .submit_fn(|| Ok(std::thread::current().name().map(String::from)))
        .unwrap()
        .result_timeout(BOUND)
        .unwrap()
        .expect("a pool thread has a name");
    assert!(name == "fetcher_0" || name == "fetcher_1", "{name}");
}

#[test]
fn the_thread_initializer_runs_once_on_each_worker_before_its_tasks() {
    use std::sync::{Arc, Mutex};
    let initialised = Arc::new(Mutex::new(Vec::new()));
    let seen = initialised.clone();
    let pool = ThreadPoolExecutor::builder()
        .max_workers(3)
        .initializer(move || {
            let me = std::thread::current().name().map(String::from);
            seen.lock().unwrap().push(me);
            Ok(())
        })
        .build()
        .unwrap();
    let ran_on = pool
        .submit_fn(|| Ok(std::thread::current().name().map(String::from)))
        .unwrap()
        .result_timeout(BOUND)
        .unwrap();
    assert!(
        initialised.lock().unwrap().contains(&ran_on),
        "ran uninitialised"
    );
    let started = pool.threads();
    drop(pool); // joins the workers: every initializer has run
    let mut names = initialised.lock().unwrap().clone();
    let runs = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), runs, "more than once on a worker: {names:?}");
    assert_eq!(runs, started, "not on each started worker: {names:?}");
}

/// CPython: a failing initializer makes the pool a `BrokenThreadPool`; a
/// task either is refused or fails, and never runs.
#[test]
fn a_failing_thread_initializer_breaks_the_pool() {
    let pool = ThreadPoolExecutor::builder()
        .max_workers(1)
        .initializer(|| anyhow::bail!("no database"))
        .build()
        .unwrap();
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = ran.clone();
    match pool.submit_fn(move || {
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(1)
    }) {
        Ok(future) => {
            let error = future.result_timeout(BOUND).unwrap_err();
            assert!(
                matches!(&error, TaskError::BrokenPool(why) if why.contains("no database")),
                "{error}"
            );
        }
        Err(refused) => {
            assert!(matches!(refused, SubmitError::Broken(_)), "{refused}")
        }
    }
    drop(pool);
    assert!(!ran.load(std::sync::atomic::Ordering::SeqCst), "a task ran");
}

#[test]
fn a_thread_pool_without_a_size_takes_cpythons_default() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(ThreadPoolExecutor::default_workers(), (cores + 4).min(32));
    let pool = ThreadPoolExecutor::builder().build().unwrap();
    assert_eq!(pool.submit(Echo(1)).unwrap().result_timeout(BOUND), Ok(1));
}

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_executor-worker"))
}

/// One worker, replaced after every two jobs: five jobs in a row run on
/// three processes, two, two and one, each initialised before its first
/// job, and each replaced worker reaped.
#[test]
fn max_tasks_per_child_replaces_a_worker_and_initialises_the_new_one() {
    let pool = ProcessPoolExecutor::builder(worker())
        .max_workers(1)
        .max_tasks_per_child(2)
        .initializer(Remember("ready".into()))
        .build()
        .unwrap();
    let mut pids = Vec::new();
    for _ in 0..5 {
        let (note, pid) =
            pool.submit(Recall).unwrap().result_timeout(BOUND).unwrap();
        assert_eq!(
            note.as_deref(),
            Some("ready"),
            "worker {pid} was not initialised"
        );
        pids.push(pid);
    }
    let (a, b, c) = (pids[0], pids[2], pids[4]);
    assert_eq!(pids, [a, a, b, b, c], "replaced after every two jobs");
    assert!(a != b && b != c && a != c, "{pids:?}");
    for old in [a, b] {
        assert!(
            !Path::new(&format!("/proc/{old}")).exists(),
            "worker {old} remains"
        );
    }
    assert_eq!(pool.pids(), [c]);
}

#[test]
fn max_tasks_per_child_of_zero_is_refused() {
    let refused = ProcessPoolExecutor::builder(worker())
        .max_tasks_per_child(0)
        .build();
    assert!(refused.is_err());
}

/// CPython: a failing initializer makes the pool a `BrokenProcessPool`.
#[test]
fn a_failing_process_initializer_breaks_the_pool() {
    let pool = ProcessPoolExecutor::builder(worker())
        .max_workers(2)
        .initializer(Misbehave::Fail("no database".into()))
        .build()
        .unwrap();
    match pool.submit(Echo(1)) {
        Ok(future) => {
            let error = future.result_timeout(BOUND).unwrap_err();
            assert!(
                matches!(&error, TaskError::BrokenPool(why) if why.contains("no database")),
                "{error}"
            );
        }
        Err(refused) => {
            assert!(matches!(refused, SubmitError::Broken(_)), "{refused}")
        }
    }
    let why = pool.broken().expect("the pool is broken");
    assert!(why.contains("initializer misbehave failed"), "{why}");
    assert!(matches!(pool.submit(Echo(2)), Err(SubmitError::Broken(_))));
}

#[test]
fn a_process_pool_without_a_size_has_a_worker_per_core() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(ProcessPoolExecutor::default_workers(), cores);
    let pool = ProcessPoolExecutor::builder(worker()).build().unwrap();
    assert_eq!(pool.pids().len(), cores);
    assert_eq!(pool.submit(Echo(1)).unwrap().result_timeout(BOUND), Ok(1));
}

/// Waits, at most `BOUND`, until `condition` holds; false if it never did.
fn eventually(condition: impl Fn() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < BOUND {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    condition()
}

/// CPython starts a thread only when no idle one can take the work: a
/// pool of 8 that ran 3 tasks one after another holds one thread.
#[test]
fn a_thread_pool_reuses_an_idle_worker_before_starting_another() {
    let pool = ThreadPoolExecutor::new(8).unwrap();
    assert_eq!(pool.threads(), 0, "no thread before the first submit");
    for value in 0..3 {
        assert_eq!(
            pool.submit(Echo(value)).unwrap().result_timeout(BOUND),
            Ok(value)
        );
        // The worker says it is idle just after the result: wait for that,
        // so the next submit finds it.
        assert!(
            eventually(|| pool.idle_threads() == 1),
            "the worker never idled"
        );
    }
    assert_eq!(pool.threads(), 1);
}

/// Busy workers are not reused: three tasks held at once get three threads,
/// and all three run at the same time.
#[test]
fn a_thread_pool_starts_a_thread_for_work_no_idle_worker_can_take() {
    let pool = ThreadPoolExecutor::new(8).unwrap();
    let (open, gate) = crossbeam::channel::unbounded::<()>();
    let held: Vec<_> = (0..3)
        .map(|i| {
            let gate = gate.clone();
            pool.submit_fn(move || {
                gate.recv_timeout(BOUND)?;
                Ok(i)
            })
            .unwrap()
        })
        .collect();
    assert!(
        eventually(|| held.iter().all(|f| f.running())),
        "not all ran at once"
    );
    assert_eq!(pool.threads(), 3);
    drop(open);
    for future in &held {
        assert!(future.result_timeout(BOUND).is_err(), "the gate closed");
    }
}
