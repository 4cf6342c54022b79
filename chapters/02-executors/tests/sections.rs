//! Every section, run at test sizes: the redacted report is snapshotted and
//! every check must hold.

use executors::sizes::Sizes;
use executors::{CHAPTER, Context};
use shared::report::{Render, SectionReport};
use std::sync::Mutex;

/// Sections time things and start processes; one at a time keeps them fair.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn run(name: &str) -> SectionReport {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let program = env!("CARGO_BIN_EXE_executors").into();
    let mut context = Context::new(Sizes::tiny(), program);
    let section = CHAPTER.sections.iter().find(|s| s.name == name).unwrap();
    let report = (section.run)(&mut context).unwrap();
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
fn map() {
    snapshot("map");
}

#[test]
fn submit() {
    snapshot("submit");
}

#[test]
fn future_methods() {
    snapshot("future-methods");
}

#[test]
fn as_completed() {
    snapshot("as-completed");
}

#[test]
fn wait() {
    snapshot("wait");
}

#[test]
fn shutdown() {
    snapshot("shutdown");
}

#[test]
fn process_pool() {
    snapshot("process-pool");
}

#[test]
fn failures() {
    snapshot("failures");
}

#[test]
fn landscape() {
    snapshot("landscape");
}

#[test]
fn throughput() {
    snapshot("throughput");
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

#[test]
fn a_missing_python_is_skipped_with_a_message() {
    let program = env!("CARGO_BIN_EXE_executors").into();
    let mut context = Context::new(Sizes::tiny(), program);
    context.python = Some("python3-that-does-not-exist".into());
    let mut report = SectionReport::new("throughput", "claim");
    executors::python::add_rows(&context, &mut report).unwrap();
    assert!(
        report
            .render(Render::Plain)
            .contains("CPython comparison skipped")
    );
}
