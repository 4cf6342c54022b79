//! How long each chapter's `--full` run took, read from the runs the book
//! shows (book/src/generated/PACKAGE/results.json, where every section
//! records its seconds), so the README and the Results page can say how
//! long a run takes without typing a number. `book/regenerate` rewrites
//! book/src/generated/run-times.txt with the `run-times` binary; a test
//! fails when the file is stale, and when a run took three minutes or more
//! (the goal for a chapter's `--full` on two cores).

use serde::Deserialize;
use std::path::Path;

/// The longest a chapter's `--full` run may take, in seconds.
pub const GOAL_S: f64 = 180.0;

/// What this module reads of a results document.
#[derive(Debug, Deserialize)]
pub struct Run {
    pub chapter: String,
    pub date: String,
    pub arguments: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Deserialize)]
pub struct Section {
    pub name: String,
    pub seconds: f64,
}

impl Run {
    /// Every section's time added up: the run, less the start-up.
    pub fn seconds(&self) -> f64 {
        self.sections.iter().map(|s| s.seconds).sum()
    }

    pub fn longest(&self) -> Option<&Section> {
        self.sections
            .iter()
            .max_by(|a, b| a.seconds.total_cmp(&b.seconds))
    }
}

/// Every chapter's saved run under `root`, in chapter order.
pub fn runs(root: &Path) -> Result<Vec<Run>, String> {
    let mut runs = Vec::new();
    let mut packages = crate::workspace_packages(root);
    packages.sort(); // by directory: 01-comparison first
    for (dir, package) in packages {
        if !dir.starts_with(root.join("chapters")) {
            continue;
        }
        let path = root
            .join("book/src/generated")
            .join(&package)
            .join("results.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e}", crate::display(root, &path)))?;
        let run: Run = serde_json::from_str(&text)
            .map_err(|e| format!("{}: {e}", crate::display(root, &path)))?;
        runs.push(run);
    }
    Ok(runs)
}

/// "2 min 38 s", "24 s": whole seconds, which is all a reader plans by.
pub fn duration(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    if whole < 60 {
        format!("{whole} s")
    } else {
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// The table book/src/generated/run-times.txt holds.
pub fn table(runs: &[Run]) -> String {
    let mut out = String::from(
        "How long each chapter's run took, from the runs this book shows\n\n",
    );
    let header = [
        "chapter",
        "run took",
        "longest section",
        "arguments",
        "measured",
    ];
    let rows: Vec<[String; 5]> = runs
        .iter()
        .map(|run| {
            let longest = run.longest().map_or(String::new(), |s| {
                format!("{} {}", s.name, duration(s.seconds))
            });
            let arguments = (run.arguments.iter())
                .filter(|a| *a != "--json" && *a != "--wait-quiet")
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            let day = run.date.split(' ').next().unwrap_or_default().to_string();
            [
                run.chapter.clone(),
                duration(run.seconds()),
                longest,
                arguments,
                day,
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[&str]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        // One space apart: with eight chapters the table must fit the book's
        // 84 columns.
        format!("  {}\n", padded.join(" ").trim_end())
    };
    out += &line(&header);
    let rules: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out += &line(&rules.iter().map(String::as_str).collect::<Vec<_>>());
    for row in &rows {
        out += &line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chapter: &str, seconds: &[f64]) -> Run {
        Run {
            chapter: chapter.into(),
            date: "2026-12-02 18:09 UTC".into(),
            arguments: ["--full", "--json", "--wait-quiet"]
                .map(String::from)
                .to_vec(),
            sections: (seconds.iter().enumerate())
                .map(|(i, s)| Section {
                    name: format!("s{i}"),
                    seconds: *s,
                })
                .collect(),
        }
    }

    #[test]
    fn durations_read_in_minutes_and_seconds() {
        assert_eq!(duration(24.4), "24 s");
        assert_eq!(duration(158.45), "2 min 38 s");
        assert_eq!(duration(60.0), "1 min 00 s");
    }

    #[test]
    fn the_table_adds_every_section_and_names_the_longest() {
        let table =
            table(&[run("comparison", &[100.0, 58.4]), run("debugging", &[3.0])]);
        assert!(
            table.contains("comparison 2 min 38 s s0 1 min 40 s"),
            "{table}"
        );
        assert!(table.contains("debugging  3 s"), "{table}");
        assert!(!table.contains("--json"), "{table}");
    }
}
