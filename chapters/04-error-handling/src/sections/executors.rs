//! `executors`: with `concurrent.futures`, a task's error is kept in its
//! future and raised by `result()`. A future nobody asks loses its error
//! quietly — unless a done-callback looks at every future as it finishes.

use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, TaskError, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Misbehave;
use std::sync::mpsc;

/// What `executors` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Executors {
    /// `result()` and `exception()` of a task that failed with "disk full".
    pub result: Result<u64, TaskError>,
    pub exception: Option<TaskError>,
    /// The failures the done-callbacks of 10 unread futures saw, by input
    /// (1, 5 and 9 fail; 3 and 7 panic).
    pub seen: Vec<Seen>,
}

/// One failure a done-callback saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    pub input: u64,
    pub error: TaskError,
}

pub fn measure(_context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    // ANCHOR: result
    let pool = ThreadPoolExecutor::new(2)?;
    let future = pool.submit(Misbehave::Fail("disk full".into()))?;
    let result = future.result_timeout(BOUND); // Err(TaskError::Failed(…))
    let exception = future.exception_timeout(BOUND); // the same error alone
    // ANCHOR_END: result

    // ANCHOR: callback
    let (failures, seen) = mpsc::channel();
    for input in 0..10u64 {
        let future = pool.submit_fn(move || match input % 4 {
            1 => anyhow::bail!("input {input} rejected"),
            3 => panic!("input {input} hit a bug"),
            _ => Ok(input),
        })?;
        let failures = failures.clone();
        future.add_done_callback(move |done| {
            if let Err(err) = done.result() {
                let _ = failures.send((input, err)); // log it, alert, retry…
            }
        });
    } // every future is dropped here, unread
    drop(pool); // waits for the tasks, and so for their callbacks
    drop(failures);
    // ANCHOR_END: callback
    let mut seen: Vec<Seen> = seen
        .try_iter()
        .map(|(input, error)| Seen { input, error })
        .collect();
    seen.sort_by_key(|s| s.input);
    results.executors = Some(Executors {
        result,
        exception,
        seen,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let executors = need(&results.executors, "executors")?;
    let mut report = SectionReport::new(
        "executors",
        "A pool keeps each task's error in its future: result() hands it back, \
         and a done-callback can watch every future so no failure goes unseen.",
    );
    let (result, exception) = (&executors.result, &executors.exception);
    report.note(format!(
        "result() gave {result:?}; exception() gave {exception:?} — Python's \
         result() raises the task's exception, exception() returns it."
    ));
    report.check(
        *result == Err(TaskError::Failed("disk full".into()))
            && *exception == Some(TaskError::Failed("disk full".into())),
        "result() returned the task's own error, and exception() the same",
    );

    let mut table = Table::new(
        "What the done-callbacks saw of 10 unread futures",
        &["input", "error"],
    );
    for seen in &executors.seen {
        table.push(vec![
            Cell::Count(seen.input),
            Cell::text(seen.error.to_string()),
        ]);
    }
    report.table(table);
    let inputs: Vec<u64> = executors.seen.iter().map(|s| s.input).collect();
    let kinds_right = executors.seen.iter().all(|s| match s.input % 4 {
        1 => matches!(s.error, TaskError::Failed(_)),
        _ => matches!(s.error, TaskError::Panicked(_)),
    });
    report.check(
        inputs == [1, 3, 5, 7, 9] && kinds_right,
        "the callbacks saw all 5 failures (3 errors, 2 panics) although no one \
         ever called result()",
    );
    report.note(
        "The callback runs on the worker thread that finished the task (or at \
         once, if the future is already done): keep it short, as in Python.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> Executors {
        let seen = |input: u64| Seen {
            input,
            error: if input % 4 == 1 {
                TaskError::Failed(format!("input {input} rejected"))
            } else {
                TaskError::Panicked(format!("input {input} hit a bug"))
            },
        };
        Executors {
            result: Err(TaskError::Failed("disk full".into())),
            exception: Some(TaskError::Failed("disk full".into())),
            seen: [1, 3, 5, 7, 9].map(seen).to_vec(),
        }
    }

    fn report_of(executors: Executors) -> SectionReport {
        let results = Results {
            executors: Some(executors),
            ..Results::default()
        };
        report(&results).unwrap()
    }

    #[test]
    fn a_correct_run_holds_every_check() {
        let report = report_of(honest());
        assert!(report.checks().all(|c| c.holds), "{report:?}");
    }

    #[test]
    fn a_failure_no_callback_saw_is_broken() {
        let mut lost = honest();
        lost.seen.remove(2);
        let mut wrong_kind = honest();
        wrong_kind.seen[1].error = TaskError::Failed("input 3 hit a bug".into());
        let mut swallowed = honest();
        swallowed.result = Ok(0);
        for broken in [lost, wrong_kind, swallowed] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }
}
