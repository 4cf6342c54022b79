//! `cargo run -p beyond-one-machine -- --help`. Started with
//! `--executor-worker`, the binary is a worker of chapter 2's process pool
//! (the baseline); with `--broker-worker` (feature `broker`), a worker
//! process of the job queue on Redis; with `--dataflow-process` (feature
//! `dataflow`), one process of the timely dataflow.

use shared::cli::Mode;
use shared::executor::process_pool::{WORKER_FLAG, serve_worker};

fn main() -> std::process::ExitCode {
    let pool_worker = Mode {
        flag: WORKER_FLAG,
        run: |_| serve_worker(&beyond_one_machine::jobs::registry()),
    };
    let modes: Vec<Mode> = [Some(pool_worker), broker_worker(), dataflow_process()]
        .into_iter()
        .flatten()
        .collect();
    shared::cli::main(
        &beyond_one_machine::CHAPTER,
        &modes,
        beyond_one_machine::Context::from_options,
    )
}

/// A worker process of the job queue, in a build that has one.
fn broker_worker() -> Option<Mode> {
    #[cfg(feature = "broker")]
    return Some(Mode {
        flag: beyond_one_machine::broker::WORKER_FLAG,
        run: beyond_one_machine::broker::worker::serve,
    });
    #[cfg(not(feature = "broker"))]
    None
}

/// A process of the dataflow across processes, in a build that has it.
fn dataflow_process() -> Option<Mode> {
    #[cfg(feature = "dataflow")]
    return Some(Mode {
        flag: beyond_one_machine::dataflow::cluster::FLAG,
        run: beyond_one_machine::dataflow::cluster::serve,
    });
    #[cfg(not(feature = "dataflow"))]
    None
}
