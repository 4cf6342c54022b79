//! `cargo run -p beyond-one-machine -- --help`. Started with
//! `--executor-worker`, the binary is a worker of chapter 2's process pool
//! (the baseline); with `--broker-worker` (feature `broker`), a worker
//! process of the job queue on Redis.

use shared::cli::Mode;
use shared::executor::process_pool::{WORKER_FLAG, serve_worker};

fn main() -> std::process::ExitCode {
    let pool_worker = Mode {
        flag: WORKER_FLAG,
        run: |_| serve_worker(&beyond_one_machine::jobs::registry()),
    };
    #[cfg(feature = "broker")]
    let modes = [
        pool_worker,
        Mode {
            flag: beyond_one_machine::broker::WORKER_FLAG,
            run: beyond_one_machine::broker::worker::serve,
        },
    ];
    #[cfg(not(feature = "broker"))]
    let modes = [pool_worker];
    shared::cli::main(
        &beyond_one_machine::CHAPTER,
        &modes,
        beyond_one_machine::Context::from_options,
    )
}
