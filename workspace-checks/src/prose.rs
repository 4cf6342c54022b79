//! Figures typed by hand into prose.
//!
//! The book promises that every measured figure on a page comes from the
//! generated output of one run. A number with a unit typed into a sentence
//! breaks that promise quietly: it came from some other run (or from memory),
//! `book/regenerate` never updates it, and on the reader's machine it is
//! simply wrong. [`typed_figures`] finds such figures so that a test can
//! insist each one is either a chosen parameter (a size or duration the code
//! is given, which holds on any machine) or taken out of the prose.
//!
//! Code is not prose: fenced blocks, inline code spans and mdBook directives
//! are blanked first, with the same readers the other checks use, so that a
//! command line such as `sleep 5s` is not taken for a claim.

use super::{directives, line_of};

/// Units that may follow a number directly or after one space. A figure
/// written with any of them is a claim about time, size, rate or ratio.
const UNITS: &[&str] = &[
    "ns", "µs", "μs", "us", "ms", "s", "B", "KB", "kB", "KiB", "MB", "MiB", "GB",
    "GiB", "%", "×", "/s", "k/s", "M/s",
];

/// Units spelled as words. These may also be joined by a hyphen, because
/// "a 30-second deadline" states a duration as plainly as "30 s" does.
const WORD_UNITS: &[&str] = &[
    "nanoseconds",
    "nanosecond",
    "microseconds",
    "microsecond",
    "milliseconds",
    "millisecond",
    "seconds",
    "second",
    "minutes",
    "minute",
    "hours",
    "hour",
    "bytes",
    "byte",
];

/// `x` as a ratio ("2x faster") only when nothing separates it from the
/// number: "2 x 3" is arithmetic and "x" alone is usually a variable.
const RATIO_X: &[&str] = &["x"];

/// Every number followed by a unit in the prose of `text` (a Markdown page,
/// or a quiz's TOML, whose strings are Markdown): (1-based line, the figure
/// with its spacing made one plain space). Numbers are read as the book
/// writes them: `100`, `2.75`, and `10 000` with a space between groups.
pub fn typed_figures(text: &str) -> Vec<(usize, String)> {
    let prose = prose_only(text);
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(c) = prose[i..].chars().next() {
        if !(c.is_ascii_digit() && starts_a_number(&prose, i)) {
            i += c.len_utf8();
            continue;
        }
        let end = number_end(&prose, i);
        match unit_after(&prose[end..]) {
            Some(len) => {
                let figure = prose[i..end + len].split_whitespace();
                let figure: Vec<&str> = figure.collect();
                found.push((line_of(&prose, i), figure.join(" ")));
                i = end + len;
            }
            None => i = end,
        }
    }
    found
}

/// `text` with fenced blocks, inline code and directives blanked, keeping
/// every line where it was so line numbers still hold.
fn prose_only(text: &str) -> String {
    blank_directives(&super::markdown::prose_only(text))
}

/// `prose` with each `{{#…}}` directive's text replaced by spaces of the
/// same byte length: an include's path or line range is not a figure.
fn blank_directives(prose: &str) -> String {
    let mut out = prose.to_string();
    let mut from = 0;
    for directive in directives(prose) {
        let Some(at) = prose[from..].find(&directive.text) else {
            continue;
        };
        let start = from + at;
        let end = start + directive.text.len();
        let blank: String = directive
            .text
            .chars()
            .map(|c| match c {
                '\n' => "\n".to_string(),
                c => " ".repeat(c.len_utf8()),
            })
            .collect();
        out.replace_range(start..end, &blank);
        from = end;
    }
    out
}

/// Whether the digit at byte `at` starts a number rather than continuing a
/// word or a dotted version: `x86_64`, `io2` and `0.5.4` hold no figure.
fn starts_a_number(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'))
}

/// Spaces that may sit between a number and its unit, or between groups of
/// digits: plain, no-break, thin and narrow no-break.
const SPACES: [char; 4] = [' ', '\u{a0}', '\u{2009}', '\u{202f}'];

/// Where the number starting at byte `start` ends: its digits, groups of
/// three after a space when it starts with at most three digits (`10 000`),
/// and a decimal part.
fn number_end(text: &str, start: usize) -> usize {
    let lead = digits(text, start);
    let mut end = start + lead;
    if lead <= 3 {
        while let Some(group) = next_group(text, end) {
            end = group + 3;
        }
    }
    if text[end..].starts_with('.') && digits(text, end + 1) > 0 {
        end += 1 + digits(text, end + 1);
    }
    end
}

/// How many ASCII digits `text` has from byte `from` on.
fn digits(text: &str, from: usize) -> usize {
    text[from..].bytes().take_while(u8::is_ascii_digit).count()
}

/// Where a group of exactly three digits starts, if one follows `end` after
/// one space; four digits would be a second number, not a group.
fn next_group(text: &str, end: usize) -> Option<usize> {
    let gap = text[end..].chars().next().filter(|c| SPACES.contains(c))?;
    let group = end + gap.len_utf8();
    (digits(text, group) == 3).then_some(group)
}

/// The length in bytes of the gap and unit at the start of `rest`, the text
/// just after a number, if a unit is there.
fn unit_after(rest: &str) -> Option<usize> {
    let space = space_len(rest);
    let hyphen = usize::from(rest.starts_with('-'));
    let attempts: [(usize, &[&[&str]]); 3] = [
        (0, &[UNITS, WORD_UNITS, RATIO_X]),
        (space, &[UNITS, WORD_UNITS]),
        (hyphen, &[WORD_UNITS]),
    ];
    attempts.into_iter().find_map(|(gap, lists)| {
        let after = &rest[gap..];
        let unit = lists
            .iter()
            .flat_map(|list| list.iter())
            .filter(|unit| after.starts_with(**unit))
            .max_by_key(|unit| unit.len())?;
        ends_unit(&after[unit.len()..], unit).then_some(gap + unit.len())
    })
}

/// The length of the one space between a number and its unit: a space
/// (plain, no-break or thin), or a line break and the next line's indent,
/// since prose wraps wherever it likes.
fn space_len(rest: &str) -> usize {
    match rest.chars().next() {
        Some(c) if SPACES.contains(&c) => c.len_utf8(),
        Some('\n') => {
            1 + rest[1..].len() - rest[1..].trim_start_matches([' ', '\t']).len()
        }
        _ => 0,
    }
}

/// Whether `unit` really ends where `tail` begins: "2 sections" and "5xx"
/// hold no unit, and `×` before a number is a multiplication sign.
fn ends_unit(tail: &str, unit: &str) -> bool {
    if unit == "×" {
        return !tail.trim_start().starts_with(|c: char| c.is_ascii_digit());
    }
    let wordy = unit.ends_with(|c: char| c.is_alphanumeric());
    !wordy
        || tail
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(text: &str) -> Vec<String> {
        typed_figures(text).into_iter().map(|(_, f)| f).collect()
    }

    #[test]
    fn finds_figures_as_the_book_writes_them() {
        let text = "built in about 22 s (15 crates), the other in 47s.\n\
            10 000 threads took 2.22 s; 100 000 tasks 125ms.\n\
            a 2.75 ms start, 6.05 µs, 6.05 μs, 1.96 ns and 3 us\n\
            3.00× sooner, 2x faster, 95 %, 40%\n\
            10.0 MiB, 9.75 KiB, 1 GiB, 2 MB, 3 KB, 4 kB, 5 GB, 625 B, 600 bytes\n\
            12 k/s, 3 M/s, 100/s\n";
        assert_eq!(
            figures(text),
            vec![
                "22 s",
                "47s",
                "2.22 s",
                "125ms",
                "2.75 ms",
                "6.05 µs",
                "6.05 μs",
                "1.96 ns",
                "3 us",
                "3.00×",
                "2x",
                "95 %",
                "40%",
                "10.0 MiB",
                "9.75 KiB",
                "1 GiB",
                "2 MB",
                "3 KB",
                "4 kB",
                "5 GB",
                "625 B",
                "600 bytes",
                "12 k/s",
                "3 M/s",
                "100/s",
            ]
        );
    }

    #[test]
    fn finds_units_spelled_as_words() {
        let text = "wait 5 seconds, a 30-second deadline, 250 milliseconds,\n\
            1 microsecond, about 2 minutes, a 64-byte line, 3 hours";
        assert_eq!(
            figures(text),
            vec![
                "5 seconds",
                "30-second",
                "250 milliseconds",
                "1 microsecond",
                "2 minutes",
                "64-byte",
                "3 hours",
            ]
        );
    }

    #[test]
    fn reports_lines_and_joins_a_wrapped_figure() {
        let text = "one\nthe whole section took about 1.4\n  s in all,\n\
            and each wait is 100\u{a0}ms or 10\u{2009}000 ms";
        assert_eq!(
            typed_figures(text),
            vec![
                (2, "1.4 s".to_string()),
                (4, "100 ms".to_string()),
                (4, "10 000 ms".to_string()),
            ]
        );
    }

    #[test]
    fn words_that_start_like_units_are_not_figures() {
        let text = "2 sections, 3 steps, 10 sums, 4 bytesize, 8 msgs, 2 xs\n\
            5xx and 4xx errors, 0x1F, 2x2, 5 seconds_left\n\
            2 threads × 1 increment, 10 000 × 3, 7 B2B, 9 Bar\n\
            x86_64, io2 s, v1.4 s, 0.5.4, Rust 1.85 or newer\n\
            ## 5. A timeout on every call; 15 crates; 1 000 requests; 3-step";
        assert_eq!(figures(text), Vec::<String>::new());
    }

    #[test]
    fn code_and_directives_are_not_prose() {
        let text = "Run `sleep 5s` or ``wait 2 ms`` first.\n\
            {{#include generated/a/b.txt:3:12}}\n\
            {{#quiz ../quizzes/01-x.toml}}\n\
            ```text\ntook 2.22 s\n```\n\
            ~~~\n125 ms\n~~~\n\
            but this took 3 s";
        assert_eq!(typed_figures(text), vec![(10, "3 s".to_string())]);
    }

    #[test]
    fn a_multiplication_keeps_the_figure_after_it() {
        let text = "about 10 000 × 100 ms later, 3.00× sooner";
        assert_eq!(figures(text), vec!["100 ms", "3.00×"]);
    }

    #[test]
    fn reads_quiz_toml() {
        let text = "# rendered by mdbook-quiz 0.5.0\n\
            [[questions]]\n\
            prompt.prompt = \"\"\"\n10 000 threads each sleep 100 ms.\n\"\"\"\n\
            answer.answer = \"Both finish in little more than 100 ms\"\n\
            id = \"b2e480bb-7c3c-4994-9400-36fe07f9670e\"\n";
        assert_eq!(
            typed_figures(text),
            vec![(4, "100 ms".to_string()), (6, "100 ms".to_string())]
        );
    }
}
