//! `--hang`: the deadlock with no timeout — the process a reader meets in
//! real life, hung for good. `debugger` starts this binary with `--hang`,
//! looks at its threads from outside, and kills it. So that a forgotten
//! one cannot linger, it ends itself after `--hang SECONDS` (default 60),
//! and at once if the process that started it dies, even by `kill -9`
//! (Linux's parent-death signal: a parent killed outright runs no cleanup).

use std::io::Write;
use std::process::ExitCode;
use std::sync::{Barrier, Mutex};
use std::time::Duration;

pub const HANG_FLAG: &str = "--hang";

/// What the process prints once both threads are stuck.
pub const READY_LINE: &str = "deadlocked";

// ANCHOR: hold_then_take
/// Holds `first`, waits until the other thread holds its first lock, then
/// asks for `second` — which the other thread holds. Never returns.
#[inline(never)]
pub fn hold_then_take(first: &Mutex<()>, second: &Mutex<()>, both_hold: &Barrier) {
    let _held = first.lock();
    both_hold.wait();
    let _never = second.lock();
}
// ANCHOR_END: hold_then_take

pub fn main(args: &[String]) -> ExitCode {
    let seconds = match args {
        [] => 60,
        [s] => match s.parse::<u64>() {
            Ok(s) => s,
            Err(_) => {
                eprintln!("debugging: usage: --hang [SECONDS]");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("debugging: usage: --hang [SECONDS]");
            return ExitCode::from(2);
        }
    };
    // Die with the parent. (The signal follows the parent's thread that
    // started us; `debugger` starts it from the thread that also ends it.)
    use nix::sys::signal::Signal;
    if nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).is_err()
        || nix::unistd::getppid() == nix::unistd::Pid::from_raw(1)
    {
        return ExitCode::from(1); // no way to tie us to it, or it is gone
    }
    // The bound on the hang: exit on our own if nobody kills us.
    let _ = std::thread::Builder::new()
        .name("self-destruct".into())
        .spawn(move || {
            std::thread::sleep(Duration::from_secs(seconds));
            std::process::exit(3);
        });
    let (a, b) = (Mutex::new(()), Mutex::new(()));
    let both_hold = Barrier::new(3);
    std::thread::scope(|s| {
        let spawn = |name: &str, first, second| {
            let both_hold = &both_hold;
            std::thread::Builder::new()
                .name(name.into())
                .spawn_scoped(s, move || hold_then_take(first, second, both_hold))
        };
        let (left, right) = (spawn("left", &a, &b), spawn("right", &b, &a));
        if left.is_err() || right.is_err() {
            eprintln!("debugging: could not start the deadlock threads");
            std::process::exit(1);
        }
        both_hold.wait();
        std::thread::sleep(Duration::from_millis(100)); // into lock() they go
        println!("{READY_LINE} (pid {})", std::process::id());
        let _ = std::io::stdout().flush();
        // Leaving the scope joins both threads: main waits forever too.
    });
    ExitCode::SUCCESS
}
