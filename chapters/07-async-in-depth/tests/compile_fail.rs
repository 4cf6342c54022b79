//! What the compiler refuses: a future polled without being pinned; tasks
//! for `tokio::spawn` that hold an `Rc` or a `std` `MutexGuard` across an
//! `.await` (not `Send`) or borrow a local (not `'static`); and a scoped
//! thread that borrows a `RefCell` (not `Sync`, so `&RefCell` is not
//! `Send`). trybuild compiles each file in `tests/compile-fail/`
//! and compares the compiler's error with the `.stderr` file beside it.
//!
//! The error text belongs to the compiler version: after a Rust upgrade,
//! rerun with `TRYBUILD=overwrite` and read the new `.stderr` files. The
//! test also fails if a file starts to compile, which is the point.

#[test]
fn what_the_compiler_refuses() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile-fail/*.rs");
}
