//! The learner's check (`cargo exercise NAME`), run by the chapter's own
//! tests on the committed stubs: what a learner who has just cloned the
//! repository sees, even one who follows every hint insta ever printed.

use shared::exercise::{Exercise, is_unsolved, learner_main};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::{Duration, Instant};

/// Holds `exercises.toml`, the manifest `cargo exercise` reads for
/// progress and hints, to the exercises chapter `package` checks: the same
/// files, in the same order.
pub fn assert_manifest_lists(package: &str, exercises: &[Exercise]) {
    let manifest = exercise::Manifest::load().expect("exercises.toml reads");
    let listed: Vec<&str> = manifest
        .of(package)
        .iter()
        .map(|e| e.file.as_str())
        .collect();
    let checked: Vec<&str> = exercises.iter().map(|e| e.file).collect();
    assert_eq!(
        listed, checked,
        "exercises.toml and {package}'s checks disagree"
    );
}

/// The `main` of a chapter's `tests/learner_check.rs`, a test without
/// libtest's harness so that what its child prints is the learner's check's
/// alone. It runs itself again as the learner's check (`cargo exercise
/// NAME` runs the same [`learner_main`]), with everything a learner might
/// set by following a hint or a habit: `INSTA_UPDATE=always`,
/// `INSTA_FORCE_PASS=1`, `RUST_BACKTRACE=1`, and no `CI`. The check must
/// still say every stub is not started, exit 1, print nothing on stderr
/// (no `todo!()` panic, no backtrace) and write no file of the workspace.
/// `package` and `dir` are `env!("CARGO_PKG_NAME")` and
/// `env!("CARGO_MANIFEST_DIR")`.
pub fn learner_check_main(
    package: &str,
    dir: &str,
    exercises: &[Exercise],
) -> ExitCode {
    if std::env::var_os(AS_THE_LEARNER).is_some() {
        return learner_main(exercises);
    }
    if !selected(std::env::args().skip(1)) {
        return ExitCode::SUCCESS;
    }
    assert_manifest_lists(package, exercises);
    let root = exercise::workspace_root();
    let before = contents(&root);
    let out = run_as_the_learner();
    let after = contents(&root);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "the check wrote on stderr:\n{stderr}");
    let unsolved = assert_one_line_each(dir, exercises, &stdout);
    let status = if unsolved > 0 { 1 } else { 0 };
    assert_eq!(out.status.code(), Some(status), "{stdout}");
    let written: Vec<_> = (before.keys().chain(after.keys()))
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert!(written.is_empty(), "the learner's check wrote {written:?}");
    println!(
        "{TEST_NAME}: {unsolved} of {} not started, status {status}, \
         nothing on stderr, no file written",
        exercises.len()
    );
    ExitCode::SUCCESS
}

/// Set in the child: run as the learner's check.
const AS_THE_LEARNER: &str = "TESTKIT_AS_THE_LEARNER";

/// The one test a `learner_check` binary holds, as libtest would name it.
const TEST_NAME: &str = "the_learners_check_on_the_stubs";

/// Whether `cargo test`'s arguments select the test as libtest would: no
/// filter, or one it contains, and no `--skip` it contains (`--list` lists
/// it instead of running it). The value after an option that takes one
/// (`--skip NAME`, `--test-threads 1`) is not a filter.
fn selected(mut args: impl Iterator<Item = String>) -> bool {
    let mut filters = Vec::new();
    let mut skips = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--list" => {
                println!("{TEST_NAME}: test");
                return false;
            }
            "--skip" => skips.extend(args.next()),
            option if TAKES_A_VALUE.contains(&option) => {
                args.next();
            }
            option if option.starts_with('-') => {}
            filter => filters.push(filter.to_owned()),
        }
    }
    let skipped = skips.iter().any(|s| TEST_NAME.contains(s.as_str()));
    let chosen =
        filters.is_empty() || filters.iter().any(|f| TEST_NAME.contains(f.as_str()));
    chosen && !skipped
}

/// libtest's options whose value is a separate argument.
const TAKES_A_VALUE: [&str; 6] = [
    "--test-threads",
    "--format",
    "--color",
    "--logfile",
    "--shuffle-seed",
    "-Z",
];

/// Far longer than any chapter's check takes, each exercise being bounded
/// by its own watchdog: only a check without one could reach it.
const CHILD_LIMIT: Duration = Duration::from_secs(300);

/// This binary again, as the learner's check, under the environment a
/// learner might have; killed if it outlives [`CHILD_LIMIT`].
fn run_as_the_learner() -> Output {
    let mut child = Command::new(std::env::current_exe().expect("this test's path"))
        .env(AS_THE_LEARNER, "1")
        .env("INSTA_UPDATE", "always")
        .env("INSTA_FORCE_PASS", "1")
        .env("RUST_BACKTRACE", "1")
        .env_remove("CI")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the learner's check starts");
    let started = Instant::now();
    while child.try_wait().expect("waiting for the check").is_none() {
        if started.elapsed() > CHILD_LIMIT {
            let _ = child.kill();
            panic!("the learner's check took over {CHILD_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("the check's output")
}

/// Every file of the workspace that git would track, by path: what a
/// learner could see modified. (The build's and the book's outputs, which
/// git ignores, are left out.)
fn contents(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if IGNORED.iter().any(|i| path == root.join(i)) {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                files.insert(path, bytes);
            }
        }
    }
    files
}

/// What `.gitignore` leaves out, beside `.git` itself.
const IGNORED: [&str; 5] = [".git", "target", "book/book", "book/src/quiz", ".venv"];

/// Holds the check's output on the stubs: one line per exercise naming its
/// file, which exists; "not started" for every stub still unsolved; then
/// the progress line. A learner who has solved an exercise locally is not
/// failed for it; under `CI` every committed stub must be unsolved.
/// Returns how many are unsolved.
fn assert_one_line_each(dir: &str, exercises: &[Exercise], text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), exercises.len() + 1, "{text}");
    let mut unsolved = 0;
    for (i, (exercise, line)) in exercises.iter().zip(&lines).enumerate() {
        let path = Path::new(dir).join(exercise.file);
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let named = format!("exercise {} ({}): ", i + 1, exercise.file);
        assert!(line.starts_with(&named), "{line}");
        if is_unsolved(&source) {
            unsolved += 1;
            assert!(line.ends_with("): not started"), "{line}");
        } else {
            assert!(
                std::env::var_os("CI").is_none(),
                "a committed stub is solved"
            );
        }
    }
    let passing = lines.iter().filter(|l| l.ends_with("): passes")).count();
    assert_eq!(passing, exercises.len() - unsolved, "{text}");
    if unsolved > 0 {
        assert!(
            lines[exercises.len()].contains(" done; next: exercise "),
            "{text}"
        );
    }
    unsolved
}

/// What the learner's check says of an edited attempt (no `todo!()` left)
/// whose check printed `attempt`, against the reference's `reference`:
/// the reason it fails. Panics if it passes.
pub fn why_it_fails(attempt: &str, reference: &str) -> String {
    match shared::exercise::verdict("fn solved() {}", attempt, reference) {
        shared::exercise::Verdict::Fails(why) => why,
        other => panic!("a wrong answer got {other:?}: {attempt}"),
    }
}

#[cfg(test)]
mod tests {
    use super::selected;

    fn chooses(args: &[&str]) -> bool {
        selected(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn libtest_arguments_select_or_skip_the_check_by_name() {
        assert!(chooses(&[]));
        assert!(chooses(&["learners_check"]));
        assert!(!chooses(&["data_races"]));
        assert!(!chooses(&["--skip", "learners"]));
        assert!(chooses(&["--skip", "data_races_do_not_compile"]));
        assert!(chooses(&["--test-threads", "1", "--nocapture"]));
        assert!(!chooses(&["--list"]));
    }
}
