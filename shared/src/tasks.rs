//! Tasks for the executors: the article's two jobs, and the ways a task can
//! go wrong, each a named type a worker process can run.

use crate::executor::{Registry, Task};
use crate::workload::{RanOn, download_blocking, sum_of_squares};
use serde::{Deserialize, Serialize};
use std::time::Duration;

// ANCHOR: sum_of_squares
/// The CPU-bound job: the sum of `i * i` below `n`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SumOfSquares {
    pub n: u64,
}

impl Task for SumOfSquares {
    type Output = u64;
    const NAME: &'static str = "sum_of_squares";
    fn run(self) -> anyhow::Result<u64> {
        Ok(sum_of_squares(self.n))
    }
}
// ANCHOR_END: sum_of_squares

/// The I/O-bound job as a task for a pool: wait, then return "data from
/// URL" and who ran it (the parts of a [`crate::workload::Download`] that
/// travel back from a worker process).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DownloadTask {
    pub url: String,
    pub delay_ms: u64,
}

impl Task for DownloadTask {
    type Output = (String, RanOn);
    const NAME: &'static str = "download";
    fn run(self) -> anyhow::Result<(String, RanOn)> {
        let d = download_blocking(&self.url, Duration::from_millis(self.delay_ms));
        Ok((d.body, d.ran_on))
    }
}

/// Returns its number unchanged: the cost of the round trip alone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Echo(pub u64);

impl Task for Echo {
    type Output = u64;
    const NAME: &'static str = "echo";
    fn run(self) -> anyhow::Result<u64> {
        Ok(self.0)
    }
}

/// Returns its floats unchanged: NaN, the infinities, -0.0 and the
/// subnormals must come back from a worker process bit for bit, as they
/// come back from a worker thread.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EchoFloats(pub Vec<f64>);

impl Task for EchoFloats {
    type Output = Vec<f64>;
    const NAME: &'static str = "echo_floats";
    fn run(self) -> anyhow::Result<Vec<f64>> {
        Ok(self.0)
    }
}

/// Sleeps, then returns its number: a task that takes a known time.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sleep {
    pub ms: u64,
    pub value: u64,
}

impl Task for Sleep {
    type Output = u64;
    const NAME: &'static str = "sleep";
    fn run(self) -> anyhow::Result<u64> {
        std::thread::sleep(Duration::from_millis(self.ms));
        Ok(self.value)
    }
}

/// Prints `text` (a line, then half a line), then returns its number: a
/// task that logs to stdout, as many dependencies do.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Print {
    pub text: String,
    pub value: u64,
}

impl Task for Print {
    type Output = u64;
    const NAME: &'static str = "print";
    fn run(self) -> anyhow::Result<u64> {
        println!("{}", self.text);
        print!("{} (no newline)", self.text);
        Ok(self.value)
    }
}

/// What [`Remember`] stored in this process, for [`Recall`] to read.
static REMEMBERED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Stores a note in the process that runs it: a pool's initializer, as a
/// Python worker's initializer opens a connection or loads a model once.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Remember(pub String);

impl Task for Remember {
    type Output = ();
    const NAME: &'static str = "remember";
    fn run(self) -> anyhow::Result<()> {
        *REMEMBERED.lock().unwrap_or_else(|p| p.into_inner()) = Some(self.0);
        Ok(())
    }
}

/// The note [`Remember`] stored in this process, if any, and the process's
/// id: which worker ran it, and whether that worker was initialised.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Recall;

impl Task for Recall {
    type Output = (Option<String>, u32);
    const NAME: &'static str = "recall";
    fn run(self) -> anyhow::Result<(Option<String>, u32)> {
        let note = REMEMBERED.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Ok((note, std::process::id()))
    }
}

/// How a task can go wrong.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Misbehave {
    /// Returns an error, as a Python task raises one.
    Fail(String),
    /// Panics.
    Panic(String),
    /// Ends its whole process at once, as a crash or `kill -9` would.
    Abort,
}

impl Task for Misbehave {
    type Output = u64;
    const NAME: &'static str = "misbehave";
    fn run(self) -> anyhow::Result<u64> {
        match self {
            Misbehave::Fail(why) => anyhow::bail!("{why}"),
            Misbehave::Panic(why) => panic!("{why}"),
            Misbehave::Abort => std::process::abort(),
        }
    }
}

/// Every task above: what a worker program registers.
pub fn registry() -> Registry {
    Registry::new()
        .register::<SumOfSquares>()
        .register::<DownloadTask>()
        .register::<Echo>()
        .register::<EchoFloats>()
        .register::<Sleep>()
        .register::<Print>()
        .register::<Misbehave>()
        .register::<Remember>()
        .register::<Recall>()
}
