//! The book's chapter-1 figures against the one run they came from
//! (book/src/generated/comparison/results.json): every output block is that
//! run's report, rebuilt from its typed results; the run is plausible; and
//! what a quiz states as a measured fact holds in it.

use comparison::Results;
use comparison::sections::memory::Unit;
use shared::document::Document;
use shared::report::{Block, Cell, Render};
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

/// The cell of `report`'s first table (or the table titled with `title`)
/// in the row whose first cell reads `row` and the column headed `column`.
fn cell(
    report: &shared::report::SectionReport,
    title: &str,
    row: &str,
    column: &str,
) -> Cell {
    let table = report
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) if t.title.starts_with(title) => Some(t),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{}: no table {title}", report.section));
    let at = table
        .headers
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("{}: no column {column}", report.section));
    let line = table
        .rows
        .iter()
        .find(|r| r[0] == Cell::text(row))
        .unwrap_or_else(|| panic!("{}: no row {row}", report.section));
    line[at].clone()
}

/// Every figure the comparison table shows is the one its own section
/// printed, cell for cell: the table cannot quote rayon for threads, or a
/// median where the section's row quotes a minimum.
#[test]
fn every_table_cell_is_its_sections_figure() {
    let document = reference();
    let reports =
        shared::cli::rebuild(&comparison::CHAPTER, &document, &[]).unwrap();
    let report = |name: &str| {
        reports
            .iter()
            .find(|(run, _)| run.name == name)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("no section {name}"))
    };
    let table = report("table");
    let row = |label: &str, column: &str| cell(&table, "The article", label, column);
    let (cpu, io) = (report("cpu-bound"), report("io-bound"));
    let (overhead, exchange) = (report("overhead"), report("data-exchange"));
    let median = |c: Cell| match c {
        Cell::Timing(t) => Cell::Seconds(t.median),
        other => panic!("not a timing: {other:?}"),
    };
    for (column, model) in
        [("Rust threads", "threads"), ("Rust processes", "processes")]
    {
        assert_eq!(
            row("CPU parallelism¹", column),
            cell(&cpu, "CPU", model, "cores busy")
        );
        assert_eq!(
            row("CPU-bound³", column),
            cell(&cpu, "CPU", model, "speedup")
        );
        assert_eq!(
            row("I/O-bound²", column),
            median(cell(&io, "I/O", model, "wall"))
        );
    }
    assert_eq!(
        row("CPU parallelism¹", "Rust tokio"),
        cell(&cpu, "CPU", "tokio", "cores busy")
    );
    for (column, unit) in [
        ("Rust threads", "thread"),
        ("Rust processes", "process"),
        ("Rust tokio", "tokio task"),
    ] {
        assert_eq!(
            row("overhead⁶", column),
            cell(&overhead, "Cost", unit, "minimum")
        );
    }
    let trip = |through: &str| {
        let Some(Block::Table(t)) = exchange
            .blocks
            .iter()
            .find(|b| matches!(b, Block::Table(_)))
        else {
            panic!("data-exchange has no table")
        };
        let line = t.rows.iter().find(|r| r[1] == Cell::text(through)).unwrap();
        line[3].clone() // the minimum
    };
    assert_eq!(
        row("data exchange⁵", "Rust threads"),
        trip("crossbeam channel")
    );
    assert_eq!(
        row("data exchange⁵", "Rust tokio"),
        trip("tokio::sync::mpsc")
    );
    assert_eq!(
        row("data exchange⁵", "Rust processes"),
        trip("process pool, submit + result")
    );
}
