//! The binaries a reader can reach with `cargo run`: each package's own
//! program runs without `--bin`, and every other binary (a tool of the
//! book's or of the tests') is named as internal in the README, since
//! Cargo has no way to hide one.

use std::path::Path;
use workspace_checks::{workspace_packages, workspace_root};

/// The binaries of the package in `dir` named `package`: `src/main.rs`
/// (named after the package), `src/bin/NAME.rs`, `src/bin/NAME/main.rs`
/// and any `[[bin]]` table.
fn binaries(dir: &Path, package: &str) -> Vec<String> {
    let mut names = Vec::new();
    if dir.join("src/main.rs").is_file() {
        names.push(package.to_string());
    }
    for entry in std::fs::read_dir(dir.join("src/bin")).into_iter().flatten() {
        let path = entry.expect("a readable directory entry").path();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let is_bin = path.extension().is_some_and(|e| e == "rs")
            || path.join("main.rs").is_file();
        names.extend(stem.filter(|_| is_bin));
    }
    let manifest = read_manifest(dir);
    let tables = manifest.get("bin").and_then(|b| b.as_array());
    for table in tables.into_iter().flatten() {
        if let Some(name) = table.get("name").and_then(|n| n.as_str())
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_string());
        }
    }
    names.sort();
    names
}

fn read_manifest(dir: &Path) -> toml::Table {
    let path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn default_run(dir: &Path) -> Option<String> {
    let manifest = read_manifest(dir);
    let package = manifest.get("package")?;
    Some(package.get("default-run")?.as_str()?.to_string())
}

#[test]
fn a_bare_cargo_run_of_a_package_runs_its_own_program() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (dir, package) in workspace_packages(&workspace_root()) {
        let names = binaries(&dir, &package);
        if names.len() < 2 || !names.contains(&package) {
            continue;
        }
        checked += 1;
        if default_run(&dir).as_deref() != Some(package.as_str()) {
            problems.push(format!(
                "{package} has binaries {names:?}: set default-run = \"{package}\" \
                 so that `cargo run -p {package}` runs it"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Chapter 1 has its charts beside it: the rule is not vacuous.
    assert!(
        checked > 0,
        "no package with more than one binary was found"
    );
}

#[test]
fn the_readme_names_every_internal_binary() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md"))
        .expect("README.md reads");
    let paragraph = readme
        .split("\n\n")
        .find(|p| p.contains("Internal binaries"))
        .expect("a README paragraph on the internal binaries");
    let mut missing = Vec::new();
    for (dir, package) in workspace_packages(&workspace_root()) {
        for name in binaries(&dir, &package) {
            if name != package && !paragraph.contains(&format!("`{name}`")) {
                missing.push(format!("{package}'s `{name}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "internal binaries the README does not name: {}",
        missing.join(", ")
    );
}
