//! A chapter's run: its hidden modes, its sections in order with progress,
//! the results document, a saved run printed again, and the summary and
//! legend that end it.

use super::command_line::{arguments, parse, shown, usage};
use super::{Chapter, Mode, Options, Section};
use crate::document::{Document, SCHEMA, SectionRun, read_document};
use crate::machine::{Load, Machine, load_now, now_utc, wait_for_quiet};
use crate::progress::Progress;
use crate::report::{Check, Kind, Render, SectionReport, printed_width, wrap};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

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
