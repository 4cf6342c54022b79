//! The data races Rust refuses to compile. trybuild compiles each file in
//! `tests/compile-fail/` and compares the compiler's error with the
//! `.stderr` file beside it.
//!
//! The error text belongs to the compiler version: after a Rust upgrade,
//! rerun with `TRYBUILD=overwrite` and read the new `.stderr` files. The
//! test also fails if a file starts to compile, which is the point.

#[test]
fn data_races_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile-fail/*.rs");
}
