//! The workspace's shape: no chapter depends on another, so a reader can
//! build one chapter without the rest, and a contributor can change one
//! without breaking another.

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
