//! Every section, run at test sizes: the redacted report is snapshotted
//! (its shape, its counts, and whether each check held) and every
//! invariant must hold. Durations, ratios and counts that vary are redacted.

use debugging::python::{PythonRun, PythonWay};
use debugging::python_relock::PythonRelockRun;
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
fn relock() {
    snapshot("relock");
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

/// Which other poll, if any, a late heartbeat falls in depends on the
/// machine's load (an OS preemption of the runtime's thread lands in the
/// heartbeat's own poll or the downloader's): the watchdog's table keeps
/// only the culprits' rows in the snapshot, its cells apart by " | " rather
/// than by padding that the left-out rows would change. Every check stays.
#[test]
fn blocked_executor() {
    stable_snapshot("blocked-executor");
}

fn stable_snapshot(name: &str) {
    let redacted = run(name).render(shared::report::Render::Redacted);
    let mut in_table = false;
    let mut kept = Vec::new();
    for line in redacted.lines() {
        if line == "What the watchdog reported" {
            in_table = true;
        } else if line.is_empty() {
            in_table = false;
        }
        let cells: Vec<&str> =
            line.trim().split("  ").filter(|c| !c.is_empty()).collect();
        if !in_table || cells.len() < 3 {
            kept.push(line.to_string());
        } else if cells[0].starts_with('-') {
            kept.push("  ---".to_string());
        } else if ["stall in task", "checksum", "legacy-db"]
            .contains(&cells[1].trim())
        {
            let cells: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
            kept.push(format!("  {}", cells.join(" | ")));
        }
    }
    let mut settings = testkit::insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/sections");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| testkit::insta::assert_snapshot!(name, kept.join("\n")));
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

/// The real relock script: CPython's Lock waits for itself and its RLock
/// lets the holder in, or, without python3, the skip says so.
#[test]
fn cpythons_locks_wait_for_themselves_and_the_rlock_lets_its_holder_in() {
    let timeout = std::time::Duration::from_millis(20);
    match debugging::python_relock::measure(Some("python3"), timeout).unwrap() {
        PythonRelockRun::Ran { locks } => {
            assert!(
                !locks.lock_got_it && locks.lock_waited_s >= 0.018,
                "{locks:?}"
            );
            assert!(
                locks.rlock_depth == 2 && !locks.rlock_other_got_it,
                "{locks:?}"
            );
        }
        PythonRelockRun::Skipped { why } => {
            assert!(why.contains("python3"), "{why}")
        }
        PythonRelockRun::NotAsked => panic!("an interpreter was given"),
    }
}
