//! A chapter's command line: its arguments as text, the clap command that
//! reads them (sections, the options every chapter takes, the chapter's
//! own flags, the help), and a refusal turned into one line.

use super::{Chapter, Options, UsageError};
use crate::report::wrap;
use clap::{Args as _, FromArgMatches as _};
use std::process::ExitCode;

/// The program's arguments (without its name) as text. One that is not
/// UTF-8 gets the usual one-line usage error and status 2, where
/// `std::env::args` would panic.
pub fn arguments(package: &str) -> Result<Vec<String>, ExitCode> {
    text_arguments(std::env::args_os().skip(1)).map_err(|err| {
        eprintln!("{package}: {err} (try --help)");
        ExitCode::from(2)
    })
}

pub(super) fn text_arguments(
    args: impl Iterator<Item = std::ffi::OsString>,
) -> Result<Vec<String>, UsageError> {
    args.enumerate()
        .map(|(i, arg)| {
            arg.into_string().map_err(|arg| {
                let lossy = arg.to_string_lossy().into_owned();
                UsageError(format!(
                    "argument {} is not UTF-8 text: '{}'",
                    i + 1,
                    shown(&lossy)
                ))
            })
        })
        .collect()
}

/// An argument as an error message repeats it: at most 40 characters, so
/// a pasted file does not come back in full.
pub fn shown(arg: &str) -> String {
    const AT_MOST: usize = 40;
    let length = arg.chars().count();
    if length <= AT_MOST {
        return arg.to_string();
    }
    let start: String = arg.chars().take(AT_MOST - 1).collect();
    format!("{start}… ({length} characters)")
}

/// The command line of `chapter` as clap reads it: its sections as the
/// positional values (each with its summary for `--help`), the options
/// every chapter takes, and the chapter's own flags. Help is ours to ask
/// for (`-h`/`--help` is a plain flag), so that `--help` prints on stdout
/// through the same closed-pipe and full-disk handling as a run.
pub fn command<C, R>(chapter: &Chapter<C, R>) -> clap::Command {
    use clap::builder::{PossibleValue, PossibleValuesParser};
    use clap::{Arg, ArgAction, Command};
    let sections = chapter.sections.iter().map(|s| PossibleValue::new(s.name));
    let command = Command::new(chapter.package)
        .about(chapter.title)
        .after_help(format!("Sections:{}", section_list(chapter)))
        .override_usage(format!(
            "cargo run -p {} -- [SECTION…] [OPTIONS]",
            chapter.package
        ))
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("sections")
                .value_name("SECTION")
                .help("sections to run, in the chapter's order (none: every one)")
                .num_args(0..)
                .action(ArgAction::Append)
                .value_parser(PossibleValuesParser::new(sections))
                .hide_possible_values(true),
        );
    let mut command = CommonOptions::augment_args(command);
    if let Some(help) = chapter.python {
        command = command.arg(flag("python", help));
    }
    command.arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .help("this text")
            .action(ArgAction::SetTrue),
    )
}

// The options every chapter takes, besides the sections and `--help`:
// declared once, with clap's derive. (The sections are not an enum beside
// them: they are the chapter's own table, read by `command`.) A plain
// comment, not a doc comment: clap would make a doc comment the `--help`
// text's first line in place of the chapter's title.
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
struct CommonOptions {
    #[arg(long, help = "list the sections")]
    list: bool,
    #[arg(long, help = "print the results as one JSON document")]
    json: bool,
    #[arg(long, help = "real measurements: larger sizes, more runs (slow)")]
    full: bool,
    #[arg(
        long,
        help = "before each section, wait for a quiet machine (up to 60 s)"
    )]
    wait_quiet: bool,
    #[arg(
        long,
        value_name = "FILE",
        help = "print a saved --json run instead of measuring"
    )]
    from: Option<String>,
}

/// An on/off option: `--name`, with its line of help.
fn flag(name: &'static str, help: &'static str) -> clap::Arg {
    clap::Arg::new(name)
        .long(name)
        .help(help)
        .action(clap::ArgAction::SetTrue)
}

/// The sections with their summaries, one a line, for under the options:
/// clap's own list of possible values would put them all on one line.
fn section_list<C, R>(chapter: &Chapter<C, R>) -> String {
    (chapter.sections.iter())
        .map(|s| {
            let summary = wrap(s.summary, "", 80 - 20)
                .trim_end()
                .replace('\n', &format!("\n{:20}", ""));
            format!("\n  {:<17} {summary}", s.name)
        })
        .collect()
}

/// Parses `args` (without the program name) for `chapter`, with clap; a
/// command line it refuses is one line ([`one_line`]).
pub fn parse<C, R>(
    chapter: &Chapter<C, R>,
    args: &[String],
) -> Result<Options, UsageError> {
    let program = std::iter::once(chapter.package.to_string());
    let matches = command(chapter)
        .try_get_matches_from(program.chain(args.iter().cloned()))
        .map_err(|err| UsageError(one_line(chapter, args, &err)))?;
    let mut sections: Vec<String> = Vec::new();
    for name in matches.get_many::<String>("sections").into_iter().flatten() {
        if !sections.contains(name) {
            sections.push(name.clone());
        }
    }
    let common = CommonOptions::from_arg_matches(&matches)
        .map_err(|err| UsageError(one_line(chapter, args, &err)))?;
    Ok(Options {
        json: common.json,
        full: common.full,
        list: common.list,
        help: matches.get_flag("help"),
        wait_quiet: common.wait_quiet,
        from: common.from,
        sections,
        // get_flag would panic on an argument the command does not have.
        python: chapter.python.is_some() && matches.get_flag("python"),
        arguments: args.to_vec(),
    })
}

/// clap's refusal in one line, in the chapter's words: which option or
/// section it did not know, as typed in `args` (cut to 40 characters: see
/// [`shown`]), what it may have meant, and for a section, which there are.
fn one_line<C, R>(
    chapter: &Chapter<C, R>,
    args: &[String],
    err: &clap::Error,
) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(s)) => s.first().cloned(),
        _ => None,
    };
    let meant = (text(ContextKind::SuggestedArg))
        .or_else(|| text(ContextKind::SuggestedValue))
        .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
    let argument = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    match err.kind() {
        _ if argument.starts_with("--from") => "--from needs a FILE".to_string(),
        ErrorKind::UnknownArgument => {
            // clap names `--port` for `--port=8080`: quote what was typed.
            let typed = (args.iter())
                .find(|a| **a == argument || a.starts_with(&format!("{argument}=")))
                .unwrap_or(&argument);
            format!("unknown option '{}'{meant}", shown(typed))
        }
        ErrorKind::InvalidValue if argument.contains("SECTION") => {
            let known: Vec<&str> = chapter.sections.iter().map(|s| s.name).collect();
            format!(
                "no section '{}'{meant} (sections: {})",
                shown(&value),
                known.join(", ")
            )
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered.lines().next().unwrap_or("bad arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            if value.is_empty() {
                first.to_string()
            } else {
                first.replace(&value, &shown(&value))
            }
        }
    }
}

/// The text of `--help`, as clap lays it out from [`command`].
pub fn usage<C, R>(chapter: &Chapter<C, R>) -> String {
    command(chapter).render_help().to_string()
}
