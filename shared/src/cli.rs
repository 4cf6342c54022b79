//! The command line every chapter shares, and the loop that runs its
//! sections.
//!
//! `cargo run -p NAME -- [SECTION…] [--list] [--json] [--full] [flags]`.
//! A chapter declares its sections and any extra flags; everything else —
//! parsing, `--list`, progress, errors, JSON — is here, so every chapter
//! behaves the same. Bad arguments get one line on stderr and exit status 2;
//! a section that fails gets one line and the others still run.

use crate::machine::Machine;
use crate::report::{Render, SectionReport, wrap};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// One demonstration of a chapter, selectable by name.
pub struct Section<C> {
    pub name: &'static str,
    /// One line for `--list`.
    pub summary: &'static str,
    pub run: fn(&mut C) -> anyhow::Result<SectionReport>,
}

/// A chapter: its package name, title, sections and extra flags.
pub struct Chapter<C: 'static> {
    pub package: &'static str,
    pub title: &'static str,
    pub sections: &'static [Section<C>],
    /// Flags beyond the common ones, with one line of help each.
    pub flags: &'static [(&'static str, &'static str)],
}

/// What the command line asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub json: bool,
    /// Real measurements: larger sizes, more repeats. Minutes, not seconds.
    pub full: bool,
    pub list: bool,
    pub help: bool,
    /// The sections to run, in the order given; empty means all.
    pub sections: Vec<String>,
    /// The chapter's own flags that were given.
    pub flags: Vec<String>,
}

impl Options {
    /// Whether the chapter-specific `flag` (e.g. `"--python"`) was given.
    pub fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// A command line this chapter does not understand.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Parses `args` (without the program name) for `chapter`.
pub fn parse<C>(
    chapter: &Chapter<C>,
    args: &[String],
) -> Result<Options, UsageError> {
    let mut options = Options::default();
    for arg in args {
        match arg.as_str() {
            "--json" => options.json = true,
            "--full" => options.full = true,
            "--list" => options.list = true,
            "-h" | "--help" => options.help = true,
            flag if chapter.flags.iter().any(|(f, _)| *f == flag) => {
                options.flags.push(flag.to_string());
            }
            flag if flag.starts_with('-') => {
                return Err(UsageError(format!("unknown option '{flag}'")));
            }
            name => {
                if !chapter.sections.iter().any(|s| s.name == name) {
                    let known: Vec<&str> =
                        chapter.sections.iter().map(|s| s.name).collect();
                    return Err(UsageError(format!(
                        "no section '{name}' (sections: {})",
                        known.join(", ")
                    )));
                }
                if !options.sections.iter().any(|s| s == name) {
                    options.sections.push(name.to_string());
                }
            }
        }
    }
    Ok(options)
}

/// The whole `main` of a chapter: parse, then list or run the sections.
/// `make` builds the context the sections share.
pub fn run<C>(
    chapter: &Chapter<C>,
    args: Vec<String>,
    make: impl FnOnce(&Options) -> anyhow::Result<C>,
) -> ExitCode {
    let options = match parse(chapter, &args) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("{}: {err} (try --help)", chapter.package);
            return ExitCode::from(2);
        }
    };
    if options.help {
        print!("{}", usage(chapter));
        return ExitCode::SUCCESS;
    }
    if options.list {
        for s in chapter.sections {
            println!("{:<16} {}", s.name, s.summary);
        }
        return ExitCode::SUCCESS;
    }
    let mut context = match make(&options) {
        Ok(context) => context,
        Err(err) => {
            eprintln!("{}: {err:#}", chapter.package);
            return ExitCode::FAILURE;
        }
    };
    let selected: Vec<&Section<C>> = chapter
        .sections
        .iter()
        .filter(|s| {
            options.sections.is_empty()
                || options.sections.iter().any(|n| n == s.name)
        })
        .collect();
    let machine = Machine::this_one();
    if !options.json {
        let measured_on = format!("Measured on {}.", machine.summary());
        println!("{}\n{}", chapter.title, wrap(&measured_on, "", 80));
    }
    let progress = std::io::stderr().is_terminal();
    let mut failed = 0;
    let mut reports = Vec::new();
    for (i, section) in selected.iter().enumerate() {
        if progress {
            eprint!("\r[{}/{}] {}…\x1b[K", i + 1, selected.len(), section.name);
            let _ = std::io::stderr().flush();
        }
        let outcome = (section.run)(&mut context);
        if progress {
            eprint!("\r\x1b[K");
        }
        match outcome {
            Ok(report) => {
                if !options.json {
                    println!("{}", report.render(Render::Plain));
                }
                reports.push(report);
            }
            Err(err) => {
                failed += 1;
                eprintln!(
                    "{}: section {} failed: {err:#}",
                    chapter.package, section.name
                );
            }
        }
    }
    if options.json {
        println!("{}", to_json(&machine, &reports));
    } else {
        println!("{}", summary(&reports));
    }
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// "3 sections: 12 of 12 invariants held, 4 of 5 measured claims met on
/// this machine." The two are counted apart, and an empty count is left
/// out: a broken invariant is a bug, a missed figure may be a busy machine.
pub fn summary(reports: &[SectionReport]) -> String {
    let count = |measured: bool| {
        let checks = reports
            .iter()
            .flat_map(|r| r.checks())
            .filter(|c| c.measured == measured);
        let (mut held, mut all) = (0, 0);
        for check in checks {
            all += 1;
            held += usize::from(check.holds);
        }
        (held, all)
    };
    let (held, invariants) = count(false);
    let (met, figures) = count(true);
    let mut counts = Vec::new();
    if invariants > 0 {
        counts.push(format!("{held} of {invariants} invariants held"));
    }
    if figures > 0 {
        counts.push(format!("{met} of {figures} measured claims met"));
    }
    let sections = format!(
        "{} section{}",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" }
    );
    if counts.is_empty() {
        format!("{sections}, nothing checked.")
    } else {
        format!("{sections}: {} on this machine.", counts.join(", "))
    }
}

/// The `--json` document: the machine and every record, then every check.
pub fn to_json(machine: &Machine, reports: &[SectionReport]) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        machine: &'a Machine,
        results: Vec<&'a crate::report::Record>,
        checks: Vec<CheckRow<'a>>,
    }
    #[derive(Serialize)]
    struct CheckRow<'a> {
        section: &'a str,
        holds: bool,
        measured: bool,
        claim: &'a str,
    }
    let document = Document {
        machine,
        results: reports.iter().flat_map(|r| &r.records).collect(),
        checks: reports
            .iter()
            .flat_map(|r| {
                r.checks().map(|c| CheckRow {
                    section: &r.section,
                    holds: c.holds,
                    measured: c.measured,
                    claim: &c.claim,
                })
            })
            .collect(),
    };
    serde_json::to_string_pretty(&document).expect("plain data always serialises")
}

/// The text of `--help`.
pub fn usage<C>(chapter: &Chapter<C>) -> String {
    let mut text = format!(
        "{}\n\nusage: cargo run -p {} -- [SECTION…] [OPTIONS]\n\nsections:\n",
        chapter.title, chapter.package
    );
    for s in chapter.sections {
        text += &format!("  {:<16} {}\n", s.name, s.summary);
    }
    text += "\noptions:\n";
    text += "  --list           list the sections\n";
    text += "  --json           print the results as one JSON document\n";
    text += "  --full           real measurements: larger sizes, more runs (slow)\n";
    for (flag, help) in chapter.flags {
        text += &format!("  {flag:<16} {help}\n");
    }
    text += "  -h, --help       this text\n";
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::SectionReport;

    fn demo(_: &mut ()) -> anyhow::Result<SectionReport> {
        Ok(SectionReport::new("one", "claim"))
    }

    static CHAPTER: Chapter<()> = Chapter {
        package: "demo",
        title: "Demo",
        sections: &[
            Section {
                name: "one",
                summary: "first",
                run: demo,
            },
            Section {
                name: "two",
                summary: "second",
                run: demo,
            },
        ],
        flags: &[("--python", "also run Python")],
    };

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_sections_and_flags() {
        let o =
            parse(&CHAPTER, &args(&["two", "--json", "--python", "two"])).unwrap();
        assert_eq!(o.sections, vec!["two"]);
        assert!(o.json && o.has("--python") && !o.full);
    }

    #[test]
    fn rejects_unknown_words_with_one_line() {
        let err = parse(&CHAPTER, &args(&["three"])).unwrap_err();
        assert_eq!(err.0, "no section 'three' (sections: one, two)");
        let err = parse(&CHAPTER, &args(&["--fast"])).unwrap_err();
        assert_eq!(err.0, "unknown option '--fast'");
    }

    #[test]
    fn the_summary_counts_invariants_and_figures_apart() {
        let mut report = SectionReport::new("demo", "A claim.");
        report.measured(true, "fast");
        let one = std::slice::from_ref(&report);
        assert_eq!(
            summary(one),
            "1 section: 1 of 1 measured claims met on this machine."
        );
        report.check(false, "right");
        assert_eq!(
            summary(&[report]),
            "1 section: 0 of 1 invariants held, 1 of 1 measured claims met on this machine."
        );
        assert_eq!(summary(&[]), "0 sections, nothing checked.");
    }

    #[test]
    fn unknown_argument_exits_with_status_two() {
        let code = run(&CHAPTER, args(&["nope"]), |_| Ok(()));
        assert_eq!(code, ExitCode::from(2));
    }
}
