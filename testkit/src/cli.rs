//! What every chapter's `tests/cli.rs` shares: running the chapter's
//! binary, one `--json` run kept for the tests that read it, printing a
//! saved run back with `--from`, and the tests every chapter must pass.
//! [`chapter_cli_tests!`](crate::chapter_cli_tests) puts them in a
//! chapter's test file; the file adds only what is particular to it.

use serde::de::DeserializeOwned;
use shared::cli::Chapter;
use shared::report::{DEFAULT_WIDTH, Render};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The chapter's binary at `program`, run with `args`.
pub fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .expect("the chapter binary runs")
}

/// A `--json` run with `args`: the document parsed, and as printed. Fails
/// the test, with the chapter's stderr, if the run fails.
pub fn json_run(program: &str, args: &[&str]) -> (serde_json::Value, String) {
    let out = run(program, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let doc = serde_json::from_str(&text).expect("one JSON document");
    (doc, text)
}

/// `text` written to a fresh file and printed back with `--from FILE`
/// and `sections`.
pub fn replay(program: &str, text: &str, sections: &[&str]) -> Output {
    replay_with(program, text, sections, |command| command)
}

/// [`replay`], with `setup` given the command before it runs (its
/// environment, say).
fn replay_with(
    program: &str,
    text: &str,
    sections: &[&str],
    setup: impl FnOnce(&mut Command) -> &mut Command,
) -> Output {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = std::path::Path::new(program)
        .file_name()
        .map_or_else(|| "chapter".into(), |n| n.to_string_lossy().into_owned());
    let path = std::env::temp_dir().join(format!(
        "{name}-{}-{}.json",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, text).expect("a temporary file");
    let mut command = Command::new(program);
    command.arg("--from").arg(&path).args(sections);
    let out = setup(&mut command)
        .output()
        .expect("the chapter binary runs");
    let _ = std::fs::remove_file(&path);
    out
}

/// A saved run (`text`) printed back to a pipe with nothing saying how
/// wide (no `COLUMNS`): every line fits [`DEFAULT_WIDTH`], what a terminal
/// has by default, though the book lays its tables out wider.
pub fn assert_fits_off_a_terminal(program: &str, text: &str) {
    let out = replay_with(program, text, &[], |c| c.env_remove("COLUMNS"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A fresh test run on a loaded machine may hold a figure a run fit to
    // quote may not (status 1, said on stderr): it is printed all the
    // same, and its width is what is checked here. Any other failure —
    // a document it cannot read (2), a crash — fails the test.
    let printed = out.status.success()
        || (out.status.code() == Some(1)
            && stderr.contains("a run fit to quote must pass"));
    assert!(printed, "--from failed: {stderr}");
    let wide: Vec<&str> = (stdout.lines())
        .filter(|l| l.chars().count() > DEFAULT_WIDTH)
        .collect();
    assert!(
        wide.is_empty(),
        "{} line(s) over {DEFAULT_WIDTH} columns:\n{}",
        wide.len(),
        wide.join("\n")
    );
}

/// Every section of a saved run rebuilds, from its results alone, the
/// report it printed, in the order it ran. Compared as printed: JSON may
/// read a float back one unit in the last place off.
pub fn assert_rebuilt_as_printed<C, R: DeserializeOwned>(
    chapter: &Chapter<C, R>,
    text: &str,
) {
    let saved = shared::document::read_document::<R>(text, chapter.package)
        .expect("a document of this chapter");
    let rebuilt =
        shared::cli::rebuild(chapter, &saved, &[]).expect("every section rebuilds");
    let ran: Vec<&str> = saved.sections.iter().map(|s| s.name.as_str()).collect();
    let got: Vec<&str> = rebuilt.iter().map(|(run, _)| run.name.as_str()).collect();
    assert_eq!(got, ran, "rebuilt sections");
    for (run, report) in rebuilt {
        assert_eq!(
            report.render(Render::Plain),
            run.report.render(Render::Plain),
            "{} rebuilt differs",
            run.name
        );
    }
}

/// The command-line tests every chapter shares, and the helpers its own
/// tests call: `chapter(args)`, `document()` (one `--json` run with the
/// given arguments) and `replay(text, sections)`.
#[macro_export]
macro_rules! chapter_cli_tests {
    (
        binary: $binary:expr,
        chapter: $chapter:path,
        results: $results:ty,
        json: [$($arg:expr),* $(,)?] $(,)?
    ) => {
        /// The chapter's binary, run with `args`.
        #[allow(dead_code)]
        fn chapter(args: &[&str]) -> std::process::Output {
            $crate::cli::run($binary, args)
        }

        /// One `--json` run, shared by the tests that read it.
        #[allow(dead_code)]
        fn document() -> &'static ($crate::serde_json::Value, String) {
            static RUN: std::sync::OnceLock<($crate::serde_json::Value, String)> =
                std::sync::OnceLock::new();
            RUN.get_or_init(|| $crate::cli::json_run($binary, &[$($arg),*]))
        }

        /// `text` saved to a file and printed back with `--from`.
        #[allow(dead_code)]
        fn replay(text: &str, sections: &[&str]) -> std::process::Output {
            $crate::cli::replay($binary, text, sections)
        }

        #[test]
        fn list_names_every_section() {
            $crate::assert_lists_sections(&chapter(&["--list"]), &$chapter);
        }

        #[test]
        fn a_saved_run_that_cannot_be_read_is_one_line_and_status_2() {
            let out = chapter(&["--from", "/nonexistent/saved-run.json"]);
            $crate::assert_refused(&out, "cannot read it: ");
        }

        #[test]
        fn a_run_printed_to_a_pipe_fits_80_columns() {
            // This test's own run, and the book's, which has every section.
            $crate::cli::assert_fits_off_a_terminal($binary, &document().1);
            let book = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../book/src/generated")
                .join($chapter.package)
                .join("results.json");
            let saved = std::fs::read_to_string(&book)
                .unwrap_or_else(|e| panic!("{}: {e}", book.display()));
            $crate::cli::assert_fits_off_a_terminal($binary, &saved);
        }

        #[test]
        fn a_saved_run_rebuilds_every_report_as_printed() {
            $crate::cli::assert_rebuilt_as_printed::<_, $results>(&$chapter, &document().1);
        }
    };
}
