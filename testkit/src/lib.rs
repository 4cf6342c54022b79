//! What every chapter's tests share, so that six chapters hold their
//! sections and their command lines to one rule each:
//! - [`run_section`] runs one section alone and fails on a broken invariant
//!   (a missed measured claim is the machine's business, not a test's);
//! - [`assert_section_snapshot!`] snapshots its report with every figure
//!   redacted, in `tests/snapshots/sections/` beside the calling test;
//! - [`assert_exercise_snapshot!`] snapshots an exercise's described
//!   behaviour in `tests/snapshots/exercises/`, so a change to a check is
//!   seen, and [`learner_check_main`] holds the learner's check
//!   (`cargo exercise NAME`) to the committed stubs, in a process of its
//!   own, with `INSTA_UPDATE=always` set;
//! - [`assert_refused`] holds a bad command line to one line on stderr and
//!   exit status 2, and [`assert_lists_sections`] holds `--list` to the
//!   chapter's sections, in order;
//! - [`chapter_cli_tests!`] gives a chapter's `tests/cli.rs` its binary,
//!   one `--json` run, `--from` replays, and the tests every chapter shares;
//! - [`output_tests!`] checks a closed pipe, a full disk and bad bytes in
//!   the arguments against the chapter's binary;
//! - [`script::Script`] stands in for a chapter's binary as a child that
//!   dies the way the world can make it (killed, gone without a word).
//!
//! It lives apart from `shared` because it needs insta, which the chapters'
//! own builds should not compile.

pub mod cli;
pub mod learner;
pub mod output;
pub mod script;

pub use learner::learner_check_main;

pub use insta;
pub use serde_json;
pub use shared::report::{Render, SectionReport};

use shared::cli::Chapter;
use std::process::Output;
use std::sync::Mutex;

/// Sections measure speedups and spawn workers: two at once would take
/// each other's cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs section `name` of `chapter` (after the sections it needs), alone,
/// and fails the test if it returns an error or breaks an invariant,
/// printing the whole report. Plausibility is not required: a loaded test
/// machine can disturb a baseline, and the book's run is judged instead.
pub fn run_section<C, R: Default>(
    chapter: &Chapter<C, R>,
    context: &mut C,
    name: &str,
) -> SectionReport {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let report = shared::cli::run_alone(chapter, context, name)
        .unwrap_or_else(|e| panic!("section {name} failed: {e:#}"));
    let broken = report.broken();
    assert!(
        broken.is_empty(),
        "{} invariant(s) broken:\n{}",
        broken.len(),
        report.render(Render::Plain)
    );
    report
}

/// Snapshots `report` with its figures redacted, named after its section,
/// in `snapshots/sections/` beside the test that calls it. A macro, so that
/// insta files the snapshot under the calling test, not under this crate.
#[macro_export]
macro_rules! assert_section_snapshot {
    ($report:expr) => {{
        let report: &$crate::SectionReport = &$report;
        let mut settings = $crate::insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots/sections");
        settings.set_prepend_module_to_snapshot(false);
        let redacted = report.render($crate::Render::Redacted);
        settings.bind(|| {
            $crate::insta::assert_snapshot!(report.section.as_str(), redacted)
        });
    }};
}

/// Snapshots a reference solution's described behaviour as `name`, in
/// `snapshots/exercises/` beside the calling test, so that a change to a
/// check shows in review. The learner's check does not read it: it runs
/// the reference beside the attempt.
#[macro_export]
macro_rules! assert_exercise_snapshot {
    ($name:expr, $described:expr) => {{
        let described: &str = &$described;
        let mut settings = $crate::insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots/exercises");
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| $crate::insta::assert_snapshot!($name, described));
    }};
}

/// Every section of `chapter` has a snapshot test in `source` (the text of
/// the chapter's `tests/sections.rs`, by `include_str!`): a section added
/// without one fails here instead of going untested.
pub fn assert_every_section_snapshotted<C, R>(
    source: &str,
    chapter: &Chapter<C, R>,
) {
    let missing: Vec<&str> = (chapter.sections.iter())
        .map(|s| s.name)
        .filter(|name| !source.contains(&format!("snapshot(\"{name}\")")))
        .collect();
    assert!(
        missing.is_empty(),
        "sections without a snapshot test: {missing:?}"
    );
}

/// `--list`'s output: one line per section of `chapter`, its name first,
/// in the chapter's order, and exit status 0.
pub fn assert_lists_sections<C, R>(out: &Output, chapter: &Chapter<C, R>) {
    assert!(out.status.success(), "--list failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let expected: Vec<&str> = chapter.sections.iter().map(|s| s.name).collect();
    assert_eq!(names, expected);
}

/// A command line the chapter must refuse: exit status 2, one line on
/// stderr that says `expected`, and nothing on stdout.
pub fn assert_refused(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line, no panic: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(expected),
        "{stderr} should say {expected:?}"
    );
    assert!(out.stdout.is_empty(), "nothing on stdout when refused");
}

/// Every check of a `--json` document, as `(section, check)`: each check
/// has `holds`, `claim` and `kind` (`invariant`, `measured`, `plausible`).
pub fn json_checks(document: &serde_json::Value) -> Vec<(&str, &serde_json::Value)> {
    sections(document)
        .flat_map(|s| {
            let name = s["name"].as_str().unwrap_or_default();
            let blocks = s["report"]["blocks"].as_array().into_iter().flatten();
            blocks.filter_map(move |b| b.get("Check").map(|c| (name, c)))
        })
        .collect()
}

fn sections(
    document: &serde_json::Value,
) -> impl Iterator<Item = &serde_json::Value> {
    document["sections"].as_array().into_iter().flatten()
}
