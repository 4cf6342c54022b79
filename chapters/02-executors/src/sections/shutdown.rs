//! `shutdown`: what happens to queued work. Without `cancel_futures` the
//! queue is finished first; with it, what has not started is cancelled.
//! Either way, a pool takes no new task after shutdown.

use super::future_methods::wait_until_running;
use crate::Context;
use shared::executor::{Executor, State, ThreadPoolExecutor};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Sleep;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let step = context.sizes.step_ms;
    let mut report = SectionReport::new(
        "shutdown",
        "One worker running a task and four more queued, then shutdown(wait=True) \
         with cancel_futures off and on.",
    );
    let mut table = Table::new(
        "Five tasks after shutdown",
        &["cancel_futures", "finished", "cancelled", "submit after"],
    );
    let mut outcomes = Vec::new();
    for cancel_futures in [false, true] {
        // ANCHOR: shutdown
        let pool = ThreadPoolExecutor::new(1)?;
        let futures: Vec<_> = (0..5)
            .map(|i| {
                pool.submit(Sleep {
                    ms: if i == 0 { 2 * step } else { 0 },
                    value: i,
                })
            })
            .collect::<Result<_, _>>()?;
        wait_until_running(&futures[0])?;
        pool.shutdown(true, cancel_futures);
        let refused = pool.submit(Sleep { ms: 0, value: 9 }).unwrap_err();
        // ANCHOR_END: shutdown
        let finished = futures
            .iter()
            .filter(|f| matches!(f.state(), State::Finished(Ok(_))))
            .count();
        let cancelled = futures.iter().filter(|f| f.cancelled()).count();
        table.push(vec![
            Cell::text(if cancel_futures { "True" } else { "False" }),
            Cell::Count(finished as u64),
            Cell::Count(cancelled as u64),
            Cell::text(refused.to_string()),
        ]);
        outcomes.push((finished, cancelled));
    }
    report.table(table);
    report.check(
        outcomes[0] == (5, 0),
        "without cancel_futures, all five ran",
    );
    report.check(
        outcomes[1] == (1, 4),
        "with cancel_futures, the running task finished and the four queued were cancelled",
    );
    report.note(
        "Dropping a pool is shutdown(wait=True): the Rust counterpart of leaving a \
         `with ThreadPoolExecutor() as pool:` block. The `map` section uses a \
         block for exactly that.",
    );
    Ok(report)
}
