//! `failures`: a task that fails, one that panics, and a worker process
//! killed mid-task. Each failure reaches exactly the future it belongs to;
//! a thread pool goes on working, a process pool whose worker died is
//! broken, as Python's is.

use super::future_methods::wait_until_running;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{
    Executor, ProcessPoolExecutor, SubmitError, TaskError, ThreadPoolExecutor,
};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Echo, Misbehave, Sleep};

/// Each future's result, and what the broken pool said to one more task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failures {
    pub rows: Vec<Outcome>,
    pub next_submit: NextSubmit,
}

/// One task and its future's result. A `BrokenPool` message keeps what
/// the worker ran and how it ended, not its pid or its program's path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub task: Case,
    pub result: Result<u64, TaskError>,
}

/// The tasks, in the order the table shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Case {
    ThreadFails,
    ThreadPanics,
    ThreadSucceeds,
    ThreadSubmittedAfter,
    ProcessFinishedBefore,
    ProcessRunningWhenKilled,
    ProcessQueuedBehind,
}

impl Case {
    pub fn pool(self) -> &'static str {
        match self {
            Case::ThreadFails
            | Case::ThreadPanics
            | Case::ThreadSucceeds
            | Case::ThreadSubmittedAfter => "threads",
            _ => "processes",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Case::ThreadFails => "fails",
            Case::ThreadPanics => "panics",
            Case::ThreadSucceeds => "succeeds",
            Case::ThreadSubmittedAfter => "submitted after them",
            Case::ProcessFinishedBefore => "finished before the kill",
            Case::ProcessRunningWhenKilled => "running when killed",
            Case::ProcessQueuedBehind => "queued behind it",
        }
    }
}

/// What `submit` did on the process pool after its worker died.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NextSubmit {
    Accepted,
    /// Refused because the pool is broken.
    RefusedBroken,
    /// Refused for another reason, with it.
    Refused(String),
}

/// How a result reads in the table: the error's kind, not its details.
fn outcome<T: std::fmt::Debug>(result: &Result<T, TaskError>) -> String {
    match result {
        Ok(value) => format!("Ok({value:?})"),
        Err(TaskError::BrokenPool(_)) => "Err(BrokenPool)".into(),
        Err(err) => format!("Err({err:?})"),
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let step = context.sizes.step_ms;
    // ANCHOR: failing_tasks
    let threads = ThreadPoolExecutor::new(2)?;
    let failed = threads.submit(Misbehave::Fail("no such page".into()))?;
    let panicked = threads.submit(Misbehave::Panic("index out of range".into()))?;
    let fine = threads.submit(Echo(1))?;
    // ANCHOR_END: failing_tasks
    let mut rows = vec![
        (Case::ThreadFails, failed.result_timeout(BOUND)),
        (Case::ThreadPanics, panicked.result_timeout(BOUND)),
        (Case::ThreadSucceeds, fine.result_timeout(BOUND)),
    ];
    let after = threads.submit(Echo(2))?.result_timeout(BOUND);
    rows.push((Case::ThreadSubmittedAfter, after));

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
    rows.extend([
        (
            Case::ProcessFinishedBefore,
            done_before.result_timeout(BOUND),
        ),
        (Case::ProcessRunningWhenKilled, broken),
        (Case::ProcessQueuedBehind, queued.result_timeout(BOUND)),
    ]);
    let next_submit = match processes.submit(Echo(6)) {
        Ok(_) => NextSubmit::Accepted,
        Err(SubmitError::Broken(_)) => NextSubmit::RefusedBroken,
        Err(other) => NextSubmit::Refused(other.to_string()),
    };
    let rows = rows
        .into_iter()
        .map(|(task, result)| Outcome {
            task,
            result: result.map_err(|err| match err {
                TaskError::BrokenPool(why) => {
                    TaskError::BrokenPool(redact_pid(&why))
                }
                other => other,
            }),
        })
        .collect();
    results.failures = Some(Failures { rows, next_submit });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let failures = need(&results.failures, "failures")?;
    let mut report = SectionReport::new(
        "failures",
        "Three kinds of failure, and who sees each: only the future of the task \
         that failed.",
    );
    let mut table =
        Table::new("Each future's result", &["pool", "task", "result()"]);
    for row in &failures.rows {
        table.push(vec![
            Cell::text(row.task.pool()),
            Cell::text(row.task.name()),
            Cell::text(outcome(&row.result)),
        ]);
    }
    report.table(table);
    let result = |case| {
        failures
            .rows
            .iter()
            .find(|r| r.task == case)
            .map(|r| &r.result)
    };
    report.check(
        matches!(result(Case::ThreadFails), Some(Err(TaskError::Failed(why))) if why == "no such page")
            && matches!(result(Case::ThreadPanics), Some(Err(TaskError::Panicked(why))) if why == "index out of range")
            && result(Case::ThreadSucceeds) == Some(&Ok(1))
            && result(Case::ThreadSubmittedAfter) == Some(&Ok(2)),
        "the error and the panic each reached their own future; the thread pool kept working",
    );
    let broken = result(Case::ProcessRunningWhenKilled);
    report.check(
        result(Case::ProcessFinishedBefore) == Some(&Ok(3))
            && matches!(broken, Some(Err(TaskError::BrokenPool(why))) if why.contains("sleep"))
            && matches!(
                result(Case::ProcessQueuedBehind),
                Some(Err(TaskError::BrokenPool(_)))
            )
            && failures.next_submit == NextSubmit::RefusedBroken,
        "the killed worker broke the pool: its task and the queued one failed with \
         BrokenPool, the finished one kept its result, new tasks were refused",
    );
    if let Some(Err(TaskError::BrokenPool(why))) = broken {
        report.note(format!(
            "The broken task's error names the worker and what it ran: {why}"
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

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> Failures {
        let broken = || {
            Err(TaskError::BrokenPool(
                "worker [pid] ([program]) ended (signal: 9 (SIGKILL)) while running sleep"
                    .into(),
            ))
        };
        let rows = [
            (
                Case::ThreadFails,
                Err(TaskError::Failed("no such page".into())),
            ),
            (
                Case::ThreadPanics,
                Err(TaskError::Panicked("index out of range".into())),
            ),
            (Case::ThreadSucceeds, Ok(1)),
            (Case::ThreadSubmittedAfter, Ok(2)),
            (Case::ProcessFinishedBefore, Ok(3)),
            (Case::ProcessRunningWhenKilled, broken()),
            (Case::ProcessQueuedBehind, broken()),
        ];
        Failures {
            rows: rows
                .into_iter()
                .map(|(task, result)| Outcome { task, result })
                .collect(),
            next_submit: NextSubmit::RefusedBroken,
        }
    }

    fn report_of(failures: Failures) -> SectionReport {
        report(&Results {
            failures: Some(failures),
            ..Results::default()
        })
        .unwrap()
    }

    #[test]
    fn an_honest_run_passes_every_check() {
        let r = report_of(honest());
        assert!(r.broken().is_empty(), "{r:?}");
        let plain = r.render(shared::report::Render::Plain);
        assert!(plain.contains("while running sleep"), "{plain}");
    }

    #[test]
    fn a_pool_that_took_a_task_after_breaking_breaks_an_invariant() {
        let mut failures = honest();
        failures.next_submit = NextSubmit::Accepted;
        let r = report_of(failures);
        assert_eq!(r.broken().len(), 1);
        assert!(r.broken()[0].claim.contains("broke the pool"));
    }

    #[test]
    fn a_panic_seen_by_another_future_breaks_an_invariant() {
        let mut failures = honest();
        failures.rows[2].result =
            Err(TaskError::Panicked("index out of range".into()));
        let r = report_of(failures);
        assert_eq!(r.broken().len(), 1);
        assert!(r.broken()[0].claim.contains("their own future"));
    }

    #[test]
    fn the_pid_and_the_path_are_left_out() {
        assert_eq!(
            redact_pid("worker 1234 (/a/b) ended (signal: 9) while running sleep"),
            "worker [pid] ([program]) ended (signal: 9) while running sleep"
        );
    }
}
