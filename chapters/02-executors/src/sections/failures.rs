//! `failures`: a task that fails, one that panics, and a worker process
//! killed mid-task. Each failure reaches exactly the future it belongs to;
//! a thread pool goes on working, a process pool whose worker died is
//! broken, as Python's is.

use super::future_methods::wait_until_running;
use crate::{BOUND, Context};
use shared::executor::{
    Executor, ProcessPoolExecutor, SubmitError, TaskError, ThreadPoolExecutor,
};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Echo, Misbehave, Sleep};

/// How a result reads in the table: the error's kind, not its details.
fn outcome<T: std::fmt::Debug>(result: &Result<T, TaskError>) -> String {
    match result {
        Ok(value) => format!("Ok({value:?})"),
        Err(TaskError::BrokenPool(_)) => "Err(BrokenPool)".into(),
        Err(err) => format!("Err({err:?})"),
    }
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let step = context.sizes.step_ms;
    let mut report = SectionReport::new(
        "failures",
        "Three kinds of failure, and who sees each: only the future of the task \
         that failed.",
    );
    let mut table =
        Table::new("Each future's result", &["pool", "task", "result()"]);

    // ANCHOR: failing_tasks
    let threads = ThreadPoolExecutor::new(2)?;
    let failed = threads.submit(Misbehave::Fail("no such page".into()))?;
    let panicked = threads.submit(Misbehave::Panic("index out of range".into()))?;
    let fine = threads.submit(Echo(1))?;
    // ANCHOR_END: failing_tasks
    let results = [
        failed.result_timeout(BOUND),
        panicked.result_timeout(BOUND),
        fine.result_timeout(BOUND),
    ];
    for (task, result) in ["fails", "panics", "succeeds"].iter().zip(&results) {
        table.push(vec![
            Cell::text("threads"),
            Cell::text(*task),
            Cell::text(outcome(result)),
        ]);
    }
    let after = threads.submit(Echo(2))?.result_timeout(BOUND);
    table.push(vec![
        Cell::text("threads"),
        Cell::text("submitted after them"),
        Cell::text(outcome(&after)),
    ]);

    // ANCHOR: killed_worker
    let processes = ProcessPoolExecutor::new(1, &context.program)?;
    let done_before = processes.submit(Echo(3))?;
    let _ = done_before.result_timeout(BOUND);
    let victim = processes.submit(Sleep {
        ms: 50 * step,
        value: 4,
    })?;
    let queued = processes.submit(Echo(5))?;
    wait_until_running(&victim)?;
    kill(processes.pids()[0]); // as `kill -9` or a crash would
    let broken = victim.result_timeout(BOUND);
    // ANCHOR_END: killed_worker
    let rows = [
        (
            "finished before the kill",
            done_before.result_timeout(BOUND),
        ),
        ("running when killed", broken.clone()),
        ("queued behind it", queued.result_timeout(BOUND)),
    ];
    for (task, result) in &rows {
        table.push(vec![
            Cell::text("processes"),
            Cell::text(*task),
            Cell::text(outcome(result)),
        ]);
    }
    let refused = processes.submit(Echo(6)).err();
    report.table(table);
    report.check(
        matches!(&results[0], Err(TaskError::Failed(why)) if why == "no such page")
            && matches!(&results[1], Err(TaskError::Panicked(why)) if why == "index out of range")
            && results[2] == Ok(1)
            && after == Ok(2),
        "the error and the panic each reached their own future; the thread pool kept working",
    );
    report.check(
        rows[0].1 == Ok(3)
            && matches!(&broken, Err(TaskError::BrokenPool(why)) if why.contains("sleep"))
            && matches!(rows[2].1, Err(TaskError::BrokenPool(_)))
            && matches!(refused, Some(SubmitError::Broken(_))),
        "the killed worker broke the pool: its task and the queued one failed with \
         BrokenPool, the finished one kept its result, new tasks were refused",
    );
    if let Err(TaskError::BrokenPool(why)) = &broken {
        report.note(format!(
            "The broken task's error names the worker and what it ran: {}",
            redact_pid(why)
        ));
    }
    report.note(
        "Nothing hung: the pool saw the pipe close when the worker died. Python's \
         ProcessPoolExecutor does the same with BrokenProcessPool.",
    );
    Ok(report)
}

/// Sends SIGKILL to a worker process.
fn kill(pid: u32) {
    use nix::sys::signal::{Signal, kill};
    if let Ok(pid) = i32::try_from(pid) {
        let _ = kill(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
    }
}

/// "worker 1234 (/path/to/program) ended (signal: 9 (SIGKILL)) …" without the
/// parts that change from run to run.
fn redact_pid(why: &str) -> String {
    let after_path = why.split_once(") ended").map_or(why, |(_, rest)| rest);
    format!("worker [pid] ([program]) ended{after_path}")
}
