//! How an exercise is checked.
//!
//! Each exercise is a function the learner completes. Its check runs the
//! function and describes what it returned as text. The learner's check
//! ([`learner_main`], behind `cargo exercise NAME`) runs the same check on
//! the reference solution in the same run and compares the two texts: no
//! file the learner could rewrite takes part, so accepting a snapshot
//! cannot pass an exercise. The chapter's own tests also hold the
//! reference's text to an insta snapshot, so a change to a check is seen.
//! An unsolved stub panics at its `todo!()`, which [`attempt`] turns into
//! text that can never match.

use crate::panics::panic_message;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The marker an unsolved stub still contains.
pub const UNSOLVED_MARKER: &str = "todo!(";

/// Runs `work` and describes its result with `describe`; a panic becomes
/// "not solved yet: MESSAGE" instead of ending the check.
pub fn attempt<T>(
    work: impl FnOnce() -> T,
    describe: impl FnOnce(T) -> String,
) -> String {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(value) => describe(value),
        Err(payload) => format!("not solved yet: {}", panic_message(&*payload)),
    }
}

/// How long a check waits for an attempt before calling it stuck: far
/// longer than any reference solution takes, on any machine.
pub const CHECK_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs `check` on its own thread and waits at most `limit` for its text:
/// an attempt that deadlocks or blocks for ever (a sender never dropped, a
/// lock never released) fails the check, with a hint, instead of hanging
/// it. The stuck thread is left behind; the test process ends anyway.
pub fn bounded(
    limit: std::time::Duration,
    check: impl FnOnce() -> String + Send + 'static,
) -> String {
    let (send, receive) = std::sync::mpsc::channel();
    let started = std::thread::Builder::new()
        .name("exercise-check".into())
        .spawn(move || {
            let _ = send.send(check());
        });
    if let Err(err) = started {
        return format!("could not start the check: {err}\n");
    }
    match receive.recv_timeout(limit) {
        Ok(text) => text,
        Err(_) => format!(
            "no answer within {limit:?}: is a channel's sender still alive, a lock \
             still held, or a thread never joined?\n"
        ),
    }
}

/// Whether an exercise's source still holds its stub.
pub fn is_unsolved(source: &str) -> bool {
    source.contains(UNSOLVED_MARKER)
}

/// For a chapter's tests: the stub, while still unsolved, must fail the
/// check its solution passes (`stub` and `solution` are the two checks'
/// descriptions). A learner who has solved it locally is not failed for
/// that; under `CI` the committed stubs must still be unsolved.
pub fn assert_stub_fails(source: &str, stub: String, solution: &str) {
    if is_unsolved(source) {
        assert_ne!(stub, solution, "an unsolved stub passed its check");
        assert!(stub.contains("not solved yet"), "{stub}");
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "a committed stub is solved"
        );
    }
}

/// One exercise of a chapter: the file the learner edits, and its check
/// run on the learner's attempt and on the reference solution.
#[derive(Clone, Copy, Debug)]
pub struct Exercise {
    /// Relative to the chapter's directory: `src/exercises/batch.rs`.
    pub file: &'static str,
    /// The file's text as compiled (`include_str!`): whether it still
    /// holds its stub's `todo!()`.
    pub source: &'static str,
    pub attempt: fn() -> String,
    pub reference: fn() -> String,
}

/// Where an attempt stands against the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It still holds its stub's `todo!()`, and does not pass.
    NotStarted,
    Passes,
    /// Why, in the learner's own output only: never the reference's.
    Fails(String),
}

/// Compares an attempt's description with the reference's; `source` is
/// the attempt's file. A failure names the first line that differs and
/// quotes the attempt's version of it, so the learner sees what to look at
/// without being shown the answer.
pub fn verdict(source: &str, attempt: &str, reference: &str) -> Verdict {
    if attempt == reference {
        return Verdict::Passes;
    }
    if is_unsolved(source) {
        return Verdict::NotStarted;
    }
    let (mine, theirs): (Vec<&str>, Vec<&str>) =
        (attempt.lines().collect(), reference.lines().collect());
    let first = (0..mine.len().max(theirs.len()))
        .find(|&i| mine.get(i) != theirs.get(i))
        .unwrap_or(0);
    Verdict::Fails(match mine.get(first) {
        Some(line) => format!("at line {}: {}", first + 1, quoted(line)),
        None => format!("after line {}: the reference's output goes on", mine.len()),
    })
}

/// A line of the learner's output in a verdict: at most 50 characters.
fn quoted(line: &str) -> String {
    let line = line.trim();
    if line.chars().count() <= 50 {
        return format!("'{line}'");
    }
    let start: String = line.chars().take(49).collect();
    format!("'{start}…'")
}

/// Checks every exercise, one line each, then the progress and what to do
/// next; returns how many pass.
pub fn check_all(
    exercises: &[Exercise],
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    let mut done = 0;
    let mut next = None;
    for (i, exercise) in exercises.iter().enumerate() {
        let verdict = verdict(
            exercise.source,
            &(exercise.attempt)(),
            &(exercise.reference)(),
        );
        let number = i + 1;
        let state = match &verdict {
            Verdict::NotStarted => "not started".to_string(),
            Verdict::Passes => "passes".to_string(),
            Verdict::Fails(why) => format!("fails {why}"),
        };
        writeln!(out, "exercise {number} ({}): {state}", exercise.file)?;
        if verdict == Verdict::Passes {
            done += 1;
        } else if next.is_none() {
            next = Some((number, exercise.file));
        }
    }
    match next {
        Some((number, file)) => writeln!(
            out,
            "{done} of {} done; next: exercise {number}, {file}",
            exercises.len()
        )?,
        None => writeln!(out, "all {} done", exercises.len())?,
    }
    Ok(done)
}

/// The `main` of a chapter's learner check (`cargo exercise NAME`): one
/// line per exercise, status 0 when all pass and 1 otherwise. The panics
/// the checks catch (every `todo!()` of an unstarted stub) are not printed:
/// each exercise's line already says what happened.
pub fn learner_main(exercises: &[Exercise]) -> std::process::ExitCode {
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = std::io::stdout();
    match check_all(exercises, &mut out) {
        Ok(done) if done == exercises.len() => std::process::ExitCode::SUCCESS,
        _ => std::process::ExitCode::FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_shows_the_attempt_never_the_reference() {
        let reference = "crawler: tokio\nimages: rayon\n";
        let (stub, edited) = ("fn f() { todo!() }", "fn f() { g() }");
        assert_eq!(verdict(edited, reference, reference), Verdict::Passes);
        // A stub whose todo!() is never reached passes.
        assert_eq!(verdict(stub, reference, reference), Verdict::Passes);
        let panicked = "not solved yet: a scoped thread panicked";
        assert_eq!(verdict(stub, panicked, reference), Verdict::NotStarted);
        let wrong = "crawler: tokio\nimages: tokio\n";
        let Verdict::Fails(why) = verdict(edited, wrong, reference) else {
            panic!("a wrong answer passed");
        };
        assert_eq!(why, "at line 2: 'images: tokio'");
        assert!(!why.contains("rayon"), "the answer leaked: {why}");
        let Verdict::Fails(short) = verdict(edited, "crawler: tokio\n", reference)
        else {
            panic!("a short answer passed");
        };
        assert_eq!(short, "after line 1: the reference's output goes on");
        let other_panic = "not solved yet: index out of bounds";
        let failed = verdict(edited, other_panic, reference);
        assert!(matches!(failed, Verdict::Fails(_)), "{failed:?}");
    }

    #[test]
    fn the_progress_names_the_next_exercise() {
        let exercises = [
            Exercise {
                file: "src/exercises/a.rs",
                source: "",
                attempt: || "same".into(),
                reference: || "same".into(),
            },
            Exercise {
                file: "src/exercises/b.rs",
                source: "todo!()",
                attempt: || "not solved yet: not yet implemented".into(),
                reference: || "same".into(),
            },
        ];
        let mut out = Vec::new();
        assert_eq!(check_all(&exercises, &mut out).unwrap(), 1);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "exercise 1 (src/exercises/a.rs): passes\n\
             exercise 2 (src/exercises/b.rs): not started\n\
             1 of 2 done; next: exercise 2, src/exercises/b.rs\n"
        );
    }

    #[test]
    fn an_attempt_that_never_answers_fails_within_the_bound() {
        let limit = std::time::Duration::from_millis(50);
        let started = std::time::Instant::now();
        // A receive whose sender is kept alive: the classic hang.
        let (_sender, receiver) = std::sync::mpsc::channel::<()>();
        let text = bounded(limit, move || {
            let _ = receiver.recv();
            "answered".into()
        });
        assert!(text.starts_with("no answer within 50ms"), "{text}");
        assert!(text.contains("sender still alive"), "{text}");
        assert!(started.elapsed() < limit * 100, "it waited too long");
        assert_eq!(bounded(limit, || "quick".into()), "quick");
    }

    #[test]
    fn a_panic_becomes_text() {
        let text = attempt(|| -> u32 { panic!("nope {}", 1) }, |v| v.to_string());
        assert_eq!(text, "not solved yet: nope 1");
        assert_eq!(attempt(|| 7, |v| v.to_string()), "7");
    }
}
