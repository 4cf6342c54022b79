//! The panic hook: what runs on the panicking thread before it unwinds —
//! Rust's `threading.excepthook`. There is one per process, so whoever
//! replaces it must put the old one back.

use shared::exercise::panic_message;
use std::io::Write;
use std::panic::{PanicHookInfo, set_hook, take_hook};

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

// ANCHOR: one_line
/// One line per panic, naming the thread: the sections panic on purpose and
/// show what arrived where, so a backtrace would only hide the report.
pub fn install_one_line() {
    set_hook(Box::new(|info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("an unnamed thread");
        let message = panic_message(info.payload());
        // Not eprintln!: on a closed or full stderr it panics, and a panic
        // inside the hook aborts the whole process.
        let _ = writeln!(
            std::io::stderr(),
            "(panic on {name}: {message} — on purpose, see the report)"
        );
    }));
}
// ANCHOR_END: one_line

// ANCHOR: swap
/// Replaces the process-wide hook until dropped, then restores the one that
/// was there: the hook is global, so borrowing it must not lose it.
pub struct HookSwap {
    previous: Option<Hook>,
}

impl HookSwap {
    pub fn new(hook: impl Fn(&PanicHookInfo<'_>) + Sync + Send + 'static) -> Self {
        let previous = take_hook();
        set_hook(Box::new(hook));
        HookSwap {
            previous: Some(previous),
        }
    }
}

impl Drop for HookSwap {
    fn drop(&mut self) {
        // Changing the hook while panicking is itself a panic: leave it.
        if let Some(previous) = self.previous.take()
            && !std::thread::panicking()
        {
            drop(take_hook());
            set_hook(previous);
        }
    }
}
// ANCHOR_END: swap

/// A hook that prints nothing, for panics that are measured, not shown.
pub fn silenced() -> HookSwap {
    HookSwap::new(|_| {})
}
