//! What the compiler refuses: a future polled without being pinned; tasks
//! for `tokio::spawn` that hold an `Rc` or a `std` `MutexGuard` across an
//! `.await` (not `Send`) or borrow a local (not `'static`); and a scoped
//! thread that borrows a `RefCell` (not `Sync`, so `&RefCell` is not
//! `Send`). trybuild compiles each file in `tests/compile-fail/`
//! and compares the compiler's error with the `.stderr` file beside it.
//!
//! The error text belongs to the compiler version. Each case is written so
//! that the oldest Rust the workspace supports (`rust-version`, 1.88) and
//! stable print the same words, and the workflow's `msrv` job runs this
//! test on 1.88: a case whose message differs between them is reshaped,
//! not given two expectations. After a Rust upgrade that changes a
//! message, rerun with `TRYBUILD=overwrite` and read the new `.stderr`
//! files. The test also fails if a file starts to compile, which is the
//! point.

#[test]
fn unsound_async_code_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile-fail/*.rs");
}
