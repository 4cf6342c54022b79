//! Every section, run at test sizes without a broker: each says what it
//! skipped and why, and the report is snapshotted. (With the `broker`
//! feature the skip reasons differ, and tests/faults.rs runs the sections
//! against a real redis-server instead.)

use beyond_one_machine::sizes::Sizes;
use beyond_one_machine::{CHAPTER, Context};
use shared::report::SectionReport;

fn run(name: &str) -> SectionReport {
    let program = std::path::PathBuf::from(env!("CARGO_BIN_EXE_beyond-one-machine"));
    testkit::run_section(&CHAPTER, &mut Context::new(Sizes::tiny(), program), name)
}

#[cfg(not(feature = "broker"))]
fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
}

#[cfg(feature = "broker")]
fn snapshot(name: &str) {
    let report = run(name).render(shared::report::Render::Plain);
    let why = match name {
        "job-queue" => "skipped, the broker's half: REDIS_URL is not set",
        _ => "skipped: this run may not start a redis-server",
    };
    assert!(report.contains(why), "{report}");
}

#[test]
fn job_queue() {
    snapshot("job-queue");
}

#[test]
fn faults() {
    snapshot("faults");
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
