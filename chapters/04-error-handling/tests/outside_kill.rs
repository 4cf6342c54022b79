//! A child killed from outside the run (`kill -9`, the OOM killer) is
//! reported as that, not as a broken invariant that blames the code.

use error_handling::sizes::Sizes;
use error_handling::{CHAPTER, Context};
use std::os::unix::fs::PermissionsExt;

#[test]
fn a_child_killed_from_outside_fails_the_section_and_says_so() {
    // The chapter's binary, except that the child asked to exit 3 is
    // killed by SIGKILL first, as someone's `kill -9` would.
    let dir =
        std::env::temp_dir().join(format!("outside-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let program = dir.join("killed-exit-3");
    let real = env!("CARGO_BIN_EXE_error-handling");
    let script = format!(
        "#!/bin/sh\n[ \"$2\" = exit-3 ] && kill -9 $$\nexec '{real}' \"$@\"\n"
    );
    std::fs::write(&program, script).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755))
        .unwrap();
    let mut context = Context::new(Sizes::tiny(), program);
    let result = shared::cli::run_alone(&CHAPTER, &mut context, "processes");
    let _ = std::fs::remove_dir_all(&dir);
    let err = result.expect_err("a killed child is an error, not a report");
    assert_eq!(
        err.to_string(),
        "the child that exits 3 with a message ended by signal 9 (SIGKILL), \
         which this section does not send: something outside the run killed it"
    );
}
