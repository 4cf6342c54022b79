//! The manifest of every exercise (`exercises.toml` at the workspace
//! root) and what `cargo exercise` makes of the chapters' checks. The
//! checks themselves live in each chapter (`tests/exercises.rs`); this
//! crate only runs them and counts.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One exercise: the chapter's package, the file the learner edits (from
/// the chapter's directory) and a hint.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub package: String,
    pub file: String,
    pub hint: String,
}

/// `exercises.toml`: every exercise, in reading order.
#[derive(Clone, Debug, Deserialize)]
pub struct Manifest {
    pub exercise: Vec<Entry>,
}

/// The workspace root, where `exercises.toml` lives.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("exercise/ sits inside the workspace")
        .to_path_buf()
}

impl Manifest {
    pub fn parse(text: &str) -> Result<Manifest, String> {
        toml::from_str(text).map_err(|e| e.message().to_string())
    }

    /// The manifest of this workspace.
    pub fn load() -> Result<Manifest, String> {
        let path = workspace_root().join("exercises.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Manifest::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The chapters, in reading order, each once.
    pub fn packages(&self) -> Vec<&str> {
        let mut packages: Vec<&str> = Vec::new();
        for entry in &self.exercise {
            if !packages.contains(&entry.package.as_str()) {
                packages.push(&entry.package);
            }
        }
        packages
    }

    /// The exercises of `package`, numbered from 1 as its check numbers them.
    pub fn of(&self, package: &str) -> Vec<&Entry> {
        self.exercise
            .iter()
            .filter(|e| e.package == package)
            .collect()
    }
}

/// The numbers of the exercises a chapter's check says pass, read from its
/// lines ("exercise 2 (src/…): passes").
pub fn passing(check_output: &str) -> Vec<usize> {
    check_output
        .lines()
        .filter(|line| line.ends_with("): passes"))
        .filter_map(|line| {
            line.strip_prefix("exercise ")?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

/// The progress over every chapter: one line per chapter, the total, and
/// the first exercise not done with the command for its hint. `passed`
/// holds, per chapter in the manifest's order, the numbers that pass, or
/// `None` when its check could not run (it does not compile).
pub fn progress(manifest: &Manifest, passed: &[Option<Vec<usize>>]) -> String {
    let mut out = String::new();
    let (mut done, mut next) = (0, None);
    for (package, passes) in manifest.packages().into_iter().zip(passed) {
        let exercises = manifest.of(package);
        let Some(passes) = passes else {
            out += &format!(
                "{package:<15} does not compile: cargo exercise {package}\n"
            );
            next = next.or(Some((package, 1, exercises[0])));
            continue;
        };
        done += passes.len();
        out += &format!(
            "{package:<15} {} of {} done\n",
            passes.len(),
            exercises.len()
        );
        let first_open = (1..=exercises.len()).find(|n| !passes.contains(n));
        if let (None, Some(n)) = (next, first_open) {
            next = Some((package, n, exercises[n - 1]));
        }
    }
    let total = manifest.exercise.len();
    out += &format!("{done} of {total} done\n");
    if let Some((package, n, entry)) = next {
        out += &format!(
            "next: {package} exercise {n}, {}\n  check it: cargo exercise {package}\n  \
             a hint:   cargo exercise {package} --hint {n}\n",
            entry.file
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest::parse(
            "[[exercise]]\npackage = \"a\"\nfile = \"src/exercises/x.rs\"\nhint = \"h1\"\n\
             [[exercise]]\npackage = \"a\"\nfile = \"src/exercises/y.rs\"\nhint = \"h2\"\n\
             [[exercise]]\npackage = \"b\"\nfile = \"src/exercises/z.rs\"\nhint = \"h3\"\n",
        )
        .unwrap()
    }

    #[test]
    fn reads_which_exercises_pass() {
        let output = "exercise 1 (src/exercises/x.rs): passes\n\
                      exercise 2 (src/exercises/y.rs): fails at line 1: 'passes'\n\
                      exercise 3 (src/exercises/z.rs): not started\n";
        assert_eq!(passing(output), vec![1]);
    }

    #[test]
    fn the_progress_counts_and_names_the_first_open_exercise() {
        let text = progress(&manifest(), &[Some(vec![1]), Some(vec![1])]);
        assert!(text.contains("a               1 of 2 done\n"), "{text}");
        assert!(text.contains("\n2 of 3 done\n"), "{text}");
        assert!(
            text.contains("next: a exercise 2, src/exercises/y.rs"),
            "{text}"
        );
        assert!(text.contains("cargo exercise a --hint 2"), "{text}");
        let all = progress(&manifest(), &[Some(vec![1, 2]), Some(vec![1])]);
        assert!(all.ends_with("3 of 3 done\n"), "{all}");
        let broken = progress(&manifest(), &[None, Some(vec![])]);
        assert!(
            broken.contains("a               does not compile"),
            "{broken}"
        );
        assert!(broken.contains("next: a exercise 1"), "{broken}");
    }

    #[test]
    fn this_workspaces_manifest_reads() {
        let manifest = Manifest::load().unwrap();
        assert!(manifest.exercise.len() >= 18);
        for entry in &manifest.exercise {
            assert!(entry.file.starts_with("src/exercises/"), "{entry:?}");
            assert!(!entry.hint.trim().is_empty(), "{entry:?}");
        }
    }
}
