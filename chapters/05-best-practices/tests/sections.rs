//! Every section, run at test sizes: the redacted report is snapshotted
//! (its shape, its counts, and whether each check held) and every check
//! must hold. Durations, ratios and the counts that vary are redacted.

use best_practices::sizes::Sizes;
use best_practices::{CHAPTER, Context};
use shared::report::{Render, SectionReport};
use std::sync::Mutex;

/// Sections time things and count contention; two at once would disturb
/// each other.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn context() -> Context {
    Context::new(Sizes::tiny(), env!("CARGO_BIN_EXE_best-practices").into())
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
fn shared_state() {
    snapshot("shared-state");
}

#[test]
fn primitives() {
    snapshot("primitives");
}

#[test]
fn lock_order() {
    snapshot("lock-order");
}

#[test]
fn idempotency() {
    snapshot("idempotency");
}

#[test]
fn timeouts() {
    snapshot("timeouts");
}

#[test]
fn resources() {
    snapshot("resources");
}

#[test]
fn testing() {
    snapshot("testing");
}

#[test]
fn right_tool() {
    snapshot("right-tool");
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
