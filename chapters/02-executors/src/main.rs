//! `cargo run -p executors -- --help`. Started with `--executor-worker`, the
//! binary is a worker process of the chapter's process pools instead.

use shared::executor::process_pool::serve_if_worker;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(code) = serve_if_worker(&executors::registry()) {
        return code;
    }
    // The `failures` section panics on purpose; say so in one line instead
    // of a backtrace. (The panic hook is Rust's `threading.excepthook`.)
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("a thread");
        let message = shared::exercise::panic_message(info.payload());
        // Not eprintln!: on a closed or full stderr it panics, and a panic
        // inside the hook aborts the whole process.
        let _ = writeln!(
            std::io::stderr(),
            "(a task panicked on {name}: {message} — its future holds the error)"
        );
    }));
    let args = match shared::cli::arguments("executors") {
        Ok(args) => args,
        Err(code) => return code,
    };
    shared::cli::run(&executors::CHAPTER, args, executors::Context::from_options)
}
