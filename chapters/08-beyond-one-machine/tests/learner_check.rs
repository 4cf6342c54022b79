//! The learner's check (`cargo exercise beyond-one-machine`) on the committed stubs, in
//! a process of its own and with `INSTA_UPDATE=always` set: every stub is
//! still not started, the check fails, says so in one line per exercise
//! and nothing on stderr, and writes no file (see `testkit::learner`).

mod exercise_list;

fn main() -> std::process::ExitCode {
    testkit::learner_check_main(
        env!("CARGO_PKG_NAME"),
        env!("CARGO_MANIFEST_DIR"),
        &exercise_list::EXERCISES,
    )
}
