//! A process pool whose worker dies is broken as a whole, as CPython's
//! `BrokenProcessPool` is: the pool watches every worker, idle ones too,
//! and one death fails every running and pending future and stops the
//! other workers (issue 17, bug 6). Every wait has a bound.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use shared::executor::{
    Executor, ProcessPoolExecutor, SubmitError, TaskError, TaskFuture,
};
use shared::tasks::{Echo, Sleep};
use std::path::Path;
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(20);

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_executor-worker"))
}

/// Gone and reaped: no /proc entry left, not even a zombie.
fn gone(pid: u32) -> bool {
    !Path::new(&format!("/proc/{pid}")).exists()
}

/// Waits, at most `BOUND`, until `condition` holds; false if it never did.
fn eventually(condition: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < BOUND {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    condition()
}

fn sigkill(pid: u32) {
    kill(Pid::from_raw(pid as i32), Signal::SIGKILL).unwrap();
}

#[test]
fn an_idle_workers_death_breaks_the_pool_before_any_task_is_sent() {
    let pool = ProcessPoolExecutor::new(2, worker()).unwrap();
    let pids = pool.pids();
    assert_eq!(pool.submit(Echo(1)).unwrap().result_timeout(BOUND), Ok(1));
    sigkill(pids[1]); // idle: nothing is sent to it, nothing will be
    assert!(
        eventually(|| pids.iter().all(|&pid| gone(pid))),
        "the pool did not notice its idle worker die and stop the other"
    );
    match pool.submit(Echo(2)) {
        Err(SubmitError::Broken(why)) => {
            assert!(
                why.contains("while idle") && why.contains("SIGKILL"),
                "{why}"
            )
        }
        other => panic!("a broken pool took a task: {other:?}"),
    }
}

#[test]
fn one_workers_death_fails_every_running_and_pending_future() {
    let pool = ProcessPoolExecutor::new(2, worker()).unwrap();
    let pids = pool.pids();
    // Ten minutes each: they can only end by failing.
    let long = Sleep {
        ms: 600_000,
        value: 0,
    };
    let running: Vec<_> =
        (0..2).map(|_| pool.submit(long.clone()).unwrap()).collect();
    let queued = pool.submit(Echo(3)).unwrap();
    assert!(
        eventually(|| running.iter().all(|f| f.running())),
        "the tasks never started"
    );
    sigkill(pids[0]);
    let start = Instant::now();
    for future in running.iter().chain([&queued]) {
        let error = future.result_timeout(BOUND).unwrap_err();
        assert!(
            matches!(&error, TaskError::BrokenPool(why) if why.contains("while running sleep")),
            "{error}"
        );
    }
    assert!(start.elapsed() < BOUND, "a future waited out its bound");
    assert!(
        eventually(|| pids.iter().all(|&pid| gone(pid))),
        "a worker outlived the pool's breaking"
    );
    assert!(matches!(pool.submit(Echo(4)), Err(SubmitError::Broken(_))));
}

/// A pool with one worker stopped (`kill -STOP`) in the middle of a task:
/// it answers nothing and acts on no signal but SIGKILL.
fn pool_with_a_stopped_worker() -> (ProcessPoolExecutor, u32, TaskFuture<u64>) {
    let pool = ProcessPoolExecutor::new(1, worker()).unwrap();
    let pid = pool.pids()[0];
    let task = pool
        .submit(Sleep {
            ms: 600_000,
            value: 0,
        })
        .unwrap();
    assert!(eventually(|| task.running()), "the task never started");
    kill(Pid::from_raw(pid as i32), Signal::SIGSTOP).unwrap();
    (pool, pid, task)
}

/// Runs `stop` on another thread and says whether it returned in `bound`.
fn returns_within(bound: Duration, stop: impl FnOnce() + Send + 'static) -> bool {
    let (done, returned) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        stop();
        let _ = done.send(());
    });
    returned.recv_timeout(bound).is_ok()
}

#[test]
fn kill_workers_and_terminate_workers_both_end_a_stopped_worker() {
    use shared::executor::process_pool::TERMINATE_GRACE;
    for (name, grace) in [
        ("kill_workers", Duration::ZERO),
        ("terminate_workers", TERMINATE_GRACE),
    ] {
        let (pool, pid, task) = pool_with_a_stopped_worker();
        let pool = std::sync::Arc::new(pool);
        let stopping = pool.clone();
        let returned = returns_within(grace + BOUND, move || match name {
            "kill_workers" => stopping.kill_workers(),
            _ => stopping.terminate_workers(),
        });
        assert!(returned, "{name} waited on the stopped worker for ever");
        let error = task.result_timeout(BOUND).unwrap_err();
        assert!(
            matches!(&error, TaskError::BrokenPool(why) if why.contains(name)),
            "{name}: {error}"
        );
        assert!(gone(pid), "{name} left the stopped worker {pid}");
    }
}
