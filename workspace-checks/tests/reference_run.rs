//! The book's figures against the one run per chapter they came from
//! (book/src/generated/CHAPTER/results.json): every output block is that
//! run's report, rebuilt from its typed results; the run is plausible; and
//! what a quiz states as a measured fact holds in it.

use comparison::Results;
use comparison::sections::memory::Unit;
use serde::de::DeserializeOwned;
use shared::cli::Chapter;
use shared::document::Document;
use shared::report::{BOOK_WIDTH, Block, Cell, Render, SectionReport};
use workspace_checks::workspace_root;

fn reference_of<R: DeserializeOwned>(package: &str) -> Document<R> {
    let path = workspace_root()
        .join("book/src/generated")
        .join(package)
        .join("results.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run book/regenerate)", path.display()));
    shared::document::read_document(&text, package)
        .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()))
}

fn reference() -> Document<Results> {
    reference_of("comparison")
}

/// Every section of `chapter` is in its reference run, and the block the
/// book shows for it is that run's report, rebuilt from the typed results,
/// with no broken invariant and no impossible figure.
fn every_block_is_rebuilt<C, R: DeserializeOwned>(chapter: &Chapter<C, R>) {
    let document: Document<R> = reference_of(chapter.package);
    let reports = shared::cli::rebuild(chapter, &document, &[])
        .expect("the reference run rebuilds");
    assert_eq!(
        reports.len(),
        chapter.sections.len(),
        "the reference run of {} has every section",
        chapter.package
    );
    for (run, report) in reports {
        let file = workspace_root()
            .join("book/src/generated")
            .join(chapter.package)
            .join(format!("{}.txt", run.name));
        let shown = std::fs::read_to_string(&file).expect("a generated block");
        // At the width book/regenerate asks for (COLUMNS=84).
        let rebuilt = report.render_within(Render::Plain, BOOK_WIDTH);
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

#[test]
fn every_block_of_every_chapter_is_its_reference_run_rebuilt() {
    every_block_is_rebuilt(&comparison::CHAPTER);
    every_block_is_rebuilt(&executors::CHAPTER);
    every_block_is_rebuilt(&debugging::CHAPTER);
    every_block_is_rebuilt(&error_handling::CHAPTER);
    every_block_is_rebuilt(&best_practices::CHAPTER);
    every_block_is_rebuilt(&ecosystem::CHAPTER);
    every_block_is_rebuilt(&async_in_depth::CHAPTER);
    every_block_is_rebuilt(&beyond_one_machine::CHAPTER);
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

/// The comparison chapter's reports, rebuilt from its saved run, found by
/// section name.
fn comparison_reports() -> impl Fn(&str) -> SectionReport {
    let document = reference();
    let reports: Vec<(String, SectionReport)> =
        shared::cli::rebuild(&comparison::CHAPTER, &document, &[])
            .unwrap()
            .into_iter()
            .map(|(run, report)| (run.name.to_string(), report))
            .collect();
    move |name| {
        reports
            .iter()
            .find(|(run, _)| run == name)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("no section {name}"))
    }
}

/// Every figure the comparison table shows for CPU, I/O and overhead is the
/// one its own section printed, cell for cell: the table cannot quote rayon
/// for threads, or a median where the section's row quotes a minimum.
#[test]
fn every_table_cell_is_its_sections_figure() {
    let report = comparison_reports();
    let table = report("table");
    let row = |label: &str, column: &str| cell(&table, "The article", label, column);
    let (cpu, io) = (report("cpu-bound"), report("io-bound"));
    let overhead = report("overhead");
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
}

/// The table's data-exchange row quotes each way's minimum round trip from
/// the data-exchange section, not its median.
#[test]
fn the_data_exchange_row_is_its_sections_minimum() {
    let report = comparison_reports();
    let table = report("table");
    let exchange = report("data-exchange");
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
    for (column, through) in [
        ("Rust threads", "crossbeam channel"),
        ("Rust tokio", "tokio::sync::mpsc"),
        ("Rust processes", "process pool, submit + result"),
    ] {
        assert_eq!(
            cell(&table, "The article", "data exchange⁵", column),
            trip(through)
        );
    }
}

/// Chapter 2, question 1: "Rust's threads are parallel, as `landscape`
/// measures" — on this machine's cores, the thread pool and rayon beat
/// one thread by a clear margin.
#[test]
fn the_quiz_on_parallel_threads_holds_in_the_reference_run() {
    use executors::sections::landscape::Tool;
    let document: Document<executors::Results> = reference_of("executors");
    if document.machine.cores < 2 {
        return; // one core: nothing can run in parallel
    }
    let landscape = document.results.landscape.expect("landscape ran");
    for tool in [Tool::ThreadPoolExecutor, Tool::RayonParIter] {
        let speedup = landscape.speedup(tool).expect("the tool ran");
        assert!(speedup > 1.3, "{tool:?}: {speedup}");
    }
}

/// Chapter 2, question 5: `chunksize` "fixes most of" a process pool's
/// cost on tiny tasks — over five times the rate, in the reference run.
#[test]
fn the_quiz_on_chunksize_holds_in_the_reference_run() {
    use executors::sections::throughput::{CHUNKED, Way};
    let document: Document<executors::Results> = reference_of("executors");
    let throughput = document.results.throughput.expect("throughput ran");
    let chunked = throughput.per_second(Way::ProcessPoolMap { chunksize: CHUNKED });
    let one = throughput.per_second(Way::ProcessPoolMap { chunksize: 1 });
    assert!(chunked > 5.0 * one, "{chunked} vs {one} per second");
}

/// Chapter 3, question 4: the model checker "finds the rare one in a
/// handful of schedules" — the seeded random scheduler's first failure.
#[test]
fn the_quiz_on_the_model_checker_holds_in_the_reference_run() {
    let document: Document<debugging::Results> = reference_of("debugging");
    let reproduce = document.results.reproduce.expect("reproduce ran");
    let (first, _) = reproduce.random.first_failure.expect("it found the race");
    assert!(first <= 10, "first failing schedule: {first}");
}

/// Chapter 5, question 1 points at the "waited" column: one shared lock
/// taken per item was found taken; a total per thread never waits.
#[test]
fn the_quiz_on_a_shared_counter_holds_in_the_reference_run() {
    let document: Document<best_practices::Results> = reference_of("best-practices");
    let state = document.results.shared_state.expect("shared-state ran");
    assert!(state.before.outcome.waits > 0, "{:?}", state.before);
    assert_eq!(state.after.outcome.waits, 0);
}

/// Chapter 5's closing question: a task costs far less than a thread to
/// start and to keep (chapter 1), and for light I/O processes cost many
/// times the CPU time of threads or tasks (right-tool).
#[test]
fn the_closing_quiz_holds_in_the_reference_runs() {
    use best_practices::sections::right_tool::Way;
    use comparison::sections::overhead::Unit as Started;
    let chapter_1 = reference();
    let overhead = chapter_1.results.overhead.expect("overhead ran");
    let start = |unit| overhead.per_unit(unit).expect("measured").min;
    assert!(start(Started::TokioTask) * 2.0 < start(Started::Thread));
    let memory = chapter_1.results.memory.expect("memory ran");
    let keep = |unit| memory.per_unit(unit).expect("measured");
    assert!(keep(Unit::Tokio) * 4.0 < keep(Unit::Threads));
    let document: Document<best_practices::Results> = reference_of("best-practices");
    let right = document.results.right_tool.expect("right-tool ran");
    let processes = right.cpu(Way::ProcessPerJob);
    for way in [Way::Threads, Way::TokioTasks] {
        assert!(processes > 5.0 * right.cpu(way), "{way:?}");
    }
}

/// Every chapter's saved run was a `--full` run, took under the goal of
/// three minutes on this machine, and run-times.txt says so as it is now.
#[test]
fn every_full_run_took_under_three_minutes_and_run_times_is_current() {
    use workspace_checks::run_times::{GOAL_S, duration, runs, table};
    let root = workspace_root();
    let runs = runs(&root).expect("every chapter has a saved run");
    assert!(runs.len() >= 7, "{} saved runs", runs.len());
    let slow: Vec<String> = (runs.iter())
        .filter(|run| {
            !run.arguments.iter().any(|a| a == "--full") || run.seconds() >= GOAL_S
        })
        .map(|run| {
            format!(
                "{}: {} ({:?})",
                run.chapter,
                duration(run.seconds()),
                run.arguments
            )
        })
        .collect();
    assert!(
        slow.is_empty(),
        "--full runs missing or over {GOAL_S} s: {slow:?}"
    );
    let file = root.join("book/src/generated/run-times.txt");
    let shown = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        shown,
        table(&runs),
        "{} is stale: cargo run -p workspace-checks --bin run-times",
        file.display()
    );
}
