//! `cargo run -p comparison -- --help`. The binary also serves as its own
//! worker process (`--executor-worker`) and memory probe (`--probe`).

use shared::cli::Mode;
use shared::executor::process_pool::{WORKER_FLAG, serve_worker};
use std::process::ExitCode;

fn main() -> ExitCode {
    // ANCHOR: serve
    // Started by a process pool as a worker: serve its tasks, nothing else.
    let worker = Mode {
        flag: WORKER_FLAG,
        run: |_| serve_worker(&comparison::worker::registry()),
    };
    // ANCHOR_END: serve
    let probe = Mode {
        flag: comparison::probe::PROBE_FLAG,
        run: probe_mode,
    };
    shared::cli::main(
        &comparison::CHAPTER,
        &[worker, probe],
        comparison::Context::from_options,
    )
}

/// The probe mode: an error is one line on stderr and status 2.
fn probe_mode(args: &[String]) -> ExitCode {
    match comparison::probe::main(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("comparison: {err:#}");
            ExitCode::from(2)
        }
    }
}
