//! Every section, run at test sizes: the redacted report is snapshotted and
//! every invariant must hold.

use error_handling::sizes::Sizes;
use error_handling::{CHAPTER, Context};
use shared::report::SectionReport;

fn tiny_context() -> Context {
    Context::new(Sizes::tiny(), env!("CARGO_BIN_EXE_error-handling").into())
}

fn run(name: &str) -> SectionReport {
    testkit::run_section(&CHAPTER, &mut tiny_context(), name)
}

fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
}

#[test]
fn threads() {
    snapshot("threads");
}

#[test]
fn processes() {
    snapshot("processes");
}

#[test]
fn async_tasks() {
    snapshot("async");
}

#[test]
fn executors() {
    snapshot("executors");
}

#[test]
fn rayon() {
    snapshot("rayon");
}

#[test]
fn context() {
    snapshot("context");
}

#[test]
fn timeouts() {
    snapshot("timeouts");
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
