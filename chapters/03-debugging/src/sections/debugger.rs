//! `debugger`: a process that hangs does not say why. Two views from
//! outside answer it without stopping or changing the program: the kernel's
//! (`/proc/PID/task/*`: every thread, its state, where in the kernel it
//! sleeps) and a debugger's (`gdb -p PID -batch -ex "thread apply all bt"`:
//! every thread's stack, with our function names). Python's counterparts
//! are `py-spy dump --pid PID` and `faulthandler.dump_traceback`.

use crate::hang::{HANG_FLAG, READY_LINE};
use crate::{Context, Results, need};
use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One thread of the hung process, as /proc shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcThread {
    pub name: String,
    /// `R` running, `S` sleeping (waiting for something), `D` in I/O, …
    pub state: String,
    /// The kernel function it sleeps in (`futex_…` for a lock or a join).
    pub wchan: String,
}

// ANCHOR: proc
/// Every thread of `pid`: its name, state and where it waits.
pub fn proc_threads(pid: u32) -> anyhow::Result<Vec<ProcThread>> {
    let mut threads = Vec::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let dir = entry?.path();
        let read =
            |file: &str| std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        let stat = read("stat");
        // The name is in parentheses and may hold spaces: the state is the
        // first field after the last ')'.
        let state = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .next();
        threads.push(ProcThread {
            name: read("comm").trim().to_string(),
            state: state.unwrap_or("?").to_string(),
            wchan: read("wchan").trim().to_string(),
        });
    }
    threads.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(threads)
}
// ANCHOR_END: proc

/// The threads of `pid` once every one of them is asleep (the main thread
/// is still on its way into `join` when the child reports), or after 2 s.
fn settled(pid: u32) -> anyhow::Result<Vec<ProcThread>> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let threads = proc_threads(pid)?;
        if threads.iter().all(|t| t.state == "S") || Instant::now() > deadline {
            return Ok(threads);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One thread in gdb's `thread apply all bt`: its name, how many frames
/// deep it is, and the innermost frame that is our code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backtrace {
    pub name: String,
    pub frames: usize,
    pub ours: Option<String>,
}

/// Takes gdb's output apart: a `Thread N (… "name"):` header, then frames
/// `#0  0x… in function (…) at file:line` (inlined frames have no address).
pub fn parse_backtraces(text: &str) -> Vec<Backtrace> {
    let mut traces: Vec<Backtrace> = Vec::new();
    for line in text.lines() {
        if line.starts_with("Thread ") {
            let name = line.split('"').nth(1).unwrap_or("?").to_string();
            traces.push(Backtrace {
                name,
                frames: 0,
                ours: None,
            });
        } else if line.starts_with('#') {
            let Some(trace) = traces.last_mut() else {
                continue;
            };
            trace.frames += 1;
            if trace.ours.is_none() {
                trace.ours = our_frame(line);
            }
        }
    }
    traces.sort_by(|a, b| a.name.cmp(&b.name));
    traces
}

/// A frame in this chapter's code, as `function (file)`: `#5 hold_then_take
/// () at chapters/03-debugging/src/hang.rs:23` → `hold_then_take (hang.rs)`.
/// A release build shows inlined frames without their module path, a debug
/// build with it; both read the same here.
fn our_frame(line: &str) -> Option<String> {
    let body = match line.split_once(" in ") {
        Some((_, rest)) => rest,
        None => line.split_once("  ")?.1,
    };
    let (function, location) = body.rsplit_once(" at ").unwrap_or((body, ""));
    let function = function.split(" (").next().unwrap_or("").trim();
    let ours = location.contains("03-debugging/src/")
        || function.starts_with("debugging::");
    if !ours {
        return None;
    }
    let file = location
        .rsplit('/')
        .next()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("");
    Some(format!("{} ({file})", short_name(function)))
}

/// `debugging::hang::main::{closure#0}` or `main::{{closure}}::h01…` →
/// `main::{closure}`; `debugging::hang::hold_then_take` → `hold_then_take`.
fn short_name(function: &str) -> String {
    let without_generics = function.split('<').next().unwrap_or(function);
    let mut parts: Vec<&str> = without_generics
        .split("::")
        .filter(|p| !(p.len() == 17 && p.starts_with('h')))
        .collect();
    let closure = parts.last().is_some_and(|p| p.starts_with('{'));
    if closure {
        parts.pop();
    }
    let item = parts.last().copied().unwrap_or("?");
    if closure {
        format!("{item}::{{closure}}")
    } else {
        item.to_string()
    }
}

// ANCHOR: gdb
/// Every thread's backtrace, from `gdb` attached to `pid`; `Ok(None)` when
/// there is no such program here. gdb gets `timeout`, then is killed.
pub fn backtraces(
    gdb: &str,
    pid: u32,
    timeout: Duration,
) -> anyhow::Result<Option<String>> {
    let spawned = Command::new(gdb)
        .args(["-batch", "-nx", "-p", &pid.to_string()])
        .args(["-ex", "thread apply all bt"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).context("starting gdb"),
    };
    let mut stdout = child.stdout.take().context("gdb's stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    if wait_bounded(&mut child, timeout)?.is_none() {
        bail!("gdb did not finish within {timeout:?}; killed it");
    }
    let text = reader.join().map_err(|_| anyhow::anyhow!("gdb reader"))?;
    Ok(Some(text))
}
// ANCHOR_END: gdb

/// Waits for `child` at most `timeout`; kills it if it is still running.
fn wait_bounded(child: &mut Child, timeout: Duration) -> anyhow::Result<Option<()>> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if child.try_wait()?.is_some() {
            return Ok(Some(()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    Ok(None)
}

/// The hung process: this binary with `--hang`, once it says it is stuck.
pub struct Hung {
    child: Child,
}

impl Hung {
    pub fn start(
        program: &std::path::Path,
        bound: Duration,
    ) -> anyhow::Result<Hung> {
        let mut child = Command::new(program)
            .args([HANG_FLAG, &bound.as_secs().max(1).to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let stdout = child.stdout.take().context("the child's stdout")?;
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = send.send(line);
        });
        let mut hung = Hung { child };
        match receive.recv_timeout(Duration::from_secs(10)) {
            Ok(line) if line.starts_with(READY_LINE) => Ok(hung),
            // An empty line: it ended before saying anything; say how.
            Ok(line) if line.is_empty() => {
                let status = hung.child.wait().map(|s| s.to_string());
                bail!(
                    "the hung process ended before it was stuck ({})",
                    status.unwrap_or_else(|e| e.to_string())
                )
            }
            Ok(line) => bail!(
                "the hung process said {:?}, not {READY_LINE:?}",
                line.trim_end()
            ),
            Err(_) => bail!("the hung process did not report within 10 s"),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Hung {
    /// However the section ends, the hung process does not outlive it.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// "futex_wait_queue" → "futex (a lock, a join)": kernels name the same
/// wait differently; what matters is that it is a futex.
fn explain_wchan(wchan: &str) -> String {
    match wchan {
        w if w.contains("futex") => "futex (a lock or a join)".into(),
        "" | "0" => "(not shown by this kernel)".into(),
        w if w.contains("nanosleep") || w.contains("hrtimer") => "sleep".into(),
        w => w.into(),
    }
}

/// What `debugger` saw of the hung process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Debugger {
    /// Its threads, as /proc showed them once they settled.
    pub threads: Vec<ProcThread>,
    /// Each thread's stack, as gdb showed it; `None`: no gdb here.
    pub backtraces: Option<Vec<Backtrace>>,
    /// Whether the process was gone from /proc after it was killed.
    pub reaped: bool,
}

/// The threads that hold one lock each and wait for the other's.
const STUCK: [&str; 2] = ["left", "right"];

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let bound = context.sizes.gdb_timeout * 2;
    let hung = Hung::start(&context.program, bound)?;
    let pid = hung.pid();
    let threads = settled(pid)?;
    let backtraces = backtraces("gdb", pid, context.sizes.gdb_timeout)?
        .map(|text| parse_backtraces(&text));
    drop(hung);
    results.debugger = Some(Debugger {
        threads,
        backtraces,
        reaped: std::fs::metadata(format!("/proc/{pid}/task")).is_err(),
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let debugger = need(&results.debugger, "debugger")?;
    let mut report = SectionReport::new(
        "debugger",
        "This binary, started again with --hang, deadlocks for good: threads left and \
         right each hold one lock and wait for the other's, main waits to join them. \
         Looked at from outside, while it hangs:",
    );
    report_proc(&mut report, &debugger.threads);
    report_backtraces(&mut report, debugger.backtraces.as_deref());
    report.check(
        debugger.reaped,
        "the hung process was killed and reaped: nothing is left running",
    );
    report.note(
        "Rerun it yourself: `./target/debug/debugging --hang 60 &` then `gdb -p $! \
         -batch -ex \"thread apply all bt\"` (or `ls /proc/$!/task` and `cat \
         /proc/$!/task/*/wchan`). In a backtrace, read each thread from the top down \
         to the first frame of your own code: that is the line it is stuck on.",
    );
    Ok(report)
}

/// The kernel's view of each thread, through /proc.
fn report_proc(report: &mut SectionReport, threads: &[ProcThread]) {
    let mut table = Table::new(
        "/proc/PID/task/*: the kernel's view",
        &["thread", "state", "waits in"],
    );
    for t in threads {
        // A thread read at the instant it wakes shows R, or no wait at all:
        // what each one is doing is for the reader; the check below holds
        // only what must be true of left and right.
        table.push(vec![
            Cell::text(&t.name),
            Cell::Varies(t.state.clone()),
            Cell::Varies(explain_wchan(&t.wchan)),
        ]);
    }
    report.table(table);
    report.check(
        STUCK
            .iter()
            .all(|n| threads.iter().any(|t| t.name == *n && t.state == "S")),
        "/proc shows left and right asleep (state S): waiting, not computing",
    );
}

/// gdb's backtrace of each thread, or why there is none.
fn report_backtraces(report: &mut SectionReport, backtraces: Option<&[Backtrace]>) {
    match backtraces {
        None => {
            let mut table =
                Table::new("gdb: thread apply all bt", &["thread", "frames"]);
            table.push(vec![
                Cell::text("(all)"),
                Cell::Missing("gdb is not installed here; skipped".into()),
            ]);
            report.table(table);
        }
        Some(traces) => {
            let mut table = Table::new(
                "gdb -p PID -batch -ex \"thread apply all bt\": each thread's stack",
                &["thread", "frames", "innermost frame in our code"],
            );
            for t in traces {
                table.push(vec![
                    Cell::text(&t.name),
                    Cell::Tally(t.frames as u64),
                    Cell::text(t.ours.as_deref().unwrap_or("(none)")),
                ]);
            }
            report.table(table);
            let in_take = |name: &str| {
                traces.iter().any(|t| {
                    t.name == name
                        && t.ours.as_deref() == Some("hold_then_take (hang.rs)")
                })
            };
            report.check(
                STUCK.iter().all(|n| in_take(n)),
                "gdb shows left and right both inside hang::hold_then_take, in lock()",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(name: &str, state: &str) -> ProcThread {
        ProcThread {
            name: name.into(),
            state: state.into(),
            wchan: "futex_wait_queue".into(),
        }
    }

    fn trace(name: &str, ours: &str) -> Backtrace {
        Backtrace {
            name: name.into(),
            frames: 8,
            ours: Some(ours.into()),
        }
    }

    fn made_up(right: &str, backtraces: Option<Vec<Backtrace>>) -> Results {
        Results {
            debugger: Some(Debugger {
                threads: vec![
                    thread("debugging", "S"),
                    thread("left", "S"),
                    thread("right", right),
                ],
                backtraces,
                reaped: true,
            }),
            ..Results::default()
        }
    }

    fn stacks(right: &str) -> Option<Vec<Backtrace>> {
        Some(vec![
            trace("debugging", "main::{closure} (hang.rs)"),
            trace("left", "hold_then_take (hang.rs)"),
            trace("right", right),
        ])
    }

    #[test]
    fn two_sleeping_threads_stuck_in_their_lock_hold() {
        let r = report(&made_up("S", stacks("hold_then_take (hang.rs)"))).unwrap();
        assert_eq!(r.checks().count(), 3);
        assert!(r.checks().all(|c| c.holds), "{r:?}");
        // Without gdb, its check is skipped, not failed.
        let r = report(&made_up("S", None)).unwrap();
        assert_eq!(r.checks().count(), 2);
        assert!(r.checks().all(|c| c.holds), "{r:?}");
    }

    #[test]
    fn a_running_thread_or_a_stack_elsewhere_is_broken() {
        let ok = stacks("hold_then_take (hang.rs)");
        assert_eq!(report(&made_up("R", ok)).unwrap().broken().len(), 1);
        let elsewhere = stacks("main::{closure} (hang.rs)");
        assert_eq!(report(&made_up("S", elsewhere)).unwrap().broken().len(), 1);
    }

    #[test]
    fn a_process_left_running_is_broken() {
        let mut results = made_up("S", None);
        if let Some(debugger) = &mut results.debugger {
            debugger.reaped = false;
        }
        assert_eq!(report(&results).unwrap().broken().len(), 1);
    }
}
