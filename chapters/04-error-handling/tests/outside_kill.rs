//! A child killed from outside the run (`kill -9`, the OOM killer) is
//! reported as that, not as a broken invariant that blames the code.

use error_handling::sizes::Sizes;
use error_handling::{CHAPTER, Context};
use testkit::script::Script;

#[test]
fn a_child_killed_from_outside_fails_the_section_and_says_so() {
    // The chapter's binary, except that the child asked to exit 3 is
    // killed by SIGKILL first, as someone's `kill -9` would.
    let real = env!("CARGO_BIN_EXE_error-handling");
    let body = format!("[ \"$2\" = exit-3 ] && kill -9 $$\nexec '{real}' \"$@\"");
    let program = Script::new("killed-exit-3", &body);
    let mut context = Context::new(Sizes::tiny(), program.path().into());
    let result = shared::cli::run_alone(&CHAPTER, &mut context, "processes");
    let err = result.expect_err("a killed child is an error, not a report");
    assert_eq!(
        err.to_string(),
        "the child that exits 3 with a message ended by signal 9 (SIGKILL), \
         which this section does not send: something outside the run killed it"
    );
}
