//! Every section, run at test sizes: the redacted report is snapshotted and
//! every invariant must hold.

use executors::sizes::Sizes;
use executors::{CHAPTER, Context};
use shared::report::{Render, SectionReport};

fn context() -> Context {
    Context::new(Sizes::tiny(), env!("CARGO_BIN_EXE_executors").into())
}

fn run(name: &str) -> SectionReport {
    testkit::run_section(&CHAPTER, &mut context(), name)
}

fn snapshot(name: &str) {
    testkit::assert_section_snapshot!(run(name));
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
    testkit::assert_every_section_snapshotted(include_str!("sections.rs"), &CHAPTER);
}

#[test]
fn a_missing_python_is_skipped_with_a_message() {
    let program = env!("CARGO_BIN_EXE_executors").into();
    let mut context = Context::new(Sizes::tiny(), program);
    context.python = Some("python3-that-does-not-exist".into());
    let run = executors::python::measure(&context).unwrap();
    assert!(
        matches!(run, executors::python::PythonRun::Skipped { .. }),
        "{run:?}"
    );
    let mut report = SectionReport::new("throughput", "claim");
    executors::python::add_rows(&run, &mut report);
    assert!(
        report
            .render(Render::Plain)
            .contains("CPython comparison skipped")
    );
}
