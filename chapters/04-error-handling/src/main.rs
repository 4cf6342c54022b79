//! `cargo run -p error-handling -- --help`. Started with a hidden flag, the
//! binary is instead a misbehaving child process or a process-pool worker
//! for its own demos.

use error_handling::child;
use shared::cli::Mode;
use shared::executor::process_pool::{WORKER_FLAG, serve_worker};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Sections panic on purpose: one line each instead of a backtrace.
    shared::panics::install_one_line(|thread, message| {
        format!("(panic on {thread}: {message} — on purpose, see the report)")
    });
    let misbehaving = Mode {
        flag: child::CHILD_FLAG,
        run: child::main,
    };
    // Pool workers crash on purpose too (`Misbehave::Abort`).
    let worker = Mode {
        flag: WORKER_FLAG,
        run: |_| {
            child::no_core_dump();
            serve_worker(&shared::tasks::registry())
        },
    };
    shared::cli::main(
        &error_handling::CHAPTER,
        &[misbehaving, worker],
        error_handling::Context::from_options,
    )
}
