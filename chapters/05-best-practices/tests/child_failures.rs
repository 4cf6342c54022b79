//! A one-job process that dies without a word fails with its exit status
//! as the cause, not a bare "failed".

use std::time::Duration;
use testkit::script::Script;

#[test]
fn a_one_job_process_killed_without_a_word_names_the_signal() {
    let killed = Script::killed_at_once();
    let wait = Duration::from_millis(1);
    let limit = Duration::from_secs(10);
    let err = best_practices::light_job::run_one(killed.path(), "u", wait, limit)
        .expect_err("a killed job fails");
    assert_eq!(
        err.to_string(),
        "a one-job process failed (signal: 9 (SIGKILL)): nothing on stderr"
    );
}
