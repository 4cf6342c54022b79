//! The compiler's messages the book quotes, fitted to its code blocks.
//!
//! A compile-fail test keeps rustc's message in a `.stderr` file beside the
//! code it rejects (trybuild compares the two). A page quotes the message in
//! a code block at most [`WIDTH`] columns wide, what the rendered book shows
//! without a sideways scroll. Letting the browser wrap it would break the
//! caret diagrams, so nothing is wrapped there. Here, the diagram lines
//! (rustc's `|` gutter and its `-->` locations) are kept exactly as printed
//! and must fit, which the code under test is written for; the prose lines
//! (`error[…]: …`, `= note: …`) are folded at spaces, each continuation
//! aligned after its label, the way rustc aligns its own long notes.
//! Wrapping is textwrap's; only what is a diagram is decided here.
//!
//! The fitted copies are book/src/generated/compiler/PACKAGE/NAME.txt.
//! `cargo run -p workspace-checks --bin fit-compiler-messages` rewrites
//! them after `TRYBUILD=overwrite`; a test fails when one is stale.

use crate::manifest::package_name;
use std::path::{Path, PathBuf};
use textwrap::{Options, WordSplitter};

/// The widest line a book code block shows without scrolling, in columns
/// (check-rendered measures it; two columns are left spare).
pub const WIDTH: usize = 84;

/// A line of one of rustc's diagrams: a gutter (`12 |`, `   |`, `10 | |`)
/// or a location (`  --> file:line:col`).
pub fn is_diagram(line: &str) -> bool {
    let body = line.trim_start();
    let after_number = body.trim_start_matches(|c: char| c.is_ascii_digit());
    after_number.trim_start().starts_with('|') || body.starts_with("-->")
}

/// Where a folded prose line continues: after its label (`error[E0277]: `,
/// `note: `, `= help: `), or at its own indent when it has none.
fn hanging_indent(line: &str) -> usize {
    let lead = line.len() - line.trim_start().len();
    let body = &line[lead..];
    let labelled = body.strip_prefix("= ").unwrap_or(body);
    let Some(colon) = labelled.find(": ") else {
        return lead;
    };
    let label = &labelled[..colon];
    let is_label = !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '[' || c == ']');
    if is_label {
        line.len() - labelled.len() + colon + 2
    } else {
        lead
    }
}

/// `message` with every prose line longer than [`WIDTH`] folded; diagram
/// lines and lines that fit are left as they are.
pub fn fit(message: &str) -> String {
    let mut out = String::new();
    for line in message.lines() {
        if line.chars().count() <= WIDTH || is_diagram(line) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let body = line.trim_start();
        let lead = &line[..line.len() - body.len()];
        let indent = " ".repeat(hanging_indent(line));
        let options = Options::new(WIDTH)
            .initial_indent(lead)
            .subsequent_indent(&indent)
            .break_words(false)
            .word_splitter(WordSplitter::NoHyphenation);
        for folded in textwrap::wrap(body, options) {
            out.push_str(folded.trim_end());
            out.push('\n');
        }
    }
    out
}

/// The lines of `fitted` still wider than [`WIDTH`], numbered from 1: a
/// diagram to make narrower by changing the code, or a word too long to
/// fold.
pub fn too_wide(fitted: &str) -> Vec<(usize, String)> {
    (fitted.lines().enumerate())
        .filter(|(_, line)| line.chars().count() > WIDTH)
        .map(|(i, line)| (i + 1, line.to_string()))
        .collect()
}

/// One quoted message: the chapter's package, the `.stderr` file, and the
/// fitted copy the book includes.
#[derive(Debug)]
pub struct Message {
    pub package: String,
    pub stderr: PathBuf,
    pub fitted: PathBuf,
}

/// Every compile-fail message of every chapter under `root`, in order.
pub fn messages(root: &Path) -> Vec<Message> {
    let mut found = Vec::new();
    let Ok(chapters) = std::fs::read_dir(root.join("chapters")) else {
        return found;
    };
    let mut dirs: Vec<PathBuf> = chapters.flatten().map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        let manifest =
            std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        let Some(package) = package_name(&manifest) else {
            continue;
        };
        let Ok(files) = std::fs::read_dir(dir.join("tests/compile-fail")) else {
            continue;
        };
        let mut stderrs: Vec<PathBuf> = (files.flatten().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "stderr"))
            .collect();
        stderrs.sort();
        for stderr in stderrs {
            let name = stderr.file_stem().unwrap_or_default().to_string_lossy();
            let fitted = root
                .join("book/src/generated/compiler")
                .join(&package)
                .join(format!("{name}.txt"));
            found.push(Message {
                package: package.clone(),
                stderr,
                fitted,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gutters_and_locations_are_diagrams_prose_is_not() {
        for line in [
            "   |",
            "11 |     let x = 1;",
            "10 | |   }",
            "  --> src/a.rs:1:2",
        ] {
            assert!(is_diagram(line), "{line:?}");
        }
        for line in [
            "error[E0277]: `Rc` cannot",
            "   = note: required",
            "note: x",
        ] {
            assert!(!is_diagram(line), "{line:?}");
        }
    }

    #[test]
    fn a_long_note_folds_under_its_text_and_keeps_every_word() {
        let note = format!("   = note: {}", "a-hyphenated word ".repeat(10));
        let fitted = fit(&note);
        let lines: Vec<&str> = fitted.lines().collect();
        assert!(lines.len() > 1, "{fitted}");
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{fitted}");
        assert!(lines[0].starts_with("   = note: a-hyphenated"), "{fitted}");
        assert!(lines[1].starts_with("           a-hyphenated"), "{fitted}");
        let words =
            |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(words(&fitted), words(&note));
    }

    #[test]
    fn a_headline_folds_after_its_label() {
        let line = format!("error[E0373]: {}", "word ".repeat(30));
        let fitted = fit(&line);
        let second = fitted.lines().nth(1).unwrap();
        assert_eq!(
            second.len() - second.trim_start().len(),
            "error[E0373]: ".len()
        );
    }

    #[test]
    fn a_wide_diagram_is_left_whole_and_reported() {
        let diagram = format!("   |     {} label", "^".repeat(90));
        let fitted = fit(&diagram);
        assert_eq!(fitted, format!("{diagram}\n"));
        assert_eq!(too_wide(&fitted), vec![(1, diagram)]);
    }

    #[test]
    fn what_fits_is_untouched() {
        let message = "error: short\n  --> a.rs:1:1\n   |\n";
        assert_eq!(fit(message), message);
        assert!(too_wide(message).is_empty());
    }
}
