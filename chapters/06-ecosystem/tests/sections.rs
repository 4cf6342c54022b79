//! Every section, run at test sizes against its real local services: the
//! redacted report is snapshotted (its shape, its counts, and whether each
//! check held) and every invariant must hold. Durations, rates and counts that
//! depend on scheduling are redacted.

use ecosystem::sizes::Sizes;
use ecosystem::{CHAPTER, Context};
use shared::report::SectionReport;

fn context() -> Context {
    Context::new(Sizes::tiny())
}

fn run(name: &str) -> SectionReport {
    testkit::run_section(&CHAPTER, &mut context(), name)
}

fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
}

#[test]
fn http_server() {
    snapshot("http-server");
}

#[test]
fn http_client() {
    snapshot("http-client");
}

#[test]
fn web_framework() {
    snapshot("web-framework");
}

#[test]
fn database() {
    snapshot("database");
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
