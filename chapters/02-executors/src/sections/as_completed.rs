//! `as-completed`: the same futures in two orders — `map`'s input order and
//! `as_completed`'s finishing order.

use crate::{BOUND, Context};
use shared::executor::{Executor, ThreadPoolExecutor, as_completed};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Sleep;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let step = context.sizes.step_ms;
    let mut report = SectionReport::new(
        "as-completed",
        "Three tasks that take 3, 1 and 2 steps, on three workers: as_completed \
         yields them as they finish, map in the order they were given.",
    );
    let pool = ThreadPoolExecutor::new(3)?;
    let steps = [3, 1, 2];
    // ANCHOR: as_completed
    let futures: Vec<_> = steps
        .iter()
        .map(|&k| {
            pool.submit(Sleep {
                ms: k * step,
                value: k,
            })
        })
        .collect::<Result<_, _>>()?;
    let mut finishing_order = Vec::new();
    for future in as_completed(&futures, Some(BOUND)) {
        finishing_order.push(future?.result()?);
    }
    // ANCHOR_END: as_completed
    let tasks = steps.map(|k| Sleep {
        ms: k * step,
        value: k,
    });
    let input_order: Vec<u64> =
        pool.map(tasks, 1, Some(BOUND))?.collect::<Result<_, _>>()?;
    let mut table = Table::new(
        "Steps each task took, in the order received",
        &["order", "steps"],
    );
    let show =
        |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
    table.push(vec![
        Cell::text("as_completed"),
        Cell::text(show(&finishing_order)),
    ]);
    table.push(vec![Cell::text("map"), Cell::text(show(&input_order))]);
    report.table(table);
    report.check(
        finishing_order == [1, 2, 3],
        "as_completed yielded the fastest first",
    );
    report.check(input_order == steps, "map kept the input order");
    Ok(report)
}
