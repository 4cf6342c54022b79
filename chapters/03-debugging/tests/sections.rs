//! Every section, run at test sizes: the redacted report is snapshotted
//! (its shape, its counts, and whether each check held) and every
//! invariant must hold. Durations, ratios and counts that vary are redacted.

use debugging::sizes::Sizes;
use debugging::{CHAPTER, Context};
use shared::report::SectionReport;

fn context() -> Context {
    Context {
        sizes: Sizes::tiny(),
        program: env!("CARGO_BIN_EXE_debugging").into(),
    }
}

fn run(name: &str) -> SectionReport {
    testkit::run_section(&CHAPTER, &mut context(), name)
}

fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
}

#[test]
fn race_condition() {
    snapshot("race-condition");
}

#[test]
fn deadlock() {
    snapshot("deadlock");
}

#[test]
fn starvation() {
    snapshot("starvation");
}

#[test]
fn reproduce() {
    snapshot("reproduce");
}

#[test]
fn logging() {
    snapshot("logging");
}

#[test]
fn profiling() {
    snapshot("profiling");
}

#[test]
fn blocked_executor() {
    snapshot("blocked-executor");
}

#[test]
fn debugger() {
    snapshot("debugger");
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
