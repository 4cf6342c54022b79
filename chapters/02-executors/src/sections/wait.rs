//! `wait`: the three modes, and a timeout. The tasks finish a step apart, so
//! each mode's answer is certain.

use crate::{BOUND, Context};
use shared::executor::{ReturnWhen, ThreadPoolExecutor, Waited, wait};
use shared::report::{Cell, SectionReport, Table};
use std::time::Duration;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let step = Duration::from_millis(context.sizes.step_ms);
    let mut report = SectionReport::new(
        "wait",
        "Four tasks: #0 succeeds after 1 step, #1 fails after 2, #2 and #3 \
         succeed after 6. Where each mode of wait returns:",
    );
    let pool = ThreadPoolExecutor::new(4)?;
    // ANCHOR: wait
    let after = |steps: u32, fail: bool| {
        pool.submit_fn(move || {
            std::thread::sleep(step * steps);
            anyhow::ensure!(!fail, "failed after {steps} steps");
            Ok(steps)
        })
    };
    let futures = vec![
        after(1, false)?,
        after(2, true)?,
        after(6, false)?,
        after(6, false)?,
    ];
    let first = wait(&futures, ReturnWhen::FirstCompleted, Some(BOUND));
    let exception = wait(&futures, ReturnWhen::FirstException, Some(BOUND));
    let all = wait(&futures, ReturnWhen::AllCompleted, Some(BOUND));
    // ANCHOR_END: wait
    let slow = vec![after(6, false)?];
    let timed_out = wait(&slow, ReturnWhen::AllCompleted, Some(step));
    let mut table = Table::new(
        "wait(futures, return_when, timeout)",
        &["return_when", "done", "not done"],
    );
    let list = |v: &[usize]| {
        v.iter()
            .map(|i| format!("#{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (mode, w) in [
        ("FIRST_COMPLETED", &first),
        ("FIRST_EXCEPTION", &exception),
        ("ALL_COMPLETED", &all),
        ("ALL_COMPLETED, timeout 1 step", &timed_out),
    ] {
        table.push(vec![
            Cell::text(mode),
            Cell::text(list(&w.done)),
            Cell::text(list(&w.not_done)),
        ]);
    }
    report.table(table);
    let is = |w: &Waited, done: &[usize], not_done: &[usize]| {
        w.done == done && w.not_done == not_done
    };
    report.check(
        is(&first, &[0], &[1, 2, 3]),
        "FIRST_COMPLETED returned with #0 alone done",
    );
    report.check(
        is(&exception, &[0, 1], &[2, 3]),
        "FIRST_EXCEPTION returned when #1 failed, before the slow ones",
    );
    report.check(
        is(&all, &[0, 1, 2, 3], &[]),
        "ALL_COMPLETED waited for all four",
    );
    report.check(
        is(&timed_out, &[], &[0]),
        "a timeout returned with nothing done",
    );
    Ok(report)
}
