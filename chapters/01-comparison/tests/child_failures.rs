//! A probe process that dies without a word (the OOM killer's SIGKILL)
//! fails with its exit status as the cause, not an empty message.

use comparison::Context;
use comparison::sections::memory::run_probe;
use comparison::sizes::Sizes;
use models::WorkerCommand;
use std::time::Duration;
use testkit::script::Script;

#[test]
fn a_probe_killed_without_a_word_names_the_signal() {
    let killed = Script::killed_at_once();
    let program = killed.path().into();
    let context = Context::new(Sizes::tiny(), WorkerCommand { program });
    let err = run_probe(&context, "async-std", 100_000, Duration::from_millis(1))
        .expect_err("a killed probe fails");
    assert_eq!(
        err.to_string(),
        "the async-std probe with 100000 units failed (signal: 9 (SIGKILL)): \
         nothing on stderr"
    );
}
