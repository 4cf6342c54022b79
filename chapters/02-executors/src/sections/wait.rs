//! `wait`: the three modes, and a timeout. Each task waits for a signal
//! before it finishes, and the signals go out one at a time, so each mode's
//! answer is certain on any machine, however busy. (With sleeps of different
//! lengths instead, a late thread could change the answer.)

use crate::{BOUND, Context};
use crossbeam::channel::{Sender, bounded};
use shared::executor::{ReturnWhen, ThreadPoolExecutor, Waited, wait};
use shared::report::{Cell, SectionReport, Table};
use std::time::Duration;

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let step = Duration::from_millis(context.sizes.step_ms);
    let mut report = SectionReport::new(
        "wait",
        "Four tasks, each finishing only when told to: #0 succeeds first, then \
         #1 fails, then #2 and #3 succeed. Where each mode of wait returns:",
    );
    let pool = ThreadPoolExecutor::new(4)?;
    // ANCHOR: wait
    // A task that finishes when `finish` is sent, failing if `fail`.
    let task = |fail: bool| -> anyhow::Result<_> {
        let (finish, told): (Sender<()>, _) = bounded(1);
        let future = pool.submit_fn(move || {
            told.recv_timeout(BOUND)?;
            anyhow::ensure!(!fail, "failed when told to finish");
            Ok(())
        })?;
        Ok((finish, future))
    };
    let (finish, futures): (Vec<_>, Vec<_>) = [false, true, false, false]
        .map(task)
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    finish[0].send(())?;
    let first = wait(&futures, ReturnWhen::FirstCompleted, Some(BOUND));
    finish[1].send(())?;
    let exception = wait(&futures, ReturnWhen::FirstException, Some(BOUND));
    finish[2].send(())?;
    finish[3].send(())?;
    let all = wait(&futures, ReturnWhen::AllCompleted, Some(BOUND));
    // ANCHOR_END: wait
    let (finish_slow, slow) = task(false)?;
    let timed_out = wait(&[slow], ReturnWhen::AllCompleted, Some(step));
    finish_slow.send(())?;
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
        "FIRST_EXCEPTION returned when #1 failed, before #2 and #3 finished",
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
