//! The book's promise, checked: every measured figure a page shows comes
//! from a generated file of one run (book/src/generated/), so
//! `book/regenerate` keeps it true. A number with a unit typed into prose is
//! allowed only as a chosen parameter, a size or duration the code is given,
//! which holds on every machine.

use std::path::{Path, PathBuf};
use workspace_checks::prose::typed_figures;
use workspace_checks::{assert_none, display, markdown_files, workspace_root};

/// Figures typed into prose that are inputs, not outcomes: (file, figure as
/// `typed_figures` reports it, where the code sets it). Each was checked
/// against the constant it names; keep it so, and keep the list short.
const CHOSEN: &[(&str, &str, &str)] = &[
    (
        "book/src/03-debugging.md",
        "500 µs",
        "how long the greedy thread is told to hold the lock: greedy_hold in \
         chapters/03-debugging/src/sizes.rs, at the quick and full sizes",
    ),
    (
        "book/src/03-debugging.md",
        "10 µs",
        "the switch interval CPython's counter is run with: \
         python_switch_interval in chapters/03-debugging/src/sizes.rs",
    ),
    (
        "book/src/03-debugging.md",
        "5 ms",
        "the period exercise 3's ticker is given: check_responsive in \
         chapters/03-debugging/src/exercises/checks.rs",
    ),
    (
        "book/src/05-best-practices.md",
        "30-second",
        "the deadline the paused-clock test passes to call_async: \
         tokio_timeout_fails_at_the_deadline in \
         chapters/05-best-practices/src/sections/timeouts.rs",
    ),
    (
        "book/src/06-ecosystem.md",
        "5 s",
        "the timeout every call to a database server is given: TIMEOUT in \
         chapters/06-ecosystem/src/db/servers/mod.rs",
    ),
    (
        "book/quizzes/01-comparison.toml",
        "100 ms",
        "the sleep each waiter of the memory section is given: memory_delay in \
         chapters/01-comparison/src/sizes.rs, at the quick and full sizes",
    ),
    (
        "book/quizzes/01-comparison.toml",
        "50 ms",
        "the event-loop section's blocking job at the quick sizes: blocking_job \
         in chapters/01-comparison/src/sizes.rs",
    ),
    (
        "book/quizzes/03-debugging.toml",
        "100 ms",
        "the timeout the deadlock section gives try_lock_for at the quick \
         sizes: lock_timeout in chapters/03-debugging/src/sizes.rs",
    ),
];

/// Directories under book/src that hold no prose of ours: the generated
/// outputs themselves, and mdbook-quiz's copied scripts.
const NOT_PROSE: &[&str] = &["generated", "quiz", "mdbook-quiz"];

/// Every file a reader reads as prose: the book's pages, the quizzes (whose
/// explanations are prose too) and the README. Paths from the workspace root.
fn prose_files() -> Vec<String> {
    let root = workspace_root();
    let src = root.join("book/src");
    let skipped: Vec<PathBuf> = NOT_PROSE.iter().map(|d| src.join(d)).collect();
    let mut files: Vec<PathBuf> = markdown_files(&src)
        .into_iter()
        .filter(|p| !skipped.iter().any(|dir| p.starts_with(dir)))
        .collect();
    files.extend(quizzes(&root.join("book/quizzes")));
    files.push(root.join("README.md"));
    files.iter().map(|p| display(&root, p)).collect()
}

/// Every `*.toml` in `dir`, sorted.
fn quizzes(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut found: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    found.sort();
    found
}

/// The figures typed into `file` (a path from the workspace root).
fn figures_in(file: &str) -> Vec<(usize, String)> {
    let path = workspace_root().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
    typed_figures(&text)
}

fn is_chosen(file: &str, figure: &str) -> bool {
    CHOSEN
        .iter()
        .any(|(f, fig, _)| *f == file && *fig == figure)
}

/// A figure the code does not set came from some run that
/// `book/regenerate` will never repeat.
#[test]
fn no_measured_figure_is_typed_into_prose() {
    let files = prose_files();
    assert!(
        files.iter().any(|f| f.ends_with("SUMMARY.md")) && files.len() > 3,
        "found only {files:?}: are the checks looking in the right place?"
    );
    let mut problems = Vec::new();
    for file in &files {
        for (line, figure) in figures_in(file) {
            if !is_chosen(file, &figure) {
                problems.push(format!(
                    "{file}:{line}: `{figure}` is typed by hand. If it is a chosen \
                     parameter (a size or duration the code is given), add it to \
                     CHOSEN in workspace-checks/tests/prose.rs with where the code sets it; if \
                     it is measured, show it from a generated include or reword the \
                     sentence so it holds on any machine"
                ));
            }
        }
    }
    assert_none("figures typed into prose", &problems);
}

/// An entry for a figure the page no longer types would let a measured
/// figure back in under an old excuse.
#[test]
fn every_chosen_figure_still_occurs() {
    let files = prose_files();
    let mut problems = Vec::new();
    for (file, figure, why) in CHOSEN {
        if why.trim().is_empty() {
            problems.push(format!("CHOSEN: {file} `{figure}` says not why"));
        }
        let occurs = files.iter().any(|f| f == file)
            && figures_in(file).iter().any(|(_, f)| f == figure);
        if !occurs {
            problems.push(format!(
                "CHOSEN lists `{figure}` in {file}, which no longer types it: \
                 remove the entry"
            ));
        }
    }
    assert_none("stale CHOSEN entries", &problems);
}
