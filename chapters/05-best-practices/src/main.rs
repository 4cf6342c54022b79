//! `cargo run -p best-practices -- --help`. The binary also serves as a
//! worker process for the `right-tool` section: a process pool's worker,
//! serving the shared tasks (`--executor-worker`), and one light job per
//! process (`--light-job`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let registry = shared::tasks::registry();
    if let Some(code) = shared::executor::process_pool::serve_if_worker(&registry) {
        return code;
    }
    let args = match shared::cli::arguments("best-practices") {
        Ok(args) => args,
        Err(code) => return code,
    };
    if args.first().map(String::as_str) == Some(best_practices::light_job::FLAG) {
        return best_practices::light_job::main(&args[1..]);
    }
    shared::cli::run(
        &best_practices::CHAPTER,
        args,
        best_practices::Context::from_options,
    )
}
