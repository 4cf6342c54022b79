//! The command line every chapter shares, and the loop that runs its
//! sections.
//!
//! `cargo run -p NAME -- [SECTION…] [--list] [--json] [--full] [flags]`,
//! or `-- --from FILE [SECTION…]` to print a saved run again. A chapter
//! declares its sections, whether it takes `--python`, and its hidden
//! modes ([`Mode`]: the helper processes it starts from its own binary);
//! everything else is here, so every chapter behaves the same:
//!
//! - this file: what a chapter declares ([`Chapter`], [`Section`],
//!   [`Mode`]) and what its command line asked for ([`Options`]);
//! - `command_line.rs`: the arguments, read by clap ([`command`]: its
//!   near-miss suggestions, `--from=FILE`, its help layout), and its
//!   refusals turned into one line in the chapter's words;
//! - `runner.rs`: the run — hidden modes, the sections in order, progress,
//!   the results document, a saved run printed again, the summary.
//!
//! Bad arguments get one line on stderr and exit status 2; a section that
//! fails gets one line and the others still run.
//!
//! The options every chapter takes are declared once with clap's derive
//! (`CommonOptions` in `command_line.rs`); the sections and the chapter's
//! own flags are added with clap's builder. A chapter's sections are data
//! (the `sections` table each chapter declares, with the summaries `--help`
//! and `--list` print): a derived value enum would make each chapter restate
//! them beside that table, two lists to keep in step. Read from the one
//! table, clap still checks each name and suggests the near miss. The
//! hidden modes are not subcommands for the same reason they are hidden: a
//! worker's arguments belong to the protocol of the pool that started it,
//! so they go to the [`Mode`]'s own function before clap reads anything.

mod command_line;
mod runner;
#[cfg(test)]
mod tests;

pub use command_line::{arguments, command, parse, shown, usage};
pub use runner::{
    legend, main, measure_section, output_failed, print, rebuild, run, run_alone,
    run_to, summary,
};

use crate::report::SectionReport;
use std::process::ExitCode;

/// One demonstration of a chapter, selectable by name.
pub struct Section<C: 'static, R: 'static = ()> {
    pub name: &'static str,
    /// One line for `--list`.
    pub summary: &'static str,
    pub run: Run<C, R>,
}

/// How a section runs: it measures into the chapter's typed results, then
/// reports from them alone. The report is a pure function of the results,
/// so a saved document rebuilds it, and a test can feed it made-up results.
pub struct Run<C: 'static, R: 'static> {
    pub measure: fn(&mut C, &mut R) -> anyhow::Result<()>,
    pub report: fn(&R) -> anyhow::Result<SectionReport>,
    /// Sections whose results this one reports on: they run first, in the
    /// chapter's order, and print their own reports.
    pub needs: &'static [&'static str],
}

/// A section's [`Run`] from its module in the calling chapter's
/// `sections`: `typed!(cpu_bound)` is `sections::cpu_bound::measure` and
/// `::report`; `typed!(table, &["cpu-bound"])` adds what it needs.
#[macro_export]
macro_rules! typed {
    ($module:ident) => {
        $crate::typed!($module, &[])
    };
    ($module:ident, $needs:expr) => {
        $crate::cli::Run {
            measure: sections::$module::measure,
            report: sections::$module::report,
            needs: $needs,
        }
    };
}

/// The results of a section a report needs, or an error naming it: what
/// a report that reads another section's results calls.
pub fn need<'r, T>(results: &'r Option<T>, section: &str) -> anyhow::Result<&'r T> {
    results.as_ref().ok_or_else(|| {
        anyhow::anyhow!("no results of section {section} in this run")
    })
}

/// A chapter: its package name, title, sections and whether it has a
/// Python counterpart. `R` is its typed results, `()` for a chapter whose
/// sections all run `Once`.
pub struct Chapter<C: 'static, R: 'static = ()> {
    pub package: &'static str,
    pub title: &'static str,
    pub sections: &'static [Section<C, R>],
    /// `Some(help)`: the chapter runs a Python counterpart with `--python`,
    /// and `help` says which (one line of `--help`). `None`: `--python` is
    /// an unknown option there.
    pub python: Option<&'static str>,
}

impl<C, R> Chapter<C, R> {
    fn find(&self, name: &str) -> Option<&Section<C, R>> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The sections to run for `names` (all when empty), each section's
    /// needs before it, in the chapter's order, each once.
    pub fn plan(&self, names: &[String]) -> Vec<&Section<C, R>> {
        let mut wanted: Vec<&str> = if names.is_empty() {
            self.sections.iter().map(|s| s.name).collect()
        } else {
            names.iter().map(String::as_str).collect()
        };
        let mut i = 0;
        while i < wanted.len() {
            if let Some(section) = self.find(wanted[i]) {
                for need in section.run.needs {
                    if !wanted.contains(need) {
                        wanted.push(need);
                    }
                }
            }
            i += 1;
        }
        self.sections
            .iter()
            .filter(|s| wanted.contains(&s.name))
            .collect()
    }
}

/// What the command line asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub json: bool,
    /// Real measurements: larger sizes, more repeats. Minutes, not seconds.
    pub full: bool,
    pub list: bool,
    pub help: bool,
    /// Before each section, wait (bounded) until the rest of the machine is
    /// quiet, and record the wait: what `book/regenerate` asks.
    pub wait_quiet: bool,
    /// Print a saved run (a `--json` document) instead of measuring.
    pub from: Option<String>,
    /// The sections to run, in the order given; empty means all.
    pub sections: Vec<String>,
    /// `--python`: run the chapter's Python counterpart too.
    pub python: bool,
    /// The arguments as given, for the document.
    pub arguments: Vec<String>,
}

/// A chapter's workload sizes: `quick` for a reader's run (seconds),
/// `full` for the book's reference run (minutes). A trait, so that the
/// choice between them is written once, in [`Options::sizes`].
pub trait RunSizes {
    fn quick() -> Self;
    fn full() -> Self;
}

impl Options {
    /// The sizes this command line asks for: `--full` or the quick ones.
    pub fn sizes<S: RunSizes>(&self) -> S {
        if self.full { S::full() } else { S::quick() }
    }

    /// The interpreter `--python` runs ([`crate::python::interpreter`]);
    /// `None` without `--python`.
    pub fn python_interpreter(&self) -> Option<String> {
        self.python.then(crate::python::interpreter)
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

/// A hidden mode of a chapter's binary: started with `flag` as its first
/// argument, the binary is not the chapter but a helper process the
/// chapter starts itself (a process pool's worker, a memory probe, a hung
/// process to debug, a misbehaving child). `run` gets the arguments after
/// the flag. No reader types these; `--help` leaves them out.
pub struct Mode {
    pub flag: &'static str,
    pub run: fn(&[String]) -> ExitCode,
}
