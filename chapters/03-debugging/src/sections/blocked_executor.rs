//! `blocked-executor`: the counterpart of asyncio's debug mode, which
//! logs "Executing <Task …> took 0.250 seconds" when a task holds the loop
//! too long. tokio has no such switch, so we build the two halves: every
//! task is wrapped so the runtime records whose `poll` is running, and a
//! watchdog on its own OS thread watches a heartbeat task. When the
//! heartbeat stops, the runtime is blocked, and the watchdog names the task
//! being polled and measures how long the stall lasted.

use crate::{Context, Results, need};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

/// Which task the runtime is polling right now ("" between polls).
pub type Polling = Arc<Mutex<&'static str>>;

// ANCHOR: named
/// A task with a name: while its `poll` runs, `polling` holds the name.
pub struct Named<F: Future> {
    name: &'static str,
    polling: Polling,
    inner: Pin<Box<F>>,
}

pub fn named<F: Future>(
    name: &'static str,
    polling: &Polling,
    inner: F,
) -> Named<F> {
    Named {
        name,
        polling: polling.clone(),
        inner: Box::pin(inner),
    }
}

impl<F: Future> Future for Named<F> {
    type Output = F::Output;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<F::Output> {
        let this = &mut *self;
        *this.polling.lock() = this.name;
        let output = this.inner.as_mut().poll(cx);
        *this.polling.lock() = "";
        output
    }
}
// ANCHOR_END: named

/// A stall the watchdog saw: whose poll it happened in, and how long the
/// heartbeat was late.
#[derive(Clone, Debug, PartialEq)]
pub struct Stall {
    pub task: &'static str,
    pub lasted: Duration,
}

// ANCHOR: watchdog
/// Watches `beat` (microseconds since `start`, written by the heartbeat
/// task) until `stop`; a heartbeat older than `limit` while a task's poll
/// runs is a stall in that task. A late heartbeat with no poll running is
/// the machine (another program had the core), not a task: it shows only
/// in the worst delay.
fn watchdog(
    start: Instant,
    beat: &AtomicU64,
    polling: &Polling,
    limit: Duration,
    stop: &AtomicBool,
) -> (Vec<Stall>, Duration) {
    let (mut stalls, mut current, mut worst) = (Vec::new(), None, Duration::ZERO);
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(1));
        let last = Duration::from_micros(beat.load(Ordering::Relaxed));
        let late = start.elapsed().saturating_sub(last);
        worst = worst.max(late);
        match current.take() {
            None if late > limit => {
                let task = *polling.lock();
                if !task.is_empty() {
                    current = Some(Stall { task, lasted: late });
                }
            }
            None => {}
            Some(stall) if late > limit => {
                current = Some(Stall {
                    lasted: late,
                    ..stall
                })
            }
            Some(stall) => stalls.push(stall), // the heartbeat is back
        }
    }
    stalls.extend(current);
    (stalls, worst)
}
// ANCHOR_END: watchdog

/// Where the blocking work runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Version {
    /// Inside the async tasks, on the runtime's one thread.
    Blocking,
    /// Handed to `spawn_blocking`; the task only awaits the answer.
    SpawnBlocking,
}

impl Version {
    pub const ALL: [Version; 2] = [Version::Blocking, Version::SpawnBlocking];

    pub fn name(self) -> &'static str {
        match self {
            Version::Blocking => "inside the tasks",
            Version::SpawnBlocking => "on spawn_blocking",
        }
    }
}

/// Busy for `d` without reaching an `.await`.
fn checksum_for(d: Duration) -> u64 {
    let start = Instant::now();
    let mut sum = 0u64;
    while start.elapsed() < d {
        sum = std::hint::black_box(sum.wrapping_add(1));
    }
    sum
}

// ANCHOR: tasks
/// A CPU loop and a blocking call, each `block` long, run where `version`
/// says.
async fn checksum(version: Version, block: Duration) -> u64 {
    match version {
        Version::Blocking => checksum_for(block),
        Version::SpawnBlocking => {
            tokio::task::spawn_blocking(move || checksum_for(block))
                .await
                .unwrap_or(0)
        }
    }
}

async fn legacy_db(version: Version, block: Duration) {
    match version {
        Version::Blocking => std::thread::sleep(block), // a blocking driver
        Version::SpawnBlocking => {
            let _ =
                tokio::task::spawn_blocking(move || std::thread::sleep(block)).await;
        }
    }
}
// ANCHOR_END: tasks

/// Runs a heartbeat, a well-behaved downloader and the two blocking tasks
/// on a one-thread runtime (asyncio's situation), under the watchdog.
pub fn watch(
    version: Version,
    block: Duration,
) -> anyhow::Result<(Vec<Stall>, Duration)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let polling: Polling = Arc::new(Mutex::new(""));
    let beat = Arc::new(AtomicU64::new(0));
    let stop = AtomicBool::new(false);
    let start = Instant::now();
    let limit = block / 4;
    std::thread::scope(|s| {
        let dog = s.spawn(|| watchdog(start, &beat, &polling, limit, &stop));
        let ran = runtime.block_on(async {
            let done = Arc::new(AtomicBool::new(false));
            let heartbeat = {
                let (done, beat) = (done.clone(), beat.clone());
                named("heartbeat", &polling, async move {
                    while !done.load(Ordering::Relaxed) {
                        beat.store(
                            start.elapsed().as_micros() as u64,
                            Ordering::Relaxed,
                        );
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                })
            };
            let gap = block / 2;
            let download = named("download", &polling, async move {
                for _ in 0..8 {
                    tokio::time::sleep(gap / 2).await;
                }
            });
            let sum = named("checksum", &polling, async move {
                tokio::time::sleep(gap).await;
                checksum(version, block).await
            });
            let db = named("legacy-db", &polling, async move {
                tokio::time::sleep(gap * 2 + block).await;
                legacy_db(version, block).await
            });
            let (download, sum, db) =
                (tokio::spawn(download), tokio::spawn(sum), tokio::spawn(db));
            let heartbeat = tokio::spawn(heartbeat);
            download.await?;
            sum.await?;
            db.await?;
            tokio::time::sleep(gap).await; // let the heartbeat be seen again
            done.store(true, Ordering::Relaxed);
            heartbeat.await?;
            anyhow::Ok(())
        });
        stop.store(true, Ordering::Relaxed);
        let seen = dog.join().expect("the watchdog thread");
        ran.map(|()| seen)
    })
}

/// What `blocked-executor` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockedExecutor {
    /// How long each blocking task holds the thread, in seconds.
    pub block_s: f64,
    pub versions: Vec<(Version, Watched)>,
}

/// What the watchdog saw of one version: its stalls, in order, and the
/// heartbeat's worst delay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Watched {
    pub stalls: Vec<Stalled>,
    pub worst_delay_s: f64,
}

/// A [`Stall`], in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stalled {
    pub task: String,
    pub lasted_s: f64,
}

impl BlockedExecutor {
    pub fn watched(&self, version: Version) -> Option<&Watched> {
        self.versions
            .iter()
            .find(|(v, _)| *v == version)
            .map(|(_, w)| w)
    }

    /// The blocking work and the watchdog's limit, in whole milliseconds.
    fn millis(&self) -> (u64, u64) {
        let block = (self.block_s * 1e3).round() as u64;
        (block, block / 4)
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let block = context.sizes.block_for;
    let mut versions = Vec::new();
    for version in Version::ALL {
        let (stalls, worst) = watch(version, block)?;
        let stalls = stalls
            .iter()
            .map(|stall| Stalled {
                task: stall.task.to_string(),
                lasted_s: stall.lasted.as_secs_f64(),
            })
            .collect();
        let watched = Watched {
            stalls,
            worst_delay_s: worst.as_secs_f64(),
        };
        versions.push((version, watched));
    }
    results.blocked_executor = Some(BlockedExecutor {
        block_s: block.as_secs_f64(),
        versions,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let blocked = need(&results.blocked_executor, "blocked-executor")?;
    let (block_ms, limit_ms) = blocked.millis();
    let mut report = SectionReport::new(
        "blocked-executor",
        format!(
            "On a one-thread tokio runtime, a heartbeat task beats every ms beside a \
             downloader, a {block_ms} ms CPU loop (`checksum`) and a {block_ms} ms \
             blocking call (`legacy-db`). A watchdog thread reports every heartbeat \
             later than {limit_ms} ms and names the task whose poll was running.",
        ),
    );
    report.table(stalls_table(blocked));
    let (Some(inside), Some(moved)) = (
        blocked.watched(Version::Blocking),
        blocked.watched(Version::SpawnBlocking),
    ) else {
        anyhow::bail!("the blocked-executor results lack a version");
    };
    // The blocking work stalls the runtime for certain, so the watchdog
    // must name both culprits, in order. Any other stall — a heartbeat late
    // because the OS preempted the runtime's thread on a busy machine — is
    // the machine's doing, not the code's: a measured claim, not an invariant.
    let culprits = ["checksum", "legacy-db"];
    let named: Vec<&Stalled> = inside
        .stalls
        .iter()
        .filter(|s| culprits.contains(&s.task.as_str()))
        .collect();
    let names: Vec<&str> = named.iter().map(|s| s.task.as_str()).collect();
    report.check(
        names == culprits,
        "blocking inside the tasks: the watchdog named checksum, then legacy-db",
    );
    report.check(
        named.iter().all(|s| s.lasted_s >= blocked.block_s / 2.0),
        "each stall lasted at least half the blocking work: every task stood still",
    );
    report.measured(
        named.len() == inside.stalls.len(),
        "no other task's poll stalled the heartbeat",
    );
    report.measured(
        moved.stalls.is_empty(),
        "with spawn_blocking no task's poll stalled the heartbeat: the runtime \
         stayed responsive",
    );
    report.note(
        "asyncio's debug mode (PYTHONASYNCIODEBUG=1, loop.slow_callback_duration) \
         names the slow callback after it returns; this watchdog sees the stall while \
         it happens, which is what you need when the task never returns. In \
         production, tokio-console shows each task's busy time, and tokio's unstable \
         metrics count long polls.",
    );
    Ok(report)
}

/// Every stall the watchdog reported, per version; or, where none, the
/// worst heartbeat delay.
fn stalls_table(blocked: &BlockedExecutor) -> Table {
    let mut table = Table::new(
        "What the watchdog reported",
        &["blocking work", "stall in task", "stall lasted"],
    );
    for (version, watched) in &blocked.versions {
        for stall in &watched.stalls {
            table.push(vec![
                Cell::text(version.name()),
                Cell::text(&stall.task),
                Cell::Seconds(stall.lasted_s),
            ]);
        }
        if watched.stalls.is_empty() {
            table.push(vec![
                Cell::text(version.name()),
                Cell::text("none (worst heartbeat delay:)"),
                Cell::Seconds(watched.worst_delay_s),
            ]);
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stalled(task: &str, lasted_s: f64) -> Stalled {
        Stalled {
            task: task.into(),
            lasted_s,
        }
    }

    fn made_up(inside: Vec<Stalled>, moved: Vec<Stalled>) -> Results {
        let watched = |stalls| Watched {
            stalls,
            worst_delay_s: 0.002,
        };
        Results {
            blocked_executor: Some(BlockedExecutor {
                block_s: 0.08,
                versions: vec![
                    (Version::Blocking, watched(inside)),
                    (Version::SpawnBlocking, watched(moved)),
                ],
            }),
            ..Results::default()
        }
    }

    fn both(lasted_s: f64) -> Vec<Stalled> {
        vec![
            stalled("checksum", lasted_s),
            stalled("legacy-db", lasted_s),
        ]
    }

    #[test]
    fn both_culprits_named_and_none_after_the_fix_hold() {
        let r = report(&made_up(both(0.08), vec![])).unwrap();
        assert!(r.checks().all(|c| c.holds), "{r:?}");
        let text = r.render(shared::report::Render::Plain);
        assert!(text.contains("a 80 ms CPU loop"), "{text}");
        assert!(text.contains("later than 20 ms"), "{text}");
    }

    #[test]
    fn a_missed_culprit_or_a_short_stall_is_broken() {
        let missed = vec![stalled("checksum", 0.08)];
        assert_eq!(report(&made_up(missed, vec![])).unwrap().broken().len(), 1);
        assert_eq!(
            report(&made_up(both(0.08).into_iter().rev().collect(), vec![]))
                .unwrap()
                .broken()
                .len(),
            1,
            "named in the wrong order"
        );
        assert_eq!(
            report(&made_up(both(0.01), vec![])).unwrap().broken().len(),
            1
        );
    }

    /// A stall the code did not cause (a preempted runtime thread) misses
    /// a measured claim; it breaks no invariant.
    #[test]
    fn a_stall_elsewhere_or_after_the_fix_is_a_missed_figure() {
        let missed = |r: &SectionReport| {
            r.checks()
                .filter(|c| !c.holds && c.kind == shared::report::Kind::Measured)
                .count()
        };
        let mut extra = both(0.08);
        extra.insert(1, stalled("download", 0.03));
        let r = report(&made_up(extra, vec![])).unwrap();
        assert!(r.broken().is_empty(), "{r:?}");
        assert_eq!(missed(&r), 1);
        let after = vec![stalled("download", 0.03)];
        let r = report(&made_up(both(0.08), after)).unwrap();
        assert!(r.broken().is_empty(), "{r:?}");
        assert_eq!(missed(&r), 1);
    }
}
