//! `memory`: what one concurrent wait costs — an OS thread, an async task,
//! a process — at 1 000, 10 000 and 100 000 waits where the machine allows.
//! The book's memory chart is drawn from these rows.
//!
//! Each count runs in a fresh probe process (see [`crate::probe`]) so one
//! measurement's leftovers never count against the next.

use crate::probe::{PROBE_FLAG, Probe, processes};
use crate::{Context, Results, need};
use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use shared::report::{Cell, SectionReport, Table, format_bytes};
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// What `memory` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    /// Each unit's wait, in seconds.
    pub delay_s: f64,
    pub rows: Vec<MemoryRow>,
    pub limits: Limits,
}

/// The kinds of concurrent unit, as the probe names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Threads,
    Tokio,
    AsyncStd,
    Smol,
    Processes,
}

impl Unit {
    pub const ALL: [Unit; 5] = [
        Unit::Threads,
        Unit::Tokio,
        Unit::AsyncStd,
        Unit::Smol,
        Unit::Processes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Unit::Threads => "threads",
            Unit::Tokio => "tokio",
            Unit::AsyncStd => "async-std",
            Unit::Smol => "smol",
            Unit::Processes => "processes",
        }
    }

    /// Whether each unit is a kernel object (a thread or a process).
    fn is_kernel_object(self) -> bool {
        matches!(self, Unit::Threads | Unit::Processes)
    }
}

/// One probe: `count` units of one kind, or why this machine refused it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemoryRow {
    pub unit: Unit,
    pub count: usize,
    pub probe: Result<Probe, String>,
}

impl Memory {
    /// Bytes per unit of `unit` at the largest count measured.
    pub fn per_unit(&self, unit: Unit) -> Option<f64> {
        self.probe(unit, None).map(|p| p.bytes / p.units as f64)
    }

    /// The probe of `unit` at `count` units (the largest count measured,
    /// for `None`).
    pub fn probe(&self, unit: Unit, count: Option<usize>) -> Option<&Probe> {
        self.rows
            .iter()
            .filter(|r| r.unit == unit && count.is_none_or(|c| r.count == c))
            .filter_map(|r| r.probe.as_ref().ok())
            .max_by_key(|p| p.units)
    }
}

pub fn measure(context: &mut Context, results: &mut Results) -> anyhow::Result<()> {
    let sizes = context.sizes.clone();
    let delay = sizes.memory_delay;
    let limits = Limits::read();
    let mut rows = Vec::new();
    for unit in Unit::ALL {
        let counts = match unit {
            Unit::Threads => &sizes.memory_threads,
            Unit::Processes => &sizes.memory_processes,
            _ => &sizes.memory_tasks,
        };
        for &count in counts {
            let probe = match limits.refuses(unit, count) {
                Some(why) => Err(why),
                None if unit == Unit::Processes => {
                    Ok(processes(&context.runners.worker.program, count, delay)?)
                }
                None => Ok(run_probe(context, unit.name(), count, delay)?),
            };
            rows.push(MemoryRow { unit, count, probe });
        }
    }
    results.memory = Some(Memory {
        delay_s: delay.as_secs_f64(),
        rows,
        limits,
    });
    Ok(())
}

pub fn report(results: &Results) -> anyhow::Result<SectionReport> {
    let memory = need(&results.memory, "memory")?;
    let mut report = SectionReport::new(
        "memory",
        format!(
            "N units, all alive at once, each waiting {}: what each unit adds \
             to memory. A task is a small struct; a thread is a stack and a kernel \
             thread; a process is a whole program.",
            shared::report::format_seconds(memory.delay_s)
        ),
    );
    report.table(per_unit_table(memory));
    report.check(
        memory
            .rows
            .iter()
            .filter_map(|r| r.probe.as_ref().ok())
            .all(|p| p.wall_s >= memory.delay_s),
        "every probe took at least one wait: all its units really waited",
    );
    if let (Some(thread), Some(task)) =
        (memory.per_unit(Unit::Threads), memory.per_unit(Unit::Tokio))
    {
        report.check(
            thread > 4.0 * task,
            "an OS thread costs over four times the memory of a tokio task",
        );
    }
    if let (Some(process), Some(thread)) = (
        memory.per_unit(Unit::Processes),
        memory.per_unit(Unit::Threads),
    ) {
        report.check(
            process > 4.0 * thread,
            "a process costs over four times the memory of a thread",
        );
    }
    report.note(
        "The wall time is for all N: starting every unit, the one wait they \
         share, and ending them. Units start one after another, so for threads \
         and processes it grows with N (see `overhead` and `calibration`).",
    );
    report.note(format!(
        "A thread's stack is reserved at {} but only the pages it touches count; \
         the kernel also keeps a stack and bookkeeping per thread (the last column, \
         read machine-wide, so noisy). Every thread and process takes a pid, so \
         this machine's limits cap how many can wait at once:",
        format_bytes(2.0 * 1024.0 * 1024.0),
    ));
    report.table(limits_table(&memory.limits));
    Ok(report)
}

/// A row per probe: what all N units took and what each one adds.
fn per_unit_table(memory: &Memory) -> Table {
    let mut table = Table::new(
        "Memory per concurrent wait (RSS; PSS for processes) and wall time for all N",
        &["unit", "N", "wall", "memory", "per unit", "kernel per unit"],
    );
    for row in &memory.rows {
        let probe = match &row.probe {
            Ok(probe) => probe,
            Err(why) => {
                table.push(vec![
                    Cell::text(row.unit.name()),
                    Cell::Count(row.count as u64),
                    Cell::Missing(why.clone()),
                    Cell::text(""),
                    Cell::text(""),
                    Cell::text(""),
                ]);
                continue;
            }
        };
        let count = row.count as f64;
        table.push(vec![
            Cell::text(row.unit.name()),
            Cell::Count(row.count as u64),
            Cell::Seconds(probe.wall_s),
            Cell::Bytes(probe.bytes),
            Cell::Bytes(probe.bytes / count),
            if row.unit.is_kernel_object() {
                Cell::Bytes(probe.kernel_bytes / count)
            } else {
                Cell::text("none") // a task is not a kernel object
            },
        ]);
    }
    table
}

/// The kernel's caps on how many threads and processes can wait at once.
fn limits_table(limits: &Limits) -> Table {
    let mut caps = Table::new("This machine's limits", &["limit", "value"]);
    for (name, value) in [
        ("kernel.threads-max", limits.threads_max),
        ("kernel.pid_max", limits.pid_max),
        ("vm.max_map_count", limits.map_count),
    ] {
        let cell = value.map_or(Cell::Missing("unknown".into()), Cell::Tally);
        caps.push(vec![Cell::text(name), cell]);
    }
    caps
}

/// Runs `--probe KIND COUNT DELAY_MS` in a fresh process, bounded in time.
pub fn run_probe(
    context: &Context,
    kind: &str,
    count: usize,
    delay: Duration,
) -> anyhow::Result<Probe> {
    let mut child = context
        .runners
        .worker
        .command(&[
            PROBE_FLAG,
            kind,
            &count.to_string(),
            &delay.as_millis().to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting a memory probe")?;
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the {kind} probe with {count} units did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut stdout)?;
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut stderr)?;
    if !status.success() {
        // A probe killed by a signal (the OOM killer) says nothing: the
        // status is then the whole cause.
        let said = match stderr.trim() {
            "" => "nothing on stderr".to_string(),
            said => said.to_string(),
        };
        bail!("the {kind} probe with {count} units failed ({status}): {said}");
    }
    serde_json::from_str(stdout.trim()).context("reading a probe's figures")
}

/// What this machine lets one process start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    pub threads_max: Option<u64>,
    pub pid_max: Option<u64>,
    pub map_count: Option<u64>,
}

impl Limits {
    fn read() -> Limits {
        let number = |path: &str| {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|s| s.trim().parse().ok())
        };
        Limits {
            threads_max: number("/proc/sys/kernel/threads-max"),
            pid_max: number("/proc/sys/kernel/pid_max"),
            map_count: number("/proc/sys/vm/max_map_count"),
        }
    }

    /// Why `count` units of `kind` cannot run here, if they cannot. Every
    /// thread and process takes a pid; a thread takes two memory maps (its
    /// stack and a guard page). Half of each limit is left for the rest of
    /// the machine.
    fn refuses(&self, unit: Unit, count: usize) -> Option<String> {
        let count = count as u64;
        if !unit.is_kernel_object() {
            return None;
        }
        if let Some(pid_max) = self.pid_max
            && count > pid_max / 2
        {
            return Some(format!("pid_max is {pid_max}"));
        }
        if let Some(threads_max) = self.threads_max
            && count > threads_max / 2
        {
            return Some(format!("threads-max is {threads_max}"));
        }
        if unit == Unit::Threads
            && let Some(maps) = self.map_count
            && 2 * count > maps / 2
        {
            return Some(format!("max_map_count is {maps}"));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(unit: Unit, count: usize, per_unit: f64, wall_s: f64) -> MemoryRow {
        MemoryRow {
            unit,
            count,
            probe: Ok(Probe {
                kind: unit.name().into(),
                units: count,
                wall_s,
                bytes: per_unit * count as f64,
                kernel_bytes: 0.0,
            }),
        }
    }

    fn made_up(thread: f64, task: f64, process: f64) -> Results {
        Results {
            memory: Some(Memory {
                delay_s: 0.1,
                rows: vec![
                    probe(Unit::Threads, 1_000, thread, 0.2),
                    probe(Unit::Tokio, 1_000, task, 0.11),
                    probe(Unit::Processes, 10, process, 0.3),
                    MemoryRow {
                        unit: Unit::Threads,
                        count: 1_000_000,
                        probe: Err("pid_max is 4 194 304".into()),
                    },
                ],
                limits: Limits {
                    threads_max: None,
                    pid_max: Some(4_194_304),
                    map_count: None,
                },
            }),
            ..Results::default()
        }
    }

    #[test]
    fn the_ratios_are_invariants_that_can_break() {
        let honest = report(&made_up(10_000.0, 500.0, 200_000.0)).unwrap();
        assert!(honest.broken().is_empty(), "{honest:?}");
        let text = honest.render(shared::report::Render::Plain);
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("pid_max is 4 194 304"), "{text}");
        let fat_task = report(&made_up(10_000.0, 5_000.0, 200_000.0)).unwrap();
        assert_eq!(fat_task.broken().len(), 1);
    }

    #[test]
    fn a_probe_faster_than_its_wait_is_a_broken_harness() {
        let mut results = made_up(10_000.0, 500.0, 200_000.0);
        let memory = results.memory.as_mut().unwrap();
        memory.rows[1] = probe(Unit::Tokio, 1_000, 500.0, 0.05);
        assert_eq!(report(&results).unwrap().broken().len(), 1);
    }
}
