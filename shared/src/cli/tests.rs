//! The command line and the run, tested together: they share the made-up
//! chapters below.

use super::command_line::text_arguments;
use super::*;
use crate::document::{Document, SCHEMA, SectionRun, read_document};
use crate::machine::{Machine, now_utc};
use crate::report::SectionReport;
use std::io::Write;

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
    let o = parse(&CHAPTER, &args(&["two", "--json", "--python", "two"])).unwrap();
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
            run: once(|_: &Vec<String>| Ok(SectionReport::new("other", "claim"))),
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
