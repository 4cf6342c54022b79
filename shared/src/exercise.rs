//! How an exercise is checked.
//!
//! Each exercise is a function the learner completes. Its check runs the
//! function and describes what it returned as text; an insta snapshot holds
//! the text the reference solution produces. An unsolved stub panics at its
//! `todo!()`, which [`attempt`] turns into text that can never match.

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

/// The text of a panic payload (`panic!` with a string or a format).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

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
