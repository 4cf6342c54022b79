//! `HookSwap` borrows the process-wide panic hook and gives it back. One
//! test in its own binary: nothing else here panics meanwhile.

use shared::panics::HookSwap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn panic_on_a_thread() {
    let _ = std::thread::spawn(|| panic!("on purpose")).join();
}

#[test]
fn the_previous_hook_is_back_after_the_swap() {
    let first = Arc::new(AtomicUsize::new(0));
    let second = Arc::new(AtomicUsize::new(0));
    let counted = first.clone();
    std::panic::set_hook(Box::new(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
    }));
    let counted = second.clone();
    let swap = HookSwap::new(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
    });
    panic_on_a_thread();
    drop(swap);
    panic_on_a_thread();
    let _ = std::panic::take_hook();
    assert_eq!(
        (first.load(Ordering::SeqCst), second.load(Ordering::SeqCst)),
        (1, 1)
    );
}
