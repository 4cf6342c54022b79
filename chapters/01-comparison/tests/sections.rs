//! Every section, run at test sizes: the redacted report is snapshotted
//! (its shape, its counts, and whether each check held) and every check
//! must hold. Durations, sizes in bytes and ratios are redacted.

use comparison::sizes::Sizes;
use comparison::worker::WorkerCommand;
use comparison::{CHAPTER, Context};
use shared::report::{Render, SectionReport};
use std::sync::Mutex;

/// Sections measure speedups; two at once would steal each other's cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn context() -> Context {
    let program = env!("CARGO_BIN_EXE_comparison").into();
    Context::new(Sizes::tiny(), WorkerCommand { program })
}

fn run(name: &str) -> SectionReport {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let section = CHAPTER.sections.iter().find(|s| s.name == name).unwrap();
    let report = (section.run)(&mut context()).unwrap();
    assert!(
        report.broken().is_empty(),
        "{}",
        report.render(Render::Plain)
    );
    report
}

fn snapshot(name: &str) {
    let report = run(name);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/sections");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, report.render(Render::Redacted)));
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
fn table() {
    snapshot("table");
}

#[test]
fn every_section_has_a_snapshot_test() {
    let source = include_str!("sections.rs");
    for section in CHAPTER.sections {
        assert!(
            source.contains(&format!("snapshot(\"{}\")", section.name)),
            "{}",
            section.name
        );
    }
}
