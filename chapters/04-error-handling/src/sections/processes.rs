//! `processes`: a child's failure ends the child, and the parent learns of
//! it only through what the operating system keeps — the exit status (a
//! code, or the signal that killed it) — and what the child wrote to
//! stderr, if the parent reads it. Then the process pool of chapter 2,
//! whose worker dies mid-task: the future says so instead of hanging.

use crate::child::CHILD_FLAG;
use crate::{BOUND, Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::executor::{Executor, ProcessPoolExecutor, TaskError};
use shared::report::{Cell, SectionReport, Table};
use shared::tasks::{Echo, Misbehave};
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// What `processes` saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Processes {
    /// Every child, in the order started.
    pub children: Vec<ChildEnd>,
    pub pool: PoolRun,
}

/// The ways a child is asked to end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ending {
    Succeed,
    #[serde(rename = "exit-3")]
    Exit3,
    Warn,
    Panic,
    Abort,
    /// Hangs, and the parent kills it at once.
    Hang,
}

impl Ending {
    pub const ALL: [Ending; 6] = [
        Ending::Succeed,
        Ending::Exit3,
        Ending::Warn,
        Ending::Panic,
        Ending::Abort,
        Ending::Hang,
    ];

    /// The word that tells the child how to end.
    fn arg(self) -> &'static str {
        match self {
            Ending::Succeed => "succeed",
            Ending::Exit3 => "exit-3",
            Ending::Warn => "warn",
            Ending::Panic => "panic",
            Ending::Abort => "abort",
            Ending::Hang => "hang",
        }
    }

    /// Whether the parent kills it rather than wait for it to end.
    fn killed(self) -> bool {
        self == Ending::Hang
    }

    /// The signal this child ends by, if any: its own abort, or the
    /// parent's kill.
    fn expected_signal(self) -> Option<i32> {
        match self {
            Ending::Abort => Some(nix::sys::signal::Signal::SIGABRT as i32),
            Ending::Hang => Some(nix::sys::signal::Signal::SIGKILL as i32),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Ending::Succeed => "exits 0",
            Ending::Exit3 => "exits 3 with a message",
            Ending::Warn => "warns on stderr, exits 0",
            Ending::Panic => "panics",
            Ending::Abort => "aborts (a crash)",
            Ending::Hang => "hangs; the parent kills it",
        }
    }
}

/// How a child ended, as the parent saw it: its exit status taken apart,
/// and what it wrote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildEnd {
    pub ending: Ending,
    pub success: bool,
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The process pool's futures: three tasks that fail, panic and succeed,
/// one that aborts its worker, and a task submitted afterwards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoolRun {
    pub failed: Result<u64, TaskError>,
    pub panicked: Result<u64, TaskError>,
    pub fine: Result<u64, TaskError>,
    pub crashed: Result<u64, TaskError>,
    /// Why the pool refused the task submitted afterwards, if it did.
    pub refused: Option<Refused>,
}

/// Why the pool refused a task (serialised as `SubmitError` is).
pub use shared::executor::SubmitError as Refused;

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
fn signal_name(signal: Option<i32>) -> String {
    match signal {
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

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let mut children = Vec::new();
    for ending in Ending::ALL {
        let ended = run_child(&context.program, ending.arg(), ending.killed())?;
        killed_from_outside(ending, ended.status.signal())?;
        children.push(ChildEnd {
            ending,
            success: ended.status.success(),
            code: ended.status.code(),
            signal: ended.status.signal(),
            stdout: ended.stdout,
            stderr: ended.stderr,
        });
    }
    results.processes = Some(Processes {
        children,
        pool: pool(context)?,
    });
    Ok(())
}

/// A child ended by a signal the section did not cause was killed from
/// outside the run (`kill -9`, the OOM killer): an error that says so, not
/// a broken invariant, which would blame the code.
fn killed_from_outside(ending: Ending, signal: Option<i32>) -> anyhow::Result<()> {
    match signal {
        Some(_) if signal != ending.expected_signal() => anyhow::bail!(
            "the child that {} ended by signal {}, which this section does \
             not send: something outside the run killed it",
            ending.name(),
            signal_name(signal)
        ),
        _ => Ok(()),
    }
}

/// A worker that died before the crash on purpose: killed from outside the
/// run, as [`killed_from_outside`] says of a child.
fn worker_killed(results: &[&Result<u64, TaskError>]) -> anyhow::Result<()> {
    for result in results {
        if let Err(TaskError::BrokenPool(why)) = result {
            anyhow::bail!("a worker died before the crash on purpose: {why}");
        }
    }
    Ok(())
}

fn pool(context: &Context) -> anyhow::Result<PoolRun> {
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
    worker_killed(&before.each_ref())?;
    let [failed, panicked, fine] = before;
    Ok(PoolRun {
        failed,
        panicked,
        fine,
        crashed: broken,
        refused,
    })
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let processes = need(&results.processes, "processes")?;
    let mut report = SectionReport::new(
        "processes",
        "A child process that fails ends alone; its parent learns how only from \
         the exit status and from stderr — and a pool turns a dead worker into \
         an error on the future, not a hang.",
    );
    report.table(children_table(&processes.children));
    check_children(&mut report, &processes.children);
    report.note(
        "Python's subprocess reports the same facts its own way: returncode is \
         3 or 1, and -6 or -9 for a signal.",
    );
    pool_report(&processes.pool, &mut report);
    Ok(report)
}

/// One row per child: its exit status, as `ExitStatus` gives it, and its stderr.
fn children_table(children: &[ChildEnd]) -> Table {
    let mut table = Table::new(
        "Six children, as the parent sees them",
        &["child", "success()", "code()", "signal()", "stderr"],
    );
    for ended in children {
        table.push(vec![
            Cell::text(ended.ending.name()),
            Cell::text(ended.success.to_string()),
            Cell::text(format!("{:?}", ended.code)),
            Cell::text(signal_name(ended.signal)),
            Cell::text(stderr_summary(&ended.stderr)),
        ]);
    }
    table
}

/// What the parent can tell of each ending, from its status and stderr.
fn check_children(report: &mut SectionReport, children: &[ChildEnd]) {
    let of = |ending| children.iter().find(|e| e.ending == ending);
    let holds =
        |ending, test: &dyn Fn(&ChildEnd) -> bool| of(ending).is_some_and(test);
    report.check(
        holds(Ending::Succeed, &|ok| {
            ok.success && ok.stdout.trim() == "42"
        }),
        "the healthy child exited 0 and its answer arrived on stdout",
    );
    report.check(
        holds(Ending::Exit3, &|exit3| exit3.code == Some(3))
            && holds(Ending::Panic, &|panicked| {
                panicked.code == Some(101)
                    && panicked.stderr.contains("on a `None` value")
            }),
        "an error exit and a panic both left a code (3, and Rust's 101 for a \
         panic) and their reason on stderr",
    );
    report.check(
        holds(Ending::Abort, &|aborted| {
            aborted.signal == Some(6) && aborted.code.is_none()
        }) && holds(Ending::Hang, &|killed| {
            killed.signal == Some(9) && killed.code.is_none()
        }),
        "a crashed child and a killed one have no exit code at all, only the \
         signal that ended them (6 SIGABRT, 9 SIGKILL)",
    );
    report.check(
        holds(Ending::Warn, &|warn| {
            warn.success && warn.stderr.contains("stale")
        }),
        "exit status 0 says nothing of the warning: only a parent that reads \
         stderr sees it",
    );
}

fn pool_report(pool: &PoolRun, report: &mut SectionReport) {
    let mut table = Table::new(
        "The process pool of chapter 2, two workers",
        &["task", "result()"],
    );
    let rows = [
        ("returns an error", &pool.failed),
        ("panics", &pool.panicked),
        ("succeeds", &pool.fine),
        ("aborts its worker", &pool.crashed),
    ];
    for (task, result) in rows {
        table.push(vec![Cell::text(task), Cell::text(outcome(result))]);
    }
    table.push(vec![
        Cell::text("submitted afterwards"),
        Cell::text(match &pool.refused {
            Some(Refused::Broken(_)) => "refused: Broken".to_string(),
            other => format!("{other:?}"),
        }),
    ]);
    report.table(table);
    report.check(
        pool.failed == Err(TaskError::Failed("no such user".into()))
            && pool.panicked
                == Err(TaskError::Panicked("index out of range".into()))
            && pool.fine == Ok(7),
        "an error and a panic inside a worker crossed the process boundary as \
         values; the worker lived on",
    );
    report.check(
        matches!(&pool.crashed, Err(TaskError::BrokenPool(why)) if why.contains("SIGABRT"))
            && matches!(pool.refused, Some(Refused::Broken(_))),
        "the worker's crash reached the future as BrokenPool naming the signal, \
         and the pool refused new work — Python's BrokenProcessPool",
    );
    if let Err(TaskError::BrokenPool(why)) = &pool.crashed {
        let after_path = why.split_once(") ended").map_or(why.as_str(), |p| p.1);
        report.note(format!(
            "The error says which worker died, how, and what it ran: worker \
             [pid] ([program]) ended{after_path}"
        ));
    }
}

fn outcome(result: &Result<u64, TaskError>) -> String {
    match result {
        Ok(value) => format!("Ok({value})"),
        Err(TaskError::BrokenPool(_)) => "Err(BrokenPool)".into(),
        Err(err) => format!("Err({err:?})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(ending: Ending) -> ChildEnd {
        let (success, code, signal, stdout, stderr) = match ending {
            Ending::Succeed => (true, Some(0), None, "42\n", ""),
            Ending::Exit3 => {
                (false, Some(3), None, "", "config.toml: no such file\n")
            }
            Ending::Warn => {
                (true, Some(0), None, "42\n", "warning: the cache is stale\n")
            }
            Ending::Panic => (
                false,
                Some(101),
                None,
                "",
                "thread 'main' panicked at src/child.rs:1:1:\n\
                 called `Option::unwrap()` on a `None` value\n",
            ),
            Ending::Abort => (false, None, Some(6), "", ""),
            Ending::Hang => (false, None, Some(9), "", ""),
        };
        ChildEnd {
            ending,
            success,
            code,
            signal,
            stdout: stdout.into(),
            stderr: stderr.into(),
        }
    }

    fn honest() -> Processes {
        Processes {
            children: Ending::ALL.map(ended).to_vec(),
            pool: PoolRun {
                failed: Err(TaskError::Failed("no such user".into())),
                panicked: Err(TaskError::Panicked("index out of range".into())),
                fine: Ok(7),
                crashed: Err(TaskError::BrokenPool(
                    "worker 12 (/bin/x) ended (signal: 6 (SIGABRT)) while running misbehave"
                        .into(),
                )),
                refused: Some(Refused::Broken("worker 12 died".into())),
            },
        }
    }

    fn report_of(processes: Processes) -> SectionReport {
        let results = Results {
            processes: Some(processes),
            ..Results::default()
        };
        report(&results).unwrap()
    }

    #[test]
    fn a_correct_run_holds_every_check() {
        let report = report_of(honest());
        assert!(report.checks().all(|c| c.holds), "{report:?}");
        let text = report.render(shared::report::Render::Plain);
        assert!(
            text.contains("ended (signal: 6 (SIGABRT)) while running"),
            "{text}"
        );
        assert!(text.contains("9 (SIGKILL)"), "{text}");
    }

    #[test]
    fn a_child_or_worker_killed_from_outside_is_an_error_that_says_so() {
        for ending in Ending::ALL {
            let expected = ending.expected_signal();
            assert!(killed_from_outside(ending, expected).is_ok(), "{ending:?}");
        }
        let err = killed_from_outside(Ending::Exit3, Some(9)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the child that exits 3 with a message ended by signal 9 (SIGKILL), \
             which this section does not send: something outside the run killed it"
        );
        assert!(killed_from_outside(Ending::Abort, Some(15)).is_err());
        let pool = honest().pool;
        assert!(worker_killed(&[&pool.failed, &pool.panicked, &pool.fine]).is_ok());
        let died = Err(TaskError::BrokenPool("worker 7 ended (signal: 9)".into()));
        let err = worker_killed(&[&pool.failed, &died]).unwrap_err();
        assert!(err.to_string().ends_with("(signal: 9)"), "{err}");
    }

    #[test]
    fn a_wrong_status_or_a_pool_that_hides_the_crash_is_broken() {
        let mut exited = honest();
        exited.children[4].code = Some(134); // a shell's 128 + 6, not Rust's
        let mut missing = honest();
        missing.children.retain(|e| e.ending != Ending::Warn);
        let mut accepted = honest();
        accepted.pool.refused = None;
        let mut hung = honest();
        hung.pool.crashed = Err(TaskError::TimedOut);
        for broken in [exited, missing, accepted, hung] {
            assert_eq!(report_of(broken).broken().len(), 1);
        }
    }
}
