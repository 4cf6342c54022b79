//! `rayon`: a panic inside a parallel iterator does not vanish on a worker
//! thread — rayon waits for the work already running, then re-raises the
//! panic in the caller. An `Err` from `try_for_each` stops the rest early.

use crate::{Context, Results, need};
use rayon::ThreadPool;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shared::panics::panic_message;
use shared::report::{Cell, SectionReport, Table, group_thousands};
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

/// What `rayon` saw: three parallel iterators over the same items, each
/// with a failing item, then the pool asked for one more sum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rayon {
    pub items: u64,
    /// `for_each` one item per job, item 13 panicking: what the caller got
    /// (the panic's message), and how many items ran.
    pub one_by_one: Result<(), String>,
    pub one_by_one_ran: u64,
    /// `for_each` in rayon's own chunks: whether the caller got the panic.
    pub chunked_panicked: bool,
    pub chunked_ran: u64,
    /// `try_for_each`, item 0 returning an error.
    pub first_error: Result<(), String>,
    pub tried: u64,
    /// The sum of 0..10 on the pool afterwards.
    pub still_works: u64,
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let n = context.sizes.rayon_items;
    let items = 0..n as usize;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("rayon-{i}"))
        .build()?;
    let (one_by_one, one_by_one_ran) = panic_one_item_per_task(&pool, items.clone());
    let (chunked_panicked, chunked_ran) = panic_in_chunks(&pool, items.clone());
    let (first_error, tried) = fail_the_first_item(&pool, items);
    let still_works: u64 = pool.install(|| (0..10u64).into_par_iter().sum());
    results.rayon = Some(Rayon {
        items: n,
        one_by_one,
        one_by_one_ran,
        chunked_panicked,
        chunked_ran,
        first_error,
        tried,
        still_works,
    });
    Ok(())
}

/// Item 13 panics, one item per task: what the caller catches, and how
/// many items ran anyway.
fn panic_one_item_per_task(
    pool: &ThreadPool,
    items: Range<usize>,
) -> (Result<(), String>, u64) {
    // ANCHOR: par_panic
    let ran = AtomicU64::new(0);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        pool.install(|| {
            items.into_par_iter().with_max_len(1).for_each(|i| {
                if i == 13 {
                    panic!("item {i} is corrupt");
                }
                ran.fetch_add(1, Ordering::Relaxed);
            })
        })
    }));
    // ANCHOR_END: par_panic
    let one_by_one_ran = ran.load(Ordering::Relaxed);
    (
        caught.map_err(|payload| panic_message(&*payload)),
        one_by_one_ran,
    )
}

/// The same panic with rayon's own splitting: whether it reached the
/// caller, and how many items ran.
fn panic_in_chunks(pool: &ThreadPool, items: Range<usize>) -> (bool, u64) {
    let ran = AtomicU64::new(0);
    let chunked_panicked = catch_unwind(AssertUnwindSafe(|| {
        pool.install(|| {
            items.into_par_iter().for_each(|i| {
                if i == 13 {
                    panic!("item {i} is corrupt");
                }
                ran.fetch_add(1, Ordering::Relaxed);
            })
        })
    }))
    .is_err();
    (chunked_panicked, ran.load(Ordering::Relaxed))
}

/// Item 0 returns an error through `try_for_each`: the error, and how
/// many items were tried before the rest were skipped.
fn fail_the_first_item(
    pool: &ThreadPool,
    items: Range<usize>,
) -> (Result<(), String>, u64) {
    // ANCHOR: try_for_each
    let ran = AtomicU64::new(0);
    let first_error = pool.install(|| {
        items.into_par_iter().try_for_each(|i| {
            ran.fetch_add(1, Ordering::Relaxed);
            if i == 0 {
                return Err(format!("item {i} rejected"));
            }
            Ok(())
        })
    });
    // ANCHOR_END: try_for_each
    (first_error, ran.load(Ordering::Relaxed))
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let rayon = need(&results.rayon, "rayon")?;
    let n = rayon.items;
    let mut report = SectionReport::new(
        "rayon",
        "A panic in one item of a parallel iterator reaches the caller after the \
         items already running have finished; the pool survives.",
    );
    let mut table = Table::new(
        format!("{} items, item 13 fails", group_thousands(n)),
        &["how", "the caller got", "items that ran"],
    );
    table.push(vec![
        Cell::text("for_each, one item per job"),
        Cell::text(format!("{:?}", rayon.one_by_one)),
        Cell::Count(rayon.one_by_one_ran),
    ]);
    table.push(vec![
        Cell::text("for_each, rayon's own chunks"),
        Cell::text(if rayon.chunked_panicked {
            "the panic"
        } else {
            "no panic"
        }),
        Cell::Tally(rayon.chunked_ran),
    ]);
    table.push(vec![
        Cell::text("try_for_each, item 0 fails"),
        Cell::text(format!("{:?}", rayon.first_error)),
        Cell::Tally(rayon.tried),
    ]);
    report.table(table);
    report.check(
        rayon.one_by_one == Err("item 13 is corrupt".into())
            && n > 13
            && rayon.one_by_one_ran == n - 1,
        "the panic reached the caller with its message, after every other item \
         had run",
    );
    report.check(
        rayon.chunked_panicked,
        "with rayon's own chunks the panic arrived too (items after 13 in its \
         chunk never started, so fewer ran)",
    );
    report.check(
        rayon.first_error == Err("item 0 rejected".into()) && rayon.tried < n,
        "try_for_each returned the error and stopped starting new items",
    );
    report.check(
        rayon.still_works == 45,
        "the pool still works after the panic: its threads caught it",
    );
    report.note(
        "How many items run after a failure depends on how rayon split the \
         work and on timing, so it varies; that the caller hears of the failure \
         does not.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> Rayon {
        Rayon {
            items: 1000,
            one_by_one: Err("item 13 is corrupt".into()),
            one_by_one_ran: 999,
            chunked_panicked: true,
            chunked_ran: 900,
            first_error: Err("item 0 rejected".into()),
            tried: 3,
            still_works: 45,
        }
    }

    fn report_of(rayon: Rayon) -> SectionReport {
        let results = Results {
            rayon: Some(rayon),
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
    fn a_lost_panic_or_a_skipped_item_is_broken() {
        let mut skipped = honest();
        skipped.one_by_one_ran = 998;
        let mut lost = honest();
        lost.chunked_panicked = false;
        let mut ran_on = honest();
        ran_on.tried = 1000;
        for broken in [skipped, lost, ran_on] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }
}
