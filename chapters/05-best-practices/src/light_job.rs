//! `--light-job URL MS`: this binary started as a one-job process, for
//! `right-tool`. It waits `MS` milliseconds (a light I/O job), prints
//! "data from URL" and exits — what a `multiprocessing.Process` started per
//! request does, with nothing else to pay for.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The argument that turns the chapter's binary into a one-job process.
pub const FLAG: &str = "--light-job";

/// The one-job process's side. Bad arguments: one line, status 2.
pub fn main(args: &[String]) -> ExitCode {
    let [url, ms] = args else {
        eprintln!("best-practices: usage: {FLAG} URL MILLISECONDS");
        return ExitCode::from(2);
    };
    let Ok(ms) = ms.parse::<u64>() else {
        eprintln!("best-practices: {FLAG}: '{ms}' is not a number of milliseconds");
        return ExitCode::from(2);
    };
    std::thread::sleep(Duration::from_millis(ms));
    println!("data from {url}");
    ExitCode::SUCCESS
}

// ANCHOR: process_per_job
/// The parent's side: start `program` as a one-job process, wait for it
/// (at most `limit`: a stuck child is killed) and return what it printed.
pub fn run_one(
    program: &Path,
    url: &str,
    wait: Duration,
    limit: Duration,
) -> anyhow::Result<String> {
    let mut child = Command::new(program)
        .args([FLAG, url, &wait.as_millis().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let start = Instant::now();
    while child.try_wait()?.is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!("a one-job process ran past {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let output = child.wait_with_output()?;
    // A child killed by a signal says nothing: the status is the cause.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said = match stderr.trim() {
        "" => "nothing on stderr",
        said => said,
    };
    anyhow::ensure!(
        output.status.success(),
        "a one-job process failed ({}): {said}",
        output.status
    );
    Ok(String::from_utf8(output.stdout)?.trim_end().to_string())
}
// ANCHOR_END: process_per_job
