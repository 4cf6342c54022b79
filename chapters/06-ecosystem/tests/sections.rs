//! Every section, run at test sizes against its real local services: the
//! redacted report is snapshotted (its shape, its counts, and whether each
//! check held) and every check must hold. Durations, rates and counts that
//! depend on scheduling are redacted.

use ecosystem::sizes::Sizes;
use ecosystem::{CHAPTER, Context};
use shared::report::{Render, SectionReport};
use std::sync::Mutex;

/// Sections measure overlap and count requests in flight; two at once
/// would blur each other's figures.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn run(name: &str) -> SectionReport {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let section = CHAPTER.sections.iter().find(|s| s.name == name).unwrap();
    let report = (section.run)(&mut Context::new(Sizes::tiny())).unwrap();
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
    let source = include_str!("sections.rs");
    for section in CHAPTER.sections {
        assert!(
            source.contains(&format!("snapshot(\"{}\")", section.name)),
            "{}",
            section.name
        );
    }
}
