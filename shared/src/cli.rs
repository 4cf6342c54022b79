//! The command line every chapter shares, and the loop that runs its
//! sections.
//!
//! `cargo run -p NAME -- [SECTION…] [--list] [--json] [--full] [flags]`,
//! or `-- --from FILE [SECTION…]` to print a saved run again. A chapter
//! declares its sections, whether it takes `--python`, and its hidden
//! modes ([`Mode`]: the helper processes it starts from its own binary);
//! everything else — parsing,
//! `--list`, progress, errors, the results document — is here, so every
//! chapter behaves the same. The arguments are read by clap ([`command`]:
//! its near-miss suggestions, `--from=FILE`, its help layout); its
//! refusals are turned into one line in the chapter's words. Bad arguments
//! get that line on stderr and exit status 2; a section that fails gets
//! one line and the others still run.

use crate::document::{Document, SCHEMA, SectionRun};
use crate::machine::{Load, Machine, load_now, now_utc, wait_for_quiet};
use crate::progress::Progress;
use crate::report::{Check, Kind, Render, SectionReport, printed_width, wrap};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

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

/// The program's arguments (without its name) as text. One that is not
/// UTF-8 gets the usual one-line usage error and status 2, where
/// `std::env::args` would panic.
pub fn arguments(package: &str) -> Result<Vec<String>, ExitCode> {
    text_arguments(std::env::args_os().skip(1)).map_err(|err| {
        eprintln!("{package}: {err} (try --help)");
        ExitCode::from(2)
    })
}

fn text_arguments(
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

// ANCHOR: command
/// The command line of `chapter` as clap reads it: its sections as the
/// positional values (each with its summary for `--help`), the options
/// every chapter takes, and the chapter's own flags. Help is ours to ask
/// for (`-h`/`--help` is a plain flag), so that `--help` prints on stdout
/// through the same closed-pipe and full-disk handling as a run.
pub fn command<C, R>(chapter: &Chapter<C, R>) -> clap::Command {
    use clap::builder::{PossibleValue, PossibleValuesParser};
    use clap::{Arg, ArgAction, Command};
    let flag = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .help(help)
            .action(ArgAction::SetTrue)
    };
    let sections = chapter.sections.iter().map(|s| PossibleValue::new(s.name));
    // The sections with their summaries, one a line, under the options:
    // clap's own list of possible values would put them all on one line.
    let listed: String = (chapter.sections.iter())
        .map(|s| {
            let summary = wrap(s.summary, "", 80 - 20)
                .trim_end()
                .replace('\n', &format!("\n{:20}", ""));
            format!("\n  {:<17} {summary}", s.name)
        })
        .collect();
    let mut command = Command::new(chapter.package)
        .about(chapter.title)
        .after_help(format!("Sections:{listed}"))
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
        )
        .arg(flag("list", "list the sections"))
        .arg(flag("json", "print the results as one JSON document"))
        .arg(flag(
            "full",
            "real measurements: larger sizes, more runs (slow)",
        ))
        .arg(flag(
            "wait-quiet",
            "before each section, wait for a quiet machine (up to 60 s)",
        ))
        .arg(
            Arg::new("from")
                .long("from")
                .value_name("FILE")
                .help("print a saved --json run instead of measuring"),
        );
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
// ANCHOR_END: command

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
    Ok(Options {
        json: matches.get_flag("json"),
        full: matches.get_flag("full"),
        list: matches.get_flag("list"),
        help: matches.get_flag("help"),
        wait_quiet: matches.get_flag("wait-quiet"),
        from: matches.get_one::<String>("from").cloned(),
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

/// Runs one section into `results` and returns its report, with the
/// core-count limit every chapter's figures are held to. The section's
/// needs must have run into `results` already.
pub fn measure_section<C, R>(
    section: &Section<C, R>,
    context: &mut C,
    results: &mut R,
) -> anyhow::Result<SectionReport> {
    (section.run.measure)(context, results)?;
    let mut report = (section.run.report)(results)?;
    report.limit_to_cores(crate::machine::cores());
    Ok(report)
}

/// Section `name` of `chapter` alone (its needs first, their reports
/// dropped), as a test runs it.
pub fn run_alone<C, R: Default>(
    chapter: &Chapter<C, R>,
    context: &mut C,
    name: &str,
) -> anyhow::Result<SectionReport> {
    let mut results = R::default();
    let mut last = None;
    for section in chapter.plan(&[name.to_string()]) {
        last = Some(measure_section(section, context, &mut results)?);
    }
    last.ok_or_else(|| anyhow::anyhow!("{} has no section {name}", chapter.package))
}

// ANCHOR: mode
/// A hidden mode of a chapter's binary: started with `flag` as its first
/// argument, the binary is not the chapter but a helper process the
/// chapter starts itself (a process pool's worker, a memory probe, a hung
/// process to debug, a misbehaving child). `run` gets the arguments after
/// the flag. No reader types these; `--help` leaves them out.
pub struct Mode {
    pub flag: &'static str,
    pub run: fn(&[String]) -> ExitCode,
}

/// A chapter binary's whole `main`: its hidden mode when the first
/// argument names one of `modes`, the chapter ([`run`]) otherwise.
pub fn main<C, R>(
    chapter: &Chapter<C, R>,
    modes: &[Mode],
    make: impl FnOnce(&Options) -> anyhow::Result<C>,
) -> ExitCode
where
    R: Serialize + DeserializeOwned + Default,
{
    let args = match arguments(chapter.package) {
        Ok(args) => args,
        Err(code) => return code,
    };
    let first = args.first().map(String::as_str);
    if let Some(mode) = modes.iter().find(|mode| Some(mode.flag) == first) {
        return (mode.run)(&args[1..]);
    }
    run(chapter, args, make)
}
// ANCHOR_END: mode

/// A chapter's run: parse, then list, replay or run the sections. `make`
/// builds the context the sections share.
///
/// Exit status: 0 when every section ran and every invariant held; 1 when
/// a section failed or an invariant broke (scripts must see it; a missed
/// measured claim is the machine's business and keeps 0); 2 for a bad
/// command line or a saved run that cannot be read. A closed stdout
/// (`| head -1`) ends the run quietly; any other write error (a full
/// disk) is one line and status 1.
pub fn run<C, R>(
    chapter: &Chapter<C, R>,
    args: Vec<String>,
    make: impl FnOnce(&Options) -> anyhow::Result<C>,
) -> ExitCode
where
    R: Serialize + DeserializeOwned + Default,
{
    crate::interrupt::end_on_interrupt(chapter.package);
    crate::report::lay_out_for_stdout();
    match run_to(chapter, args, make, &mut std::io::stdout()) {
        Ok(status) => ExitCode::from(status),
        Err(err) => ExitCode::from(output_failed(chapter.package, &err)),
    }
}

/// What a chapter does when writing its output fails: nothing to say when
/// the reader went away (a closed pipe), one line otherwise.
///
/// A closed pipe is status 0, not the shell's 141 for a death by SIGPIPE:
/// the reader chose to stop (`| head -1`), nothing went wrong here, and
/// under `set -o pipefail` a script must not fail for reading less. Rust
/// ignores SIGPIPE, so no signal ended the process; 141 would claim one.
pub fn output_failed(package: &str, err: &std::io::Error) -> u8 {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        return 0;
    }
    let _ = writeln!(
        std::io::stderr(),
        "{package}: cannot write the output: {err}"
    );
    1
}

/// Prints `text` on stdout for a binary that is not a chapter's main run
/// (a tool beside it): success, or the status [`output_failed`] gives, so
/// a closed pipe or a full disk is no panic there either.
pub fn print(package: &str, text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => ExitCode::from(output_failed(package, &err)),
    }
}

/// [`run`], writing to `out`; the exit status, or the write that failed.
pub fn run_to<C, R>(
    chapter: &Chapter<C, R>,
    args: Vec<String>,
    make: impl FnOnce(&Options) -> anyhow::Result<C>,
    out: &mut dyn Write,
) -> std::io::Result<u8>
where
    R: Serialize + DeserializeOwned + Default,
{
    let options = match parse(chapter, &args) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("{}: {err} (try --help)", chapter.package);
            return Ok(2);
        }
    };
    if let Some(answered) = answer_without_measuring(chapter, &options, out) {
        return answered;
    }
    let mut context = match make(&options) {
        Ok(context) => context,
        Err(err) => {
            eprintln!("{}: {err:#}", chapter.package);
            return Ok(1);
        }
    };
    let machine = Machine::this_one();
    let date = now_utc();
    if !options.json {
        let measured_on = format!("Measured on {}, {date}.", machine.summary());
        writeln!(out, "{}\n{}", chapter.title, wrap(&measured_on, "", 80))?;
        out.flush()?;
    }
    let (runs, results, failed) = measure_all(chapter, &options, &mut context, out)?;
    let broken: usize = runs.iter().map(|r| r.report.broken().len()).sum();
    let document = Document {
        schema: SCHEMA,
        chapter: chapter.package.to_string(),
        machine,
        date,
        arguments: options.arguments.clone(),
        sections: runs,
        results,
    };
    if !write_ending(chapter.package, &options, &document, out)? {
        return Ok(1);
    }
    out.flush()?;
    if broken > 0 {
        eprintln!(
            "{}: {broken} invariant(s) broke: a bug, not a busy machine",
            chapter.package
        );
    }
    Ok(if failed > 0 || broken > 0 { 1 } else { 0 })
}

/// After the sections: the `--json` document, or the summary and the
/// legend of the marks; `false` when the document does not serialise
/// (said on stderr).
fn write_ending<R: Serialize>(
    package: &str,
    options: &Options,
    document: &Document<R>,
    out: &mut dyn Write,
) -> std::io::Result<bool> {
    if options.json {
        match serde_json::to_string_pretty(document) {
            Ok(text) => writeln!(out, "{text}")?,
            Err(err) => {
                eprintln!("{package}: the results do not serialise: {err}");
                return Ok(false);
            }
        }
    } else {
        let reports: Vec<&SectionReport> =
            document.sections.iter().map(|r| &r.report).collect();
        write!(out, "{}", wrap(&summary(&reports, None), "", 80))?;
        if let Some(legend) = legend(&reports) {
            write!(out, "{}", wrap(&legend, "", 80))?;
        }
    }
    Ok(true)
}

/// `--help`, `--list` and `--from FILE`: what a command line asks that
/// needs no measuring, with its exit status; `None` for a run.
fn answer_without_measuring<C, R>(
    chapter: &Chapter<C, R>,
    options: &Options,
    out: &mut dyn Write,
) -> Option<std::io::Result<u8>>
where
    R: Serialize + DeserializeOwned + Default,
{
    let written = |out: &mut dyn Write| out.flush().map(|()| 0);
    if options.help {
        return Some(write!(out, "{}", usage(chapter)).and_then(|()| written(out)));
    }
    if options.list {
        let listed = (chapter.sections.iter())
            .try_for_each(|s| writeln!(out, "{:<16} {}", s.name, s.summary));
        return Some(listed.and_then(|()| written(out)));
    }
    let file = options.from.as_ref()?;
    Some(match replay(chapter, file, &options.sections, out) {
        Ok(status) => Ok(status),
        Err(err) => match err.downcast::<std::io::Error>() {
            Ok(write_failed) => Err(write_failed),
            Err(err) => {
                eprintln!("{}: {}: {err:#}", chapter.package, shown(file));
                Ok(2)
            }
        },
    })
}

/// Runs the sections `options` asked for, in the chapter's order, printing
/// each report as it comes unless `--json`: every section's run, the
/// typed results, and how many sections failed.
fn measure_all<C, R: Default>(
    chapter: &Chapter<C, R>,
    options: &Options,
    context: &mut C,
    out: &mut dyn Write,
) -> std::io::Result<(Vec<SectionRun>, R, usize)> {
    let selected = chapter.plan(&options.sections);
    let progress = Progress::wanted(options.json);
    let (mut runs, mut results, mut failed) = (Vec::new(), R::default(), 0);
    for (i, section) in selected.iter().enumerate() {
        let load = if options.wait_quiet {
            Some(wait_for_quiet(QUIET_WAIT))
        } else if options.json {
            Some(load_now(Duration::from_millis(200)))
        } else {
            None
        };
        let spinner = Progress::start(progress, i, selected.len(), section.name);
        let started = Instant::now();
        let outcome = measure_section(section, context, &mut results);
        drop(spinner);
        match outcome {
            Ok(report) => {
                if !options.json {
                    writeln!(
                        out,
                        "{}",
                        report.render_within(Render::Plain, printed_width())
                    )?;
                    out.flush()?;
                }
                runs.push(SectionRun {
                    name: section.name.to_string(),
                    load,
                    seconds: started.elapsed().as_secs_f64(),
                    report,
                });
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
    Ok((runs, results, failed))
}

/// How long `--wait-quiet` waits for a quiet machine before each section.
const QUIET_WAIT: Duration = Duration::from_secs(60);

/// `--from FILE`: prints the sections of a saved run (those asked, or all
/// it has), typed ones rebuilt from its results. Exit status 1 when a
/// rebuilt report breaks an invariant or shows an impossible figure: such
/// a run must not be quoted. A failed write comes back as an `io::Error`.
fn replay<C, R>(
    chapter: &Chapter<C, R>,
    file: &str,
    names: &[String],
    out: &mut dyn Write,
) -> anyhow::Result<u8>
where
    R: DeserializeOwned,
{
    // Not `.context(..)`: the caller tells a failed write (an `io::Error`)
    // from a bad file by downcasting, and a wrapped read error would pass.
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read it: {e}"))?;
    let document = read_document::<R>(&text, chapter.package)?;
    let reports = rebuild(chapter, &document, names)?;
    let one = match reports.as_slice() {
        [(run, _)] => run.load.as_ref(),
        _ => None,
    };
    writeln!(
        out,
        "{}\n{}",
        chapter.title,
        wrap(&document.header(one), "", 80)
    )?;
    for (_, report) in &reports {
        writeln!(
            out,
            "{}",
            report.render_within(Render::Plain, printed_width())
        )?;
    }
    let printed: Vec<&SectionReport> = reports.iter().map(|(_, r)| r).collect();
    let busy = document
        .sections
        .iter()
        .filter_map(|s| s.load.as_ref())
        .find(|l| l.looked_busy());
    write!(out, "{}", wrap(&summary(&printed, busy), "", 80))?;
    if let Some(legend) = legend(&printed) {
        write!(out, "{}", wrap(&legend, "", 80))?;
    }
    out.flush()?;
    let unfit = printed
        .iter()
        .flat_map(|r| r.checks())
        .filter(|c| c.is_broken() || c.is_implausible())
        .count();
    if unfit > 0 {
        eprintln!(
            "{}: {}: {unfit} check(s) failed that a run fit to quote must pass",
            chapter.package,
            shown(file)
        );
        return Ok(1);
    }
    Ok(0)
}

/// Reads a document of this chapter, refusing another schema or chapter.
pub fn read_document<R: DeserializeOwned>(
    text: &str,
    package: &str,
) -> anyhow::Result<Document<R>> {
    use anyhow::{Context as _, bail};
    let probe: serde_json::Value =
        serde_json::from_str(text).context("not a JSON document")?;
    let schema = probe.get("schema").and_then(|s| s.as_u64());
    if schema != Some(u64::from(SCHEMA)) {
        bail!(
            "schema {schema:?}, but this build reads schema {SCHEMA}: rerun --json"
        );
    }
    let document: Document<R> =
        serde_json::from_value(probe).context("not a results document")?;
    if document.chapter != package {
        bail!("a run of {}, not of {package}", document.chapter);
    }
    Ok(document)
}

/// The reports of `document` for `names` (every section it has, when
/// empty), in the order they ran: typed sections rebuilt from the results,
/// the others as saved.
pub fn rebuild<'d, C, R>(
    chapter: &Chapter<C, R>,
    document: &'d Document<R>,
    names: &[String],
) -> anyhow::Result<Vec<(&'d SectionRun, SectionReport)>> {
    let mut reports = Vec::new();
    for name in names {
        if document.section(name).is_none() {
            anyhow::bail!("the run has no section {name}");
        }
    }
    for run in &document.sections {
        if !names.is_empty() && !names.contains(&run.name) {
            continue;
        }
        let section = chapter.find(&run.name).ok_or_else(|| {
            anyhow::anyhow!("no section {} in this chapter", run.name)
        })?;
        let mut report = (section.run.report)(&document.results)?;
        report.limit_to_cores(document.machine.cores);
        reports.push((run, report));
    }
    Ok(reports)
}

/// "3 sections: 12 of 12 invariants held, 4 of 5 measured claims met on
/// this machine." The kinds are counted apart, and an empty count is left
/// out: a broken invariant is a bug, a missed figure may be a busy machine,
/// an implausible one means the run is not fit to quote. `busy` is a load
/// reading that looked busy, when the run recorded one.
pub fn summary(reports: &[&SectionReport], busy: Option<&Load>) -> String {
    let count = |kind: Kind| {
        let checks = reports
            .iter()
            .flat_map(|r| r.checks())
            .filter(|c| c.kind == kind);
        let (mut held, mut all) = (0, 0);
        for check in checks {
            all += 1;
            held += usize::from(check.holds);
        }
        (held, all)
    };
    let (held, invariants) = count(Kind::Invariant);
    let (met, figures) = count(Kind::Measured);
    let (plausible, limits) = count(Kind::Plausible);
    let mut counts = Vec::new();
    if invariants > 0 {
        counts.push(format!("{held} of {invariants} invariants held"));
    }
    if figures > 0 {
        counts.push(format!("{met} of {figures} measured claims met"));
    }
    if limits > 0 {
        counts.push(format!("{plausible} of {limits} figures plausible"));
    }
    let sections = format!(
        "{} section{}",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" }
    );
    let mut text = if counts.is_empty() {
        format!("{sections}, nothing checked.")
    } else {
        format!("{sections}: {} on this machine.", counts.join(", "))
    };
    let missed = met < figures || plausible < limits;
    if let Some(load) = busy {
        text += &format!(
            " This machine looked busy ({}): rerun when it is quiet.",
            load.summary()
        );
    } else if missed {
        text += " A missed claim or an implausible figure usually means a busy machine: rerun when it is quiet.";
    }
    text
}

/// What each mark the run printed means, marks it did not print left out:
/// "[miss]" reads as a bug to a newcomer unless the run says otherwise.
pub fn legend(reports: &[&SectionReport]) -> Option<String> {
    let checks: Vec<_> = reports.iter().flat_map(|r| r.checks()).collect();
    let any = |pick: fn(&Check) -> bool| checks.iter().any(|c| pick(c));
    let marks = [
        (
            any(|c| c.holds),
            "[ok] an invariant held or a measured claim was met",
        ),
        (
            any(|c| c.kind == Kind::Measured && !c.holds),
            "[miss] a measured claim this run missed (a busy machine can do that)",
        ),
        (
            any(|c| c.is_implausible()),
            "[busy] a figure this machine cannot produce: the run is not fit to quote",
        ),
        (any(|c| c.is_broken()), "[FAIL] an invariant broke: a bug"),
    ];
    let shown: Vec<&str> = marks
        .iter()
        .filter(|(seen, _)| *seen)
        .map(|(_, m)| *m)
        .collect();
    (!shown.is_empty()).then(|| format!("Marks: {}.", shown.join("; ")))
}

/// The text of `--help`, as clap lays it out from [`command`].
pub fn usage<C, R>(chapter: &Chapter<C, R>) -> String {
    command(chapter).render_help().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::SectionReport;

    fn demo(_: &()) -> anyhow::Result<SectionReport> {
        Ok(SectionReport::new("one", "claim"))
    }

    /// A section that measures nothing and reports with `report`.
    const fn once<R>(report: fn(&R) -> anyhow::Result<SectionReport>) -> Run<(), R> {
        Run {
            measure: |_, _| Ok(()),
            report,
            needs: &[],
        }
    }

    static CHAPTER: Chapter<()> = Chapter {
        package: "demo",
        title: "Demo",
        sections: &[
            Section {
                name: "one",
                summary: "first",
                run: once(demo),
            },
            Section {
                name: "two",
                summary: "second",
                run: once(demo),
            },
        ],
        python: Some("also run Python"),
    };

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_sections_and_flags() {
        let o =
            parse(&CHAPTER, &args(&["two", "--json", "--python", "two"])).unwrap();
        assert_eq!(o.sections, vec!["two"]);
        assert!(o.json && o.python && !o.full);
    }

    #[test]
    fn rejects_unknown_words_with_one_line() {
        let err = parse(&CHAPTER, &args(&["three"])).unwrap_err();
        assert_eq!(err.0, "no section 'three' (sections: one, two)");
        let err = parse(&CHAPTER, &args(&["--fast"])).unwrap_err();
        assert_eq!(err.0, "unknown option '--fast'");
    }

    #[test]
    fn a_near_miss_gets_what_it_may_have_meant_and_an_option_as_typed() {
        let err = parse(&CHAPTER, &args(&["--ful"])).unwrap_err();
        assert_eq!(err.0, "unknown option '--ful' (did you mean '--full'?)");
        let err = parse(&CHAPTER, &args(&["onee"])).unwrap_err();
        assert!(
            err.0.starts_with("no section 'onee' (did you mean 'one'?)"),
            "{err}"
        );
        let err = parse(&CHAPTER, &args(&["--port=8080"])).unwrap_err();
        assert_eq!(err.0, "unknown option '--port=8080'");
        for bad in [&["--from"][..], &["--from", "--json"]] {
            let err = parse(&CHAPTER, &args(bad)).unwrap_err();
            assert_eq!(err.0, "--from needs a FILE", "{bad:?}");
        }
        let from = parse(&CHAPTER, &args(&["--from", "run.json", "one"])).unwrap();
        assert_eq!(
            (from.from.as_deref(), &from.sections[..]),
            (Some("run.json"), &["one".to_string()][..])
        );
    }

    #[test]
    fn help_lists_every_section_and_flag_on_lines_that_fit() {
        let help = usage(&CHAPTER);
        for word in [
            "one",
            "first",
            "two",
            "second",
            "--python",
            "also run Python",
            "--from <FILE>",
        ] {
            assert!(help.contains(word), "{word}: {help}");
        }
        assert!(help.lines().all(|l| l.chars().count() <= 80), "{help}");
        assert!(parse(&CHAPTER, &args(&["-h"])).unwrap().help);
    }

    #[test]
    fn the_legend_explains_the_marks_the_run_printed_and_no_others() {
        let mut report = SectionReport::new("demo", "A claim.");
        assert_eq!(legend(&[&report]), None);
        report.check(true, "right");
        assert_eq!(
            legend(&[&report]).as_deref(),
            Some("Marks: [ok] an invariant held or a measured claim was met.")
        );
        report.measured(false, "fast");
        let text = legend(&[&report]).unwrap();
        assert!(text.contains("[ok]") && text.contains("[miss]"), "{text}");
        assert!(
            !text.contains("[FAIL]") && !text.contains("[busy]"),
            "{text}"
        );
        report.check(false, "wrong");
        assert!(
            legend(&[&report])
                .unwrap()
                .contains("[FAIL] an invariant broke")
        );
    }

    #[test]
    fn the_summary_counts_invariants_and_figures_apart() {
        let mut report = SectionReport::new("demo", "A claim.");
        report.measured(true, "fast");
        assert_eq!(
            summary(&[&report], None),
            "1 section: 1 of 1 measured claims met on this machine."
        );
        report.check(false, "right");
        assert_eq!(
            summary(&[&report], None),
            "1 section: 0 of 1 invariants held, 1 of 1 measured claims met on this machine."
        );
        report.plausible(false, "no speedup above the cores");
        assert!(
            summary(&[&report], None).ends_with(
                "0 of 1 figures plausible on this machine. A missed claim or an \
                 implausible figure usually means a busy machine: rerun when it is quiet."
            ),
            "{}",
            summary(&[&report], None)
        );
        assert_eq!(summary(&[], None), "0 sections, nothing checked.");
    }

    #[test]
    fn from_needs_a_file() {
        let err = parse(&CHAPTER, &args(&["--from"])).unwrap_err();
        assert_eq!(err.0, "--from needs a FILE");
        let o = parse(&CHAPTER, &args(&["--from", "run.json", "one"])).unwrap();
        assert_eq!(o.from.as_deref(), Some("run.json"));
        assert_eq!(o.sections, ["one"]);
    }

    fn typed_measure(_: &mut (), seen: &mut Vec<String>) -> anyhow::Result<()> {
        seen.push("measured".into());
        Ok(())
    }

    #[allow(clippy::ptr_arg)] // it must be `fn(&R)` for R = Vec<String>
    fn typed_report(seen: &Vec<String>) -> anyhow::Result<SectionReport> {
        let mut report = SectionReport::new("sum", "claim");
        report.check(!seen.is_empty(), "its needs ran first");
        Ok(report)
    }

    static TYPED: Chapter<(), Vec<String>> = Chapter {
        package: "typed",
        title: "Typed",
        sections: &[
            Section {
                name: "part",
                summary: "a part",
                run: Run {
                    measure: typed_measure,
                    report: typed_report,
                    needs: &[],
                },
            },
            Section {
                name: "other",
                summary: "not needed",
                run: once(|_: &Vec<String>| {
                    Ok(SectionReport::new("other", "claim"))
                }),
            },
            Section {
                name: "sum",
                summary: "needs part",
                run: Run {
                    measure: |_, _| Ok(()),
                    report: typed_report,
                    needs: &["part"],
                },
            },
        ],
        python: None,
    };

    #[test]
    fn a_section_runs_after_what_it_needs() {
        let plan: Vec<&str> =
            TYPED.plan(&args(&["sum"])).iter().map(|s| s.name).collect();
        assert_eq!(plan, ["part", "sum"]);
        let report = run_alone(&TYPED, &mut (), "sum").unwrap();
        assert!(report.broken().is_empty(), "{report:?}");
    }

    #[test]
    fn a_document_is_rebuilt_from_its_results() {
        let document = Document {
            schema: SCHEMA,
            chapter: "typed".into(),
            machine: Machine::this_one(),
            date: now_utc(),
            arguments: vec![],
            sections: vec![SectionRun {
                name: "sum".into(),
                load: None,
                seconds: 0.0,
                report: SectionReport::new("sum", "as printed"),
            }],
            // Doctored: the results say nothing was measured.
            results: Vec::<String>::new(),
        };
        let text = serde_json::to_string(&document).unwrap();
        let back: Document<Vec<String>> = read_document(&text, "typed").unwrap();
        let reports = rebuild(&TYPED, &back, &[]).unwrap();
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].1.broken().len(), 1, "the check saw the results");
        assert!(read_document::<Vec<String>>(&text, "other").is_err());
        let old = text.replace(&format!("\"schema\":{SCHEMA}"), "\"schema\":1");
        let err = read_document::<Vec<String>>(&old, "typed").unwrap_err();
        assert!(err.to_string().contains("schema"), "{err}");
    }

    #[test]
    fn unknown_argument_exits_with_status_two() {
        let code = run(&CHAPTER, args(&["nope"]), |_| Ok(()));
        assert_eq!(code, ExitCode::from(2));
    }

    #[test]
    fn a_long_or_non_utf8_argument_is_shortened_not_echoed() {
        let long = "x".repeat(100_000);
        let err = parse(&CHAPTER, &[long]).unwrap_err();
        assert!(err.0.len() < 120, "{}", err.0);
        assert!(err.0.contains("(100000 characters)"), "{}", err.0);
        use std::os::unix::ffi::OsStringExt;
        let bad = std::ffi::OsString::from_vec(vec![b'o', 0xff, b'k']);
        let err = text_arguments(["two".into(), bad].into_iter()).unwrap_err();
        assert_eq!(err.0, "argument 2 is not UTF-8 text: 'o\u{fffd}k'");
    }

    fn broken(_: &()) -> anyhow::Result<SectionReport> {
        let mut report = SectionReport::new("bad", "claim");
        report.check(false, "the money is conserved");
        report.measured(false, "fast enough");
        Ok(report)
    }

    fn missed(_: &()) -> anyhow::Result<SectionReport> {
        let mut report = SectionReport::new("slow", "claim");
        report.measured(false, "fast enough");
        Ok(report)
    }

    static BROKEN: Chapter<()> = Chapter {
        package: "broken",
        title: "Broken",
        sections: &[
            Section {
                name: "bad",
                summary: "breaks an invariant",
                run: once(broken),
            },
            Section {
                name: "slow",
                summary: "misses a measured claim",
                run: once(missed),
            },
        ],
        python: None,
    };

    #[test]
    fn a_broken_invariant_fails_the_run_and_a_missed_figure_does_not() {
        let mut out = Vec::new();
        let bad = run_to(&BROKEN, args(&["bad"]), |_| Ok(()), &mut out);
        assert_eq!(bad.unwrap(), 1);
        assert!(String::from_utf8(out).unwrap().contains("[FAIL]"));
        let slow = run_to(&BROKEN, args(&["slow"]), |_| Ok(()), &mut Vec::new());
        assert_eq!(slow.unwrap(), 0);
        let json = run_to(&BROKEN, args(&["--json"]), |_| Ok(()), &mut Vec::new());
        assert_eq!(json.unwrap(), 1, "--json too");
    }

    /// A writer that fails as a closed pipe or a full disk does.
    struct Failing(std::io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(self.0))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::from(self.0))
        }
    }

    #[test]
    fn a_failed_write_stops_the_run_and_comes_back() {
        use std::io::ErrorKind::{BrokenPipe, StorageFull};
        for words in [&["--list"][..], &["--help"], &["one", "two"], &["--json"]] {
            let mut measured = false;
            let err = run_to(
                &CHAPTER,
                args(words),
                |_| {
                    measured = true;
                    Ok(())
                },
                &mut Failing(BrokenPipe),
            )
            .unwrap_err();
            assert_eq!(err.kind(), BrokenPipe, "{words:?}");
            if words == ["one", "two"] {
                assert!(measured, "the header is written after the context");
            }
        }
        assert_eq!(output_failed("demo", &BrokenPipe.into()), 0, "quiet");
        assert_eq!(output_failed("demo", &StorageFull.into()), 1);
    }
}
