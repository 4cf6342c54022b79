//! A hung process that dies before it is stuck says how it ended, not
//! `the hung process said ""`.

use debugging::sections::debugger::Hung;
use std::time::Duration;
use testkit::script::Script;

#[test]
fn a_hung_process_killed_before_it_was_stuck_names_the_signal() {
    let killed = Script::killed_at_once();
    let err = Hung::start(killed.path(), Duration::from_secs(1))
        .err()
        .expect("a process that never got stuck fails the start");
    assert_eq!(
        err.to_string(),
        "the hung process ended before it was stuck (signal: 9 (SIGKILL))"
    );
}
