//! The children of the `processes` section: this same binary, started with
//! [`CHILD_FLAG`] and a word saying how to end.

use std::process::ExitCode;
use std::time::Duration;

/// The hidden argument that makes this binary a misbehaving child.
pub const CHILD_FLAG: &str = "--misbehaving-child";

/// Call first in `main`: in a child, behave as asked and return its code.
pub fn serve_if_child() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next().is_none_or(|arg| arg != CHILD_FLAG) {
        return None;
    }
    no_core_dump();
    let how = args.next().unwrap_or_default();
    Some(behave(&how.to_string_lossy()))
}

// ANCHOR: behave
/// Each way a child process can end.
fn behave(how: &str) -> ExitCode {
    match how {
        "succeed" => {
            println!("42");
            ExitCode::SUCCESS
        }
        "exit-3" => {
            eprintln!("config.toml: no such file");
            ExitCode::from(3)
        }
        "warn" => {
            eprintln!("warning: the cache is stale, results may be old");
            println!("42");
            ExitCode::SUCCESS
        }
        "panic" => panic!("called `Option::unwrap()` on a `None` value"),
        "abort" => std::process::abort(), // SIGABRT, as a crash in C would
        "hang" => {
            std::thread::sleep(Duration::from_secs(60));
            ExitCode::from(4)
        }
        other => {
            eprintln!("no behaviour '{other}'");
            ExitCode::from(2)
        }
    }
}
// ANCHOR_END: behave

/// Pool workers crash on purpose too (`Misbehave::Abort`).
pub fn no_core_dump_if_worker() {
    let flag = shared::executor::process_pool::WORKER_FLAG;
    if std::env::args_os().nth(1).is_some_and(|arg| arg == flag) {
        no_core_dump();
    }
}

/// A crash on purpose should not leave a core file on the reader's disk.
fn no_core_dump() {
    use nix::sys::resource::{Resource, setrlimit};
    let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
}
