//! The workspace's shape: no chapter depends on another, so a reader can
//! build one chapter without the rest, and a contributor can change one
//! without breaking another.

use std::collections::BTreeSet;
use workspace_checks::manifest::Manifest;
use workspace_checks::{normalize, workspace_packages, workspace_root};

#[test]
fn no_chapter_depends_on_another_chapter() {
    let root = workspace_root();
    let chapters = root.join("chapters");
    let mut problems = Vec::new();
    for (dir, name) in workspace_packages(&root) {
        if !dir.starts_with(&chapters) {
            continue;
        }
        let manifest = Manifest::read(&dir.join("Cargo.toml"));
        for (dependency, path) in manifest.path_dependencies() {
            if normalize(&dir.join(path)).starts_with(&chapters) {
                problems.push(format!(
                    "{name} depends on chapter {dependency} ({path})"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_models_crate_compiles_async_std_and_smol_only_when_asked() {
    let manifest = Manifest::read(&workspace_root().join("models/Cargo.toml"));
    for runtime in ["async-std", "smol"] {
        let spec = &manifest.dependencies[runtime];
        assert_eq!(
            spec.get("optional").and_then(|o| o.as_bool()),
            Some(true),
            "models depends on {runtime} unconditionally"
        );
    }
}

/// The README names the chapters that take `--python`: exactly those whose
/// command line declares it (a chapter's `flags: &[…]`, in its `lib.rs`).
#[test]
fn the_readme_names_every_chapter_that_takes_python_and_no_other() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let paragraph = readme
        .split("\n\n")
        .find(|p| p.starts_with("`--python`"))
        .expect("the README has a paragraph starting with `--python`");
    let (mut named, mut declared) = (BTreeSet::new(), BTreeSet::new());
    for (dir, name) in workspace_packages(&root) {
        if !dir.starts_with(root.join("chapters")) {
            continue;
        }
        if paragraph.contains(&format!("`{name}`")) {
            named.insert(name.clone());
        }
        let lib =
            std::fs::read_to_string(dir.join("src/lib.rs")).unwrap_or_default();
        let flags = lib
            .split_once("flags: &[")
            .and_then(|(_, rest)| rest.split_once(']'))
            .map_or("", |(flags, _)| flags);
        if flags.contains("\"--python\"") {
            declared.insert(name);
        }
    }
    assert!(
        declared.len() >= 2,
        "fewer than two chapters declare --python: the check reads the wrong place"
    );
    assert_eq!(
        named, declared,
        "the README's --python paragraph against the chapters' declared flags"
    );
}
