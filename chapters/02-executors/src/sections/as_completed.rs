//! `as-completed`: the same futures in two orders — `map`'s input order and
//! `as_completed`'s finishing order.

use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, ThreadPoolExecutor, as_completed};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::Sleep;

/// The steps each task took, in the order given and in the two orders
/// received.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AsCompleted {
    pub steps: Vec<u64>,
    pub finishing_order: Vec<u64>,
    pub input_order: Vec<u64>,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let step = context.sizes.step_ms;
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
    results.as_completed = Some(AsCompleted {
        steps: steps.to_vec(),
        finishing_order,
        input_order,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let orders = need(&results.as_completed, "as-completed")?;
    let mut report = SectionReport::new(
        "as-completed",
        "Three tasks that take 3, 1 and 2 steps, on three workers: as_completed \
         yields them as they finish, map in the order they were given.",
    );
    let mut table = Table::new(
        "Steps each task took, in the order received",
        &["order", "steps"],
    );
    let show =
        |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
    table.push(vec![
        Cell::text("as_completed"),
        Cell::text(show(&orders.finishing_order)),
    ]);
    table.push(vec![
        Cell::text("map"),
        Cell::text(show(&orders.input_order)),
    ]);
    report.table(table);
    let mut fastest_first = orders.steps.clone();
    fastest_first.sort_unstable();
    let mut yielded = orders.finishing_order.clone();
    yielded.sort_unstable();
    report.check(
        yielded == fastest_first,
        "as_completed yielded every future once",
    );
    // Which finishes first is the scheduler's call: a step apart, the
    // fastest does unless the machine stalls a worker for a whole step.
    report.measured(
        orders.finishing_order == fastest_first,
        "as_completed yielded the fastest first",
    );
    report.check(
        orders.input_order == orders.steps,
        "map kept the input order",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_of(finishing: &[u64], input: &[u64]) -> SectionReport {
        report(&Results {
            as_completed: Some(AsCompleted {
                steps: vec![3, 1, 2],
                finishing_order: finishing.to_vec(),
                input_order: input.to_vec(),
            }),
            ..Results::default()
        })
        .unwrap()
    }

    #[test]
    fn each_order_is_held_to_its_rule() {
        assert!(report_of(&[1, 2, 3], &[3, 1, 2]).broken().is_empty());
        // A future yielded twice, map in finishing order: both wrong.
        assert_eq!(report_of(&[1, 1, 2], &[1, 2, 3]).broken().len(), 2);
    }

    #[test]
    fn a_stalled_worker_misses_a_figure_but_breaks_nothing() {
        let stalled = report_of(&[3, 1, 2], &[3, 1, 2]);
        assert!(stalled.broken().is_empty());
        let missed = stalled
            .checks()
            .filter(|c| !c.holds && c.kind == shared::report::Kind::Measured)
            .count();
        assert_eq!(missed, 1);
    }
}
