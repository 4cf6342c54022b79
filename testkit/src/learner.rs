//! The learner's check (`cargo exercise NAME`), run by the chapter's own
//! tests on the committed stubs: what a learner who has just cloned the
//! repository sees.

use shared::exercise::{Exercise, check_all, is_unsolved};
use std::path::Path;

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

/// Runs the learner's check on `exercises` of chapter `package` in `dir`
/// (`env!("CARGO_PKG_NAME")`, `env!("CARGO_MANIFEST_DIR")`), holds
/// `exercises.toml` to them, and holds the check to the stubs: one line per
/// exercise naming its file, which exists; "not started" for every stub
/// still unsolved; then the progress line. A learner who has solved an
/// exercise locally is not failed for it; under `CI` every committed stub
/// must be unsolved.
pub fn assert_learner_check_on_stubs(
    package: &str,
    dir: &str,
    exercises: &[Exercise],
) {
    assert_manifest_lists(package, exercises);
    let mut out = Vec::new();
    let done = check_all(exercises, &mut out).expect("writing to memory");
    let text = String::from_utf8(out).expect("the check writes text");
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
    assert_eq!(done, exercises.len() - unsolved, "{text}");
    if unsolved > 0 {
        assert!(
            lines[exercises.len()].contains(" done; next: exercise "),
            "{text}"
        );
    }
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
