//! `async`: a failing tokio task stops nothing else; its error or panic
//! waits in its JoinHandle until someone awaits it. Then the two policies
//! for a group: fail fast (and cancel the rest) or collect everything —
//! and async-std and smol, whose handles re-raise a task's panic instead.

use crate::{BOUND, Context};
use shared::exercise::panic_message;
use shared::report::{Cell, Record, SectionReport, Table};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::task::{JoinError, JoinSet};
use tokio::time::Instant;
use tokio::time::{sleep, timeout};

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let step = context.sizes.step();
    let mut report = SectionReport::new(
        "async",
        "A failing task does not stop the others, and nobody hears of its \
         failure until its handle is awaited; a group of tasks either fails \
         fast or collects every outcome — your choice, made explicit.",
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tokio-worker")
        .enable_time()
        .build()?;
    runtime.block_on(async {
        independent(&mut report).await?;
        panic_or_cancel(&mut report).await;
        collect_all(&mut report).await?;
        fail_fast(&mut report, step).await?;
        anyhow::Ok(())
    })?;
    drop(runtime);
    others(&mut report);
    Ok(report)
}

/// How a joined task reads in a table.
fn joined(outcome: &Result<anyhow::Result<u64>, JoinError>) -> String {
    match outcome {
        Ok(Ok(value)) => format!("Ok(Ok({value}))"),
        Ok(Err(err)) => format!("Ok(Err({err}))"),
        Err(err) if err.is_panic() => "Err(JoinError::Panic)".into(),
        Err(_) => "Err(JoinError::Cancelled)".into(),
    }
}

async fn independent(report: &mut SectionReport) -> anyhow::Result<()> {
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
    let mut table = Table::new(
        "Five tasks, all finished before any was awaited",
        &["task", "awaited"],
    );
    let mut outcomes = Vec::new();
    for (id, handle) in handles.into_iter().enumerate() {
        let outcome = handle.await;
        table.push(vec![Cell::Count(id as u64), Cell::text(joined(&outcome))]);
        outcomes.push(joined(&outcome));
    }
    report.table(table);
    report.check(
        outcomes
            == [
                "Ok(Ok(0))",
                "Ok(Err(task 1: bad input))",
                "Ok(Ok(20))",
                "Err(JoinError::Panic)",
                "Ok(Ok(40))",
            ],
        "the error and the panic stopped no other task; each waited in its own \
         handle until awaited",
    );
    Ok(())
}

async fn panic_or_cancel(report: &mut SectionReport) {
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
    report.note(format!(
        "JoinError tells the two apart: is_panic() for the task that panicked \
         (into_panic() gives back {message:?}), is_cancelled() for the task \
         that was aborted: {was_cancelled}."
    ));
    report.check(
        message == "index out of range" && was_cancelled,
        "a panic and a cancellation arrived as the two kinds of JoinError",
    );
}

async fn collect_all(report: &mut SectionReport) -> anyhow::Result<()> {
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
    let mut table = Table::new(
        "Collect everything: a JoinSet drained to the end",
        &["spawned", "ok", "failed", "panicked", "cancelled"],
    );
    table.push(
        [9, ok, failed, panicked, cancelled]
            .map(Cell::Count)
            .to_vec(),
    );
    report.table(table);
    report.check(
        (ok, failed, panicked, cancelled) == (5, 3, 1, 0),
        "draining the set accounted for all 9 tasks: 5 ok + 3 failed + 1 panicked",
    );
    Ok(())
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

pub async fn fail_fast(
    report: &mut SectionReport,
    step: Duration,
) -> anyhow::Result<()> {
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
    let shown: Vec<String> = outcomes
        .iter()
        .map(|o| match o {
            Ok(Ok(name)) => format!("{name}: ok"),
            Ok(Err(err)) => format!("{err}"),
            Err(err) if err.is_cancelled() => "cancelled".into(),
            Err(_) => "panicked".into(),
        })
        .collect();
    let mut table = Table::new(
        "Fail fast: a (1 step) succeeds, b (3 steps) fails, c would take 40",
        &["how", "result", "took", "finished"],
    );
    table.push(vec![
        Cell::text("try_join! of three futures"),
        Cell::text(match &first_error {
            Ok(_) => "Ok".to_string(),
            Err(err) => format!("Err({err})"),
        }),
        Cell::Seconds(elapsed.as_secs_f64()),
        Cell::Count(futures_done as u64),
    ]);
    table.push(vec![
        Cell::text("JoinSet + abort_all()"),
        Cell::text(shown.join(", ")),
        Cell::Missing("not timed".into()),
        Cell::Count(done.load(Ordering::SeqCst) as u64),
    ]);
    report.table(table);
    let record = Record::new("async", Some("fail fast"), "try_join!");
    report.record(record.with("wall_s", elapsed.as_secs_f64()));
    report.check(
        matches!(&first_error, Err(err) if err.to_string() == "b failed")
            && elapsed < step * 20
            && futures_done == 1,
        "try_join! returned b's error long before c could finish, and c never \
         finished: it was dropped at its .await",
    );
    report.check(
        shown == ["a: ok", "b failed", "cancelled"]
            && done.load(Ordering::SeqCst) == 1,
        "the JoinSet saw a's value and b's error, and abort_all() cancelled c",
    );
    report.note(
        "Python's asyncio.gather raises the first error but leaves the other \
         tasks running; a TaskGroup cancels them. Dropping a tokio JoinHandle \
         cancels nothing either: only abort() (or dropping the JoinSet) does.",
    );
    Ok(())
}

/// async-std and smol: awaiting a task that panicked panics the awaiter.
fn others(report: &mut SectionReport) {
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
    let mut table = Table::new(
        "Awaiting a task that panicked",
        &["runtime", "what the awaiting code gets"],
    );
    table.push(vec![
        Cell::text("tokio"),
        Cell::text("Err(JoinError), a value (above)"),
    ]);
    for (name, outcome) in [("async-std", &async_std), ("smol", &smol)] {
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
        async_std == Err("async-std task bug".into())
            && smol == Err("smol task bug".into()),
        "async-std and smol re-raised the task's panic in the code that awaited \
         it",
    );
    report.note(
        "async-std is deprecated in favour of smol; both hand a task's panic on \
         to whoever awaits it, so a panic in a task is a panic in its awaiter \
         — tokio turns it into a value instead.",
    );
}
