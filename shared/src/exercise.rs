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
/// says, in the attempt's own words, what is wrong on it (see
/// [`what_differs`]), so the learner sees what to look at without being
/// shown the answer.
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
        Some(line) => {
            let theirs = theirs.get(first).copied().unwrap_or_default();
            format!("at line {}{}", first + 1, what_differs(line, theirs))
        }
        None => format!("after line {}: the reference's output goes on", mine.len()),
    })
}

/// What the attempt's `line` says where it differs from the reference's
/// `theirs`, in the attempt's words only. A check's line is a case and
/// its properties, `CASE: PROPERTY, PROPERTY` (`n = 10, parts = 3: total
/// right: yes, near-equal: no`): when the cases agree, this names the case
/// and the first property that differs (` (n = 10, parts = 3): near-equal:
/// no`, or ` (a crawler …): got rayon` for a bare value); otherwise it
/// quotes the whole line. Nothing is cut short that says what is wrong:
/// only a value over [`LONGEST_VALUE`] characters is.
fn what_differs(line: &str, theirs: &str) -> String {
    let line = line.trim();
    let whole = format!(": got {}", quoted(line));
    let cases = split_case(line).zip(split_case(theirs.trim()));
    let Some(((case, mine), (their_case, theirs))) = cases else {
        return whole;
    };
    if case != their_case {
        return whole;
    }
    let (mine, theirs) = (properties(mine), properties(theirs));
    match (0..mine.len()).find(|&k| mine.get(k) != theirs.get(k)) {
        Some(k) if mine[k].contains(": ") => {
            format!(" ({case}): {}", shortened(mine[k]))
        }
        Some(k) => format!(" ({case}): got {}", shortened(mine[k])),
        None => format!(" ({case}): got {} and no more", quoted(&mine.join(", "))),
    }
}

/// The longest value a verdict quotes whole: far more than any check's
/// line, so only a runaway output (a list of thousands) is cut.
const LONGEST_VALUE: usize = 200;

fn shortened(text: &str) -> String {
    if text.chars().count() <= LONGEST_VALUE {
        return text.to_string();
    }
    let start: String = text.chars().take(LONGEST_VALUE - 1).collect();
    format!("{start}…")
}

fn quoted(line: &str) -> String {
    format!("'{}'", shortened(line))
}

/// `CASE: REST` split at the first `": "` outside brackets and quotes.
fn split_case(line: &str) -> Option<(&str, &str)> {
    let at = top_level(line).find(|&i| line[i..].starts_with(": "))?;
    Some((&line[..at], &line[at + 2..]))
}

/// `REST` split at each `", "` outside brackets and quotes, so that
/// `[1, 2]` or `"a, b"` stays one property.
fn properties(rest: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut from = 0;
    for i in top_level(rest).filter(|&i| rest[i..].starts_with(", ")) {
        parts.push(&rest[from..i]);
        from = i + 2;
    }
    parts.push(&rest[from..]);
    parts
}

/// The byte offsets of `text` outside any bracket and any `"…"` string.
fn top_level(text: &str) -> impl Iterator<Item = usize> + '_ {
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    text.char_indices().filter_map(move |(i, c)| {
        let outside = depth == 0 && !quoted;
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
        (outside && c != '"').then_some(i)
    })
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
        assert_eq!(why, "at line 2 (images): got tokio");
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

    /// The failure as the learner reads it, for an attempt `mine`.
    fn why(mine: &str, reference: &str) -> String {
        match verdict("fn f() {}", mine, reference) {
            Verdict::Fails(why) => why,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_verdict_names_the_case_and_the_property_that_fails() {
        let right = "n = 7, parts = 1: total right: yes, near-equal: yes\n\
                     n = 10, parts = 3: total right: yes, at most 3: yes, \
                     near-equal: yes\n";
        let uneven = "n = 7, parts = 1: total right: yes, near-equal: yes\n\
                      n = 10, parts = 3: total right: yes, at most 3: yes, \
                      near-equal: no\n";
        assert_eq!(
            why(uneven, right),
            "at line 2 (n = 10, parts = 3): near-equal: no"
        );
        // Brackets and quotes hold their commas and colons.
        let listed = "pairs [(1, 2), (3, 4)]: paid: yes, left: [1, 2]\n";
        let short = "pairs [(1, 2), (3, 4)]: paid: yes, left: [1, 3]\n";
        assert_eq!(
            why(short, listed),
            "at line 1 (pairs [(1, 2), (3, 4)]): left: [1, 3]"
        );
        let quoted = "\"a, b: c\": 2\n";
        assert_eq!(
            why("\"a, b: c\": 3\n", quoted),
            "at line 1 (\"a, b: c\"): got 3"
        );
        // A line of another case, or of no case, is quoted whole: the
        // watchdog's sentence, say.
        assert_eq!(why("x\n", "y: 1\n"), "at line 1: got 'x'");
        assert_eq!(why("b: 1\n", "a: 1\n"), "at line 1: got 'b: 1'");
        let stuck = "no answer within 20s: is a sender still alive, a lock held?";
        assert_eq!(why(stuck, "a: 1\n"), format!("at line 1: got '{stuck}'"));
        // Fewer properties than the reference's: the learner's, whole.
        assert_eq!(
            why("a: x\n", "a: x, y\n"),
            "at line 1 (a): got 'x' and no more"
        );
        let long = format!("a: [{}]\n", "1, ".repeat(100));
        assert!(
            why(&long, "a: []\n").ends_with("1, …"),
            "{}",
            why(&long, "a: []\n")
        );
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
