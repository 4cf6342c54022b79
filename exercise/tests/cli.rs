//! `cargo exercise`'s command line, without running a chapter's check
//! (that would start cargo inside cargo's own test run).

use std::process::{Command, Output};

fn exercise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_exercise"))
        .args(args)
        .output()
        .expect("it starts")
}

fn refused(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn a_hint_is_printed_and_fits_the_terminal() {
    let out = exercise(&["comparison", "--hint", "2"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("comparison exercise 2 (src/exercises/parallel_sum.rs):\n"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
}

#[test]
fn bad_input_is_one_line_and_status_2() {
    let misspelt = refused(&exercise(&["compar"]));
    assert!(
        misspelt.contains("did you mean 'comparison'?"),
        "{misspelt}"
    );
    let too_far = refused(&exercise(&["comparison", "--hint", "9"]));
    assert!(too_far.contains("exercises 1 to 3, not 9"), "{too_far}");
    let no_chapter = refused(&exercise(&["--hint", "1"]));
    assert!(no_chapter.contains("<CHAPTER>"), "{no_chapter}");
    let not_a_number = refused(&exercise(&["comparison", "--hint", "x"]));
    assert!(not_a_number.contains("'x'"), "{not_a_number}");
}

#[test]
fn help_names_the_command_and_every_chapter() {
    let out = exercise(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Usage: cargo exercise [OPTIONS] [CHAPTER]"),
        "{text}"
    );
    for chapter in ["comparison", "executors", "ecosystem"] {
        assert!(text.contains(chapter), "{text}");
    }
}

/// (testkit's helpers for this would be a dependency cycle: testkit reads
/// the exercise manifest through this crate.)
#[test]
fn a_closed_pipe_is_quiet_and_a_full_disk_one_line() {
    for args in [&["--help"][..], &["comparison", "--hint", "2"]] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let closed = Command::new(env!("CARGO_BIN_EXE_exercise"))
            .args(args)
            .stdout(writer)
            .output()
            .expect("it starts");
        assert!(closed.status.success(), "{args:?}: {closed:?}");
        assert!(closed.stderr.is_empty(), "{args:?}: {closed:?}");
        let full = std::fs::File::create("/dev/full").expect("/dev/full");
        let full = Command::new(env!("CARGO_BIN_EXE_exercise"))
            .args(args)
            .stdout(full)
            .output()
            .expect("it starts");
        let stderr = String::from_utf8_lossy(&full.stderr);
        assert_eq!(full.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("cargo exercise: cannot write the output")
                && stderr.lines().count() == 1,
            "{args:?}: {stderr}"
        );
    }
}
