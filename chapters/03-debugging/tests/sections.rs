//! Every section, run at test sizes: the redacted report is snapshotted
//! (its shape, its counts, and whether each check held) and every
//! invariant must hold. Durations, ratios and counts that vary are redacted.

use debugging::python::{PythonRun, PythonWay};
use debugging::sizes::Sizes;
use debugging::{CHAPTER, Context};
use shared::report::SectionReport;

fn context() -> Context {
    Context {
        sizes: Sizes::tiny(),
        program: env!("CARGO_BIN_EXE_debugging").into(),
        python: None,
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

/// The real script at test sizes: whatever the interleaving, every run is
/// counted and no run counts more than the threads added (`parse` refuses
/// that). Where python3 is missing, the skip is what this machine shows.
#[test]
fn cpythons_counter_counts_every_run_and_never_too_many() {
    let sizes = Sizes::tiny();
    match debugging::python::measure(Some("python3"), &sizes).unwrap() {
        PythonRun::Ran { race } => {
            for way in PythonWay::ALL {
                let lost = race.lost(way).unwrap();
                assert_eq!(lost.len(), sizes.python_runs, "{way:?}");
                assert!(lost.iter().all(|l| *l <= race.expected()), "{lost:?}");
            }
        }
        PythonRun::Skipped { why } => assert!(why.contains("python3"), "{why}"),
        PythonRun::NotAsked => panic!("an interpreter was given"),
    }
}

#[test]
fn a_missing_python_is_skipped_with_a_message() {
    let run = debugging::python::measure(
        Some("python3-that-does-not-exist"),
        &Sizes::tiny(),
    )
    .unwrap();
    assert!(matches!(run, PythonRun::Skipped { .. }), "{run:?}");
    let mut report = SectionReport::new("race-condition", "test");
    debugging::python::add_rows(&run, &mut report);
    assert!(
        format!("{report:?}")
            .contains("CPython's counter skipped: 'python3-that-does-not-exist'"),
        "{report:?}"
    );
}
