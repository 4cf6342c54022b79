//! `cargo run -p comparison -- --help`. The binary also serves as its own
//! worker process (`--worker`) and memory probe (`--probe`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(comparison::worker::WORKER_FLAG) => hidden_mode(|| {
            comparison::worker::serve(std::io::stdin().lock(), std::io::stdout())
        }),
        Some(comparison::probe::PROBE_FLAG) => {
            hidden_mode(|| comparison::probe::main(&args[1..]))
        }
        _ => shared::cli::run(
            &comparison::CHAPTER,
            args,
            comparison::Context::from_options,
        ),
    }
}

/// The worker and probe modes: an error is one line on stderr and status 2.
fn hidden_mode(run: impl FnOnce() -> anyhow::Result<()>) -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("comparison: {err:#}");
            ExitCode::from(2)
        }
    }
}
