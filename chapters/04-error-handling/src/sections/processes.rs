//! `processes`: a child's failure ends the child, and the parent learns of
//! it only through what the operating system keeps — the exit status (a
//! code, or the signal that killed it) — and what the child wrote to
//! stderr, if the parent reads it. Then the process pool of chapter 2,
//! whose worker dies mid-task: the future says so instead of hanging.

use crate::child::CHILD_FLAG;
use crate::{BOUND, Context};
use shared::executor::{Executor, ProcessPoolExecutor, SubmitError, TaskError};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Echo, Misbehave};
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How a child ended, as the parent sees it.
struct Ended {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

// ANCHOR: run_child
/// Starts this binary as a child that ends as `how` says, and waits for it
/// — at most `BOUND`, then it is killed. With `kill`, the parent kills it
/// at once, as `kill -9` would.
fn run_child(program: &Path, how: &str, kill: bool) -> anyhow::Result<Ended> {
    let mut child = Command::new(program)
        .args([CHILD_FLAG, how])
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if kill {
        child.kill()?; // SIGKILL
    }
    let status = wait_bounded(&mut child, BOUND)?;
    let mut ended = Ended {
        status,
        stdout: String::new(),
        stderr: String::new(),
    };
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut ended.stdout)?;
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut ended.stderr)?;
    }
    Ok(ended)
}
// ANCHOR_END: run_child

/// `wait` with a bound: a child that outstays it is killed and reported.
fn wait_bounded(child: &mut Child, bound: Duration) -> anyhow::Result<ExitStatus> {
    let deadline = Instant::now() + bound;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!("a child did not end within {bound:?}; it was killed");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// "6 (SIGABRT)", or "—" for a child that exited by itself.
fn signal_name(status: ExitStatus) -> String {
    match status.signal() {
        None => "—".into(),
        Some(number) => match nix::sys::signal::Signal::try_from(number) {
            Ok(signal) => format!("{number} ({signal})"),
            Err(_) => number.to_string(),
        },
    }
}

/// What the child said on stderr, without the panic's source location
/// (which moves whenever the file is edited).
fn stderr_summary(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.is_empty())
        .filter(|l| !l.starts_with("thread '") && !l.starts_with("note:"))
        .collect();
    if lines.is_empty() {
        "(nothing)".into()
    } else {
        lines.join(" / ")
    }
}

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let mut report = SectionReport::new(
        "processes",
        "A child process that fails ends alone; its parent learns how only from \
         the exit status and from stderr — and a pool turns a dead worker into \
         an error on the future, not a hang.",
    );
    let children = [
        ("succeed", false, "exits 0"),
        ("exit-3", false, "exits 3 with a message"),
        ("warn", false, "warns on stderr, exits 0"),
        ("panic", false, "panics"),
        ("abort", false, "aborts (a crash)"),
        ("hang", true, "hangs; the parent kills it"),
    ];
    let mut table = Table::new(
        "Six children, as the parent sees them",
        &["child", "success()", "code()", "signal()", "stderr"],
    );
    let mut seen = Vec::new();
    for (how, kill, what) in children {
        let ended = run_child(&context.program, how, kill)?;
        table.push(vec![
            Cell::text(what),
            Cell::text(ended.status.success().to_string()),
            Cell::text(format!("{:?}", ended.status.code())),
            Cell::text(signal_name(ended.status)),
            Cell::text(stderr_summary(&ended.stderr)),
        ]);
        seen.push(ended);
    }
    report.table(table);
    let [ok, exit3, warn, panicked, aborted, killed] = &seen[..] else {
        anyhow::bail!("one result per child");
    };
    report.check(
        ok.status.success() && ok.stdout.trim() == "42",
        "the healthy child exited 0 and its answer arrived on stdout",
    );
    report.check(
        exit3.status.code() == Some(3)
            && panicked.status.code() == Some(101)
            && panicked.stderr.contains("on a `None` value"),
        "an error exit and a panic both left a code (3, and Rust's 101 for a \
         panic) and their reason on stderr",
    );
    report.check(
        aborted.status.signal() == Some(6)
            && killed.status.signal() == Some(9)
            && aborted.status.code().is_none()
            && killed.status.code().is_none(),
        "a crashed child and a killed one have no exit code at all, only the \
         signal that ended them (6 SIGABRT, 9 SIGKILL)",
    );
    report.check(
        warn.status.success() && warn.stderr.contains("stale"),
        "exit status 0 says nothing of the warning: only a parent that reads \
         stderr sees it",
    );
    report.note(
        "Python's subprocess reports the same facts its own way: returncode is \
         3 or 1, and -6 or -9 for a signal.",
    );
    pool(context, &mut report)?;
    Ok(report)
}

fn pool(context: &Context, report: &mut SectionReport) -> anyhow::Result<()> {
    // ANCHOR: pool
    let pool = ProcessPoolExecutor::new(2, &context.program)?;
    let failed = pool.submit(Misbehave::Fail("no such user".into()))?;
    let panicked = pool.submit(Misbehave::Panic("index out of range".into()))?;
    let fine = pool.submit(Echo(7))?;
    let before = [&failed, &panicked, &fine].map(|f| f.result_timeout(BOUND));
    let crashed = pool.submit(Misbehave::Abort)?; // the worker process dies
    let broken = crashed.result_timeout(BOUND); // Err(BrokenPool), no hang
    let refused = pool.submit(Echo(8)).err(); // and the pool takes no more
    // ANCHOR_END: pool
    let mut table = Table::new(
        "The process pool of chapter 2, two workers",
        &["task", "result()"],
    );
    let rows = [
        ("returns an error", &before[0]),
        ("panics", &before[1]),
        ("succeeds", &before[2]),
        ("aborts its worker", &broken),
    ];
    for (task, result) in rows {
        table.push(vec![Cell::text(task), Cell::text(outcome(result))]);
    }
    table.push(vec![
        Cell::text("submitted afterwards"),
        Cell::text(match &refused {
            Some(SubmitError::Broken(_)) => "refused: Broken".to_string(),
            other => format!("{other:?}"),
        }),
    ]);
    report.table(table);
    report.check(
        before[0] == Err(TaskError::Failed("no such user".into()))
            && before[1] == Err(TaskError::Panicked("index out of range".into()))
            && before[2] == Ok(7),
        "an error and a panic inside a worker crossed the process boundary as \
         values; the worker lived on",
    );
    report.check(
        matches!(&broken, Err(TaskError::BrokenPool(why)) if why.contains("SIGABRT"))
            && matches!(refused, Some(SubmitError::Broken(_))),
        "the worker's crash reached the future as BrokenPool naming the signal, \
         and the pool refused new work — Python's BrokenProcessPool",
    );
    if let Err(TaskError::BrokenPool(why)) = &broken {
        let after_path = why.split_once(") ended").map_or(why.as_str(), |p| p.1);
        report.note(format!(
            "The error says which worker died, how, and what it ran: worker \
             [pid] ([program]) ended{after_path}"
        ));
    }
    Ok(())
}

fn outcome(result: &Result<u64, TaskError>) -> String {
    match result {
        Ok(value) => format!("Ok({value})"),
        Err(TaskError::BrokenPool(_)) => "Err(BrokenPool)".into(),
        Err(err) => format!("Err({err:?})"),
    }
}
