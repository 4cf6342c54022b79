//! CI against the README: CI runs exactly the test command the README gives
//! the reader, never lets insta write or skip a snapshot, and both CI files
//! pin the same mdBook.

use workspace_checks::{Cargo, cargo_commands, code_snippets, workspace_root};

fn read(path: &str) -> String {
    std::fs::read_to_string(workspace_root().join(path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The lines of a shell or YAML file that are not comments.
fn live_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The `X` in every `--version X` / `--version=X` in `text`.
fn pinned_versions(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if let Some(v) = word.strip_prefix("--version=") {
            found.push(v.to_string());
        } else if *word == "--version" {
            found.extend(words.get(i + 1).map(|v| v.to_string()));
        }
    }
    found.retain(|v| {
        v.starts_with(|c: char| c.is_ascii_digit())
            && v.chars().all(|c| c.is_ascii_digit() || c == '.')
    });
    found
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = read("README.md");
    let command = code_snippets(&readme)
        .into_iter()
        .map(|(_, snippet)| snippet)
        .find(|s| {
            let first = cargo_commands(s).into_iter().next();
            matches!(first, Some(Cargo::Test { packages }) if packages.is_empty())
        })
        .expect("the README gives no `cargo test` command for the workspace");
    let command = command.trim().trim_start_matches("$ ").to_string();
    let ci = read(".ci/run");
    assert!(
        live_lines(&ci).contains(&command.as_str()),
        ".ci/run does not run the README's test command as a line of its own: \
         `{command}`"
    );
}

#[test]
fn ci_never_updates_or_skips_snapshots() {
    for path in [".ci/run", ".github/workflows/ci.yml"] {
        let text = read(path);
        for line in live_lines(&text) {
            assert!(
                !line.contains("INSTA_UPDATE") && !line.contains("INSTA_FORCE_PASS"),
                "{path}: `{line}`: CI must fail on a changed snapshot, not write it"
            );
        }
    }
}

#[test]
fn the_workflow_runs_ci_run_with_the_same_mdbook() {
    let run = read(".ci/run");
    let workflow = read(".github/workflows/ci.yml");
    assert!(
        live_lines(&workflow).iter().any(|l| l.contains(".ci/run")),
        "the GitHub workflow does not run .ci/run"
    );
    let pinned = pinned_versions(&run);
    assert!(!pinned.is_empty(), ".ci/run pins no mdbook version");
    for version in pinned_versions(&workflow) {
        assert!(
            pinned.contains(&version),
            "ci.yml installs mdbook {version}, .ci/run pins {pinned:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn ci_run_is_an_executable_strict_script() {
    use std::os::unix::fs::PermissionsExt;
    let path = workspace_root().join(".ci/run");
    let mode = std::fs::metadata(&path)
        .expect(".ci/run")
        .permissions()
        .mode();
    assert!(mode & 0o111 != 0, ".ci/run is not executable");
    let text = read(".ci/run");
    assert!(text.starts_with("#!"), ".ci/run has no #! line");
    assert!(
        live_lines(&text).contains(&"set -euo pipefail"),
        ".ci/run must stop at the first failing step (set -euo pipefail)"
    );
}

#[test]
fn pinned_versions_are_read() {
    let text = "cargo install mdbook --locked --version 0.5.4\nx --version=1.2\n\
        [ \"$(mdbook --version)\" = x ]";
    assert_eq!(pinned_versions(text), vec!["0.5.4", "1.2"]);
    assert_eq!(live_lines("# a\n  b  \n\n"), vec!["b"]);
}
