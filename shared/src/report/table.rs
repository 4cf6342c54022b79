//! A report's tables, laid out within [`TABLE_WIDTH`] columns: what the
//! book's code blocks show without a scroll bar.
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

    pub(super) fn render(&self, how: Render, out: &mut String) {
        let headers: Vec<Piece> =
            self.headers.iter().map(|h| Piece::words(h)).collect();
        let cells: Vec<Vec<Piece>> = self
            .rows
            .iter()
            .map(|row| row.iter().map(|c| c.piece(how)).collect())
            .collect();
        let widths = column_widths(&headers, &cells);
        out.push_str(&wrap(&self.title, "", TABLE_WIDTH));
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
                let _ = writeln!(out, "  {}", padded.join("  ").trim_end());
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

/// Each column's width: as wide as its widest cell while the table fits
/// [`TABLE_WIDTH`]; beyond that, narrowed one column at a time.
fn column_widths(headers: &[Piece], cells: &[Vec<Piece>]) -> Vec<usize> {
    let every_row =
        || std::iter::once(headers).chain(cells.iter().map(Vec::as_slice));
    let mut widths = vec![0; headers.len()];
    // A column can narrow down to its longest word or figure, no
    // further; the first, which names each row ("python-multiprocessing"),
    // only to its longest whole word: a name is never hyphenated.
    let mut floors = vec![0; headers.len()];
    for row in every_row() {
        for (i, piece) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(&piece.text()));
            let floor = if i == 0 {
                piece.longest_word()
            } else {
                piece.longest_part()
            };
            floors[i] = floors[i].max(floor);
        }
    }
    let total = |w: &[usize]| 2 + w.iter().sum::<usize>() + 2 * (w.len() - 1);
    // The lines the table takes at these widths, header included.
    let height = |w: &[usize]| -> usize {
        every_row()
            .map(|row| {
                let lines = row.iter().zip(w).map(|(p, w)| p.fit(*w).len());
                lines.max().unwrap_or(1)
            })
            .sum()
    };
    while total(&widths) > TABLE_WIDTH {
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

/// Tables wider than this wrap the words of their widest columns onto more
/// lines, so that the book shows them without a scroll bar.
const TABLE_WIDTH: usize = 84;

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

    fn longest_part(&self) -> usize {
        self.parts.iter().map(|(p, _)| width(p)).max().unwrap_or(0)
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
        t.render(Render::Plain, &mut out);
        assert!(out.lines().all(|l| width(l) <= TABLE_WIDTH), "{out}");
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
    fn a_table_never_hyphenates_the_names_in_its_first_column() {
        let mut table = Table::new("t", &["model", "runs on", "what it did"]);
        let long = "a long description that must wrap ".repeat(4);
        table.push(vec![
            Cell::text("python-multiprocessing"),
            Cell::text("16 tasks on 2 threads"),
            Cell::text(long.trim()),
        ]);
        let mut out = String::new();
        table.render(Render::Plain, &mut out);
        assert!(out.contains("python-multiprocessing"), "{out}");
        assert!(out.lines().all(|l| width(l) <= TABLE_WIDTH), "{out}");
    }
}
