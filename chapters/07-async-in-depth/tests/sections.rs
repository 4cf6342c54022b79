//! Every section, run at test sizes: the redacted report is snapshotted and
//! every invariant must hold.

use async_in_depth::sizes::Sizes;
use async_in_depth::{CHAPTER, Context};
use shared::report::SectionReport;

fn run(name: &str) -> SectionReport {
    testkit::run_section(&CHAPTER, &mut Context::new(Sizes::tiny()), name)
}

fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
}

#[test]
fn awaiting() {
    snapshot("await");
}

#[test]
fn cancellation() {
    snapshot("cancellation");
}

#[test]
fn send_sync() {
    snapshot("send-sync");
}

#[test]
fn orderings() {
    snapshot("orderings");
}

#[test]
fn asyncio_map() {
    snapshot("asyncio-map");
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
