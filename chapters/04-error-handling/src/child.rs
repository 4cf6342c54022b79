//! The children of the `processes` section: this same binary, started with
//! [`CHILD_FLAG`] and a word saying how to end.

use std::process::ExitCode;
use std::time::Duration;

/// The hidden argument that makes this binary a misbehaving child.
pub const CHILD_FLAG: &str = "--misbehaving-child";

/// The child's `main` (a hidden mode of the binary): behave as the first
/// argument says and end with its code.
pub fn main(args: &[String]) -> ExitCode {
    // A child panics as any program does, with the default hook's message,
    // not the chapter's one-line hook that `main` installed first.
    drop(std::panic::take_hook());
    no_core_dump();
    behave(args.first().map_or("", String::as_str))
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

/// A crash on purpose should not leave a core file on the reader's disk.
pub fn no_core_dump() {
    use nix::sys::resource::{Resource, setrlimit};
    let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
}
