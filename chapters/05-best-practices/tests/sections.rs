//! Every section, run at test sizes: the redacted report is snapshotted
//! (its shape, its counts, and whether each check held) and every
//! invariant must hold. Durations, ratios and the counts that vary are redacted.

use best_practices::sizes::Sizes;
use best_practices::{CHAPTER, Context};
use shared::report::SectionReport;

fn context() -> Context {
    Context::new(Sizes::tiny(), env!("CARGO_BIN_EXE_best-practices").into())
}

fn run(name: &str) -> SectionReport {
    testkit::run_section(&CHAPTER, &mut context(), name)
}

fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
}

#[test]
fn shared_state() {
    snapshot("shared-state");
}

#[test]
fn primitives() {
    snapshot("primitives");
}

#[test]
fn lock_order() {
    snapshot("lock-order");
}

#[test]
fn idempotency() {
    snapshot("idempotency");
}

#[test]
fn timeouts() {
    snapshot("timeouts");
}

#[test]
fn resources() {
    snapshot("resources");
}

#[test]
fn testing() {
    snapshot("testing");
}

#[test]
fn right_tool() {
    snapshot("right-tool");
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
