//! `async`: a failing tokio task stops nothing else; its error or panic
//! waits in its JoinHandle until someone awaits it. Then the two policies
//! for a group: fail fast (and cancel the rest) or collect everything —
//! and async-std and smol, whose handles re-raise a task's panic instead.

use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::panics::panic_message;
use shared::report::{Cell, SectionReport, Table};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::task::{JoinError, JoinSet};
use tokio::time::Instant;
use tokio::time::{sleep, timeout};

/// What `async` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AsyncTasks {
    /// Five tasks (1 fails, 3 panics), awaited in spawn order after all
    /// had finished.
    pub independent: Vec<Awaited>,
    /// A task that panicked and one that was aborted, awaited.
    pub kinds: JoinErrorKinds,
    pub collected: Collected,
    pub fail_fast: FailFast,
    /// What the code awaiting a panicked task got under async-std and smol:
    /// `Err` is the panic's message, re-raised.
    pub async_std: Result<(), String>,
    pub smol: Result<(), String>,
}

/// What awaiting a tokio task returning `anyhow::Result<u64>` gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Awaited {
    /// `Ok(Ok(value))`
    Value(u64),
    /// `Ok(Err(error))`: the task's own error.
    Error(String),
    /// `Err(JoinError)` with `is_panic()`.
    Panic,
    /// `Err(JoinError)` with `is_cancelled()`.
    Cancelled,
}

impl Awaited {
    fn of(outcome: &Result<anyhow::Result<u64>, JoinError>) -> Awaited {
        match outcome {
            Ok(Ok(value)) => Awaited::Value(*value),
            Ok(Err(err)) => Awaited::Error(err.to_string()),
            Err(err) if err.is_panic() => Awaited::Panic,
            Err(_) => Awaited::Cancelled,
        }
    }

    /// How a joined task reads in a table.
    pub fn shown(&self) -> String {
        match self {
            Awaited::Value(value) => format!("Ok(Ok({value}))"),
            Awaited::Error(err) => format!("Ok(Err({err}))"),
            Awaited::Panic => "Err(JoinError::Panic)".into(),
            Awaited::Cancelled => "Err(JoinError::Cancelled)".into(),
        }
    }
}

/// The two kinds of `JoinError`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinErrorKinds {
    /// What `into_panic()` gave back, as a message.
    pub panic_message: String,
    /// Whether the aborted task's error said `is_cancelled()`.
    pub was_cancelled: bool,
}

/// A `JoinSet` of 9 tasks drained to the end, each outcome counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collected {
    pub spawned: u64,
    pub ok: u64,
    pub failed: u64,
    pub panicked: u64,
    pub cancelled: u64,
}

/// Fail fast, two ways: a (1 step) succeeds, b (3 steps) fails, c would
/// take 40.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailFast {
    /// The unit of time, in seconds.
    pub step_s: f64,
    /// What `try_join!` returned (`Err` is the first error's message), how
    /// long it took, and how many of the futures finished.
    pub try_join: Result<(), String>,
    pub try_join_s: f64,
    pub try_join_finished: u64,
    /// What the `JoinSet` gave, in the order it gave it, and how many of its
    /// tasks finished.
    pub join_set: Vec<SetOutcome>,
    pub join_set_finished: u64,
}

/// One outcome of the fail-fast `JoinSet`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SetOutcome {
    /// The task's name.
    Ok(String),
    /// The task's error.
    Failed(String),
    Cancelled,
    Panicked,
}

impl SetOutcome {
    fn shown(&self) -> String {
        match self {
            SetOutcome::Ok(name) => format!("{name}: ok"),
            SetOutcome::Failed(err) => err.clone(),
            SetOutcome::Cancelled => "cancelled".into(),
            SetOutcome::Panicked => "panicked".into(),
        }
    }
}

impl FailFast {
    /// `try_join!` returned b's error long before c could finish, and c
    /// never finished.
    pub fn try_join_held(&self) -> bool {
        self.try_join == Err("b failed".into())
            && self.try_join_s < self.step_s * 20.0
            && self.try_join_finished == 1
    }

    /// The `JoinSet` gave a's value, b's error, and c cancelled.
    pub fn join_set_held(&self) -> bool {
        let expected = [
            SetOutcome::Ok("a".into()),
            SetOutcome::Failed("b failed".into()),
            SetOutcome::Cancelled,
        ];
        self.join_set == expected && self.join_set_finished == 1
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let step = context.sizes.step();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tokio-worker")
        .enable_time()
        .build()?;
    let (independent, kinds, collected, fail_fast) = runtime.block_on(async {
        let independent = independent().await?;
        let kinds = panic_or_cancel().await;
        let collected = collect_all().await;
        let fail_fast = fail_fast(step).await?;
        anyhow::Ok((independent, kinds, collected, fail_fast))
    })?;
    drop(runtime);
    let (async_std, smol) = others();
    results.async_tasks = Some(AsyncTasks {
        independent,
        kinds,
        collected,
        fail_fast,
        async_std,
        smol,
    });
    Ok(())
}

async fn independent() -> anyhow::Result<Vec<Awaited>> {
    // ANCHOR: spawn
    let mut handles = Vec::new();
    for id in 0..5u64 {
        handles.push(tokio::spawn(async move {
            match id {
                1 => anyhow::bail!("task {id}: bad input"),
                3 => panic!("task {id}: a bug"),
                _ => Ok(id * 10),
            }
        }));
    }
    // ANCHOR_END: spawn
    // Every task ends before anyone looks: nothing is raised anywhere.
    timeout(BOUND, async {
        while !handles.iter().all(|h| h.is_finished()) {
            sleep(Duration::from_millis(1)).await;
        }
    })
    .await?;
    let mut outcomes = Vec::new();
    for handle in handles {
        outcomes.push(Awaited::of(&handle.await));
    }
    Ok(outcomes)
}

async fn panic_or_cancel() -> JoinErrorKinds {
    // ANCHOR: join_error
    let buggy = tokio::spawn(async { panic!("index out of range") });
    let sleeper = tokio::spawn(sleep(Duration::from_secs(3600)));
    sleeper.abort();
    let (panicked, cancelled) = (buggy.await, sleeper.await);
    let message = match panicked {
        Err(err) if err.is_panic() => panic_message(&*err.into_panic()),
        other => format!("unexpected: {other:?}"),
    };
    let was_cancelled = matches!(&cancelled, Err(err) if err.is_cancelled());
    // ANCHOR_END: join_error
    JoinErrorKinds {
        panic_message: message,
        was_cancelled,
    }
}

async fn collect_all() -> Collected {
    // ANCHOR: join_set
    let mut set = JoinSet::new();
    for id in 0..9u64 {
        set.spawn(async move {
            if id == 4 {
                panic!("input {id}: a bug");
            }
            if id % 3 == 2 {
                anyhow::bail!("input {id} rejected");
            }
            Ok(id)
        });
    }
    let (mut ok, mut failed, mut panicked, mut cancelled) = (0, 0, 0, 0);
    while let Some(outcome) = set.join_next().await {
        match outcome {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(_)) => failed += 1,
            Err(err) if err.is_panic() => panicked += 1,
            Err(_) => cancelled += 1,
        }
    }
    // ANCHOR_END: join_set
    Collected {
        spawned: 9,
        ok,
        failed,
        panicked,
        cancelled,
    }
}

/// A step of work: waits `steps` units, then succeeds or fails.
async fn work(
    name: &'static str,
    steps: u32,
    fail: bool,
    step: Duration,
    done: Arc<AtomicUsize>,
) -> anyhow::Result<&'static str> {
    sleep(step * steps).await;
    if fail {
        anyhow::bail!("{name} failed");
    }
    done.fetch_add(1, Ordering::SeqCst);
    Ok(name)
}

pub async fn fail_fast(step: Duration) -> anyhow::Result<FailFast> {
    let done = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    // ANCHOR: try_join
    let first_error = tokio::try_join!(
        work("a", 1, false, step, done.clone()),
        work("b", 3, true, step, done.clone()),
        work("c", 40, false, step, done.clone()), // dropped when b fails
    );
    // ANCHOR_END: try_join
    let elapsed = started.elapsed();
    let futures_done = done.load(Ordering::SeqCst);

    let done = Arc::new(AtomicUsize::new(0));
    // ANCHOR: abort_rest
    let mut set = JoinSet::new();
    set.spawn(work("a", 1, false, step, done.clone()));
    set.spawn(work("b", 3, true, step, done.clone()));
    set.spawn(work("c", 40, false, step, done.clone()));
    let mut outcomes = Vec::new();
    while let Some(outcome) = timeout(BOUND, set.join_next()).await? {
        if matches!(outcome, Ok(Err(_))) {
            set.abort_all(); // fail fast: cancel what is still running
        }
        outcomes.push(outcome);
    }
    // ANCHOR_END: abort_rest
    let join_set = outcomes
        .iter()
        .map(|o| match o {
            Ok(Ok(name)) => SetOutcome::Ok(name.to_string()),
            Ok(Err(err)) => SetOutcome::Failed(err.to_string()),
            Err(err) if err.is_cancelled() => SetOutcome::Cancelled,
            Err(_) => SetOutcome::Panicked,
        })
        .collect();
    Ok(FailFast {
        step_s: step.as_secs_f64(),
        try_join: first_error.map(|_| ()).map_err(|err| err.to_string()),
        try_join_s: elapsed.as_secs_f64(),
        try_join_finished: futures_done as u64,
        join_set,
        join_set_finished: done.load(Ordering::SeqCst) as u64,
    })
}

/// async-std and smol: awaiting a task that panicked panics the awaiter.
fn others() -> (Result<(), String>, Result<(), String>) {
    // ANCHOR: others
    let async_std = catch_unwind(AssertUnwindSafe(|| {
        let task = async_std::task::spawn(async { panic!("async-std task bug") });
        async_std::task::block_on(task)
    }));
    let smol = catch_unwind(AssertUnwindSafe(|| {
        smol::block_on(smol::spawn(async { panic!("smol task bug") }))
    }));
    // ANCHOR_END: others
    let [async_std, smol]: [Result<(), String>; 2] =
        [async_std, smol].map(|r| r.map_err(|payload| panic_message(&*payload)));
    (async_std, smol)
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let tasks = need(&results.async_tasks, "async")?;
    let mut report = SectionReport::new(
        "async",
        "A failing task does not stop the others, and nobody hears of its \
         failure until its handle is awaited; a group of tasks either fails \
         fast or collects every outcome — your choice, made explicit.",
    );

    report_independent(&mut report, tasks);
    report_collected(&mut report, &tasks.collected);
    report_fail_fast(&mut report, &tasks.fail_fast);
    report_other_runtimes(&mut report, tasks);
    Ok(report)
}

/// Each task's outcome waits in its handle; JoinError's two kinds.
fn report_independent(report: &mut SectionReport, tasks: &AsyncTasks) {
    let mut table = Table::new(
        "Five tasks, all finished before any was awaited",
        &["task", "awaited"],
    );
    for (id, outcome) in tasks.independent.iter().enumerate() {
        table.push(vec![Cell::Count(id as u64), Cell::text(outcome.shown())]);
    }
    report.table(table);
    report.check(
        tasks.independent
            == [
                Awaited::Value(0),
                Awaited::Error("task 1: bad input".into()),
                Awaited::Value(20),
                Awaited::Panic,
                Awaited::Value(40),
            ],
        "the error and the panic stopped no other task; each waited in its own \
         handle until awaited",
    );

    let JoinErrorKinds {
        panic_message: message,
        was_cancelled,
    } = &tasks.kinds;
    report.note(format!(
        "JoinError tells the two apart: is_panic() for the task that panicked \
         (into_panic() gives back {message:?}), is_cancelled() for the task \
         that was aborted: {was_cancelled}."
    ));
    report.check(
        message == "index out of range" && *was_cancelled,
        "a panic and a cancellation arrived as the two kinds of JoinError",
    );
}

/// A JoinSet drained to the end accounts for every task.
fn report_collected(report: &mut SectionReport, c: &Collected) {
    let mut table = Table::new(
        "Collect everything: a JoinSet drained to the end",
        &["spawned", "ok", "failed", "panicked", "cancelled"],
    );
    table.push(
        [c.spawned, c.ok, c.failed, c.panicked, c.cancelled]
            .map(Cell::Count)
            .to_vec(),
    );
    report.table(table);
    report.check(
        c.spawned == 9 && (c.ok, c.failed, c.panicked, c.cancelled) == (5, 3, 1, 0),
        "draining the set accounted for all 9 tasks: 5 ok + 3 failed + 1 panicked",
    );
}

/// try_join! and a JoinSet with abort_all() stop at the first error.
fn report_fail_fast(report: &mut SectionReport, ff: &FailFast) {
    let mut table = Table::new(
        "Fail fast: a (1 step) succeeds, b (3 steps) fails, c would take 40",
        &["how", "result", "took", "finished"],
    );
    table.push(vec![
        Cell::text("try_join! of three futures"),
        Cell::text(match &ff.try_join {
            Ok(()) => "Ok".to_string(),
            Err(err) => format!("Err({err})"),
        }),
        Cell::Seconds(ff.try_join_s),
        Cell::Count(ff.try_join_finished),
    ]);
    let shown: Vec<String> = ff.join_set.iter().map(SetOutcome::shown).collect();
    table.push(vec![
        Cell::text("JoinSet + abort_all()"),
        Cell::text(shown.join(", ")),
        Cell::Missing("not timed".into()),
        Cell::Count(ff.join_set_finished),
    ]);
    report.table(table);
    report.check(
        ff.try_join_held(),
        "try_join! returned b's error long before c could finish, and c never \
         finished: it was dropped at its .await",
    );
    report.check(
        ff.join_set_held(),
        "the JoinSet saw a's value and b's error, and abort_all() cancelled c",
    );
    report.note(
        "Python's asyncio.gather raises the first error but leaves the other \
         tasks running; a TaskGroup cancels them. Dropping a tokio JoinHandle \
         cancels nothing either: only abort() (or dropping the JoinSet) does.",
    );
}

/// async-std and smol hand a task's panic on to its awaiter.
fn report_other_runtimes(report: &mut SectionReport, tasks: &AsyncTasks) {
    let mut table = Table::new(
        "Awaiting a task that panicked",
        &["runtime", "what the awaiting code gets"],
    );
    table.push(vec![
        Cell::text("tokio"),
        Cell::text("Err(JoinError), a value (above)"),
    ]);
    for (name, outcome) in [("async-std", &tasks.async_std), ("smol", &tasks.smol)] {
        table.push(vec![
            Cell::text(name),
            Cell::text(match outcome {
                Ok(()) => "Ok".to_string(),
                Err(message) => format!("the panic again: {message:?}"),
            }),
        ]);
    }
    report.table(table);
    report.check(
        tasks.async_std == Err("async-std task bug".into())
            && tasks.smol == Err("smol task bug".into()),
        "async-std and smol re-raised the task's panic in the code that awaited \
         it",
    );
    report.note(
        "async-std is deprecated in favour of smol; both hand a task's panic on \
         to whoever awaits it, so a panic in a task is a panic in its awaiter \
         — tokio turns it into a value instead.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honest() -> AsyncTasks {
        AsyncTasks {
            independent: vec![
                Awaited::Value(0),
                Awaited::Error("task 1: bad input".into()),
                Awaited::Value(20),
                Awaited::Panic,
                Awaited::Value(40),
            ],
            kinds: JoinErrorKinds {
                panic_message: "index out of range".into(),
                was_cancelled: true,
            },
            collected: Collected {
                spawned: 9,
                ok: 5,
                failed: 3,
                panicked: 1,
                cancelled: 0,
            },
            fail_fast: FailFast {
                step_s: 0.04,
                try_join: Err("b failed".into()),
                try_join_s: 0.121,
                try_join_finished: 1,
                join_set: vec![
                    SetOutcome::Ok("a".into()),
                    SetOutcome::Failed("b failed".into()),
                    SetOutcome::Cancelled,
                ],
                join_set_finished: 1,
            },
            async_std: Err("async-std task bug".into()),
            smol: Err("smol task bug".into()),
        }
    }

    fn report_of(tasks: AsyncTasks) -> SectionReport {
        let results = Results {
            async_tasks: Some(tasks),
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
    fn a_failure_that_stopped_others_or_ran_late_is_broken() {
        let mut stopped = honest();
        stopped.independent[4] = Awaited::Cancelled;
        let mut waited_for_c = honest();
        waited_for_c.fail_fast.try_join_s = 40.0 * waited_for_c.fail_fast.step_s;
        let mut c_finished = honest();
        c_finished.fail_fast.join_set[2] = SetOutcome::Ok("c".into());
        c_finished.fail_fast.join_set_finished = 2;
        let mut lost = honest();
        lost.collected.failed = 2;
        let mut swallowed = honest();
        swallowed.smol = Ok(());
        for broken in [stopped, waited_for_c, c_finished, lost, swallowed] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }
}
