//! `shutdown`: what happens to queued work. Without `cancel_futures` the
//! queue is finished first; with it, what has not started is cancelled.
//! Either way, a pool takes no new task after shutdown.

use super::future_methods::wait_until_running;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, State, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Sleep;
use std::sync::mpsc;

/// The five tasks after each shutdown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shutdown {
    pub rows: Vec<AfterShutdown>,
}

/// One pool shut down, with `cancel_futures` off or on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AfterShutdown {
    pub cancel_futures: bool,
    pub finished: usize,
    pub cancelled: usize,
    /// Why the pool refused a task submitted after shutdown; `None` if it
    /// took it, which would be a bug.
    pub submit_after: Option<String>,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let _ = context;
    let mut rows = Vec::new();
    for cancel_futures in [false, true] {
        // ANCHOR: shutdown
        let pool = ThreadPoolExecutor::new(1)?;
        // The first task holds the one worker until told to finish, so the
        // other four are still queued when shutdown comes.
        let (finish, told_to_finish) = mpsc::channel::<()>();
        let first = pool.submit_fn(move || {
            told_to_finish.recv_timeout(BOUND)?;
            Ok(0)
        })?;
        let mut futures = vec![first];
        for i in 1..5 {
            futures.push(pool.submit(Sleep { ms: 0, value: i })?);
        }
        wait_until_running(&futures[0])?;
        pool.shutdown(false, cancel_futures); // close the queue, cancel or not
        finish.send(())?;
        pool.shutdown(true, false); // then wait, as shutdown(wait=True) does
        let refused = pool.submit(Sleep { ms: 0, value: 9 }).err();
        // ANCHOR_END: shutdown
        rows.push(AfterShutdown {
            cancel_futures,
            finished: futures
                .iter()
                .filter(|f| matches!(f.state(), State::Finished(Ok(_))))
                .count(),
            cancelled: futures.iter().filter(|f| f.cancelled()).count(),
            submit_after: refused.map(|why| why.to_string()),
        });
    }
    results.shutdown = Some(Shutdown { rows });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let shutdown = need(&results.shutdown, "shutdown")?;
    let mut report = SectionReport::new(
        "shutdown",
        "One worker running a task and four more queued, then shutdown(wait=True) \
         with cancel_futures off and on.",
    );
    let mut table = Table::new(
        "Five tasks after shutdown",
        &["cancel_futures", "finished", "cancelled", "submit after"],
    );
    for row in &shutdown.rows {
        table.push(vec![
            Cell::text(if row.cancel_futures { "True" } else { "False" }),
            Cell::Count(row.finished as u64),
            Cell::Count(row.cancelled as u64),
            Cell::text(row.submit_after.as_deref().unwrap_or("accepted")),
        ]);
    }
    report.table(table);
    let outcome = |cancel_futures: bool| {
        shutdown
            .rows
            .iter()
            .find(|r| r.cancel_futures == cancel_futures)
            .map(|r| (r.finished, r.cancelled))
    };
    report.check(
        shutdown.rows.iter().all(|r| r.submit_after.is_some()),
        "after shutdown, the pool refused a new task",
    );
    report.check(
        outcome(false) == Some((5, 0)),
        "without cancel_futures, all five ran",
    );
    report.check(
        outcome(true) == Some((1, 4)),
        "with cancel_futures, the running task finished and the four queued were cancelled",
    );
    report.note(
        "Dropping a pool is shutdown(wait=True): the Rust counterpart of leaving a \
         `with ThreadPoolExecutor() as pool:` block. The `map` section uses a \
         block for exactly that.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_of(off: (usize, usize), on: (usize, usize)) -> SectionReport {
        let row = |cancel_futures, (finished, cancelled)| AfterShutdown {
            cancel_futures,
            finished,
            cancelled,
            submit_after: Some("cannot submit after shutdown".into()),
        };
        report(&Results {
            shutdown: Some(Shutdown {
                rows: vec![row(false, off), row(true, on)],
            }),
            ..Results::default()
        })
        .unwrap()
    }

    #[test]
    fn each_shutdown_is_held_to_its_outcome() {
        assert!(report_of((5, 0), (1, 4)).broken().is_empty());
        // A queued task that ran despite cancel_futures, one dropped without.
        assert_eq!(report_of((4, 0), (2, 3)).broken().len(), 2);
    }
}
