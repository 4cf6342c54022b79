//! A worker program for the process pool's tests: it serves the tasks in
//! `shared::tasks` when started with `--executor-worker`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match shared::executor::process_pool::serve_if_worker(&shared::tasks::registry())
    {
        Some(code) => code,
        None => {
            eprintln!(
                "executor-worker: start me as a process pool's worker (--executor-worker)"
            );
            ExitCode::from(2)
        }
    }
}
