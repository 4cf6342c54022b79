//! `executors`: with `concurrent.futures`, a task's error is kept in its
//! future and raised by `result()`. A future nobody asks loses its error
//! quietly — unless a done-callback looks at every future as it finishes.

use crate::BOUND;
use crate::Context;
use shared::executor::{Executor, TaskError, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Misbehave;
use std::sync::mpsc;

pub fn run(_context: &mut Context) -> anyhow::Result<SectionReport> {
    let mut report = SectionReport::new(
        "executors",
        "A pool keeps each task's error in its future: result() hands it back, \
         and a done-callback can watch every future so no failure goes unseen.",
    );

    // ANCHOR: result
    let pool = ThreadPoolExecutor::new(2)?;
    let future = pool.submit(Misbehave::Fail("disk full".into()))?;
    let result = future.result_timeout(BOUND); // Err(TaskError::Failed(…))
    let exception = future.exception_timeout(BOUND); // the same error alone
    // ANCHOR_END: result
    report.note(format!(
        "result() gave {result:?}; exception() gave {exception:?} — Python's \
         result() raises the task's exception, exception() returns it."
    ));
    report.check(
        result == Err(TaskError::Failed("disk full".into()))
            && exception == Some(TaskError::Failed("disk full".into())),
        "result() returned the task's own error, and exception() the same",
    );

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
    let mut logged: Vec<(u64, TaskError)> = seen.try_iter().collect();
    logged.sort_by_key(|(input, _)| *input);
    let mut table = Table::new(
        "What the done-callbacks saw of 10 unread futures",
        &["input", "error"],
    );
    for (input, err) in &logged {
        table.push(vec![Cell::Count(*input), Cell::text(err.to_string())]);
    }
    report.table(table);
    let inputs: Vec<u64> = logged.iter().map(|(i, _)| *i).collect();
    let kinds_right = logged.iter().all(|(input, err)| match input % 4 {
        1 => matches!(err, TaskError::Failed(_)),
        _ => matches!(err, TaskError::Panicked(_)),
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
