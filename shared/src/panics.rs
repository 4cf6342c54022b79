//! Panics as the chapters show them: the text of a payload, a panic hook
//! that prints one line per panic instead of a backtrace, and a way to
//! borrow the process-wide hook and give it back.
//!
//! The hook is Rust's `threading.excepthook`: it runs on the panicking
//! thread before it unwinds, so it knows the thread's name, which the
//! payload does not. There is one per process, so code that replaces it
//! must put the old one back ([`HookSwap`]).

use std::io::Write;
use std::panic::{AssertUnwindSafe, PanicHookInfo, set_hook, take_hook};
use std::sync::Mutex;

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// The text of a panic payload (`panic!` with a string or a format).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

// ANCHOR: one_line
/// One line per panic, naming the thread, worded by `line(thread, message)`:
/// for programs that panic on purpose and report what arrived where, where
/// a backtrace would only hide the report.
pub fn install_one_line(line: fn(&str, &str) -> String) {
    set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("an unnamed thread");
        let message = panic_message(info.payload());
        // Not eprintln!: on a closed or full stderr it panics, and a panic
        // inside the hook aborts the whole process.
        let _ = writeln!(std::io::stderr(), "{}", line(name, &message));
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

/// Two callers swapping the hook at once would restore the wrong one.
static ONE_SWAP_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `work` with panic messages silenced, returning what it returned;
/// a panic inside `work` still unwinds out of it, once the hook is back.
/// For demos that panic on purpose (a guard still releases what it holds)
/// and show the outcome, not the message.
pub fn quietly<T>(work: impl FnOnce() -> T) -> T {
    let _one = ONE_SWAP_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let swap = silenced();
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    drop(swap);
    match result {
        Ok(value) => value,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_reads_as_its_text_or_says_it_has_none() {
        let text = std::panic::catch_unwind(|| panic!("at {}", 3)).unwrap_err();
        assert_eq!(panic_message(&*text), "at 3");
        let literal = std::panic::catch_unwind(|| panic!("plain")).unwrap_err();
        assert_eq!(panic_message(&*literal), "plain");
        let other =
            std::panic::catch_unwind(|| std::panic::panic_any(7)).unwrap_err();
        assert_eq!(panic_message(&*other), "a panic without a message");
    }

    #[test]
    fn quietly_returns_the_value_or_lets_the_panic_out() {
        assert_eq!(quietly(|| 5), 5);
        let escaped = std::panic::catch_unwind(|| quietly(|| panic!("inside")));
        assert_eq!(panic_message(&*escaped.unwrap_err()), "inside");
    }
}
