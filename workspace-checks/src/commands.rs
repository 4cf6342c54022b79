//! The `cargo run -p …` / `cargo test -p …` / `cargo exercise …` commands
//! the prose tells the reader to type, checked against the real chapters.

use crate::{manifest, workspace_root};

/// A cargo command the prose tells the reader to type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cargo {
    /// `cargo run`: the packages named with `-p`, and the words for the
    /// program (after `--`, or from the first word that is not an option).
    Run {
        packages: Vec<String>,
        args: Vec<String>,
    },
    /// `cargo test`: the packages named with `-p`.
    Test { packages: Vec<String> },
    /// `cargo exercise NAME`, the alias in `.cargo/config.toml` that ends in
    /// `--package`.
    Exercise { package: Option<String> },
}

/// Cargo options that take a value as the next word.
const VALUED_OPTIONS: &[&str] = &[
    "--bin",
    "--bench",
    "--color",
    "--config",
    "--example",
    "--features",
    "--jobs",
    "--lockfile-path",
    "--manifest-path",
    "--message-format",
    "--profile",
    "--target",
    "--target-dir",
    "--test",
    "--exclude",
    "-F",
    "-Z",
    "-j",
];

/// Whether `word` ends a command in a shell line: an operator, a comment,
/// a redirection (but `<name>` is a placeholder).
fn ends_command(word: &str) -> bool {
    matches!(word, "&&" | "||" | "|" | ";" | "&")
        || word.starts_with('#')
        || word.starts_with('>')
        || word.starts_with("2>")
        || (word.starts_with('<') && !word.ends_with('>'))
}

/// Every `cargo run`, `cargo test` and `cargo exercise` in one line of code.
pub fn cargo_commands(snippet: &str) -> Vec<Cargo> {
    // Shell words, quotes and comments as a shell reads them; a line a shell
    // could not read (an open quote in prose) falls back to whitespace.
    let owned: Vec<String> = shlex::split(snippet)
        .unwrap_or_else(|| snippet.split_whitespace().map(String::from).collect());
    let words: Vec<&str> = owned.iter().map(String::as_str).collect();
    let mut found = Vec::new();
    for (i, _) in words.iter().enumerate().filter(|(_, w)| **w == "cargo") {
        let mut command = Vec::new();
        for word in &words[i + 1..] {
            if ends_command(word) {
                break;
            }
            if let Some(last) = word.strip_suffix(';') {
                command.push(last);
                break;
            }
            command.push(*word);
        }
        let mut command = command.as_slice();
        while command.first().is_some_and(|w| w.starts_with('+')) {
            command = &command[1..]; // a toolchain: `cargo +nightly run`
        }
        let Some((subcommand, rest)) = command.split_first() else {
            continue;
        };
        match *subcommand {
            "run" | "r" => {
                let (packages, args) = parse_cargo_words(rest, true);
                found.push(Cargo::Run { packages, args });
            }
            "test" | "t" => {
                let (packages, _) = parse_cargo_words(rest, false);
                found.push(Cargo::Test { packages });
            }
            "exercise" => found.push(Cargo::Exercise {
                package: rest.first().map(|w| w.to_string()),
            }),
            _ => {}
        }
    }
    found
}

/// The `-p` packages in cargo's words, and the program's words: after `--`,
/// or (for `cargo run`, whose trailing words go to the program) from the
/// first word that is not an option.
fn parse_cargo_words(words: &[&str], trailing: bool) -> (Vec<String>, Vec<String>) {
    let mut packages = Vec::new();
    let mut args = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        if word == "--" || (trailing && !word.starts_with('-')) {
            let from = if word == "--" { i } else { i - 1 };
            args.extend(words[from..].iter().map(|w| w.to_string()));
            break;
        }
        if word == "-p" || word == "--package" {
            packages.extend(words.get(i).map(|w| w.to_string()));
            i += 1;
        } else if let Some(name) = word.strip_prefix("--package=") {
            packages.push(name.to_string());
        } else if let Some(name) = word.strip_prefix("-p").filter(|n| !n.is_empty())
        {
            packages.push(name.to_string());
        } else if VALUED_OPTIONS.contains(&word) {
            i += 1;
        }
    }
    (packages, args)
}

/// Whether `word` stands for a name the reader fills in: `NAME`,
/// `SECTION…`, `<chapter>`, `[SECTION]`.
pub fn is_placeholder(word: &str) -> bool {
    let starts = |c| word.starts_with(c);
    if starts('<') || starts('[') || starts('{') {
        return true;
    }
    let core = word.trim_end_matches(['…', '.']);
    core.chars().any(|c| c.is_ascii_uppercase())
        && core
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A chapter's own argument parser: `Err(message)` for a command line it
/// would refuse.
pub type Accepts = Box<dyn Fn(&[String]) -> Result<(), String>>;

/// A chapter as the checks see it.
pub struct ChapterInfo {
    /// Its package name, e.g. `comparison`.
    pub package: String,
    /// Its section names, in order.
    pub sections: Vec<String>,
    /// The chapter's own argument parser: `Err(message)` for a command line
    /// it would refuse.
    pub accepts: Accepts,
    /// What its `--help` prints.
    pub help: String,
}

impl std::fmt::Debug for ChapterInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChapterInfo")
            .field("package", &self.package)
            .field("sections", &self.sections)
            .finish_non_exhaustive()
    }
}

/// What is wrong with `command`: a `cargo run` that names no chapter, a
/// section the chapter does not have, arguments its parser refuses; a
/// `cargo test -p` or `cargo exercise` naming no workspace package.
pub fn check_command(
    command: &Cargo,
    chapters: &[ChapterInfo],
    packages: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let is_package = |name: &str| packages.iter().any(|p| p == name);
    match command {
        Cargo::Run {
            packages: named,
            args,
        } => check_run(named, args, chapters, packages, &mut problems),
        Cargo::Test { packages: named } => {
            for name in named.iter().filter(|n| !is_placeholder(n)) {
                if !is_package(name) {
                    problems
                        .push(format!("-p {name}: no package of this workspace"));
                }
            }
        }
        // Without a chapter, `cargo exercise` shows the progress over all.
        Cargo::Exercise { package } => match package {
            None => {}
            Some(name) if !is_placeholder(name) && !is_package(name) => {
                problems.push(format!("{name}: no package of this workspace"));
            }
            Some(_) => {}
        },
    }
    problems
}

/// A `cargo run [-p NAME] [-- ARGS]`: a chapter that takes these arguments.
fn check_run(
    named: &[String],
    args: &[String],
    chapters: &[ChapterInfo],
    packages: &[String],
    problems: &mut Vec<String>,
) {
    let is_package = |name: &str| packages.iter().any(|p| p == name);
    // A bare `cargo run` runs the workspace's one default member.
    let default = manifest::default_package(&workspace_root());
    let name = match (named, &default) {
        ([name], _) => name,
        ([], Some(default)) => default,
        _ => {
            problems.push(
                "cargo run at the workspace root needs exactly one -p CHAPTER \
                 (or one default-members entry)"
                    .to_string(),
            );
            return;
        }
    };
    if is_placeholder(name) {
        return;
    }
    let Some(chapter) = chapters.iter().find(|c| c.package == *name) else {
        let what = if is_package(name) {
            "a workspace package but not a chapter"
        } else {
            "no package of this workspace"
        };
        problems.push(format!("-p {name}: {what}"));
        return;
    };
    let args: Vec<String> = args
        .iter()
        .filter(|a| !is_placeholder(a))
        .cloned()
        .collect();
    // The chapter's own parser judges them: it knows which options
    // take a value (`--from FILE`) and which words are sections.
    if let Err(e) = (chapter.accepts)(&args) {
        problems.push(format!("{name} refuses these arguments: {e}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_commands() {
        let run = |p: &[&str], a: &[&str]| Cargo::Run {
            packages: p.iter().map(|s| s.to_string()).collect(),
            args: a.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(
            cargo_commands("$ cargo run --release -p comparison -- --full table"),
            vec![run(&["comparison"], &["--full", "table"])]
        );
        assert_eq!(
            cargo_commands("cargo run --package=x --features f io && cargo run -pq"),
            vec![run(&["x"], &["io"]), run(&["q"], &[])]
        );
        assert_eq!(
            cargo_commands("cargo +nightly run -p x -- a; ls -p y"),
            vec![run(&["x"], &["a"])]
        );
        assert_eq!(
            cargo_commands("cargo run -p x -- a >out.txt <in.txt"),
            vec![run(&["x"], &["a"])]
        );
        assert_eq!(
            cargo_commands(
                "cargo test --workspace -p a --test t name -- --nocapture"
            ),
            vec![Cargo::Test {
                packages: vec!["a".into()]
            }]
        );
        assert_eq!(
            cargo_commands("cargo exercise comparison # check"),
            vec![Cargo::Exercise {
                package: Some("comparison".into())
            }]
        );
        assert_eq!(cargo_commands("cargo build -p x; cargo"), vec![]);
    }

    fn demo_chapters() -> Vec<ChapterInfo> {
        vec![ChapterInfo {
            package: "demo".into(),
            sections: vec!["one".into(), "two".into()],
            // A parser like a chapter's: one option, two sections.
            accepts: Box::new(|args: &[String]| {
                let refused =
                    |a: &&String| !matches!(a.as_str(), "--full" | "one" | "two");
                match args.iter().find(refused) {
                    Some(a) => Err(format!("'{a}' is not an option or a section")),
                    None => Ok(()),
                }
            }),
            help: "usage: demo [one|two] [--full]".into(),
        }]
    }

    fn problems_in(snippet: &str) -> Vec<String> {
        let packages = vec!["demo".to_string(), "shared".to_string()];
        cargo_commands(snippet)
            .iter()
            .flat_map(|c| check_command(c, &demo_chapters(), &packages))
            .collect()
    }

    #[test]
    fn accepts_real_chapters_sections_and_placeholders() {
        for good in [
            "cargo run -p demo",
            "cargo run --release -p demo -- --full two one",
            "cargo run -p demo -- SECTION…",
            "cargo run -p NAME -- [SECTION]",
            "cargo run -p <chapter>",
            "cargo test --workspace",
            "cargo test -p shared",
            "cargo exercise demo",
            "cargo exercise NAME",
            "cargo exercise",
            "cargo exercise demo --hint 2",
        ] {
            assert_eq!(problems_in(good), Vec::<String>::new(), "{good}");
        }
    }

    #[test]
    fn catches_bad_packages_sections_and_options() {
        for bad in [
            "cargo run -p demp",
            "cargo run -p shared",
            "cargo run",
            "cargo run --release -- one",
            "cargo run -p demo -- three",
            "cargo run -p demo three",
            "cargo run -p demo -- --ful",
            "cargo test -p nope",
            "cargo exercise demp",
        ] {
            assert_eq!(problems_in(bad).len(), 1, "{bad}: {:?}", problems_in(bad));
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        for word in [
            "NAME",
            "SECTION…",
            "SECTION...",
            "<name>",
            "[SECTION]",
            "N2",
        ] {
            assert!(is_placeholder(word), "{word}");
        }
        for word in ["comparison", "io-bound", "Name", "--full", "123"] {
            assert!(!is_placeholder(word), "{word}");
        }
    }
}
