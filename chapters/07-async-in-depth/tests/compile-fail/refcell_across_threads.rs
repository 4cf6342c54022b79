// `&T` is `Send` exactly when `T` is `Sync`: a shared reference may go to
// another thread only if `T` is safe to use from two threads at once.
// `RefCell` counts its borrows with a plain integer, so it is not `Sync`,
// and a scoped thread may not even borrow one.
// ANCHOR: refcell
use std::cell::RefCell;

fn main() {
    let seen = RefCell::new(Vec::new());
    std::thread::scope(|scope| {
        scope.spawn(|| seen.borrow_mut().push(1)); // needs &RefCell: Send
        seen.borrow_mut().push(2);
    });
    println!("{:?}", seen.into_inner());
}
// ANCHOR_END: refcell
