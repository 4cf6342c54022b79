//! `rayon`: a panic inside a parallel iterator does not vanish on a worker
//! thread — rayon waits for the work already running, then re-raises the
//! panic in the caller. An `Err` from `try_for_each` stops the rest early.

use crate::Context;
use rayon::prelude::*;
use shared::exercise::panic_message;
use shared::report::{Cell, SectionReport, Table, group_thousands};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let n = context.sizes.rayon_items;
    let items = 0..n as usize;
    let mut report = SectionReport::new(
        "rayon",
        "A panic in one item of a parallel iterator reaches the caller after the \
         items already running have finished; the pool survives.",
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("rayon-{i}"))
        .build()?;

    // ANCHOR: par_panic
    let ran = AtomicU64::new(0);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        pool.install(|| {
            items.clone().into_par_iter().with_max_len(1).for_each(|i| {
                if i == 13 {
                    panic!("item {i} is corrupt");
                }
                ran.fetch_add(1, Ordering::Relaxed);
            })
        })
    }));
    // ANCHOR_END: par_panic
    let one_by_one = ran.load(Ordering::Relaxed);
    let message = caught.map_err(|payload| panic_message(&*payload));

    let ran = AtomicU64::new(0);
    let chunked = catch_unwind(AssertUnwindSafe(|| {
        pool.install(|| {
            items.clone().into_par_iter().for_each(|i| {
                if i == 13 {
                    panic!("item {i} is corrupt");
                }
                ran.fetch_add(1, Ordering::Relaxed);
            })
        })
    }))
    .is_err();
    let in_chunks = ran.load(Ordering::Relaxed);

    // ANCHOR: try_for_each
    let ran = AtomicU64::new(0);
    let first_error = pool.install(|| {
        items.clone().into_par_iter().try_for_each(|i| {
            ran.fetch_add(1, Ordering::Relaxed);
            if i == 0 {
                return Err(format!("item {i} rejected"));
            }
            Ok(())
        })
    });
    // ANCHOR_END: try_for_each
    let tried = ran.load(Ordering::Relaxed);
    let still_works: u64 = pool.install(|| (0..10u64).into_par_iter().sum());

    let mut table = Table::new(
        format!("{} items, item 13 fails", group_thousands(n)),
        &["how", "the caller got", "items that ran"],
    );
    table.push(vec![
        Cell::text("for_each, one item per job"),
        Cell::text(format!("{message:?}")),
        Cell::Count(one_by_one),
    ]);
    table.push(vec![
        Cell::text("for_each, rayon's own chunks"),
        Cell::text(if chunked { "the panic" } else { "no panic" }),
        Cell::Tally(in_chunks),
    ]);
    table.push(vec![
        Cell::text("try_for_each, item 0 fails"),
        Cell::text(format!("{first_error:?}")),
        Cell::Tally(tried),
    ]);
    report.table(table);
    report.check(
        message == Err("item 13 is corrupt".into()) && one_by_one == n - 1,
        "the panic reached the caller with its message, after every other item \
         had run",
    );
    report.check(
        chunked,
        "with rayon's own chunks the panic arrived too (items after 13 in its \
         chunk never started, so fewer ran)",
    );
    report.check(
        first_error == Err("item 0 rejected".into()) && tried < n,
        "try_for_each returned the error and stopped starting new items",
    );
    report.check(
        still_works == 45,
        "the pool still works after the panic: its threads caught it",
    );
    report.note(
        "How many items run after a failure depends on how rayon split the \
         work and on timing, so it varies; that the caller hears of the failure \
         does not.",
    );
    Ok(report)
}
