//! The book's chapter-1 figures against the one run they came from
//! (book/src/generated/comparison/results.json): every output block is that
//! run's report, rebuilt from its typed results; the run is plausible; and
//! what a quiz states as a measured fact holds in it.

use comparison::Results;
use comparison::sections::memory::Unit;
use shared::document::Document;
use shared::report::Render;
use workspace_checks::workspace_root;

fn reference() -> Document<Results> {
    let path = workspace_root().join("book/src/generated/comparison/results.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run book/regenerate)", path.display()));
    shared::cli::read_document(&text, "comparison")
        .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()))
}

#[test]
fn every_block_is_the_reference_run_rebuilt() {
    let document = reference();
    let reports = shared::cli::rebuild(&comparison::CHAPTER, &document, &[])
        .expect("the reference run rebuilds");
    assert_eq!(
        reports.len(),
        comparison::CHAPTER.sections.len(),
        "the reference run has every section"
    );
    for (run, report) in reports {
        let file = workspace_root()
            .join("book/src/generated/comparison")
            .join(format!("{}.txt", run.name));
        let shown = std::fs::read_to_string(&file).expect("a generated block");
        let rebuilt = report.render(Render::Plain);
        assert!(
            shown.contains(&rebuilt),
            "{} is not the reference run's {} report: run book/regenerate",
            file.display(),
            run.name
        );
        assert!(
            report.broken().is_empty(),
            "{}: a broken invariant",
            run.name
        );
        assert!(
            report.implausible().is_empty(),
            "{}: an impossible figure in the book's run",
            run.name
        );
    }
}

/// Quiz 1, question 2: the 10 000 tasks finish sooner than the 10 000
/// threads and take far less memory.
#[test]
fn the_quiz_on_sleeping_threads_holds_in_the_reference_run() {
    let document = reference();
    let memory = document
        .results
        .memory
        .expect("memory in the reference run");
    let at = |unit| memory.probe(unit, Some(10_000)).expect("10 000 of each");
    let (threads, tasks) = (at(Unit::Threads), at(Unit::Tokio));
    assert!(tasks.wall_s < threads.wall_s, "{tasks:?} vs {threads:?}");
    assert!(
        tasks.bytes * 4.0 < threads.bytes,
        "{tasks:?} vs {threads:?}"
    );
}
