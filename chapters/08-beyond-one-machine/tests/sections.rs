//! Every section, run at test sizes without a broker: each says what it
//! skipped and why, and the report is snapshotted. (With the `broker`
//! feature the skip reasons differ, and tests/faults.rs runs the sections
//! against a real redis-server instead; with `dataflow`, the engine's
//! rows run, and tests/dataflow.rs checks them with exact counts.)

use beyond_one_machine::sizes::Sizes;
use beyond_one_machine::{CHAPTER, Context};
use shared::report::SectionReport;

fn run(name: &str) -> SectionReport {
    let program = std::path::PathBuf::from(env!("CARGO_BIN_EXE_beyond-one-machine"));
    testkit::run_section(&CHAPTER, &mut Context::new(Sizes::tiny(), program), name)
}

/// A build with a feature runs more than the snapshots (taken without
/// any) show: there a section is held to its invariants and its words.
#[cfg(not(any(feature = "broker", feature = "dataflow")))]
fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
}

#[cfg(any(feature = "broker", feature = "dataflow"))]
fn snapshot(name: &str) {
    let section = run(name);
    assert!(section.broken().is_empty(), "{section:?}");
    let report = section.render(shared::report::Render::Plain);
    let expected = match name {
        "job-queue" if cfg!(feature = "broker") => {
            "skipped, the broker's half: REDIS_URL is not set"
        }
        "faults" if cfg!(feature = "broker") => {
            "skipped: this run may not start a redis-server"
        }
        "dataflow" if cfg!(feature = "dataflow") => "timely, processes over TCP",
        _ => "skipped",
    };
    assert!(report.contains(expected), "{report}");
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
fn dataflow() {
    snapshot("dataflow");
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
