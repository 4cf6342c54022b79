//! `cargo run -p comparison -- --help`. The binary also serves as its own
//! worker process (`--executor-worker`) and memory probe (`--probe`).

use shared::executor::process_pool::serve_if_worker;
use std::process::ExitCode;

fn main() -> ExitCode {
    // ANCHOR: serve
    // Started by a process pool as a worker: serve its tasks, nothing else.
    let registry = comparison::worker::registry();
    if let Some(code) = serve_if_worker(&registry) {
        return code;
    }
    // ANCHOR_END: serve
    let args = match shared::cli::arguments("comparison") {
        Ok(args) => args,
        Err(code) => return code,
    };
    match args.first().map(String::as_str) {
        Some(comparison::probe::PROBE_FLAG) => probe_mode(&args[1..]),
        _ => shared::cli::run(
            &comparison::CHAPTER,
            args,
            comparison::Context::from_options,
        ),
    }
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
