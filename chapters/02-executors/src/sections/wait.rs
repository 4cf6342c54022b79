//! `wait`: the three modes, and a timeout. Each task waits for a signal
//! before it finishes, and the signals go out one at a time, so each mode's
//! answer is certain on any machine, however busy. (With sleeps of different
//! lengths instead, a late thread could change the answer.)

use crate::{BOUND, Context, Results, need};
use crossbeam::channel::{Sender, bounded};
use serde::{Deserialize, Serialize};
use shared::executor::{ReturnWhen, ThreadPoolExecutor, Waited, wait};
use shared::report::{Cell, SectionReport, Table};
use std::time::Duration;

/// Where each call of `wait` returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Wait {
    pub calls: Vec<WaitCall>,
}

/// One call: its mode, and the futures (by index) done and not done when
/// it returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaitCall {
    pub mode: Mode,
    pub done: Vec<usize>,
    pub not_done: Vec<usize>,
}

/// The calls the demo makes, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    FirstCompleted,
    FirstException,
    AllCompleted,
    /// ALL_COMPLETED on one more task, with a timeout of one step.
    AllCompletedTimeout,
}

impl Mode {
    pub const ALL: [Mode; 4] = [
        Mode::FirstCompleted,
        Mode::FirstException,
        Mode::AllCompleted,
        Mode::AllCompletedTimeout,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::FirstCompleted => "FIRST_COMPLETED",
            Mode::FirstException => "FIRST_EXCEPTION",
            Mode::AllCompleted => "ALL_COMPLETED",
            Mode::AllCompletedTimeout => "ALL_COMPLETED, timeout 1 step",
        }
    }

    /// Where the call must return, done and not done, and the claim.
    fn expected(self) -> (&'static [usize], &'static [usize], &'static str) {
        match self {
            Mode::FirstCompleted => (
                &[0],
                &[1, 2, 3],
                "FIRST_COMPLETED returned with #0 alone done",
            ),
            Mode::FirstException => (
                &[0, 1],
                &[2, 3],
                "FIRST_EXCEPTION returned when #1 failed, before #2 and #3 finished",
            ),
            Mode::AllCompleted => {
                (&[0, 1, 2, 3], &[], "ALL_COMPLETED waited for all four")
            }
            Mode::AllCompletedTimeout => {
                (&[], &[0], "a timeout returned with nothing done")
            }
        }
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let step = Duration::from_millis(context.sizes.step_ms);
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
    let calls = Mode::ALL
        .into_iter()
        .zip([first, exception, all, timed_out])
        .map(|(mode, Waited { done, not_done })| WaitCall {
            mode,
            done,
            not_done,
        })
        .collect();
    results.wait = Some(Wait { calls });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let waited = need(&results.wait, "wait")?;
    let mut report = SectionReport::new(
        "wait",
        "Four tasks, each finishing only when told to: #0 succeeds first, then \
         #1 fails, then #2 and #3 succeed. Where each mode of wait returns:",
    );
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
    for call in &waited.calls {
        table.push(vec![
            Cell::text(call.mode.name()),
            Cell::text(list(&call.done)),
            Cell::text(list(&call.not_done)),
        ]);
    }
    report.table(table);
    for mode in Mode::ALL {
        let (done, not_done, claim) = mode.expected();
        let call = waited.calls.iter().find(|c| c.mode == mode);
        report.check(
            call.is_some_and(|c| c.done == done && c.not_done == not_done),
            claim,
        );
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> Wait {
        let calls = Mode::ALL
            .into_iter()
            .map(|mode| {
                let (done, not_done, _) = mode.expected();
                WaitCall {
                    mode,
                    done: done.to_vec(),
                    not_done: not_done.to_vec(),
                }
            })
            .collect();
        Wait { calls }
    }

    fn report_of(wait: Wait) -> SectionReport {
        report(&Results {
            wait: Some(wait),
            ..Results::default()
        })
        .unwrap()
    }

    #[test]
    fn an_honest_run_passes_every_check() {
        assert!(report_of(honest()).broken().is_empty());
    }

    #[test]
    fn first_exception_returning_late_breaks_its_invariant() {
        let mut wait = honest();
        wait.calls[1].done = vec![0, 1, 2];
        wait.calls[1].not_done = vec![3];
        let r = report_of(wait);
        let broken = r.broken();
        assert_eq!(broken.len(), 1, "{r:?}");
        assert!(broken[0].claim.starts_with("FIRST_EXCEPTION"));
    }

    #[test]
    fn a_missing_call_breaks_its_invariant() {
        let mut wait = honest();
        wait.calls.pop();
        assert_eq!(report_of(wait).broken().len(), 1);
    }
}
