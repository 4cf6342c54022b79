//! `logging`: a log you can read when several threads write to it. Every
//! line carries the time, the thread's name and id, and the *span* it was
//! written in: `run{pid=…}:job{id=3}` says which process and which piece
//! of work, whichever thread happened to run it. A span follows a job onto
//! another thread (entered there) and across an `.await` (`instrument`):
//! that is what Python's `%(threadName)s %(process)d` format cannot do for
//! asyncio tasks.

use crate::{Context, Results, need};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::{Dispatch, Instrument, info, info_span};

/// Where the log goes: a buffer, so the section (and a test) can read it.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut buffer = self.0.lock().unwrap_or_else(|e| e.into_inner());
        buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        let buffer = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

// ANCHOR: subscriber
/// A subscriber that stamps every line with the time since start, the
/// level, the thread's name and id, and the spans it is in.
pub fn subscriber(out: Captured) -> Dispatch {
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || out.clone())
        .with_ansi(false)
        .with_timer(tracing_subscriber::fmt::time::uptime())
        .with_thread_names(true)
        .with_thread_ids(true)
        .with_target(false)
        .finish();
    Dispatch::new(subscriber)
}
// ANCHOR_END: subscriber

thread_local! {
    /// Keeps a runtime thread's subscriber set until the thread stops.
    static GUARD: RefCell<Option<tracing::dispatcher::DefaultGuard>> =
        const { RefCell::new(None) };
}

// ANCHOR: jobs
/// Jobs 1 and 2 on two named threads; jobs 3 and 4 as tokio tasks that
/// await in the middle, on a runtime with two worker threads.
pub fn write_log(dispatch: &Dispatch) -> anyhow::Result<()> {
    tracing::dispatcher::with_default(dispatch, || {
        let root = info_span!("run", pid = std::process::id());
        std::thread::scope(|s| -> anyhow::Result<()> {
            for id in 1..=2 {
                let root = &root;
                std::thread::Builder::new()
                    .name(format!("worker-{id}"))
                    .spawn_scoped(s, move || {
                        tracing::dispatcher::with_default(dispatch, || {
                            let job = info_span!(parent: root, "job", id);
                            let _entered = job.enter();
                            info!("parsing");
                            info!("parsed");
                        })
                    })?;
            }
            Ok(())
        })?;
        let on_start = dispatch.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("tokio-worker")
            .on_thread_start(move || {
                let guard = tracing::dispatcher::set_default(&on_start);
                GUARD.with(|g| *g.borrow_mut() = Some(guard));
            })
            .on_thread_stop(|| {
                GUARD.with(|g| g.borrow_mut().take());
            })
            .enable_time()
            .build()?;
        runtime.block_on(async {
            let tasks: Vec<_> = (3..=4)
                .map(|id| {
                    let job = info_span!(parent: &root, "job", id);
                    tokio::spawn(fetch_and_save().instrument(job))
                })
                .collect();
            for task in tasks {
                task.await?;
            }
            anyhow::Ok(())
        })?;
        runtime.shutdown_timeout(Duration::from_secs(5));
        Ok(())
    })
}

/// A task that logs, awaits, and logs again: the span comes along.
async fn fetch_and_save() {
    info!("fetching");
    tokio::time::sleep(Duration::from_millis(2)).await;
    info!("fetched");
    tokio::task::yield_now().await;
    info!("saved");
}
// ANCHOR_END: jobs

/// One line of the log, taken apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Its place in the log, from 1.
    pub number: usize,
    pub seconds: f64,
    pub thread_name: String,
    /// The number in `ThreadId(07)`.
    pub thread_id: u64,
    /// `run{pid=…}:job{id=…}`.
    pub spans: String,
    pub job: Option<u64>,
    pub pid: Option<u32>,
    pub message: String,
}

/// Reads a line like
/// `0.003s  INFO worker-1 ThreadId(02) run{pid=7}:job{id=1}: parsing`.
pub fn parse(number: usize, text: &str) -> Option<Line> {
    let mut words = text.split_whitespace();
    let seconds = words.next()?.strip_suffix('s')?.parse().ok()?;
    let _level = words.next()?;
    let thread_name = words.next()?.to_string();
    let id = words.next()?;
    let thread_id = id
        .strip_prefix("ThreadId(")?
        .strip_suffix(')')?
        .parse()
        .ok()?;
    let spans = words.next()?.strip_suffix(':')?.to_string();
    let message = words.collect::<Vec<_>>().join(" ");
    let field = |name: &str| {
        let start = spans.find(name)? + name.len();
        let rest = &spans[start..];
        rest[..rest.find('}')?].parse().ok()
    };
    let (job, pid) = (field("job{id="), field("run{pid=").map(|p: u64| p as u32));
    Some(Line {
        number,
        seconds,
        thread_name,
        thread_id,
        spans: spans.clone(),
        job,
        pid,
        message,
    })
}

/// Writes the log into a buffer and takes it apart.
pub fn capture() -> anyhow::Result<(String, Vec<Option<Line>>)> {
    let out = Captured::default();
    write_log(&subscriber(out.clone()))?;
    let text = out.text();
    let lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| parse(i + 1, l))
        .collect();
    Ok((text, lines))
}

/// What `logging` measured: the log, line by line, as written and taken
/// apart, and the pid every line should name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Logging {
    pub pid: u32,
    /// The first line as written.
    pub first_line: Option<String>,
    /// Every line, taken apart; `None`: a line that did not parse.
    pub lines: Vec<Option<Line>>,
}

/// How many lines the four jobs write: two on each thread, three in each
/// task.
pub const LINES: usize = 10;

pub fn measure(_: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let (text, lines) = capture()?;
    results.logging = Some(Logging {
        pid: std::process::id(),
        first_line: text.lines().next().map(str::to_string),
        lines,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let logging = need(&results.logging, "logging")?;
    let mut report = SectionReport::new(
        "logging",
        "Four jobs log as they go: two on named threads, two as tokio tasks that \
         await in the middle. The log interleaves them; the span on each line says \
         whose line it is.",
    );
    let lines = &logging.lines;
    let parsed: Vec<Line> = lines.iter().flatten().cloned().collect();
    let pid = logging.pid;
    if let Some(first) = &logging.first_line {
        let shown = first.replace(&pid.to_string(), "PID");
        report.note(format!(
            "A line as written (pid shown as PID): `{}`",
            redact_numbers(&shown)
        ));
    }
    let mut by_job = parsed.clone();
    by_job.sort_by_key(|l| (l.job, l.number));
    let mut table = Table::new(
        "The log sorted by job (line: its place in the interleaved log)",
        &["job", "event", "thread", "thread id", "at", "line"],
    );
    for l in &by_job {
        table.push(vec![
            Cell::Count(l.job.unwrap_or(0)),
            Cell::text(&l.message),
            Cell::text(&l.thread_name),
            Cell::Tally(l.thread_id),
            Cell::Seconds(l.seconds),
            Cell::Tally(l.number as u64),
        ]);
    }
    report.table(table);
    report.check(
        lines.iter().all(Option::is_some) && parsed.len() == LINES,
        "all 10 lines carry a time, a level, a thread name and id, and spans",
    );
    report.check(
        parsed.iter().all(|l| l.pid == Some(pid) && l.job.is_some()),
        "every line names this process's pid and its job, on whatever thread it ran",
    );
    let after_await = parsed
        .iter()
        .filter(|l| l.message == "fetched" || l.message == "saved")
        .all(|l| matches!(l.job, Some(3 | 4)) && l.thread_name == "tokio-worker");
    report.check(
        after_await,
        "lines logged after an .await still carry the task's span (jobs 3 and 4)",
    );
    report.note(
        "Read an interleaved log by the span, not by the order of lines: filter on \
         job{id=3} and you get one task's story, even when its lines came from \
         different worker threads (compare the thread ids of jobs 3 and 4). \
         RUST_LOG-style filtering comes with tracing-subscriber's env-filter \
         feature, left out here to keep the build lean.",
    );
    Ok(report)
}

/// The line with its digits replaced, so a snapshot keeps its shape.
fn redact_numbers(line: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The log of a good run, as the subscriber writes it.
    fn written(pid: u32) -> Vec<String> {
        let mut lines = Vec::new();
        for id in 1..=2 {
            for what in ["parsing", "parsed"] {
                lines.push(format!(
                    "0.001s  INFO worker-{id} ThreadId(0{}) run{{pid={pid}}}:job{{id={id}}}: {what}",
                    id + 1
                ));
            }
        }
        for id in 3..=4 {
            for what in ["fetching", "fetched", "saved"] {
                lines.push(format!(
                    "0.004s  INFO tokio-worker ThreadId(0{id}) run{{pid={pid}}}:job{{id={id}}}: {what}"
                ));
            }
        }
        lines
    }

    fn made_up(lines: &[String], pid: u32) -> Results {
        Results {
            logging: Some(Logging {
                pid,
                first_line: lines.first().cloned(),
                lines: lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| parse(i + 1, l))
                    .collect(),
            }),
            ..Results::default()
        }
    }

    #[test]
    fn a_well_formed_log_holds() {
        let r = report(&made_up(&written(7), 7)).unwrap();
        assert!(r.checks().all(|c| c.holds), "{r:?}");
        let text = r.render(shared::report::Render::Plain);
        assert!(text.contains("run{pid=PID}:job{id=N}"), "{text}");
    }

    #[test]
    fn another_pid_a_bad_line_or_a_lost_span_is_broken() {
        assert_eq!(report(&made_up(&written(7), 8)).unwrap().broken().len(), 1);
        let mut lines = written(7);
        lines[0] = "a line without fields".into();
        assert_eq!(report(&made_up(&lines, 7)).unwrap().broken().len(), 1);
        let mut lines = written(7);
        lines[9] = lines[9].replace("tokio-worker", "main");
        let r = report(&made_up(&lines, 7)).unwrap();
        assert_eq!(r.broken().len(), 1);
        assert!(r.broken()[0].claim.contains(".await"));
    }
}
