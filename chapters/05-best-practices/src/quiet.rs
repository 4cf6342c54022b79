//! Panics on purpose, without the noise.
//!
//! Some demos panic to show that a guard still releases what it holds.
//! The default panic hook would print a message and a hint about
//! backtraces for each one, which reads like a failure. [`quietly`] swaps
//! in a silent hook for the duration of the demo and puts the old one
//! back.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

/// Hooks are global: two demos swapping them at once would restore the
/// wrong one.
static HOOK_SWAP: Mutex<()> = Mutex::new(());

/// Runs `work` with panic messages silenced, returning what it returned.
/// Panics inside `work` are still panics: catch them inside.
pub fn quietly<T>(work: impl FnOnce() -> T) -> T {
    let _one = HOOK_SWAP.lock().unwrap_or_else(|e| e.into_inner());
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    panic::set_hook(previous);
    match result {
        Ok(value) => value,
        Err(payload) => panic::resume_unwind(payload),
    }
}
