// `&T` is `Send` exactly when `T` is `Sync`: a shared reference may go to
// another thread only if `T` is safe to use from two threads at once.
// `RefCell` counts its borrows with a plain integer, so it is not `Sync`,
// and a scoped thread may not even borrow one. (The closure is named
// first so that the compiler's diagram fits the page.)
// ANCHOR: refcell
use std::cell::RefCell;

fn main() {
    let seen = RefCell::new(0);
    let add_one = || *seen.borrow_mut() += 1;
    std::thread::scope(|s| {
        s.spawn(add_one); // needs &RefCell to be Send
        add_one();
    });
    println!("{}", seen.into_inner());
}
// ANCHOR_END: refcell
