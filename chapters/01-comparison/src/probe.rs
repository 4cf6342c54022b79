//! `--probe KIND COUNT DELAY_MS`: hold COUNT concurrent waits of DELAY_MS
//! and report, as one JSON line, the memory they took and the wall time.
//!
//! Each measurement runs in a fresh process so that one kind's leftovers
//! (a grown heap, a thread cache) never count against the next. Every unit
//! first waits at a starting gate, so all COUNT exist at once when the
//! memory is read; then the gate opens and each waits DELAY_MS.
//!
//! `--probe bare-tokio|bare-threads COUNT DELAY_MS` are the calibration's
//! minimal programs: the same waits with nothing around them — no gate, no
//! memory reading — in a fresh process too, so that process state is not
//! the difference between the two.

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use shared::memory::{kernel_bytes, process_pss_bytes, rss_bytes};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The argument that turns the chapter's binary into a probe.
pub const PROBE_FLAG: &str = "--probe";

/// The kinds of concurrent unit a probe can hold.
pub const KINDS: [&str; 5] = ["threads", "tokio", "async-std", "smol", "processes"];

/// What one probe measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    pub kind: String,
    pub units: usize,
    pub wall_s: f64,
    /// Memory the units added: RSS for threads and tasks, the sum of each
    /// child's PSS for processes.
    pub bytes: f64,
    /// Kernel stacks and page tables added, machine-wide (so noisy).
    pub kernel_bytes: f64,
}

/// The probe's entry point: `args` are what follows `--probe`.
pub fn main(args: &[String]) -> anyhow::Result<()> {
    let usage = "usage: --probe KIND COUNT DELAY_MS | --probe child DELAY_MS";
    if let [kind, delay_ms] = args
        && kind == "child"
    {
        return child(Duration::from_millis(delay_ms.parse().context(usage)?));
    }
    let [kind, count, delay_ms] = args else {
        bail!("{usage}");
    };
    let count: usize = count.parse().context(usage)?;
    let delay = Duration::from_millis(delay_ms.parse().context(usage)?);
    let (bytes, kernel, wall) = match kind.as_str() {
        "threads" => threads(count, delay)?,
        "tokio" => tokio_tasks(count, delay)?,
        "async-std" => async_std_tasks(count, delay)?,
        "smol" => smol_tasks(count, delay)?,
        "bare-tokio" => (0.0, 0.0, bare_tokio(count, delay)?),
        "bare-threads" => (0.0, 0.0, bare_threads(count, delay)?),
        other => bail!("no probe kind '{other}' ({})", KINDS.join(", ")),
    };
    let probe = Probe {
        kind: kind.clone(),
        units: count,
        wall_s: wall.as_secs_f64(),
        bytes,
        kernel_bytes: kernel,
    };
    println!("{}", serde_json::to_string(&probe)?);
    Ok(())
}

/// Memory before and at the peak, as (user bytes, kernel bytes) added.
struct Baseline {
    rss: u64,
    kernel: u64,
}

impl Baseline {
    fn now() -> anyhow::Result<Baseline> {
        Ok(Baseline {
            rss: rss_bytes()?,
            kernel: kernel_bytes()?,
        })
    }

    fn added(&self) -> anyhow::Result<(f64, f64)> {
        let now = Baseline::now()?;
        Ok((
            now.rss as f64 - self.rss as f64,
            now.kernel as f64 - self.kernel as f64,
        ))
    }
}

/// Waits (politely) until `ready` reaches `count`, for at most a minute.
fn wait_for(ready: &AtomicUsize, count: usize) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while ready.load(Ordering::Acquire) < count {
        if Instant::now() > deadline {
            bail!(
                "only {} of {count} units started",
                ready.load(Ordering::Acquire)
            );
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

// ANCHOR: threads
fn threads(count: usize, delay: Duration) -> anyhow::Result<(f64, f64, Duration)> {
    let ready = Arc::new(AtomicUsize::new(0));
    // Dropping `open_gate` wakes every thread blocked on `gate.recv()`.
    let (open_gate, gate) = crossbeam::channel::bounded::<()>(0);
    let before = Baseline::now()?;
    let start = Instant::now();
    let mut handles = Vec::with_capacity(count);
    for _ in 0..count {
        let (gate, ready) = (gate.clone(), ready.clone());
        let spawned = std::thread::Builder::new().spawn(move || {
            ready.fetch_add(1, Ordering::Release);
            let _ = gate.recv();
            std::thread::sleep(delay);
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                drop(open_gate);
                let started = handles.len();
                handles.into_iter().for_each(|h| drop(h.join()));
                bail!("the OS refused thread {}: {err}", started + 1);
            }
        }
    }
    let ready_wait = wait_for(&ready, count);
    // Reading memory is the probe's cost, not the units': its time is
    // taken out of the wall time.
    let pause = Instant::now();
    let measured = ready_wait.and_then(|()| before.added());
    drop(open_gate);
    let pause = pause.elapsed();
    for handle in handles {
        let _ = handle.join();
    }
    let (bytes, kernel) = measured?;
    Ok((bytes, kernel, start.elapsed() - pause))
}
// ANCHOR_END: threads

// ANCHOR: tokio
fn tokio_tasks(
    count: usize,
    delay: Duration,
) -> anyhow::Result<(f64, f64, Duration)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()?;
    let ready = Arc::new(AtomicUsize::new(0));
    let before = Baseline::now()?;
    runtime.block_on(async {
        // Dropping `open_gate` ends every `gate.changed()` wait.
        let (open_gate, gate) = tokio::sync::watch::channel(());
        let start = Instant::now();
        let tasks: Vec<_> = (0..count)
            .map(|_| {
                let (mut gate, ready) = (gate.clone(), ready.clone());
                tokio::spawn(async move {
                    ready.fetch_add(1, Ordering::Release);
                    let _ = gate.changed().await;
                    tokio::time::sleep(delay).await;
                })
            })
            .collect();
        while ready.load(Ordering::Acquire) < count {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let pause = Instant::now(); // reading memory: not the units' time
        let measured = before.added();
        drop(open_gate);
        let pause = pause.elapsed();
        for task in tasks {
            task.await?;
        }
        let (bytes, kernel) = measured?;
        Ok((bytes, kernel, start.elapsed() - pause))
    })
}
// ANCHOR_END: tokio

fn async_std_tasks(
    count: usize,
    delay: Duration,
) -> anyhow::Result<(f64, f64, Duration)> {
    let ready = Arc::new(AtomicUsize::new(0));
    // Start the global executor's threads before the baseline.
    async_std::task::block_on(async_std::task::spawn(async {}));
    let before = Baseline::now()?;
    async_std::task::block_on(async {
        let (open_gate, gate) = async_std::channel::bounded::<()>(1);
        let start = Instant::now();
        let tasks: Vec<_> = (0..count)
            .map(|_| {
                let (gate, ready) = (gate.clone(), ready.clone());
                async_std::task::spawn(async move {
                    ready.fetch_add(1, Ordering::Release);
                    let _ = gate.recv().await;
                    async_std::task::sleep(delay).await;
                })
            })
            .collect();
        while ready.load(Ordering::Acquire) < count {
            async_std::task::sleep(Duration::from_millis(1)).await;
        }
        let pause = Instant::now(); // reading memory: not the units' time
        let measured = before.added();
        drop(open_gate);
        let pause = pause.elapsed();
        for task in tasks {
            task.await;
        }
        let (bytes, kernel) = measured?;
        Ok((bytes, kernel, start.elapsed() - pause))
    })
}

fn smol_tasks(
    count: usize,
    delay: Duration,
) -> anyhow::Result<(f64, f64, Duration)> {
    let ready = Arc::new(AtomicUsize::new(0));
    let executor = smol::LocalExecutor::new();
    let before = Baseline::now()?;
    smol::block_on(executor.run(async {
        let (open_gate, gate) = smol::channel::bounded::<()>(1);
        let start = Instant::now();
        let tasks: Vec<_> = (0..count)
            .map(|_| {
                let (gate, ready) = (gate.clone(), ready.clone());
                executor.spawn(async move {
                    ready.fetch_add(1, Ordering::Release);
                    let _ = gate.recv().await;
                    smol::Timer::after(delay).await;
                })
            })
            .collect();
        while ready.load(Ordering::Acquire) < count {
            smol::future::yield_now().await;
        }
        let pause = Instant::now(); // reading memory: not the units' time
        let measured = before.added();
        drop(open_gate);
        let pause = pause.elapsed();
        for task in tasks {
            task.await;
        }
        let (bytes, kernel) = measured?;
        Ok((bytes, kernel, start.elapsed() - pause))
    }))
}

/// A child of the process probe: say "ready", wait for the gate (our stdin
/// closing), then wait `delay` and exit.
fn child(delay: Duration) -> anyhow::Result<()> {
    println!("ready");
    std::io::stdout().flush()?;
    let mut rest = String::new();
    let _ = std::io::stdin().read_line(&mut rest);
    std::thread::sleep(delay);
    Ok(())
}

/// Holds `count` child processes at the gate and adds up their PSS. Runs in
/// the calling process: the children are what is measured.
pub fn processes(
    program: &std::path::Path,
    count: usize,
    delay: Duration,
) -> anyhow::Result<Probe> {
    let kernel_before = kernel_bytes()?;
    let start = Instant::now();
    let mut children: Vec<Child> = Vec::with_capacity(count);
    let delay_ms = delay.as_millis().to_string();
    let outcome = (|| -> anyhow::Result<(f64, f64)> {
        for _ in 0..count {
            let mut child = Command::new(program)
                .args([PROBE_FLAG, "child", &delay_ms])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .context("starting a child process")?;
            let stdout = child.stdout.take().expect("stdout is piped");
            children.push(child);
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line)?;
            if line.trim() != "ready" {
                bail!("a child process did not start");
            }
        }
        let mut pss = 0;
        for child in &children {
            pss += process_pss_bytes(child.id())?;
        }
        let kernel = kernel_bytes()? as f64 - kernel_before as f64;
        Ok((pss as f64, kernel))
    })();
    // Open the gate (close every stdin) and reap every child, on every path.
    for child in &mut children {
        child.stdin.take();
    }
    for child in &mut children {
        let _ = child.wait();
    }
    let (bytes, kernel_bytes) = outcome?;
    Ok(Probe {
        kind: "processes".into(),
        units: count,
        wall_s: start.elapsed().as_secs_f64(),
        bytes,
        kernel_bytes,
    })
}

// ANCHOR: bare
/// `count` tokio tasks each sleeping `delay`, and nothing else: how long
/// until all are done.
fn bare_tokio(count: usize, delay: Duration) -> anyhow::Result<Duration> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()?;
    let start = Instant::now();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..count)
            .map(|_| tokio::spawn(tokio::time::sleep(delay)))
            .collect();
        for task in tasks {
            task.await?;
        }
        anyhow::Ok(())
    })?;
    Ok(start.elapsed())
}

/// `count` threads each sleeping `delay`, and nothing else.
fn bare_threads(count: usize, delay: Duration) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let threads = (0..count)
        .map(|_| {
            std::thread::Builder::new().spawn(move || std::thread::sleep(delay))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for thread in threads {
        thread
            .join()
            .map_err(|_| anyhow::anyhow!("a sleeping thread panicked"))?;
    }
    Ok(start.elapsed())
}
// ANCHOR_END: bare
