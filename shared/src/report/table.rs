//! A report's tables, laid out within a width: the book's
//! ([`BOOK_WIDTH`], what its code blocks show without a scroll bar) or the
//! reader's ([`output_width`]: their terminal's, 80 columns when unknown).
//!
//! Hand-written, because the layout is part of what the reader reads: a
//! model's name ("python-multiprocessing") is never split, a figure
//! ("2.02 s", "(26.8–29.7 ms)") never breaks inside itself, and a column
//! narrows only where that costs the fewest extra lines. comfy-table
//! (7.2, `ContentArrangement::Dynamic`, width 80), tried on chapter 1's
//! I/O-bound table, shares the width out evenly and cuts words wherever a
//! column ends: "thread-poo|l", "(2.02–2.0|2 s)", "speedu|p", even with
//! the first column held to its content's width. Its constraints would
//! have to be computed per table from the words, which is this module's
//! work anyway.
//!
//! The terminal's width comes from `console` (`Term::size_checked`, an
//! `ioctl` behind a safe call), not `terminal_size`, which clap uses: the
//! progress spinner's indicatif already builds `console` with the same
//! features, so asking it costs no compile time, where `terminal_size`
//! would add rustix's terminal code to every chapter's build. (`std`
//! says whether stdout is a terminal, `std::io::IsTerminal`, but not how
//! wide it is.)

use super::{Cell, Render, width, wrap};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// A table with a title and one header per column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(title: impl Into<String>, headers: &[&str]) -> Table {
        Table {
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.headers.len(), "row width");
        self.rows.push(row);
    }

    /// The table within `limit` columns, as far as its longest words and
    /// figures allow.
    pub(super) fn render(&self, how: Render, limit: usize, out: &mut String) {
        let headers: Vec<Piece> =
            self.headers.iter().map(|h| Piece::words(h)).collect();
        let cells: Vec<Vec<Piece>> = self
            .rows
            .iter()
            .map(|row| row.iter().map(|c| c.piece(how)).collect())
            .collect();
        // Two spaces between columns, one where two would not fit a
        // reader's narrower output. The book's width keeps two: its saved
        // blocks stay as they were printed (chapter 1's verdicts table
        // overflows it by one column, for the book's own checks to report).
        let gaps: &[usize] = if limit < BOOK_WIDTH { &[2, 1] } else { &[2] };
        let laid_out = |gap| (column_widths(&headers, &cells, limit, gap), gap);
        let closest = gaps[gaps.len() - 1];
        let (widths, gap) = (gaps.iter().map(|&gap| laid_out(gap)))
            .find(|(widths, gap)| table_width(widths, *gap) <= limit)
            .unwrap_or_else(|| laid_out(closest));
        let gap = " ".repeat(gap);
        out.push_str(&wrap(&self.title, "", limit));
        let line = |row: &[Piece], out: &mut String| {
            let parts: Vec<Vec<String>> =
                row.iter().zip(&widths).map(|(p, w)| p.fit(*w)).collect();
            let height = parts.iter().map(Vec::len).max().unwrap_or(1);
            for k in 0..height {
                let padded: Vec<String> = parts
                    .iter()
                    .zip(&widths)
                    .map(|(lines, w)| {
                        let part = lines.get(k).map_or("", String::as_str);
                        format!(
                            "{part}{}",
                            " ".repeat(w.saturating_sub(width(part)))
                        )
                    })
                    .collect();
                let _ = writeln!(out, "  {}", padded.join(&gap).trim_end());
            }
        };
        line(&headers, out);
        let rule: Vec<Piece> = widths
            .iter()
            .map(|w| Piece::whole("-".repeat(*w)))
            .collect();
        line(&rule, out);
        for row in &cells {
            line(row, out);
        }
    }
}

/// The columns a table takes with `gap` spaces between columns and its
/// indent of two.
fn table_width(widths: &[usize], gap: usize) -> usize {
    2 + widths.iter().sum::<usize>() + gap * widths.len().saturating_sub(1)
}

/// Each column's width: as wide as its widest cell while the table fits
/// `limit` with `gap` spaces between columns; beyond that, narrowed one
/// column at a time.
fn column_widths(
    headers: &[Piece],
    cells: &[Vec<Piece>],
    limit: usize,
    gap: usize,
) -> Vec<usize> {
    let every_row =
        || std::iter::once(headers).chain(cells.iter().map(Vec::as_slice));
    let mut widths = vec![0; headers.len()];
    // A column can narrow down to its longest word or figure, no
    // further, a hyphenated word counted whole: a model's name
    // ("python-multiprocessing", "thread-pool") is never split, in the
    // first column, which names each row, or in any other.
    let mut floors = vec![0; headers.len()];
    for row in every_row() {
        for (i, piece) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(&piece.text()));
            floors[i] = floors[i].max(piece.longest_word());
        }
    }
    // The lines the table takes at these widths, header included.
    let height = |w: &[usize]| -> usize {
        every_row()
            .map(|row| {
                let lines = row.iter().zip(w).map(|(p, w)| p.fit(*w).len());
                lines.max().unwrap_or(1)
            })
            .sum()
    };
    while table_width(&widths, gap) > limit {
        // Narrow the column that costs the fewest extra lines, the
        // widest of those: wrap where it hurts the reader least.
        let narrowable = (0..widths.len()).filter(|&i| widths[i] > floors[i]);
        let cheapest = narrowable.min_by_key(|&i| {
            let mut narrower = widths.clone();
            narrower[i] -= 1;
            (height(&narrower), std::cmp::Reverse(widths[i]))
        });
        let Some(column) = cheapest else {
            break; // every column is down to its longest word
        };
        widths[column] -= 1;
    }
    widths
}

/// The width of the book's code blocks: tables wider than this wrap the
/// words of their widest columns onto more lines, so that the book shows
/// them without a scroll bar. `book/regenerate` asks for it (`COLUMNS=84`),
/// and the workspace checks rebuild the book's blocks at it.
pub const BOOK_WIDTH: usize = 84;

/// The width of a reader's output when nothing says otherwise (not a
/// terminal, no `COLUMNS`): what a terminal has by default.
pub const DEFAULT_WIDTH: usize = 80;

/// Narrower than this, a table only gets taller: its longest names and
/// figures do not break anyway.
const NARROWEST: usize = 40;

/// The width this process prints reports at, once a chapter's run has
/// chosen it for stdout ([`lay_out_for_stdout`]).
static PRINTED: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// Lays every report this process prints out for stdout's width
/// ([`output_width`]): a chapter's run calls it once, before printing.
pub fn lay_out_for_stdout() {
    let _ = PRINTED.set(output_width());
}

/// The width printed reports take: stdout's, once a chapter's run chose
/// it, else the book's, so that a test that runs a chapter inside its own
/// process prints what it printed before, whatever terminal it runs in.
pub fn printed_width() -> usize {
    PRINTED.get().copied().unwrap_or(BOOK_WIDTH)
}

/// The width a chapter's output is laid out for, in the order Python's
/// `shutil.get_terminal_size` looks: `COLUMNS` when set to a number (how
/// the book's generator asks for [`BOOK_WIDTH`]), then the terminal's
/// width when stdout is one, else [`DEFAULT_WIDTH`].
pub fn output_width() -> usize {
    let asked = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok());
    let terminal = || {
        let (_rows, columns) = console::Term::stdout().size_checked()?;
        Some(usize::from(columns))
    };
    asked
        .filter(|&c: &usize| c > 0)
        .or_else(terminal)
        .unwrap_or(DEFAULT_WIDTH)
        .max(NARROWEST)
}

/// A cell's text, cut where it may break across lines: between words,
/// after a hyphen inside a word, between a time and its range. A figure
/// ("13.8 KiB", "7.30 ms") never breaks.
pub(super) struct Piece {
    /// The parts, each with whether a space goes before it on the same line.
    parts: Vec<(String, bool)>,
}

impl Piece {
    pub(super) fn words(text: &str) -> Piece {
        let mut parts: Vec<(String, bool)> = Vec::new();
        for word in text.split(' ') {
            // "40 000" stays one number.
            let group = word.len() == 3 && word.bytes().all(|b| b.is_ascii_digit());
            if let Some((number, _)) = parts.last_mut()
                && group
                && number.ends_with(|c: char| c.is_ascii_digit())
            {
                number.push(' ');
                number.push_str(word);
                continue;
            }
            let mut spaced = true;
            let mut rest = word;
            // "python-multiprocessing" may break as "python-" / "multiprocessing".
            while let Some(at) = hyphen_between_letters(rest) {
                parts.push((rest[..=at].to_string(), spaced));
                rest = &rest[at + 1..];
                spaced = false;
            }
            parts.push((rest.to_string(), spaced));
        }
        Piece { parts }
    }

    pub(super) fn whole(text: String) -> Piece {
        Piece {
            parts: vec![(text, true)],
        }
    }

    /// Figures that may go on separate lines, but never break themselves.
    pub(super) fn figures(figures: Vec<String>) -> Piece {
        Piece {
            parts: figures.into_iter().map(|f| (f, true)).collect(),
        }
    }

    fn text(&self) -> String {
        self.fit(usize::MAX).concat()
    }

    /// The widest word, its hyphenated parts joined again.
    fn longest_word(&self) -> usize {
        let mut longest = 0;
        let mut current = 0;
        for (part, spaced) in &self.parts {
            current = if *spaced { 0 } else { current } + width(part);
            longest = longest.max(current);
        }
        longest
    }

    /// Lines of at most `limit` columns, broken only between parts, and
    /// inside a hyphenated word only when the whole word cannot fit a line.
    fn fit(&self, limit: usize) -> Vec<String> {
        let mut lines = vec![String::new()];
        let mut i = 0;
        while i < self.parts.len() {
            // A word: this part and the unspaced parts after it.
            let end = (i + 1..self.parts.len())
                .find(|&j| self.parts[j].1)
                .unwrap_or(self.parts.len());
            let word: String =
                self.parts[i..end].iter().map(|(p, _)| p.as_str()).collect();
            let pieces = if width(&word) <= limit {
                vec![word]
            } else {
                self.parts[i..end].iter().map(|(p, _)| p.clone()).collect()
            };
            for (k, piece) in pieces.into_iter().enumerate() {
                let current = lines.last_mut().expect("never empty");
                let gap = usize::from(k == 0);
                if current.is_empty() {
                    current.push_str(&piece);
                } else if width(current) + gap + width(&piece) <= limit {
                    if k == 0 {
                        current.push(' ');
                    }
                    current.push_str(&piece);
                } else {
                    lines.push(piece);
                }
            }
            i = end;
        }
        lines
    }
}

/// Where `word` has a hyphen with a letter on each side, if anywhere.
fn hyphen_between_letters(word: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    chars.windows(3).find_map(|w| {
        let joins =
            w[1].1 == '-' && w[0].1.is_alphabetic() && w[2].1.is_alphabetic();
        joins.then_some(w[1].0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Spread;

    #[test]
    fn a_wide_table_wraps_its_widest_column() {
        let long = "a few words that make this one cell far wider than the rest";
        let mut t = Table::new("Wide", &["model", "what it saw"]);
        t.push(vec![
            Cell::text(format!("{long}, {long}")),
            Cell::text("short"),
        ]);
        let mut out = String::new();
        t.render(Render::Plain, BOOK_WIDTH, &mut out);
        assert!(out.lines().all(|l| width(l) <= BOOK_WIDTH), "{out}");
        let mut narrow = String::new();
        t.render(Render::Plain, DEFAULT_WIDTH, &mut narrow);
        assert!(
            narrow.lines().all(|l| width(l) <= DEFAULT_WIDTH),
            "{narrow}"
        );
        assert!(
            narrow.lines().any(|l| width(l) > DEFAULT_WIDTH - 4),
            "{narrow}"
        );
        assert!(out.lines().count() > 4, "the row took several lines: {out}");
        let words =
            |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&out).iter().filter(|w| *w == "few").count(), 2);
    }

    #[test]
    fn words_break_at_spaces_and_hyphens_but_figures_never() {
        let lines = |p: Piece, limit| p.fit(limit);
        assert_eq!(
            lines(Piece::words("python-multiprocessing 2"), 16),
            ["python-", "multiprocessing", "2"]
        );
        assert_eq!(
            lines(Piece::words("took 40 000 in all"), 8),
            ["took", "40 000", "in all"]
        );
        assert_eq!(lines(Piece::words("--full"), 3), ["--full"]);
        assert_eq!(
            lines(Piece::words("see event-loop"), 12),
            ["see", "event-loop"]
        );
        let time = Cell::Timing(Spread {
            median: 0.0073,
            min: 0.00702,
            max: 0.00827,
        });
        assert_eq!(time.render(Render::Plain), "7.30 ms (7.02–8.27 ms)");
        assert_eq!(
            lines(time.piece(Render::Plain), 12),
            ["7.30 ms", "(7.02–8.27 ms)"]
        );
        assert_eq!(
            lines(Cell::Bytes(14_131.0).piece(Render::Plain), 3),
            ["13.8 KiB"]
        );
    }

    #[test]
    fn a_table_never_splits_a_model_name_in_any_column() {
        let mut table = Table::new("t", &["model", "best beside it", "what it did"]);
        let long = "a long description that must wrap ".repeat(4);
        table.push(vec![
            Cell::text("python-multiprocessing"),
            Cell::text("thread-pool or python-sequential"),
            Cell::text(long.trim()),
        ]);
        for limit in [BOOK_WIDTH, DEFAULT_WIDTH, NARROWEST] {
            let mut out = String::new();
            table.render(Render::Plain, limit, &mut out);
            for name in
                ["python-multiprocessing", "thread-pool", "python-sequential"]
            {
                assert!(out.contains(name), "{limit} columns split {name}:\n{out}");
            }
        }
    }

    #[test]
    fn columns_close_up_to_one_space_before_a_table_overflows() {
        // Seven columns of 10-letter words: 2 + 70 + 12 = 84 columns with
        // two spaces between them, 78 with one.
        let words: Vec<String> = (0..7).map(|i| format!("{i}abcdefghi")).collect();
        let headers: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut table = Table::new("t", &headers);
        table.push(words.iter().map(|w| Cell::text(w.clone())).collect());
        let mut book = String::new();
        table.render(Render::Plain, BOOK_WIDTH, &mut book);
        assert!(book.contains("0abcdefghi  1abcdefghi"), "{book}");
        let mut narrow = String::new();
        table.render(Render::Plain, DEFAULT_WIDTH, &mut narrow);
        assert!(narrow.contains("0abcdefghi 1abcdefghi"), "{narrow}");
        assert!(
            narrow.lines().all(|l| width(l) <= DEFAULT_WIDTH),
            "{narrow}"
        );
    }
}
