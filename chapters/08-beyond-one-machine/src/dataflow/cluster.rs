//! The dataflow across processes: `processes` copies of this binary in
//! the hidden mode `--dataflow-process INDEX JOBS N ROUNDS ADDRESS...`, each a
//! timely process with one worker, connected to the others over TCP on
//! loopback. Nothing but the address list ties them together, so each
//! could run on another machine, as Dask's workers or Ray's nodes do.

use super::{Share, sum_jobs};
use crate::BOUND;
use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// How often a run looks whether its processes have exited: the most
/// it adds to a measured wall time.
const POLL: Duration = Duration::from_micros(200);

/// The hidden mode's flag.
pub const FLAG: &str = "--dataflow-process";

/// The hidden mode's entry: `args` are this process's index, the jobs,
/// `n`, the rounds, and every process's address in index order.
pub fn serve(args: &[String]) -> ExitCode {
    let Some((index, [jobs, n, rounds], addresses)) = parse(args) else {
        eprintln!("beyond-one-machine: {FLAG} needs INDEX JOBS N ROUNDS ADDRESS...");
        return ExitCode::from(2);
    };
    crate::children::end_when_stdin_closes();
    let config = timely::Config {
        communication: timely::CommunicationConfig::Cluster {
            threads: 1,
            process: index,
            addresses,
            report: false,
            zerocopy: false,
        },
        worker: timely::WorkerConfig::default(),
    };
    let shares =
        timely::execute(config, move |worker| sum_jobs(worker, jobs, n, rounds))
            .map(|guards| guards.join());
    match shares.as_deref() {
        Ok([Ok(share)]) => match serde_json::to_string(share) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e.to_string()),
        },
        Ok(other) => fail(&format!("expected one worker's share, got {other:?}")),
        Err(e) => fail(e),
    }
}

fn parse(args: &[String]) -> Option<(usize, [u64; 3], Vec<String>)> {
    let [index, jobs, n, rounds, addresses @ ..] = args else {
        return None;
    };
    let index: usize = index.parse().ok()?;
    (index < addresses.len()).then_some(())?;
    let counts = [jobs.parse().ok()?, n.parse().ok()?, rounds.parse().ok()?];
    Some((index, counts, addresses.to_vec()))
}

fn fail(why: &str) -> ExitCode {
    eprintln!("beyond-one-machine dataflow process: {why}");
    ExitCode::from(1)
}

// ANCHOR: processes
/// Runs the dataflow on `processes` processes of `program` over loopback
/// TCP and returns each one's share, in index order. Bounded: processes
/// that have not all finished within [`BOUND`] are killed, and it fails.
pub fn run_processes(
    program: &Path,
    processes: usize,
    jobs: u64,
    n: u64,
    rounds: u64,
) -> anyhow::Result<Vec<Share>> {
    let addresses = free_addresses(processes)?;
    let mut running = Running(Vec::new());
    for index in 0..processes {
        let child = Command::new(program)
            .arg(FLAG)
            .args([
                index.to_string(),
                jobs.to_string(),
                n.to_string(),
                rounds.to_string(),
            ])
            .args(&addresses)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| anyhow::anyhow!("starting a dataflow process: {e}"))?;
        running.0.push(child);
    }
    running.wait(Instant::now() + BOUND)?;
    running.0.iter_mut().map(share_of).collect()
}
// ANCHOR_END: processes

/// One loopback address per process, each on a port the OS just gave out
/// (then released for the process to bind: a window another program
/// could take the port in, which would fail the run, not hang it).
fn free_addresses(count: usize) -> anyhow::Result<Vec<String>> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()?;
    (listeners.iter())
        .map(|l| Ok(l.local_addr()?.to_string()))
        .collect()
}

/// What a finished process printed last: its share, or why it failed.
fn share_of(child: &mut Child) -> anyhow::Result<Share> {
    let (mut out, mut err) = (String::new(), String::new());
    if let Some(stdout) = child.stdout.as_mut() {
        stdout.read_to_string(&mut out)?;
    }
    if let Some(stderr) = child.stderr.as_mut() {
        stderr.read_to_string(&mut err)?;
    }
    let status = child.wait()?;
    if !status.success() {
        anyhow::bail!("a dataflow process ended with {status}: {}", err.trim());
    }
    // timely prints its connection progress on stdout too: the share is
    // the last line.
    let last = out.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .map_err(|e| anyhow::anyhow!("a dataflow process printed {out:?}: {e}"))
}

/// The processes of one run, killed on drop: a run that failed half-way
/// leaves none behind, and a process still waiting for a peer that never
/// came does not outlive it.
struct Running(Vec<Child>);

impl Running {
    /// Waits until every process has exited, or kills them all at
    /// `deadline`. (Each prints one short line, well within a pipe's
    /// buffer, so none blocks on its output while it is waited for.)
    fn wait(&mut self, deadline: Instant) -> anyhow::Result<()> {
        for child in &mut self.0 {
            while child.try_wait()?.is_none() {
                if Instant::now() >= deadline {
                    anyhow::bail!(
                        "the dataflow's processes did not finish within {} s",
                        BOUND.as_secs()
                    );
                }
                std::thread::sleep(POLL);
            }
        }
        Ok(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
