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
fn events() {
    snapshot("events");
}

#[test]
fn web_framework() {
    snapshot("web-framework");
}

#[test]
fn server_limits() {
    snapshot("server-limits");
}

#[test]
fn database() {
    snapshot("database");
}

#[test]
fn checked_queries() {
    snapshot("checked-queries");
}

/// Without a server: the line saying what to set.
#[test]
fn pool() {
    snapshot("pool");
}

/// Without `--python`, the section says how to ask and measures nothing.
#[test]
fn versus_python() {
    snapshot("versus-python");
}

/// With an interpreter that is not there: the Rust side is measured for
/// real, and every Python row says why it was skipped.
#[test]
fn versus_python_without_an_interpreter() {
    let mut context = context();
    context.python = Some(ecosystem::versus::python::Python {
        interpreter: "/nonexistent/python3".into(),
    });
    let report = testkit::run_section(&CHAPTER, &mut context, "versus-python");
    let redacted = report.render(testkit::Render::Redacted);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/sections");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!("versus-python-without-an-interpreter", redacted)
    });
}

#[test]
fn every_section_has_a_snapshot_test() {
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}
