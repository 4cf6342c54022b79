//! `cargo run -p executors -- --help`. Started with `--executor-worker`, the
//! binary is a worker process of the chapter's process pools instead.

use shared::executor::process_pool::serve_if_worker;
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(code) = serve_if_worker(&executors::registry()) {
        return code;
    }
    // The `failures` section panics on purpose; say so in one line instead
    // of a backtrace. (The panic hook is Rust's `threading.excepthook`.)
    shared::panics::install_one_line(|thread, message| {
        format!(
            "(a task panicked on {thread}: {message} — its future holds the error)"
        )
    });
    let args = match shared::cli::arguments("executors") {
        Ok(args) => args,
        Err(code) => return code,
    };
    shared::cli::run(&executors::CHAPTER, args, executors::Context::from_options)
}
