//! The contributor's scripts (`scripts/`) refuse bad arguments as the
//! chapters do: one line on stderr, exit status 2, and nothing started
//! (no build, no busy loop).

use std::process::Command;
use workspace_checks::workspace_root;

/// Runs `scripts/NAME ARGS` and returns its status, stdout and stderr.
fn run(name: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(workspace_root().join("scripts").join(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run scripts/{name}: {e}"));
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    let cases: [(&str, &[&str], &str); 7] = [
        ("soak", &["--runs"], "--runs needs a value"),
        ("soak", &["--skip"], "--skip needs a value"),
        ("soak", &["--minutes", "many"], "whole numbers"),
        ("soak", &["--fast"], "unknown argument '--fast'"),
        ("build-time-against", &[], "which revision?"),
        ("build-time-against", &["no-such-revision"], "no commit"),
        (
            "build-time-against",
            &["HEAD", "--limit", "ten"],
            "whole numbers",
        ),
    ];
    for (script, args, expected) in cases {
        let (status, stdout, stderr) = run(script, args);
        let shown = format!("scripts/{script} {args:?}");
        assert_eq!(status, Some(2), "{shown}: {stderr}");
        assert!(stdout.is_empty(), "{shown} wrote {stdout:?}");
        assert_eq!(stderr.lines().count(), 1, "{shown}: {stderr}");
        assert!(stderr.contains(expected), "{shown}: {stderr}");
    }
}

#[test]
fn help_is_the_header_comment() {
    for script in ["soak", "build-time-against"] {
        let (status, stdout, _) = run(script, &["--help"]);
        assert_eq!(status, Some(0), "scripts/{script} --help");
        assert!(
            stdout.starts_with(&format!("scripts/{script} ")),
            "{stdout}"
        );
        assert!(
            !stdout.contains("set -euo"),
            "help ran past the comment: {stdout}"
        );
    }
}
