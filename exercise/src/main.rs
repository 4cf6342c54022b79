//! `cargo exercise` (an alias in `.cargo/config.toml` for
//! `cargo run -q -p exercise --`):
//!
//! - `cargo exercise`: every chapter's check, then the progress and the
//!   next exercise to do;
//! - `cargo exercise CHAPTER`: one chapter's check, one line per exercise;
//! - `cargo exercise CHAPTER --hint N`: the hint for exercise N.
//!
//! A chapter's check is its `tests/exercises.rs`, run by
//! `cargo test --features learner --test exercises -p CHAPTER`.

use clap::builder::PossibleValuesParser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser};
use exercise::{Manifest, passing, progress, workspace_root};
use std::process::{Command, ExitCode};

/// Check your answers to the book's exercises.
#[derive(Debug, Parser)]
#[command(name = "cargo exercise", disable_version_flag = true)]
struct Cli {
    /// The chapter to check (its package); none: every chapter's progress.
    chapter: Option<String>,
    /// Print the hint for exercise N of CHAPTER instead of checking.
    #[arg(long, value_name = "N", requires = "chapter")]
    hint: Option<usize>,
}

fn main() -> ExitCode {
    let manifest = match Manifest::load() {
        Ok(manifest) => manifest,
        Err(err) => return refuse(&err),
    };
    let packages: Vec<String> =
        manifest.packages().into_iter().map(String::from).collect();
    let command = Cli::command()
        .bin_name("cargo exercise")
        .mut_arg("chapter", |arg| {
            arg.value_parser(PossibleValuesParser::new(packages))
        });
    let cli = match command
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(err) if matches!(err.kind(), ErrorKind::DisplayHelp) => {
            return print(&err.render().to_string());
        }
        Err(err) => return refuse(&one_line(&err)),
    };
    match (cli.chapter, cli.hint) {
        (Some(chapter), Some(n)) => hint(&manifest, &chapter, n),
        (Some(chapter), None) => check_one(&chapter),
        (None, _) => check_all(&manifest),
    }
}

/// Prints on stdout as the chapters do: a closed pipe or a full disk is
/// no panic.
fn print(text: &str) -> ExitCode {
    shared::cli::print("cargo exercise", text)
}

/// A bad command line: one line on stderr, status 2.
fn refuse(message: &str) -> ExitCode {
    eprintln!("cargo exercise: {message}");
    ExitCode::from(2)
}

/// clap's error as one line: its first line (with the next, when the
/// first ends in a colon), and the value it suggests.
fn one_line(err: &clap::Error) -> String {
    let rendered = err.render().to_string();
    let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut first = lines.next().unwrap_or("bad arguments").to_string();
    if first.ends_with(':') {
        first = format!("{first} {}", lines.next().unwrap_or(""));
    }
    let first = first.strip_prefix("error: ").unwrap_or(&first);
    match err.get(ContextKind::SuggestedValue) {
        Some(ContextValue::String(value)) => {
            format!("{first} (did you mean '{value}'?)")
        }
        _ => format!("{first} (try --help)"),
    }
}

fn hint(manifest: &Manifest, chapter: &str, n: usize) -> ExitCode {
    let exercises = manifest.of(chapter);
    match n.checked_sub(1).and_then(|i| exercises.get(i)) {
        Some(entry) => print(&format!(
            "{chapter} exercise {n} ({}):\n{}",
            entry.file,
            wrapped(&entry.hint, 76)
        )),
        None => refuse(&format!(
            "{chapter} has exercises 1 to {}, not {n}",
            exercises.len()
        )),
    }
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrapped(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty()
            && line.chars().count() + 1 + word.chars().count() > width
        {
            out += &format!("{line}\n");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line += word;
    }
    out + &line + "\n"
}

/// What a chapter's check printed, or its compiler errors.
enum Checked {
    Ran { lines: String, all_pass: bool },
    DoesNotCompile { errors: String },
}

fn run_check(chapter: &str) -> Result<Checked, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "-q", "--features", "learner", "--test", "exercises"])
        .args(["--package", chapter])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let lines = String::from_utf8_lossy(&output.stdout).into_owned();
    if !lines.contains("exercise 1 (") {
        let errors = String::from_utf8_lossy(&output.stderr).into_owned();
        return Ok(Checked::DoesNotCompile { errors });
    }
    let all_pass = output.status.success();
    Ok(Checked::Ran { lines, all_pass })
}

fn check_one(chapter: &str) -> ExitCode {
    eprintln!("checking {chapter}'s exercises…");
    match run_check(chapter) {
        Ok(Checked::Ran { lines, all_pass }) => {
            let printed = print(&lines);
            if printed != ExitCode::SUCCESS {
                printed
            } else if all_pass {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Ok(Checked::DoesNotCompile { errors }) => {
            eprint!("{errors}");
            eprintln!(
                "cargo exercise: {chapter} does not compile: see the errors above"
            );
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("cargo exercise: {err}");
            ExitCode::FAILURE
        }
    }
}

fn check_all(manifest: &Manifest) -> ExitCode {
    let mut passed = Vec::new();
    for chapter in manifest.packages() {
        eprintln!("checking {chapter}'s exercises…");
        passed.push(match run_check(chapter) {
            Ok(Checked::Ran { lines, .. }) => Some(passing(&lines)),
            Ok(Checked::DoesNotCompile { .. }) => None,
            Err(err) => {
                eprintln!("cargo exercise: {err}");
                return ExitCode::FAILURE;
            }
        });
    }
    let printed = print(&progress(manifest, &passed));
    let done: usize = passed.iter().flatten().map(Vec::len).sum();
    if printed != ExitCode::SUCCESS {
        printed
    } else if done == manifest.exercise.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
