// A data race Rust refuses to compile: `Rc` counts its owners with a
// plain integer, so two threads cloning and dropping it at once would
// corrupt the count. `Rc` is not `Sync`, so a closure that borrows one is
// not `Send`, and a thread's body must be `Send`, even on a scoped thread.
// The closure is named first so that the compiler's message fits the page.
// ANCHOR: rc
use std::rc::Rc;

fn main() {
    let counted = Rc::new(1);
    let clone_it = || drop(Rc::clone(&counted));
    std::thread::scope(|s| {
        s.spawn(clone_it); // one thread clones and drops...
        clone_it(); // ...while this one does too
    });
}
// ANCHOR_END: rc
