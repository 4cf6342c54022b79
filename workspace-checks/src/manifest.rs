//! Cargo manifests, read with the `toml` crate (the parser Cargo's own
//! tools use) rather than by scanning lines: a comment or a string that
//! mentions `members` cannot fool it.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The parts of a Cargo.toml the checks read.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Manifest {
    pub package: Option<Package>,
    pub workspace: Option<Workspace>,
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub dev_dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub build_dependencies: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
pub struct Package {
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct Workspace {
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default, rename = "default-members")]
    pub default_members: Vec<String>,
}

impl Manifest {
    pub fn parse(text: &str) -> Result<Manifest, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn read(path: &Path) -> Manifest {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Manifest::parse(&text)
            .unwrap_or_else(|e| panic!("{} is not a manifest: {e}", path.display()))
    }

    /// Every dependency of any kind given by `path = "…"`: (name, path).
    pub fn path_dependencies(&self) -> Vec<(&str, &str)> {
        [
            &self.dependencies,
            &self.dev_dependencies,
            &self.build_dependencies,
        ]
        .into_iter()
        .flatten()
        .filter_map(|(name, spec)| {
            Some((name.as_str(), spec.get("path")?.as_str()?))
        })
        .collect()
    }
}

/// The `name` in the `[package]` table of a Cargo.toml.
pub fn package_name(cargo_toml: &str) -> Option<String> {
    Some(Manifest::parse(cargo_toml).ok()?.package?.name)
}

/// The `members` of the `[workspace]` table of the root Cargo.toml, as
/// written (globs included).
pub fn workspace_members(cargo_toml: &str) -> Vec<String> {
    Manifest::parse(cargo_toml)
        .ok()
        .and_then(|m| m.workspace)
        .map_or_else(Vec::new, |w| w.members)
}

/// The package a bare `cargo run` at `root` runs: the one
/// `default-members` entry, if there is exactly one.
pub fn default_package(root: &Path) -> Option<String> {
    let workspace = Manifest::read(&root.join("Cargo.toml")).workspace?;
    let [member] = workspace.default_members.as_slice() else {
        return None;
    };
    Some(
        Manifest::read(&root.join(member).join("Cargo.toml"))
            .package?
            .name,
    )
}

/// Every package of the workspace at `root`: (directory, package name).
/// Members ending in `/*` stand for every directory inside with a
/// Cargo.toml.
pub fn workspace_packages(root: &Path) -> Vec<(PathBuf, String)> {
    let root_manifest = Manifest::read(&root.join("Cargo.toml"));
    let members = root_manifest.workspace.map_or_else(Vec::new, |w| w.members);
    let mut dirs = Vec::new();
    for member in members {
        match member.strip_suffix("/*") {
            Some(parent) => {
                let entries = std::fs::read_dir(root.join(parent))
                    .unwrap_or_else(|e| panic!("cannot read {parent}/: {e}"));
                for entry in entries {
                    let dir = entry.expect("a readable directory entry").path();
                    if dir.join("Cargo.toml").is_file() {
                        dirs.push(dir);
                    }
                }
            }
            None => dirs.push(root.join(member)),
        }
    }
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let manifest = Manifest::read(&dir.join("Cargo.toml"));
            let name = (manifest.package.map(|p| p.name))
                .unwrap_or_else(|| panic!("no [package] name in {}", dir.display()));
            (dir, name)
        })
        .collect()
}

/// `01-comparison` → `Some((1, "comparison"))`: two digits, a dash, and a
/// lower-case name starting with a letter.
pub fn chapter_dir(name: &str) -> Option<(u32, &str)> {
    let (number, rest) = name.split_at_checked(2)?;
    let package = rest.strip_prefix('-')?;
    let ok_number = number.chars().all(|c| c.is_ascii_digit());
    let ok_name = package.starts_with(|c: char| c.is_ascii_lowercase())
        && package
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (ok_number && ok_name).then(|| (number.parse().expect("two digits"), package))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_and_members_not_comments_or_strings() {
        let toml = "# members = [\"fooled\"]\n\
            [workspace]\n\
            members = [\"shared\", \"chapters/*\",\n \"tests\"] # members\n\
            [dependencies]\nname = { path = \"dep\" }\n\
            [package]\nversion = \"1\"\ndescription = \"name = x\"\n\
            name = \"comparison\"\n";
        assert_eq!(package_name(toml), Some("comparison".to_string()));
        assert_eq!(package_name("[dependencies]\nname = \"x\""), None);
        assert_eq!(
            workspace_members(toml),
            vec!["shared", "chapters/*", "tests"]
        );
    }

    #[test]
    fn finds_path_dependencies_of_every_kind() {
        let manifest = Manifest::parse(
            "[dependencies]\na = { path = \"../a\" }\nb = \"1\"\n\
             c = { workspace = true }\n\
             [dev-dependencies]\nd = { path = \"../d\", features = [\"x\"] }\n",
        )
        .unwrap();
        assert_eq!(
            manifest.path_dependencies(),
            vec![("a", "../a"), ("d", "../d")]
        );
    }

    #[test]
    fn reads_chapter_dirs_and_cargo_tomls() {
        assert_eq!(chapter_dir("01-comparison"), Some((1, "comparison")));
        assert_eq!(chapter_dir("12-async-io2"), Some((12, "async-io2")));
        for bad in [
            "1-comparison",
            "01_comparison",
            "01-Comparison",
            "ab-x",
            "01-",
        ] {
            assert_eq!(chapter_dir(bad), None, "{bad}");
        }
    }
}
