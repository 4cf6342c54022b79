//! Every section, run at test sizes: the redacted report is snapshotted
//! (its shape, its counts, and whether each check held) and every
//! invariant must hold. Durations, sizes in bytes and ratios are redacted.

use comparison::sizes::Sizes;
use comparison::{CHAPTER, Context};
use models::WorkerCommand;
use shared::report::SectionReport;

fn context() -> Context {
    let program = env!("CARGO_BIN_EXE_comparison").into();
    Context::new(Sizes::tiny(), WorkerCommand { program })
}

fn run(name: &str) -> SectionReport {
    testkit::run_section(&CHAPTER, &mut context(), name)
}

fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
}

#[test]
fn io_bound() {
    snapshot("io-bound");
}

#[test]
fn cpu_bound() {
    snapshot("cpu-bound");
}

#[test]
fn scaling() {
    snapshot("scaling");
}

#[test]
fn memory() {
    snapshot("memory");
}

#[test]
fn overhead() {
    snapshot("overhead");
}

#[test]
fn data_exchange() {
    snapshot("data-exchange");
}

#[test]
fn event_loop() {
    snapshot("event-loop");
}

#[test]
fn combining() {
    snapshot("combining");
}

#[test]
fn calibration() {
    snapshot("calibration");
}

#[test]
fn table() {
    snapshot("table");
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
