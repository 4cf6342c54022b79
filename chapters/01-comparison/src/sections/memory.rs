//! `memory`: what one concurrent wait costs — an OS thread, an async task,
//! a process — at 1 000, 10 000 and 100 000 waits where the machine allows.
//!
//! Each count runs in a fresh probe process (see [`crate::probe`]) so one
//! measurement's leftovers never count against the next.

use crate::Context;
use crate::probe::{PROBE_FLAG, Probe, processes};
use anyhow::{Context as _, bail};
use shared::report::{Cell, Record, SectionReport, Table, format_bytes};
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

pub fn run(context: &mut Context) -> anyhow::Result<SectionReport> {
    let sizes = context.sizes.clone();
    let delay = sizes.memory_delay;
    let mut report = SectionReport::new(
        "memory",
        format!(
            "N units, all alive at once, each waiting {} ms: what each unit adds \
             to memory. A task is a small struct; a thread is a stack and a kernel \
             thread; a process is a whole program.",
            delay.as_millis()
        ),
    );
    let mut table = Table::new(
        "Memory per concurrent wait (RSS; PSS for processes) and wall time for all N",
        &["unit", "N", "wall", "memory", "per unit", "kernel per unit"],
    );
    let limits = Limits::read();
    let mut per_unit = Vec::new();
    let plan = [
        ("threads", &sizes.memory_threads),
        ("tokio", &sizes.memory_tasks),
        ("async-std", &sizes.memory_tasks),
        ("smol", &sizes.memory_tasks),
        ("processes", &sizes.memory_processes),
    ];
    for (kind, counts) in plan {
        for &count in counts {
            if let Some(why) = limits.refuses(kind, count) {
                table.push(vec![
                    Cell::text(kind),
                    Cell::Count(count as u64),
                    Cell::Missing(why.clone()),
                    Cell::text(""),
                    Cell::text(""),
                    Cell::text(""),
                ]);
                continue;
            }
            let probe = if kind == "processes" {
                processes(&context.worker.program, count, delay)?
            } else {
                run_probe(context, kind, count, delay)?
            };
            let per = probe.bytes / count as f64;
            per_unit.push((kind, count, per));
            table.push(vec![
                Cell::text(kind),
                Cell::Count(count as u64),
                Cell::Seconds(probe.wall_s),
                Cell::Bytes(probe.bytes),
                Cell::Bytes(per),
                if matches!(kind, "threads" | "processes") {
                    Cell::Bytes(probe.kernel_bytes / count as f64)
                } else {
                    Cell::text("none") // a task is not a kernel object
                },
            ]);
            context.keep(
                &mut report,
                Record::new("memory", Some("io"), kind)
                    .with("units", count)
                    .with("delay_s", delay.as_secs_f64())
                    .with("wall_s", probe.wall_s)
                    .with("bytes", probe.bytes)
                    .with("bytes_per_unit", per)
                    .with(
                        "kernel_bytes_per_unit",
                        probe.kernel_bytes / count as f64,
                    ),
            );
        }
    }
    report.table(table);
    let largest = |kind: &str| {
        per_unit
            .iter()
            .filter(|(k, ..)| *k == kind)
            .max_by_key(|(_, count, _)| *count)
            .map(|(_, _, per)| *per)
    };
    if let (Some(thread), Some(task)) = (largest("threads"), largest("tokio")) {
        report.check(
            thread > 4.0 * task,
            "an OS thread costs over four times the memory of a tokio task",
        );
    }
    if let (Some(process), Some(thread)) = (largest("processes"), largest("threads"))
    {
        report.check(
            process > 4.0 * thread,
            "a process costs over four times the memory of a thread",
        );
    }
    report.note(format!(
        "A thread's stack is reserved at {} but only the pages it touches count; \
         the kernel also keeps a stack and bookkeeping per thread (the last column, \
         read machine-wide, so noisy). Every thread and process takes a pid, so \
         this machine's limits cap how many can wait at once:",
        format_bytes(2.0 * 1024.0 * 1024.0),
    ));
    let mut caps = Table::new("This machine's limits", &["limit", "value"]);
    for (name, value) in [
        ("kernel.threads-max", limits.threads_max),
        ("kernel.pid_max", limits.pid_max),
        ("vm.max_map_count", limits.map_count),
    ] {
        let cell = value.map_or(Cell::Missing("unknown".into()), Cell::Tally);
        caps.push(vec![Cell::text(name), cell]);
    }
    report.table(caps);
    Ok(report)
}

/// Runs `--probe KIND COUNT DELAY_MS` in a fresh process, bounded in time.
fn run_probe(
    context: &Context,
    kind: &str,
    count: usize,
    delay: Duration,
) -> anyhow::Result<Probe> {
    let mut child = context
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
        bail!(
            "the {kind} probe with {count} units failed: {}",
            stderr.trim()
        );
    }
    serde_json::from_str(stdout.trim()).context("reading a probe's figures")
}

/// What this machine lets one process start.
struct Limits {
    threads_max: Option<u64>,
    pid_max: Option<u64>,
    map_count: Option<u64>,
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
    fn refuses(&self, kind: &str, count: usize) -> Option<String> {
        let count = count as u64;
        if kind != "threads" && kind != "processes" {
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
        if kind == "threads"
            && let Some(maps) = self.map_count
            && 2 * count > maps / 2
        {
            return Some(format!("max_map_count is {maps}"));
        }
        None
    }
}
