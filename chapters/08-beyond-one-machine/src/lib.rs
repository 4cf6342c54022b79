//! Chapter 8: beyond one machine. Chapter 2's process pool stops at the
//! machine's edge; a Python programmer past it reaches for Celery or RQ on
//! a broker. This chapter runs the seed's jobs on a job queue over Redis
//! (apalis, see [`broker`] for why that one), N worker processes that
//! could each be on another machine, and counts what changes once work
//! leaves the process: throughput and the latency a broker adds, and the
//! faults: a worker killed mid-job, the broker restarted, a poison job.
//!
//! The broker is opt-in (`--features broker`, a Redis to talk to): without
//! it each section says what it skipped and why, and the run passes.
//!
//! Layout:
//! - [`jobs`]: the jobs that cross the broker, plain serde data.
//! - [`pool`]: the baseline, chapter 2's process pool on the same jobs.
//! - `broker` (feature `broker`): the queue, the worker process, the
//!   fleet of them, the measurements and the faults.
//! - `dataflow` (feature `dataflow`): the sum of squares on timely
//!   dataflow, in threads and across processes over TCP.
//! - `server` (feature `broker`): a redis-server the chapter starts and
//!   restarts itself.
//! - [`sections`]: one file per section, each a `measure` into its typed
//!   results and a pure `report` from them.
//! - [`sizes`]: quick (default), full, and tiny (tests).
//! - [`exercises`] and [`solutions`]: the learner's stub and the answer.

#[cfg(feature = "broker")]
pub mod broker;
pub mod children;
#[cfg(feature = "dataflow")]
pub mod dataflow;
pub mod exercises;
pub mod jobs;
pub mod pool;
pub mod sections;
#[cfg(feature = "broker")]
pub mod server;
pub mod sizes;
pub mod solutions;

use serde::{Deserialize, Serialize};
use shared::cli::{Chapter, Options, Section};
use shared::typed;
use sizes::Sizes;
use std::path::PathBuf;
use std::time::Duration;

/// The longest any wait for the broker or a worker lasts: generous, so
/// only a lost job or a hung worker trips it, and then the section fails
/// instead of hanging.
pub const BOUND: Duration = Duration::from_secs(90);

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context, Results> = Chapter {
    package: "beyond-one-machine",
    title: "Chapter 8 · Beyond one machine: a job queue, its faults, a dataflow engine",
    sections: &[
        Section {
            name: "job-queue",
            summary: "the seed's jobs on apalis over Redis, 1-4 worker processes vs a pool",
            run: typed!(job_queue),
        },
        Section {
            name: "faults",
            summary: "a worker killed, the broker restarted, a poison job: nothing lost",
            run: typed!(faults),
        },
        Section {
            name: "dataflow",
            summary: "the sum of squares on timely dataflow across processes vs rayon",
            run: typed!(dataflow),
        },
    ],
    python: None,
};

/// Everything one run of the chapter saw, section by section: what
/// `--json` prints under `results`. A section that did not run is `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub job_queue: Option<sections::job_queue::JobQueue>,
    pub faults: Option<sections::Ran<sections::faults::Faults>>,
    pub dataflow: Option<sections::dataflow::Dataflow>,
}

/// The results of a section a report needs (shared by every chapter).
pub use shared::cli::need;

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
    /// This binary: re-executed as a worker process, of the broker's
    /// queue or of the process pool it is measured against.
    pub program: PathBuf,
    /// The Redis the `job-queue` section uses (`REDIS_URL`); `None`
    /// skips it.
    pub redis_url: Option<String>,
    /// Whether the `faults` section may start a redis-server of its own:
    /// it restarts the broker mid-run, which it can do only to its own.
    pub own_broker: bool,
}

impl Context {
    pub fn new(sizes: Sizes, program: PathBuf) -> Context {
        Context {
            sizes,
            program,
            redis_url: None,
            own_broker: false,
        }
    }

    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let mut context = Context::new(options.sizes(), std::env::current_exe()?);
        context.redis_url =
            std::env::var("REDIS_URL").ok().filter(|u| !u.is_empty());
        context.own_broker = true;
        Ok(context)
    }
}
