//! `cargo run -p best-practices -- --help`. The binary also serves as a
//! worker process for the `right-tool` section: a process pool's worker,
//! serving the shared tasks (`--executor-worker`), and one light job per
//! process (`--light-job`).

use shared::cli::Mode;
use shared::executor::process_pool::{WORKER_FLAG, serve_worker};
use std::process::ExitCode;

fn main() -> ExitCode {
    let worker = Mode {
        flag: WORKER_FLAG,
        run: |_| serve_worker(&shared::tasks::registry()),
    };
    let light_job = Mode {
        flag: best_practices::light_job::FLAG,
        run: best_practices::light_job::main,
    };
    shared::cli::main(
        &best_practices::CHAPTER,
        &[worker, light_job],
        best_practices::Context::from_options,
    )
}
