//! What a section prints and what `--json` emits.
//!
//! A section's report is a [`SectionReport`]: its claim, then tables, notes
//! and checks, built from the section's typed results. Measured cells
//! are typed, so the same report renders in full for a reader and
//! [`Render::Redacted`] for a snapshot test: figures vary from run to run,
//! the shape, the counts and whether each check held must not.

use crate::measure::Spread;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

mod table;
use table::Piece;
pub use table::{
    BOOK_WIDTH, DEFAULT_WIDTH, Table, lay_out_for_stdout, output_width,
    printed_width,
};

/// How to render measured values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Render {
    /// Every figure, for a reader.
    Plain,
    /// Figures replaced by their kind (`[time]`, `[ratio]`, …), for tests.
    Redacted,
}

/// One cell of a table. Serialisable, so that a results document keeps a
/// section's report exactly as it was printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    /// Words, shown as they are.
    Text(String),
    /// A count that does not vary between runs (shown even when redacted).
    Count(u64),
    /// A count that may vary between runs, such as threads seen.
    Tally(u64),
    /// Words that vary between runs: a thread's name, a pid, an order
    /// decided by the scheduler.
    Varies(String),
    /// A duration in seconds, measured once.
    Seconds(f64),
    /// A duration measured several times: median, and the range.
    Timing(Spread),
    /// A ratio that is not a speedup ("4.2× the memory").
    Ratio(f64),
    /// The speedup of CPU-bound work over a baseline of the same run
    /// ("1.93×"). It cannot pass the cores the work ran on: see
    /// [`SectionReport::limit_to_cores`]. (Waits overlap without cores, so
    /// an I/O speedup is a plain [`Cell::Ratio`].)
    CpuSpeedup(f64),
    /// Cores kept busy: CPU time over wall time. At most the core count.
    Cores(f64),
    /// A size in bytes.
    Bytes(f64),
    /// A measured number without a unit (e.g. cores kept busy).
    Number(f64),
    /// A measured rate per second ("1.25 M/s").
    PerSecond(f64),
    /// A figure that could not be measured here, and why.
    Missing(String),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as the table shows it: words may wrap, figures may not.
    fn piece(&self, how: Render) -> Piece {
        match self {
            Cell::Text(_) | Cell::Varies(_) | Cell::Missing(_) => {
                Piece::words(&self.render(how))
            }
            Cell::Timing(t) if how == Render::Plain => Piece::figures(vec![
                format_seconds(t.median),
                format!("({})", format_range(t.min, t.max)),
            ]),
            _ => Piece::whole(self.render(how)),
        }
    }

    fn render(&self, how: Render) -> String {
        let redacted = how == Render::Redacted;
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => group_thousands(*n),
            Cell::Missing(why) => format!("— ({why})"),
            Cell::Seconds(_) | Cell::Timing(_) if redacted => "[time]".into(),
            Cell::Ratio(_) | Cell::CpuSpeedup(_) if redacted => "[ratio]".into(),
            Cell::Cores(_) if redacted => "[number]".into(),
            Cell::Tally(_) if redacted => "[count]".into(),
            Cell::Varies(_) if redacted => "[varies]".into(),
            Cell::Varies(s) => s.clone(),
            Cell::Tally(n) => group_thousands(*n),
            Cell::Bytes(_) if redacted => "[bytes]".into(),
            Cell::Number(_) if redacted => "[number]".into(),
            Cell::PerSecond(_) if redacted => "[rate]".into(),
            Cell::PerSecond(r) => format_rate(*r),
            Cell::Seconds(s) => format_seconds(*s),
            Cell::Timing(t) => format!(
                "{} ({})",
                format_seconds(t.median),
                format_range(t.min, t.max)
            ),
            Cell::Ratio(r) | Cell::CpuSpeedup(r) => format!("{r:.2}×"),
            Cell::Cores(n) => format!("{n:.2}"),
            Cell::Bytes(b) => format_bytes(*b),
            Cell::Number(n) => format!("{n:.2}"),
        }
    }
}

/// Columns a text takes in a terminal: every character one.
fn width(s: &str) -> usize {
    s.chars().count()
}

/// A claim the section checked on this run, and whether it held.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub holds: bool,
    pub claim: String,
    pub kind: Kind,
}

/// What a check that fails says about the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Must hold on any machine, however busy (every sum right, no input
    /// lost): a failure is a bug. Tests require it.
    Invariant,
    /// A claim about a figure ("twice as fast") that a busy machine can
    /// move: a miss is reported, not a bug. Nothing requires it.
    Measured,
    /// What physics allows (no speedup above the cores, a chart point equal
    /// to its table figure): a failure means the run was disturbed or the
    /// harness is wrong. The book refuses such a run; tests do not require
    /// it, because a loaded test machine can break it.
    Plausible,
}

impl Check {
    /// An invariant that did not hold: a bug, on any machine.
    pub fn is_broken(&self) -> bool {
        !self.holds && self.kind == Kind::Invariant
    }

    /// A figure that cannot be true: this run must not reach the book.
    pub fn is_implausible(&self) -> bool {
        !self.holds && self.kind == Kind::Plausible
    }
}

/// A part of a section's report, in the order it is printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Block {
    Table(Table),
    /// A sentence that explains what the figures mean.
    Note(String),
    /// A sentence chosen by this run's figures ("this run looked busy"):
    /// shown to a reader, redacted in a snapshot.
    Verdict(String),
    Check(Check),
}

/// Everything one section found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionReport {
    pub section: String,
    /// What the section shows, in one sentence.
    pub claim: String,
    pub blocks: Vec<Block>,
}

impl SectionReport {
    pub fn new(section: &str, claim: impl Into<String>) -> SectionReport {
        SectionReport {
            section: section.to_string(),
            claim: claim.into(),
            blocks: Vec::new(),
        }
    }

    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Note(text.into()));
    }

    /// A note whose wording depends on what this run measured.
    pub fn verdict(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Verdict(text.into()));
    }

    /// Records whether `claim`, an invariant, held on this run and returns
    /// `holds`. It must hold on every machine, however busy: tests require it.
    pub fn check(&mut self, holds: bool, claim: impl Into<String>) -> bool {
        self.add_check(holds, claim.into(), Kind::Invariant)
    }

    /// Records whether `claim`, about a measured figure (a speedup, a time
    /// limit), held on this run. A busy machine can move a figure, so a miss
    /// is reported, not treated as a bug: tests show the claim but do not
    /// require it, and figures are judged from a `--full` run.
    pub fn measured(&mut self, holds: bool, claim: impl Into<String>) -> bool {
        self.add_check(holds, claim.into(), Kind::Measured)
    }

    /// Records whether `claim`, a limit physics or the harness sets (no
    /// speedup above the cores; a figure shown twice is the same), held.
    /// When it does not, the run was disturbed and is not fit to quote.
    pub fn plausible(&mut self, holds: bool, claim: impl Into<String>) -> bool {
        self.add_check(holds, claim.into(), Kind::Plausible)
    }

    fn add_check(&mut self, holds: bool, claim: String, kind: Kind) -> bool {
        let check = Check { holds, claim, kind };
        self.blocks.push(Block::Check(check));
        holds
    }

    /// Every check of the report, in order.
    pub fn checks(&self) -> impl Iterator<Item = &Check> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Check(c) => Some(c),
            _ => None,
        })
    }

    /// The invariants that did not hold: what a test must find empty.
    pub fn broken(&self) -> Vec<&Check> {
        self.checks().filter(|c| c.is_broken()).collect()
    }

    /// The plausibility checks that did not hold: what the book refuses.
    pub fn implausible(&self) -> Vec<&Check> {
        self.checks().filter(|c| c.is_implausible()).collect()
    }

    /// Adds the check every chapter owes its reader: no CPU speedup above
    /// the `cores` the run had, and no count of cores kept busy above them
    /// by more than 5 % (the rounding of CPU clocks). A speedup past the
    /// cores is not a fast machine but a disturbed baseline or a wrong
    /// harness, and a page must not show one, however small the excess.
    pub fn limit_to_cores(&mut self, cores: usize) {
        let (speedup_limit, busy_limit) = (cores as f64, cores as f64 * 1.05);
        let (mut speedups, mut busy) = (Vec::new(), Vec::new());
        for cell in self.cells() {
            match cell {
                Cell::CpuSpeedup(s) => speedups.push(*s),
                Cell::Cores(c) => busy.push(*c),
                _ => {}
            }
        }
        let within =
            |v: &[f64], limit: f64| v.iter().all(|x| x.is_finite() && *x <= limit);
        if !speedups.is_empty() {
            let holds = within(&speedups, speedup_limit);
            self.plausible(holds, "no CPU speedup above the core count");
        }
        if !busy.is_empty() {
            let holds = within(&busy, busy_limit);
            self.plausible(
                holds,
                "no run kept more cores busy than the machine has",
            );
        }
    }

    /// The section's tables, in the order they are printed.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// Every table cell, for checks that hold every figure of a kind to a
    /// limit.
    pub fn cells(&self) -> impl Iterator<Item = &Cell> {
        self.tables().flat_map(|t| t.rows.iter().flatten())
    }

    /// The report laid out for the book ([`BOOK_WIDTH`]): what snapshots
    /// and the book's saved blocks hold.
    pub fn render(&self, how: Render) -> String {
        self.render_within(how, BOOK_WIDTH)
    }

    /// The report with its tables within `columns` (a reader's terminal,
    /// [`output_width`]) and its prose within [`WIDTH`] or `columns`,
    /// whichever is narrower.
    pub fn render_within(&self, how: Render, columns: usize) -> String {
        let prose = WIDTH.min(columns);
        let mut out = String::new();
        let _ = writeln!(out, "== {} ==", self.section);
        out += &wrap(&self.claim, "", prose);
        let mut previous_was_check = false;
        for block in &self.blocks {
            let is_check = matches!(block, Block::Check(_));
            if !(is_check && previous_was_check) {
                out.push('\n');
            }
            previous_was_check = is_check;
            match block {
                Block::Table(t) => t.render(how, columns, &mut out),
                Block::Note(n) => out += &wrap(n, "", prose),
                Block::Verdict(_) if how == Render::Redacted => {
                    out += "[a sentence on this run's figures]\n";
                }
                Block::Verdict(n) => out += &wrap(n, "", prose),
                Block::Check(c) => {
                    let mark = match (c.kind, c.holds, how) {
                        // A figure's outcome depends on the machine's load.
                        (Kind::Measured | Kind::Plausible, _, Render::Redacted) => {
                            "[~]    "
                        }
                        (_, true, _) => "[ok]   ",
                        (Kind::Measured, false, _) => "[miss] ",
                        (Kind::Plausible, false, _) => "[busy] ",
                        (Kind::Invariant, false, _) => "[FAIL] ",
                    };
                    // The mark takes the first line's first columns as the
                    // indent takes the others': a claim's first line must
                    // fit beside it, or the line is as many columns too
                    // wide as the mark (a scrollbar on the book's page).
                    let stand_in = "\u{1}".repeat(mark.len() - 1);
                    let claim = format!("{stand_in} {}", c.claim);
                    out += mark;
                    out += &wrap(&claim, "       ", prose)[mark.len()..];
                }
            }
        }
        out
    }
}

/// Prose is wrapped to this many columns; tables are as wide as they need.
const WIDTH: usize = 80;

/// Wraps `text` at spaces to `width` columns, indenting lines after the
/// first by `indent`.
pub fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in words_keeping_numbers(text) {
        let word = word.as_str();
        if !line.is_empty()
            && line.chars().count() + 1 + word.chars().count() > width
        {
            out += &line;
            out.push('\n');
            line = indent.to_string();
        } else if !line.is_empty() && line != indent {
            line.push(' ');
        }
        line += word;
    }
    out += &line;
    out.push('\n');
    out
}

/// The words of `text`, a number grouped in thousands ("20 000") kept as
/// one: a line break inside it would read as two numbers.
fn words_keeping_numbers(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let digits = word.trim_end_matches(|c: char| !c.is_ascii_digit());
        let a_group =
            digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit());
        match words.last_mut() {
            Some(last)
                if a_group && last.ends_with(|c: char| c.is_ascii_digit()) =>
            {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
    }
    words
}

/// "1.23 s", "45.6 ms", "789 µs", "12 ns": three significant figures.
pub fn format_seconds(s: f64) -> String {
    let (value, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    };
    format!("{} {unit}", three_figures(value))
}

/// "7.02–8.27 ms", or "627 ns–4.02 µs" when the units differ.
pub fn format_range(min: f64, max: f64) -> String {
    let (low, high) = (format_seconds(min), format_seconds(max));
    match (low.split_once(' '), high.split_once(' ')) {
        (Some((number, unit)), Some((_, same))) if unit == same => {
            format!("{number}–{high}")
        }
        _ => format!("{low}–{high}"),
    }
}

/// "950 /s", "45.2 k/s", "1.25 M/s".
pub fn format_rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{} M/s", three_figures(per_second / 1e6))
    } else if per_second >= 1e3 {
        format!("{} k/s", three_figures(per_second / 1e3))
    } else {
        format!("{} /s", three_figures(per_second))
    }
}

/// "512 B", "8.0 KiB", "1.25 MiB", "2.00 GiB".
pub fn format_bytes(b: f64) -> String {
    const KIB: f64 = 1024.0;
    if b.abs() < KIB {
        format!("{b:.0} B")
    } else if b.abs() < KIB * KIB {
        format!("{} KiB", three_figures(b / KIB))
    } else if b.abs() < KIB * KIB * KIB {
        format!("{} MiB", three_figures(b / KIB / KIB))
    } else {
        format!("{} GiB", three_figures(b / KIB / KIB / KIB))
    }
}

fn three_figures(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// "100000" → "100 000", the way the article writes large counts.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_figures() {
        assert_eq!(format_seconds(1.234), "1.23 s");
        assert_eq!(format_seconds(0.0456), "45.6 ms");
        assert_eq!(format_seconds(0.000_789), "789 µs");
        assert_eq!(format_bytes(8192.0), "8.00 KiB");
        assert_eq!(group_thousands(100_000), "100 000");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(format_rate(1_250_000.0), "1.25 M/s");
        assert_eq!(format_rate(45_200.0), "45.2 k/s");
        assert_eq!(format_range(0.00702, 0.00827), "7.02–8.27 ms");
        assert_eq!(format_range(627e-9, 4.02e-6), "627 ns–4.02 µs");
    }

    #[test]
    fn wraps_prose_at_spaces() {
        let text = wrap("aaa bbb ccc ddd", "  ", 9);
        assert_eq!(text, "aaa bbb\n  ccc ddd\n");
    }

    #[test]
    fn redaction_hides_figures_and_keeps_shape() {
        let mut report = SectionReport::new("demo", "A claim.");
        let mut t = Table::new("Title", &["model", "n", "wall"]);
        t.push(vec![
            Cell::text("threads"),
            Cell::Count(1000),
            Cell::Seconds(0.5),
        ]);
        report.table(t);
        report.check(true, "it held");
        let text = report.render(Render::Redacted);
        assert!(text.contains("threads  1 000  [time]"), "{text}");
        assert!(text.contains("[ok]   it held"), "{text}");
        assert!(!text.contains("500 ms"));
    }

    #[test]
    fn a_long_claim_fits_beside_its_mark() {
        let mut report = SectionReport::new("demo", "A claim.");
        report.check(true, "every word of this claim is needed: ".repeat(5));
        let text = report.render(Render::Plain);
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("word")).collect();
        assert!(lines.len() > 1, "{text}");
        assert!(lines[0].starts_with("[ok]   every word"), "{text}");
        assert!(lines.iter().all(|l| width(l) <= WIDTH), "{text}");
    }

    #[test]
    fn a_number_grouped_in_thousands_is_never_split_across_lines() {
        let text = "every one was answered rightly (20 000 answers), of 1 200 000";
        for width in 10..70 {
            let wrapped = wrap(text, "", width);
            assert!(
                wrapped.contains("20 000") && wrapped.contains("1 200 000"),
                "{wrapped}"
            );
        }
    }

    #[test]
    fn a_speedup_above_the_cores_is_implausible() {
        let mut report = SectionReport::new("demo", "A claim.");
        let mut t = Table::new("T", &["model", "speedup", "cores busy"]);
        t.push(vec![
            Cell::text("a"),
            Cell::CpuSpeedup(1.9),
            Cell::Cores(1.98),
        ]);
        report.table(t.clone());
        report.limit_to_cores(2);
        assert!(report.implausible().is_empty(), "{report:?}");
        t.push(vec![
            Cell::text("b"),
            Cell::CpuSpeedup(2.75),
            Cell::Cores(2.0),
        ]);
        let mut doctored = SectionReport::new("demo", "A claim.");
        doctored.table(t);
        doctored.limit_to_cores(2);
        let bad = doctored.implausible();
        assert_eq!(bad.len(), 1, "{doctored:?}");
        assert!(bad[0].claim.contains("speedup"), "{}", bad[0].claim);
        assert!(doctored.broken().is_empty(), "implausible is not broken");
        let plain = doctored.render(Render::Plain);
        assert!(plain.contains("[busy] no CPU speedup"), "{plain}");
        // A speedup just past the cores is refused too; cores busy may
        // round up to 5 % over.
        let mut t = Table::new("T", &["model", "speedup", "cores busy"]);
        t.push(vec![
            Cell::text("c"),
            Cell::CpuSpeedup(2.03),
            Cell::Cores(2.08),
        ]);
        let mut slight = SectionReport::new("demo", "A claim.");
        slight.table(t);
        slight.limit_to_cores(2);
        let bad = slight.implausible();
        assert_eq!(bad.len(), 1, "{slight:?}");
        assert!(bad[0].claim.contains("speedup"), "{}", bad[0].claim);
    }

    #[test]
    fn a_report_survives_its_json() {
        let mut report = SectionReport::new("demo", "A claim.");
        let mut t = Table::new("T", &["what", "time"]);
        t.push(vec![Cell::text("x"), Cell::Timing(Spread::single(0.5))]);
        report.table(t);
        report.measured(false, "fast");
        let json = serde_json::to_string(&report).unwrap();
        let back: SectionReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn a_missed_figure_is_reported_but_not_broken() {
        let mut report = SectionReport::new("demo", "A claim.");
        report.measured(false, "twice as fast");
        report.check(true, "every sum right");
        assert!(report.broken().is_empty());
        let plain = report.render(Render::Plain);
        assert!(plain.contains("[miss] twice as fast"), "{plain}");
        let redacted = report.render(Render::Redacted);
        assert!(redacted.contains("[~]    twice as fast"), "{redacted}");
        report.check(false, "no input lost");
        assert_eq!(report.broken().len(), 1);
        assert!(
            report
                .render(Render::Plain)
                .contains("[FAIL] no input lost")
        );
    }
}
