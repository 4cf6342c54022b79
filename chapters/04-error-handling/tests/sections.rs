//! Every section, run at test sizes: the redacted report is snapshotted and
//! every check must hold.

use error_handling::sizes::Sizes;
use error_handling::{CHAPTER, Context};
use shared::report::{Render, SectionReport};
use std::sync::Mutex;

/// Sections swap the process-wide panic hook and start processes: one at a
/// time, so no section's panic lands in another's hook.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn run(name: &str) -> SectionReport {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let program = env!("CARGO_BIN_EXE_error-handling").into();
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
fn threads() {
    snapshot("threads");
}

#[test]
fn processes() {
    snapshot("processes");
}

#[test]
fn async_tasks() {
    snapshot("async");
}

#[test]
fn executors() {
    snapshot("executors");
}

#[test]
fn rayon() {
    snapshot("rayon");
}

#[test]
fn context() {
    snapshot("context");
}

#[test]
fn timeouts() {
    snapshot("timeouts");
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
