//! The `orderings` section's message-passing flag under loom, which runs a
//! model over every interleaving of its threads and, at each load, the
//! older stores the memory model lets it return: stale values that x86
//! hardware never shows. With `Relaxed`, loom finds the reader that sees
//! the flag up and the data missing; with `Release`/`Acquire`, it finds
//! none.
//!
//! loom is not the full C11 model (see its README's "Unsupported
//! features"): it does not explore load buffering, so a pass is a proof
//! only for the executions it explores, and it checks `SeqCst` loads and
//! stores as `AcqRel`, so it may report a failure that `SeqCst` rules out.
//! Neither touches this test, which needs no load buffering to fail and
//! uses no `SeqCst`.
//!
//! loom's own types (`loom::sync`, `loom::thread`) stand in for std's here;
//! the chapter's code keeps std's.

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};

// ANCHOR: model
/// One writer publishes 42 behind a flag; the reader checks the data
/// whenever it sees the flag up. loom runs this in every way it can go.
fn flag_publishes_data(store: Ordering, load: Ordering) {
    loom::model(move || {
        let data = Arc::new(AtomicU64::new(0));
        let ready = Arc::new(AtomicBool::new(false));
        let writer = {
            let (data, ready) = (data.clone(), ready.clone());
            loom::thread::spawn(move || {
                data.store(42, Ordering::Relaxed);
                ready.store(true, store);
            })
        };
        if ready.load(load) {
            let seen = data.load(Ordering::Relaxed);
            assert_eq!(seen, 42, "the flag was up and the data was not there");
        }
        writer.join().unwrap();
    });
}

#[test]
fn loom_finds_the_stale_read_with_relaxed() {
    let found = std::panic::catch_unwind(|| {
        flag_publishes_data(Ordering::Relaxed, Ordering::Relaxed);
    });
    let failure = found.expect_err("loom found no execution with stale data");
    let message = shared::panics::panic_message(&*failure);
    assert!(message.contains("the data was not there"), "{message}");
}

#[test]
fn release_acquire_publishes_the_data_in_every_execution() {
    flag_publishes_data(Ordering::Release, Ordering::Acquire);
}
// ANCHOR_END: model
