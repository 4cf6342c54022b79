//! `cargo run -p executors -- --help`. Started with `--executor-worker`, the
//! binary is a worker process of the chapter's process pools instead.

use shared::cli::Mode;
use shared::executor::process_pool::{WORKER_FLAG, serve_worker};
use std::process::ExitCode;

fn main() -> ExitCode {
    // The `failures` section panics on purpose; say so in one line instead
    // of a backtrace. (The panic hook is Rust's `threading.excepthook`; a
    // worker replaces it with a silent one.)
    shared::panics::install_one_line(|thread, message| {
        format!(
            "(a task panicked on {thread}: {message} — its future holds the error)"
        )
    });
    let worker = Mode {
        flag: WORKER_FLAG,
        run: |_| serve_worker(&executors::registry()),
    };
    shared::cli::main(
        &executors::CHAPTER,
        &[worker],
        executors::Context::from_options,
    )
}
