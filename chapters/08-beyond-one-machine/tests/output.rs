//! The binary when its output or its arguments go wrong (testkit::output).

testkit::output_tests!(env!("CARGO_BIN_EXE_beyond-one-machine"));
