//! The data races Rust refuses to compile. trybuild compiles each file in
//! `tests/compile-fail/` and compares the compiler's error with the
//! `.stderr` file beside it.
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
fn data_races_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile-fail/*.rs");
}
