//! `cargo run -p error-handling -- --help`. Started with a hidden flag, the
//! binary is instead a misbehaving child process or a process-pool worker
//! for its own demos.

use error_handling::child;
use shared::executor::process_pool::serve_if_worker;
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(code) = child::serve_if_child() {
        return code;
    }
    child::no_core_dump_if_worker();
    if let Some(code) = serve_if_worker(&shared::tasks::registry()) {
        return code;
    }
    // Sections panic on purpose: one line each instead of a backtrace.
    shared::panics::install_one_line(|thread, message| {
        format!("(panic on {thread}: {message} — on purpose, see the report)")
    });
    let args = match shared::cli::arguments("error-handling") {
        Ok(args) => args,
        Err(code) => return code,
    };
    shared::cli::run(
        &error_handling::CHAPTER,
        args,
        error_handling::Context::from_options,
    )
}
